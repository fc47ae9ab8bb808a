/**
 * The wire protocol: every fact the recorder emits, as one versioned discriminated union.
 *
 * Events are produced in the page's main world (`inject/`), travel as JSON through the content
 * relay and the background router, and are consumed by the panel and by the correlator. Every
 * `switch` over `EntangleEvent['type']` must be exhaustive (see `assertNever`).
 */

export const PROTOCOL_VERSION = 1 as const;

/** A realm's random id, chosen when the recorder starts in that global. */
export type RealmId = string;
/** `${realm}:${n}` — the local id a realm gives a MessagePort object the first time it sees it. */
export type PortId = string;
export type ChannelId = string;

/** `popup`: the top window of another tab, opened by a realm of the inspected tab (`window.open`); it
 *  belongs to the opener's session. `serviceworker`: known from the page side (`serviceWorkerFound`). */
export type RealmKind = 'top' | 'iframe' | 'popup' | 'worker' | 'sharedworker' | 'serviceworker';
export type WindowRelation = 'self' | 'parent' | 'top' | 'opener' | 'child' | 'other' | 'none';
export type Route = 'port' | 'window' | 'worker' | 'broadcast';

/** One item of a transfer list, summarised without reading anything that could run page code. */
export type TransferSummary =
  | { kind: 'MessagePort'; port: PortId }
  | { kind: 'ArrayBuffer'; byteLength: number }
  | { kind: string };

export interface ErrorSummary {
  name: string;
  message: string;
  /** A `DataCloneError`: where in the payload the first value that cannot be cloned sits, in the
   *  order structured clone visits it (`payload.handlers[2]`, `payload.el`, `payload` itself). Absent
   *  when the recorder cannot tell without running page code (the value sits behind a getter, or it is
   *  a Proxy: see docs/recording.md). */
  path?: string;
  /** What that value is: `Function`, `Symbol`, `HTMLDivElement`, `WeakMap`, `Proxy`, … */
  culprit?: string;
}

/**
 * What the sender can tell about a send that did not throw.
 * - `posted`: handed to the browser.
 * - `doomed`: the transfer list held the sending port's own entangled partner; the browser
 *   discards the message and the channel is lost (HTML "message port post message steps").
 * - `portClosed`: the sending port was closed (or transferred away) in this realm; the message goes nowhere.
 * - `partnerClosed`: the partner port is known (in this realm) to be closed; the message goes nowhere.
 */
export type SendOutcome = 'posted' | 'doomed' | 'portClosed' | 'partnerClosed';

/**
 * A bounded, JSON-safe description of a structured-clone value. Primitives that JSON can carry are
 * themselves; everything else is a tagged object, so a payload key can never be mistaken for a tag.
 */
export type Preview =
  | null
  | boolean
  | number
  | string
  | { $t: 'undefined' }
  | { $t: 'number'; v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { $t: 'bigint'; v: string }
  | { $t: 'string'; v: string; length: number } // truncated string
  | { $t: 'object'; entries: [string, Preview][]; more: number }
  | { $t: 'array'; items: Preview[]; length: number }
  | { $t: 'map'; entries: [Preview, Preview][]; size: number }
  | { $t: 'set'; items: Preview[]; size: number }
  | { $t: 'date'; v: number }
  | { $t: 'regexp'; source: string; flags: string }
  | { $t: 'boxed'; kind: 'Number' | 'String' | 'Boolean' | 'BigInt'; v: Preview }
  | { $t: 'arraybuffer'; byteLength: number; head: string; detached?: boolean }
  | { $t: 'typedarray'; kind: string; length: number; byteLength: number; head: string }
  | { $t: 'blob'; kind: 'Blob' | 'File'; size: number; type: string; name?: string; lastModified?: number }
  | { $t: 'imagedata'; width: number; height: number }
  | { $t: 'error'; name: string; message: string }
  | { $t: 'platform'; kind: string } // MessagePort, ImageBitmap, CryptoKey, FileList, … shown by kind
  | { $t: 'cycle'; path: string }
  /** `unreached`: after the value a failed send could not clone — the browser stopped there, so the
   *  recorder looks no further (what lies beyond was never checked and may run page code). */
  | { $t: 'truncated'; reason: 'depth' | 'budget' | 'unreached' }
  /** A part that cannot be looked at without running page code (a Proxy, for one), so not walked. */
  | { $t: 'opaque'; kind: string }
  | { $t: 'accessor'; key: string } // sender side: a getter we refused to call
  | { $t: 'uncloneable'; kind: string } // a value structured clone rejects (function, symbol, DOM node)
  | { $t: 'skipped'; reason: 'load' } // over the recorder's preview budget (previews per second)
  | { $t: 'unreadable' }; // reading it failed (a sender-side Proxy whose traps throw, for instance)

interface EventBase {
  /** Per-realm sequence number, 1-based and contiguous: a jump is a gap. */
  seq: number;
  /** Milliseconds since the epoch, sub-millisecond precision (`performance.timeOrigin + now()`). */
  t: number;
}

export interface RealmStarted extends EventBase {
  type: 'realmStarted';
  kind: RealmKind;
  url: string;
  origin: string;
  protocol: typeof PROTOCOL_VERSION;
  /** A worker recorded from the inside: its `self.name` when not empty (at most WORKER_NAME_CHARS). */
  name?: string;
}

export interface ChannelCreated extends EventBase {
  type: 'channelCreated';
  channel: ChannelId;
  port1: PortId;
  port2: PortId;
}

/**
 * A send, recorded by the sending realm. Route `window` has no sends: `window.postMessage` is not
 * wrapped (a wrapper would become the message's incumbent realm and change `event.source`), so window
 * messages are known from their receipt, which names the sender (`MessageReceived.source`).
 */
export interface MessageSent extends EventBase {
  type: 'messageSent';
  route: Route;
  /** Sending port (route `port`). */
  port?: PortId;
  /** Its entangled partner, when this realm knows it. */
  partner?: PortId;
  /** Route `broadcast`: the channel name. */
  channelName?: string;
  /** Route `worker`: the local id of the Worker (`realm:wN`) or ServiceWorker (`realm:sN`) object;
   *  inside a dedicated worker, WORKER_SELF for `self.postMessage` (to the worker's owner). */
  worker?: string;
  /** Route `worker` inside a service worker: the URL of the client posted to (`Client.postMessage`). */
  client?: string;
  /** Route `broadcast`: the local id of the sending BroadcastChannel object (`realm:bN`). */
  bc?: string;
  transfer: TransferSummary[];
  /** Approximate structured-clone size in bytes (bounded walk: `sizeCapped` when it stopped early).
   *  Absent when an instrumented receiver measures the payload (the receipt carries it); present when
   *  the sender previews, and for a send that threw or went nowhere. */
  size?: number;
  sizeCapped?: boolean;
  /** Present when the receiving end is not instrumented (workers, service workers, a port whose other
   *  end went into one), and for every send that will never be received (threw, doomed, sent on or to a
   *  closed port): the sender previews instead. */
  preview?: Preview;
  outcome: SendOutcome;
  /** The send threw: the page got exactly this exception. */
  error?: ErrorSummary;
  stack?: string;
  /** A replay the user asked for in the panel (docs/replay.md): the id (`realm#seq`) of the message
   *  it sends again. */
  replayOf?: string;
}

export interface MessageReceived extends EventBase {
  type: 'messageReceived';
  route: Route;
  /** Receiving port (route `port`). */
  port?: PortId;
  /** `event.origin` as the browser set it. */
  origin: string;
  /** Route `window`: how `event.source` relates to the receiving window (identity comparisons,
   *  which work across origins), so the sender's realm can be found in the frame tree. */
  source?: WindowRelation;
  /** With `source: 'child'`: the index of that child in `window.frames`. */
  childIndex?: number;
  channelName?: string;
  /** Route `worker`: the Worker the message came from, or for a message on `navigator.serviceWorker`,
   *  the ServiceWorker that sent it (`event.source`); inside a dedicated worker, WORKER_SELF for a
   *  `message` on its global (from its owner). */
  worker?: string;
  /** Route `worker` inside a service worker: the URL of the client that posted (`event.source.url`). */
  client?: string;
  /** Route `broadcast`: the local id of the receiving BroadcastChannel object. */
  bc?: string;
  /** Ports that arrived in `event.ports`, with the local ids this realm gave them. */
  ports: PortId[];
  /** Absent, like the preview's content, when the receipt was over the preview budget. */
  size?: number;
  sizeCapped?: boolean;
  preview: Preview;
  /** Route `window` (whose sends are not recorded): the receipt of a replay the user asked for in the
   *  panel, as the receiving recorder was told to expect it (docs/replay.md): the id of the original. */
  replayOf?: string;
}

/** A `messageerror` event: the message arrived but could not be deserialized. */
export interface MessageFailedToDeserialize extends EventBase {
  type: 'messageUndeserializable';
  route: Route;
  port?: PortId;
  origin: string;
  channelName?: string;
  worker?: string;
  /** As MessageReceived.client. */
  client?: string;
  bc?: string;
}

export interface PortStarted extends EventBase {
  type: 'portStarted';
  port: PortId;
  /** true when started by setting `onmessage`, false for an explicit `start()`. */
  implicit: boolean;
}

export interface PortClosed extends EventBase {
  type: 'portClosed';
  port: PortId;
}

export interface WorkerCreated extends EventBase {
  type: 'workerCreated';
  worker: string;
  url: string;
  workerType: 'classic' | 'module';
  /** The `name` option (the worker's `self.name`), when one was given as a string; at most
   *  WORKER_NAME_CHARS characters (then ending in `…`). A SharedWorker's second argument may be the
   *  name itself. */
  name?: string;
  /** A `new SharedWorker()`: the local id of its `port`, the page's end of the connection. The
   *  worker's end arrives inside the shared worker with its `connect` (SHARED_WORKER_CONNECT), which
   *  the model pairs with this creation by script URL, name and order (model/shared-worker-link.ts).
   *  Absent for a dedicated `Worker`. */
  sharedPort?: PortId;
}

export const WORKER_NAME_CHARS = 200;

/** The `worker` of a route-`worker` send or receipt made inside a dedicated worker through its own
 *  global (`self.postMessage`, a `message` on `self`): the other end is the owner's Worker object. */
export const WORKER_SELF = 'self';

/** The `worker` of a `connect` receipt inside a shared worker (a page ran `new SharedWorker()`): the
 *  port it carries is the partner of that page's `SharedWorker.port`. No Worker object sent it: the
 *  browser made both ends, and the page posted nothing. */
export const SHARED_WORKER_CONNECT = 'connect';

/** Every string a preview holds (keys, RegExp sources, constructor names included) is cut to this many
 *  characters, then marked with `…` (inject/preview.ts). */
export const PREVIEW_STRING_CHARS = 160;

/** Longest text anywhere in a preview that the extension accepts (model/validate-preview.ts): a BigInt's
 *  decimal digits, with its sign, are kept whole up to this, and a longer one is previewed as over
 *  the budget (inject/preview.ts): one value must not cost its batch. */
export const PREVIEW_TEXT_MAX = 16_384;

/** `new BroadcastChannel(name)`: a receiving end exists from now on (it never receives its own posts). */
export interface BroadcastChannelCreated extends EventBase {
  type: 'broadcastChannelCreated';
  bc: string;
  channelName: string;
}

/** `BroadcastChannel.prototype.close()`: it receives nothing from now on. */
export interface BroadcastChannelClosed extends EventBase {
  type: 'broadcastChannelClosed';
  bc: string;
}

/**
 * A ServiceWorker object seen for the first time in this realm (`navigator.serviceWorker.controller`,
 * `registration.active`, a message's `source`…), or seen again with more known (its scope, found
 * asynchronously, or a new state). The service worker itself is not instrumented: this is what the
 * page side knows of it.
 */
export interface ServiceWorkerFound extends EventBase {
  type: 'serviceWorkerFound';
  /** Local id of the ServiceWorker object (`realm:sN`), as in sends and receipts. */
  worker: string;
  scriptURL: string;
  /** `parsed`, `installing`, `installed`, `activating`, `activated` or `redundant`. */
  state: string;
  scope?: string;
}

/**
 * The document is going away (`pagehide`): unloaded (navigated, its frame removed, its popup closed)
 * or, when `persisted`, put in the back/forward cache (it may come back: later events say so).
 */
export interface RealmGone extends EventBase {
  type: 'realmGone';
  persisted: boolean;
}

/** The recorder failed to describe something (a bug, or a hostile page): the event it would have
 *  recorded is replaced by this, so the loss is visible rather than silent. */
export interface RecorderFault extends EventBase {
  type: 'recorderFault';
  /** What was being recorded: 'send', 'receipt', 'channel', 'worker', 'lifecycle'. */
  during: string;
  message: string;
}

/**
 * A `window.postMessage` the browser dropped because its `targetOrigin` did not match the receiving
 * window's origin. Not recorded by a page's recorder (no page can see it): the background reports it
 * from the debugging protocol while "Record inside workers" has it attached to the tab (a
 * `Log.entryAdded` warning of source `security`; docs/recording.md). The browser reports it only when
 * the receiver runs in the sender's process (same site), and names neither frame: the sender by the
 * call site of its `postMessage`, the receiver by its origin. These events come in a stream of their
 * own (`realm` is the background's reporter for the tab, `frameId` -1), never in a recorder's batch.
 *
 * Added to protocol version 1 without a version change: a reader that does not know the type rejects
 * the reporter's batches only (a counted gap), since no recorder's batch holds one.
 */
export interface WindowMessageDropped extends EventBase {
  type: 'windowMessageDropped';
  /** The origin the sender asked for (`postMessage(data, targetOrigin)`), as the browser serialized it. */
  targetOrigin: string;
  /** The origin of the window the message was addressed to. */
  recipientOrigin: string;
  /** The script of the sender's `postMessage` call (the document's URL for an inline script). */
  url?: string;
  /** 1-based line and column of that call. */
  line?: number;
  column?: number;
  /** The sender's stack as the browser gave it, one `    at fn (url:line:column)` line per frame (at
   *  most DROPPED_STACK_FRAMES frames). */
  stack?: string;
}

export const DROPPED_STACK_FRAMES = 20;
/** Longest call-site URL a `windowMessageDropped` holds (a `data:` document's URL can be megabytes). */
export const DROPPED_URL_CHARS = 2_048;
/** Longest stack text a `windowMessageDropped` holds. */
export const DROPPED_STACK_CHARS = 8_000;

export type EntangleEvent =
  | RealmStarted
  | ChannelCreated
  | MessageSent
  | MessageReceived
  | MessageFailedToDeserialize
  | PortStarted
  | PortClosed
  | WorkerCreated
  | BroadcastChannelCreated
  | BroadcastChannelClosed
  | ServiceWorkerFound
  | RealmGone
  | RecorderFault
  | WindowMessageDropped;

export type EventType = EntangleEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
  'realmStarted',
  'channelCreated',
  'messageSent',
  'messageReceived',
  'messageUndeserializable',
  'portStarted',
  'portClosed',
  'workerCreated',
  'broadcastChannelCreated',
  'broadcastChannelClosed',
  'serviceWorkerFound',
  'realmGone',
  'recorderFault',
  'windowMessageDropped',
];

/** Events of one realm, in sequence order: what the panel reads a batch as (and one of the two
 *  forms a batch crosses in, see WireBatch). */
export interface Batch {
  v: typeof PROTOCOL_VERSION;
  realm: RealmId;
  events: EntangleEvent[];
}

/**
 * The compact form the recorder writes (docs/recording.md, "The wire format"): each distinct event of
 * the batch once, without its time and number (`shapes`, each with `t` and `seq` 0), then per event the
 * index of its shape (`of`) and its time (`t`: the first event's in full, then each event's difference
 * from the one before, in milliseconds rounded to microseconds). Event `i` is `shapes[of[i]]` with
 * `seq: first + i` and its time. A flood of the same send on one port, with receipts over the preview
 * budget, is two shapes and a few characters per event, instead of ~150 characters each.
 */
export interface ShapedBatch {
  v: typeof PROTOCOL_VERSION;
  form: 'shapes';
  realm: RealmId;
  first: number;
  shapes: EntangleEvent[];
  of: number[];
  t: number[];
}

/** A batch as it crosses from a recorder to the panel: the two forms, told apart by `form` (absent in
 *  a Batch). The recorder writes shapes, the background's own reports (originDropStream.ts) events;
 *  the panel reads both. */
export type WireBatch = Batch | ShapedBatch;

/** A batch as the background delivers it: tagged with where it came from. */
export interface RoutedBatch {
  tabId: number;
  frameId: number;
  parentFrameId?: number;
  /** Documents' URL as the browser reports it for the sender. */
  url?: string;
  batch: Batch;
  /** Sequence numbers the relay had to drop for this realm, just before this batch's first event. */
  dropped?: DroppedRange;
  /** The batch comes from a popup's tab (`window.open`, popups of popups too): the frame that opened
   *  that tab's top window, in the inspected tab or in another popup of its session. */
  opener?: FrameRef;
  /** The relay could not vouch for this realm's recording (see UntrustedReason). */
  untrusted?: UntrustedReason;
  /** The batch comes from a worker recorded from the inside (issue 13; `frameId` is then -1: a worker
   *  is no frame). */
  worker?: WorkerPlace;
}

/** Where a worker recorded from the inside runs, as the browser's debugging protocol told it. */
export interface WorkerPlace {
  /** The protocol's target id of the worker. */
  target: string;
  type: 'worker' | 'sharedworker' | 'serviceworker';
  /** The worker's script URL as the browser reports it. */
  url: string;
  /** A nested worker: the target id of the worker that started it. */
  parent?: string;
}

/**
 * Why a realm's recording cannot be vouched for (docs/security.md). `inheritedWindow`: the first
 * document of a frame or popup that is same-origin with the page that created it reuses the initial
 * about:blank's Window and JavaScript realm, which that page's scripts could reach (patch built-ins,
 * listen on the new document) before the recorder started; decided by the relay, in the isolated
 * world, where no page script reaches.
 */
export type UntrustedReason = 'inheritedWindow';
export const UNTRUSTED_REASONS: readonly UntrustedReason[] = ['inheritedWindow'];

export interface FrameRef {
  tabId: number;
  frameId: number;
}

export interface DroppedRange {
  from: number;
  to: number;
  /** `unwatched`: the relay kept only its document's first and newest events while no panel had
   *  ever listened for the tab (UNWATCHED_* in model/relay.ts). */
  reason: 'relayBufferFull' | 'batchRejected' | 'unwatched';
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
