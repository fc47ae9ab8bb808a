/**
 * The panel's store: the event log of one tab in arrival order, plus the little that is derived from it
 * per realm (sequence bookkeeping, gaps, counts). No React and no extension APIs in here: the view
 * (`App.tsx` and friends) and the wiring to the background (`connection.ts`) are separate.
 *
 * Cost model: `batchReceived` is O(events in the batch) for the log (a ring buffer mutated in place,
 * announced by bumping `version`); it never copies the log, nor the realm map (also mutated in place:
 * a page that rotates ad frames has thousands of realms, and a copy per batch grew with the history).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  EVENT_TYPES,
  type DroppedRange,
  type EventType,
  type FrameRef,
  type RealmId,
  type RealmKind,
  type RoutedBatch,
  type UntrustedReason,
  type WorkerPlace,
} from '../model/protocol';
import type { CaptureModel } from '../model/correlator';
import type { MessageModel } from '../model/model-types';
import { keepFacts, recordWithFacts, type LogContext, type LogGap, type LogRecord } from '../model/log';
import { EntryLog, type Entry } from './entryLog';
import { ModelKeeper } from './modelKeeper';
import { PreviewInterner } from '../model/preview-intern';

/** Most events the log keeps; older ones are evicted (and counted in `evicted`). */
export const LOG_BOUND = 200_000;
/** Most gap records listed in `gaps` (the newest are kept; `gapCount` and `missing` count them all). */
export const GAPS_LISTED = 1_000;

/** An event the log holds, with where it came from (made when read: see EntryLog). */
export type LogEntry = Entry;

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
  /** A popup's realm: the frame that opened its tab (RoutedBatch.opener). */
  opener?: FrameRef;
  /** The relay could not vouch for the realm's recording (RoutedBatch.untrusted). */
  untrusted?: UntrustedReason;
  /** A worker recorded from the inside (RoutedBatch.worker). */
  worker?: WorkerPlace;
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
  /** When (epoch ms, like event times). */
  goneAt?: number;
  /** The realm's `realmStarted` record, kept to introduce the realm to the model again after a clear. */
  started?: LogRecord;
  /** `t` of the first event seen of a realm that has said no `realmStarted` (yet): the background's
   *  reporter of a tab's dropped window messages never does. */
  firstAt?: number;
  /** The tab navigated away from the realm's page (and the log was cleared for it): not shown again. */
  retired?: boolean;
}

export type CountsByType = Readonly<Record<EventType, number>>;

export interface LogData {
  /** Bumped on every change. The log is mutated in place, so views key their work on this. */
  version: number;
  /** The events held, oldest first. Mutated in place: read it, never write it. */
  log: EntryLog;
  /** Per realm ever seen. Mutated in place by batches and frame reports (`version` tells): read it, never write it. */
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
  /** What the store holds: the inspected tab's recording, or a capture file opened in the panel
   *  (which records nothing: its empty states say so rather than "press record"). */
  source: 'live' | 'capture';
  /** Events that arrived while paused, since the last clear. */
  notRecorded: number;
  /** `t` of the first event recorded since the last clear: times in the view are relative to it. */
  t0: number | null;
  /** Keep the log when the tab navigates (off: a new top document clears it, like Network's option). */
  preserveLog: boolean;
  /** Clears made because the tab navigated (preserveLog off). */
  navigations: number;
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
  preserveLogChanged(on: boolean): void;
  /**
   * Loads a saved log (a capture file's records, in arrival order, its known gaps and what came before
   * them) into this store, which must be empty: a capture is viewed in a store of its own, never mixed
   * with live events.
   */
  captureLoaded(records: readonly LogRecord[], gaps: readonly LogGap[], context?: LogContext): void;
  /** What a capture of the log needs from before the events it holds (after a clear or an eviction). */
  captureContext(): LogContext;
  /**
   * An opened capture's store (source `capture`) takes nothing more: shares the repeated parts of its
   * previews (its events' and its messages'), keeps its model and the context of a capture of it, and
   * lets the correlator's working state go (ModelKeeper.settle). Costs some tens of milliseconds on a
   * large capture: call it once the capture is shown. Does nothing for a live store.
   */
  settle(): void;
  /** Per realm, the highest sequence number accounted for — what to send as `subscribe.have`. */
  haveMap(): Record<RealmId, number>;
  /**
   * The capture model (realms, channels, ports, messages with a status) of the events held, from
   * `model/correlator.ts`. Memoised: cheap to call again until the next change. Read it when drawing,
   * not per batch.
   */
  model(): CaptureModel;
}

export type LogState = LogData & LogActions;
export type LogStore = StoreApi<LogState>;

export interface LogStoreOptions {
  /** Most events kept (default LOG_BOUND). */
  bound?: number;
  /** Initial `preserveLog` (default false). */
  preserveLog?: boolean;
}

export function zeroCounts(): Record<EventType, number> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
}

/** The counters that start again at a clear (and at the start). */
function sinceClear(): Pick<LogData, 'countsByType' | 'total' | 'gaps' | 'gapCount' | 'missing' | 'evicted' | 'duplicates' | 'notRecorded' | 't0'> {
  return { countsByType: zeroCounts(), total: 0, gaps: [], gapCount: 0, missing: 0, evicted: 0, duplicates: 0, notRecorded: 0, t0: null };
}

/**
 * Shares the repeated parts of an opened capture's previews, and makes its messages hold the shared
 * previews too, with a table of its own that is let go afterwards (an opened capture takes nothing
 * more). Done when the capture settles, after its first render: on a capture of 200,000 events it was
 * about a tenth of the time to that render.
 */
function shareCapturePreviews(log: EntryLog, messages: readonly MessageModel[]): void {
  const interner = new PreviewInterner();
  for (let p = 0; p < log.length; p++) interner.eventPreview(log.at(p)!.event);
  // A message holds the preview of one of its events as read; its shared equal is one the log holds
  // (its event's, or an equal event's), so the copy it held goes.
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (typeof m.preview === 'object' && m.preview !== null) m.preview = interner.intern(m.preview);
  }
}

export function createLogStore(options: LogStoreOptions = {}): LogStore {
  const log = new EntryLog(options.bound ?? LOG_BOUND);
  const keeper = new ModelKeeper(log);
  /** Shares the repeated parts of a live log's previews (bounded: INTERN_MAX_NODES). */
  const previews = new PreviewInterner();
  /** An opened capture's previews are shared when it settles, after its first render (see
   *  shareCapturePreviews). */
  let previewsUnshared = false;
  const known = (realms: ReadonlyMap<RealmId, RealmInfo>) => [...realms.values()].filter((r) => !r.retired);

  return createStore<LogState>()((set, get) => {
    /**
     * A new top document started at `at`: the realms of the old page are retired (kept only for sequence
     * bookkeeping) and their events leave the log. Realms that started after it belong to the new
     * page: their batches can reach the panel before the new top's (a late subscriber gets each frame's
     * buffer in no particular order), so their events are kept, re-appended after the clear.
     */
    const navigated = (at: number): void => {
      const before = get();
      // (A realm with no start of its own, the reporter of dropped window messages, by its first event:
      // the new page's reporter can be heard from before the new top document.)
      const stays = (info: RealmInfo): boolean => !info.retired && (info.started !== undefined ? info.started.event.t > at : info.firstAt !== undefined && info.firstAt > at);
      // Nothing of an older page to retire (the first page, or frames of this one that came first).
      if (![...before.realms.values()].some((info) => !info.retired && !stays(info))) return;
      const kept = [...before.log].filter((e) => {
        const info = before.realms.get(e.realm);
        return info !== undefined && stays(info);
      });
      const keptGaps = before.gaps.filter((g) => {
        const info = before.realms.get(g.realm);
        return info !== undefined && stays(info);
      });
      // A shared or service worker recorded from the inside outlives the page that used it (the next
      // page may use it again): its realm stays, introduced to the new model by its start as after a
      // clear; its events so far go with the old page.
      const outlives = (info: RealmInfo): boolean => !info.retired && !info.gone && (info.worker?.type === 'sharedworker' || info.worker?.type === 'serviceworker');
      const realms = new Map<RealmId, RealmInfo>();
      for (const [id, info] of before.realms) realms.set(id, stays(info) || outlives(info) ? info : { ...info, retired: true });
      set({ realms, navigations: before.navigations + 1 });
      get().logCleared();
      if (kept.length === 0 && keptGaps.length === 0) return;
      const s = get();
      const counts = { ...s.countsByType };
      const again = new Map(s.realms);
      // Times are shown from the new top document's start (its realmStarted is the next event), or from a
      // kept frame's event if one is earlier still.
      let t0: number = at;
      for (const e of kept) {
        t0 = Math.min(t0, e.event.t);
        log.push(e.realm, e.tabId, e.frameId, e.event);
        const info = again.get(e.realm);
        if (info) again.set(e.realm, { ...info, events: info.events + 1 });
        counts[e.event.type]++;
      }
      for (const g of keptGaps) {
        const info = again.get(g.realm);
        if (info) again.set(g.realm, { ...info, gaps: info.gaps + g.to - g.from + 1, relayDropped: info.relayDropped + (g.reason === 'unknown' ? 0 : g.to - g.from + 1) });
      }
      // The kept realms' sequence numbers before their first held event are not theirs any more: a
      // rebuild (not an append) tells the correlator so.
      keeper.rebuild(known(again));
      set({
        version: s.version + 1,
        realms: again,
        countsByType: counts,
        total: kept.length,
        gaps: keptGaps,
        gapCount: keptGaps.length,
        missing: keptGaps.reduce((n, g) => n + g.to - g.from + 1, 0),
        t0,
      });
    };

    return {
      version: 0,
      log,
      realms: new Map(),
      ...sinceClear(),
      recording: true,
      source: 'live',
      preserveLog: options.preserveLog ?? false,
      navigations: 0,

      batchReceived(routed) {
        const newTopAt = get().preserveLog ? null : newTopDocumentAt(get().realms, routed);
        if (newTopAt !== null) navigated(newTopAt);
        const s = get();
        const { batch, tabId, frameId } = routed;
        const realm = batch.realm;
        const prev = s.realms.get(realm);
        if (prev?.retired) {
          // A late batch of a page the tab navigated away from: its sequence numbers are accounted for
          // (so a resend is not recorded again), its events are not shown.
          const highestSeq = batch.events.reduce((m, e) => Math.max(m, e.seq), Math.max(prev.highestSeq, routed.dropped?.to ?? 0));
          if (highestSeq !== prev.highestSeq) {
            const realms = new Map(s.realms);
            realms.set(realm, { ...prev, highestSeq });
            set({ realms });
          }
          return;
        }
        const info: RealmInfo = prev
          ? { ...prev, tabId, frameId, gone: false }
          : { realm, tabId, frameId, highestSeq: 0, events: 0, gaps: 0, relayDropped: 0, gone: false };
        keepFacts(info, routed);

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
        const firstIndex = log.end;
        const records: LogRecord[] = [];
        const evictedBefore = evicted;
        const notRecordedBefore = notRecorded;
        for (const event of batch.events) {
          if (!(event.seq > highest)) {
            duplicates++;
            continue;
          }
          if (event.seq > highest + 1) addGap(highest + 1, event.seq - 1, 'unknown');
          highest = event.seq;
          info.firstAt ??= event.t;
          const record = recordWithFacts({ realm, tabId, frameId, event }, info);
          if (event.type === 'realmStarted') {
            info.kind = event.kind;
            info.url = event.url;
            info.origin = event.origin;
            info.started = record;
          }
          if (!s.recording) {
            notRecorded++;
            continue;
          }
          t0 ??= event.t;
          previews.eventPreview(event);
          records.push(record);
          if (log.push(realm, tabId, frameId, event)) evicted++;
          counts ??= { ...s.countsByType };
          counts[event.type]++;
          info.events++;
          total++;
        }
        info.highestSeq = highest;

        // In place (see the module comment): `version` announces the change.
        const realms = s.realms as Map<RealmId, RealmInfo>;
        realms.set(realm, info);
        keeper.appended(records, newGaps, firstIndex);
        if (notRecorded > notRecordedBefore) keeper.skipped(realm, highest);
        if (evicted > evictedBefore) keeper.evicted(evicted - evictedBefore, known(realms));
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
        previews.clear();
        const realms = new Map<RealmId, RealmInfo>();
        for (const [id, info] of s.realms) realms.set(id, { ...info, events: 0, gaps: 0, relayDropped: 0 });
        keeper.cleared(known(realms));
        set({
          version: s.version + 1,
          realms,
          ...sinceClear(),
        });
      },

      frameGone(realm) {
        const s = get();
        const info = s.realms.get(realm);
        if (!info || info.gone) return;
        const realms = s.realms as Map<RealmId, RealmInfo>;
        const goneAt = Date.now();
        realms.set(realm, { ...info, gone: true, goneAt });
        // A retired realm is not in the model any more: telling the correlator would bring it back.
        if (!info.retired) keeper.realmGone(realm, goneAt);
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

      preserveLogChanged(on) {
        const s = get();
        if (s.preserveLog !== on) set({ version: s.version + 1, preserveLog: on });
      },

      captureLoaded(records, gaps, context) {
        const s = get();
        if (s.total > 0 || s.realms.size > 0) throw new Error('captureLoaded: the store must be empty');
        const realms = new Map<RealmId, RealmInfo>();
        /** The record's realm, with the frame facts and the start the record tells. */
        const infoOf = (rec: LogRecord): RealmInfo => {
          let info = realms.get(rec.realm);
          if (!info) {
            info = { realm: rec.realm, tabId: rec.tabId, frameId: rec.frameId, highestSeq: 0, events: 0, gaps: 0, relayDropped: 0, gone: false };
            realms.set(rec.realm, info);
          }
          keepFacts(info, rec);
          if (rec.event.type === 'realmStarted') {
            info.kind = rec.event.kind;
            info.url = rec.event.url;
            info.origin = rec.event.origin;
            info.started = rec;
          }
          return info;
        };
        // The context introduces realms (kind, URL) whose start was cut; its records are not log events.
        // Per realm, the last seq it tells of (for the realms it alone knows, below).
        const contextOnly = new Map<RealmId, number>();
        for (const rec of context?.records ?? []) {
          infoOf(rec);
          contextOnly.set(rec.realm, Math.max(contextOnly.get(rec.realm) ?? 0, rec.event.seq));
        }
        // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
        for (let i = 0; i < records.length; i++) contextOnly.delete(records[i]!.realm);
        const counts = zeroCounts();
        let t0: number | null = null;
        let evicted = 0;
        let duplicates = 0;
        const firstIndex = log.end;
        const accepted: LogRecord[] = [];
        for (let i = 0; i < records.length; i++) {
          const rec = records[i]!;
          const info = infoOf(rec);
          const event = rec.event;
          if (!(event.seq > info.highestSeq)) {
            duplicates++;
            continue;
          }
          // Before a realm's first record is not a loss (the capture may start after a clear, a pause or an
          // eviction) unless the capture names a gap there (counted below).
          if (info.highestSeq > 0 && event.seq > info.highestSeq + 1) info.gaps += event.seq - info.highestSeq - 1;
          info.highestSeq = event.seq;
          t0 ??= event.t;
          if (log.push(rec.realm, rec.tabId, rec.frameId, event)) evicted++;
          accepted.push(rec);
          counts[event.type]++;
          info.events++;
        }
        previewsUnshared = true;
        // A realm known only from the context is accounted for up to its last context record: what a
        // capture saved from this store again must still introduce (ModelKeeper.context).
        for (const [realm, seq] of contextOnly) realms.get(realm)!.highestSeq = seq;
        // The model of what the log holds: all of it, straight from the capture's records; or, when the
        // capture is larger than the log's bound, the newest `bound` events, rebuilt from the log after
        // a model of the whole capture (so the part that did not fit still introduces its channels
        // and the ports that moved in it).
        keeper.loaded(accepted, gaps, firstIndex, context);
        if (evicted > 0) keeper.rebuild(known(realms));
        const listed: Gap[] = gaps.slice(-GAPS_LISTED).map((g) => ({ ...g }));
        const firstSeq = new Map<RealmId, number>();
        for (let i = 0; i < accepted.length; i++) {
          const rec = accepted[i]!;
          if (!firstSeq.has(rec.realm)) firstSeq.set(rec.realm, rec.event.seq);
        }
        for (const g of gaps) {
          const info = realms.get(g.realm);
          const first = firstSeq.get(g.realm);
          if (info && first !== undefined && g.to < first) info.gaps += g.to - g.from + 1;
        }
        const missing = [...realms.values()].reduce((n, r) => n + r.gaps, 0);
        set({
          version: s.version + 1,
          realms,
          countsByType: counts,
          total: records.length - duplicates,
          gaps: listed,
          gapCount: gaps.length,
          missing,
          evicted,
          duplicates,
          t0,
          recording: false,
          source: 'capture',
        });
      },

      captureContext() {
        return keeper.context(known(get().realms));
      },

      settle() {
        if (get().source !== 'capture') return;
        if (previewsUnshared) {
          previewsUnshared = false;
          shareCapturePreviews(log, get().model().messages);
        }
        keeper.settle(known(get().realms));
      },

      haveMap() {
        const have: [RealmId, number][] = [];
        for (const [id, info] of get().realms) if (info.highestSeq > 0) have.push([id, info.highestSeq]);
        // fromEntries defines own properties, so no realm id (not even "__proto__") can touch the prototype.
        return Object.fromEntries(have);
      },

      model() {
        return keeper.model();
      },
    };
  });
}

/** When this batch starts a new top-level document of the inspected tab (a top realm's `realmStarted`
 *  not seen before), its time. A popup's top window (another tab, `opener` set) is not a navigation. */
function newTopDocumentAt(realms: ReadonlyMap<RealmId, RealmInfo>, routed: RoutedBatch): number | null {
  if (routed.frameId !== 0 || routed.opener !== undefined || realms.get(routed.batch.realm)?.started) return null;
  const start = routed.batch.events.find((e) => e.type === 'realmStarted' && e.kind === 'top');
  return start ? start.t : null;
}
