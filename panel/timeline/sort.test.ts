import { describe, expect, it } from 'vitest';
import type { MessageModel, RealmModel } from '../../model/correlator';
import type { CellContext, SortSpec } from './columns';
import type { MessageRow, TimelineRow } from './rows';
import { RowSorter, sortRows } from './sort';

function msg(id: string, over: Partial<MessageModel> = {}): MessageModel {
  return { id, route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...over };
}

function row(m: MessageModel, t = 0): MessageRow {
  return { kind: 'message', key: `m:${m.id}`, t, message: m };
}

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
const ctx: CellContext = { index: { realms, ports: new Map() } };

const ids = (rows: readonly TimelineRow[]): string[] => rows.map((r) => (r.kind === 'message' ? r.message.id : r.key));
const by = (column: SortSpec['column'], direction: SortSpec['direction'] = 'ascending'): SortSpec => ({ column, direction });

describe('sorting the timeline', () => {
  const rows: TimelineRow[] = [
    row(msg('a', { size: 30 }), 1),
    row(msg('b', { size: 10 }), 2),
    row(msg('c'), 3), // size unknown
    row(msg('d', { size: 20 }), 4),
    row(msg('e', { size: 10 }), 5),
  ];

  it('by size, both ways; ties keep arrival order, rows without a value go last either way', () => {
    expect(ids(sortRows(rows, by('size'), ctx))).toEqual(['b', 'e', 'd', 'a', 'c']);
    expect(ids(sortRows(rows, by('size', 'descending'), ctx))).toEqual(['a', 'd', 'b', 'e', 'c']);
    // The input is not touched.
    expect(ids(rows)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('by text columns: status, route, sender origin, type; event rows (no value) last', () => {
    const mixed: TimelineRow[] = [
      row(msg('x', { status: 'queued', route: 'window', fromRealm: 'F', preview: { $t: 'object', entries: [['type', 'SYN']], more: 0 } })),
      row(msg('y', { status: 'delivered', route: 'broadcast', fromRealm: 'T' })),
      { kind: 'gap', key: 'g:T:1', t: 0, gap: { realm: 'T', from: 1, to: 2, reason: 'unknown' } as never },
      row(msg('z', { status: 'failed', route: 'port' })),
    ];
    expect(ids(sortRows(mixed, by('status'), ctx))).toEqual(['y', 'z', 'x', 'g:T:1']);
    expect(ids(sortRows(mixed, by('route'), ctx))).toEqual(['y', 'z', 'x', 'g:T:1']);
    // z has no sender: no value, like the gap row; the two keep arrival order.
    expect(ids(sortRows(mixed, by('fromOrigin'), ctx))).toEqual(['y', 'x', 'g:T:1', 'z']);
    expect(ids(sortRows(mixed, by('fromOrigin', 'descending'), ctx))).toEqual(['x', 'y', 'g:T:1', 'z']);
    expect(ids(sortRows(mixed, by('type'), ctx))).toEqual(['x', 'y', 'g:T:1', 'z']);
  });

  it('no sort: the rows themselves', () => {
    expect(new RowSorter().sort(rows, null, ctx)).toBe(rows);
  });

  it('live rows: a longer input with the same first rows keys only the new ones and merges them in', () => {
    const sorter = new RowSorter();
    const spec = by('size');
    const first = sorter.sort(rows, spec, ctx);
    expect(sorter.lastKeyed).toBe(5);
    // Same input, same spec: the same array (no work).
    expect(sorter.sort(rows, spec, ctx)).toBe(first);
    const more = [...rows, row(msg('f', { size: 15 }), 6), row(msg('g', { size: 5 }), 7)];
    expect(ids(sorter.sort(more, spec, ctx))).toEqual(['g', 'b', 'e', 'f', 'd', 'a', 'c']);
    expect(sorter.lastKeyed).toBe(2);
    // The last row replaced (a status change makes a new message object): keyed again, moved.
    const changed = [...more.slice(0, 6), row(msg('g', { size: 99 }), 7)];
    expect(ids(sorter.sort(changed, spec, ctx))).toEqual(['b', 'e', 'f', 'd', 'a', 'g', 'c']);
    expect(sorter.lastKeyed).toBe(1);
    // The same result as sorting from scratch, both ways.
    expect(ids(sorter.sort(changed, by('size', 'descending'), ctx))).toEqual(ids(sortRows(changed, by('size', 'descending'), ctx)));
    // A shorter input (cleared, or a narrower filter) is sorted again.
    expect(ids(sorter.sort(rows.slice(0, 2), spec, ctx))).toEqual(['b', 'a']);
  });

  it('a column that shows realms is keyed afresh when a realm arrives (its name or origin may change)', () => {
    const sorter = new RowSorter();
    const spec = by('fromOrigin');
    sorter.sort(rows, spec, ctx);
    expect(sorter.lastKeyed).toBe(5);
    sorter.sort([...rows, row(msg('f'), 6)], spec, ctx);
    expect(sorter.lastKeyed).toBe(1);
    const more = new Map(realms).set('W', realm('W', 'worker', 'https://app.test/w.js', 'T'));
    sorter.sort([...rows, row(msg('f'), 6)], spec, { index: { realms: more, ports: new Map() } });
    expect(sorter.lastKeyed).toBe(6);
    // A column that does not show realms keeps its keys.
    const bySize = new RowSorter();
    bySize.sort(rows, by('size'), ctx);
    bySize.sort([...rows, row(msg('f'), 6)], by('size'), { index: { realms: more, ports: new Map() } });
    expect(bySize.lastKeyed).toBe(1);
  });

  it('sorts 100,000 rows by size and by type to the same order as a plain comparison sort', () => {
    const many: TimelineRow[] = [];
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 100_000; i++) many.push(row(msg(`m${i}`, rnd() < 0.05 ? {} : { size: Math.floor(rnd() * 5000) }), i));
    const sorted = sortRows(many, by('size', 'descending'), ctx);
    const expected = [...many].sort((a, b) => {
      const x = (a as MessageRow).message.size;
      const y = (b as MessageRow).message.size;
      if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0) || a.t - b.t;
      return y - x || a.t - b.t;
    });
    expect(ids(sorted)).toEqual(ids(expected));
  });
});
