/**
 * The CLI's summary of a model (`entangle summarize`, docs/capture-format.md "Summary"): the same facts,
 * flattened, as a contract. Every documented key is always present — `null` when unknown, since JSON
 * drops `undefined` and a CI script must not have to tell "absent" from "unknown" — and each message
 * says in plain words why it is ambiguous, not (yet) delivered, or has no named sender (`reason`).
 */
import type { CaptureModel, DroppedOrigin, MessageModel, MessageStatus, RealmModel, SenderUnknownReason, StatusReason, Totals } from './model-types';
import type { ChannelId, PortId, Preview, RealmId, Route, UntrustedReason } from './protocol';

/** Why a realm's recording cannot be vouched for, in the words the panel and the summary use. */
export const UNTRUSTED_WORDS: Record<UntrustedReason, string> = {
  inheritedWindow:
    'its document inherited the window of the same-origin page that created it, whose scripts could reach it before the recorder started: they could have forged or hidden what is shown for it',
};

export interface SummaryRealm {
  id: RealmId;
  kind: RealmModel['kind'];
  url: string | null;
  origin: string | null;
  parent: RealmId | null;
  instrumented: boolean;
  goneAt: number | null;
  /** Gone for now (back/forward cache) rather than unloaded. */
  persisted: boolean;
  /** Service workers: the registration's scope and last known state. */
  scope: string | null;
  state: string | null;
  /** Why its recording cannot be vouched for (docs/security.md), and that in plain words; null when it can. */
  untrusted: UntrustedReason | null;
  untrustedReason: string | null;
}

export interface SummaryDelivery {
  toRealm: RealmId;
  bc: string | null;
  receivedAt: number;
  latency: number | null;
  failed: boolean;
  ambiguous: boolean;
}

export interface SummaryMessage {
  id: string;
  route: Route;
  fromRealm: RealmId | null;
  toRealm: RealmId | null;
  fromPort: PortId | null;
  toPort: PortId | null;
  channelName: string | null;
  sentAt: number | null;
  receivedAt: number | null;
  status: MessageStatus;
  statusReason: StatusReason | null;
  ambiguous: boolean;
  /** The guards' codes, empty when the match is confirmed. */
  ambiguity: string[];
  senderUnknown: SenderUnknownReason | null;
  /** Why it is ambiguous, not (yet) delivered, or has no named sender, in plain words with the codes. */
  reason: string | null;
  error: { name: string; message: string; path: string | null; culprit: string | null } | null;
  transfers: { kind: string; port?: PortId; byteLength?: number }[];
  preview: Preview | null;
  /** Route `broadcast`: one per receiving BroadcastChannel object; null for other routes. */
  deliveries: SummaryDelivery[] | null;
  /** A replay the user asked for in the panel: the id of the message it sent again; null otherwise. */
  replayOf: string | null;
  /** Status `dropped-origin`: the origin asked for, the receiver's, and the sender's call site (as the
   *  browser reported it); null otherwise. */
  dropped: { targetOrigin: string; recipientOrigin: string; url: string | null; line: number | null; column: number | null } | null;
}

export interface CaptureSummary {
  realms: SummaryRealm[];
  channels: { id: ChannelId; createdIn: RealmId; ports: [PortId, PortId] }[];
  ports: { id: PortId; channel: ChannelId | null; entangledWith: PortId | null; custody: RealmId[]; started: boolean; closed: boolean }[];
  messages: SummaryMessage[];
  totals: Totals;
}

const STATUS_REASONS: Record<StatusReason, string> = {
  sendThrew: 'the send threw',
  undeserializable: 'the receiver could not deserialize it (messageerror)',
  sendingPortClosed: 'the sending port was closed',
  partnerClosed: 'the receiving port was closed',
  partnerLost: 'the receiving port was discarded (doomed or sent nowhere)',
  realmGone: "the receiving port's realm went away before a receipt",
  notStarted: 'the receiving port was never started, so the message waits in its queue',
  awaitingReceipt: 'the receiving port is started but no receipt is recorded (yet)',
  inTransit: 'the receiving port was itself being transferred',
  receiverUninstrumented: 'the receiver (a worker or service worker) is not instrumented, so its receipt cannot be observed',
  partnerUnknown: "the receiving port's partner is not known",
  broadcastUnmatched: 'no BroadcastChannel object recorded a receipt of it',
  deliveryInferred: 'the receiver is not instrumented, but it sent on a port this message carried, so the message arrived',
};

const SENDER_UNKNOWN: Record<SenderUnknownReason, string> = {
  sendNotRecorded: "the partner port's holder is instrumented and recorded no such send (a gap, a fault, or an unrecorded move)",
  custodyUncertain: 'who held the partner port then rests on an unconfirmed inference',
  partnerUnknown: "the receiving port's entangled partner is not known",
  sourceAmbiguous: "the message's source fits several realms, or one whose origin does not match",
  sourceOutsideTab: 'event.source is a window outside the recorded session',
  sourceNone: 'the event had no source',
  frameUnknown: "the receiving frame's place in the frame tree is not known",
  broadcastUnmatched: 'no recorded send on that channel name accounts for it (another tab of the origin may have sent it)',
  broadcastAmbiguous: 'several recorded sends could be the one received',
  callSiteUnmatched: "the browser named only the sender's call site, and no window of the session was at that URL (an external script)",
  callSiteAmbiguous: "the browser named only the sender's call site, and several windows of the session were at that URL",
  sharedWorkerClient: "a shared worker's connect that no recorded new SharedWorker() of the session pairs with (another tab's page, or one made before the recording)",
};

const AMBIGUITY: Record<string, string> = {
  gap: 'a gap or recorder fault before it may hide a send or receipt, so the pairing is unconfirmed',
  uninstrumentedHolder: 'an uninstrumented realm held one of the ports and may have sent or received unseen',
  portCount: 'the number of ports sent and received differ',
  receivedBeforeSent: 'the receipt reads earlier than its send beyond clock skew',
  size: 'the sizes measured at sender and receiver differ',
  partnerMayHaveMoved: 'a port arrival elsewhere is unexplained, so the receiving port may have moved',
  transferredPorts: 'the ports it carried could each be one of several',
  transferInferred: 'the port it carried was joined to its only candidate with no traffic yet to confirm it',
  broadcastAmbiguous: 'several recorded sends could each be the one a receipt got; the earliest was taken',
  'source:originMismatch': "the sender's origin does not match the frame the source names",
  'source:childIndex': 'the child frame index does not single out the sending frame',
  'source:severalCandidates': 'several frames could have sent it',
  'source:severalPopups': 'several popups of that origin could have sent it',
  dropSenders: "several windows could have made the call the browser named: the sender is not named",
  dropReceivers: "several windows of the tab have the recipient's origin: the receiver is not named",
};

const explainAmbiguity = (code: string): string => AMBIGUITY[code] ?? SENDER_UNKNOWN[code as SenderUnknownReason] ?? 'see docs/correlation.md';

/** The plain-words `reason` of a message, or null when it is delivered, confirmed and its sender named. */
export function reasonOf(m: MessageModel): string | null {
  const parts: string[] = [];
  if (m.dropped !== undefined) parts.push(`dropped-origin: ${droppedText(m.dropped)}`);
  if (m.reason !== undefined && m.status !== 'delivered') parts.push(`${m.status} (${m.reason}): ${STATUS_REASONS[m.reason]}`);
  if (m.senderUnknown !== undefined) parts.push(`sender unknown (${m.senderUnknown}): ${SENDER_UNKNOWN[m.senderUnknown]}`);
  if (m.ambiguous) {
    const codes = (m.ambiguity ?? []).filter((c) => c !== m.senderUnknown);
    if (codes.length > 0) parts.push(`ambiguous (${codes.join(', ')}): ${codes.map(explainAmbiguity).join('; ')}`);
    else if (m.senderUnknown === undefined) parts.push('ambiguous: the guards could not confirm the match');
  }
  return parts.length > 0 ? parts.join('. ') : null;
}

/** "targetOrigin 'X' does not match the receiver's origin 'Y' (posted at url:line:column)". */
export function droppedText(d: DroppedOrigin): string {
  const at = d.url === undefined ? '' : ` (posted at ${d.url}${d.line !== undefined ? `:${d.line}${d.column !== undefined ? `:${d.column}` : ''}` : ''})`;
  return `targetOrigin '${d.targetOrigin}' does not match the receiver's origin '${d.recipientOrigin}'${at}`;
}

function message(m: MessageModel): SummaryMessage {
  return {
    id: m.id,
    route: m.route,
    fromRealm: m.fromRealm ?? null,
    toRealm: m.toRealm ?? null,
    fromPort: m.fromPort ?? null,
    toPort: m.toPort ?? null,
    channelName: m.channelName ?? null,
    sentAt: m.sentAt ?? null,
    receivedAt: m.receivedAt ?? null,
    status: m.status,
    statusReason: m.reason ?? null,
    ambiguous: m.ambiguous,
    ambiguity: m.ambiguity ?? [],
    senderUnknown: m.senderUnknown ?? null,
    reason: reasonOf(m),
    error: m.error ? { name: m.error.name, message: m.error.message, path: m.error.path ?? null, culprit: m.error.culprit ?? null } : null,
    transfers: m.transfers,
    preview: m.preview ?? null,
    deliveries:
      m.route === 'broadcast'
        ? (m.deliveries ?? []).map((d) => ({
            toRealm: d.toRealm,
            bc: d.bc ?? null,
            receivedAt: d.receivedAt,
            latency: d.latency ?? null,
            failed: d.failed === true,
            ambiguous: d.ambiguous === true,
          }))
        : null,
    replayOf: m.replayOf ?? null,
    dropped:
      m.dropped === undefined
        ? null
        : { targetOrigin: m.dropped.targetOrigin, recipientOrigin: m.dropped.recipientOrigin, url: m.dropped.url ?? null, line: m.dropped.line ?? null, column: m.dropped.column ?? null },
  };
}

export function summarize(m: CaptureModel): CaptureSummary {
  return {
    realms: m.realms.map((r) => ({
      id: r.id,
      kind: r.kind,
      url: r.url ?? null,
      origin: r.origin ?? null,
      parent: r.parent ?? null,
      instrumented: r.instrumented,
      goneAt: r.goneAt ?? null,
      persisted: r.persisted === true,
      scope: r.scope ?? null,
      state: r.state ?? null,
      untrusted: r.untrusted ?? null,
      untrustedReason: r.untrusted ? UNTRUSTED_WORDS[r.untrusted] : null,
    })),
    channels: m.channels.map(({ id, createdIn, ports }) => ({ id, createdIn, ports })),
    ports: m.ports.map((p) => ({
      id: p.id,
      channel: p.channel ?? null,
      entangledWith: p.entangledWith ?? null,
      custody: p.custody.map((c) => c.realm),
      started: p.started,
      closed: p.closed,
    })),
    messages: m.messages.map(message),
    totals: m.totals,
  };
}
