/**
 * The correlator's model: what it makes of a log (realms, channels, ports with their custody, messages
 * with a status) and the custody steps and cut pairs it hands to a correlator built after a cut. Types
 * only, plus two constants; no module of the model imports back into this one (log.ts depends on it).
 */
import type { ChannelId, DroppedRange, ErrorSummary, PortId, Preview, RealmId, RealmKind, Route, UntrustedReason, WindowMessageDropped } from './protocol';

// ── the model ───────────────────────────────────────────────────────────────

/** `dropped-origin`: a `window.postMessage` the browser dropped because its `targetOrigin` did not
 *  match the receiver's origin (reported by the browser, not the page: model/origin-drops.ts). */
export type MessageStatus = 'delivered' | 'queued' | 'failed' | 'lost' | 'doomed' | 'dropped-origin' | 'in-flight';

/** Why a message has its status, when there is more to say than the status itself. */
export type StatusReason =
  | 'sendThrew'
  | 'undeserializable'
  | 'sendingPortClosed'
  | 'partnerClosed'
  | 'partnerLost'
  | 'realmGone'
  | 'notStarted'
  | 'awaitingReceipt'
  | 'inTransit'
  | 'receiverUninstrumented'
  | 'partnerUnknown'
  | 'broadcastUnmatched'
  /** Status `delivered` with no receipt: the message carried a port to an uninstrumented worker or
   *  service worker, and a message the worker sent on that port was received (docs/correlation.md). */
  | 'deliveryInferred';

/**
 * Why a message names no sending realm (`fromRealm` undefined). The correlator never names a realm or
 * port that did not send the message: where it cannot know, it says which of these stopped it.
 * - `sendNotRecorded`: the partner port was held by an instrumented realm that recorded no such send
 *   (a gap or a fault hid it, or the port moved in a way the recording does not show);
 * - `custodyUncertain`: who held the partner port then rests on an unconfirmed inference;
 * - `partnerUnknown`: the receiving port's entangled partner is not known;
 * - `sourceAmbiguous`: the window message's `source` fits several realms (or an origin that does not match);
 * - `sourceOutsideTab`: `event.source` is a window outside the recorded session;
 * - `sourceNone`: the event had no `source` (a message from a worker or service worker with none);
 * - `frameUnknown`: the receiving frame's place in the frame tree is not known;
 * - `broadcastUnmatched`: no recorded send on that channel name accounts for the receipt (it may come
 *   from another tab of the origin);
 * - `broadcastAmbiguous`: several recorded sends could be the one received;
 * - `callSiteUnmatched`: a dropped window message (`dropped-origin`): the browser named the sender's
 *   call site only, and no window of the session was at that document URL (an external script);
 * - `callSiteAmbiguous`: several windows were at that URL;
 * - `sharedWorkerClient`: a shared worker's `connect` that no recorded `new SharedWorker()` of the
 *   session pairs with (shared-worker-link.ts): a page of another tab, or one made before the
 *   recording.
 */
export type SenderUnknownReason =
  | 'sendNotRecorded'
  | 'custodyUncertain'
  | 'partnerUnknown'
  | 'sourceAmbiguous'
  | 'sourceOutsideTab'
  | 'sourceNone'
  | 'frameUnknown'
  | 'broadcastUnmatched'
  | 'broadcastAmbiguous'
  | 'callSiteUnmatched'
  | 'callSiteAmbiguous'
  | 'sharedWorkerClient';

/** One receipt of a broadcast: a broadcast is one send with one receipt per receiving BroadcastChannel
 *  object (never its own). */
export interface DeliveryModel {
  toRealm: RealmId;
  /** The receiving BroadcastChannel object's local id. */
  bc?: string;
  receivedAt: number;
  latency?: number;
  receipt: EventRef;
  /** Failed to deserialize there (`messageerror`). */
  failed?: boolean;
  /** The match rests on a choice between several sends the guards could not tell apart. */
  ambiguous?: boolean;
}

export interface GapModel {
  realm: RealmId;
  /** Missing sequence numbers, inclusive. */
  from: number;
  to: number;
  reason: DroppedRange['reason'] | 'unknown';
  /** Time of the realm's last event before the gap and first event after it (timeline placement). */
  after?: number;
  before?: number;
}

export interface RealmModel {
  id: RealmId;
  kind: RealmKind | 'unknown';
  url?: string;
  origin?: string;
  /** Its recording cannot be vouched for (docs/security.md): what it shows may have been forged by
   *  the page that created its window. */
  untrusted?: UntrustedReason;
  /** The realm of the parent frame (frame tree); for a popup the realm that opened it; for a worker the
   *  realm that created it; for a service worker the first realm that found it. */
  parent?: RealmId;
  tabId?: number;
  frameId?: number;
  /** false for workers: no events come from inside them; they are known from their creator. */
  instrumented: boolean;
  startedAt?: number;
  /** When it went: unloaded (its `realmGone` event), a later realm replaced it in its frame, or the
   *  background reported it gone; or, with `persisted`, when it went into the back/forward cache. */
  goneAt?: number;
  /** Gone for now: in the back/forward cache (it may come back; its later events clear this). */
  persisted?: boolean;
  /** A service worker: its registration's scope and its last known state, as the page side saw them. */
  scope?: string;
  state?: string;
  events: number;
  gaps: number;
  /** Missing sequence numbers. */
  missing: number;
  faults: number;
  /** A worker recorded from the inside (issue 13): its `self.name`, when it has one. */
  name?: string;
  /** Its events come from inside the worker (the debugging protocol ran the recorder there). */
  recordedInside?: true;
  /** A dedicated worker recorded from the inside: the Worker object (`realm:wN`) its creator made
   *  it with, which the creator's sends and receipts name. */
  workerObject?: string;
}

export interface ChannelModel {
  id: ChannelId;
  createdIn: RealmId;
  createdAt: number;
  /** Logical port ids (port1, port2). */
  ports: [PortId, PortId];
}

export const CUSTODY_VIAS = ['created', 'port', 'window', 'worker', 'unknown'] as const;
export type CustodyVia = (typeof CUSTODY_VIAS)[number];

export interface CustodySpan {
  realm: RealmId;
  /** The port's local id in that realm (undefined in an uninstrumented realm: a worker). */
  localId?: PortId;
  from: number;
  /** When it left (transferred, or lost); undefined while it is held. */
  to?: number;
  /** How it got there. */
  via: CustodyVia;
  /** The join with the previous holder was inferred (no recorded send) … */
  inferred?: boolean;
  /** … and later traffic confirmed it. */
  confirmed?: boolean;
  /** The join could not be confirmed by the guards. */
  ambiguous?: boolean;
  started: boolean;
  closed: boolean;
  /** When this holder started it (`onmessage` set, or `start()`): the state at a past moment needs it (playback.ts). */
  startedAt?: number;
  /** When this holder closed it. */
  closedAt?: number;
}

export interface PortModel {
  /** The first local id the port had. */
  id: PortId;
  channel?: ChannelId;
  entangledWith?: PortId;
  custody: CustodySpan[];
  /** Started by its current holder. */
  started: boolean;
  closed: boolean;
  /** The port was discarded: it was the partner in a doomed message's transfer list, or it travelled
   *  in a message that went nowhere (doomed, or sent on or to a closed port). */
  lost?: { at: number; reason: 'doomed' | 'discarded' };
  /** Ports that arrived by a window/worker message and could be any of these (not joined). */
  candidates?: PortId[];
}

export interface TransferModel {
  kind: string;
  /** Logical port id, for a MessagePort. */
  port?: PortId;
  byteLength?: number;
}

export interface EventRef {
  realm: RealmId;
  seq: number;
  /** Arrival index in the log (0-based, over every record appended). */
  index: number;
}

export interface MessageModel {
  /** `${realm}#${seq}` of the send, or of the receipt when no send is recorded. */
  id: string;
  route: Route;
  fromRealm?: RealmId;
  toRealm?: RealmId;
  fromPort?: PortId;
  toPort?: PortId;
  channelName?: string;
  worker?: string;
  /** Route `broadcast`: the sending BroadcastChannel object's local id (of the receipt when no send is recorded). */
  bc?: string;
  sentAt?: number;
  /** The first receipt's time. The latency is `latencyOf`: kept apart, it was a boxed number more per
   *  message in the heap (100,000 in a large capture). */
  receivedAt?: number;
  status: MessageStatus;
  reason?: StatusReason;
  /** Set when `fromRealm` is undefined: why the sender is not named. */
  senderUnknown?: SenderUnknownReason;
  /** Route `broadcast`: every receipt of the send (`receivedAt`/`receipt`/`toRealm` are the first's;
   *  `toRealm` is undefined when there are several). */
  deliveries?: DeliveryModel[];
  /** The guards could not confirm the match (or the sender): never silently assumed. */
  ambiguous: boolean;
  ambiguity?: string[];
  error?: ErrorSummary;
  transfers: TransferModel[];
  preview?: Preview;
  size?: number;
  send?: EventRef;
  receipt?: EventRef;
  /** A replay the user asked for in the panel: the id of the message it sent again (docs/replay.md). */
  replayOf?: string;
  /** Status `dropped-origin`: what the browser said (`send` is the reporter's event). */
  dropped?: DroppedOrigin;
}

/** A `window.postMessage` dropped for its `targetOrigin`, as the browser reported it: both origins,
 *  and the sender's call site (script URL, 1-based line and column, stack text) when given. */
export type DroppedOrigin = Pick<WindowMessageDropped, 'targetOrigin' | 'recipientOrigin' | 'url' | 'line' | 'column' | 'stack'>;

export interface Totals {
  /** Every message, once (with or without a recorded send): the sum of the statuses below. */
  sent: number;
  delivered: number;
  queued: number;
  failed: number;
  lost: number;
  doomed: number;
  droppedOrigin: number;
  inFlight: number;
  ambiguous: number;
  /** Gap records and missing sequence numbers over all realms. */
  gaps: number;
  missing: number;
  events: number;
  duplicates: number;
  faults: number;
}

export interface CaptureModel {
  realms: RealmModel[];
  channels: ChannelModel[];
  ports: PortModel[];
  messages: MessageModel[];
  gaps: GapModel[];
  totals: Totals;
}

/** One end of a custody step (see PortJoin). */
export interface JoinEnd {
  /** The port's local id in `realm` (made up, `worker:?n`, in an uninstrumented realm). */
  id: PortId;
  realm: RealmId;
  observed: boolean;
  /** Time and sequence number of its first event in `realm` (0 where unobserved). */
  t: number;
  seq: number;
}

/**
 * One step of a logical port's custody: `to` is the same port as `from`, moved on. A correlator built
 * anew over part of a log (the panel's rebuilds after a clear or an eviction) is given the joins whose
 * evidence — the message that carried the port — it no longer holds; it makes the others itself.
 */
export interface PortJoin {
  from: JoinEnd;
  to: JoinEnd;
  via: CustodyVia;
  inferred?: boolean;
  confirmed?: boolean;
  ambiguous?: boolean;
  /** When `from` left (the carrying send, or the arrival of an inferred join). */
  leftT?: number;
  /** The events that showed the join (the send and the receipt, or the receipt of an inferred one). */
  evidence: Array<{ realm: RealmId; seq: number }>;
}


/** Of the traffic into `port` (a logical port id) after a cut, how many receipts, and how many sends
 *  to it, pair with an event that was cut. */
export interface CutPairs {
  port: PortId;
  receipts: number;
  sends: number;
}

/** Cross-process clocks are close but not equal: a receipt may read this much earlier than its send. */
export const CLOCK_SKEW_MS = 20;

/** A message's place in time: its send, or its receipt when no send is recorded (model order and
 *  playback both go by it). */
export const timeOfMessage = (m: MessageModel): number => m.sentAt ?? m.receivedAt ?? 0;

/** From send to (first) receipt, in ms, when both are recorded (negative: the two realms' clocks
 *  disagree by more than it took). */
export const latencyOf = (m: Pick<MessageModel, 'sentAt' | 'receivedAt'>): number | undefined => (m.sentAt !== undefined && m.receivedAt !== undefined ? m.receivedAt - m.sentAt : undefined);

/** The realm of a service worker: one per script in the session, whichever ServiceWorker objects name it. */
export const serviceWorkerRealmId = (scriptURL: string): string => `serviceworker:${scriptURL}`;
