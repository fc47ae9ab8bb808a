/**
 * Ports: local ports (a realm's MessagePort objects) joined into logical ports as they move, and the
 * FIFO pairing of each direction's sends with its receipts (docs/correlation.md, "Matching sends with
 * receipts"). A join moves only the events of the joined part; pairing advances a pointer.
 */
import { CLOCK_SKEW_MS, type CustodyVia, type PortJoin } from './model-types';
import type { PortId } from './protocol';
import type { LocalPort, Logical, Realm, SendRec, State } from './correlate-state';

/** Is there a gap or a fault in `r` strictly between sequence numbers `lo` and `hi`? */
export function hiddenBetween(r: Realm, lo: number, hi: number): boolean {
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


export function find(l: Logical): Logical {
  let root = l;
  while (root.parent) root = root.parent;
  while (l.parent && l.parent !== root) {
    const next: Logical = l.parent;
    l.parent = root;
    l = next;
  }
  return root;
}

export function newLogical(st: State, id: PortId): Logical {
  const l: Logical = { id, custody: [], out: [], in: [], matched: 0, unsynced: false, skipReceipts: 0, skipSends: 0, order: st.logicals.length };
  st.logicals.push(l);
  return l;
}

/** A dedicated worker's implicit port (Logical.implicit), made on first use. */
export function implicitLogical(st: State, key: string): Logical {
  let l = st.implicit.get(key);
  if (!l) {
    l = newLogical(st, key);
    l.implicit = key;
    st.implicit.set(key, l);
  }
  return l;
}

/** A Worker object's implicit port and its worker global's are entangled: pair what each side
 *  recorded so far, and from now on. */
export function entangleImplicit(st: State, a: Logical, b: Logical): void {
  if (a.partner || b.partner) return;
  st.epoch++;
  a.partner = b;
  b.partner = a;
  advance(st, a);
  advance(st, b);
}

export function newLocal(st: State, id: PortId, realm: Realm, t: number, seq: number, via: CustodyVia, observed = true): LocalPort {
  const logical = newLogical(st, id);
  const local: LocalPort = { id, realm, observed, logical, index: 0, firstT: t, firstSeq: seq, via, lastActiveT: t };
  logical.custody.push(local);
  st.locals.set(id, local);
  realm.locals.push(local);
  return local;
}

export function localOf(st: State, id: PortId, realm: Realm, t: number, seq: number): LocalPort {
  return st.locals.get(id) ?? newLocal(st, id, realm, t, seq, 'unknown');
}

export const partnerOf = (l: Logical): Logical | undefined => (l.partner ? find(l.partner) : undefined);
export const rootOf = (p: LocalPort): Logical => find(p.logical);

/** The custody key of an event: custody position, then sequence number. */
const before = (a: { local?: LocalPort; ev: { seq: number } }, b: { local?: LocalPort; ev: { seq: number } }): boolean => {
  const ia = a.local?.index ?? 0;
  const ib = b.local?.index ?? 0;
  return ia < ib || (ia === ib && a.ev.seq < b.ev.seq);
};

/** Inserts in custody order; returns the position (nearly always the end). */
export function insertOrdered<T extends { local?: LocalPort; ev: { seq: number } }>(list: T[], item: T): number {
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
export function join(
  st: State,
  from: LocalPort,
  arrived: LocalPort,
  via: CustodyVia,
  flags: { inferred?: boolean; confirmed?: boolean; ambiguous?: boolean },
  evidence: PortJoin['evidence'],
): boolean {
  const r = rootOf(from);
  const p = rootOf(arrived);
  if (r === p || from.successor || r.custody[r.custody.length - 1] !== from || p.custody[0] !== arrived) return false;
  st.epoch++;
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
  advance(st, r);
  const q = partnerOf(r);
  if (q) advance(st, q);
  return true;
}

// ── FIFO matching per direction ──

const portCount = (s: SendRec): number => s.ports.length;

/** Pairs the receipts of `y` with the sends of its partner, in order, as far as both go. */
export function advance(st: State, y: Logical): void {
  const x = partnerOf(y);
  if (!x) return;
  const n = Math.min(x.out.length, y.in.length);
  while (y.matched < n) {
    const k = y.matched++;
    pair(st, x, y, k);
  }
}

function pair(st: State, x: Logical, y: Logical, k: number): void {
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
    const via = x.implicit !== undefined ? 'worker' : 'port';
    for (let i = 0; i < s.ports.length; i++) {
      const a = r.arrived[i];
      const evidence = [{ realm: s.realm.id, seq: s.ev.seq }, { realm: r.realm.id, seq: r.ev.seq }];
      if (!a) continue;
      if (via === 'worker') forgetMadeUpHolder(st, s.ports[i]!);
      join(st, s.ports[i]!, a, via, reasons.length > 0 ? { ambiguous: true } : {}, evidence);
    }
  }
}

/**
 * A port sent to a worker before the worker was known to be recorded from the inside was given a
 * made-up holder there (correlator.ts, route `worker`); the receipt inside names the real one. The
 * made-up holder goes, unless something was built on it since (a later step from it).
 */
export function forgetMadeUpHolder(st: State, p: LocalPort): void {
  const made = p.successor;
  if (!made || made.observed || made.successor) return;
  const l = rootOf(p);
  if (l.custody[l.custody.length - 1] !== made) return;
  st.epoch++;
  l.custody.pop();
  p.successor = undefined;
  st.locals.delete(made.id);
  const held = made.realm.locals;
  const at = held.indexOf(made);
  if (at >= 0) held.splice(at, 1);
}

export function hasUnobservedBefore(l: Logical, local: LocalPort | undefined): boolean {
  if (!local) return false;
  for (let i = 0; i < local.index; i++) if (!l.custody[i]!.observed) return true;
  return false;
}

/** After inserting at position `i` of a queue of the direction into `y`: re-pair from there if it
 *  landed before pairs already made (a late batch), then pair as far as possible. */
export function advanceFrom(st: State, y: Logical, i: number): void {
  if (i < y.matched) {
    st.epoch++;
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
  advance(st, y);
}

