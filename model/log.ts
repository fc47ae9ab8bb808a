/**
 * The event log as the rest of the model sees it: what the panel receives from the background,
 * flattened to one record per event, in arrival order. The correlator reads it; capture files hold it.
 */
import type { CutPairs, PortJoin } from './model-types';
import type { DroppedRange, EntangleEvent, EventType, FrameRef, RealmId, UntrustedReason, WorkerPlace } from './protocol';

/** One event with where it came from. */
export interface LogRecord {
  realm: RealmId;
  tabId: number;
  /** The frame the realm's document lives in (0: the tab's top frame); -1 for a worker's records. */
  frameId: number;
  /** The frame's parent (-1 for a top frame), when the background knew it. */
  parentFrameId?: number;
  /** The document URL as the browser reported it for the sender. */
  url?: string;
  /** A popup's records (its tab is not the inspected one): the frame whose realm opened the popup. */
  opener?: FrameRef;
  /** The relay could not vouch for the realm's recording (RoutedBatch.untrusted). */
  untrusted?: UntrustedReason;
  /** A worker recorded from the inside (RoutedBatch.worker). */
  worker?: WorkerPlace;
  event: EntangleEvent;
}

/** Sequence numbers `from..to` of `realm` that will never arrive, and why when known. */
export interface LogGap {
  realm: RealmId;
  from: number;
  to: number;
  reason: DroppedRange['reason'] | 'unknown';
}

/** The event types that set the scene (realms, channels, workers, ports) rather than carry messages. */
export const CONTEXT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'realmStarted',
  'channelCreated',
  'workerCreated',
  'portStarted',
  'portClosed',
  'broadcastChannelCreated',
  'broadcastChannelClosed',
  'serviceWorkerFound',
  'realmGone',
]);

/** Most records a LogContext holds. */
export const CONTEXT_BOUND = 50_000;
/** Most custody steps, and most ports with pairs cut, a LogContext holds (fewer than records: a step can cost
 *  a copy of its port's custody list, and a hostile file could order a long chain backwards). */
export const CONTEXT_JOINS_BOUND = 10_000;

/**
 * What came before a log that starts part-way (saved after a clear, or once a bound evicted its start):
 * the records that set up its realms, channels, workers and ports (CONTEXT_TYPES only), and the custody
 * steps of ports that moved to another realm by messages the log no longer holds. With it, the log's
 * events are still placed in their realms and matched on their channels; none of it is an event of the
 * log itself.
 */
export interface LogContext {
  records: LogRecord[];
  joins: PortJoin[];
  /** Per port, the receipts (and the sends to it) in the log whose partner event was cut: they pair
   *  with nothing, so that every later pair on the port stays in line. */
  pairsCut: CutPairs[];
}

/** What the panel keeps per realm of the facts its records carry besides the event (a log entry does
 *  not hold them: they are the same for every record of a realm). */
export interface RecordFacts {
  parentFrameId?: number;
  documentUrl?: string;
  opener?: FrameRef;
  untrusted?: UntrustedReason;
  worker?: WorkerPlace;
}

/** A log entry as a record, with its realm's facts. */
export function recordWithFacts(e: Pick<LogRecord, 'realm' | 'tabId' | 'frameId' | 'event'>, f: RecordFacts | undefined): LogRecord {
  const rec: LogRecord = { realm: e.realm, tabId: e.tabId, frameId: e.frameId, event: e.event };
  if (f?.parentFrameId !== undefined) rec.parentFrameId = f.parentFrameId;
  if (f?.documentUrl !== undefined) rec.url = f.documentUrl;
  if (f?.opener !== undefined) rec.opener = f.opener;
  if (f?.untrusted !== undefined) rec.untrusted = f.untrusted;
  if (f?.worker !== undefined) rec.worker = f.worker;
  return rec;
}

/** Keeps the facts a record (or a routed batch: `url` is the document's) brings. */
export function keepFacts(f: RecordFacts, from: Pick<LogRecord, 'parentFrameId' | 'url' | 'opener' | 'untrusted' | 'worker'>): void {
  if (from.parentFrameId !== undefined) f.parentFrameId = from.parentFrameId;
  if (from.url !== undefined) f.documentUrl = from.url;
  if (from.opener !== undefined) f.opener = from.opener;
  if (from.untrusted !== undefined) f.untrusted = from.untrusted;
  if (from.worker !== undefined) f.worker = from.worker;
}
