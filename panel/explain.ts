/**
 * Plain-words explanations for the inspector: why a message has its status, what a postMessage
 * exception means, why a match is marked ambiguous, why part of the log is missing. Pure functions
 * returning plain strings (the view renders them as React text). Statuses and reasons are the
 * correlator's (model/correlator.ts, docs/correlation.md); the exception texts are the ones Chromium
 * and Firefox throw from postMessage (test/fixtures/fidelity.js exercises them).
 */
import type { DroppedOrigin, MessageModel, MessageStatus, SenderUnknownReason, StatusReason, TransferModel } from '../model/correlator';
import type { ErrorSummary, PortId, Route } from '../model/protocol';
import { UNWATCHED_HEAD_EVENTS } from '../model/relay';
import type { GapReason } from './store';

// ── statuses ────────────────────────────────────────────────────────────────

export function statusLabel(status: MessageStatus): string {
  switch (status) {
    case 'delivered':
      return 'Delivered';
    case 'queued':
      return 'Queued';
    case 'failed':
      return 'Failed';
    case 'lost':
      return 'Lost';
    case 'doomed':
      return 'Doomed';
    case 'dropped-origin':
      return 'Dropped';
    case 'in-flight':
      return 'In flight';
  }
}

/** A short phrase for a status reason (the status line). */
export function reasonLabel(reason: StatusReason): string {
  switch (reason) {
    case 'sendThrew':
      return 'postMessage threw';
    case 'undeserializable':
      return 'the receiver could not deserialize it';
    case 'sendingPortClosed':
      return 'the sending port was closed';
    case 'partnerClosed':
      return 'the receiving port was closed';
    case 'partnerLost':
      return 'the receiving port was discarded';
    case 'realmGone':
      return "the receiver's page or frame is gone";
    case 'notStarted':
      return 'the receiving port was never started';
    case 'awaitingReceipt':
      return 'no receipt recorded yet';
    case 'inTransit':
      return 'the receiving port is being transferred';
    case 'receiverUninstrumented':
      return 'the receiver is not recorded';
    case 'partnerUnknown':
      return 'the receiving port is unknown';
    case 'broadcastUnmatched':
      return 'no receipt recorded';
    case 'deliveryInferred':
      return 'delivered (the worker used a port it carried)';
  }
}

/** Why a message has its status, in a sentence or two. */
export function explainStatusReason(reason: StatusReason): string {
  switch (reason) {
    case 'sendThrew':
      return 'postMessage threw an exception, so the message was never sent. The page got exactly this exception.';
    case 'undeserializable':
      return 'The message reached the receiver, but it could not be deserialized there: a messageerror event fired instead of a message event. This happens with values that may not cross into that context, such as a SharedArrayBuffer or a WebAssembly.Module sent to a context in another agent cluster (a different process, or a page that is not cross-origin isolated).';
    case 'sendingPortClosed':
      return 'The sending port was already closed (or had been transferred away) when postMessage was called: the browser silently drops the message and postMessage does not throw.';
    case 'partnerClosed':
      return 'The port at the other end of the channel was closed: the message goes nowhere, and the browser does not report it to the sender.';
    case 'partnerLost':
      return 'The port at the other end of the channel was discarded: it travelled in a message that itself went nowhere (a doomed message, or one sent on or to a closed port), so nothing can receive this message.';
    case 'realmGone':
      return 'The page, frame or worker holding the receiving port went away (navigated, was removed or reloaded) before the message was received.';
    case 'notStarted':
      return 'The receiving port was never started: messages wait in its queue until start() is called or onmessage is set. addEventListener("message", …) alone does not start a port.';
    case 'awaitingReceipt':
      return 'The receiving port is started, but no receipt has been recorded yet: the message may still be on its way, or the receiver is busy.';
    case 'inTransit':
      return 'The receiving port is itself being transferred in another message that has not been received yet; queued messages travel with it and are delivered where it arrives.';
    case 'receiverUninstrumented':
      return 'The receiver is a worker, and Entangle does not record inside workers: delivery cannot be confirmed, only the send.';
    case 'partnerUnknown':
      return 'The port at the other end is not known to the recording: it was created before the recorder ran, or its arrival fell in a gap of the recording. Delivery cannot be confirmed.';
    case 'broadcastUnmatched':
      return 'No receipt of this BroadcastChannel message was recorded: no other BroadcastChannel object with this name in the same origin received it, or its receivers are not recorded (workers, other tabs).';
    case 'deliveryInferred':
      return 'The receiver is a worker or service worker, which Entangle does not record inside, so there is no receipt and no receipt time. But it sent a message on a port that this message carried to it, so this message evidently arrived.';
  }
}

const DOOMED =
  "The transfer list held the sending port's own partner (the port at the other end of this channel). The browser silently discards such a message and the channel is broken; postMessage does not throw (HTML's \"message port post message steps\").";

// ── exceptions ──────────────────────────────────────────────────────────────

export type ErrorFamily =
  | 'undeserializable'
  | 'sharedArrayBuffer'
  | 'duplicate'
  | 'sourcePort'
  | 'detached'
  | 'uncloneable'
  | 'notTransferable'
  | 'transferNotList'
  | 'closedChannel'
  | 'invalidState'
  | 'targetOrigin'
  | 'tooLarge'
  | 'missingArgument'
  | 'illegalInvocation'
  | 'other';

export interface ErrorExplanation {
  family: ErrorFamily;
  text: string;
}

export interface ErrorContext {
  route?: Route;
  /** The message's transfer list (logical port ids for ports). */
  transfers?: readonly TransferModel[];
  /** The sending port (logical id). */
  fromPort?: PortId;
}

/** The value Chromium names in "…: <what> could not be cloned." (`function f() {}`, `HTMLDivElement object`). */
function clonedWhat(message: string): string | undefined {
  const m = /(?:^|: )([^:]*?) could not be cloned/.exec(message);
  const what = m?.[1]?.trim();
  if (!what || /^(the object|an? object|object|value|the value|data)$/i.test(what)) return undefined;
  return what.length > 80 ? `${what.slice(0, 79)}…` : what;
}

function duplicateInTransfers(transfers: readonly TransferModel[]): boolean {
  const seen = new Set<string>();
  for (const t of transfers) {
    if (t.port === undefined) continue;
    if (seen.has(t.port)) return true;
    seen.add(t.port);
  }
  return false;
}

/** "a Function", "an Object", "an HTMLDivElement" (an acronym read letter by letter: "an SVG…"). */
function withArticle(what: string): string {
  const an = /^[AEIOU]/i.test(what) || /^[FHLMNRSX][A-Z]/.test(what);
  return `${an ? 'an' : 'a'} ${what}`;
}

/**
 * Where a `DataCloneError` sits in the payload (`ErrorSummary.path` / `.culprit`, found by the
 * recorder): "`payload.handlers[2]` is a Function, which structured clone cannot copy." Undefined
 * without a path.
 */
export function explainCloneCulprit(error: ErrorSummary): string | undefined {
  const path = typeof error.path === 'string' && error.path !== '' ? error.path : undefined;
  if (path === undefined) return undefined;
  const culprit = typeof error.culprit === 'string' && error.culprit !== '' ? error.culprit : undefined;
  return culprit !== undefined
    ? `\`${path}\` is ${withArticle(culprit)}, which structured clone cannot copy.`
    : `\`${path}\` is a value structured clone cannot copy.`;
}

/** What a postMessage exception (or a `messageerror`) means, from its name, message and the transfer list. */
export function explainError(error: ErrorSummary, ctx: ErrorContext = {}): ErrorExplanation {
  const found = explainError1(error, ctx);
  const where = error.name === 'DataCloneError' ? explainCloneCulprit(error) : undefined;
  return where !== undefined ? { family: found.family, text: `${where} ${found.text}` } : found;
}

function explainError1(error: ErrorSummary, ctx: ErrorContext): ErrorExplanation {
  const name = typeof error.name === 'string' ? error.name : '';
  const message = typeof error.message === 'string' ? error.message : '';
  const transfers = ctx.transfers ?? [];
  const has = (re: RegExp): boolean => re.test(message);

  if (name === 'messageerror') return { family: 'undeserializable', text: explainStatusReason('undeserializable') };
  if (has(/SharedArrayBuffer/i))
    return {
      family: 'sharedArrayBuffer',
      text: 'A SharedArrayBuffer can only be posted when the page is cross-origin isolated (served with Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers, so that self.crossOriginIsolated is true), and only to contexts in the same agent cluster.',
    };
  if (has(/duplicate|more than once|twice/i) || (name === 'DataCloneError' && duplicateInTransfers(transfers)))
    return { family: 'duplicate', text: 'The transfer list contains the same object twice: each port or buffer may appear in it only once.' };
  if (has(/source port|contains the source|transfer(?:red)? (?:a port )?(?:through |to )?itself|itself/i) || (ctx.fromPort !== undefined && transfers.some((t) => t.port === ctx.fromPort)))
    return { family: 'sourcePort', text: 'A port cannot be sent through itself: the transfer list holds the very port postMessage was called on. Send the other end of another channel, or post on a different port.' };
  if (has(/detached|neutered/i)) {
    const bitmap = has(/ImageBitmap/);
    return {
      family: 'detached',
      text: bitmap
        ? 'An ImageBitmap in the message or transfer list was already transferred (detached, or closed): it has no data left to send.'
        : 'An ArrayBuffer in the message or transfer list was already transferred (detached): after a transfer the sender\u2019s buffer is empty and cannot be sent or transferred again. Copy it (buffer.slice()) before transferring if the sender needs it.',
    };
  }
  if (has(/out of memory|too large|exceeds|maximum size/i))
    return { family: 'tooLarge', text: 'The message is too large to be serialized. Send it in parts, or transfer its ArrayBuffers instead of copying them.' };
  if (has(/could not be cloned|cannot be cloned|can't be cloned|could not be serialized|cannot be serialized/i)) {
    const what = clonedWhat(message);
    return {
      family: 'uncloneable',
      text: `The message contains a value that cannot be copied to another context (a function, a DOM node, a symbol, …).${what ? ` Here: ${what}.` : ''} Send plain data instead — for example an object with just the fields the receiver needs.`,
    };
  }
  if (has(/transferable type|not transferable|not a transferable|could not be transferred|cannot be transferred/i))
    return {
      family: 'notTransferable',
      text: 'The transfer list holds something that cannot be transferred. Only transferable objects belong there (MessagePort, ArrayBuffer, ImageBitmap, OffscreenCanvas, streams, …); other values go in the message itself.',
    };
  if (name === 'TypeError' && has(/overload resolution failed|not iterable|@@iterator|converted to a sequence|is not a sequence|not an object/i))
    return {
      family: 'transferNotList',
      text: 'The transfer argument is not a list: pass an array (postMessage(value, [port])) or an options object (postMessage(value, { transfer: [port] })). For window.postMessage the second argument is the target origin and the transfer list comes third.',
    };
  if (name === 'InvalidStateError' || has(/is closed|closed channel/i)) {
    if (ctx.route === 'broadcast' || has(/channel/i))
      return { family: 'closedChannel', text: 'The BroadcastChannel was closed (close() was called on this object) before postMessage: a closed BroadcastChannel cannot send. Create a new one with the same name.' };
    return { family: 'invalidState', text: 'The object postMessage was called on is not in a state that allows sending (it was closed or shut down).' };
  }
  if (name === 'SyntaxError' || has(/target origin|targetOrigin/i))
    return {
      family: 'targetOrigin',
      text: 'The targetOrigin argument of window.postMessage is not valid: it must be "*", "/" (same origin as the sender) or an absolute URL whose origin is used, such as "https://example.com".',
    };
  if (has(/argument(?:s)? required|not enough arguments/i))
    return { family: 'missingArgument', text: 'postMessage was called without the message argument.' };
  if (has(/illegal invocation|does not implement interface|called on an object that does not implement/i))
    return { family: 'illegalInvocation', text: 'postMessage was called with the wrong `this`: a detached method reference (const send = port.postMessage; send(x)) must be bound to its port, worker, window or channel.' };

  switch (name) {
    case 'DataCloneError':
      return { family: 'other', text: 'The browser could not copy the message or its transfer list (the structured clone algorithm refused it), so the message was not sent.' };
    case 'TypeError':
      return { family: 'other', text: 'postMessage was called with arguments of the wrong type, so the message was not sent.' };
    default:
      return { family: 'other', text: `postMessage threw ${name || 'an exception'}, so the message was not sent. The page got exactly this exception.` };
  }
}

// ── ambiguity ───────────────────────────────────────────────────────────────

/** Why a match (or a sender) is not certain. Reasons are the correlator's strings; unknown ones are shown as they are. */
export function explainAmbiguity(reason: string): string {
  switch (reason) {
    case 'gap':
      return 'Part of the recording is missing near this message (a gap, or a recorder fault), on the sending or the receiving side: a send or a receipt may be hidden, so this pairing may be shifted.';
    case 'uninstrumentedHolder':
      return 'One of the two ports was held by a worker earlier on; traffic inside workers is not recorded, so this pairing may be shifted.';
    case 'portCount':
      return 'The receipt brought a different number of ports than the send transferred: the pairing is doubtful and the ports were not joined.';
    case 'receivedBeforeSent':
      return 'The receipt is timed more than 20 ms before the send: either the clocks of the two processes differ, or this is not the right pair.';
    case 'size':
      return 'The sender and the receiver measured different payload sizes: this may not be the right pair.';
    case 'partnerMayHaveMoved':
      return 'Queued is a guess: a port may have been sent away by window.postMessage (which leaves no trace at the sender), so the receiving port may now be somewhere else and started there.';
    case 'sendNotRecorded':
      return 'The sender is recorded, but no matching send was: it may have fallen in a gap, or the port was used before the recorder ran.';
    case 'partnerUnknown':
      return 'The port at the other end of the channel is not known, so the sender cannot be named.';
    case 'severalSenders':
      return 'Several realms of this origin send on this BroadcastChannel name, and a receipt does not say which one sent it: the sender is not known for certain.';
    case 'transferredPorts':
      return 'Ports arrived with this message, but the sender had several ports that could be them: they are not joined to any, and their history starts here.';
    case 'transferInferred':
      return "A port arrived with this message and was joined to the sender's only candidate port; no traffic has confirmed it yet.";
    case 'source:originMismatch':
      return "The sender found in the frame tree has a different origin than the message's origin: the frame may have navigated since.";
    case 'source:childIndex':
      return 'The sending child frame was chosen by frame order, which only approximates the order of window.frames: it may be a sibling of the one shown.';
    case 'source:severalCandidates':
      return 'Several frames of the tab could have sent this message; none is named.';
    case 'dropSenders':
      return 'Several windows are at the script URL of the call the browser named, so the sender of this dropped message is not named.';
    case 'dropReceivers':
      return "Several windows of the tab have the origin the browser named as the receiver's, so the receiver of this dropped message is not named.";
    default:
      return reason.startsWith('source:') ? `The sender could not be told for certain (${reason.slice(7)}).` : `Not confirmed: ${reason}.`;
  }
}

// ── unknown senders ─────────────────────────────────────────────────────────

/** A short phrase for why the sender is not known (the timeline's tooltip). */
export function senderUnknownLabel(reason: SenderUnknownReason): string {
  switch (reason) {
    case 'sendNotRecorded':
      return 'no matching send was recorded';
    case 'custodyUncertain':
      return 'who held the sending port then is not certain';
    case 'partnerUnknown':
      return "the receiving port's partner is not known";
    case 'sourceAmbiguous':
      return 'several realms could have sent it';
    case 'sourceOutsideTab':
      return 'sent from a window outside the recording';
    case 'sourceNone':
      return 'the message event named no source';
    case 'frameUnknown':
      return "the receiving frame's place in the page is not known";
    case 'broadcastUnmatched':
      return 'no recorded send on this channel name';
    case 'broadcastAmbiguous':
      return 'several recorded sends could be this one';
    case 'callSiteUnmatched':
      return 'the call site is a script no window is at';
    case 'callSiteAmbiguous':
      return 'several windows are at the call site';
    case 'sharedWorkerClient':
      return "a shared worker's connect no recorded page made";
  }
}

/** Why the sender of a message is not named, in plain words (the inspector). */
export function explainSenderUnknown(reason: SenderUnknownReason): string {
  switch (reason) {
    case 'sendNotRecorded':
      return 'The port this message came from was held by a recorded realm, but that realm recorded no such send: the send fell in a gap or a recorder fault, or the port moved in a way the recording does not show. Entangle does not guess which realm sent it.';
    case 'custodyUncertain':
      return 'Which realm held the sending port at that moment rests on an inference the recording could not confirm (the port travelled by a message whose receiver was not certain), so the sender is not named.';
    case 'partnerUnknown':
      return 'The port this message arrived on is not known to be entangled with any recorded port (it was created before the recorder ran, or its history fell in a gap), so nothing tells who sent it.';
    case 'sourceAmbiguous':
      return "The message's source window fits several realms of the session (or none whose origin matches the message's origin): Entangle does not pick one.";
    case 'sourceOutsideTab':
      return 'The message came from a window outside the recorded session (another tab, or a window this session did not open): it is not recorded, so its realm is not known.';
    case 'sourceNone':
      return 'The message event had no source: it came from a worker or a service worker that did not say which, so the sender cannot be named.';
    case 'frameUnknown':
      return "The receiving frame's place in the page's frame tree is not known (its parent was not reported), so a parent, child or sibling source cannot be resolved to a realm.";
    case 'broadcastUnmatched':
      return 'No recorded BroadcastChannel send on this name accounts for this receipt: it may come from another tab or a worker of the same origin, which are not recorded.';
    case 'broadcastAmbiguous':
      return 'Several recorded sends on this BroadcastChannel name could be the one received, and nothing tells them apart: the sender is not named rather than guessed.';
    case 'callSiteUnmatched':
      return "The browser names the sender of a dropped window message only by the script and line of its postMessage call, and no window of the session is at that script's URL (a script loaded from its own file): the call site below says where it was made.";
    case 'callSiteAmbiguous':
      return "The browser names the sender of a dropped window message only by the script and line of its postMessage call, and several windows of the session are at that URL: Entangle does not pick one.";
    case 'sharedWorkerClient':
      return "This is a shared worker's connect: the browser made a new port pair when a page ran new SharedWorker(), and handed this end to the worker. No new SharedWorker() recorded in this session pairs with it (a page of another tab, or one made before the recording started), so the sender is not named.";
  }
}

// ── gaps ────────────────────────────────────────────────────────────────────

export function explainGapReason(reason: GapReason): string {
  switch (reason) {
    case 'relayBufferFull':
      return "The page produced events faster than the panel took them, and the extension's per-frame buffer was full: these events were dropped.";
    case 'batchRejected':
      return 'The extension rejected a batch of these events as malformed (a bug, or a page tampering with the recorder).';
    case 'unwatched':
      return `No panel had been open for this tab, so, to cost little on every site, the extension kept only this document's first and last events (up to ${UNWATCHED_HEAD_EVENTS.toLocaleString('en-US')} of each): these, in between, were dropped. A panel open before the page runs records everything.`;
    case 'unknown':
      return 'Events with these sequence numbers never reached the panel; the cause was not reported (a frame that reloaded mid-batch, or a lost connection).';
  }
}

// ── a whole message ─────────────────────────────────────────────────────────

export interface MessageExplanation {
  /** "Queued — the receiving port was never started". */
  status: string;
  /** Why, in plain words (the exception's cause for a failed send). */
  explanation?: string;
  /** Plain words for each ambiguity reason. */
  ambiguity: string[];
  /** Why the sender is not named (`MessageModel.senderUnknown`). */
  sender?: string;
}

/** What the browser said of a window message it dropped for its `targetOrigin`: both origins, and
 *  where the call was made. */
export function explainDropped(d: DroppedOrigin): string {
  const line = d.line !== undefined ? `:${d.line}${d.column !== undefined ? `:${d.column}` : ''}` : '';
  const at = d.url !== undefined ? ` The call was made at ${d.url}${line}.` : '';
  return `dropped: targetOrigin '${d.targetOrigin}' does not match the receiver's origin '${d.recipientOrigin}'. The browser discarded the message without telling the sender (postMessage does not throw) and reported it to the debugger.${at} Pass the receiver's origin as targetOrigin.`;
}

export function explainMessage(m: MessageModel): MessageExplanation {
  const label = statusLabel(m.status);
  const status =
    m.reason !== undefined
      ? `${label} — ${reasonLabel(m.reason)}`
      : m.status === 'doomed'
        ? `${label} — the transfer list held this port's partner`
        : m.dropped !== undefined
          ? `${label} — targetOrigin '${m.dropped.targetOrigin}' does not match the receiver's origin '${m.dropped.recipientOrigin}'`
          : label;
  let explanation: string | undefined;
  if (m.dropped !== undefined) explanation = explainDropped(m.dropped);
  else if (m.error) {
    const ctx: ErrorContext = { route: m.route, transfers: m.transfers };
    if (m.fromPort !== undefined) ctx.fromPort = m.fromPort;
    explanation = explainError(m.error, ctx).text;
  } else if (m.reason !== undefined) explanation = explainStatusReason(m.reason);
  else if (m.status === 'doomed') explanation = DOOMED;
  const out: MessageExplanation = { status, ambiguity: (m.ambiguity ?? []).map(explainAmbiguity) };
  if (explanation !== undefined) out.explanation = explanation;
  if (m.fromRealm === undefined && m.senderUnknown !== undefined) out.sender = explainSenderUnknown(m.senderUnknown);
  return out;
}
