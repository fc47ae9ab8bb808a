/**
 * Content relay (isolated world, every frame). Binds to the main-world recorder, validates each
 * batch, keeps a bounded buffer of this document's events, and streams them to the background
 * while a panel listens. The buffer is the only copy until a panel acknowledges it, so a stopped
 * service worker or a panel opened late loses nothing within the bound.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { BackgroundToContent, ContentToBackground } from '../model/relay';
import { CONTENT_PORT, MAX_BATCH_CHARS } from '../model/relay';
import { parseBatch } from '../model/validate';
import { BATCH, BOUND, CONFIG, HELLO, READY } from '../model/bridge';
import { EventBuffer } from './buffer';
import { loadSettings, onSettingsChanged } from './settings';

const buffer = new EventBuffer();
let realm: string | null = null;
let node: Element | null = null;
let port: Runtime.Port | null = null;
let streaming = false;
/** Highest seq sent on the current connection, and highest the panel acknowledged. */
let sentSeq = 0;
let ackedSeq = 0;
let reconnectDelay = 50;
let contextAlive = true;
let rejected = 0;

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

function sendConfig(settings: { captureStacks: boolean }): void {
  node?.dispatchEvent(new CustomEvent(CONFIG, { detail: JSON.stringify({ captureStacks: settings.captureStacks }) }));
}

function onBatch(e: Event): void {
  const detail = (e as CustomEvent<unknown>).detail;
  if (typeof detail !== 'string') return;
  const parsed = parseBatch(detail, MAX_BATCH_CHARS);
  if (!parsed.ok) {
    rejected++;
    console.warn(`[Entangle] rejected a batch from the page (${rejected} so far): ${parsed.error}`);
    return;
  }
  const batch = parsed.value;
  if (realm === null) realm = batch.realm;
  else if (batch.realm !== realm) return; // one document, one realm: anything else is not ours
  buffer.append(batch.events);
  if (!port) connect();
  else if (streaming) sendFrom(sentSeq + 1);
}

function post(message: ContentToBackground): void {
  port?.postMessage(message);
}

/** Sends every buffered event with seq ≥ from, in chunks, noting a range the bound already dropped. */
function sendFrom(from: number): void {
  if (!port || realm === null) return;
  const dropped = buffer.droppedBefore(from);
  let first = true;
  for (const events of buffer.chunksFrom(from)) {
    const message: ContentToBackground = { kind: 'batch', batch: { v: 1, realm, events } };
    if (first && dropped) message.dropped = { ...dropped, reason: 'relayBufferFull' };
    first = false;
    post(message);
    sentSeq = events[events.length - 1]!.seq;
  }
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
  post({ kind: 'hello', realm });
  reconnectDelay = 50;
}

document.addEventListener(HELLO, onHello, true);
document.dispatchEvent(new CustomEvent(READY));
onSettingsChanged(sendConfig);
