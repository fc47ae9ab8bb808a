// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageModel, PortModel, RealmModel } from '../../model/correlator';
import type { MessageReceived } from '../../model/protocol';
import type { LogEntry } from '../store';
import { quoteValue } from './filterQuery';
import {
  DEFAULT_SHOWN,
  LAYOUT_STORAGE_KEY,
  cellTerm,
  cellText,
  loadLayout,
  nextSort,
  saveLayout,
  senderRelation,
  toggleColumn,
  withTerm,
  type CellContext,
} from './columns';

const realm = (id: string, kind: RealmModel['kind'], url: string, parent?: string): RealmModel => ({
  id,
  kind,
  url,
  origin: new URL(url).origin,
  ...(parent !== undefined ? { parent } : {}),
  instrumented: true,
  events: 0,
  gaps: 0,
  missing: 0,
  faults: 0,
});
const realms = new Map<string, RealmModel>([
  ['T', realm('T', 'top', 'https://app.test/')],
  ['F', realm('F', 'iframe', 'https://widget.test/f.html', 'T')],
]);
const ports = new Map<string, PortModel>([['T:1', { id: 'T:1', channel: 'T:c1', custody: [], started: true, closed: false }]]);

function msg(over: Partial<MessageModel>): MessageModel {
  return { id: 'x', route: 'window', status: 'delivered', ambiguous: false, transfers: [], ...over };
}

afterEach(() => localStorage.removeItem(LAYOUT_STORAGE_KEY));

describe('column layout', () => {
  it('header clicks cycle ascending → descending → arrival order; another column starts ascending', () => {
    expect(nextSort(null, 'size')).toEqual({ column: 'size', direction: 'ascending' });
    expect(nextSort({ column: 'size', direction: 'ascending' }, 'size')).toEqual({ column: 'size', direction: 'descending' });
    expect(nextSort({ column: 'size', direction: 'descending' }, 'size')).toBeNull();
    expect(nextSort({ column: 'size', direction: 'descending' }, 'route')).toEqual({ column: 'route', direction: 'ascending' });
  });

  it('shows and hides columns in their one order; Message stays; hiding the sorted column drops the sort', () => {
    const base = { shown: DEFAULT_SHOWN, sort: { column: 'route' as const, direction: 'ascending' as const } };
    const withOrigin = toggleColumn(base, 'fromOrigin');
    expect(withOrigin.shown).toEqual([...DEFAULT_SHOWN, 'fromOrigin']);
    expect(toggleColumn(base, 'message')).toBe(base);
    const noRoute = toggleColumn(base, 'route');
    expect(noRoute.shown).not.toContain('route');
    expect(noRoute.sort).toBeNull();
  });

  it('is kept in localStorage; bad or foreign data falls back to the defaults', () => {
    expect(loadLayout()).toEqual({ shown: DEFAULT_SHOWN, sort: null });
    saveLayout({ shown: ['type', 'time', 'message'], sort: { column: 'type', direction: 'descending' } });
    expect(loadLayout()).toEqual({ shown: ['time', 'message', 'type'], sort: { column: 'type', direction: 'descending' } });
    localStorage.setItem(LAYOUT_STORAGE_KEY, JSON.stringify({ shown: ['nope', 'size'], sort: { column: 'time', direction: 'up' } }));
    // Message always shown; an unknown id and a bad sort dropped.
    expect(loadLayout()).toEqual({ shown: ['message', 'size'], sort: null });
    localStorage.setItem(LAYOUT_STORAGE_KEY, '{not json');
    expect(loadLayout()).toEqual({ shown: DEFAULT_SHOWN, sort: null });
  });
});

describe('optional columns and filter terms', () => {
  it('sender relation: from the receipt in the log (child #n is 1-based), else from the frame tree', () => {
    const received: MessageReceived = { type: 'messageReceived', seq: 4, t: 1, route: 'window', origin: 'https://widget.test', source: 'child', childIndex: 0, ports: [], preview: 'hi' };
    const log = { byIndex: (i: number): LogEntry | undefined => (i === 9 ? ({ realm: 'T', frameId: 0, index: 9, event: received } as LogEntry) : undefined) };
    const ctx: CellContext = { index: { realms, ports }, log };
    expect(senderRelation(msg({ fromRealm: 'F', toRealm: 'T', receipt: { realm: 'T', seq: 4, index: 9 } }), ctx)).toBe('child #1');
    // The receipt evicted from the log: the frame tree says it.
    expect(senderRelation(msg({ fromRealm: 'F', toRealm: 'T', receipt: { realm: 'T', seq: 4, index: 3 } }), ctx)).toBe('child');
    expect(senderRelation(msg({ fromRealm: 'T', toRealm: 'F' }), ctx)).toBe('parent');
    expect(senderRelation(msg({ fromRealm: 'T', toRealm: 'T' }), ctx)).toBe('self');
    expect(senderRelation(msg({ toRealm: 'T' }), ctx)).toBe('');
  });

  it('cells: origins, ports, channel, transfer', () => {
    const ctx: CellContext = { index: { realms, ports } };
    const m = msg({ route: 'port', fromRealm: 'T', toRealm: 'F', fromPort: 'T:1', toPort: 'F:2', transfers: [{ kind: 'MessagePort', port: 'T:3' }] });
    expect(cellText('fromOrigin', m, ctx)).toBe('https://app.test');
    expect(cellText('toOrigin', m, ctx)).toBe('https://widget.test');
    expect(cellText('port', m, ctx)).toBe('p1 → p2');
    expect(cellText('channel', m, ctx)).toBe('c1');
    expect(cellText('transfer', m, ctx)).toBe('p3');
  });

  it('a cell stands for a key:value term in the filter language; time and size stand for none', () => {
    const ctx: CellContext = { index: { realms, ports } };
    const m = msg({ route: 'port', status: 'in-flight', fromRealm: 'T', toRealm: 'F', fromPort: 'T:1', transfers: [{ kind: 'ArrayBuffer' }], preview: { $t: 'object', entries: [['type', 'SYN']], more: 0 } });
    expect(cellTerm('route', m, ctx)).toBe('route:port');
    expect(cellTerm('status', m, ctx)).toBe('status:in-flight');
    expect(cellTerm('type', m, ctx)).toBe('type:SYN');
    expect(cellTerm('message', m, ctx)).toBe('type:SYN');
    expect(cellTerm('endpoints', m, ctx, 'from')).toBe('from:"top"');
    expect(cellTerm('endpoints', m, ctx, 'to')).toBe('to:"iframe widget.test/f.html"');
    expect(cellTerm('fromOrigin', m, ctx)).toBe('from:"https://app.test"');
    expect(cellTerm('port', m, ctx)).toBe('port:T:1');
    expect(cellTerm('channel', m, ctx)).toBe('channel:"T:c1"');
    expect(cellTerm('transfer', m, ctx)).toBe('has:transfer');
    expect(cellTerm('time', m, ctx)).toBeNull();
    expect(cellTerm('size', m, ctx)).toBeNull();
  });

  it('quotes what needs quoting, and appends a term once', () => {
    expect(quoteValue('SYN')).toBe('SYN');
    expect(quoteValue('a b')).toBe('"a b"');
    expect(quoteValue('a,b')).toBe('"a,b"');
    expect(quoteValue('-x')).toBe('"-x"');
    expect(quoteValue('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(withTerm('', 'route:port', false)).toBe('route:port');
    expect(withTerm('ping ', 'route:port', true)).toBe('ping -route:port');
    expect(withTerm('ping route:port', 'route:port', false)).toBe('ping route:port');
  });
});
