/**
 * Wires the store to the background router over a runtime port.
 *
 * The MV3 service worker can be stopped at any time, which disconnects the port. We then reconnect
 * (after ~100 ms, backing off to at most 1 s, forever) and subscribe again with the have map, so the
 * content relays resend exactly what the store does not hold yet. Every batch is acknowledged with the
 * realm's highest sequence number accounted for — also while paused — so that a relay knows where to
 * resend from when it reconnects and what to hand over when its document goes (`ackedSeq` in
 * extension/content.ts), and the background can let go of a popup's held batches.
 */
import browser from 'webextension-polyfill';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { assertNever, PROTOCOL_VERSION, type RealmId, type RoutedBatch } from '../model/protocol';
import { batchFromText } from '../model/validate';
import { PANEL_PORT, type BackgroundToPanel, type PanelToBackground, type RoutedBatchText, type WorkersState } from '../model/relay';
import { askThrough, frameFactsAskable } from './frameFacts';
import type { LogStore } from './store';
import { liveWorkersControl, type WorkersControl } from './workersControl';

/** The part of a runtime.Port this module uses (a fake one is enough in tests). */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: { error?: { message?: string } | null }) => void): void };
}

export type ConnectionState = 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface ConnectionStatus {
  state: ConnectionState;
  /** How many times a port was opened. */
  connects: number;
  /** Why the last port closed or could not be opened, when the browser said. */
  lastError: string | null;
}

export interface ConnectionOptions {
  store: LogStore;
  tabId: number;
  /** Opens a port to the background (default: `browser.runtime.connect({ name: PANEL_PORT })`). */
  connect?: () => PortLike;
  /** First reconnect delay (default 100 ms); doubles per failed attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  /** Longest reconnect delay (default 1000 ms). */
  maxDelayMs?: number;
}

export interface PanelConnection {
  status: StoreApi<ConnectionStatus>;
  /** "Record inside workers" for the tab (also published as liveWorkersControl). */
  workers: WorkersControl;
  /** Closes the port and stops reconnecting. */
  stop(): void;
}

/** Longest an acknowledgement waits to travel with the others (panel → background). What it costs:
 *  a relay that reconnects resends up to that much more (duplicates the store drops), and a document
 *  that goes within that time of its last batch hands that batch to the background's store of
 *  departed documents (extension/departed.ts) although the panel has it. */
export const ACK_DELAY_MS = 50;

const defaultConnect = (): PortLike => browser.runtime.connect({ name: PANEL_PORT }) as unknown as PortLike;

function isMessage(value: unknown): value is BackgroundToPanel {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** A batch that only carries the range the background's store of departed documents had to drop
 *  (no events, `relayBufferFull`): the store records it as a gap; anything else with an empty `json`
 *  is a batch the background rejected, which batchFromText turns into a `batchRejected` gap. */
function gapOnly(text: RoutedBatchText): { routed: RoutedBatch; error: null } | null {
  const { json, realm, first: _first, last: _last, dropped, ...where } = text;
  if (json !== '' || dropped?.reason !== 'relayBufferFull') return null;
  return { routed: { ...where, batch: { v: PROTOCOL_VERSION, realm, events: [] }, dropped }, error: null };
}

export function connectPanel(options: ConnectionOptions): PanelConnection {
  const { store, tabId, connect = defaultConnect, initialDelayMs = 100, maxDelayMs = 1000 } = options;
  const status = createStore<ConnectionStatus>()(() => ({ state: 'connecting', connects: 0, lastError: null }));
  // This store shows a live tab: the inspector may ask the page about its frames (a one-off message).
  frameFactsAskable(store, askThrough((request) => browser.runtime.sendMessage(request)));
  let port: PortLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let delay = initialDelayMs;
  let stopped = false;
  const workersState = createStore<WorkersState | null>()(() => null);
  const workers: WorkersControl = {
    state: workersState,
    setOn(on) {
      if (port) post(port, { kind: 'recordInsideWorkers', on });
    },
  };
  liveWorkersControl.setState(workers, true);

  const post = (p: PortLike, message: PanelToBackground): void => {
    try {
      p.postMessage(message);
    } catch {
      // The port is already gone; onDisconnect will reconnect and resubscribe.
    }
  };

  /** Acknowledgements not sent yet, per realm (the highest seq held), for the port that is open now. */
  const held = new Map<RealmId, number>();
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  const sendAcks = (p: PortLike): void => {
    ackTimer = null;
    if (port !== p || held.size === 0) return;
    post(p, { kind: 'ack', held: [...held].map(([realm, seq]) => ({ realm, seq })) });
    held.clear();
  };
  const acknowledge = (p: PortLike, realm: RealmId, seq: number): void => {
    held.set(realm, seq);
    ackTimer ??= setTimeout(() => sendAcks(p), ACK_DELAY_MS);
  };
  /** A new or closed port: what was not acknowledged on the old one, the next subscribe's `have` says. */
  const forgetAcks = (): void => {
    if (ackTimer !== null) clearTimeout(ackTimer);
    ackTimer = null;
    held.clear();
  };

  const handle = (p: PortLike, message: BackgroundToPanel): void => {
    switch (message.kind) {
      case 'batch': {
        // A popup's batches come from its own tab, with `opener` set: they belong to this session.
        if (message.routed.tabId !== tabId && message.routed.opener === undefined) return;
        const { routed, error } = gapOnly(message.routed) ?? batchFromText(message.routed);
        if (error !== null) console.warn(`Entangle: rejected a batch of realm ${routed.batch.realm}: ${error}`);
        store.getState().batchReceived(routed);
        const realm = routed.batch.realm;
        const seq = store.getState().realms.get(realm)?.highestSeq ?? 0;
        if (seq > 0) acknowledge(p, realm, seq);
        return;
      }
      case 'frameGone':
        store.getState().frameGone(message.realm);
        return;
      case 'workerGone':
        // (The store marks any realm gone by its id, a frame's or a worker's.)
        store.getState().frameGone(message.realm);
        return;
      case 'workers':
        workersState.setState(message.state, true);
        return;
      default:
        assertNever(message, 'message from the background');
    }
  };

  const scheduleReconnect = (error: string | null): void => {
    port = null;
    forgetAcks();
    if (stopped) return;
    status.setState({ state: 'waiting', lastError: error ?? status.getState().lastError });
    timer = setTimeout(open, delay);
    delay = Math.min(delay * 2, maxDelayMs);
  };

  function open(): void {
    timer = null;
    if (stopped) return;
    status.setState((s) => ({ state: 'connecting', connects: s.connects + 1 }));
    let p: PortLike;
    try {
      p = connect();
    } catch (err) {
      // E.g. "Extension context invalidated" after the extension was reloaded: keep trying.
      scheduleReconnect(err instanceof Error ? err.message : String(err));
      return;
    }
    port = p;
    const openedAt = Date.now();
    p.onMessage.addListener((message) => {
      if (port !== p) return;
      delay = initialDelayMs;
      if (status.getState().lastError !== null) status.setState({ lastError: null });
      if (!isMessage(message)) return;
      try {
        handle(p, message);
      } catch (err) {
        console.warn('Entangle: ignored a message from the background', err);
      }
    });
    p.onDisconnect.addListener((closed) => {
      if (port !== p) return;
      // Reading lastError marks it as checked, so Chrome does not log it as unchecked.
      const lastError = (globalThis as { chrome?: typeof chrome }).chrome?.runtime?.lastError?.message;
      if (Date.now() - openedAt >= maxDelayMs) delay = initialDelayMs;
      scheduleReconnect(closed?.error?.message ?? lastError ?? null);
    });
    post(p, { kind: 'subscribe', tabId, have: store.getState().haveMap() });
    status.setState({ state: 'connected' });
  }

  open();

  return {
    status,
    workers,
    stop() {
      stopped = true;
      forgetAcks();
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const p = port;
      port = null;
      try {
        p?.disconnect();
      } catch {
        // already gone
      }
      status.setState({ state: 'stopped' });
    },
  };
}
