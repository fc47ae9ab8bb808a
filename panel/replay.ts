/**
 * Send again, the panel's side (docs/replay.md): whether a message can be replayed faithfully and why
 * not, the request that asks the background to replay it, and the transport that carries the request.
 * Pure except for `sendReplay`, whose transport tests replace.
 */
import type { MessageModel, RealmModel } from '../model/correlator';
import { formatLiteral, parseLiteral, type LiteralValue } from '../model/payload-literal';
import type { PortId, RealmId } from '../model/protocol';
import type { ReplayRequested, ReplayResult } from '../model/replay';
import { literalProblem, validReplayResult } from '../model/replay';
import type { ModelIndex } from './modelIndex';

export type Replayability =
  /** `text`: the payload as literal text; `complete`: it holds the whole payload. */
  | { ok: true; text: string; complete: boolean; incomplete?: string }
  | { ok: false; reason: string };

/** Why the sender of `m` cannot send it again now (its realm, port, page load), or null when it can. */
function senderProblem(m: MessageModel, ix: ModelIndex): string | null {
  if (m.fromRealm === undefined) return 'the sender is not known';
  const from = ix.realms.get(m.fromRealm);
  if (!from || !from.instrumented || from.tabId === undefined || from.frameId === undefined) return 'the sending realm is not one the recorder runs in';
  if (from.goneAt !== undefined) return from.persisted ? 'the sending page is in the back/forward cache' : 'the sending realm is gone (another page load, or its frame was removed)';
  // Its parent page may hold the recorder's channel there (docs/security.md): what it answers could be forged.
  if (from.untrusted !== undefined) return 'the sending realm is untrusted (a page that created its window could have taken over its recorder): a replay from it cannot be vouched for';
  if (m.route === 'window') {
    if (m.send !== undefined || m.receipt === undefined || m.toRealm === undefined) return 'the window message has no single recorded receipt';
    const to = ix.realms.get(m.toRealm);
    if (!to || to.origin === undefined || to.frameId === undefined || to.tabId !== from.tabId) return 'the receiving window is not one the sender can name';
    if (to.goneAt !== undefined) return 'the receiving realm is gone (another page load, or its frame was removed)';
    return null;
  }
  if (m.send === undefined) return 'its send was not recorded';
  if (m.error) return 'the original send threw: nothing was sent';
  if (m.route === 'port') {
    const port = m.fromPort === undefined ? undefined : ix.ports.get(ix.logicalPort.get(m.fromPort) ?? m.fromPort);
    if (!port) return 'the sending port is not known';
    if (port.lost) return 'the sending port was lost';
    const holder = port.custody[port.custody.length - 1];
    if (!holder || holder.realm !== m.fromRealm || holder.to !== undefined) return 'the sending port moved away to another realm';
    if (holder.closed || port.closed) return 'the sending port was closed';
    const arrived = arrivalThatMayBe(port.id, ix);
    if (arrived) return `the sending port may have moved away: a port that arrived in ${arrived} by a window or worker message could be it`;
  }
  return null;
}

/**
 * The realm where a port arrived that the correlator could not yet tell apart from `port`
 * (PortModel.candidates), if any. Such a move leaves no trace at the sender — window.postMessage is
 * not wrapped (docs/recording.md) — so neither the panel nor the recorder would know the port went,
 * and a replay posted on it would deliver nothing while saying it was sent.
 */
function arrivalThatMayBe(port: PortId, ix: ModelIndex): RealmId | undefined {
  for (const p of ix.ports.values()) if (p.candidates?.includes(port)) return p.custody[0]?.realm ?? 'another realm';
  return undefined;
}

/**
 * Whether *Replay message* can send `m` again as it was: from the live page, the same sender, with the
 * whole payload and nothing transferred that cannot be made again (ports). `live`: the panel shows the
 * inspected tab, not a capture opened from a file.
 */
export function replayability(m: MessageModel, ix: ModelIndex, live: boolean): Replayability {
  if (!live) return { ok: false, reason: 'a capture opened from a file: the page is not there to send to' };
  const problem = senderProblem(m, ix);
  if (problem) return { ok: false, reason: problem };
  if (m.transfers.some((t) => t.kind === 'MessagePort')) return { ok: false, reason: 'it transferred ports, which cannot be made again' };
  if (m.preview === undefined) return { ok: false, reason: 'its payload was not recorded' };
  const formatted = formatLiteral(m.preview);
  if (!formatted.complete) return { ok: true, text: formatted.text, complete: false, incomplete: `the payload was not captured whole: ${formatted.reasons.join('; ')}` };
  return { ok: true, text: formatted.text, complete: true };
}

/** The background's request for `m`, with `payload`; null when the model lacks what it needs. */
export function replayRequest(m: MessageModel, ix: ModelIndex, payload: LiteralValue): ReplayRequested | null {
  const from: RealmModel | undefined = m.fromRealm === undefined ? undefined : ix.realms.get(m.fromRealm);
  if (!from || from.tabId === undefined || from.frameId === undefined) return null;
  const request: ReplayRequested = { kind: 'replayRequested', tabId: from.tabId, frameId: from.frameId, realm: from.id, original: m.id, route: m.route, payload };
  if (m.route === 'window') {
    const to = m.toRealm === undefined ? undefined : ix.realms.get(m.toRealm);
    if (!to || to.frameId === undefined || to.origin === undefined) return null;
    request.to = { realm: to.id, frameId: to.frameId, origin: to.origin };
  }
  return request;
}

/** The literal text parsed, or where and why not (1-based line and column); a value the
 *  background and the relay would refuse (literalProblem) is refused here first, saying why. */
export function parsePayload(text: string): { ok: true; value: LiteralValue } | { ok: false; message: string } {
  const parsed = parseLiteral(text);
  if (!parsed.ok) return { ok: false, message: `line ${parsed.line}, column ${parsed.column}: ${parsed.error}` };
  const problem = literalProblem(parsed.value);
  return problem === null ? parsed : { ok: false, message: `it cannot be sent: ${problem}` };
}

export type ReplayTransport = (request: ReplayRequested) => Promise<unknown>;

/** The extension's messaging (loaded on first use: the panel's tests and a capture viewer never need it). */
const extensionTransport: ReplayTransport = async (request) => {
  const { default: browser } = await import('webextension-polyfill');
  return browser.runtime.sendMessage(request);
};

let transport: ReplayTransport = extensionTransport;

/** Tests replace how requests travel (null: back to the extension's messaging). */
export function setReplayTransport(next: ReplayTransport | null): void {
  transport = next ?? extensionTransport;
}

/** Asks the background to replay; the answer validated, any failure a refusal saying so. Never rejects. */
export async function sendReplay(request: ReplayRequested): Promise<ReplayResult> {
  try {
    return validReplayResult(await transport(request)) ?? { outcome: 'refused', reason: 'the extension gave no valid answer' };
  } catch (err) {
    return { outcome: 'refused', reason: `the extension could not be reached: ${err instanceof Error ? err.message : String(err)}` };
  }
}
