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
