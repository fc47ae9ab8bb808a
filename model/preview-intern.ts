/**
 * Structural sharing of payload previews (hash-consing): previews, and parts of previews, that are
 * equal become one object. A page's messages repeat themselves — the same `{type: 'tick'}`, the same
 * RPC envelope around a new id — and the panel holds up to 200,000 of them: each repeated part is
 * kept once instead of once per message (docs/panel.md, "Performance").
 *
 * Previews are data the panel never changes once received, so sharing them is safe. The walk writes the
 * shared parts into the preview it is given, in place: call it on a preview nothing else holds yet
 * (the event just read or expanded), before it goes into the log. (A batch's events share their shape's
 * preview, which may be walked again after earlier events of it went into the log: the walk then
 * writes equal parts over equal parts, which no reader can tell.)
 *
 * Bounded: the table holds at most `maxNodes` parts, then starts over (parts shared so far stay shared).
 * A part goes into the table only when every part inside it was already there, so a preview made unique
 * by one field (an id, a time) adds that field's part alone, not its whole path up to the root: a part
 * that repeats is shared from its next occurrences on, one level more each time.
 */

import type { EntangleEvent, Preview } from './protocol';

/** Parts the table holds at most before it starts over (a table of 131,072 slots, 1 MB). */
export const INTERN_MAX_NODES = 65_536;

const NO_SLOTS = new Int32Array(0);
/** Slots a look-up probes at most past the first (the table is at most half full). */
const MAX_PROBES = 32;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Hashes are kept to 30 bits: small integers stay unboxed (in the `hash` field and the table's
 *  arithmetic), where a full 32-bit one would be a heap number allocated on each use. */
const SMI = 0x3fff_ffff;

/**
 * Spreads every bit of `h` over all the others (MurmurHash3's finalizer). The table's slot is the
 * hash's low bits, and multiplying only carries low bits upward: without this, numbers that differ
 * only above their low 17 bits (offsets in steps of 65,536; times as doubles, whose low mantissa bits
 * are zero) all fell into a few slots and each look-up probed thousands (review of 3574167).
 */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h & SMI;
}

/** Hashed whole: a preview's strings are cut to 160 characters by the recorder (a capture file's to
 *  MAX_STRING), and hashing only their ends made URLs or texts that differ in the middle all one hash,
 *  each compared with every other. */
function hashString(s: string): number {
  let h = Math.imul(0x811c9dc5 ^ s.length, 0x01000193);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

function hashNumber(x: number): number {
  if ((x | 0) === x) return fmix(x ^ 0x5bd1e995);
  f64[0] = x;
  return fmix(Math.imul(u32[0]! ^ 0x27d4eb2d, 0x01000193) ^ u32[1]!);
}

/** Hashes of the field names met (a preview node's fields are a few dozen names in all). */
const keyHashes = new Map<string, number>();
function hashKey(k: string): number {
  let h = keyHashes.get(k);
  if (h === undefined) {
    h = hashString(k);
    if (keyHashes.size < 256) keyHashes.set(k, h);
  }
  return h;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const mix = (h: number, x: number): number => (Math.imul(h ^ x, 0x01000193) ^ (h >>> 15)) & SMI;

/** Same elements (by `Object.is`: parts inside are already canonical, so identity is equality). */
function sameArray(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Same own keys with identical values. A preview node's own keys are its tag's fields, which the views
 *  read by name (the page's keys, in order, are data inside `entries`): their order does not matter. */
function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let n = 0;
  for (const k in a) {
    if (!hasOwn(b, k) || !Object.is(a[k], b[k])) return false;
    n++;
  }
  for (const k in b) if (hasOwn(b, k)) n--;
  return n === 0;
}

function same(a: object, b: object): boolean {
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  return aa ? sameArray(a as unknown[], b as unknown[]) : sameObject(a as Record<string, unknown>, b as Record<string, unknown>);
}

export class PreviewInterner {
  /** An open-addressing table (linear probing): per slot, the part's hash + 1 (0: empty) … */
  private hashes: Int32Array = NO_SLOTS;
  /** … and the part. A Map of up to 65,536 entries, grown and rehashed as it filled, was most of the
   *  walk's time. */
  private parts: (object | undefined)[] = [];
  private mask = 0;
  private nodes = 0;
  /** Set by `walk`: the hash of the value it returned … */
  private hash = 0;
  /** … and whether that value is a part the table did not hold (then neither can any part around it). */
  private fresh = false;
  /** How many times the table started over, and slots probed past the first in all (for tests). */
  restarts = 0;
  probes = 0;

  constructor(readonly maxNodes = INTERN_MAX_NODES) {}

  /** The table is made at the first part (1 MB at the default bound: a store that never interns
   *  anything, an opened capture's, does not hold one). */
  private makeTable(): void {
    let slots = 16;
    while (slots < this.maxNodes * 2) slots *= 2;
    this.hashes = new Int32Array(slots);
    this.parts = new Array<object | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  /** Parts the table holds now. */
  get size(): number {
    return this.nodes;
  }

  /** The canonical equal of `preview` (itself the first time), its parts shared in place. */
  intern<T>(preview: T): T {
    return this.walk(preview) as T;
  }

  /** The last previews given to `eventPreview` (by identity), and what each gave back: the events of a
   *  batch's shape share their preview object (model/validate.ts), so a flood's receipts, even
   *  alternating between a few shapes, are a look-up each. */
  private readonly recentIn: unknown[] = [undefined, undefined, undefined, undefined];
  private readonly recentOut: unknown[] = [undefined, undefined, undefined, undefined];
  private recentNext = 0;

  /** Shares the preview of a message's event in place (an event just read, that nothing else holds). */
  eventPreview(event: EntangleEvent): void {
    if ((event.type === 'messageSent' || event.type === 'messageReceived') && event.preview !== undefined) {
      const given = event.preview;
      // (A string or number preview is its own canonical form: it is not remembered, so that it takes
      // no place from a shape's object.)
      if (typeof given !== 'object' || given === null) return;
      let out: unknown;
      const at = this.recentIn.indexOf(given);
      if (at >= 0) out = this.recentOut[at];
      else {
        out = this.intern(given);
        this.recentIn[this.recentNext] = given;
        this.recentOut[this.recentNext] = out;
        this.recentNext = (this.recentNext + 1) % this.recentIn.length;
      }
      if (out !== given) event.preview = out as Preview;
    }
  }

  /** Forgets every part (the store's log was cleared). */
  clear(): void {
    this.recentIn.fill(undefined);
    this.recentOut.fill(undefined);
    this.emptyTable();
  }

  private emptyTable(): void {
    if (this.nodes === 0) return;
    this.hashes.fill(0);
    this.parts.fill(undefined);
    this.nodes = 0;
  }

  private walk(v: unknown): unknown {
    switch (typeof v) {
      case 'string':
        this.hash = hashString(v);
        this.fresh = false;
        return v;
      case 'number':
        this.hash = hashNumber(v);
        this.fresh = false;
        return v;
      case 'boolean':
        this.hash = v ? 0x2f1b_3c4d : 0x2e5f_7a8b;
        this.fresh = false;
        return v;
      case 'object':
        if (v === null) {
          this.hash = 0x1a2b_3c4d;
          this.fresh = false;
          return v;
        }
        return this.part(v);
      case 'bigint':
      case 'function':
      case 'symbol':
      case 'undefined':
        // Not in a preview (validated as JSON data); left alone, never shared.
        this.hash = 0;
        this.fresh = true;
        return v;
    }
  }

  private part(v: object): object {
    let h: number;
    let anyFresh = false;
    if (Array.isArray(v)) {
      h = 0x1c6e_f372 ^ v.length;
      for (let i = 0; i < v.length; i++) {
        const c = this.walk(v[i]);
        if (c !== v[i]) v[i] = c;
        h = mix(h, this.hash);
        anyFresh ||= this.fresh;
      }
    } else {
      const o = v as Record<string, unknown>;
      h = 0x110e_527f;
      for (const k in o) {
        if (!hasOwn(o, k)) continue;
        const c = this.walk(o[k]);
        if (c !== o[k]) o[k] = c;
        h = mix(mix(h, hashKey(k)), this.hash);
        anyFresh ||= this.fresh;
      }
    }
    h = fmix(h);
    this.hash = h;
    if (anyFresh) {
      this.fresh = true;
      return v;
    }
    if (this.hashes === NO_SLOTS) this.makeTable();
    const key = h + 1;
    let i = h & this.mask;
    let probed = 0;
    for (let k = this.hashes[i]!; k !== 0; k = this.hashes[i]!) {
      if (k === key) {
        const p = this.parts[i]!;
        if (p === v || same(v, p)) {
          this.fresh = false;
          this.probes += probed;
          return p;
        }
      }
      i = (i + 1) & this.mask;
      // A run this long is a cluster of alike hashes: the part is left unshared rather than paid for.
      if (++probed >= MAX_PROBES) {
        this.probes += probed;
        this.fresh = true;
        return v;
      }
    }
    this.probes += probed;
    this.fresh = true;
    if (this.nodes >= this.maxNodes) {
      this.emptyTable();
      this.restarts++;
      i = h & this.mask;
    }
    this.hashes[i] = key;
    this.parts[i] = v;
    this.nodes++;
    return v;
  }
}
