import { describe, expect, it } from 'vitest';
import { createCorrelator, type CaptureModel, type Correlator, type MessageModel } from '../../model/correlator';
import type { LogGap, LogRecord } from '../../model/log';
import { PROTOCOL_VERSION, type EntangleEvent, type PortId, type Preview, type RealmKind, type SendOutcome } from '../../model/protocol';
import { EventLog } from '../eventLog';
import { quoteValue } from './filterQuery';
import { indexOf } from '../modelIndex';
import type { LogEntry } from '../store';
import { EMPTY_FILTER, type Focus, type TimelineFilter } from '../viewState';
import {
  buildRows,
  endpoints,
  filterRows,
  messageSearchText,
  rowId,
  rowStats,
  rowSearchText,
  selectionKey,
  selectionOf,
  shortPort,
  statusLook,
  timeText,
  viewRows,
  warmSearchText,
  type TimelineRow,
} from './rows';

// ── a tab whose realms emit events on one clock; `flush` feeds a correlator and a log as the store does ──

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;

class Tab {
  t = 1000;
  private pending: LogRecord[] = [];
  private gaps: LogGap[] = [];
  readonly log: EventLog<LogEntry>;
  readonly correlator: Correlator = createCorrelator();
  constructor(bound = 10_000) {
    this.log = new EventLog<LogEntry>(bound);
  }

  realm(id: string, kind: RealmKind = 'top', frameId = 0): Realm {
    return new Realm(this, id, kind, frameId);
  }
  record(rec: LogRecord): void {
    this.pending.push(rec);
  }
  gap(g: LogGap): void {
    this.gaps.push(g);
  }
  /** Appends what was emitted since the last flush; returns the new model. */
  flush(): CaptureModel {
    const first = this.log.end;
    for (const r of this.pending) this.log.push({ index: this.log.end, realm: r.realm, frameId: r.frameId, tabId: r.tabId, event: r.event });
    this.correlator.append(this.pending, this.gaps, first);
    this.pending = [];
    this.gaps = [];
    return this.correlator.model();
  }
}

class Realm {
  seq = 0;
  private ports = 0;
  private channels = 0;
  constructor(
    readonly tab: Tab,
    readonly id: string,
    readonly kind: RealmKind,
    readonly frameId: number,
  ) {}
  emit(body: Body<EntangleEvent>): EntangleEvent {
    const event = { ...body, seq: ++this.seq, t: (this.tab.t += 1) } as EntangleEvent;
    this.tab.record({ realm: this.id, tabId: 1, frameId: this.frameId, parentFrameId: this.frameId === 0 ? -1 : 0, event });
    return event;
  }
  start(): this {
    const origin = this.kind === 'top' ? 'https://a.test' : 'https://b.test';
    this.emit({ type: 'realmStarted', kind: this.kind, url: `${origin}/${this.id}.html`, origin, protocol: PROTOCOL_VERSION });
    return this;
  }
  channel(): [PortId, PortId] {
    const a = `${this.id}:${++this.ports}`;
    const b = `${this.id}:${++this.ports}`;
    this.emit({ type: 'channelCreated', channel: `${this.id}:c${++this.channels}`, port1: a, port2: b });
    return [a, b];
  }
  send(port: PortId, opts: { transfer?: PortId[]; outcome?: SendOutcome; error?: { name: string; message: string } } = {}): void {
    this.emit({
      type: 'messageSent',
      route: 'port',
      port,
      transfer: (opts.transfer ?? []).map((p) => ({ kind: 'MessagePort', port: p })),
      outcome: opts.outcome ?? 'posted',
      ...(opts.error ? { error: opts.error } : {}),
    });
  }
  recv(port: PortId, preview: Preview = 'msg'): void {
    this.emit({ type: 'messageReceived', route: 'port', port, origin: '', ports: [], preview, size: 5 });
  }
  windowRecv(ports = 0, preview = 'hello'): PortId[] {
    const ids = Array.from({ length: ports }, () => `${this.id}:${++this.ports}`);
    this.emit({ type: 'messageReceived', route: 'window', origin: 'https://a.test', source: 'parent', ports: ids, preview, size: 7 });
    return ids;
  }
  broadcast(name: string): void {
    this.emit({ type: 'messageSent', route: 'broadcast', channelName: name, transfer: [], outcome: 'posted', preview: 'news', size: 4 });
  }
  started(port: PortId): void {
    this.emit({ type: 'portStarted', port, implicit: true });
  }
  closed(port: PortId): void {
    this.emit({ type: 'portClosed', port });
  }
  fault(message: string): void {
    this.emit({ type: 'recorderFault', during: 'send', message });
  }
  skip(n: number): void {
    this.seq += n;
  }
}

/**
 * top (A) and an iframe (B). A makes channel c1 (A:1, A:2); B gets A:2 by window.postMessage (as B:1).
 * Messages: window A→B "hello" carrying the port; A:1 → B:1 "ping" (delivered); B:1 → A:1 "pong {user: 'Ada'}"
 * (delivered); a failed send with DataCloneError on A:1; channel c2 (A:3, A:4) with a send to the
 * never-started A:4 (queued); channel c3 (A:5, A:6) with a doomed send on A:5 carrying A:6; a broadcast
 * "news" from B (in flight).
 */
function scenario() {
  const tab = new Tab();
  const a = tab.realm('aaaa1111').start();
  const b = tab.realm('bbbb2222', 'iframe', 3).start();
  const [a1, a2] = a.channel();
  a.started(a1);
  const [b1] = b.windowRecv(1) as [PortId];
  b.started(b1);
  a.send(a1);
  b.recv(b1, 'ping');
  b.send(b1);
  a.recv(a1, { $t: 'object', entries: [['user', 'Ada']], more: 0 });
  a.send(a1, { error: { name: 'DataCloneError', message: 'function could not be cloned' } });
  const [a3] = a.channel();
  a.send(a3);
  const [a5, a6] = a.channel();
  a.send(a5, { transfer: [a6], outcome: 'doomed' });
  b.broadcast('news');
  const model = tab.flush();
  return { tab, a, b, a1, a2, a3, a5, b1, model };
}

const f = (patch: Partial<TimelineFilter> = {}): TimelineFilter => ({ ...EMPTY_FILTER, ...patch });

function shown(model: CaptureModel, log: EventLog<LogEntry>, filter: TimelineFilter, focus: Focus | null = null) {
  return filterRows(buildRows(model, log, filter.showEvents), filter, focus, indexOf(model));
}

const ids = (rows: readonly TimelineRow[]): string[] => rows.map(rowId);
const msgs = (rows: readonly TimelineRow[]): MessageModel[] => rows.flatMap((r) => (r.kind === 'message' ? [r.message] : []));

describe('timeline rows', () => {
  it('one message row per message, in model order, and no event rows unless asked', () => {
    const { tab, model } = scenario();
    const rows = buildRows(model, tab.log, false);
    expect(rows.every((r) => r.kind === 'message')).toBe(true);
    expect(msgs(rows)).toEqual(model.messages);
    expect(rows.map((r) => r.key)).toEqual(model.messages.map((m) => `m:${m.id}`));
    // Memoised per model object.
    expect(buildRows(model, tab.log, false)).toBe(rows);
  });

  it('merges the other events by time when showEvents (message events are message rows, not event rows)', () => {
    const { tab, model } = scenario();
    const rows = buildRows(model, tab.log, true);
    const kinds = rows.filter((r) => r.kind === 'event').map((r) => (r.kind === 'event' ? r.entry.event.type : ''));
    expect(kinds).toEqual(['realmStarted', 'realmStarted', 'channelCreated', 'portStarted', 'portStarted', 'channelCreated', 'channelCreated']);
    const times = rows.map((r) => r.t);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(rows.filter((r) => r.kind === 'message')).toHaveLength(model.messages.length);
    // Hidden by the filter while showEvents is off, even if the rows were built with them.
    expect(filterRows(rows, f(), null, indexOf(model)).rows.some((r) => r.kind === 'event')).toBe(false);
  });

  it('statuses come out as the model has them, with a look for each', () => {
    const { model } = scenario();
    const statuses = model.messages.map((m) => m.status).sort();
    expect(statuses).toEqual(['delivered', 'delivered', 'delivered', 'doomed', 'failed', 'in-flight', 'queued']);
    for (const m of model.messages) {
      const look = statusLook(m);
      expect(look.className).toContain(`st-${m.status}`);
      expect(look.icon).not.toBe('');
      expect(look.title.length).toBeGreaterThan(0);
    }
    const failed = model.messages.find((m) => m.status === 'failed') as MessageModel;
    expect(statusLook(failed)).toMatchObject({ label: 'failed', icon: '✕' });
    expect(statusLook(failed).title).toContain('DataCloneError');
    const queued = model.messages.find((m) => m.status === 'queued') as MessageModel;
    expect(statusLook(queued).title).toContain('never started');
  });

  it('marks ambiguous messages with "?" and the reasons', () => {
    const m: MessageModel = { id: 'x#1', route: 'window', status: 'delivered', ambiguous: true, ambiguity: ['transferredPorts', 'source:several'], transfers: [] };
    const look = statusLook(m);
    expect(look).toMatchObject({ ambiguous: true, mark: '?' });
    expect(look.className).toContain('st-ambiguous');
    expect(look.title).toContain('could be any of several');
    expect(look.title).toContain('sending window is uncertain (several)');
    expect(statusLook({ ...m, ambiguous: false, ambiguity: undefined }).mark).toBe('');
  });
});

describe('timeline filters', () => {
  it('text: case-insensitive substring over previews, ids, routes, statuses and errors', () => {
    const { tab, model } = scenario();
    const text = (t: string) => msgs(shown(model, tab.log, f({ text: t })).rows);
    expect(text('ADA').map((m) => m.preview)).toEqual([{ $t: 'object', entries: [['user', 'Ada']], more: 0 }]);
    expect(text('"ping"')).toHaveLength(1);
    expect(text('dataclone').map((m) => m.status)).toEqual(['failed']);
    expect(text('function could not').map((m) => m.status)).toEqual(['failed']);
    expect(text('doomed').map((m) => m.status)).toEqual(['doomed']);
    expect(text('news').map((m) => m.route)).toEqual(['broadcast']);
    expect(text('window').map((m) => m.route)).toEqual(['window']);
    expect(text('bbbb2222').length).toBeGreaterThanOrEqual(3); // from/to realm ids
    expect(text('aaaa1111:3').map((m) => m.status)).toEqual(['queued']); // port ids
    expect(text('messageport aaaa1111:6').map((m) => m.status)).toEqual(['doomed']); // transfers
    expect(text('notstarted').map((m) => m.status)).toEqual(['queued']); // reason
    expect(text('b.test/bbbb2222').length).toBeGreaterThanOrEqual(3); // realm URLs
    expect(text('zzz')).toEqual([]);
  });

  it('regex: case-insensitive; an invalid one matches nothing and says why', () => {
    const { tab, model } = scenario();
    const ok = shown(model, tab.log, f({ text: '^(ping|"ping")$|dataclone', regex: true }));
    expect(ok.error).toBeNull();
    expect(msgs(ok.rows).map((m) => m.status).sort()).toEqual(['delivered', 'failed']);
    const bad = shown(model, tab.log, f({ text: '(unclosed', regex: true, showEvents: true }));
    expect(bad.rows).toEqual([]);
    expect(bad.messages).toBe(0);
    expect(bad.error).toMatch(/./);
    // The same text as plain text is fine.
    expect(shown(model, tab.log, f({ text: '(unclosed' })).error).toBeNull();
  });

  it('routes, statuses and realm', () => {
    const { tab, model, b } = scenario();
    expect(msgs(shown(model, tab.log, f({ routes: ['window', 'broadcast'] })).rows).map((m) => m.route).sort()).toEqual(['broadcast', 'window']);
    expect(msgs(shown(model, tab.log, f({ statuses: ['queued', 'doomed'] })).rows).map((m) => m.status).sort()).toEqual(['doomed', 'queued']);
    const inB = msgs(shown(model, tab.log, f({ realm: b.id })).rows);
    expect(inB.length).toBe(4); // window in, ping in, pong out, broadcast out
    expect(inB.every((m) => m.fromRealm === b.id || m.toRealm === b.id)).toBe(true);
    // Route or status filters leave messages only, even with showEvents.
    expect(shown(model, tab.log, f({ routes: ['port'], showEvents: true })).rows.every((r) => r.kind === 'message')).toBe(true);
    // Realm filter narrows events too.
    const events = shown(model, tab.log, f({ realm: b.id, showEvents: true })).rows.filter((r) => r.kind === 'event');
    expect(events.every((r) => r.kind === 'event' && r.entry.realm === b.id)).toBe(true);
    expect(events).toHaveLength(2);
  });

  it('errors only: failed, lost, doomed messages, gaps and recorder faults', () => {
    const { tab, a, b, a1, model: before } = scenario();
    expect(msgs(shown(before, tab.log, f({ errorsOnly: true })).rows).map((m) => m.status).sort()).toEqual(['doomed', 'failed']);
    a.fault('could not read a transfer list');
    b.skip(2);
    b.started('bbbb2222:9');
    a.send(a1, { outcome: 'portClosed' });
    const model = tab.flush();
    const rows = shown(model, tab.log, f({ errorsOnly: true })).rows;
    expect(rows.map((r) => (r.kind === 'message' ? r.message.status : r.kind === 'event' ? r.entry.event.type : 'gap')).sort()).toEqual([
      'doomed',
      'failed',
      'gap',
      'lost',
      'recorderFault',
    ]);
    // Without errorsOnly or showEvents, gaps and faults stay out; with showEvents they are in.
    expect(shown(model, tab.log, f()).rows.every((r) => r.kind === 'message')).toBe(true);
    const all = shown(model, tab.log, f({ showEvents: true })).rows;
    expect(all.some((r) => r.kind === 'gap')).toBe(true);
    const gapRow = all.find((r) => r.kind === 'gap');
    expect(gapRow && rowId(gapRow)).toBe('bbbb2222:7');
    expect(gapRow && selectionKey(selectionOf(gapRow))).toBe(gapRow?.key);
    // Gap and fault rows take part in the text filter.
    expect(ids(shown(model, tab.log, f({ errorsOnly: true, text: 'missing' })).rows)).toEqual(['bbbb2222:7']);
    expect(shown(model, tab.log, f({ errorsOnly: true, text: 'transfer list' })).rows.map((r) => r.kind)).toEqual(['event']);
  });

  it('focus by realm, by channel, and by port — also by the local id a port has in another realm', () => {
    const { tab, model, a, b, a1, a2, a3, a5, b1 } = scenario();
    const index = indexOf(model);
    expect(index.logicalPort.get(b1)).toBe(a2);
    const rows = buildRows(model, tab.log, false);
    const focus = (fo: Focus) => msgs(filterRows(rows, f(), fo, index).rows);

    const byRealm = focus({ kind: 'realm', id: a.id });
    expect(byRealm.every((m) => m.fromRealm === a.id || m.toRealm === a.id)).toBe(true);
    expect(byRealm.some((m) => m.route === 'broadcast')).toBe(false);

    const c1 = focus({ kind: 'channel', id: `${a.id}:c1` });
    expect(c1.map((m) => m.status).sort()).toEqual(['delivered', 'delivered', 'failed']);
    expect(focus({ kind: 'channel', id: `${a.id}:c2` }).map((m) => m.status)).toEqual(['queued']);
    expect(focus({ kind: 'channel', id: `${a.id}:c3` }).map((m) => m.status)).toEqual(['doomed']);

    // B's local id B:1 is the logical port A:2: its traffic (ping in, pong out), and the window message that carried it.
    const viaLocal = focus({ kind: 'port', id: b1 });
    expect(viaLocal.map((m) => m.route).sort()).toEqual(['port', 'port', 'window']);
    expect(viaLocal.filter((m) => m.route === 'port').every((m) => m.fromPort === a2 || m.toPort === a2)).toBe(true);
    expect(focus({ kind: 'port', id: a2 })).toEqual(viaLocal);
    expect(focus({ kind: 'port', id: a3 }).map((m) => m.status)).toEqual(['queued']);
    expect(focus({ kind: 'port', id: a5 }).map((m) => m.status)).toEqual(['doomed']);
    expect(focus({ kind: 'port', id: a1 }).length).toBe(3);

    // Events follow the focus by realm or port.
    const withEvents = buildRows(model, tab.log, true);
    const ev = filterRows(withEvents, f({ showEvents: true }), { kind: 'port', id: b1 }, index).rows.filter((r) => r.kind === 'event');
    expect(ev.map((r) => (r.kind === 'event' ? r.entry.event.type : '')).sort()).toEqual(['channelCreated', 'portStarted']);
    const evB = filterRows(withEvents, f({ showEvents: true }), { kind: 'realm', id: b.id }, index).rows.filter((r) => r.kind === 'event');
    expect(evB.every((r) => r.kind === 'event' && r.entry.realm === b.id)).toBe(true);
    // Focus and filters combine.
    expect(msgs(filterRows(rows, f({ statuses: ['failed'] }), { kind: 'port', id: a1 }, index).rows).map((m) => m.status)).toEqual(['failed']);
    expect(msgs(filterRows(rows, f({ statuses: ['failed'] }), { kind: 'port', id: b1 }, index).rows)).toEqual([]);
  });

  it('counts shown messages and shares one pass per (rows, filter, focus)', () => {
    const { tab, model } = scenario();
    const rows = buildRows(model, tab.log, true);
    const filter = f({ showEvents: true });
    const all = viewRows(rows, filter, null, indexOf(model));
    expect(all.rows).toBe(rows); // nothing narrows: the rows themselves
    expect(all.messages).toBe(model.messages.length);
    const narrowed = f({ text: 'ping', showEvents: true });
    const once = viewRows(rows, narrowed, null, indexOf(model));
    expect(viewRows(rows, narrowed, null, indexOf(model))).toBe(once);
    expect(viewRows(rows, { ...narrowed }, null, indexOf(model))).not.toBe(once);
    expect(once.messages).toBe(1);
  });

  it('incremental ingest: a new model has the old rows and the new, reusing cached rows and search text', () => {
    const { tab, a, b, a1, b1, model } = scenario();
    const rows1 = buildRows(model, tab.log, true);
    const text1 = new Map(model.messages.map((m) => [m.id, messageSearchText(m)]));
    const settled = model.messages.find((m) => m.status === 'failed') as MessageModel;
    const failedRow = rows1.find((r) => r.kind === 'message' && r.message === settled);

    a.send(a1);
    b.recv(b1, 'second ping');
    b.closed(b1);
    const model2 = tab.flush();
    expect(model2).not.toBe(model);
    const rows2 = buildRows(model2, tab.log, true);
    expect(rows2.length).toBe(rows1.length + 2); // one message, one "port closed"
    const added = model2.messages.filter((m) => !model.messages.some((o) => o.id === m.id));
    expect(added.map((m) => m.preview)).toEqual(['second ping']);
    expect(new Set(ids(rows2))).toEqual(new Set([...ids(rows1), added[0]?.id, String(tab.log.end - 1)]));
    // The correlator reuses settled messages: their rows and search text are reused too.
    const again = model2.messages.find((m) => m.id === settled.id);
    expect(again).toBe(settled);
    expect(rows2.find((r) => r.kind === 'message' && r.message.id === settled.id)).toBe(failedRow);
    expect(messageSearchText(settled)).toBe(text1.get(settled.id));
    expect(msgs(shown(model2, tab.log, f({ text: 'second' })).rows)).toHaveLength(1);
    // Event rows of the old log entries are the same objects.
    const ev1 = rows1.filter((r) => r.kind === 'event');
    expect(rows2.filter((r) => r.kind === 'event').slice(0, ev1.length)).toEqual(ev1);
  });

  // Rows of bare messages (an id and a time), in a model with nothing else and an empty log.
  const log = { start: 0, end: 0, byIndex: () => undefined };
  const message = (i: number) => ({ id: `r#${i}`, sentAt: i }) as unknown as MessageModel;
  const modelOf = (messages: MessageModel[]) => ({ messages, gaps: [], totals: { faults: 0 } }) as unknown as CaptureModel;

  it('keeps the rows of the messages that stay when a block of messages comes or goes', () => {
    const all = Array.from({ length: 3_000 }, (_, i) => message(i));
    const first = buildRows(modelOf(all), log, false);
    // 40 new messages in the middle, then 30 gone a little later.
    const next = [...all.slice(0, 1_000), ...Array.from({ length: 40 }, (_, i) => message(10_000 + i)), ...all.slice(1_000, 2_000), ...all.slice(2_030)];
    const second = buildRows(modelOf(next), log, false);
    const rowOf = (rows: readonly TimelineRow[], m: MessageModel) => rows.find((r) => r.kind === 'message' && r.message === m);
    for (const i of [0, 999, 1_000, 1_500, 1_999, 2_030, 2_999]) expect(rowOf(second, all[i]!)).toBe(first[i]);
    expect(second.filter((r, i) => i < 1_000 || i >= 1_040).every((r) => first.includes(r))).toBe(true);
  });

  it('makes new rows for messages made again in place (a send that got its receipt) without an index of the last model', () => {
    const all = Array.from({ length: 2_000 }, (_, i) => message(i));
    const first = buildRows(modelOf(all), log, false);
    // 100 in a row settle (new objects, same ids), then 50 new at the end.
    const next = [...all.slice(0, 500), ...Array.from({ length: 100 }, (_, i) => message(500 + i)), ...all.slice(600), ...Array.from({ length: 50 }, (_, i) => message(2_000 + i))];
    const indexes = rowStats.indexes;
    const second = buildRows(modelOf(next), log, false);
    expect(rowStats.indexes).toBe(indexes);
    for (const i of [0, 499, 600, 1_999]) expect(second[i]).toBe(first[i]);
    for (const i of [500, 599, 2_000]) expect((second[i] as TimelineRow & { kind: 'message' }).message).toBe(next[i]);
    expect(second.slice(500, 600).some((r) => first.includes(r))).toBe(false);
  });

  it('keeps the rows of the messages that stay when thousands at the front go', () => {
    const all = Array.from({ length: 6_000 }, (_, i) => message(i));
    const first = buildRows(modelOf(all.slice(0, 5_000)), log, false);
    // 3,000 evicted, 1,000 new, and one message settled in place (a new object for the same id).
    const next = all.slice(3_000, 6_000);
    next[500] = message(3_500);
    const second = buildRows(modelOf(next), log, false);
    const kept = (i: number) => second[i - 3_000];
    for (const i of [3_000, 3_001, 3_499, 3_501, 4_999]) expect(kept(i)).toBe(first[i]);
    expect(kept(3_500)).not.toBe(first[3_500]);
    expect((kept(3_500) as TimelineRow & { kind: 'message' }).message).toBe(next[500]);
    expect(second.slice(2_000).every((r) => !first.includes(r))).toBe(true);
  });

  it('warms the search text ahead of a text filter, in budgeted steps', () => {
    const { tab, model } = scenario();
    const rows = buildRows(model, tab.log, true);
    let clock = 0;
    // Every `now()` call costs "5 ms": the first step stops after its first slice of rows.
    expect(warmSearchText(rows, 1, indexOf(model).realms, () => (clock += 5))).toBe(true); // 15 rows fit in one slice
    expect(rows.every((r) => r.kind === 'gap' || r.text !== undefined)).toBe(true);
    // A message row keeps the costly part (the preview's text); the whole text adds the model's fields.
    const row = rows.find((r) => r.kind === 'message') as TimelineRow & { kind: 'message' };
    const whole = messageSearchText(row.message, indexOf(model).realms);
    expect(row.text?.startsWith(`${row.message.id.toLowerCase()}\n`)).toBe(true);
    for (const line of (row.text as string).split('\n')) expect(whole.split('\n')).toContain(line);
    expect(rowSearchText(row, indexOf(model).realms)).toBe(whole);
  });

  it('a text term finds exactly the messages whose whole search text holds it, though a row keeps only part of it', () => {
    const { tab, model } = scenario();
    const realms = indexOf(model).realms;
    const wholes = new Map(model.messages.map((m) => [m.id, messageSearchText(m, realms)]));
    // Pieces of every field (ids, routes, statuses, realms and their URLs, ports, error, transfers,
    // previews), whole fields, and nothing at all.
    const needles = new Set(['b.test/bbbb', 'aaaa1111:1', 'delivered', 'doomed', 'dataclone', 'messageport', '"ping"', 'ada', 'news', '#', 'zzz']);
    for (const whole of wholes.values()) for (const field of whole.split('\n')) needles.add(field.slice(1, 7)).add(field);
    for (const needle of needles) {
      const expected = model.messages.filter((m) => (wholes.get(m.id) as string).includes(needle)).map((m) => m.id);
      expect(msgs(shown(model, tab.log, f({ text: quoteValue(needle, true) })).rows).map((m) => m.id), needle).toEqual(expected);
    }
    // The realms' URLs are not in a row's own kept part (they are in the head it shares with others).
    const rows = buildRows(model, tab.log, false);
    warmSearchText(rows, 1000, realms);
    expect(rows.some((r) => r.kind === 'message' && r.text?.includes('https://'))).toBe(false);
    expect(msgs(shown(model, tab.log, f({ text: 'https://b.test/' })).rows).length).toBeGreaterThan(0);
  });

  it('drops event rows of entries evicted from the log', () => {
    const tab = new Tab(4);
    const log = tab.log;
    const a = tab.realm('r').start();
    a.channel();
    let model = tab.flush();
    expect(buildRows(model, log, true).map((r) => r.kind)).toEqual(['event', 'event']);
    for (let i = 0; i < 4; i++) a.closed('r:1');
    model = tab.flush();
    const rows = buildRows(model, log, true);
    expect(rows.map((r) => rowId(r))).toEqual(['2', '3', '4', '5']);
  });
});

describe('timeline filters over a hand-built model', () => {
  it('searches ambiguity, channel names and workers; a port focus normalises local ids', () => {
    const base: Pick<MessageModel, 'transfers' | 'ambiguous'> = { transfers: [], ambiguous: false };
    const model: CaptureModel = {
      realms: [
        { id: 'T', kind: 'top', instrumented: true, events: 3, gaps: 0, missing: 0, faults: 0 },
        { id: 'T:w1', kind: 'worker', instrumented: false, events: 0, gaps: 0, missing: 0, faults: 0 },
      ],
      channels: [{ id: 'T:c1', createdIn: 'T', createdAt: 1, ports: ['T:1', 'T:2'] }],
      ports: [
        { id: 'T:1', channel: 'T:c1', entangledWith: 'T:2', custody: [{ realm: 'T', localId: 'T:1', from: 1, via: 'created', started: true, closed: false }], started: true, closed: false },
        {
          id: 'T:2',
          channel: 'T:c1',
          entangledWith: 'T:1',
          custody: [
            { realm: 'T', localId: 'T:2', from: 1, to: 2, via: 'created', started: false, closed: false },
            { realm: 'T:w1', from: 2, via: 'worker', started: false, closed: false },
          ],
          started: false,
          closed: false,
        },
      ],
      messages: [
        { ...base, id: 'T#2', route: 'worker', fromRealm: 'T', toRealm: 'T:w1', worker: 'T:w1', sentAt: 2, status: 'in-flight', reason: 'receiverUninstrumented', transfers: [{ kind: 'MessagePort', port: 'T:2' }] },
        { ...base, id: 'T#3', route: 'port', fromRealm: 'T:w1', fromPort: 'T:2', toRealm: 'T', toPort: 'T:1', receivedAt: 3, status: 'delivered', ambiguous: true, ambiguity: ['sendNotRecorded'], preview: 'from the worker' },
        { ...base, id: 'T#4', route: 'broadcast', fromRealm: 'T', channelName: 'Updates', sentAt: 4, status: 'in-flight', reason: 'broadcastUnmatched' },
      ],
      gaps: [],
      totals: { sent: 3, delivered: 1, queued: 0, failed: 0, lost: 0, doomed: 0, droppedOrigin: 0, inFlight: 2, ambiguous: 1, gaps: 0, missing: 0, events: 3, duplicates: 0, faults: 0 },
    };
    const log = new EventLog<LogEntry>(10);
    const rows = buildRows(model, log, false);
    const index = indexOf(model);
    const text = (t: string) => msgs(filterRows(rows, f({ text: t }), null, index).rows).map((m) => m.id);
    expect(text('sendnotrecorded')).toEqual(['T#3']);
    expect(text('ambiguous')).toEqual(['T#3']);
    expect(text('updates')).toEqual(['T#4']);
    expect(text('t:w1')).toEqual(['T#2', 'T#3']);
    const port = (id: PortId) => msgs(filterRows(rows, f(), { kind: 'port', id }, index).rows).map((m) => m.id);
    expect(port('T:2')).toEqual(['T#2', 'T#3']); // carried to the worker, then its traffic
    expect(port('T:1')).toEqual(['T#3']);
    expect(msgs(filterRows(rows, f(), { kind: 'realm', id: 'T:w1' }, index).rows).map((m) => m.id)).toEqual(['T#2', 'T#3']);
    expect(endpoints(model.messages[0] as MessageModel, index.realms).text).toBe('top → worker');
  });
});

describe('timeline text helpers', () => {
  it('short port names, endpoints with full ids in the title, time', () => {
    const { model, a, b } = scenario();
    const realms = indexOf(model).realms;
    expect(shortPort('aaaa1111:3')).toBe('p3');
    const ping = model.messages.find((m) => m.preview === 'ping') as MessageModel;
    const e = endpoints(ping, realms);
    // Realms by name (ids only in the tooltip).
    expect(e.text).toBe('top › p1 → iframe b.test/bbbb2222.html › p2');
    expect(e.text).not.toContain(a.id);
    expect(e.title).toContain('aaaa1111:1');
    expect(e.title).toContain(b.id);
    expect(e.title).toContain('https://b.test/bbbb2222.html');
    const news = model.messages.find((m) => m.route === 'broadcast') as MessageModel;
    expect(endpoints(news, realms).text).toBe('iframe b.test/bbbb2222.html → “news”');
    // Short of room, realm names are shortened from the middle; a short end leaves its room to the other.
    const narrow = endpoints(ping, realms, 36);
    expect(narrow.from.text).toBe('top › p1');
    expect(narrow.to.text).toBe('iframe b.te…222.html › p2');
    expect(narrow.text.length).toBeLessThanOrEqual(36);
    expect(endpoints(ping, realms, 200).text).toBe(e.text);
    // However narrow, a name keeps its kind and the ends of its place (the cell cuts the overflow).
    expect(endpoints(ping, realms, 10).to.text).toBe('iframe b.t….html › p2');
    expect(timeText(1012.25, 1000)).toBe('12.3');
    expect(timeText(new Date(2024, 0, 1, 9, 5, 7, 42).getTime(), null)).toBe('09:05:07.042');
  });
});
