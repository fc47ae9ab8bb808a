/**
 * A bounded, append-only log in arrival order: a ring buffer that is mutated in place, so that
 * appending costs O(1) per event and evicting the oldest entry costs O(1) too.
 *
 * Entries are addressed two ways: by position (0 = oldest entry held) and by arrival index
 * (0 = the first entry ever appended; never reused, not even after `clear`).
 */
export class EventLog<T> {
  readonly bound: number;
  private items: T[] = [];
  /** Position of the oldest entry in `items` once the ring is full. */
  private head = 0;
  private size = 0;
  /** Arrival index of the next entry to be appended. */
  private nextIndex = 0;

  constructor(bound: number) {
    if (!Number.isInteger(bound) || bound < 1) throw new RangeError(`EventLog: bound must be a positive integer, got ${bound}`);
    this.bound = bound;
  }

  /** Number of entries held. */
  get length(): number {
    return this.size;
  }

  /** Arrival index of the oldest entry held (equal to `end` when empty). */
  get start(): number {
    return this.nextIndex - this.size;
  }

  /** Arrival index the next appended entry will get. */
  get end(): number {
    return this.nextIndex;
  }

  /** Appends `item`; returns the entry evicted to make room, if any. */
  push(item: T): T | undefined {
    this.nextIndex++;
    if (this.size < this.bound) {
      this.items.push(item);
      this.size++;
      return undefined;
    }
    const evicted = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.bound;
    return evicted;
  }

  /** The entry at `position` (0 = oldest held; negative counts from the newest), or undefined. */
  at(position: number): T | undefined {
    const p = position < 0 ? this.size + position : position;
    if (!Number.isInteger(p) || p < 0 || p >= this.size) return undefined;
    return this.items[(this.head + p) % this.bound];
  }

  /** The entry with arrival index `index`, or undefined when it was evicted or does not exist yet. */
  byIndex(index: number): T | undefined {
    const p = index - this.start;
    return p >= 0 ? this.at(p) : undefined;
  }

  /** The newest `n` entries, oldest first. Costs O(n). */
  tail(n: number): T[] {
    const count = Math.max(0, Math.min(n, this.size));
    const out: T[] = new Array<T>(count);
    for (let k = 0; k < count; k++) out[k] = this.at(this.size - count + k) as T;
    return out;
  }

  /** Entries with positions in [from, to), oldest first (like Array.prototype.slice, no negatives). */
  slice(from = 0, to = this.size): T[] {
    const a = Math.max(0, from);
    const b = Math.min(this.size, to);
    const out: T[] = [];
    for (let p = a; p < b; p++) out.push(this.at(p) as T);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let p = 0; p < this.size; p++) yield this.at(p) as T;
  }

  /** Drops every entry; arrival indexes go on from where they were. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.size = 0;
  }
}
