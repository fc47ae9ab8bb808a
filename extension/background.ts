/**
 * Background router: connects each tab's content relays with the panels inspecting that tab.
 *
 * It keeps only the live runtime ports (rebuilt on every reconnect) and never event data, so an
 * MV3 service worker stopped mid-stream loses nothing: both ends reconnect, the panel says what it
 * has, and the relays resend the rest from their buffers.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { BackgroundToContent, BackgroundToPanel, ContentToBackground, ExtensionRequest, InspectableTab, PanelToBackground } from '../model/relay';
import { CONTENT_PORT, PANEL_PORT } from '../model/relay';

interface Relay {
  port: Runtime.Port;
  tabId: number;
  frameId: number;
  /** From webNavigation, once known (-1 for a top frame): places the realm in the frame tree. */
  parentFrameId: number | undefined;
  url: string | undefined;
  realm: string | null;
  /** Batches wait for the frame lookup (and so stay in order) before they are forwarded. */
  forwarded: Promise<void>;
}

const relays = new Map<number, Set<Relay>>();
const panels = new Map<number, Set<Runtime.Port>>();

function members<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function toContent(relay: Relay, message: BackgroundToContent): void {
  try {
    relay.port.postMessage(message);
  } catch {
    // The document went away; its onDisconnect removes the relay.
  }
}

function toPanels(tabId: number, message: BackgroundToPanel): void {
  for (const panel of panels.get(tabId) ?? []) {
    try {
      panel.postMessage(message);
    } catch {
      // A panel that went away mid-way: its onDisconnect removes it; the others still get the batch.
    }
  }
}

/** Forwards a relay's batch text to the tab's panels, which parse and validate it (the router stays
 *  light: it shares the extension's process with the panel). A batch claiming another realm than its
 *  relay's is not forwarded: the panel gets its seq range as a gap with reason `batchRejected`. */
function routedBatch(relay: Relay, message: Extract<ContentToBackground, { kind: 'batch' }>): BackgroundToPanel {
  const { realm, first, last } = message;
  const base = { tabId: relay.tabId, frameId: relay.frameId, url: relay.url, ...(relay.parentFrameId !== undefined ? { parentFrameId: relay.parentFrameId } : {}) };
  if (realm !== relay.realm) {
    console.warn(`[Entangle] rejected a batch of realm ${realm} from the relay of realm ${relay.realm}`);
    return { kind: 'batch', routed: { ...base, realm: relay.realm ?? realm, first, last, json: '', dropped: { from: first, to: last, reason: 'batchRejected' } } };
  }
  return { kind: 'batch', routed: { ...base, realm, first, last, json: message.json, ...(message.dropped ? { dropped: message.dropped } : {}) } };
}

function relayConnected(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  if (tabId === undefined) return port.disconnect();
  const frameId = port.sender?.frameId ?? 0;
  // The frame tree is not in the sender: ask for this frame's parent once; every batch carries it.
  const lookup = browser.webNavigation
    .getFrame({ tabId, frameId })
    .then((frame) => {
      if (frame) relay.parentFrameId = frame.parentFrameId;
    })
    .catch(() => undefined);
  const relay: Relay = { port, tabId, frameId, parentFrameId: undefined, url: port.sender?.url, realm: null, forwarded: lookup };
  members(relays, tabId).add(relay);
  port.onMessage.addListener((raw) => {
    const message = raw as ContentToBackground;
    switch (message.kind) {
      case 'hello':
        relay.realm = message.realm;
        if (panels.get(tabId)?.size) toContent(relay, { kind: 'panelAttached', have: null });
        return;
      case 'batch':
        relay.forwarded = relay.forwarded.then(() => toPanels(tabId, routedBatch(relay, message)));
        return;
    }
  });
  port.onDisconnect.addListener(() => {
    relays.get(tabId)?.delete(relay);
    if (relay.realm) toPanels(tabId, { kind: 'frameGone', realm: relay.realm, frameId: relay.frameId });
  });
}

function panelConnected(port: Runtime.Port): void {
  let tabId: number | null = null;
  port.onMessage.addListener((raw) => {
    const message = raw as PanelToBackground;
    switch (message.kind) {
      case 'subscribe':
        tabId = message.tabId;
        members(panels, tabId).add(port);
        for (const relay of relays.get(tabId) ?? []) {
          toContent(relay, { kind: 'panelAttached', have: relay.realm ? (message.have[relay.realm] ?? 0) : 0 });
        }
        return;
      case 'ack':
        if (tabId === null) return;
        for (const relay of relays.get(tabId) ?? []) {
          if (relay.realm === message.realm) toContent(relay, { kind: 'ack', seq: message.seq });
        }
        return;
    }
  });
  port.onDisconnect.addListener(() => {
    if (tabId === null) return;
    const set = panels.get(tabId);
    set?.delete(port);
    if (set && set.size === 0) {
      panels.delete(tabId);
      for (const relay of relays.get(tabId) ?? []) toContent(relay, { kind: 'panelDetached' });
    }
  });
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name === CONTENT_PORT) relayConnected(port);
  else if (port.name === PANEL_PORT) panelConnected(port);
});

/** Extension pages (the panel opened as a tab, the CLI, tests) ask which tabs have recorders. */
browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const message = raw as ExtensionRequest;
  // Only the extension's own pages may ask: content scripts (and so pages) get no answer.
  if (!sender.url?.startsWith(browser.runtime.getURL('')) || message?.kind !== 'inspectableTabs') return undefined;
  const tabs: InspectableTab[] = [...relays].map(([tabId, set]) => ({ tabId, urls: [...new Set([...set].map((r) => r.url ?? ''))] }));
  return Promise.resolve(tabs);
});
