/**
 * Content relay (isolated world, every frame). Binds to the main-world recorder, checks each batch's
 * envelope and size, keeps a bounded buffer of this document's batches, and streams them to the
 * background while a panel listens. It runs on the page's own thread, so it never parses a batch:
 * the background validates them on its own thread. The buffer is the only copy until a panel
 * acknowledges it, so a stopped service worker or a panel opened late loses nothing within the bound.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { BackgroundToContent, ContentToBackground } from '../model/relay';
import { CONTENT_PORT, MAX_BATCH_CHARS } from '../model/relay';
import { BATCH, BOUND, CONFIG, decodeEnvelope, HELLO, READY } from '../model/bridge';
import { BatchBuffer, type RawBatch } from './buffer';
import { loadSettings, onSettingsChanged, type RecorderSettings } from './settings';

const buffer = new BatchBuffer();
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

function onHello(e: Event): void {
  if (node) return;
  const target = (e as MouseEvent).relatedTarget;
  if (!(target instanceof Element)) return;
  node = target;
  document.removeEventListener(HELLO, onHello, true);
  node.addEventListener(BATCH, onBatch);
  node.dispatchEvent(new CustomEvent(BOUND));
  void loadSettings().then(sendConfig);
}

function sendConfig(settings: RecorderSettings): void {
  node?.dispatchEvent(new CustomEvent(CONFIG, { detail: JSON.stringify({ captureStacks: settings.captureStacks, previewsPerSecond: settings.previewsPerSecond }) }));
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
  buffer.append({ first: envelope.first, last: envelope.last, json: envelope.json });
  if (!port) connect();
  else if (streaming) sendFrom(sentSeq + 1);
}

function send(batch: RawBatch, dropped?: { from: number; to: number }): void {
  if (!port || realm === null) return;
  const message: ContentToBackground = { kind: 'batch', realm, first: batch.first, last: batch.last, json: batch.json };
  if (dropped) message.dropped = { ...dropped, reason: 'relayBufferFull' };
  port.postMessage(message);
  sentSeq = batch.last;
}

/** Sends every buffered batch holding a seq ≥ from, noting a range the bound already dropped. */
function sendFrom(from: number): void {
  const dropped = buffer.droppedBefore(from);
  const batches = buffer.batchesFrom(from);
  batches.forEach((b, i) => send(b, i === 0 ? dropped : undefined));
}

function onMessage(message: BackgroundToContent): void {
  switch (message.kind) {
    case 'panelAttached':
      streaming = true;
      sendFrom((message.have ?? ackedSeq) + 1);
      return;
    case 'panelDetached':
      streaming = false;
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
  port.postMessage({ kind: 'hello', realm } satisfies ContentToBackground);
  reconnectDelay = 50;
}

document.addEventListener(HELLO, onHello, true);
document.dispatchEvent(new CustomEvent(READY));
onSettingsChanged(sendConfig);
