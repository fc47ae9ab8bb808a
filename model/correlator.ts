/**
 * The correlator: turns the event log of a tab (records of every realm, in arrival order, possibly
 * with gaps) into realms, channels, logical ports with their custody, and messages with a status.
 * The approach, the matching rules, the guards and the limits are in docs/correlation.md.
 *
 * Cost model: `append` does O(1) amortised work per record (map look-ups, pushes onto per-port
 * queues, advancing a FIFO pointer); a port join moves only the events of the joined part. `model()`
 * is O(size of the model) and memoised until the next append.
 *
 * Status `dropped-origin` (a `window.postMessage` whose `targetOrigin` did not match) is not
 * produced: such a message leaves no trace in the recording (docs/recording.md).
 */
import { FrameTree, type FrameRealm, type SourceResolution } from './correlate-frames';
import type { LogContext, LogGap, LogRecord } from './log';
import type {
  ChannelId,
  ErrorSummary,
  MessageFailedToDeserialize,
  MessageReceived,
  MessageSent,
  PortId,
  Preview,
  RealmId,
  RealmKind,
  Route,
} from './protocol';

// ── the model ───────────────────────────────────────────────────────────────

export type MessageStatus = 'delivered' | 'queued' | 'failed' | 'lost' | 'doomed' | 'in-flight';

/** Why a message has its status, when there is more to say than the status itself. */
export type StatusReason =
  | 'sendThrew'
  | 'undeserializable'
  | 'sendingPortClosed'
  | 'partnerClosed'
  | 'partnerLost'
  | 'realmGone'
  | 'notStarted'
  | 'awaitingReceipt'
  | 'inTransit'
  | 'receiverUninstrumented'
  | 'partnerUnknown'
  | 'broadcastUnmatched';

export interface GapModel {
  realm: RealmId;
  /** Missing sequence numbers, inclusive. */
  from: number;
  to: number;
  reason: LogGap['reason'];
  /** Time of the realm's last event before the gap and first event after it (timeline placement). */
  after?: number;
  before?: number;
}

export interface RealmModel {
  id: RealmId;
  kind: RealmKind | 'unknown';
  url?: string;
  origin?: string;
  /** The realm of the parent frame (frame tree), or for a worker the realm that created it. */
  parent?: RealmId;
  tabId?: number;
  frameId?: number;
  /** false for workers: no events come from inside them; they are known from their creator. */
  instrumented: boolean;
  startedAt?: number;
  /** When a later realm replaced it in its frame, or the background reported it gone. */
  goneAt?: number;
  events: number;
  gaps: number;
  /** Missing sequence numbers. */
  missing: number;
  faults: number;
}

export interface ChannelModel {
  id: ChannelId;
  createdIn: RealmId;
  createdAt: number;
  /** Logical port ids (port1, port2). */
  ports: [PortId, PortId];
}

export const CUSTODY_VIAS = ['created', 'port', 'window', 'worker', 'unknown'] as const;
export type CustodyVia = (typeof CUSTODY_VIAS)[number];

export interface CustodySpan {
  realm: RealmId;
  /** The port's local id in that realm (undefined in an uninstrumented realm: a worker). */
  localId?: PortId;
  from: number;
  /** When it left (transferred, or lost); undefined while it is held. */
  to?: number;
  /** How it got there. */
  via: CustodyVia;
  /** The join with the previous holder was inferred (no recorded send) … */
  inferred?: boolean;
  /** … and later traffic confirmed it. */
  confirmed?: boolean;
  /** The join could not be confirmed by the guards. */
  ambiguous?: boolean;
  started: boolean;
  closed: boolean;
}

export interface PortModel {
  /** The first local id the port had. */
  id: PortId;
  channel?: ChannelId;
  entangledWith?: PortId;
  custody: CustodySpan[];
  /** Started by its current holder. */
  started: boolean;
  closed: boolean;
  /** The port was discarded: it was the partner in a doomed message's transfer list, or it travelled
   *  in a message that went nowhere (doomed, or sent on or to a closed port). */
  lost?: { at: number; reason: 'doomed' | 'discarded' };
  /** Ports that arrived by a window/worker message and could be any of these (not joined). */
  candidates?: PortId[];
}

export interface TransferModel {
  kind: string;
  /** Logical port id, for a MessagePort. */
  port?: PortId;
  byteLength?: number;
}

export interface EventRef {
  realm: RealmId;
  seq: number;
  /** Arrival index in the log (0-based, over every record appended). */
  index: number;
}

export interface MessageModel {
  /** `${realm}#${seq}` of the send, or of the receipt when no send is recorded. */
  id: string;
  route: Route;
  fromRealm?: RealmId;
  toRealm?: RealmId;
  fromPort?: PortId;
  toPort?: PortId;
  channelName?: string;
  worker?: string;
  sentAt?: number;
  receivedAt?: number;
  latency?: number;
  status: MessageStatus;
  reason?: StatusReason;
  /** The guards could not confirm the match (or the sender): never silently assumed. */
  ambiguous: boolean;
  ambiguity?: string[];
  error?: ErrorSummary;
  transfers: TransferModel[];
  preview?: Preview;
  size?: number;
  send?: EventRef;
  receipt?: EventRef;
}

export interface Totals {
  /** Every message, once (with or without a recorded send): the sum of the statuses below. */
  sent: number;
  delivered: number;
  queued: number;
  failed: number;
  lost: number;
  doomed: number;
  inFlight: number;
  ambiguous: number;
  /** Gap records and missing sequence numbers over all realms. */
  gaps: number;
  missing: number;
  events: number;
  duplicates: number;
  faults: number;
}

export interface CaptureModel {
  realms: RealmModel[];
  channels: ChannelModel[];
  ports: PortModel[];
  messages: MessageModel[];
  gaps: GapModel[];
  totals: Totals;
}

/** One end of a custody step (see PortJoin). */
export interface JoinEnd {
  /** The port's local id in `realm` (made up, `worker:?n`, in an uninstrumented realm). */
  id: PortId;
  realm: RealmId;
  observed: boolean;
  /** Time and sequence number of its first event in `realm` (0 where unobserved). */
  t: number;
  seq: number;
}

/**
 * One step of a logical port's custody: `to` is the same port as `from`, moved on. A correlator built
 * anew over part of a log (the panel's rebuilds after a clear or an eviction) is given the joins whose
 * evidence — the message that carried the port — it no longer holds; it makes the others itself.
 */
export interface PortJoin {
  from: JoinEnd;
  to: JoinEnd;
  via: CustodyVia;
  inferred?: boolean;
  confirmed?: boolean;
  ambiguous?: boolean;
  /** When `from` left (the carrying send, or the arrival of an inferred join). */
  leftT?: number;
  /** The events that showed the join (the send and the receipt, or the receipt of an inferred one). */
  evidence: Array<{ realm: RealmId; seq: number }>;
}

export interface Correlator {
  /**
   * Adds records (arrival order) and the gaps the relay reported for them. `firstIndex` is the arrival
   * index of the first record (EventRef.index); by default indexes continue from the previous append.
   */
  append(records: readonly LogRecord[], gaps?: readonly LogGap[], firstIndex?: number): void;
  /**
   * Events of `realm` up to `seq` were left out on purpose (the log was cleared or paused, or they were
   * evicted by its bound): a later event after them is not a gap.
   */
  resume(realm: RealmId, seq: number): void;
  /** The background reported the realm's frame gone (not part of the log: see docs/correlation.md). */
  realmGone(realm: RealmId, at: number): void;
  /** Every custody step, each port's in order (builds the model first: inferred joins are made there). */
  joins(): PortJoin[];
  /**
   * Per port, how the pairs of its receipts with its partner's sends straddle a cut (each realm's
   * events up to `cutOf(realm)`): a correlator given only what follows must pair the receipts whose
   * sends were cut, and the sends whose receipts were, with nothing — held or still to come — or
   * every later pair on the port would be one off.
   */
  pairsCut(cutOf: (realm: RealmId) => number): CutPairs[];
  /**
   * Starts from what came before a cut (a clear, an eviction, a capture saved part-way), for a
   * correlator given only what follows: the scene's records (the sequence numbers between them were
   * cut, not lost), the custody steps made from events it will not hold, and the pairs that straddle
   * the cut. Call before any record.
   */
  startAfter(context: LogContext): void;
  model(): CaptureModel;
}

/** Of the traffic into `port` (a logical port id) after a cut, how many receipts, and how many sends
 *  to it, pair with an event that was cut. */
export interface CutPairs {
  port: PortId;
  receipts: number;
  sends: number;
}

/** Cross-process clocks are close but not equal: a receipt may read this much earlier than its send. */
export const CLOCK_SKEW_MS = 20;

// ── internal state ──────────────────────────────────────────────────────────

interface Realm {
  id: RealmId;
  kind?: RealmKind;
  url?: string;
  origin?: string;
  tabId?: number;
  frameId?: number;
  parentFrameId?: number;
  documentUrl?: string;
  instrumented: boolean;
  creator?: RealmId;
  startT?: number;
  firstT?: number;
  lastT: number;
  highestSeq: number;
  events: number;
  gaps: GapModel[];
  missing: number;
  /** Sequence numbers of `recorderFault` events (a send or receipt may be missing there). */
  faults: number[];
  locals: LocalPort[];
  goneAt?: number;
  pseudo: number;
}

interface LocalPort {
  id: PortId;
  realm: Realm;
  /** false: a port held by an uninstrumented realm (a worker); its id is made up. */
  observed: boolean;
  logical: Logical;
  /** Position in the root's custody. */
  index: number;
  firstT: number;
  firstSeq: number;
  via: CustodyVia;
  inferred?: boolean;
  confirmed?: boolean;
  ambiguousJoin?: boolean;
  startedT?: number;
  closedT?: number;
  lastActiveT: number;
  /** Carried away by a recorded send (or discarded by a doomed one). */
  leftT?: number;
  successor?: LocalPort;
  /** What showed its join to the previous holder (PortJoin.evidence). */
  joinedBy?: PortJoin['evidence'];
}

interface Logical {
  id: PortId;
  parent?: Logical;
  channel?: ChannelId;
  partner?: Logical;
  custody: LocalPort[];
  /** Deliverable sends from this port, in custody then sequence order. */
  out: SendRec[];
  /** Receipts on this port, in custody then sequence order. */
  in: RecvRec[];
  /** How many of `in` are paired with the partner's `out` (positional FIFO). */
  matched: number;
  /** A gap or fault may have hidden a send or receipt: every later pair is unconfirmed. */
  unsynced: boolean;
  /** Receipts still to come on this port whose sends were cut before this correlator's start, and
   *  sends still to come to it whose receipts were (pairsCut): they pair with nothing. */
  skipReceipts: number;
  skipSends: number;
  lost?: { at: number; reason: 'doomed' | 'discarded' };
  order: number;
}

interface SendRec {
  kind: 'send';
  ev: MessageSent;
  realm: Realm;
  index: number;
  local?: LocalPort;
  /** Transferred local ports (MessagePort items, in order). */
  ports: LocalPort[];
  match?: RecvRec;
  ambiguity?: string[];
  receipts?: RecvRec[];
  /** The message built from it while nothing could change it, and the epoch it was built at. Fields,
   *  not a WeakMap: a WeakMap of 100,000 entries is an ephemeron table that every major garbage
   *  collection iterates (measured: the panel's longest pauses while scrolling a large capture). */
  settled?: MessageModel;
  settledEpoch?: number;
  /** Its receipt is in the part of the log cut before this correlator's start (partnersCut). */
  receiptCut?: boolean;
}

interface RecvRec {
  kind: 'recv';
  ev: MessageReceived | MessageFailedToDeserialize;
  realm: Realm;
  index: number;
  local?: LocalPort;
  arrived: LocalPort[];
  match?: SendRec;
  inference?: { candidates: PortId[] };
  settled?: MessageModel;
  settledEpoch?: number;
  /** Its send is in the part of the log cut before this correlator's start (partnersCut). */
  sendCut?: boolean;
}

/** Sends and receipts in arrival order (tagged, not wrapped: one object per event, not two). */
type Item = SendRec | RecvRec;

/** Shared by every send and receipt that moves no port (most of them): an array each is 200,000
 *  arrays for the collector to walk in a large capture. Never pushed to: a port list is replaced. */
const NO_PORTS: LocalPort[] = [];
/** The transfer list of every message that transferred nothing (the model's readers never mutate it). */
const NO_TRANSFERS: TransferModel[] = [];

// ── the correlator ──────────────────────────────────────────────────────────

/**
 * A correlator over a saved log (a capture file being opened): its context first, then each realm's
 * sequence numbers before its first record marked as left out on purpose — a log saved after a clear
 * or an eviction starts part-way, which is not a loss unless one of the log's gaps says so — then the
 * records, with arrival indexes from `firstIndex`.
 */
export function correlateSaved(saved: { records: readonly LogRecord[]; gaps: readonly LogGap[]; context?: LogContext }, firstIndex = 0): Correlator {
  const c = createCorrelator();
  if (saved.context) {
    c.startAfter(saved.context);
  }
  const first = new Map<RealmId, number>();
  for (const r of saved.records) if (!first.has(r.realm)) first.set(r.realm, r.event.seq);
  for (const [realm, seq] of first) {
    // A gap the log names just before its first record is a loss; what comes before that gap was cut.
    const named = saved.gaps.find((g) => g.realm === realm && g.from <= seq - 1 && g.to >= seq - 1);
    const upTo = named ? named.from - 1 : seq - 1;
    if (upTo > 0) c.resume(realm, upTo);
  }
  c.append(saved.records, saved.gaps, firstIndex);
  return c;
}

export function createCorrelator(): Correlator {
  const realms = new Map<RealmId, Realm>();
  const locals = new Map<PortId, LocalPort>();
  const logicals: Logical[] = [];
  const channels: ChannelModel[] = [];
  const items: Item[] = [];
  /** Receipts that brought ports with no recorded send (window, worker): joined by inference. */
  const inferable: RecvRec[] = [];
  const broadcastSends = new Map<string, SendRec[]>();
  const broadcastRecvs: RecvRec[] = [];
  /** Gaps the relay reported, until the realm's events reach them. */
  const pendingGaps = new Map<RealmId, LogGap[]>();
  let index = 0;
  let duplicates = 0;
  let version = 0;
  let cached: { version: number; model: CaptureModel } | undefined;
  /**
   * Bumped by every change that can alter a message already built: a port join, pairs undone, a realm
   * appearing or changing its frame, a gap, a realm gone. A settled message (delivered on a port, or
   * failed at its send) built at the same epoch is taken from `settled` instead of being built again,
   * so a redraw during a flood costs little more than the new messages.
   */
  let epoch = 0;
  const settledAt = (x: SendRec | RecvRec): MessageModel | undefined => (x.settledEpoch === epoch ? x.settled : undefined);

  // ── realms and gaps ──

  function realmOf(id: RealmId): Realm {
    let r = realms.get(id);
    if (!r) {
      r = { id, instrumented: true, lastT: -Infinity, highestSeq: 0, events: 0, gaps: [], missing: 0, faults: [], locals: [], pseudo: 0 };
      realms.set(id, r);
      epoch++;
    }
    return r;
  }

  function workerRealm(id: string): Realm {
    const w = realmOf(id);
    w.instrumented = false;
    w.kind ??= 'worker';
    return w;
  }

  function addGap(r: Realm, from: number, to: number, reason: LogGap['reason']): void {
    if (to < from) return;
    epoch++;
    const gap: GapModel = { realm: r.id, from, to, reason };
    if (r.lastT > -Infinity) gap.after = r.lastT;
    r.gaps.push(gap);
    r.missing += to - from + 1;
    r.highestSeq = Math.max(r.highestSeq, to);
  }

  /** Accounts for everything before `seq` (the next event of `r`): reported gaps first, then unknown ones. */
  function advanceSeq(r: Realm, seq: number, t: number): void {
    const pending = pendingGaps.get(r.id);
    if (pending) {
      pending.sort((a, b) => a.from - b.from);
      const rest: LogGap[] = [];
      for (const g of pending) {
        if (g.to <= r.highestSeq) continue;
        if (g.from >= seq) {
          rest.push(g);
          continue;
        }
        const from = Math.max(g.from, r.highestSeq + 1);
        addGap(r, r.highestSeq + 1, from - 1, 'unknown');
        addGap(r, from, Math.min(g.to, seq - 1), g.reason);
      }
      if (rest.length > 0) pendingGaps.set(r.id, rest);
      else pendingGaps.delete(r.id);
    }
    if (seq > r.highestSeq + 1) addGap(r, r.highestSeq + 1, seq - 1, 'unknown');
    for (let i = r.gaps.length - 1; i >= 0 && r.gaps[i]!.before === undefined; i--) r.gaps[i]!.before = t;
    r.highestSeq = seq;
  }

  /** Is there a gap or a fault in `r` strictly between sequence numbers `lo` and `hi`? */
  function hiddenBetween(r: Realm, lo: number, hi: number): boolean {
    const gaps = r.gaps;
    // Gaps are in sequence order: binary search the first that ends after lo.
    let a = 0;
    let b = gaps.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (gaps[m]!.to > lo) b = m;
      else a = m + 1;
    }
    const g = gaps[a];
    if (g && g.from < hi) return true;
    const f = r.faults;
    a = 0;
    b = f.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (f[m]! > lo) b = m;
      else a = m + 1;
    }
    const fault = f[a];
    return fault !== undefined && fault < hi;
  }

  // ── ports ──

  function find(l: Logical): Logical {
    let root = l;
    while (root.parent) root = root.parent;
    while (l.parent && l.parent !== root) {
      const next: Logical = l.parent;
      l.parent = root;
      l = next;
    }
    return root;
  }

  function newLogical(id: PortId): Logical {
    const l: Logical = { id, custody: [], out: [], in: [], matched: 0, unsynced: false, skipReceipts: 0, skipSends: 0, order: logicals.length };
    logicals.push(l);
    return l;
  }

  function newLocal(id: PortId, realm: Realm, t: number, seq: number, via: CustodyVia, observed = true): LocalPort {
    const logical = newLogical(id);
    const local: LocalPort = { id, realm, observed, logical, index: 0, firstT: t, firstSeq: seq, via, lastActiveT: t };
    logical.custody.push(local);
    locals.set(id, local);
    realm.locals.push(local);
    return local;
  }

  function localOf(id: PortId, realm: Realm, t: number, seq: number): LocalPort {
    return locals.get(id) ?? newLocal(id, realm, t, seq, 'unknown');
  }

  const partnerOf = (l: Logical): Logical | undefined => (l.partner ? find(l.partner) : undefined);
  const rootOf = (p: LocalPort): Logical => find(p.logical);

  /** The custody key of an event: custody position, then sequence number. */
  const before = (a: { local?: LocalPort; ev: { seq: number } }, b: { local?: LocalPort; ev: { seq: number } }): boolean => {
    const ia = a.local?.index ?? 0;
    const ib = b.local?.index ?? 0;
    return ia < ib || (ia === ib && a.ev.seq < b.ev.seq);
  };

  /** Inserts in custody order; returns the position (nearly always the end). */
  function insertOrdered<T extends { local?: LocalPort; ev: { seq: number } }>(list: T[], item: T): number {
    let i = list.length;
    while (i > 0 && before(item, list[i - 1]!)) i--;
    if (i === list.length) list.push(item);
    else list.splice(i, 0, item);
    return i;
  }

  /**
   * Joins `arrived` (the first local of its logical port) after `from` (the last local of its own):
   * they are one logical port. Returns false when that cannot be (the guards refuse the join).
   */
  function join(
    from: LocalPort,
    arrived: LocalPort,
    via: CustodyVia,
    flags: { inferred?: boolean; confirmed?: boolean; ambiguous?: boolean },
    evidence: PortJoin['evidence'],
  ): boolean {
    const r = rootOf(from);
    const p = rootOf(arrived);
    if (r === p || from.successor || r.custody[r.custody.length - 1] !== from || p.custody[0] !== arrived) return false;
    epoch++;
    from.successor = arrived;
    arrived.via = via;
    arrived.joinedBy = evidence;
    if (flags.inferred) arrived.inferred = true;
    if (flags.confirmed) arrived.confirmed = true;
    if (flags.ambiguous) arrived.ambiguousJoin = true;
    const offset = r.custody.length;
    for (const c of p.custody) {
      c.index += offset;
      r.custody.push(c);
    }
    p.custody = [];
    for (const s of p.out) r.out.push(s);
    for (const s of p.in) r.in.push(s);
    p.out = [];
    p.in = [];
    p.parent = r;
    r.skipReceipts += p.skipReceipts;
    r.skipSends += p.skipSends;
    if (!r.partner && p.partner) r.partner = p.partner;
    if (!r.channel && p.channel) r.channel = p.channel;
    if (!r.lost && p.lost) r.lost = p.lost;
    advance(r);
    const q = partnerOf(r);
    if (q) advance(q);
    return true;
  }

  // ── FIFO matching per direction ──

  const portCount = (s: SendRec): number => s.ports.length;

  /** Pairs the receipts of `y` with the sends of its partner, in order, as far as both go. */
  function advance(y: Logical): void {
    const x = partnerOf(y);
    if (!x) return;
    const n = Math.min(x.out.length, y.in.length);
    while (y.matched < n) {
      const k = y.matched++;
      pair(x, y, k);
    }
  }

  function pair(x: Logical, y: Logical, k: number): void {
    const s = x.out[k]!;
    const r = y.in[k]!;
    s.match = r;
    r.match = s;
    const reasons: string[] = [];
    // A gap or fault between this pair and the previous one, on either side, may hide one of them.
    if (!y.unsynced) {
      const prevS = x.out[k - 1];
      const prevR = y.in[k - 1];
      const sLo = prevS && prevS.local === s.local ? prevS.ev.seq : (s.local?.firstSeq ?? 0) - 1;
      const rLo = prevR && prevR.local === r.local ? prevR.ev.seq : (r.local?.firstSeq ?? 0) - 1;
      if (hiddenBetween(s.realm, sLo, s.ev.seq) || hiddenBetween(r.realm, rLo, r.ev.seq)) y.unsynced = true;
    }
    if (y.unsynced) reasons.push('gap');
    // A holder that is not instrumented may have sent or received messages we never saw.
    if (hasUnobservedBefore(x, s.local) || hasUnobservedBefore(y, r.local)) reasons.push('uninstrumentedHolder');
    const arrivedCount = r.ev.type === 'messageReceived' ? r.ev.ports.length : portCount(s);
    if (arrivedCount !== portCount(s)) reasons.push('portCount');
    if (r.ev.t < s.ev.t - CLOCK_SKEW_MS) reasons.push('receivedBeforeSent');
    const rSize = r.ev.type === 'messageReceived' ? r.ev.size : undefined;
    if (s.ev.size !== undefined && rSize !== undefined && !s.ev.sizeCapped && r.ev.type === 'messageReceived' && !r.ev.sizeCapped && s.ev.size !== rSize) reasons.push('size');
    if (reasons.length > 0) s.ambiguity = reasons;
    // The ports that travelled: transfer[i] arrived as ports[i].
    if (r.ev.type === 'messageReceived' && arrivedCount === portCount(s)) {
      for (let i = 0; i < s.ports.length; i++) {
        const a = r.arrived[i];
        const evidence = [{ realm: s.realm.id, seq: s.ev.seq }, { realm: r.realm.id, seq: r.ev.seq }];
        if (a) join(s.ports[i]!, a, 'port', reasons.length > 0 ? { ambiguous: true } : {}, evidence);
      }
    }
  }

  function hasUnobservedBefore(l: Logical, local: LocalPort | undefined): boolean {
    if (!local) return false;
    for (let i = 0; i < local.index; i++) if (!l.custody[i]!.observed) return true;
    return false;
  }

  // ── events ──

  function onSend(rec: LogRecord, r: Realm, ev: MessageSent): void {
    const s: SendRec = { kind: 'send', ev, realm: r, index, ports: NO_PORTS };
    items.push(s);
    for (const item of ev.transfer) {
      if (item.kind === 'MessagePort' && 'port' in item) {
        const p = localOf(item.port, r, ev.t, ev.seq);
        p.lastActiveT = ev.t;
        if (s.ports === NO_PORTS) s.ports = [];
        s.ports.push(p);
      }
    }
    // A send that did not throw detaches what it transfers, even when the message then goes nowhere.
    const moved = !ev.error;
    if (moved) for (const p of s.ports) p.leftT = ev.t;
    if (moved && ev.outcome !== 'posted') {
      // Doomed (the partner was in the transfer list) or sent from/to a closed port: the message and
      // every port it carried are discarded.
      for (const p of s.ports) rootOf(p).lost ??= { at: ev.t, reason: ev.outcome === 'doomed' ? 'doomed' : 'discarded' };
    }
    switch (ev.route) {
      case 'port': {
        if (ev.port === undefined) return;
        const local = localOf(ev.port, r, ev.t, ev.seq);
        local.lastActiveT = ev.t;
        s.local = local;
        if (ev.error || ev.outcome !== 'posted') return;
        const x = rootOf(local);
        const y = partnerOf(x);
        // Received before the cut (pairsCut): it pairs with no receipt here, nor takes another's place.
        if (y && y.skipSends > 0) {
          y.skipSends--;
          s.receiptCut = true;
          return;
        }
        const at = insertOrdered(x.out, s);
        if (y) advanceFrom(y, at);
        return;
      }
      case 'worker': {
        if (!moved || ev.worker === undefined) return;
        // Ports given to a worker: their custody moves into the (uninstrumented) worker realm.
        const w = workerRealm(ev.worker);
        for (const p of s.ports) {
          // Already moved on by a join carried over from an earlier correlator (PortJoin).
          if (p.successor) continue;
          const pseudo = newLocal(`${w.id}:?${++w.pseudo}`, w, ev.t, 0, 'worker', false);
          join(p, pseudo, 'worker', {}, [{ realm: r.id, seq: ev.seq }]);
        }
        return;
      }
      case 'broadcast': {
        if (ev.error || ev.channelName === undefined) return;
        const k = `${r.origin ?? ''}|${ev.channelName}`;
        const list = broadcastSends.get(k) ?? [];
        list.push(s);
        broadcastSends.set(k, list);
        return;
      }
      case 'window':
        return;
    }
  }

  /** After inserting at position `i` of a queue of the direction into `y`: re-pair from there if it
   *  landed before pairs already made (a late batch), then pair as far as possible. */
  function advanceFrom(y: Logical, i: number): void {
    if (i < y.matched) {
      epoch++;
      // Joins already made from the undone pairs stay; every pair from here on is marked unconfirmed.
      const x = partnerOf(y);
      for (let k = i; k < y.in.length; k++) y.in[k]!.match = undefined;
      if (x) {
        for (let k = i; k < x.out.length; k++) {
          x.out[k]!.match = undefined;
          x.out[k]!.ambiguity = undefined;
        }
      }
      y.matched = i;
      y.unsynced = true;
    }
    advance(y);
  }

  function onReceive(rec: LogRecord, r: Realm, ev: MessageReceived | MessageFailedToDeserialize): void {
    const recv: RecvRec = { kind: 'recv', ev, realm: r, index, arrived: NO_PORTS };
    items.push(recv);
    const via: CustodyVia = ev.route === 'port' ? 'port' : ev.route === 'worker' ? 'worker' : ev.route === 'window' ? 'window' : 'unknown';
    if (ev.type === 'messageReceived') {
      for (const id of ev.ports) {
        const known = locals.get(id);
        if (recv.arrived === NO_PORTS) recv.arrived = [];
        recv.arrived.push(known ?? newLocal(id, r, ev.t, ev.seq, via));
      }
    }
    switch (ev.route) {
      case 'port': {
        if (ev.port === undefined) return;
        const local = localOf(ev.port, r, ev.t, ev.seq);
        local.lastActiveT = ev.t;
        recv.local = local;
        const y = rootOf(local);
        // Sent before the cut (pairsCut): it pairs with no send here, nor takes another's place.
        if (y.skipReceipts > 0) {
          y.skipReceipts--;
          recv.sendCut = true;
          return;
        }
        advanceFrom(y, insertOrdered(y.in, recv));
        return;
      }
      case 'worker':
        if (ev.worker !== undefined) workerRealm(ev.worker);
        if (recv.arrived.length > 0) inferable.push(recv);
        return;
      case 'window':
        if (recv.arrived.length > 0) inferable.push(recv);
        return;
      case 'broadcast':
        broadcastRecvs.push(recv);
        return;
    }
  }

  function onRecord(rec: LogRecord): void {
    const ev = rec.event;
    const r = realmOf(rec.realm);
    if (!(ev.seq > r.highestSeq)) {
      duplicates++;
      return;
    }
    advanceSeq(r, ev.seq, ev.t);
    r.events++;
    if (r.tabId !== rec.tabId || r.frameId !== rec.frameId || (rec.parentFrameId !== undefined && r.parentFrameId !== rec.parentFrameId)) epoch++;
    r.tabId = rec.tabId;
    r.frameId = rec.frameId;
    if (rec.parentFrameId !== undefined) r.parentFrameId = rec.parentFrameId;
    if (rec.url !== undefined) r.documentUrl = rec.url;
    r.firstT ??= ev.t;
    if (ev.t > r.lastT) r.lastT = ev.t;
    switch (ev.type) {
      case 'realmStarted':
        epoch++;
        r.kind = ev.kind;
        r.url = ev.url;
        r.origin = ev.origin;
        r.startT = ev.t;
        break;
      case 'channelCreated': {
        const a = newLocal(ev.port1, r, ev.t, ev.seq, 'created');
        const b = newLocal(ev.port2, r, ev.t, ev.seq, 'created');
        a.logical.partner = b.logical;
        b.logical.partner = a.logical;
        a.logical.channel = ev.channel;
        b.logical.channel = ev.channel;
        channels.push({ id: ev.channel, createdIn: r.id, createdAt: ev.t, ports: [ev.port1, ev.port2] });
        break;
      }
      case 'messageSent':
        onSend(rec, r, ev);
        break;
      case 'messageReceived':
      case 'messageUndeserializable':
        onReceive(rec, r, ev);
        break;
      case 'portStarted': {
        const p = localOf(ev.port, r, ev.t, ev.seq);
        p.startedT ??= ev.t;
        p.lastActiveT = ev.t;
        break;
      }
      case 'portClosed': {
        const p = localOf(ev.port, r, ev.t, ev.seq);
        p.closedT ??= ev.t;
        p.lastActiveT = ev.t;
        break;
      }
      case 'workerCreated': {
        epoch++;
        const w = workerRealm(ev.worker);
        w.url = ev.url;
        w.origin = workerOrigin(ev.url, r.origin);
        w.creator = r.id;
        w.startT = ev.t;
        w.firstT = ev.t;
        break;
      }
      case 'recorderFault':
        if (ev.during === 'send' || ev.during === 'receipt') r.faults.push(ev.seq);
        break;
    }
  }

  // ── inference of ports that arrived with no recorded send ──

  /** Sends from `c`'s partner not received on `c`, or receipts on it not sent by `c`: traffic the
   *  arrived port must account for if it is `c`. */
  /**
   * The stronger half of `trafficConfirms`: the candidate's partner has receipts no recorded send
   * explains, and the arrived port's sends can (its first send comes before the first such receipt).
   * Unexplained sends are common (a port never started keeps them queued); unexplained receipts in an
   * instrumented realm are not, so a candidate that explains them is the better one.
   */
  function explainsReceipts(c: LocalPort, arrived: LocalPort): boolean {
    const cr = rootOf(c);
    const ar = rootOf(arrived);
    const q = partnerOf(cr);
    if (!q || ar.out.length === 0 || q.in.length <= cr.out.length) return false;
    const firstUnexplained = q.in[cr.out.length];
    const firstSend = ar.out[0];
    return firstUnexplained !== undefined && firstSend !== undefined && firstSend.ev.t <= firstUnexplained.ev.t + CLOCK_SKEW_MS;
  }

  function trafficConfirms(c: LocalPort, arrived: LocalPort): boolean {
    const cr = rootOf(c);
    const ar = rootOf(arrived);
    const q = partnerOf(cr);
    if (!q) return false;
    const out = ar.out.length > 0 && q.in.length > cr.out.length;
    const inn = ar.in.length > 0 && q.out.length > cr.in.length;
    return out || inn;
  }

  /**
   * A port joined to its only candidate before any traffic is a guess; traffic through it afterwards
   * (a send from it that its partner received, or a receipt on it) confirms the guess, as the same
   * traffic would have made the join confirmed had it arrived before the inference ran.
   */
  function confirmInferredJoins(): void {
    for (const recv of inferable) {
      for (const a of recv.arrived) {
        if (!a.inferred || a.confirmed) continue;
        const root = rootOf(a);
        if (trafficThrough(root.out, a) || trafficThrough(root.in, a)) {
          a.confirmed = true;
          epoch++;
        }
      }
    }
  }

  /** Is one of `list` (custody-ordered) a matched event of local `a`? Looks only at a's part (the tail). */
  function trafficThrough(list: readonly (SendRec | RecvRec)[], a: LocalPort): boolean {
    for (let i = list.length - 1; i >= 0; i--) {
      const x = list[i]!;
      const at = x.local?.index ?? 0;
      if (at < a.index) return false;
      if (x.local === a && x.match) return true;
    }
    return false;
  }

  function inferArrivals(sender: Realm | undefined, recv: RecvRec): void {
    const open = recv.arrived.filter((a) => a.index === 0 && rootOf(a).custody[0] === a && !a.inferred);
    if (open.length === 0) {
      recv.inference = undefined;
      return;
    }
    if (!sender) {
      recv.inference = { candidates: [] };
      return;
    }
    // Decide only once the sender's own log has reached the receipt: its earlier ports are known.
    if (sender.instrumented && sender.lastT < recv.ev.t - CLOCK_SKEW_MS) return;
    const t = recv.ev.t;
    const all: PortId[] = [];
    for (const a of open) {
      const cands = sender.locals.filter((c) => {
        const root = rootOf(c);
        if (root === rootOf(a) || root.lost || c.successor || root.custody[root.custody.length - 1] !== c) return false;
        if (c.observed !== sender.instrumented || c.leftT !== undefined) return false;
        if (c.firstT > t + CLOCK_SKEW_MS || (c.closedT !== undefined && c.closedT <= t)) return false;
        // A port that moved is never used again where it was (no skew allowance: later activity excludes).
        return !sender.instrumented || c.lastActiveT <= t;
      });
      const confirmed = cands.filter((c) => trafficConfirms(c, a));
      let chosen: LocalPort | undefined;
      let sure = false;
      if (confirmed.length === 1) {
        chosen = confirmed[0];
        sure = true;
      } else if (confirmed.length > 1) {
        // Several candidates have traffic that fits; one that explains receipts nothing else can wins.
        const explaining = confirmed.filter((c) => explainsReceipts(c, a));
        if (explaining.length === 1) chosen = explaining[0];
      } else if (cands.length === 1 && open.length === 1 && sender.instrumented) chosen = cands[0];
      if (chosen && join(chosen, a, a.via, { inferred: true, confirmed: sure }, [{ realm: recv.realm.id, seq: recv.ev.seq }])) {
        chosen.leftT = t;
        continue;
      }
      for (const c of cands) all.push(rootOf(c).id);
    }
    recv.inference = all.length > 0 ? { candidates: [...new Set(all)] } : undefined;
  }

  // ── the model ──

  function frameRealms(): Map<RealmId, FrameRealm> {
    const out = new Map<RealmId, FrameRealm>();
    for (const r of realms.values()) {
      if (r.frameId === undefined || r.tabId === undefined || !r.instrumented) continue;
      const f: FrameRealm = { id: r.id, tabId: r.tabId, frameId: r.frameId, startT: r.startT ?? r.firstT ?? 0 };
      if (r.parentFrameId !== undefined) f.parentFrameId = r.parentFrameId;
      if (r.origin !== undefined) f.origin = r.origin;
      out.set(r.id, f);
    }
    return out;
  }

  function build(): CaptureModel {
    const frames = frameRealms();
    const tree = new FrameTree(frames.values());
    const goneAt = (r: Realm): number | undefined => {
      const f = frames.get(r.id);
      const replaced = f ? tree.replacedAt(f) : undefined;
      if (r.goneAt !== undefined && replaced !== undefined) return Math.min(r.goneAt, replaced);
      return r.goneAt ?? replaced;
    };
    const sourceOf = (recv: RecvRec): SourceResolution => {
      const ev = recv.ev;
      if (ev.route === 'worker') return ev.worker !== undefined ? { realm: ev.worker } : { unknown: 'frameUnknown' };
      if (ev.type !== 'messageReceived' || ev.source === undefined) return { unknown: 'none' };
      const f = frames.get(recv.realm.id);
      if (!f) return { unknown: 'frameUnknown' };
      return tree.resolve(f, ev.source, ev.childIndex, ev.origin, ev.t);
    };

    // Ports that arrived with no recorded send: infer, in arrival order (joins made here stay).
    for (const recv of inferable) {
      const src = sourceOf(recv);
      inferArrivals(src.realm !== undefined && !src.ambiguous ? realms.get(src.realm) : undefined, recv);
    }
    confirmInferredJoins();

    // Broadcast: FIFO per receiving realm when one realm of that origin sent on that name.
    const bcast = new Map<SendRec, RecvRec[]>();
    const bcastMatched = new Set<RecvRec>();
    const bcastAmbiguous = new Set<RecvRec>();
    {
      const perReceiver = new Map<string, number>();
      for (const recv of broadcastRecvs) {
        const ev = recv.ev;
        if (ev.channelName === undefined) continue;
        const sends = broadcastSends.get(`${ev.origin}|${ev.channelName}`) ?? [];
        const senders = new Set(sends.map((s) => s.realm));
        if (senders.size !== 1) {
          if (senders.size > 1) bcastAmbiguous.add(recv);
          continue;
        }
        const k = `${recv.realm.id}|${ev.origin}|${ev.channelName}`;
        const i = perReceiver.get(k) ?? 0;
        const s = sends[i];
        if (!s || s.ev.t > ev.t + CLOCK_SKEW_MS) continue;
        perReceiver.set(k, i + 1);
        const list = bcast.get(s) ?? [];
        list.push(recv);
        bcast.set(s, list);
        bcastMatched.add(recv);
      }
    }

    const realmModels: RealmModel[] = [];
    const allGaps: GapModel[] = [];
    let missing = 0;
    let faults = 0;
    let events = 0;
    for (const r of realms.values()) {
      const f = frames.get(r.id);
      const parent = r.creator ?? (f ? tree.parentOf(f)?.id : undefined);
      const m: RealmModel = {
        id: r.id,
        kind: r.kind ?? 'unknown',
        instrumented: r.instrumented,
        events: r.events,
        gaps: r.gaps.length,
        missing: r.missing,
        faults: r.faults.length,
      };
      if (r.url !== undefined || r.documentUrl !== undefined) m.url = r.url ?? r.documentUrl;
      if (r.origin !== undefined) m.origin = r.origin;
      if (parent !== undefined) m.parent = parent;
      if (r.tabId !== undefined) m.tabId = r.tabId;
      if (r.frameId !== undefined && r.instrumented) m.frameId = r.frameId;
      const start = r.startT ?? r.firstT;
      if (start !== undefined) m.startedAt = start;
      const gone = goneAt(r);
      if (gone !== undefined) m.goneAt = gone;
      realmModels.push(m);
      for (const g of r.gaps) allGaps.push({ ...g });
      missing += r.missing;
      faults += r.faults.length;
      events += r.events;
    }
    allGaps.sort((a, b) => (a.after ?? a.before ?? 0) - (b.after ?? b.before ?? 0));
    const realmGone = new Map<RealmId, number | undefined>();
    const goneOf = (r: Realm): number | undefined => {
      if (!realmGone.has(r.id)) realmGone.set(r.id, goneAt(r));
      return realmGone.get(r.id);
    };

    const portModels: PortModel[] = [];
    const candidatesOf = new Map<PortId, PortId[]>();
    for (const recv of inferable) {
      if (!recv.inference) continue;
      for (const a of recv.arrived) if (a.index === 0 && !a.inferred) candidatesOf.set(rootOf(a).id, recv.inference.candidates);
    }
    for (const l of logicals) {
      if (l.parent) continue;
      const custody: CustodySpan[] = l.custody.map((c, i) => {
        const span: CustodySpan = { realm: c.realm.id, from: c.firstT, via: c.via, started: c.startedT !== undefined, closed: c.closedT !== undefined };
        if (c.observed) span.localId = c.id;
        const next = l.custody[i + 1];
        const to = c.leftT ?? next?.firstT;
        if (to !== undefined) span.to = to;
        else if (l.lost) span.to = l.lost.at;
        if (c.inferred) span.inferred = true;
        if (c.confirmed) span.confirmed = true;
        if (c.ambiguousJoin) span.ambiguous = true;
        return span;
      });
      const last = l.custody[l.custody.length - 1];
      const p: PortModel = {
        id: l.id,
        custody,
        started: last?.startedT !== undefined,
        closed: l.custody.some((c) => c.closedT !== undefined),
      };
      if (l.channel !== undefined) p.channel = l.channel;
      const q = partnerOf(l);
      if (q) p.entangledWith = q.id;
      if (l.lost) p.lost = l.lost;
      const cands = candidatesOf.get(l.id);
      if (cands && cands.length > 0) p.candidates = cands;
      portModels.push(p);
    }

    // The holder of a logical port at time t (for receipts with no recorded send).
    const holderAt = (l: Logical, t: number): LocalPort | undefined => {
      let h = l.custody[0];
      for (const c of l.custody) if (c.firstT <= t + CLOCK_SKEW_MS) h = c;
      return h;
    };

    /** Status of a deliverable port send that no receipt matches (yet). */
    const unmatchedPortStatus = (x: Logical): { status: MessageStatus; reason: StatusReason } => {
      const y = partnerOf(x);
      if (!y) return { status: 'in-flight', reason: 'partnerUnknown' };
      if (y.lost) return { status: 'lost', reason: 'partnerLost' };
      const holder = y.custody[y.custody.length - 1];
      if (!holder) return { status: 'in-flight', reason: 'partnerUnknown' };
      if (y.custody.some((c) => c.closedT !== undefined)) return { status: 'lost', reason: 'partnerClosed' };
      if (!holder.realm.instrumented) return { status: 'in-flight', reason: 'receiverUninstrumented' };
      if (goneOf(holder.realm) !== undefined) return { status: 'lost', reason: 'realmGone' };
      if (holder.leftT !== undefined) return { status: 'in-flight', reason: 'inTransit' };
      if (holder.startedT === undefined) return { status: 'queued', reason: 'notStarted' };
      return { status: 'in-flight', reason: 'awaitingReceipt' };
    };

    const transfersOfSend = (s: SendRec): TransferModel[] => {
      if (s.ev.transfer.length === 0) return NO_TRANSFERS;
      let i = 0;
      return s.ev.transfer.map((t) => {
        const m: TransferModel = { kind: t.kind };
        if (t.kind === 'MessagePort') {
          const p = s.ports[i++];
          if (p) m.port = rootOf(p).id;
        } else if ('byteLength' in t && typeof t.byteLength === 'number') m.byteLength = t.byteLength;
        return m;
      });
    };

    const ref = (x: { realm: Realm; ev: { seq: number }; index: number }): EventRef => ({ realm: x.realm.id, seq: x.ev.seq, index: x.index });

    const fillReceipt = (m: MessageModel, r: RecvRec): void => {
      m.receivedAt = r.ev.t;
      m.receipt = ref(r);
      if (r.local) {
        m.toPort = rootOf(r.local).id;
        m.toRealm = r.realm.id;
      } else m.toRealm = r.realm.id;
      if (r.ev.type === 'messageReceived') {
        m.preview = r.ev.preview;
        if (r.ev.size !== undefined) m.size = r.ev.size;
      } else {
        m.status = 'failed';
        m.reason = 'undeserializable';
        m.error = { name: 'messageerror', message: 'the receiver could not deserialize the message' };
      }
    };

    const messages: MessageModel[] = [];
    for (const item of items) {
      if (item.kind === 'send') {
        const s = item;
        const known = settledAt(s);
        if (known) {
          messages.push(known);
          continue;
        }
        const ev = s.ev;
        const m: MessageModel = { id: `${s.realm.id}#${ev.seq}`, route: ev.route, fromRealm: s.realm.id, sentAt: ev.t, status: 'in-flight', ambiguous: false, transfers: transfersOfSend(s), send: ref(s) };
        if (ev.preview !== undefined) m.preview = ev.preview;
        if (ev.size !== undefined) m.size = ev.size;
        if (ev.channelName !== undefined) m.channelName = ev.channelName;
        if (ev.worker !== undefined) m.worker = ev.worker;
        if (s.local) m.fromPort = rootOf(s.local).id;
        if (ev.error) {
          m.status = 'failed';
          m.reason = 'sendThrew';
          m.error = ev.error;
        } else if (ev.outcome === 'doomed') m.status = 'doomed';
        else if (ev.outcome === 'portClosed') {
          m.status = 'lost';
          m.reason = 'sendingPortClosed';
        } else if (ev.outcome === 'partnerClosed') {
          m.status = 'lost';
          m.reason = 'partnerClosed';
        } else if (ev.route === 'port' && s.local) {
          const x = rootOf(s.local);
          const y = partnerOf(x);
          if (y) m.toPort = y.id;
          if (s.match) {
            m.status = 'delivered';
            fillReceipt(m, s.match);
          } else if (s.receiptCut) {
            // Delivered: its receipt was in the part of the log that was cleared or evicted.
            m.status = 'delivered';
            const holder = y?.custody[y.custody.length - 1];
            if (holder) m.toRealm = holder.realm.id;
          } else {
            const st = unmatchedPortStatus(x);
            m.status = st.status;
            m.reason = st.reason;
            const holder = y?.custody[y.custody.length - 1];
            if (holder) m.toRealm = holder.realm.id;
          }
        } else if (ev.route === 'worker') {
          m.reason = 'receiverUninstrumented';
          if (ev.worker !== undefined) m.toRealm = ev.worker;
        } else if (ev.route === 'broadcast') {
          const rs = bcast.get(s);
          const first = rs?.[0];
          if (first) {
            m.status = 'delivered';
            fillReceipt(m, first);
            if (rs.length > 1) m.toRealm = undefined;
          } else m.reason = 'broadcastUnmatched';
        }
        if (m.receivedAt !== undefined && m.sentAt !== undefined) m.latency = m.receivedAt - m.sentAt;
        if (s.ambiguity) {
          m.ambiguous = true;
          m.ambiguity = s.ambiguity;
        }
        // "Queued" rests on the partner never having been started where it was last seen. A port sent
        // away by window.postMessage leaves no trace at the sender, so while some port arrival in the
        // log is still unexplained, the partner may have moved: say so rather than assume it.
        if (m.status === 'queued' && candidatesOf.size > 0) {
          m.ambiguous = true;
          m.ambiguity = [...(m.ambiguity ?? []), 'partnerMayHaveMoved'];
        }
        // Settled: nothing but an epoch change (join, undone pairs, realms) can alter it any more.
        if (ev.route !== 'broadcast' && (s.match || s.receiptCut || ev.error || ev.outcome !== 'posted')) {
          s.settled = m;
          s.settledEpoch = epoch;
        }
        messages.push(m);
        continue;
      }
      const r = item;
      if (r.match || bcastMatched.has(r)) continue;
      const known = settledAt(r);
      if (known) {
        messages.push(known);
        continue;
      }
      // A receipt no recorded send accounts for: a window message, a worker's message, or a port
      // message from a holder that is not instrumented (or whose send fell in a gap).
      const ev = r.ev;
      const m: MessageModel = { id: `${r.realm.id}#${ev.seq}`, route: ev.route, status: 'delivered', ambiguous: false, transfers: r.arrived.length === 0 ? NO_TRANSFERS : r.arrived.map((a) => ({ kind: 'MessagePort', port: rootOf(a).id })) };
      fillReceipt(m, r);
      if (ev.channelName !== undefined) m.channelName = ev.channelName;
      if (ev.worker !== undefined) m.worker = ev.worker;
      const ambiguity: string[] = [];
      if (ev.route === 'port' && r.local) {
        const y = rootOf(r.local);
        const x = partnerOf(y);
        if (x) {
          m.fromPort = x.id;
          const h = holderAt(x, ev.t);
          if (h) m.fromRealm = h.realm.id;
          // A send cut from the log (cleared or evicted) was recorded: nothing is in doubt.
          if (h?.realm.instrumented && !r.sendCut) ambiguity.push('sendNotRecorded');
        } else ambiguity.push('partnerUnknown');
      } else if (ev.route === 'window' || ev.route === 'worker') {
        const src = sourceOf(r);
        if (src.realm !== undefined) m.fromRealm = src.realm;
        if (src.ambiguous) ambiguity.push(...src.ambiguous.map((a) => `source:${a}`));
      } else if (bcastAmbiguous.has(r)) ambiguity.push('severalSenders');
      if (r.inference && r.inference.candidates.length > 0) ambiguity.push('transferredPorts');
      // A port joined to its only candidate, with no traffic yet to confirm it: a guess, so say so.
      else if (r.arrived.some((a) => a.inferred && !a.confirmed)) ambiguity.push('transferInferred');
      if (ambiguity.length > 0) {
        m.ambiguous = true;
        m.ambiguity = ambiguity;
      }
      // A receipt no send accounts for yet: settled only when it brought no ports (whose inference may
      // still change) and is not a broadcast (matched in this build, by the sends seen so far).
      if (ev.route !== 'broadcast' && r.arrived.length === 0 && r.inference === undefined) {
        r.settled = m;
        r.settledEpoch = epoch;
      }
      messages.push(m);
    }
    messages.sort((a, b) => (a.sentAt ?? a.receivedAt ?? 0) - (b.sentAt ?? b.receivedAt ?? 0));

    const totals: Totals = {
      sent: messages.length,
      delivered: 0,
      queued: 0,
      failed: 0,
      lost: 0,
      doomed: 0,
      inFlight: 0,
      ambiguous: 0,
      gaps: allGaps.length,
      missing,
      events,
      duplicates,
      faults,
    };
    for (const m of messages) {
      if (m.ambiguous) totals.ambiguous++;
      switch (m.status) {
        case 'delivered':
          totals.delivered++;
          break;
        case 'queued':
          totals.queued++;
          break;
        case 'failed':
          totals.failed++;
          break;
        case 'lost':
          totals.lost++;
          break;
        case 'doomed':
          totals.doomed++;
          break;
        case 'in-flight':
          totals.inFlight++;
          break;
      }
    }
    return { realms: realmModels, channels: channels.map((c) => ({ ...c, ports: [rootIdOf(c.ports[0]), rootIdOf(c.ports[1])] })), ports: portModels, messages, gaps: allGaps, totals };
  }

  const rootIdOf = (id: PortId): PortId => {
    const l = locals.get(id);
    return l ? rootOf(l).id : id;
  };

  /** The scene before a cut (LogContext.records): seqs between its records were cut, not lost. */
  function sceneBefore(records: readonly LogRecord[]): void {
    const saved = index;
    index = -1;
    for (const rec of records) {
      // Whatever came between two scene-setting records was left out with the rest of the cut.
      const r = realmOf(rec.realm);
      if (rec.event.seq - 1 > r.highestSeq) r.highestSeq = rec.event.seq - 1;
      // Not an event of the log: the realm's count (and the totals) are of the log's events.
      const events = r.events;
      onRecord(rec);
      r.events = events;
    }
    index = saved;
  }

  /** Custody steps an earlier correlator made from events this one will not be given. */
  function joinsBefore(joins: readonly PortJoin[]): void {
    /** The end's port, made if new; undefined for an end that contradicts what is known (a step from
     *  a hostile file: a port of another realm, a made-up id in an instrumented realm). */
    const localOfEnd = (e: JoinEnd, via: CustodyVia): LocalPort | undefined => {
      const known = locals.get(e.id);
      if (known) return known.realm.id === e.realm && known.observed === e.observed ? known : undefined;
      if (e.observed) return newLocal(e.id, realmOf(e.realm), e.t, e.seq, via, true);
      const made = /:\?(\d{1,6})$/.exec(e.id);
      if (!made || realms.get(e.realm)?.instrumented) return undefined;
      const w = workerRealm(e.realm);
      // Made-up ids of ports in uninstrumented realms continue after the carried ones.
      w.pseudo = Math.max(w.pseudo, Number(made[1]));
      return newLocal(e.id, w, e.t, e.seq, via, false);
    };
    for (const j of joins) {
      const from = localOfEnd(j.from, 'unknown');
      const to = from && localOfEnd(j.to, j.via);
      if (!from || !to) continue;
      const flags = { ...(j.inferred ? { inferred: true } : {}), ...(j.confirmed ? { confirmed: true } : {}), ...(j.ambiguous ? { ambiguous: true } : {}) };
      if (join(from, to, j.via, flags, j.evidence) && j.leftT !== undefined) from.leftT ??= j.leftT;
    }
  }

  /** What pairsCut said of an earlier correlator's cut (after joinsBefore: ports are joined). */
  function cutPairsBefore(pairs: readonly CutPairs[]): void {
    for (const p of pairs) {
      const local = locals.get(p.port);
      if (!local) continue;
      const y = rootOf(local);
      y.skipReceipts += p.receipts;
      y.skipSends += p.sends;
    }
  }

  return {
    startAfter(context) {
      sceneBefore(context.records);
      joinsBefore(context.joins);
      cutPairsBefore(context.pairsCut);
      version++;
    },
    append(records, gaps = [], firstIndex) {
      if (firstIndex !== undefined) index = firstIndex;
      for (const g of gaps) {
        const list = pendingGaps.get(g.realm) ?? [];
        list.push(g);
        pendingGaps.set(g.realm, list);
      }
      for (const rec of records) {
        onRecord(rec);
        index++;
      }
      // Reported gaps that no later event of their realm followed in this append: account for them now.
      for (const [id, list] of pendingGaps) {
        const r = realmOf(id);
        for (const p of list.sort((a, b) => a.from - b.from)) {
          if (p.to <= r.highestSeq) continue;
          const from = Math.max(p.from, r.highestSeq + 1);
          addGap(r, r.highestSeq + 1, from - 1, 'unknown');
          addGap(r, from, p.to, p.reason);
        }
      }
      pendingGaps.clear();
      version++;
    },
    resume(realm, seq) {
      const r = realmOf(realm);
      if (seq > r.highestSeq) r.highestSeq = seq;
      version++;
    },
    realmGone(realm, at) {
      epoch++;
      const r = realmOf(realm);
      if (r.goneAt === undefined || at < r.goneAt) r.goneAt = at;
      version++;
    },
    joins() {
      // Joins by inference are made when the model is built.
      this.model();
      const end = (x: LocalPort): JoinEnd => ({ id: x.id, realm: x.realm.id, observed: x.observed, t: x.firstT, seq: x.firstSeq });
      const out: PortJoin[] = [];
      for (const l of logicals) {
        if (l.parent) continue;
        for (let i = 1; i < l.custody.length; i++) {
          const prev = l.custody[i - 1]!;
          const c = l.custody[i]!;
          const j: PortJoin = { from: end(prev), to: end(c), via: c.via, evidence: c.joinedBy ?? [] };
          if (c.inferred) j.inferred = true;
          if (c.confirmed) j.confirmed = true;
          if (c.ambiguousJoin) j.ambiguous = true;
          if (prev.leftT !== undefined) j.leftT = prev.leftT;
          out.push(j);
        }
      }
      return out;
    },
    pairsCut(cutOf) {
      const cut = (x: SendRec | RecvRec): boolean => x.ev.seq <= cutOf(x.realm.id);
      // Per receiving port y, the direction partner(y) → y as two queues in pair order, k-th send with
      // k-th receipt: count the sends and the receipts up to the cut. Pairs this correlator was told
      // straddle an earlier cut count too: still to come (skip counters), and held but paired with
      // nothing (the send or receipt whose partner was cut before).
      const counts = new Map<Logical, { sends: number; receipts: number }>();
      const of = (y: Logical) => {
        let c = counts.get(y);
        if (!c) counts.set(y, (c = { sends: y.skipReceipts, receipts: y.skipSends }));
        return c;
      };
      for (const y of logicals) {
        if (y.parent) continue;
        const c = of(y);
        for (const s of partnerOf(y)?.out ?? []) if (cut(s)) c.sends++;
        for (const r of y.in) if (cut(r)) c.receipts++;
      }
      for (const x of items) {
        if (cut(x) || !x.local) continue;
        if (x.kind === 'recv' && x.sendCut) of(rootOf(x.local)).sends++;
        if (x.kind === 'send' && x.receiptCut) {
          const y = partnerOf(rootOf(x.local));
          if (y) of(y).receipts++;
        }
      }
      const out: CutPairs[] = [];
      for (const [y, c] of counts) {
        if (c.sends !== c.receipts) out.push({ port: y.id, receipts: Math.max(0, c.sends - c.receipts), sends: Math.max(0, c.receipts - c.sends) });
      }
      return out;
    },
    model() {
      if (cached?.version !== version) cached = { version, model: build() };
      return cached.model;
    },
  };
}

/** A worker's origin: its creator's, except for a `data:` URL (opaque). */
function workerOrigin(url: string, creator: string | undefined): string | undefined {
  if (url.startsWith('data:')) return 'null';
  const m = /^(https?:\/\/[^/?#]+)/i.exec(url);
  return m?.[1]?.toLowerCase() ?? creator;
}

/** The CLI's summary of a model: the same facts, flattened. */
export interface CaptureSummary {
  realms: { id: RealmId; kind: RealmModel['kind']; url?: string; origin?: string; parent?: RealmId }[];
  channels: { id: ChannelId; createdIn: RealmId; ports: [PortId, PortId] }[];
  ports: { id: PortId; channel?: ChannelId; entangledWith?: PortId; custody: RealmId[]; started: boolean; closed: boolean }[];
  messages: Pick<
    MessageModel,
    'id' | 'route' | 'fromRealm' | 'toRealm' | 'fromPort' | 'toPort' | 'sentAt' | 'receivedAt' | 'status' | 'ambiguous' | 'error' | 'transfers' | 'preview'
  >[];
  totals: Totals;
}

export function summarize(m: CaptureModel): CaptureSummary {
  return {
    realms: m.realms.map(({ id, kind, url, origin, parent }) => ({ id, kind, url, origin, parent })),
    channels: m.channels.map(({ id, createdIn, ports }) => ({ id, createdIn, ports })),
    ports: m.ports.map(({ id, channel, entangledWith, custody, started, closed }) => ({ id, channel, entangledWith, custody: custody.map((c) => c.realm), started, closed })),
    messages: m.messages.map(({ id, route, fromRealm, toRealm, fromPort, toPort, sentAt, receivedAt, status, ambiguous, error, transfers, preview }) => ({
      id,
      route,
      fromRealm,
      toRealm,
      fromPort,
      toPort,
      sentAt,
      receivedAt,
      status,
      ambiguous,
      error,
      transfers,
      preview,
    })),
    totals: m.totals,
  };
}
