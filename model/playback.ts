/**
 * Playback: the session as it was at a past moment, from the final CaptureModel (issue 11 §1). Pure:
 * no DOM, no panel. `createPlayback(model)` indexes the model once; `at(t)` and `atMessage(i)` return a
 * CaptureModel-shaped view (`ModelAt`) that the graph, the timeline and the inspector take as they take
 * the live model. Objects that are the same at the moment as in the final model are the model's own
 * (identity kept, so memoized views skip them); only what differs is copied.
 *
 * ── The moment ──
 * A moment is a time `t` and a position `index`: the messages in view are the first `index + 1` in time
 * order; every other fact is as of `t`. `at(t)` takes every message whose time is ≤ t; `atMessage(i)`
 * takes messages 0..i at the time of message i (of several messages at the same millisecond it shows
 * those up to i only, so *step* moves one message per press).
 *
 * ── How each fact is decided at t ──
 * - A message's time is its send's, or its receipt's when no send is recorded (`sentAt ?? receivedAt`,
 *   the model's own order). Its receipt counts from max(send, receipt): a receipt that reads earlier than
 *   its send (cross-process clock skew) makes the message delivered the moment it is sent.
 * - A message's status at t:
 *   · decided at the send — a send that threw (failed), a doomed send, a send on a closed port or to a
 *     closed partner as the sender saw it, a message with only a receipt, a delivery with no receipt time
 *     (`deliveryInferred`, a receipt cut from the log) and every non-port message but a matched
 *     broadcast: as the model has it from its time on;
 *   · with a receipt (delivered, or failed to deserialize): as the model has it once received; before,
 *     pending (below);
 *   · a broadcast: its deliveries received by t; delivered once one of them did not fail, failed when
 *     every one so far did, in flight while none has arrived;
 *   · lost later — `partnerLost` from the partner's `lost.at`, `partnerClosed` from the partner's first
 *     `closedAt`, `realmGone` from the holder realm's `goneAt` (each no earlier than the send; without a
 *     time, from the send): pending before;
 *   · queued or in flight in the model: pending until the receiving port last changed (its last holder's
 *     arrival, departure or start), as the model has it after.
 *   Pending, for a port message, follows the receiving port (`toPort`) wherever it is at t — a port moved
 *   while a message to it waited takes the message along: no receiving port known → in flight
 *   (`partnerUnknown`); no holder yet → in flight (`inTransit`); its
 *   holder at t has sent it on and the next has not received it → in flight (`inTransit`); held by an
 *   uninstrumented realm → in flight (`receiverUninstrumented`); started by that holder by t → in flight
 *   (`awaitingReceipt`); otherwise queued (`notStarted`). `toRealm` is that holder. A pending message
 *   has no receipt (so no latency) or error; its preview and ambiguity are the model's.
 * - A realm is there from its start (`startedAt`), or from the first thing the model places in it when
 *   that is earlier (a port it held, a channel it made, a message it sent or received, a gap): a realm
 *   with no start time is there from that first sighting, and always when there is none. It stays once
 *   gone; `goneAt` (and `persisted`) only when it went by t. Its `gaps`/`missing` count its gaps placed
 *   by t; `events`, `faults`, `state` are the final ones (the model has no times for them).
 * - A port is there from its first custody span; its holder at t is the last span that began by t (the
 *   custody as of t ends there, with no `to` when it left after t). A span is started/closed when its
 *   `startedAt`/`closedAt` is ≤ t (a span marked started/closed with no time counts from its `from`). The
 *   port is started when its holder at t started it, closed when any span so far closed it, lost from
 *   `lost.at`. A port with no custody is there from its channel's creation (always, with no channel).
 * - A channel is there from `createdAt`. A gap is there from where the timeline places it
 *   (`after ?? before`; always, with neither).
 * - Totals: `sent` and the statuses count the messages in view as of t; `gaps`/`missing` the gaps
 *   there; `events`, `duplicates`, `faults` are the final ones.
 *
 * ── Cost ──
 * `createPlayback` is O(n log n) at most (a sort only when the messages are not in time order already).
 * A seek recomputes only the messages whose status at t is not their final one (`unsettled`), found
 * through a max-tree over the time each message settles: O(log n per such message). The message prefix
 * is copied (O(index)) only when `messages` is read: the graph and the inspector need only the
 * unsettled ones. Totals come from checkpoints of the final status counts every CHECKPOINT messages
 * (O(CHECKPOINT) to finish) corrected for those messages. Realms, ports, channels and gaps are one pass
 * each (their counts are small beside the messages').
 */
import type {
  CaptureModel,
  ChannelModel,
  CustodySpan,
  DeliveryModel,
  GapModel,
  MessageModel,
  MessageStatus,
  PortModel,
  RealmModel,
  StatusReason,
  Totals,
} from './model-types';
import { timeOfMessage } from './model-types';
import type { PortId, RealmId } from './protocol';

/** The session at one moment: a CaptureModel, plus the moment it is of. */
export interface ModelAt extends CaptureModel {
  /** The time the view is of. */
  readonly t: number;
  /** Position of the last message in view in time order (-1: none). */
  readonly index: number;
  /** The messages among 0..index not settled yet at `t`, as they were then, by position: `messages`
   *  is the playback's messages 0..index with these in their places. (Made into one array only when
   *  asked for: a playing tick's graph needs these alone, and an array of up to 100,000 a tick filled
   *  the old generation, whose collections were the longest tasks of playback.) */
  readonly unsettled: ReadonlyMap<number, MessageModel>;
}

export interface Playback {
  readonly model: CaptureModel;
  /** The model's messages in time order (the model's own array when it is in order, as built). */
  readonly messages: readonly MessageModel[];
  /** The earliest and latest times at which anything in the model happens (0 when none has a time):
   *  the slider's range. `at(end)` is the model as it is. */
  readonly start: number;
  readonly end: number;
  /** The session at time t: every message whose time is ≤ t. */
  at(t: number): ModelAt;
  /** The session at message `index` (clamped to the messages): messages 0..index, at that message's time;
   *  -1: before the first message, at `start`. */
  atMessage(index: number): ModelAt;
  /** A message's time (`sentAt ?? receivedAt`). */
  timeOf(index: number): number;
  /** Position of the last message whose time is ≤ t (-1 when there is none): the timeline row at t. */
  indexAt(t: number): number;
  /** The next / previous message from a position (undefined past either end). */
  nextMessage(index: number): number | undefined;
  previousMessage(index: number): number | undefined;
  /** The next / previous message, from a position, whose final status is an error (failed, lost, doomed). */
  nextError(index: number): number | undefined;
  previousError(index: number): number | undefined;
}

/** Messages per checkpoint of the status counts. */
export const CHECKPOINT = 1024;

/** The model's facts by id, shared by the rules below. */
export interface Facts {
  ports: ReadonlyMap<PortId, PortModel>;
  realms: ReadonlyMap<RealmId, RealmModel>;
  /** When each realm the model places anything in is first there (see the header). */
  realmFrom: ReadonlyMap<RealmId, number>;
  /** When each channel was created. */
  channelAt: ReadonlyMap<string, number>;
}

// ── times ───────────────────────────────────────────────────────────────────

export { timeOfMessage };

/** When a receipt counts: never before the send (clock skew). */
const receivedFrom = (m: MessageModel, receivedAt: number): number => Math.max(timeOfMessage(m), receivedAt);

/** Where the timeline places a gap. */
export const timeOfGap = (g: GapModel): number => g.after ?? g.before ?? -Infinity;

const spanStarted = (s: CustodySpan, t: number): boolean => (s.startedAt !== undefined ? s.startedAt <= t : s.started);
const spanClosed = (s: CustodySpan, t: number): boolean => (s.closedAt !== undefined ? s.closedAt <= t : s.closed);

/** The last custody span that began by t (-1: none). */
export function holderIndexAt(p: PortModel, t: number): number {
  let h = -1;
  for (let i = 0; i < p.custody.length; i++) if ((p.custody[i] as CustodySpan).from <= t) h = i;
  return h;
}

/** When a port first shows in the session (see the header). */
function portFrom(p: PortModel, facts: Facts): number {
  let from = Infinity;
  for (const s of p.custody) from = Math.min(from, s.from);
  if (from !== Infinity) return from;
  return p.channel !== undefined ? (facts.channelAt.get(p.channel) ?? -Infinity) : -Infinity;
}

/** The time from which a message is as the final model has it. */
export function settleTime(m: MessageModel, facts: Facts): number {
  const key = timeOfMessage(m);
  if (m.deliveries !== undefined && m.deliveries.length > 0) return Math.max(key, ...m.deliveries.map((d) => d.receivedAt));
  if (m.receivedAt !== undefined) return receivedFrom(m, m.receivedAt);
  const to = m.toPort === undefined ? undefined : facts.ports.get(m.toPort);
  switch (m.status) {
    case 'lost':
      return Math.max(key, lostFrom(m, to, facts) ?? key);
    case 'queued':
    case 'in-flight':
      return m.route === 'port' && to ? Math.max(key, lastChange(to)) : key;
    case 'delivered':
    case 'failed':
    case 'doomed':
    case 'dropped-origin':
      return key;
  }
}

/** When a message the model has as lost became so, where a later fact decided it. */
function lostFrom(m: MessageModel, to: PortModel | undefined, facts: Facts): number | undefined {
  if (m.reason === 'partnerLost') return to?.lost?.at;
  if (m.reason === 'realmGone') return m.toRealm === undefined ? undefined : facts.realms.get(m.toRealm)?.goneAt;
  if (m.reason !== 'partnerClosed') return undefined;
  const closed = to?.custody.map((s) => s.closedAt).filter((x): x is number => x !== undefined) ?? [];
  return closed.length > 0 ? Math.min(...closed) : undefined;
}

/** The last time the receiving port's place or start changed (after it, a pending message is final). */
function lastChange(p: PortModel): number {
  const last = p.custody[p.custody.length - 1];
  if (!last) return -Infinity;
  return Math.max(last.from, last.to ?? -Infinity, last.startedAt ?? -Infinity);
}

// ── facts at t ──────────────────────────────────────────────────────────────

/** A message sent (or received) by t, as it was at t. */
export function messageAt(m: MessageModel, t: number, facts: Facts): MessageModel {
  if (t >= settleTime(m, facts)) return m;
  if (m.deliveries !== undefined && m.deliveries.length > 0) return broadcastAt(m, m.deliveries, t);
  return pendingAt(m, t, facts);
}

interface Pending {
  status: MessageStatus;
  reason: StatusReason;
  holder?: RealmId;
}

/** Where a port message not yet received is at t: it follows the receiving port. */
export function pendingPortStatus(to: PortModel | undefined, t: number, facts: Facts): Pending {
  if (!to) return { status: 'in-flight', reason: 'partnerUnknown' };
  const h = holderIndexAt(to, t);
  const span = to.custody[h];
  if (!span) return { status: 'in-flight', reason: 'inTransit' };
  const holder = span.realm;
  if (span.to !== undefined && span.to <= t) return { status: 'in-flight', reason: 'inTransit', holder };
  if (facts.realms.get(holder)?.instrumented === false) return { status: 'in-flight', reason: 'receiverUninstrumented', holder };
  if (spanStarted(span, t)) return { status: 'in-flight', reason: 'awaitingReceipt', holder };
  return { status: 'queued', reason: 'notStarted', holder };
}

function pendingAt(m: MessageModel, t: number, facts: Facts): MessageModel {
  const p: Pending =
    m.route === 'port'
      ? pendingPortStatus(m.toPort === undefined ? undefined : facts.ports.get(m.toPort), t, facts)
      : { status: 'in-flight', reason: m.route === 'worker' ? 'receiverUninstrumented' : 'awaitingReceipt' };
  // Cleared, not deleted: a delete makes the view a slower dictionary object (messages have a place
  // for each of these: newMessage in build-model.ts).
  const v: MessageModel = { ...m, status: p.status, reason: p.reason, receivedAt: undefined, receipt: undefined, error: undefined };
  if (m.route === 'port') v.toRealm = p.holder;
  return v;
}

/** A broadcast with the deliveries received by t. */
function broadcastAt(m: MessageModel, all: readonly DeliveryModel[], t: number): MessageModel {
  const ds = all.filter((d) => receivedFrom(m, d.receivedAt) <= t);
  const v: MessageModel = { ...m };
  const first = ds[0];
  if (!first) {
    v.status = 'in-flight';
    v.reason = 'awaitingReceipt';
    for (const k of ['deliveries', 'receivedAt', 'receipt', 'error', 'toRealm'] as const) v[k] = undefined;
    return v;
  }
  v.deliveries = ds;
  v.receivedAt = first.receivedAt;
  v.receipt = first.receipt;
  v.toRealm = ds.length === 1 ? first.toRealm : undefined;
  if (ds.some((d) => !d.failed)) {
    v.status = 'delivered';
    v.reason = undefined;
    v.error = undefined;
  } else {
    v.status = 'failed';
    v.reason = 'undeserializable';
    v.error = m.error ?? { name: 'messageerror', message: 'the receiver could not deserialize the message' };
  }
  return v;
}

/** A realm there at t (see realmThere), as it was: not gone yet when it went later. */
export function realmAt(r: RealmModel, t: number, gapsByT: { gaps: number; missing: number }): RealmModel {
  const goneLater = r.goneAt !== undefined && r.goneAt > t;
  if (!goneLater && gapsByT.gaps === r.gaps && gapsByT.missing === r.missing) return r;
  const v: RealmModel = { ...r, gaps: gapsByT.gaps, missing: gapsByT.missing };
  if (goneLater) {
    delete v.goneAt;
    delete v.persisted;
  }
  return v;
}

export const realmThere = (r: RealmModel, t: number, facts: Facts): boolean => (facts.realmFrom.get(r.id) ?? -Infinity) <= t;

/** A port as it was at t, or undefined when it was not there yet. */
export function portAt(p: PortModel, t: number, facts: Facts): PortModel | undefined {
  if (portFrom(p, facts) > t) return undefined;
  const h = holderIndexAt(p, t);
  // A new array only when a span differs (a playing tick asks for every port, most of them as they are).
  let custody = p.custody;
  if (h >= 0) {
    let copy: CustodySpan[] | undefined = h + 1 < p.custody.length ? [] : undefined;
    for (let i = 0; i <= h; i++) {
      const s = p.custody[i] as CustodySpan;
      const v = spanAt(s, t, i === h);
      if (copy === undefined && v !== s) copy = p.custody.slice(0, i);
      copy?.push(v);
    }
    if (copy !== undefined) custody = copy;
  }
  const started = h < 0 ? p.started : spanStarted(custody[h] as CustodySpan, t);
  const closed = h < 0 ? p.closed : custody.some((s) => s.closed);
  const lost = p.lost !== undefined && p.lost.at <= t;
  if (custody === p.custody && started === p.started && closed === p.closed && lost === (p.lost !== undefined)) return p;
  const v: PortModel = { ...p, custody, started, closed };
  if (!lost) delete v.lost;
  return v;
}

/** A custody span as it was at t; `last`: the holder at t (its departure, if later, has not happened). */
function spanAt(s: CustodySpan, t: number, last: boolean): CustodySpan {
  const leftLater = last && s.to !== undefined && s.to > t;
  const started = spanStarted(s, t);
  const closed = spanClosed(s, t);
  if (!leftLater && started === s.started && closed === s.closed) return s;
  const v: CustodySpan = { ...s, started, closed };
  if (leftLater) delete v.to;
  if (!started) delete v.startedAt;
  if (!closed) delete v.closedAt;
  return v;
}

/** Per realm, its gaps placed by t and the sequence numbers they miss. */
export function gapCountsAt(gaps: readonly GapModel[]): Map<RealmId, { gaps: number; missing: number }> {
  const out = new Map<RealmId, { gaps: number; missing: number }>();
  for (const g of gaps) {
    let c = out.get(g.realm);
    if (!c) out.set(g.realm, (c = { gaps: 0, missing: 0 }));
    c.gaps++;
    c.missing += g.to - g.from + 1;
  }
  return out;
}

const NO_GAPS = { gaps: 0, missing: 0 };

// ── the index over a model ──────────────────────────────────────────────────

/** The model's facts by id, and when each realm is first there. */
export function factsOf(model: CaptureModel): Facts {
  const realmFrom = new Map<RealmId, number>();
  const seen = (id: RealmId | undefined, t: number): void => {
    if (id !== undefined && !(t >= (realmFrom.get(id) ?? Infinity))) realmFrom.set(id, t);
  };
  for (const r of model.realms) if (r.startedAt !== undefined) seen(r.id, r.startedAt);
  for (const p of model.ports) for (const s of p.custody) seen(s.realm, s.from);
  for (const c of model.channels) seen(c.createdIn, c.createdAt);
  for (const g of model.gaps) seen(g.realm, timeOfGap(g));
  for (const m of model.messages) {
    seen(m.fromRealm, timeOfMessage(m));
    if (m.receivedAt !== undefined && m.toRealm !== undefined) seen(m.toRealm, receivedFrom(m, m.receivedAt));
    for (const d of m.deliveries ?? []) seen(d.toRealm, receivedFrom(m, d.receivedAt));
  }
  return {
    ports: new Map(model.ports.map((p) => [p.id, p])),
    realms: new Map(model.realms.map((r) => [r.id, r])),
    realmFrom,
    channelAt: new Map(model.channels.map((c) => [c.id, c.createdAt])),
  };
}

/** The messages in time order: the model's array when it already is (build-model sorts it). */
function inTimeOrder(messages: readonly MessageModel[]): readonly MessageModel[] {
  for (let i = 1; i < messages.length; i++) {
    if (timeOfMessage(messages[i] as MessageModel) < timeOfMessage(messages[i - 1] as MessageModel)) {
      return messages.map((m, j) => ({ m, j })).sort((a, b) => timeOfMessage(a.m) - timeOfMessage(b.m) || a.j - b.j).map((x) => x.m);
    }
  }
  return messages;
}

/** Position of the last value ≤ t in an ascending array (-1: none). */
function lastAtOrBefore(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * A max-tree over the time each message settles, in time order: which messages of a prefix are not
 * yet as the model has them at t, without visiting the others.
 */
class SettleTree {
  private readonly size: number;
  private readonly max: Float64Array;
  constructor(settle: Float64Array) {
    let size = 1;
    while (size < settle.length) size *= 2;
    this.size = size;
    this.max = new Float64Array(2 * size).fill(-Infinity);
    this.max.set(settle, size);
    for (let i = size - 1; i >= 1; i--) this.max[i] = Math.max(this.max[2 * i] as number, this.max[2 * i + 1] as number);
  }
  /** Positions 0..last whose settle time is after t, ascending. */
  unsettled(last: number, t: number): number[] {
    const out: number[] = [];
    if (last >= 0) this.collect(1, 0, this.size - 1, last, t, out);
    return out;
  }
  private collect(node: number, lo: number, hi: number, last: number, t: number, out: number[]): void {
    if (lo > last || (this.max[node] as number) <= t) return;
    if (lo === hi) {
      out.push(lo);
      return;
    }
    const mid = (lo + hi) >>> 1;
    this.collect(2 * node, lo, mid, last, t, out);
    this.collect(2 * node + 1, mid + 1, hi, last, t, out);
  }
}

const STATUS_SLOT: Record<MessageStatus, number> = { delivered: 0, queued: 1, failed: 2, lost: 3, doomed: 4, 'in-flight': 5, 'dropped-origin': 6 };
const SLOTS = 8;
const AMBIGUOUS_SLOT = 7;
const isError = (s: MessageStatus): boolean => s === 'failed' || s === 'lost' || s === 'doomed' || s === 'dropped-origin';

/** Final status counts (and ambiguous) of the first k·CHECKPOINT messages, for every k. */
function statusCheckpoints(messages: readonly MessageModel[]): Int32Array {
  const n = Math.floor(messages.length / CHECKPOINT) + 1;
  const out = new Int32Array(n * SLOTS);
  const run = new Int32Array(SLOTS);
  for (let i = 0; i < messages.length; i++) {
    if (i % CHECKPOINT === 0) out.set(run, (i / CHECKPOINT) * SLOTS);
    countInto(run, messages[i] as MessageModel, 1);
  }
  if (messages.length % CHECKPOINT === 0) out.set(run, (messages.length / CHECKPOINT) * SLOTS);
  return out;
}

function countInto(counts: Int32Array, m: MessageModel, by: 1 | -1): void {
  const slot = STATUS_SLOT[m.status];
  counts[slot] = (counts[slot] as number) + by;
  if (m.ambiguous) counts[AMBIGUOUS_SLOT] = (counts[AMBIGUOUS_SLOT] as number) + by;
}

/** Totals of a view: its message counts, its gaps, and the final event counts. */
function totalsOf(final: Totals, counts: Int32Array, sent: number, gaps: readonly GapModel[]): Totals {
  let missing = 0;
  for (const g of gaps) missing += g.to - g.from + 1;
  return {
    ...final,
    sent,
    delivered: counts[0] as number,
    queued: counts[1] as number,
    failed: counts[2] as number,
    lost: counts[3] as number,
    doomed: counts[4] as number,
    inFlight: counts[5] as number,
    droppedOrigin: counts[6] as number,
    ambiguous: counts[AMBIGUOUS_SLOT] as number,
    gaps: gaps.length,
    missing,
  };
}

/** Everything of the model but its messages, as of t. */
export function structureAt(model: CaptureModel, t: number, facts: Facts): Pick<CaptureModel, 'realms' | 'ports' | 'channels' | 'gaps'> {
  const gaps = model.gaps.filter((g) => timeOfGap(g) <= t);
  const gapCounts = gapCountsAt(gaps);
  const realms = model.realms.filter((r) => realmThere(r, t, facts)).map((r) => realmAt(r, t, gapCounts.get(r.id) ?? NO_GAPS));
  const ports: PortModel[] = [];
  for (const p of model.ports) {
    const v = portAt(p, t, facts);
    if (v) ports.push(v);
  }
  const channels: ChannelModel[] = model.channels.filter((c) => c.createdAt <= t);
  return { realms, ports, channels, gaps };
}

/** The earliest and latest of the times noted (finite ones); `{ 0, 0 }` when none was. */
export class TimeSpan {
  private start = Infinity;
  private end = -Infinity;
  readonly note = (t: number | undefined): void => {
    if (t === undefined || !Number.isFinite(t)) return;
    if (t < this.start) this.start = t;
    if (t > this.end) this.end = t;
  };
  range(): { start: number; end: number } {
    return this.start === Infinity ? { start: 0, end: 0 } : { start: this.start, end: this.end };
  }
}

function timeRange(model: CaptureModel, messages: readonly MessageModel[], settle: Float64Array, facts: Facts): { start: number; end: number } {
  const span = new TimeSpan();
  const note = span.note;
  for (let i = 0; i < messages.length; i++) {
    note(timeOfMessage(messages[i] as MessageModel));
    note(settle[i]);
  }
  for (const t of facts.realmFrom.values()) note(t);
  for (const r of model.realms) note(r.goneAt);
  for (const p of model.ports) {
    note(p.lost?.at);
    for (const s of p.custody) for (const x of [s.from, s.to, s.startedAt, s.closedAt]) note(x);
  }
  for (const c of model.channels) note(c.createdAt);
  for (const g of model.gaps) note(timeOfGap(g));
  return span.range();
}

export function createPlayback(model: CaptureModel): Playback {
  const facts = factsOf(model);
  const messages = inTimeOrder(model.messages);
  const n = messages.length;
  const times = new Float64Array(n);
  const settle = new Float64Array(n);
  const errors: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = messages[i] as MessageModel;
    times[i] = timeOfMessage(m);
    settle[i] = settleTime(m, facts);
    if (isError(m.status)) errors.push(i);
  }
  const tree = new SettleTree(settle);
  const checkpoints = statusCheckpoints(messages);
  const { start, end } = timeRange(model, messages, settle, facts);
  let last: ModelAt | undefined;

  /** The counts of the final statuses of messages 0..index. */
  const finalCounts = (index: number): Int32Array => {
    const k = Math.floor((index + 1) / CHECKPOINT);
    const counts = checkpoints.slice(k * SLOTS, (k + 1) * SLOTS);
    for (let i = k * CHECKPOINT; i <= index; i++) countInto(counts, messages[i] as MessageModel, 1);
    return counts;
  };

  const view = (index: number, t: number): ModelAt => {
    if (last && last.index === index && last.t === t) return last;
    const unsettled = new Map<number, MessageModel>();
    const counts = finalCounts(index);
    for (const i of tree.unsettled(index, t)) {
      const m = messages[i] as MessageModel;
      const v = messageAt(m, t, facts);
      unsettled.set(i, v);
      countInto(counts, m, -1);
      countInto(counts, v, 1);
    }
    const structure = structureAt(model, t, facts);
    let shown: MessageModel[] | undefined;
    const at: ModelAt = {
      ...structure,
      get messages(): MessageModel[] {
        if (shown === undefined) {
          shown = messages.slice(0, index + 1);
          for (const [i, v] of unsettled) shown[i] = v;
        }
        return shown;
      },
      unsettled,
      totals: totalsOf(model.totals, counts, index + 1, structure.gaps),
      t,
      index,
    };
    last = at;
    return at;
  };

  const indexAt = (t: number): number => lastAtOrBefore(times, t);
  return {
    model,
    messages,
    start,
    end,
    at: (t) => view(indexAt(t), t),
    atMessage(index) {
      const i = Math.max(-1, Math.min(n - 1, Math.trunc(index)));
      return view(i, i < 0 ? start : (times[i] as number));
    },
    timeOf: (index) => times[index] ?? NaN,
    indexAt,
    nextMessage: (index) => (index + 1 < n ? Math.max(0, index + 1) : undefined),
    previousMessage: (index) => (index - 1 >= 0 ? Math.min(n - 1, index - 1) : undefined),
    nextError(index) {
      const k = lastAtOrBefore(errors, index) + 1;
      return errors[k];
    },
    previousError(index) {
      const k = lastAtOrBefore(errors, index - 1);
      return k >= 0 ? errors[k] : undefined;
    },
  };
}
