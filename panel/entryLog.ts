/**
 * The store's log of entries, held as two rings in step instead of one object per entry: the events,
 * and where each came from (realm, tab, frame: one shared object per realm while those stay the same).
 * An entry object costs 32 bytes and a pointer; 200,000 of them were 7 MB of a large capture's heap
 * (issue 12). Entries are made when read: each read gives a new object, equal to the last, so compare
 * entries by their `index` or `event`, never by identity.
 */
import type { EntangleEvent, RealmId } from '../model/protocol';
import { EventLog } from './eventLog';

/** An entry as the store appends and reads it. */
export interface Entry {
  /** Arrival index: 0 for the first event the log ever held, never reused. */
  index: number;
  realm: RealmId;
  frameId: number;
  tabId: number;
  event: EntangleEvent;
}

/** Where an entry came from: shared by the consecutive entries of a realm with the same tab and frame. */
interface Source {
  realm: RealmId;
  tabId: number;
  frameId: number;
}

export class EntryLog {
  private readonly events: EventLog<EntangleEvent>;
  private readonly sources: EventLog<Source>;
  /** The source last used per realm (a realm's tab and frame change only when its frame moves). */
  private readonly sourceOf = new Map<RealmId, Source>();

  constructor(bound: number) {
    this.events = new EventLog(bound);
    this.sources = new EventLog(bound);
  }

  get bound(): number {
    return this.events.bound;
  }

  /** Number of entries held. */
  get length(): number {
    return this.events.length;
  }

  /** Arrival index of the oldest entry held (equal to `end` when empty). */
  get start(): number {
    return this.events.start;
  }

  /** Arrival index the next appended entry will get. */
  get end(): number {
    return this.events.end;
  }

  /** Appends an entry (its index is `end`); true when the oldest entry was evicted to make room. */
  push(realm: RealmId, tabId: number, frameId: number, event: EntangleEvent): boolean {
    let source = this.sourceOf.get(realm);
    if (source === undefined || source.tabId !== tabId || source.frameId !== frameId) {
      source = { realm, tabId, frameId };
      this.sourceOf.set(realm, source);
    }
    this.sources.push(source);
    return this.events.push(event) !== undefined;
  }

  /** The entry at `position` (0 = oldest held; negative counts from the newest), or undefined. */
  at(position: number): Entry | undefined {
    const p = position < 0 ? this.length + position : position;
    // (Further back than the oldest: not the newest again, as EventLog would read a negative position.)
    if (p < 0) return undefined;
    const event = this.events.at(p);
    return event === undefined ? undefined : this.entry(p, event);
  }

  /** The entry with arrival index `index`, or undefined when it was evicted or does not exist yet. */
  byIndex(index: number): Entry | undefined {
    const p = index - this.start;
    return p >= 0 ? this.at(p) : undefined;
  }

  /** Entries with positions in [from, to), oldest first (like Array.prototype.slice, no negatives). */
  slice(from = 0, to = this.length): Entry[] {
    const out: Entry[] = [];
    for (let p = Math.max(0, from); p < Math.min(this.length, to); p++) out.push(this.at(p) as Entry);
    return out;
  }

  /** The newest `n` entries, oldest first. */
  tail(n: number): Entry[] {
    return this.slice(this.length - Math.max(0, Math.min(n, this.length)));
  }

  *[Symbol.iterator](): IterableIterator<Entry> {
    for (let p = 0; p < this.length; p++) yield this.at(p) as Entry;
  }

  /** Drops every entry; arrival indexes go on from where they were. */
  clear(): void {
    this.events.clear();
    this.sources.clear();
    this.sourceOf.clear();
  }

  private entry(p: number, event: EntangleEvent): Entry {
    const s = this.sources.at(p) as Source;
    return { index: this.start + p, realm: s.realm, frameId: s.frameId, tabId: s.tabId, event };
  }
}
