/**
 * The correlator's internal state, shared by its modules (ports.ts, infer-ports.ts, broadcast-match.ts,
 * build-model.ts): realms as the log shows them, local ports joined into logical ports, and the sends
 * and receipts in arrival order. Not part of the model: nothing outside the correlator reads it.
 */
import type { SettledMessages } from './settled-messages';
import type { BroadcastMatcher } from './broadcast-match';
import type { FrameRealm, SourceResolution } from './correlate-frames';
import type { DropReplays } from './origin-drops';
import type { ChannelModel, CustodyVia, GapModel, MessageModel, MessageStatus, PortJoin, StatusReason, TransferModel } from './model-types';
import type { ChannelId, FrameRef, MessageFailedToDeserialize, MessageReceived, MessageSent, PortId, RealmId, RealmKind, UntrustedReason, WindowMessageDropped, WorkerPlace } from './protocol';

export interface Realm {
  id: RealmId;
  kind?: RealmKind;
  url?: string;
  origin?: string;
  tabId?: number;
  frameId?: number;
  parentFrameId?: number;
  documentUrl?: string;
  instrumented: boolean;
  creator?: RealmId;
  startT?: number;
  firstT?: number;
  lastT: number;
  highestSeq: number;
  events: number;
  gaps: GapModel[];
  missing: number;
  /** Sequence numbers of `recorderFault` events (a send or receipt may be missing there). */
  faults: number[];
  locals: LocalPort[];
  /** When it unloaded: its `realmGone` event (not persisted), or the background's report. */
  goneAt?: number;
  /** Put in the back/forward cache (`realmGone` persisted) and nothing of it since: gone for now. */
  suspendedAt?: number;
  /** Records of a popup's tab: the frame that opened the popup (LogRecord.opener). */
  opener?: FrameRef;
  /** LogRecord.untrusted, from any of its records. */
  untrusted?: UntrustedReason;
  /** A service worker: what the page side last knew of it (`serviceWorkerFound`). */
  scope?: string;
  state?: string;
  /** A worker recorded from the inside: where the browser said it runs (LogRecord.worker). */
  worker?: WorkerPlace;
  /** Its `self.name` (realmStarted.name). */
  name?: string;
  pseudo: number;
  /** Its records include the browser's reports of dropped window messages: with no `realmStarted`
   *  (no `kind`) it is the background's reporter for a tab, not a realm of the page. */
  reporter?: true;
}

/** A window message the browser dropped for its `targetOrigin` (model/origin-drops.ts). */
export interface DropRec {
  ev: WindowMessageDropped;
  /** The reporter that said so. */
  realm: Realm;
  index: number;
  /** The inspected tab it was reported for (the receiver is one of its frames). */
  tabId: number;
}

export interface LocalPort {
  id: PortId;
  realm: Realm;
  /** false: a port held by an uninstrumented realm (a worker); its id is made up. */
  observed: boolean;
  logical: Logical;
  /** Position in the root's custody. */
  index: number;
  firstT: number;
  firstSeq: number;
  via: CustodyVia;
  inferred?: boolean;
  confirmed?: boolean;
  ambiguousJoin?: boolean;
  startedT?: number;
  closedT?: number;
  lastActiveT: number;
  /** Carried away by a recorded send (or discarded by a doomed one). */
  leftT?: number;
  successor?: LocalPort;
  /** What showed its join to the previous holder (PortJoin.evidence). */
  joinedBy?: PortJoin['evidence'];
}

export interface Logical {
  id: PortId;
  parent?: Logical;
  channel?: ChannelId;
  partner?: Logical;
  custody: LocalPort[];
  /** Deliverable sends from this port, in custody then sequence order. */
  out: SendRec[];
  /** Receipts on this port, in custody then sequence order. */
  in: RecvRec[];
  /** How many of `in` are paired with the partner's `out` (positional FIFO). */
  matched: number;
  /** A gap or fault may have hidden a send or receipt: every later pair is unconfirmed. */
  unsynced: boolean;
  /** Receipts still to come on this port whose sends were cut before this correlator's start, and
   *  sends still to come to it whose receipts were (pairsCut): they pair with nothing. */
  skipReceipts: number;
  skipSends: number;
  lost?: { at: number; reason: 'doomed' | 'discarded' };
  order: number;
  /** A dedicated worker's implicit port (the spec's: a Worker object's and its worker global's ends
   *  are entangled), keyed as in State.implicit; not a MessagePort: not in the model's ports. */
  implicit?: string;
  /** What its unmatched sends said at the last model build (PendingLook). */
  look?: PendingLook;
}

export interface SendRec {
  kind: 'send';
  ev: MessageSent;
  realm: Realm;
  index: number;
  local?: LocalPort;
  /** Transferred local ports (MessagePort items, in order). */
  ports: LocalPort[];
  match?: RecvRec;
  ambiguity?: string[];
  receipts?: RecvRec[];
  /** The message built from it while nothing could change it, and the epoch it was built at. Fields,
   *  not a WeakMap: a WeakMap of 100,000 entries is an ephemeron table that every major garbage
   *  collection iterates (measured: the panel's longest pauses while scrolling a large capture). */
  settled?: MessageModel;
  settledEpoch?: number;
  /** With `settled`: a port send no receipt matches yet, built while its port looked like this (and
   *  with this ambiguity). Reused while the port still does: in a flood, tens of thousands of sends
   *  wait for receipts that the page has not delivered yet, and each build made them all again. */
  settledLook?: PendingLook;
  settledAmbiguity?: string[];
  /** Its receipt is in the part of the log cut before this correlator's start (partnersCut). */
  receiptCut?: boolean;
  /** A route-`worker` send through a dedicated worker's implicit port: that port (Logical.implicit). */
  queue?: Logical;
}

/** What a port's unmatched sends say, decided by the port alone (build-model's unmatchedPortStatus):
 *  one object per port kept while it says the same, so that a send built with it can be reused. */
export interface PendingLook {
  status: MessageStatus;
  reason: StatusReason;
  toRealm?: RealmId;
  toPort?: PortId;
  /** "Queued", while some port arrival in the log is unexplained (the partner may have moved). */
  mayHaveMoved: boolean;
}

export interface RecvRec {
  kind: 'recv';
  ev: MessageReceived | MessageFailedToDeserialize;
  realm: Realm;
  index: number;
  local?: LocalPort;
  arrived: LocalPort[];
  match?: SendRec;
  inference?: { candidates: PortId[] };
  settled?: MessageModel;
  settledEpoch?: number;
  /** Its window `source` resolved at the last model build (kept while frameChangesFrom allows). */
  source?: SourceResolution;
  /** Its send is in the part of the log cut before this correlator's start (partnersCut). */
  sendCut?: boolean;
  /** A route-`worker` receipt through a dedicated worker's implicit port: that port. */
  queue?: Logical;
}

/** Sends and receipts in arrival order (tagged, not wrapped: one object per event, not two). */
export type Item = SendRec | RecvRec;

/** Shared by every send and receipt that moves no port (most of them): an array each is 200,000
 *  arrays for the collector to walk in a large capture. Never pushed to: a port list is replaced. */
export const NO_PORTS: LocalPort[] = [];
/** The transfer list of every message that transferred nothing (the model's readers never mutate it). */
export const NO_TRANSFERS: TransferModel[] = [];

/** Everything the correlator knows; its modules read and change it. */
export interface State {
  realms: Map<RealmId, Realm>;
  locals: Map<PortId, LocalPort>;
  logicals: Logical[];
  channels: ChannelModel[];
  /** The ids in `channels`: a second `channelCreated` for one (only a forged or corrupt log has one)
   *  is ignored rather than listing the channel twice. */
  channelIds: Set<ChannelId>;
  /** Sends and receipts in arrival order. */
  items: Item[];
  /** Of those, the route-`worker` ones (service-worker-pairs.ts passes over these, not every item). */
  workerItems: Item[];
  /** Receipts that brought ports with no recorded send (window, worker): joined by inference. */
  inferable: RecvRec[];
  /** Window messages the browser dropped for their `targetOrigin`, once each (a new reporter reports
   *  the browser's earlier entries again: origin-drops.ts `DropReplays`). */
  drops: DropRec[];
  dropReplays: DropReplays;
  broadcast: BroadcastMatcher;
  /** ServiceWorker objects (`realm:sN`, ids unique over the session) → the service worker's realm. */
  serviceWorkers: Map<string, RealmId>;
  /** Worker objects (`realm:wN`) → the realm recorded inside that worker (worker-link.ts). */
  workerInside: Map<string, RealmId>;
  /** A realm recorded inside a dedicated worker → the realm whose Worker object it is. */
  insideCreator: Map<RealmId, RealmId>;
  /** Implicit ports of dedicated workers: a Worker object's by its id (`realm:wN`), the worker
   *  global's by `<inside realm>:self`. Paired like ports once the two are linked. */
  implicit: Map<string, Logical>;
  /** A shared worker's `connect` receipt → the realm whose `new SharedWorker()` made it
   *  (shared-worker-link.ts). */
  sharedClients: Map<RecvRec, RealmId>;
  /**
   * Bumped by every change that can alter a settled message: a port join, pairs undone, a gap, a
   * worker's realm. A settled message (delivered on a port, failed at its send, a window receipt)
   * built at the same epoch is taken from `settled` instead of being built again, so a redraw during
   * a flood costs little more than the new messages. Realms coming, going or moving do not bump it
   * (a page rotating frames would have every message built again per frame): of settled messages only
   * window receipts depend on them, through their senders, and the build checks those against the
   * frame tree's changes (frameChangesFrom).
   */
  epoch: number;
  duplicates: number;
  /** The window realms' frames as the last model build saw them (for frameChangesFrom). */
  frames?: Map<RealmId, FrameRealm>;
  /** What the last model build settled for good (settled-messages.ts). */
  settled?: SettledMessages;
}

/** The realm a Worker or ServiceWorker object (`worker` of a send or receipt) stands for: a service
 *  worker's is shared by every object naming its script (serviceWorkerFound); a worker's is its own. */
export function workerRealmId(st: State, worker: string): RealmId {
  return st.workerInside.get(worker) ?? st.serviceWorkers.get(worker) ?? worker;
}

/** The key of a worker global's implicit port (State.implicit). */
export const selfKey = (inside: RealmId): string => `${inside}:self`;
