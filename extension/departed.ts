/**
 * The background's store of departed documents' batches: what a relay handed over on `pagehide`
 * because no panel had acknowledged it yet (its own buffer dies with the document).
 *
 * Kept per inspected tab (a popup's batches under its root tab), in arrival order, bounded by
 * DEPARTED_EVENTS and DEPARTED_CHARS per tab: the oldest batches go first and their seq range is
 * kept per realm as a gap that later panels get (a batch with empty `json` and a `dropped` range).
 * Every batch is written to `storage.session` under its own key when it arrives (an MV3 service
 * worker can be stopped at any moment, and in-memory state would go with it); the index is rebuilt
 * from storage when the worker starts. Only departures write: the live path never touches storage.
 */
import { DEPARTED_CHARS, DEPARTED_EVENTS, type RoutedBatchText } from '../model/relay';
import type { RealmId } from '../model/protocol';

/** The part of `chrome.storage.session` used here (a Map-backed fake in tests). */
export interface SessionArea {
  get(keys: null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

const BATCH_PREFIX = 'departed:';
const GAPS_PREFIX = 'departedGaps:';

interface Entry {
  key: string;
  routed: RoutedBatchText;
}

interface TabStore {
  entries: Entry[];
  events: number;
  chars: number;
  /** Per realm: the seq range the bound dropped, as the gap-only batch panels get. */
  gaps: Record<RealmId, RoutedBatchText>;
}

const eventsOf = (r: RoutedBatchText): number => (r.json === '' ? 0 : r.last - r.first + 1);

function isRouted(value: unknown): value is RoutedBatchText {
  const v = value as Partial<RoutedBatchText> | null;
  return typeof v === 'object' && v !== null && typeof v.realm === 'string' && typeof v.json === 'string' && typeof v.first === 'number' && typeof v.last === 'number' && typeof v.tabId === 'number';
}

export class DepartedStore {
  private readonly tabs = new Map<number, TabStore>();
  private next = 1;
  /** Storage writes, in order; a failed one is reported and does not stop the next. */
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly area: SessionArea,
    private readonly maxEvents = DEPARTED_EVENTS,
    private readonly maxChars = DEPARTED_CHARS,
  ) {}

  /** Rebuilds the index from storage (once, when the worker starts, before any other call). */
  async load(): Promise<void> {
    let all: Record<string, unknown>;
    try {
      all = await this.area.get(null);
    } catch (err) {
      console.warn('[Entangle] could not read the departed documents kept in storage.session', err);
      return;
    }
    const found: { tabId: number; n: number; entry: Entry }[] = [];
    for (const [key, value] of Object.entries(all)) {
      if (key.startsWith(BATCH_PREFIX) && isRouted(value)) {
        const [tab, n] = key.slice(BATCH_PREFIX.length).split(':').map(Number);
        if (Number.isSafeInteger(tab) && Number.isSafeInteger(n)) found.push({ tabId: tab!, n: n!, entry: { key, routed: value } });
      } else if (key.startsWith(GAPS_PREFIX) && typeof value === 'object' && value !== null) {
        const tabId = Number(key.slice(GAPS_PREFIX.length));
        if (Number.isSafeInteger(tabId)) this.tab(tabId).gaps = value as Record<RealmId, RoutedBatchText>;
      }
    }
    // Keys are numbered in arrival order, so sorting restores it.
    found.sort((a, b) => a.n - b.n);
    for (const { tabId, n, entry } of found) {
      const t = this.tab(tabId);
      t.entries.push(entry);
      t.events += eventsOf(entry.routed);
      t.chars += entry.routed.json.length;
      this.next = Math.max(this.next, n + 1);
    }
  }

  /** Keeps a departed document's batch for the inspected tab `tabId`, dropping the oldest beyond the bound. */
  add(tabId: number, routed: RoutedBatchText): void {
    const t = this.tab(tabId);
    const entry: Entry = { key: `${BATCH_PREFIX}${tabId}:${this.next++}`, routed };
    t.entries.push(entry);
    t.events += eventsOf(routed);
    t.chars += routed.json.length;
    const removed: string[] = [];
    while ((t.events > this.maxEvents || t.chars > this.maxChars) && t.entries.length > 0) {
      const oldest = t.entries.shift()!;
      t.events -= eventsOf(oldest.routed);
      t.chars -= oldest.routed.json.length;
      removed.push(oldest.key);
      this.dropped(t, oldest.routed);
    }
    const added = t.entries[t.entries.length - 1] === entry;
    this.write(async () => {
      if (removed.length > 0) {
        const stale = removed.filter((k) => k !== entry.key);
        if (stale.length > 0) await this.area.remove(stale);
        await this.area.set({ [`${GAPS_PREFIX}${tabId}`]: t.gaps });
      }
      if (added) await this.area.set({ [entry.key]: routed });
    });
  }

  /**
   * What a panel subscribing to `tabId` does not have yet: per realm, the dropped range (if it ends
   * after `have`), then the kept batches ending after `have`, in arrival order. `tabs`: the tabs of
   * that panel's session (its own and its popups'), as batches carry their own tab id.
   */
  batchesFor(tabId: number, tabs: ReadonlySet<number>, have: Readonly<Record<RealmId, number>>): RoutedBatchText[] {
    const t = this.tabs.get(tabId);
    if (!t) return [];
    const held = (r: RoutedBatchText): boolean => tabs.has(r.tabId) && r.last > (Object.hasOwn(have, r.realm) ? have[r.realm]! : 0);
    return [...Object.values(t.gaps).filter(held), ...t.entries.map((e) => e.routed).filter(held)];
  }

  /** The tab closed: nobody can ask for its departed documents any more. */
  forget(tabId: number): void {
    const t = this.tabs.get(tabId);
    if (!t) return;
    this.tabs.delete(tabId);
    const keys = [...t.entries.map((e) => e.key), `${GAPS_PREFIX}${tabId}`];
    this.write(() => this.area.remove(keys));
  }

  /** Resolves once every write so far has reached storage (tests; nothing waits for it otherwise). */
  flushed(): Promise<void> {
    return this.writes;
  }

  /** Events and characters held for a tab. */
  held(tabId: number): { events: number; chars: number } {
    const t = this.tabs.get(tabId);
    return { events: t?.events ?? 0, chars: t?.chars ?? 0 };
  }

  private tab(tabId: number): TabStore {
    let t = this.tabs.get(tabId);
    if (!t) this.tabs.set(tabId, (t = { entries: [], events: 0, chars: 0, gaps: {} }));
    return t;
  }

  private dropped(t: TabStore, r: RoutedBatchText): void {
    const prev = Object.hasOwn(t.gaps, r.realm) ? t.gaps[r.realm] : undefined;
    const from = Math.min(prev?.first ?? r.first, r.dropped?.to !== undefined ? Math.min(r.first, r.dropped.from) : r.first);
    const to = Math.max(prev?.last ?? r.last, r.last);
    const { json: _json, dropped: _dropped, ...where } = r;
    // Defined as an own property, so no realm id (not even "__proto__") touches the prototype.
    Object.defineProperty(t.gaps, r.realm, {
      value: { ...where, first: from, last: to, json: '', dropped: { from, to, reason: 'relayBufferFull' } },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  private write(op: () => Promise<void>): void {
    this.writes = this.writes.then(op).catch((err: unknown) => console.warn('[Entangle] could not keep a departed document in storage.session', err));
  }
}
