/**
 * The panel's store: the event log of one tab in arrival order, plus the little that is derived from it
 * per realm (sequence bookkeeping, gaps, counts). No React and no extension APIs in here: the view
 * (`App.tsx` and friends) and the wiring to the background (`connection.ts`) are separate.
 *
 * Cost model: `batchReceived` is O(events in the batch) for the log (a ring buffer mutated in place,
 * announced by bumping `version`) plus O(realms) to replace the small realm map; it never copies the log.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  EVENT_TYPES,
  type DroppedRange,
  type EntangleEvent,
  type EventType,
  type RealmId,
  type RealmKind,
  type RoutedBatch,
} from '../model/protocol';
import { EventLog } from './eventLog';

/** Most events the log keeps; older ones are evicted (and counted in `evicted`). */
export const LOG_BOUND = 200_000;
/** Most gap records listed in `gaps` (the newest are kept; `gapCount` and `missing` count them all). */
export const GAPS_LISTED = 1_000;

export interface LogEntry {
  /** Arrival index: 0 for the first event the store ever recorded, never reused. */
  index: number;
  realm: RealmId;
  frameId: number;
  tabId: number;
  event: EntangleEvent;
}

export type GapReason = DroppedRange['reason'] | 'unknown';

/** Sequence numbers `from..to` (inclusive) of `realm` that the panel will never get. */
export interface Gap {
  realm: RealmId;
  from: number;
  to: number;
  reason: GapReason;
}

export interface RealmInfo {
  realm: RealmId;
  tabId: number;
  frameId: number;
  /** The parent frame's id (-1 for the top frame), when the background knows it. */
  parentFrameId?: number;
  /** The document URL as the browser reported it for the sender (RoutedBatch.url). */
  documentUrl?: string;
  /** From the realm's `realmStarted` event, once seen. */
  kind?: RealmKind;
  url?: string;
  origin?: string;
  /**
   * Highest sequence number accounted for: every seq up to it is either held (or was, before a
   * clear/eviction/pause) or known to be missing. Events with `seq <= highestSeq` are resends.
   */
  highestSeq: number;
  /** Events recorded since the last clear (evicted ones included). */
  events: number;
  /** Missing sequence numbers since the last clear. */
  gaps: number;
  /** Of those, the ones the relay reported as dropped (RoutedBatch.dropped). */
  relayDropped: number;
  /** The background reported the frame gone. */
  gone: boolean;
}

export type CountsByType = Readonly<Record<EventType, number>>;

export interface LogData {
  /** Bumped on every change. The log is mutated in place, so views key their work on this. */
  version: number;
  /** The events held, oldest first. Mutated in place: read it, never write it. */
  log: EventLog<LogEntry>;
  realms: ReadonlyMap<RealmId, RealmInfo>;
  /** Events recorded since the last clear, per type (evicted ones included). */
  countsByType: CountsByType;
  /** Events recorded since the last clear (evicted ones included). */
  total: number;
  /** The newest GAPS_LISTED gaps since the last clear, in the order they were detected. */
  gaps: readonly Gap[];
  /** Gaps detected since the last clear. */
  gapCount: number;
  /** Missing sequence numbers since the last clear (sum over gaps). */
  missing: number;
  /** Events evicted from the log by the bound since the last clear. */
  evicted: number;
  /** Resent events ignored because the store already had them. */
  duplicates: number;
  /** false while paused: events are still acknowledged but not added to the log. */
  recording: boolean;
  /** Events that arrived while paused, since the last clear. */
  notRecorded: number;
  /** `t` of the first event recorded since the last clear: times in the view are relative to it. */
  t0: number | null;
}

export interface LogActions {
  /** The background delivered a batch of one realm. */
  batchReceived(routed: RoutedBatch): void;
  /** The user cleared the log. Sequence bookkeeping is kept, so resends are not recorded again. */
  logCleared(): void;
  /** The background reported that the frame of `realm` is gone. */
  frameGone(realm: RealmId): void;
  recordingPaused(): void;
  recordingResumed(): void;
  /** Per realm, the highest sequence number accounted for — what to send as `subscribe.have`. */
  haveMap(): Record<RealmId, number>;
}

export type LogState = LogData & LogActions;
export type LogStore = StoreApi<LogState>;

export interface LogStoreOptions {
  /** Most events kept (default LOG_BOUND). */
  bound?: number;
}

export function zeroCounts(): Record<EventType, number> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
}

export function createLogStore(options: LogStoreOptions = {}): LogStore {
  const log = new EventLog<LogEntry>(options.bound ?? LOG_BOUND);

  return createStore<LogState>()((set, get) => ({
    version: 0,
    log,
    realms: new Map(),
    countsByType: zeroCounts(),
    total: 0,
    gaps: [],
    gapCount: 0,
    missing: 0,
    evicted: 0,
    duplicates: 0,
    recording: true,
    notRecorded: 0,
    t0: null,

    batchReceived(routed) {
      const s = get();
      const { batch, tabId, frameId, parentFrameId } = routed;
      const realm = batch.realm;
      const prev = s.realms.get(realm);
      const info: RealmInfo = prev
        ? { ...prev, tabId, frameId, gone: false }
        : { realm, tabId, frameId, highestSeq: 0, events: 0, gaps: 0, relayDropped: 0, gone: false };
      if (parentFrameId !== undefined) info.parentFrameId = parentFrameId;
      if (routed.url !== undefined) info.documentUrl = routed.url;

      let highest = info.highestSeq;
      const newGaps: Gap[] = [];
      const addGap = (from: number, to: number, reason: GapReason): void => {
        if (to < from) return;
        newGaps.push({ realm, from, to, reason });
        info.gaps += to - from + 1;
        if (reason !== 'unknown') info.relayDropped += to - from + 1;
      };

      // The relay's report of what it dropped just before this batch: only the part not yet accounted for.
      const dropped = routed.dropped;
      if (dropped && dropped.from <= dropped.to && dropped.to > highest) {
        const from = Math.max(dropped.from, highest + 1);
        addGap(highest + 1, from - 1, 'unknown');
        addGap(from, dropped.to, dropped.reason);
        highest = dropped.to;
      }

      let counts: Record<EventType, number> | null = null;
      let { total, evicted, duplicates, notRecorded, t0 } = s;
      for (const event of batch.events) {
        if (!(event.seq > highest)) {
          duplicates++;
          continue;
        }
        if (event.seq > highest + 1) addGap(highest + 1, event.seq - 1, 'unknown');
        highest = event.seq;
        if (event.type === 'realmStarted') {
          info.kind = event.kind;
          info.url = event.url;
          info.origin = event.origin;
        }
        if (!s.recording) {
          notRecorded++;
          continue;
        }
        t0 ??= event.t;
        if (log.push({ index: log.end, realm, frameId, tabId, event }) !== undefined) evicted++;
        counts ??= { ...s.countsByType };
        counts[event.type]++;
        info.events++;
        total++;
      }
      info.highestSeq = highest;

      const realms = new Map(s.realms);
      realms.set(realm, info);
      const missing = newGaps.reduce((n, g) => n + g.to - g.from + 1, s.missing);
      const gaps = newGaps.length === 0 ? s.gaps : [...s.gaps, ...newGaps].slice(-GAPS_LISTED);
      set({
        version: s.version + 1,
        realms,
        countsByType: counts ?? s.countsByType,
        total,
        gaps,
        gapCount: s.gapCount + newGaps.length,
        missing,
        evicted,
        duplicates,
        notRecorded,
        t0,
      });
    },

    logCleared() {
      const s = get();
      log.clear();
      const realms = new Map<RealmId, RealmInfo>();
      for (const [id, info] of s.realms) realms.set(id, { ...info, events: 0, gaps: 0, relayDropped: 0 });
      set({
        version: s.version + 1,
        realms,
        countsByType: zeroCounts(),
        total: 0,
        gaps: [],
        gapCount: 0,
        missing: 0,
        evicted: 0,
        duplicates: 0,
        notRecorded: 0,
        t0: null,
      });
    },

    frameGone(realm) {
      const s = get();
      const info = s.realms.get(realm);
      if (!info || info.gone) return;
      const realms = new Map(s.realms);
      realms.set(realm, { ...info, gone: true });
      set({ version: s.version + 1, realms });
    },

    recordingPaused() {
      const s = get();
      if (s.recording) set({ version: s.version + 1, recording: false });
    },

    recordingResumed() {
      const s = get();
      if (!s.recording) set({ version: s.version + 1, recording: true });
    },

    haveMap() {
      const have: [RealmId, number][] = [];
      for (const [id, info] of get().realms) if (info.highestSeq > 0) have.push([id, info.highestSeq]);
      // fromEntries defines own properties, so no realm id (not even "__proto__") can touch the prototype.
      return Object.fromEntries(have);
    },
  }));
}
