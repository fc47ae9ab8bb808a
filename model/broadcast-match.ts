/**
 * BroadcastChannel: matching each receipt with its send across realms (docs/correlation.md,
 * "Broadcast"). The facts it rests on (HTML, "broadcasting to other browsing contexts"):
 * - a BroadcastChannel object never receives its own posts;
 * - each object open on the same name and storage key (origin) when a post is made gets it once;
 * - per (sending object → receiving object), delivery is in posting order.
 * So per receiving object the receipts are a merge of per-sender FIFO queues: a receipt is the head of
 * one of them. When only one head can be it (the others sent later than the receipt, or none), the
 * match is certain; when several could, the earliest is taken and the delivery says it was a choice.
 *
 * Causal order narrows the heads: a post is queued to every receiver when it is made, so a post made
 * by a realm after it had received post P (P happens-before it) reaches every receiver after P. Among
 * the heads, one that causally follows another cannot be first and is dropped. Each send carries a
 * vector clock (per sending object, the last of its posts known to precede it): its realm's receipts
 * matched with certainty before it, merged transitively. Realms are matched each in its own event
 * order, on demand: before a send's clock is read, its realm is matched up to that send (a realm already
 * being matched further up is not re-entered: its sends not yet reached just have no clock, which only
 * keeps a choice ambiguous).
 *
 * Logs from before the `bc` field (one object per realm assumed) still match: a realm's objects are
 * then one object named after the realm.
 *
 * Cost: `match` is O(receipts × sending objects of their channel) per build: the queues' heads and the
 * realms' cursors only move forward, and a clock (one entry per sending object) is copied only when a
 * certain receipt adds to it.
 */
import type { RecvRec, SendRec } from './correlate-state';
import { CLOCK_SKEW_MS } from './model-types';
import type { RealmId } from './protocol';

interface BcObject {
  realm: RealmId;
  createdT: number;
  createdSeq: number;
}

/** One receipt matched with its send. */
export interface BroadcastDelivery {
  recv: RecvRec;
  /** Several sends could have been the one received: the earliest was taken. */
  ambiguous: boolean;
}

export interface BroadcastMatch {
  /** Per send, its receipts in arrival order. */
  deliveries: Map<SendRec, BroadcastDelivery[]>;
  /** Receipts matched with a send (the others are messages of their own, sender unknown). */
  matched: Set<RecvRec>;
}

const channelKey = (origin: string, name: string): string => `${origin}|${name}`;

/** The sending or receiving object of an event: its `bc`, or for an older log, its realm. */
const objectOf = (x: SendRec | RecvRec): string => x.ev.bc ?? `${x.realm.id}|bc`;

/** Per sending object, the position of its last post known to happen before (immutable once built). */
type Clock = ReadonlyMap<string, number>;
const NO_CLOCK: Clock = new Map();
/** Passes of `match` at most (the second settles every case seen; a third is a margin). */
const MAX_PASSES = 3;

/** One realm's broadcast events in its own order, as matched so far in one `match`. */
interface RealmCursor {
  realm: RealmId;
  items: (SendRec | RecvRec)[];
  next: number;
  /** What the realm had received with certainty by its current position. */
  clock: Clock;
  /** Per object of the realm, how many of its posts come before the current position. */
  sent: Map<string, number>;
  /** Being matched further up the stack (not re-entered). */
  busy: boolean;
}

interface Head {
  s: SendRec;
  from: string;
  k: string;
  i: number;
}

export class BroadcastMatcher {
  private readonly objects = new Map<string, BcObject>();
  /** Per channel key, per sending object, its sends in posting order. */
  private readonly sends = new Map<string, Map<string, SendRec[]>>();
  /** Receipts in arrival order. */
  private readonly recvs: RecvRec[] = [];
  /** The realm of each sending object. */
  private readonly realmOfObject = new Map<string, RealmId>();
  /** Per realm, its sends and receipts in its own order (a realm's records arrive in sequence order). */
  private readonly byRealm = new Map<RealmId, (SendRec | RecvRec)[]>();

  created(bc: string, realm: RealmId, t: number, seq: number): void {
    if (!this.objects.has(bc)) this.objects.set(bc, { realm, createdT: t, createdSeq: seq });
  }

  /** A send that was posted (one that threw went nowhere); `origin` is the sending realm's. */
  addSend(s: SendRec, origin: string): void {
    if (s.ev.channelName === undefined) return;
    const k = channelKey(origin, s.ev.channelName);
    let bySender = this.sends.get(k);
    if (!bySender) this.sends.set(k, (bySender = new Map()));
    const obj = objectOf(s);
    this.realmOfObject.set(obj, s.realm.id);
    const list = bySender.get(obj);
    if (list) list.push(s);
    else bySender.set(obj, [s]);
    this.inRealm(s);
  }

  addRecv(r: RecvRec): void {
    this.recvs.push(r);
    this.inRealm(r);
  }

  private inRealm(x: SendRec | RecvRec): void {
    const list = this.byRealm.get(x.realm.id);
    if (list) list.push(x);
    else this.byRealm.set(x.realm.id, [x]);
  }

  match(): BroadcastMatch {
    // A cycle of realms waiting on each other's clocks leaves a choice open; a second pass reads the
    // clocks the first one ended with (passes are few: each only adds what certain receipts prove).
    let pass = this.pass(undefined);
    for (let n = 1; n < MAX_PASSES && pass.missed; n++) pass = this.pass(pass.clocks);
    const { chosen } = pass;

    // Deliveries per send in arrival order, whatever order the realms were matched in.
    const deliveries = new Map<SendRec, BroadcastDelivery[]>();
    const matched = new Set<RecvRec>();
    for (const r of this.recvs) {
      const d = chosen.get(r);
      if (!d) continue;
      matched.add(r);
      const list = deliveries.get(d.s);
      const one: BroadcastDelivery = { recv: r, ambiguous: d.ambiguous };
      if (list) list.push(one);
      else deliveries.set(d.s, [one]);
    }
    return { deliveries, matched };
  }

  /**
   * One matching of every receipt, realm by realm on demand. `hint`: the clocks an earlier pass ended
   * with, read for a send whose realm is being matched further up the stack. `missed`: some choice was
   * left ambiguous while a candidate's clock was not known.
   */
  private pass(hint: ReadonlyMap<SendRec, Clock> | undefined): { chosen: Map<RecvRec, BroadcastDelivery & { s: SendRec }>; clocks: Map<SendRec, Clock>; missed: boolean } {
    let missed = false;
    /** `${sender object}>${receiver object}` → index of the next send of the sender it can receive. */
    const heads = new Map<string, number>();
    /** Each send's clock, set when its realm's cursor passes it. */
    const clocks = new Map<SendRec, Clock>();
    /** Clocks that may lack what a cycle kept from them. */
    const partial = new Set<Clock>();
    const chosen = new Map<RecvRec, BroadcastDelivery & { s: SendRec }>();
    const cursors = new Map<RealmId, RealmCursor>();
    for (const [id, items] of this.byRealm) cursors.set(id, { realm: id, items, next: 0, clock: NO_CLOCK, sent: new Map(), busy: false });

    /** Matches the realm's receipts before sequence number `upTo` (in its order), giving its sends their clocks. */
    const advance = (realm: RealmId, upTo: number): void => {
      const c = cursors.get(realm);
      if (!c || c.busy) return;
      c.busy = true;
      while (c.next < c.items.length && c.items[c.next]!.ev.seq < upTo) {
        const x = c.items[c.next++]!;
        if (x.kind === 'send') {
          clocks.set(x, c.clock);
          const obj = objectOf(x);
          c.sent.set(obj, (c.sent.get(obj) ?? 0) + 1);
        } else matchOne(x, c);
      }
      c.busy = false;
    };
    const clockOf = (s: SendRec): Clock | undefined => {
      if (!clocks.has(s)) advance(s.realm.id, s.ev.seq + 1);
      const c = clocks.get(s);
      const h = hint?.get(s);
      // Two sound clocks of one send: their union is sound too.
      if (h && (!c || partial.has(c))) return c ? merge(c, h) : h;
      return c;
    };
    /** `b` causally follows `a`: b's realm had received a's post (or a later one of a's object) before posting b. */
    const follows = (b: Head, a: Head): boolean => (clockOf(b.s)?.get(a.from) ?? -1) >= a.i;
    /** `h` causally follows the receipt itself: its realm had received a post the receiving realm made
     *  after the receipt (this also catches what a cycle of realms being matched left without a clock). */
    const followsReceipt = (h: Head, at: RealmCursor): boolean => {
      const clock = clockOf(h.s);
      if (!clock) return false;
      for (const [obj, i] of clock) if (this.realmOfObject.get(obj) === at.realm && i >= (at.sent.get(obj) ?? 0)) return true;
      return false;
    };

    const matchOne = (r: RecvRec, at: RealmCursor): void => {
      const ev = r.ev;
      if (ev.channelName === undefined) return;
      const bySender = this.sends.get(channelKey(ev.origin, ev.channelName));
      if (!bySender) return;
      const to = objectOf(r);
      const receiver = this.objects.get(to);
      let cands: Head[] = [];
      for (const [from, list] of bySender) {
        if (from === to) continue; // never its own posts
        const k = `${from}>${to}`;
        const i = heads.get(k) ?? this.firstAfter(list, receiver);
        // A send of the receiver's own realm that reads later than the receipt is not its send (one clock).
        const s = list[i];
        if (!s) continue;
        const sameClock = s.realm === r.realm;
        if (sameClock ? s.ev.t > ev.t : s.ev.t > ev.t + CLOCK_SKEW_MS) continue;
        cands.push({ s, from, k, i });
      }
      // A head posted after its realm received another head's post reaches every receiver after it; one
      // posted after its realm (transitively) received what the receiver posted later cannot be it at all.
      if (cands.length > 1) {
        cands = cands.filter((h) => !followsReceipt(h, at));
        cands = cands.filter((b) => !cands.some((a) => a !== b && follows(b, a)));
      }
      if (cands.length === 0) return;
      let best = cands[0]!;
      for (const h of cands) if (h.s.ev.t < best.s.ev.t) best = h;
      heads.set(best.k, best.i + 1);
      const ambiguous = cands.length > 1;
      if (ambiguous && cands.some((h) => { const c = clockOf(h.s); return !c || partial.has(c); })) missed = true;
      chosen.set(r, { recv: r, ambiguous, s: best.s });
      if (!ambiguous) {
        const sent = clockOf(best.s);
        let next = merge(at.clock, sent ?? NO_CLOCK, best.from, best.i);
        // Built without all it should hold (a realm in a cycle had no clock yet): say so.
        if ((!sent || partial.has(sent) || partial.has(at.clock)) && !partial.has(next)) partial.add((next = new Map(next)));
        at.clock = next;
      }
    };

    for (const id of cursors.keys()) advance(id, Infinity);
    return { chosen, clocks, missed };
  }

  /** The first send of `list` the receiving object was open for (it did not exist before it was created). */
  private firstAfter(list: readonly SendRec[], receiver: BcObject | undefined): number {
    if (!receiver) return 0;
    let i = 0;
    while (i < list.length) {
      const s = list[i]!;
      const before = s.realm.id === receiver.realm ? s.ev.seq < receiver.createdSeq : s.ev.t < receiver.createdT - CLOCK_SKEW_MS;
      if (!before) break;
      i++;
    }
    return i;
  }
}

/** `a` with `b` (and the post `(from, i)`) added: a new clock only when something is added. */
function merge(a: Clock, b: Clock, from?: string, i = -1): Clock {
  let out: Map<string, number> | undefined;
  const raise = (k: string, v: number): void => {
    if (((out ?? a).get(k) ?? -1) >= v) return;
    out ??= new Map(a);
    out.set(k, v);
  };
  for (const [k, v] of b) raise(k, v);
  if (from !== undefined) raise(from, i);
  return out ?? a;
}
