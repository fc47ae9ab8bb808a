import { describe, expect, it } from 'vitest';
import type { CaptureModel, MessageModel } from '../../model/correlator';
import { EventLog } from '../eventLog';
import { indexOf } from '../modelIndex';
import type { LogEntry } from '../store';
import { EMPTY_FILTER, type TimelineFilter } from '../viewState';
import {
  applySuggestion,
  compileQuery,
  completionAt,
  FILTER_KEYS,
  hasErrorTerm,
  messageType,
  parseQuery,
  parseSize,
  positiveValues,
  quoteValue,
  suggestedValues,
  suggestions,
  termFor,
  toggleValue,
  type CompletionContext,
} from './filterQuery';
import { buildRows, filterRows } from './rows';

// ── a hand-built model: top, a cross-origin iframe, a worker, and an iframe on laptop.test ──

const base: Pick<MessageModel, 'transfers' | 'ambiguous'> = { transfers: [], ambiguous: false };
const realm = (id: string, kind: 'top' | 'iframe' | 'worker', url: string) => ({
  id,
  kind,
  url,
  origin: new URL(url).origin,
  instrumented: kind !== 'worker',
  events: 1,
  gaps: 0,
  missing: 0,
  faults: 0,
});

const model: CaptureModel = {
  realms: [
    realm('top1', 'top', 'https://app.test/'),
    realm('ifrb', 'iframe', 'https://b.test/child.html'),
    realm('wrk1', 'worker', 'https://app.test/worker.js'),
    realm('ifrl', 'iframe', 'https://laptop.test/x.html'),
  ],
  channels: [
    { id: 'top1:c1', createdIn: 'top1', createdAt: 1, ports: ['top1:1', 'top1:2'] },
    { id: 'top1:c2', createdIn: 'top1', createdAt: 1, ports: ['top1:3', 'top1:4'] },
  ],
  ports: [
    { id: 'top1:1', channel: 'top1:c1', custody: [{ realm: 'top1', localId: 'top1:1', from: 1, via: 'created', started: true, closed: false }], started: true, closed: false },
    {
      id: 'top1:2',
      channel: 'top1:c1',
      custody: [
        { realm: 'top1', localId: 'top1:2', from: 1, to: 2, via: 'created', started: false, closed: false },
        { realm: 'ifrb', localId: 'ifrb:7', from: 2, via: 'window', started: true, closed: false },
      ],
      started: true,
      closed: false,
    },
    { id: 'top1:3', channel: 'top1:c2', custody: [{ realm: 'top1', localId: 'top1:3', from: 1, via: 'created', started: true, closed: false }], started: true, closed: false },
    { id: 'top1:4', channel: 'top1:c2', custody: [{ realm: 'top1', localId: 'top1:4', from: 1, via: 'created', started: false, closed: false }], started: false, closed: false },
  ],
  messages: [
    {
      ...base,
      id: 'M1',
      route: 'window',
      fromRealm: 'top1',
      toRealm: 'ifrb',
      sentAt: 1,
      status: 'delivered',
      preview: { $t: 'object', entries: [['type', 'SYN'], ['participantId', 'b95']], more: 0 },
      size: 40,
    },
    {
      ...base,
      id: 'M2',
      route: 'port',
      fromRealm: 'ifrb',
      fromPort: 'top1:2',
      toRealm: 'top1',
      toPort: 'top1:1',
      sentAt: 2,
      status: 'failed',
      reason: 'sendThrew',
      error: { name: 'DataCloneError', message: 'could not be cloned' },
      preview: 'hello world',
      size: 2048,
    },
    {
      ...base,
      id: 'M3',
      route: 'worker',
      fromRealm: 'top1',
      toRealm: 'wrk1',
      worker: 'wrk1',
      sentAt: 3,
      status: 'in-flight',
      reason: 'receiverUninstrumented',
      ambiguous: true,
      transfers: [{ kind: 'MessagePort', port: 'top1:4' }],
      preview: { $t: 'object', entries: [['method', 'ping']], more: 0 },
      size: 100,
    },
    {
      ...base,
      id: 'M4',
      route: 'broadcast',
      fromRealm: 'ifrl',
      channelName: 'Updates',
      sentAt: 4,
      status: 'delivered',
      deliveries: [
        { toRealm: 'top1', receivedAt: 5, receipt: { realm: 'top1', seq: 9, index: 9 } },
        { toRealm: 'ifrb', receivedAt: 5, receipt: { realm: 'ifrb', seq: 9, index: 10 } },
      ],
      preview: { $t: 'object', entries: [['type', 'news'], ['n', 1]], more: 0 },
      size: 5000,
    },
    { ...base, id: 'M5', route: 'port', senderUnknown: 'partnerUnknown', toRealm: 'top1', toPort: 'top1:1', receivedAt: 6, status: 'queued', reason: 'notStarted', preview: 42 },
    { ...base, id: 'M6', route: 'port', fromRealm: 'top1', fromPort: 'top1:3', sentAt: 7, status: 'lost', reason: 'partnerLost', size: 1024 },
  ],
  gaps: [{ realm: 'ifrb', from: 3, to: 4, reason: 'unknown', after: 6.5 }],
  totals: { sent: 6, delivered: 2, queued: 1, failed: 1, lost: 1, doomed: 0, droppedOrigin: 0, inFlight: 1, ambiguous: 1, gaps: 1, missing: 2, events: 6, duplicates: 0, faults: 0 },
};
const index = indexOf(model);
const log = new EventLog<LogEntry>(10);

function shown(text: string, more: Partial<TimelineFilter> = {}) {
  const filter = { ...EMPTY_FILTER, text, ...more };
  return filterRows(buildRows(model, log, filter.showEvents), filter, null, index);
}
/** The ids of the messages a query leaves. */
const ids = (text: string, more: Partial<TimelineFilter> = {}): string[] =>
  shown(text, more).rows.flatMap((r) => (r.kind === 'message' ? [r.message.id] : []));
const ALL = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6'];

describe('parseQuery', () => {
  it('splits terms at spaces, with their positions, negation and quotes', () => {
    const q = parseQuery('status:delivered -route:window  "two words" -"x y" plain');
    expect(q.hints).toEqual([]);
    expect(q.terms.map((t) => [t.kind, t.negated, t.start, t.end])).toEqual([
      ['key', false, 0, 16],
      ['key', true, 17, 30],
      ['text', false, 32, 43],
      ['text', true, 44, 50],
      ['text', false, 51, 56],
    ]);
    const [status, route, quoted, negQuoted, plain] = q.terms;
    expect(status).toMatchObject({ kind: 'key', key: 'status', value: 'delivered', test: { key: 'status', statuses: ['delivered'] } });
    expect(route).toMatchObject({ kind: 'key', key: 'route', test: { key: 'route', routes: ['window'] } });
    expect(quoted).toMatchObject({ kind: 'text', text: 'two words' });
    expect(negQuoted).toMatchObject({ kind: 'text', text: 'x y' });
    expect(plain).toMatchObject({ kind: 'text', text: 'plain' });
  });

  it('reads quoted values with escapes, value lists, and keys in any case', () => {
    const q = parseQuery('FROM:"iframe b.test/child.html" type:"say \\"hi\\"" status:Failed,LOST');
    expect(q.hints).toEqual([]);
    expect(q.terms.map((t) => (t.kind === 'key' ? t.test : null))).toEqual([
      { key: 'from', values: ['iframe b.test/child.html'] },
      { key: 'type', values: ['say "hi"'] },
      { key: 'status', statuses: ['failed', 'lost'] },
    ]);
    expect(parseQuery('from:"a,b"').terms[0]).toMatchObject({ test: { values: ['a,b'] } });
  });

  it('reads /…/ as a regular expression; a lone "-" and empty quotes are nothing', () => {
    const q = parseQuery('/^pi.g$/ -/x/ - ""');
    expect(q.terms.map((t) => t.kind)).toEqual(['regex', 'regex']);
    expect(q.terms[0]).toMatchObject({ kind: 'regex', source: '^pi.g$', negated: false });
    expect(q.terms[1]).toMatchObject({ negated: true });
    // A path is text, not a regex.
    expect(parseQuery('/widget/3').terms[0]).toMatchObject({ kind: 'text', text: '/widget/3' });
  });

  it('gives a hint for bad input, with its place, and leaves the term out; never throws', () => {
    const cases: Array<[string, RegExp]> = [
      ['size:>abc', /size: expects/],
      ['size:>', /size: expects/],
      ['size:>>1k', /size: expects/],
      ['status:nope', /Unknown status "nope"/],
      ['status:failed,nope', /Unknown status "nope"/],
      ['route:carrier-pigeon', /Unknown route/],
      ['is:happy', /Unknown is:happy/],
      ['has:wings', /Unknown has:wings/],
      ['status:', /needs a value/],
      ['from:""', /needs a value/],
      ['/(/', /Invalid regular expression/],
    ];
    for (const [text, message] of cases) {
      const q = parseQuery(`ping ${text}`);
      expect(q.terms.map((t) => t.kind)).toEqual(['text']);
      expect(q.hints).toHaveLength(1);
      expect(q.hints[0]).toMatchObject({ start: 5, end: 5 + text.length, severity: 'error' });
      expect(q.hints[0]?.message).toMatch(message);
      // Rows as without the bad term.
      expect(ids(`ping ${text}`)).toEqual(ids('ping'));
    }
  });

  it('searches an unknown key as text, with a note (but not a URL)', () => {
    const q = parseQuery('foo:bar https://b.test');
    expect(q.terms.map((t) => (t.kind === 'text' ? t.text : t.kind))).toEqual(['foo:bar', 'https://b.test']);
    expect(q.hints).toHaveLength(1);
    expect(q.hints[0]).toMatchObject({ start: 0, end: 7, severity: 'note' });
    expect(q.hints[0]?.message).toMatch(/"foo:" is not a filter key/);
    expect(ids('https://b.test')).toEqual(['M1', 'M2', 'M4']);
  });

  it('notes an unclosed quote and reads it to the end', () => {
    const q = parseQuery('"hello wor');
    expect(q.terms[0]).toMatchObject({ kind: 'text', text: 'hello wor' });
    expect(q.hints[0]).toMatchObject({ severity: 'note' });
    expect(ids('"hello wor')).toEqual(['M2']);
  });

  it('never throws, whatever is typed', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['s', 'status', 'size', ':', '>', '<', '=', '"', '\\', '-', '/', ',', ' ', '(', '[', '1', 'k', 'from', 'is', 'error', '*', '.'];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let j = rnd(12); j > 0; j--) text += alphabet[rnd(alphabet.length)];
      expect(() => shown(text)).not.toThrow();
      expect(() => completionAt(text, rnd(text.length + 1))).not.toThrow();
    }
  });
});

describe('parseSize', () => {
  it('reads comparisons and units (k = 1024 bytes, as sizes are written)', () => {
    expect(parseSize('>1k')).toEqual({ op: '>', bytes: 1024 });
    expect(parseSize('<=512b')).toEqual({ op: '<=', bytes: 512 });
    expect(parseSize('>=1.5KB')).toEqual({ op: '>=', bytes: 1536 });
    expect(parseSize('2m')).toEqual({ op: '=', bytes: 2 * 1024 * 1024 });
    expect(parseSize('=64')).toEqual({ op: '=', bytes: 64 });
    expect(parseSize('>abc')).toBeNull();
    expect(parseSize('')).toBeNull();
    expect(parseSize('>1x')).toBeNull();
  });
});

describe('matching', () => {
  it('free text: every term must match; -term excludes; quotes keep words together', () => {
    expect(ids('')).toEqual(ALL);
    expect(ids('hello')).toEqual(['M2']);
    expect(ids('hello world')).toEqual(['M2']);
    expect(ids('"hello world"')).toEqual(['M2']);
    expect(ids('"world hello"')).toEqual([]);
    expect(ids('hello nothing-like-this')).toEqual([]);
    expect(ids('-hello')).toEqual(['M1', 'M3', 'M4', 'M5', 'M6']);
    expect(ids('HELLO')).toEqual(['M2']);
    expect(ids('/data.?clone/')).toEqual(['M2']);
    expect(ids('-/data.?clone/')).toEqual(['M1', 'M3', 'M4', 'M5', 'M6']);
  });

  it('status: every status, ambiguous, lists and negation', () => {
    expect(ids('status:delivered')).toEqual(['M1', 'M4']);
    expect(ids('status:queued')).toEqual(['M5']);
    expect(ids('status:in-flight')).toEqual(['M3']);
    expect(ids('status:inflight')).toEqual(['M3']);
    expect(ids('status:failed')).toEqual(['M2']);
    expect(ids('status:lost')).toEqual(['M6']);
    expect(ids('status:doomed')).toEqual([]);
    expect(ids('status:ambiguous')).toEqual(['M3']);
    expect(ids('status:failed,lost')).toEqual(['M2', 'M6']);
    expect(ids('-status:delivered')).toEqual(['M2', 'M3', 'M5', 'M6']);
    // Two terms of one key must both match.
    expect(ids('status:failed status:lost')).toEqual([]);
  });

  it('status:dropped-origin (or dropped) and is:error find a window message the browser dropped for its targetOrigin; its origins are searched', () => {
    const dropped: MessageModel = { ...base, id: 'M7', route: 'window', fromRealm: 'top1', sentAt: 8, status: 'dropped-origin', dropped: { targetOrigin: 'https://wrong.test', recipientOrigin: 'https://b.test' } };
    const withDrop: CaptureModel = { ...model, messages: [...model.messages, dropped], totals: { ...model.totals, sent: 7, droppedOrigin: 1 } };
    const found = (text: string): string[] =>
      filterRows(buildRows(withDrop, log, false), { ...EMPTY_FILTER, text }, null, indexOf(withDrop)).rows.flatMap((r) => (r.kind === 'message' ? [r.message.id] : []));
    expect(found('status:dropped-origin')).toEqual(['M7']);
    expect(found('status:dropped')).toEqual(['M7']);
    expect(found('is:error')).toEqual(['M2', 'M6', 'M7']);
    expect(found('wrong.test')).toEqual(['M7']);
  });

  it('route:', () => {
    expect(ids('route:window')).toEqual(['M1']);
    expect(ids('route:port')).toEqual(['M2', 'M5', 'M6']);
    expect(ids('route:worker,broadcast')).toEqual(['M3', 'M4']);
    expect(ids('status:delivered -route:window')).toEqual(['M4']);
  });

  it('from: and to: by name, kind, origin or id; from:top is the top realm only', () => {
    expect(ids('from:top')).toEqual(['M1', 'M3', 'M6']);
    expect(ids('from:laptop')).toEqual(['M4']);
    expect(ids('from:iframe')).toEqual(['M2', 'M4']);
    expect(ids('from:"iframe b.test/child.html"')).toEqual(['M2']);
    expect(ids('from:https://b.test')).toEqual(['M2']);
    expect(ids('from:ifrb')).toEqual(['M2']);
    expect(ids('from:unknown')).toEqual(['M5']);
    expect(ids('-from:top')).toEqual(['M2', 'M4', 'M5']);
    expect(ids('to:worker')).toEqual(['M3']);
    expect(ids('to:worker.js')).toEqual(['M3']);
    // A broadcast matches each realm it was delivered to.
    expect(ids('to:top')).toEqual(['M2', 'M4', 'M5']);
    expect(ids('to:b.test')).toEqual(['M1', 'M4']);
    expect(ids('from:top to:b.test')).toEqual(['M1']);
    expect(ids('to:nowhere.test')).toEqual([]);
  });

  it('port: by id, short name or any local id the port had; transferred ports count', () => {
    expect(ids('port:p1')).toEqual(['M2', 'M5']);
    expect(ids('port:top1:1')).toEqual(['M2', 'M5']);
    expect(ids('port:ifrb:7')).toEqual(['M2']); // the iframe's local id of top1:2
    expect(ids('port:p4')).toEqual(['M3']); // carried by M3
    expect(ids('-port:p1')).toEqual(['M1', 'M3', 'M4', 'M6']);
  });

  it('channel: by BroadcastChannel name or MessageChannel id', () => {
    expect(ids('channel:updates')).toEqual(['M4']);
    expect(ids('channel:c1')).toEqual(['M2', 'M5']);
    expect(ids('channel:top1:c2')).toEqual(['M6']);
    expect(ids('channel:c1,updates')).toEqual(['M2', 'M4', 'M5']);
  });

  it('type: the discriminating value of the payload, any case', () => {
    expect(messageType(model.messages[0] as MessageModel)).toBe('syn');
    expect(ids('type:SYN')).toEqual(['M1']);
    expect(ids('type:syn')).toEqual(['M1']);
    expect(ids('type:ping')).toEqual(['M3']); // a `method`
    expect(ids('type:syn,news')).toEqual(['M1', 'M4']);
    expect(ids('-type:syn')).toEqual(['M2', 'M3', 'M4', 'M5', 'M6']);
    expect(ids('type:sy')).toEqual([]);
  });

  it('size: comparisons and units; a message without a size matches no size term', () => {
    expect(ids('size:>1k')).toEqual(['M2', 'M4']);
    expect(ids('size:>=1k')).toEqual(['M2', 'M4', 'M6']);
    expect(ids('size:1k')).toEqual(['M6']);
    expect(ids('size:=1024')).toEqual(['M6']);
    expect(ids('size:<100b')).toEqual(['M1']);
    expect(ids('size:<=100')).toEqual(['M1', 'M3']);
    expect(ids('-size:>1k')).toEqual(['M1', 'M3', 'M5', 'M6']);
  });

  it('is: and has:', () => {
    expect(ids('is:error')).toEqual(['M2', 'M6']);
    expect(ids('is:ambiguous')).toEqual(['M3']);
    expect(ids('-is:error')).toEqual(['M1', 'M3', 'M4', 'M5']);
    expect(ids('has:transfer')).toEqual(['M3']);
    expect(ids('has:port')).toEqual(['M3']);
    expect(ids('has:error')).toEqual(['M2']);
    expect(ids('has:preview')).toEqual(['M1', 'M2', 'M3', 'M4', 'M5']);
    expect(ids('-has:transfer')).toEqual(['M1', 'M2', 'M4', 'M5', 'M6']);
  });

  it('combines with the toggles, the realm picker and the regex mode', () => {
    expect(ids('from:top', { statuses: ['lost'] })).toEqual(['M6']);
    expect(ids('status:delivered', { realm: 'ifrb' })).toEqual(['M1', 'M4']);
    // Regex mode: the whole text is one expression, as before the language.
    expect(ids('status:.*', { regex: true })).toEqual([]);
    expect(ids('hello|syn', { regex: true })).toEqual(['M1', 'M2']);
    expect(shown('(', { regex: true }).error).not.toBeNull();
    // In the language, bad terms never make an error: rows as without them.
    expect(shown('size:>abc').error).toBeNull();
    expect(ids('size:>abc')).toEqual(ALL);
  });

  it('key terms are about messages: they hide events, except is:error which keeps gaps (as Errors only)', () => {
    const kinds = (text: string, more: Partial<TimelineFilter> = {}) => shown(text, more).rows.map((r) => r.kind);
    expect(kinds('', { showEvents: true })).toContain('gap');
    expect(kinds('status:delivered', { showEvents: true })).not.toContain('gap');
    expect(kinds('-route:window', { showEvents: true })).not.toContain('gap');
    expect(kinds('is:error')).toEqual(['message', 'gap', 'message']);
    expect(kinds('is:error', { errorsOnly: false })).toEqual(kinds('', { errorsOnly: true }));
    // Text terms still search gaps.
    expect(kinds('missing', { showEvents: true })).toEqual(['gap']);
  });

  it('compiles once per query: the per-query work is not per message', () => {
    const q = compileQuery(parseQuery('status:failed,lost -route:window from:top'), index);
    expect(q.text).toBeNull();
    expect(q.others).toBe('none');
    expect(model.messages.filter((m) => q.message?.(m)).map((m) => m.id)).toEqual(['M6']);
    expect(compileQuery(parseQuery('is:error'), index).others).toBe('problems');
    expect(compileQuery(parseQuery('ping'), index)).toMatchObject({ message: null, others: 'all' });
  });
});

describe('editing the query', () => {
  it('toggles a value of a key, as the status and route buttons do', () => {
    expect(toggleValue('', 'status', 'failed')).toBe('status:failed');
    expect(toggleValue('ping', 'status', 'failed')).toBe('ping status:failed');
    expect(toggleValue('status:failed ping', 'status', 'lost')).toBe('status:failed,lost ping');
    expect(toggleValue('status:failed,lost ping', 'status', 'failed')).toBe('status:lost ping');
    expect(toggleValue('a status:failed b', 'status', 'failed')).toBe('a b');
    // A negated term is not the toggle's: a positive one is added.
    expect(toggleValue('-status:failed', 'status', 'failed')).toBe('-status:failed status:failed');
    expect(toggleValue('', 'is', 'error')).toBe('is:error');
    expect(toggleValue('x is:error', 'is', 'error')).toBe('x');
  });

  it('reads what the toggles show from the text', () => {
    const q = parseQuery('status:failed,lost -status:queued route:window is:error');
    expect(positiveValues(q, 'status')).toEqual(['failed', 'lost']);
    expect(positiveValues(q, 'route')).toEqual(['window']);
    expect(hasErrorTerm(q)).toBe(true);
    expect(hasErrorTerm(parseQuery('-is:error'))).toBe(false);
  });

  it('writes terms with quoted values where needed', () => {
    expect(quoteValue('top')).toBe('top');
    expect(quoteValue('iframe a.test/x.html')).toBe('"iframe a.test/x.html"');
    expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(termFor('from', 'iframe a.test/x.html', true)).toBe('-from:"iframe a.test/x.html"');
    // What is written reads back as the same value.
    const q = parseQuery(termFor('type', 'a "b", c'));
    expect(q.terms[0]).toMatchObject({ test: { key: 'type', values: ['a "b", c'] } });
  });
});

describe('autocomplete', () => {
  const values = (key: (typeof FILTER_KEYS)[number]) => suggestedValues(key, model.messages, index);

  it('knows where the caret is: a key, a value, an item of a list', () => {
    expect(completionAt('', 0)).toEqual({ kind: 'key', prefix: '', from: 0, to: 0 });
    expect(completionAt('sta', 3)).toEqual({ kind: 'key', prefix: 'sta', from: 0, to: 3 });
    expect(completionAt('x -sta', 6)).toEqual({ kind: 'key', prefix: 'sta', from: 3, to: 6 });
    expect(completionAt('status:del', 10)).toEqual({ kind: 'value', key: 'status', prefix: 'del', from: 7, to: 10 });
    expect(completionAt('status:failed,lo x', 16)).toEqual({ kind: 'value', key: 'status', prefix: 'lo', from: 14, to: 16 });
    expect(completionAt('status:fa', 2)).toEqual({ kind: 'key', prefix: 'st', from: 0, to: 7 });
    expect(completionAt('from:"ifr', 9)).toEqual({ kind: 'value', key: 'from', prefix: 'ifr', from: 5, to: 9 });
    expect(completionAt('"quoted text', 5)).toBeNull();
    expect(completionAt('foo:bar', 6)).toBeNull();
  });

  it('suggests keys by prefix, with what they mean', () => {
    const s = suggestions({ kind: 'key', prefix: 't', from: 0, to: 1 }, values);
    expect(s.map((x) => x.label)).toEqual(['to:', 'type:']);
    expect(s[0]?.detail).toMatch(/receiving realm/);
    expect(suggestions({ kind: 'key', prefix: '', from: 0, to: 0 }, values)).toHaveLength(FILTER_KEYS.length);
  });

  it('suggests the values of each key from the model', () => {
    const v = (key: (typeof FILTER_KEYS)[number], prefix = '') =>
      suggestions({ kind: 'value', key, prefix, from: 0, to: 0 } as CompletionContext, values).map((x) => x.label);
    expect(v('status')).toEqual(['delivered', 'queued', 'in-flight', 'failed', 'lost', 'doomed', 'dropped-origin', 'ambiguous']);
    expect(v('status', 'dr')).toEqual(['dropped-origin']);
    expect(v('status', 'd')).toEqual(['delivered', 'doomed', 'dropped-origin']);
    expect(v('route')).toEqual(['port', 'window', 'worker', 'broadcast']);
    expect(v('is')).toEqual(['error', 'ambiguous']);
    expect(v('has')).toContain('transfer');
    expect(v('size')).toContain('>1k');
    expect(v('from')).toEqual(['top', 'iframe', 'worker', 'iframe b.test/child.html', 'worker worker.js', 'iframe laptop.test/x.html', 'unknown']);
    // Names match anywhere, after those that start with the prefix.
    expect(v('to', 'b.test')).toEqual(['iframe b.test/child.html']);
    expect(v('type')).toEqual(['news', 'ping', 'SYN']);
    expect(v('channel')).toEqual(['Updates', 'top1:c1', 'top1:c2']);
    expect(v('port')).toEqual(['top1:1', 'top1:2', 'top1:3', 'top1:4']);
    // Values with spaces are written quoted.
    const names = suggestions({ kind: 'value', key: 'from', prefix: 'iframe b', from: 0, to: 0 }, values);
    expect(names[0]?.insert).toBe('"iframe b.test/child.html"');
  });

  it('applies a pick: a key keeps the caret after its colon; a value is followed by a space', () => {
    const key = completionAt('x sta', 5) as CompletionContext;
    const picked = applySuggestion('x sta', key, { label: 'status:', insert: 'status:', kind: 'key' });
    expect(picked).toEqual({ text: 'x status:', caret: 9 });
    const value = completionAt(picked.text, picked.caret) as CompletionContext;
    expect(value).toMatchObject({ kind: 'value', key: 'status', prefix: '' });
    expect(applySuggestion(picked.text, value, { label: 'delivered', insert: 'delivered', kind: 'value' })).toEqual({ text: 'x status:delivered ', caret: 19 });
    // In the middle of the text, a list item is replaced alone.
    const mid = completionAt('status:fa,lost y', 9) as CompletionContext;
    expect(applySuggestion('status:fa,lost y', mid, { label: 'failed', insert: 'failed', kind: 'value' })).toEqual({ text: 'status:failed,lost y', caret: 13 });
  });
});
