import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCorrelator } from './correlator';
import type { LogRecord } from './log';
import type { CaptureModel, ChannelModel, CustodySpan, GapModel, MessageModel, MessageStatus, PortModel, RealmModel, StatusReason, Totals } from './model-types';
import { createPlayback, factsOf, messageAt, structureAt, timeOfMessage, type ModelAt } from './playback';
import { PROTOCOL_VERSION, type EntangleEvent, type PortId, type Route } from './protocol';

// ── hand-made models ────────────────────────────────────────────────────────

const realm = (id: string, o: Partial<RealmModel> = {}): RealmModel => ({ id, kind: 'top', instrumented: true, events: 0, gaps: 0, missing: 0, faults: 0, ...o });
const span = (r: string, from: number, o: Partial<CustodySpan> = {}): CustodySpan => ({
  realm: r,
  from,
  via: 'created',
  started: o.startedAt !== undefined,
  closed: o.closedAt !== undefined,
  ...o,
});
const portModel = (id: string, custody: CustodySpan[], o: Partial<PortModel> = {}): PortModel => ({
  id,
  custody,
  started: custody[custody.length - 1]?.started ?? false,
  closed: custody.some((s) => s.closed),
  ...o,
});
const msg = (id: string, o: Partial<MessageModel>): MessageModel => ({ id, route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...o });

function totalsOf(messages: readonly MessageModel[], gaps: readonly GapModel[]): Totals {
  const t: Totals = { sent: messages.length, delivered: 0, queued: 0, failed: 0, lost: 0, doomed: 0, droppedOrigin: 0, inFlight: 0, ambiguous: 0, gaps: gaps.length, missing: 0, events: 7, duplicates: 1, faults: 2 };
  const key: Record<MessageStatus, 'delivered' | 'queued' | 'failed' | 'lost' | 'doomed' | 'droppedOrigin' | 'inFlight'> = { delivered: 'delivered', queued: 'queued', failed: 'failed', lost: 'lost', doomed: 'doomed', 'dropped-origin': 'droppedOrigin', 'in-flight': 'inFlight' };
  for (const m of messages) {
    t[key[m.status]]++;
    if (m.ambiguous) t.ambiguous++;
  }
  for (const g of gaps) t.missing += g.to - g.from + 1;
  return t;
}

function modelOf(parts: Partial<Omit<CaptureModel, 'totals'>>): CaptureModel {
  const messages = [...(parts.messages ?? [])].sort((a, b) => timeOfMessage(a) - timeOfMessage(b));
  const gaps = parts.gaps ?? [];
  return { realms: parts.realms ?? [], channels: parts.channels ?? [], ports: parts.ports ?? [], messages, gaps, totals: totalsOf(messages, gaps) };
}

const portOf = (v: CaptureModel, id: string): PortModel | undefined => v.ports.find((p) => p.id === id);
const msgOf = (v: CaptureModel, id: string): MessageModel | undefined => v.messages.find((m) => m.id === id);

/** The view at a moment computed from scratch: every message through the rules, counted one by one. */
function fromScratch(model: CaptureModel, t: number, index?: number): ModelAt {
  const facts = factsOf(model);
  const ordered = model.messages.map((m, j) => ({ m, j })).sort((a, b) => timeOfMessage(a.m) - timeOfMessage(b.m) || a.j - b.j).map((x) => x.m);
  const last = index ?? ordered.filter((m) => timeOfMessage(m) <= t).length - 1;
  const messages = ordered.slice(0, last + 1).map((m) => messageAt(m, t, facts));
  const structure = structureAt(model, t, facts);
  const totals = { ...totalsOf(messages, structure.gaps), events: model.totals.events, duplicates: model.totals.duplicates, faults: model.totals.faults };
  // Which messages are unsettled is the playback's own bookkeeping: `messages` (which puts them in their
  // places among the whole model's) is what is compared.
  return { ...structure, messages, totals, t, index: last, unsettled: expect.any(Map) as ModelAt['unsettled'] };
}

/** A moment's unsettled messages are among its own, and every other message is the whole model's own
 *  object (the graph's counts take those from the playback's checkpoints). */
function expectUnsettled(whole: readonly MessageModel[], v: ModelAt): void {
  for (const [i, m] of v.unsettled) {
    expect(i).toBeLessThanOrEqual(v.index);
    expect(v.messages[i]).toBe(m);
  }
  v.messages.forEach((m, i) => {
    if (!v.unsettled.has(i)) expect(m).toBe(whole[i]);
  });
}

// ── the five cases of issue 11 ──────────────────────────────────────────────

describe('playback: the state at T', () => {
  it('custody at T: a port moved twice is in the realm that held it then, with started/closed as of then', () => {
    const p = portModel('p', [
      span('A', 10, { to: 20, startedAt: 12 }),
      span('B', 22, { via: 'port', to: 30 }),
      span('C', 33, { via: 'port', startedAt: 35, closedAt: 40 }),
    ]);
    const model = modelOf({ realms: [realm('A', { startedAt: 1 }), realm('B', { startedAt: 1 }), realm('C', { startedAt: 1 })], ports: [p] });
    const pb = createPlayback(model);
    expect(portOf(pb.at(5), 'p')).toBeUndefined();
    expect(portOf(pb.at(11), 'p')).toEqual({ id: 'p', custody: [{ realm: 'A', from: 10, via: 'created', started: false, closed: false }], started: false, closed: false });
    expect(portOf(pb.at(15), 'p')?.custody).toEqual([{ realm: 'A', from: 10, via: 'created', started: true, startedAt: 12, closed: false }]);
    // Sent away by A and not arrived yet: still A's last span, now with its departure.
    expect(portOf(pb.at(21), 'p')?.custody.map((s) => [s.realm, s.to])).toEqual([['A', 20]]);
    const atB = portOf(pb.at(25), 'p');
    expect(atB?.custody.map((s) => [s.realm, s.to, s.started])).toEqual([
      ['A', 20, true],
      ['B', undefined, false],
    ]);
    expect(atB).toMatchObject({ started: false, closed: false });
    expect(portOf(pb.at(36), 'p')).toMatchObject({ started: true, closed: false });
    expect(portOf(pb.at(36), 'p')?.custody.map((s) => s.realm)).toEqual(['A', 'B', 'C']);
    expect(portOf(pb.at(40), 'p')).toBe(p);
  });

  it('queues at T: messages wait in a port never started, then are in flight once it starts, then delivered', () => {
    const p1 = portModel('p1', [span('A', 5, { startedAt: 5 })], { channel: 'c', entangledWith: 'p2' });
    const p2 = portModel('p2', [span('B', 5, { startedAt: 20 })], { channel: 'c', entangledWith: 'p1' });
    const sent = (id: string, at: number, receivedAt: number): MessageModel =>
      msg(id, { fromRealm: 'A', toRealm: 'B', fromPort: 'p1', toPort: 'p2', sentAt: at, receivedAt, receipt: { realm: 'B', seq: at, index: at } });
    const model = modelOf({
      realms: [realm('A', { startedAt: 1 }), realm('B', { startedAt: 1 })],
      channels: [{ id: 'c', createdIn: 'A', createdAt: 5, ports: ['p1', 'p2'] }],
      ports: [p1, p2],
      messages: [sent('m1', 10, 21), sent('m2', 11, 22)],
    });
    const pb = createPlayback(model);
    const early = pb.at(15);
    expect(early.messages.map((m) => [m.id, m.status, m.reason, m.toRealm, m.receivedAt])).toEqual([
      ['m1', 'queued', 'notStarted', 'B', undefined],
      ['m2', 'queued', 'notStarted', 'B', undefined],
    ]);
    expect(early.totals).toMatchObject({ sent: 2, queued: 2, delivered: 0, inFlight: 0 });
    expect(pb.at(20).messages.map((m) => [m.status, m.reason])).toEqual([
      ['in-flight', 'awaitingReceipt'],
      ['in-flight', 'awaitingReceipt'],
    ]);
    const mid = pb.at(21);
    expect(mid.messages.map((m) => m.status)).toEqual(['delivered', 'in-flight']);
    expect(mid.messages[0]).toBe(model.messages[0]);
    expect(mid.totals).toMatchObject({ sent: 2, delivered: 1, inFlight: 1, queued: 0 });
    expect(pb.at(22).messages).toEqual(model.messages);
    // Before the second send, only the first is there.
    expect(pb.at(10.5).messages.map((m) => m.id)).toEqual(['m1']);
  });

  it('realm life: absent before it started, there and not gone while it lived, gone once it went', () => {
    const model = modelOf({ realms: [realm('top', { startedAt: 0 }), realm('ifr', { kind: 'iframe', startedAt: 10, goneAt: 50, persisted: true })] });
    const pb = createPlayback(model);
    expect(pb.at(5).realms.map((r) => r.id)).toEqual(['top']);
    const alive = pb.at(30).realms.find((r) => r.id === 'ifr');
    expect(alive).toEqual({ id: 'ifr', kind: 'iframe', instrumented: true, startedAt: 10, events: 0, gaps: 0, missing: 0, faults: 0 });
    expect(pb.at(50).realms[1]).toBe(model.realms[1]);
  });

  it('a realm with no start time is there from the first thing placed in it (a message it sent)', () => {
    const model = modelOf({
      realms: [realm('top', { startedAt: 0 }), realm('w', { kind: 'worker', instrumented: false })],
      messages: [msg('w#1', { route: 'worker', fromRealm: 'w', toRealm: 'top', receivedAt: 40 })],
    });
    const pb = createPlayback(model);
    expect(pb.at(39).realms.map((r) => r.id)).toEqual(['top']);
    expect(pb.at(40).realms.map((r) => r.id)).toEqual(['top', 'w']);
    expect(pb.at(40).messages).toEqual(model.messages);
  });

  it('channels created later are absent before, with their ports', () => {
    const model = modelOf({
      realms: [realm('A', { startedAt: 0 })],
      channels: [
        { id: 'c1', createdIn: 'A', createdAt: 5, ports: ['a', 'b'] },
        { id: 'c2', createdIn: 'A', createdAt: 40, ports: ['x', 'y'] },
      ],
      ports: ['a', 'b'].map((id) => portModel(id, [span('A', 5)], { channel: 'c1' })).concat(['x', 'y'].map((id) => portModel(id, [span('A', 40)], { channel: 'c2' }))),
    });
    const pb = createPlayback(model);
    expect(pb.at(30).channels.map((c: ChannelModel) => c.id)).toEqual(['c1']);
    expect(pb.at(30).ports.map((p) => p.id)).toEqual(['a', 'b']);
    expect(pb.at(40).channels.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(pb.at(40).ports.map((p) => p.id)).toEqual(['a', 'b', 'x', 'y']);
  });

  it('gaps before T: in the list, the totals and the realm counts; later ones not', () => {
    const gaps: GapModel[] = [
      { realm: 'A', from: 3, to: 4, reason: 'unknown', after: 15, before: 16 },
      { realm: 'A', from: 9, to: 9, reason: 'unknown', after: 45, before: 46 },
    ];
    const model = modelOf({ realms: [realm('A', { startedAt: 0, gaps: 2, missing: 3 })], gaps });
    const pb = createPlayback(model);
    expect(pb.at(10).gaps).toEqual([]);
    const v = pb.at(20);
    expect(v.gaps).toEqual([gaps[0]]);
    expect(v.totals).toMatchObject({ gaps: 1, missing: 2, events: 7, duplicates: 1, faults: 2 });
    expect(v.realms[0]).toMatchObject({ gaps: 1, missing: 2 });
    expect(pb.at(45).realms[0]).toBe(model.realms[0]);
  });
});

// ── edge cases of the rules ─────────────────────────────────────────────────

describe('playback: edge cases', () => {
  it('a port moved while a message to it was queued takes the message along', () => {
    const to = portModel('p2', [span('B', 5, { to: 20 }), span('C', 21, { via: 'port', startedAt: 25 })]);
    const model = modelOf({
      realms: ['A', 'B', 'C'].map((id) => realm(id, { startedAt: 0 })),
      ports: [portModel('p1', [span('A', 5, { startedAt: 5 })]), to],
      messages: [msg('m', { fromRealm: 'A', fromPort: 'p1', toPort: 'p2', toRealm: 'C', sentAt: 10, receivedAt: 26 })],
    });
    const pb = createPlayback(model);
    const seen = (t: number) => {
      const m = msgOf(pb.at(t), 'm');
      return [m?.status, m?.reason, m?.toRealm];
    };
    expect(seen(15)).toEqual(['queued', 'notStarted', 'B']);
    expect(seen(20.5)).toEqual(['in-flight', 'inTransit', 'B']);
    expect(seen(22)).toEqual(['queued', 'notStarted', 'C']);
    expect(seen(25)).toEqual(['in-flight', 'awaitingReceipt', 'C']);
    expect(seen(26)).toEqual(['delivered', undefined, 'C']);
  });

  it('a receipt that reads earlier than its send (clock skew) is delivered the moment the message is sent', () => {
    const model = modelOf({
      realms: [realm('A', { startedAt: 0 }), realm('B', { startedAt: 0 })],
      ports: [portModel('p1', [span('A', 1)]), portModel('p2', [span('B', 1, { startedAt: 1 })])],
      messages: [msg('m', { fromRealm: 'A', toRealm: 'B', fromPort: 'p1', toPort: 'p2', sentAt: 100, receivedAt: 95 })],
    });
    const pb = createPlayback(model);
    expect(pb.at(99).messages).toEqual([]);
    expect(pb.at(100).messages[0]).toBe(model.messages[0]);
  });

  it('a message with only a receipt appears at its receipt, as the model has it', () => {
    const m = msg('B#4', { route: 'window', toRealm: 'B', receivedAt: 30, senderUnknown: 'sourceNone' });
    const pb = createPlayback(modelOf({ realms: [realm('B', { startedAt: 0 })], messages: [m] }));
    expect(pb.at(29).messages).toEqual([]);
    expect(pb.at(30).messages).toEqual([m]);
  });

  it('lost when the partner closed: pending until it did', () => {
    const model = modelOf({
      realms: [realm('A', { startedAt: 0 }), realm('B', { startedAt: 0 })],
      ports: [portModel('p1', [span('A', 1)]), portModel('p2', [span('B', 1, { closedAt: 30 })])],
      messages: [msg('m', { status: 'lost', reason: 'partnerClosed', fromRealm: 'A', toRealm: 'B', fromPort: 'p1', toPort: 'p2', sentAt: 10 })],
    });
    const pb = createPlayback(model);
    expect(msgOf(pb.at(20), 'm')).toMatchObject({ status: 'queued', reason: 'notStarted' });
    expect(pb.at(20).totals).toMatchObject({ queued: 1, lost: 0 });
    expect(portOf(pb.at(20), 'p2')).toMatchObject({ closed: false });
    expect(msgOf(pb.at(30), 'm')).toBe(model.messages[0]);
    expect(portOf(pb.at(30), 'p2')).toMatchObject({ closed: true });
  });

  it('a broadcast shows the deliveries received by T', () => {
    const d = (toRealm: string, receivedAt: number) => ({ toRealm, receivedAt, latency: receivedAt - 10, receipt: { realm: toRealm, seq: 1, index: receivedAt } });
    const m = msg('A#1', { route: 'broadcast', fromRealm: 'A', sentAt: 10, receivedAt: 12, receipt: d('B', 12).receipt, deliveries: [d('B', 12), d('C', 15)] });
    const pb = createPlayback(modelOf({ realms: ['A', 'B', 'C'].map((id) => realm(id, { startedAt: 0 })), messages: [m] }));
    const none = pb.at(11).messages[0];
    expect([none?.status, none?.deliveries, none?.receivedAt, none?.toRealm]).toEqual(['in-flight', undefined, undefined, undefined]);
    expect(pb.at(13).messages[0]).toMatchObject({ status: 'delivered', toRealm: 'B', deliveries: [d('B', 12)] });
    expect(pb.at(15).messages[0]).toBe(m);
  });

  it('index helpers: the row at T, steps, errors; atMessage shows one message of several at the same time', () => {
    const model = modelOf({
      messages: [
        msg('a', { sentAt: 10 }),
        msg('b', { sentAt: 20, status: 'failed', reason: 'sendThrew' }),
        msg('c', { sentAt: 20 }),
        msg('d', { sentAt: 30, status: 'doomed' }),
      ],
    });
    const pb = createPlayback(model);
    expect([pb.indexAt(5), pb.indexAt(10), pb.indexAt(25), pb.indexAt(99)]).toEqual([-1, 0, 2, 3]);
    expect([pb.nextMessage(-1), pb.nextMessage(2), pb.nextMessage(3)]).toEqual([0, 3, undefined]);
    expect([pb.previousMessage(0), pb.previousMessage(3)]).toEqual([undefined, 2]);
    expect([pb.nextError(-1), pb.nextError(1), pb.nextError(3)]).toEqual([1, 3, undefined]);
    expect([pb.previousError(3), pb.previousError(1), pb.previousError(0)]).toEqual([1, undefined, undefined]);
    expect(pb.atMessage(1).messages.map((m) => m.id)).toEqual(['a', 'b']);
    expect(pb.atMessage(1).t).toBe(20);
    expect(pb.at(20).messages.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(pb.atMessage(99).index).toBe(3);
    expect([pb.start, pb.end]).toEqual([10, 30]);
    expect(pb.at(22)).toBe(pb.at(22));
  });
});

// ── seek consistency ────────────────────────────────────────────────────────

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: Array<[MessageStatus, StatusReason | undefined]> = [
  ['delivered', undefined],
  ['queued', 'notStarted'],
  ['in-flight', 'awaitingReceipt'],
  ['failed', 'sendThrew'],
  ['failed', 'undeserializable'],
  ['lost', 'partnerLost'],
  ['lost', 'partnerClosed'],
  ['lost', 'realmGone'],
  ['lost', 'sendingPortClosed'],
  ['doomed', undefined],
];

/** A model of `n` messages over a few realms and ports, with every kind of fact at random times. */
function generated(seed: number, n: number, sorted: boolean): CaptureModel {
  const r = rng(seed);
  const int = (max: number): number => Math.floor(r() * max);
  const maybe = (p: number, t: () => number): number | undefined => (r() < p ? t() : undefined);
  const realms = Array.from({ length: 6 }, (_, i) =>
    realm(`r${i}`, { instrumented: i !== 5, ...(r() < 0.8 ? { startedAt: int(300) } : {}), ...(r() < 0.4 ? { goneAt: 300 + int(700) } : {}) }),
  );
  const channels: ChannelModel[] = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, createdIn: `r${int(6)}`, createdAt: int(400), ports: [`p${2 * i}`, `p${2 * i + 1}`] }));
  const ports = Array.from({ length: 16 }, (_, i) => {
    let from = (channels[i >> 1] as ChannelModel).createdAt;
    const custody: CustodySpan[] = [];
    const hops = 1 + int(3);
    for (let h = 0; h < hops; h++) {
      const s = span(`r${int(6)}`, from, { ...(r() < 0.6 ? { startedAt: from + int(100) } : {}), ...(r() < 0.15 ? { closedAt: from + int(200) } : {}) });
      if (r() < 0.1) s.started = true; // started with no time
      custody.push(s);
      if (h < hops - 1) {
        s.to = from + 20 + int(200);
        from = s.to + int(10) - 3; // the next holder's clock may read earlier
      } else if (r() < 0.2) s.to = from + int(300);
    }
    return portModel(`p${i}`, custody, { channel: `c${i >> 1}`, entangledWith: `p${i ^ 1}`, ...(r() < 0.1 ? { lost: { at: from + int(300), reason: 'doomed' as const } } : {}) });
  });
  const routes: Route[] = ['port', 'port', 'port', 'window', 'worker', 'broadcast'];
  const messages: MessageModel[] = Array.from({ length: n }, (_, i) => {
    const route = routes[int(routes.length)] as Route;
    const [status, reason] = STATUSES[int(STATUSES.length)] as [MessageStatus, StatusReason | undefined];
    const sentAt = int(1000);
    const m = msg(`m${i}`, { route, status, ...(reason ? { reason } : {}), fromRealm: `r${int(6)}`, toRealm: `r${int(6)}`, ambiguous: r() < 0.1 });
    if (route === 'port') Object.assign(m, { fromPort: `p${int(16)}`, toPort: `p${int(17)}` }); // p16: unknown
    if (r() < 0.1) {
      delete m.fromRealm; // only a receipt
      m.receivedAt = int(1000);
      return m;
    }
    m.sentAt = sentAt;
    const receivedAt = maybe(0.5, () => sentAt + int(60) - 10);
    if (route === 'broadcast' && receivedAt !== undefined) {
      m.deliveries = Array.from({ length: 1 + int(3) }, () => ({ toRealm: `r${int(6)}`, receivedAt: sentAt + int(80) - 5, receipt: { realm: 'r0', seq: 1, index: 1 }, ...(r() < 0.3 ? { failed: true } : {}) }));
      m.receivedAt = m.deliveries[0]?.receivedAt;
    } else if (receivedAt !== undefined && (status === 'delivered' || reason === 'undeserializable')) m.receivedAt = receivedAt;
    if (status === 'failed') m.error = { name: 'E', message: 'e' };
    return m;
  });
  if (sorted) messages.sort((a, b) => timeOfMessage(a) - timeOfMessage(b));
  const gaps: GapModel[] = Array.from({ length: 5 }, () => {
    const after = maybe(0.8, () => int(1000));
    return { realm: `r${int(6)}`, from: 1, to: 1 + int(3), reason: 'unknown' as const, ...(after !== undefined ? { after } : {}) };
  });
  return { realms, channels, ports, messages, gaps, totals: totalsOf(messages, gaps) };
}

describe('playback: seeking through the checkpoints equals computing from scratch', () => {
  it('on generated models, at random times and positions, in any order', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 2600 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: -50, max: 1100 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
        (seed, n, sorted, seeks) => {
          const model = generated(seed, n, sorted);
          const pb = createPlayback(model);
          for (const [t, byMessage] of seeks) {
            if (byMessage) {
              const i = Math.min(n - 1, Math.max(-1, Math.floor((t / 1000) * n)));
              const v = pb.atMessage(i);
              expect(v).toEqual(fromScratch(model, v.t, i));
              expectUnsettled(pb.messages, v);
            } else {
              const v = pb.at(t);
              expect(v).toEqual(fromScratch(model, t));
              expectUnsettled(pb.messages, v);
            }
          }
        },
      ),
      { seed: 1111, numRuns: 60 },
    );
  });
});

// ── a model built by the real correlator ────────────────────────────────────

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;

/** One realm of a tab whose realms share one clock (as in correlator.test.ts). */
class LogRealm {
  seq = 0;
  private ports = 0;
  constructor(
    readonly log: { records: LogRecord[]; t: number },
    readonly id: string,
    readonly frameId: number,
  ) {}
  emit(body: Body<EntangleEvent>): number {
    const event = { ...body, seq: ++this.seq, t: (this.log.t += 1) } as EntangleEvent;
    this.log.records.push({ realm: this.id, tabId: 1, frameId: this.frameId, parentFrameId: this.frameId === 0 ? -1 : 0, event });
    return event.t;
  }
  start(kind: 'top' | 'iframe'): this {
    this.emit({ type: 'realmStarted', kind, url: `https://a.test/${this.id}`, origin: 'https://a.test', protocol: PROTOCOL_VERSION });
    return this;
  }
  channel(): [PortId, PortId] {
    const a = `${this.id}:${++this.ports}`;
    const b = `${this.id}:${++this.ports}`;
    this.emit({ type: 'channelCreated', channel: `${this.id}:c${this.ports}`, port1: a, port2: b });
    return [a, b];
  }
  send(port: PortId, transfer: PortId[] = []): number {
    return this.emit({ type: 'messageSent', route: 'port', port, transfer: transfer.map((p) => ({ kind: 'MessagePort', port: p })), outcome: 'posted' });
  }
  recv(port: PortId, ports = 0): { t: number; ports: PortId[] } {
    const ids = Array.from({ length: ports }, () => `${this.id}:${++this.ports}`);
    const t = this.emit({ type: 'messageReceived', route: 'port', port, origin: '', ports: ids, preview: 'msg', size: 3 });
    return { t, ports: ids };
  }
  windowRecv(ports: number): PortId[] {
    const ids = Array.from({ length: ports }, () => `${this.id}:${++this.ports}`);
    this.emit({ type: 'messageReceived', route: 'window', origin: 'https://a.test', source: 'parent', ports: ids, preview: 'hi', size: 2 });
    return ids;
  }
  started(port: PortId): number {
    return this.emit({ type: 'portStarted', port, implicit: true });
  }
}

describe('playback: a model built by the correlator from a log', () => {
  it('a queued message follows its port top → iframe → top, and every moment equals the computation from scratch', () => {
    const log = { records: [] as LogRecord[], t: 1000 };
    const top = new LogRealm(log, 'top', 0).start('top');
    const frame = new LogRealm(log, 'ifr', 3).start('iframe');
    const [a1] = top.channel();
    top.started(a1);
    const [a2f] = frame.windowRecv(1) as [PortId];
    frame.started(a2f);
    const [b1, b2] = top.channel();
    const queuedAt = top.send(b1); // b2 is not started: queued in the top
    const leftTop = top.send(a1, [b2]);
    const { t: inFrame, ports } = frame.recv(a2f, 1);
    const leftFrame = frame.send(a2f, ports);
    top.started(a1);
    const { t: backInTop, ports: back } = top.recv(a1, 1);
    const b2t = back[0] as PortId;
    const startedAt = top.started(b2t);
    const { t: receivedAt } = top.recv(b2t);
    const c = createCorrelator();
    c.append(log.records, []);
    const model = c.model();

    const b2Model = portOf(model, b2);
    expect(b2Model?.custody.map((s) => [s.realm, s.from, s.to, s.startedAt])).toEqual([
      ['top', expect.any(Number), leftTop, undefined],
      ['ifr', inFrame, leftFrame, undefined],
      ['top', backInTop, undefined, startedAt],
    ]);
    const pb = createPlayback(model);
    const queued = (t: number) => pb.at(t).messages.find((m) => m.sentAt === queuedAt);
    expect(queued(queuedAt)).toMatchObject({ status: 'queued', toRealm: 'top' });
    expect(queued(leftTop)).toMatchObject({ status: 'in-flight', reason: 'inTransit', toRealm: 'top' });
    expect(queued(inFrame)).toMatchObject({ status: 'queued', toRealm: 'ifr' });
    expect(portOf(pb.at(inFrame), b2)?.custody.map((s) => s.realm)).toEqual(['top', 'ifr']);
    expect(queued(backInTop)).toMatchObject({ status: 'queued', toRealm: 'top' });
    expect(queued(startedAt)).toMatchObject({ status: 'in-flight', reason: 'awaitingReceipt' });
    expect(queued(receivedAt)).toMatchObject({ status: 'delivered', receivedAt });

    expect(pb.at(pb.end)).toEqual({ ...model, t: pb.end, index: model.messages.length - 1, unsettled: new Map() });
    for (let t = pb.start - 1; t <= pb.end + 1; t += 0.5) expect(pb.at(t)).toEqual(fromScratch(model, t));
    for (let i = -1; i < model.messages.length; i++) expect(pb.atMessage(i)).toEqual(fromScratch(model, pb.atMessage(i).t, i));
  });
});
