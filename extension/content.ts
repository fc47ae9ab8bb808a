/**
 * Content relay (isolated world, every frame). Binds to the main-world recorder, checks each batch's
 * envelope and size, keeps a bounded buffer of this document's batches, and streams them to the
 * background while a panel listens. It runs on the page's own thread, so it never parses a batch:
 * the background validates them on its own thread. The buffer is the only copy until a panel
 * acknowledges it, so a stopped service worker or a panel opened late loses nothing within the bound.
 * In a tab no panel ever inspected the bound is small (the document's first and last events, see
 * `buffer`): the relay runs in every frame of every site.
 *
 * The buffer dies with the document, so when the document leaves (`pagehide`: navigated, its frame
 * removed, its popup closed; also `freeze`, after which it may be discarded unseen) the relay hands
 * every batch no panel acknowledged to the background at once (`final`), connecting if it never did,
 * and so does it with any batch that arrives after that: the recorder's own last flush may come
 * before or after this listener runs (the two worlds' `pagehide` listeners run in the order they
 * were added, and both scripts start at document_start in an order the browser does not promise).
 * While the document lives nothing of this happens: the live path only buffers and streams.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { DroppedRange, UntrustedReason } from '../model/protocol';
import type { BackgroundToContent, ContentToBackground } from '../model/relay';
import { CONTENT_PORT, DEPARTED_CHARS, DEPARTED_EVENTS, MAX_BATCH_CHARS } from '../model/relay';
import { BATCH, BOUND, CONFIG, decodeEnvelope, HANDSHAKE, HELLO, RECORDER_NODE, RELAY_NODE } from '../model/bridge';
import { BatchBuffer, type RawBatch } from './buffer';
import { answerFrameQuestion } from './frameQuestions';
import { carryOutReplayOrder, fromBackground, isReplayOrder } from './replayOrders';
import { loadSettings, onSettingsChanged, recorderConfigText, type RecorderSettings } from './settings';

/**
 * Full bound (RELAY_BUFFER_*) until the background answers the relay's hello, so nothing is dropped
 * for a panel that listens from the start; the small one (UNWATCHED_*) once it says no panel has ever
 * listened for this tab (`uninspected`), until one attaches.
 */
const buffer = new BatchBuffer();
/** The background's script (manifest.json): only it may order a replay here (fromBackground). */
const BACKGROUND_URL = browser.runtime.getURL((browser.runtime.getManifest().background as { service_worker?: string } | undefined)?.service_worker ?? 'background.js');
/** A panel attached, or one had inspected this tab before (`panelDetached`): the full bound for good,
 *  so a panel reopened later sees as much as one that stayed open. */
let inspected = false;
let realm: string | null = null;
let node: Element | null = null;
let port: Runtime.Port | null = null;
let streaming = false;
/** Highest seq sent on the current connection, and highest the panel acknowledged. */
let sentSeq = 0;
let ackedSeq = 0;
/** Next seq expected from the recorder: a jump means batches were rejected here. */
let expectedSeq = 1;
let reconnectDelay = 50;
let contextAlive = true;
/** A leaving document's start was held back (see `depart`). */
let idleStart = false;
/** The document is leaving (between `pagehide`/`freeze` and a `pageshow`/`resume` that may never come). */
let leaving = false;
/**
 * The top window of a tab another window opened (`window.open`): a popup, which usually closes right
 * after posting. What a closing tab posts on an extension port during its unload never reaches the
 * background (Chrome drops it), so a popup's relay hands every batch over as it comes, panel or not;
 * the background holds them for the session's panels.
 */
const inPopup = window === window.top && window.opener !== null;

/**
 * Whether this document inherited its Window: the first document of a frame or popup that is
 * same-origin with the page that created it reuses the initial about:blank's Window *and* JavaScript
 * realm (HTML, "create and initialize a Document object"). That page's scripts held the window from
 * its first moment, so they could patch the built-ins the recorder starts from, or listen on the new
 * document before document_start, and so hear or replace the recorder↔relay handshake. No handshake
 * can be airtight there; this relay, in the isolated world that no page script reaches, marks the
 * realm instead (docs/security.md). The navigation entry index is 0 only for a browsing context's
 * first document (a later one of the same frame follows it); `frameElement` is null unless the parent
 * is same-origin; a cross-origin opener's `origin` throws.
 */
function inheritedWindow(): boolean {
  const entry = (globalThis as { navigation?: { currentEntry: { index: number } | null } }).navigation?.currentEntry;
  if (entry && entry.index !== 0) return false;
  try {
    if (window !== window.top) return window.frameElement !== null;
    return window.opener !== null && (window.opener as Window).origin === window.origin;
  } catch {
    return false;
  }
}

const untrusted: UntrustedReason | undefined = inheritedWindow() ? 'inheritedWindow' : undefined;

/** This relay's own detached node: where the recorder hands its node over when the relay spoke first. */
const relayNode = document.createElement(RELAY_NODE);

/** The recorder's node carried by a handshake event (on the document, or on the relay's node). */
function onHandshake(e: Event): void {
  if (node || !(e instanceof MouseEvent)) return;
  const target = e.relatedTarget;
  if (!(target instanceof Element) || target.localName !== RECORDER_NODE || target.isConnected) return;
  node = target;
  document.removeEventListener(HANDSHAKE, onHandshake, true);
  relayNode.removeEventListener(HELLO, onHandshake);
  node.addEventListener(BATCH, onBatch);
  node.dispatchEvent(new CustomEvent(BOUND));
  void loadSettings().then(sendConfig);
}

function sendConfig(settings: RecorderSettings): void {
  // The same text a worker's recorder is handed (extension/settings.ts), so the two cannot drift.
  node?.dispatchEvent(new CustomEvent(CONFIG, { detail: recorderConfigText(settings) }));
}

function onBatch(e: Event): void {
  const detail = (e as CustomEvent<unknown>).detail;
  if (typeof detail !== 'string') return;
  const envelope = decodeEnvelope(detail, MAX_BATCH_CHARS);
  if ('error' in envelope) {
    console.warn(`[Entangle] rejected a batch from the page: ${envelope.error}`);
    return;
  }
  if (realm === null) realm = envelope.realm;
  else if (envelope.realm !== realm) return; // one document, one realm: anything else is not ours
  if (envelope.first < expectedSeq) return; // a repeat: the recorder numbers every event once
  expectedSeq = envelope.last + 1;
  const raw: RawBatch = { first: envelope.first, last: envelope.last, json: envelope.json };
  buffer.append(raw);
  if (!port) connect();
  if (leaving && idleStart) {
    idleStart = false;
    for (const b of buffer.batchesFrom(1)) send(b.batch, b.dropped, true);
  } else if (leaving) send(raw, undefined, true);
  else if (streaming || inPopup) sendFrom(sentSeq + 1);
}

function send(batch: RawBatch, dropped?: DroppedRange, final = false): void {
  if (!port || realm === null) return;
  const message: ContentToBackground = { kind: 'batch', realm, first: batch.first, last: batch.last, json: batch.json };
  if (dropped) message.dropped = dropped;
  if (final) message.final = true;
  try {
    port.postMessage(message);
  } catch {
    return; // the port closed under us: onDisconnect reconnects and a panel asks again
  }
  sentSeq = Math.max(sentSeq, batch.last);
}

/**
 * The document is leaving: hands every batch no panel acknowledged to the background, which keeps
 * them for later panels. At most what the background keeps per tab (DEPARTED_*): the newest batches,
 * the older ones reported as dropped, so as little as needed crosses while the page unloads.
 */
function depart(): void {
  leaving = true;
  if (realm === null) return; // no batch yet: nothing to hand over (a later one goes at once)
  // Only the realm's start (seq 1 is always `realmStarted`) arrived, and no panel has it: the initial
  // about:blank of a frame being navigated did nothing, and is not handed over (the recorder records
  // no `realmGone` for it either); if it records more while leaving, its start goes out with that.
  // Any other document is handed over: one whose only act was `window.postMessage` (not recorded at
  // the sender) recorded nothing but its start, and without its realm the receiver cannot name it.
  if (expectedSeq === 2 && sentSeq === 0 && location.href === 'about:blank') {
    idleStart = true;
    return;
  }
  if (!port) connect();
  const batches = buffer.batchesFrom(ackedSeq + 1);
  let start = batches.length;
  for (let events = 0, chars = 0; start > 0; start--) {
    const b = batches[start - 1]!.batch;
    events += b.last - b.first + 1;
    chars += b.json.length;
    if ((events > DEPARTED_EVENTS || chars > DEPARTED_CHARS) && start < batches.length) break; // the newest goes anyway
  }
  const kept = batches.slice(start);
  if (kept.length === 0) return;
  // What the departed store's bound leaves out goes as one range before the oldest batch handed over:
  // the store would drop it all anyway. Otherwise each batch carries what the buffer dropped before it.
  const from = ackedSeq + 1;
  const to = kept[0]!.batch.first - 1;
  if (start > 0 && to >= from) kept[0] = { batch: kept[0]!.batch, dropped: { from, to, reason: 'relayBufferFull' } };
  for (const b of kept) send(b.batch, b.dropped, true);
}

function stay(): void {
  leaving = false;
  idleStart = false;
}

/** Sends every buffered batch holding a seq ≥ from, each with the range the bound dropped before it. */
function sendFrom(from: number): void {
  for (const b of buffer.batchesFrom(from)) send(b.batch, b.dropped);
}

/** The full bound from now on (see `inspected`). */
function keepAll(): void {
  inspected = true;
  buffer.setBound('full');
}

function onMessage(message: BackgroundToContent): void {
  switch (message.kind) {
    case 'panelAttached':
      keepAll();
      streaming = true;
      // What a panel says it holds is acknowledged too: its acknowledgements pending on a port that
      // closed are not sent again.
      if (message.have !== null && message.have > ackedSeq) ackedSeq = message.have;
      sendFrom((message.have ?? ackedSeq) + 1);
      return;
    case 'panelDetached':
      keepAll();
      streaming = false;
      return;
    case 'uninspected':
      if (!inspected) buffer.setBound('small');
      return;
    case 'ack':
      if (message.seq > ackedSeq) ackedSeq = message.seq;
      return;
  }
}

function connect(): void {
  if (!contextAlive || realm === null) return;
  try {
    port = browser.runtime.connect({ name: CONTENT_PORT });
  } catch {
    contextAlive = false; // the extension was reloaded or removed: this relay is orphaned
    buffer.setBound('small'); // and no panel can ever get its buffer: keep the least
    return;
  }
  streaming = false;
  port.onMessage.addListener((m) => onMessage(m as BackgroundToContent));
  port.onDisconnect.addListener(() => {
    port = null;
    streaming = false;
    // The service worker stopped (or restarted): come back and resend what was not acknowledged.
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 2_000);
  });
  port.postMessage({ kind: 'hello', realm, ...(inPopup ? { popup: true as const } : {}), ...(untrusted ? { untrusted } : {}) } satisfies ContentToBackground);
  reconnectDelay = 50;
}

// Only the browser's own lifecycle events: a page can dispatch a `pagehide` or `freeze` of its own.
window.addEventListener('pagehide', (e) => e.isTrusted && depart(), true);
window.addEventListener('pageshow', (e) => {
  if (e.isTrusted && e.persisted) stay();
}, true);
document.addEventListener('freeze', (e) => e.isTrusted && depart(), true);
document.addEventListener('resume', (e) => e.isTrusted && stay(), true);
// The handshake (inject/emit.ts): hear the recorder's announcement if it comes after this, else
// announce this relay's node for the recorder that already ran to answer on.
document.addEventListener(HANDSHAKE, onHandshake, true);
relayNode.addEventListener(HELLO, onHandshake);
document.dispatchEvent(new MouseEvent(HANDSHAKE, { relatedTarget: relayNode }));
onSettingsChanged(sendConfig);
// The panel's inspector asks, through the background, about a frame it shows (on demand only).
browser.runtime.onMessage.addListener((message: unknown) => answerFrameQuestion(message, realm));
// The panel asked, through the background, to send a message of this document's realm again
// (docs/replay.md). Only the extension's background may ask (fromBackground): a message from a tab,
// or from another of the extension's pages, is refused.
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (!isReplayOrder(message)) return undefined;
  return Promise.resolve(carryOutReplayOrder(message, fromBackground(sender, browser.runtime.id, BACKGROUND_URL), { realm, node, leaving }));
});
