/**
 * Background router: connects each tab's content relays with the panels inspecting that tab's session.
 *
 * A session is the inspected tab and the popups its realms opened (`window.open`, popups of popups
 * too): a popup tab's batches go to the panels of every tab up its opener chain, carrying `opener`.
 *
 * While documents live, the router keeps only the live runtime ports (rebuilt on every reconnect) and
 * no event data, so an MV3 service worker stopped mid-stream loses nothing: both ends reconnect, the
 * panel says what it has, and the relays resend the rest from their buffers. A document that leaves
 * hands what no panel acknowledged to the router (`final` batches), which keeps it in
 * `storage.session` (DepartedStore) for later panels; the popup map lives there too.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { UNTRUSTED_REASONS, type DroppedRange, type UntrustedReason } from '../model/protocol';
import type { BackgroundToContent, BackgroundToPanel, ContentRequest, ContentToBackground, ExtensionRequest, FrameFact, FrameElementFacts, FrameFacts, FrameFactsRequest, InspectableTab, PanelToBackground, RoutedBatchText } from '../model/relay';
import { titleOf, validFrameElement, validFrameFactsRequest, validFrameSelf } from '../model/frame-facts';
import { CONTENT_PORT, DEPARTED_EVENTS, PANEL_PORT } from '../model/relay';
import { DepartedStore, type SessionArea } from './departed';
import { FrameParents } from './frameParents';
import { PopupTabs } from './popups';
import { validReplayRequested, validReplayResult, type ReplayOrder, type ReplayRequested, type ReplayResult, type WindowTarget } from '../model/replay';
import { fromOwnPages, panelOf } from './replaySender';
import { loadSettings, loadWorkerOrigins, onWorkerOriginsChanged, recorderConfigText, saveWorkerOrigin } from './settings';
import { WorkerTabs, type StoppedRecord } from './workerTabs';
import { chromeDebugger, workerRecorderBundle } from './workerHost';
import { SharedWorkers } from './sharedWorkers';
import { chromeSharedWorkerApi } from './sharedWorkerHost';

interface Relay {
  port: Runtime.Port;
  tabId: number;
  frameId: number;
  /** From webNavigation, once known (-1 for a top frame): places the realm in the frame tree. */
  parentFrameId: number | undefined;
  url: string | undefined;
  realm: string | null;
  /** Highest seq forwarded to panels: a departing relay's resend of what was streamed is only kept. */
  forwardedSeq: number;
  /** Batches wait for the frame lookup (and so stay in order) before they are forwarded. */
  forwarded: Promise<void>;
  /** A popup's relay streams always (see popupHeld): what no panel acknowledged yet, oldest first. */
  held: RoutedBatchText[];
  heldEvents: number;
  /** The relay said it runs in a popup (known before webNavigation may have told us). */
  popup: boolean;
  /** The relay could not vouch for its realm's recording (its hello said why). */
  untrusted?: UntrustedReason;
}

const POPUPS_KEY = 'popups';
const INSPECTED_KEY = 'inspected';
const WORKERS_STOPPED_KEY = 'workersStopped';

const relays = new Map<number, Set<Relay>>();
const frameParents = new FrameParents();
browser.webNavigation.onCommitted.addListener((d) => {
  // (Chrome and Firefox both give it; the polyfill's types do not.)
  const parent = (d as { parentFrameId?: number }).parentFrameId;
  if (typeof parent === 'number') frameParents.committed(d.tabId, d.frameId, parent);
  if (d.frameId === 0) workerTabs.topCommitted(d.tabId, d.url, d.timeStamp);
});
browser.webNavigation.onBeforeNavigate.addListener((d) => {
  if (d.frameId === 0) workerTabs.topNavigating(d.tabId, d.url);
});
const panels = new Map<number, Set<Runtime.Port>>();
const session = browser.storage.session as unknown as SessionArea;
const departed = new DepartedStore(session);
let popups = new PopupTabs();
/**
 * Tabs a panel has subscribed to (kept in `storage.session`: a worker stopped while idle must still
 * know after a reload). A relay of a tab none of whose session was ever inspected keeps only its
 * document's first and last batches (`uninspected`, UNWATCHED_* in model/relay.ts).
 */
let inspected = new Set<number>();
/**
 * Batches of popups that closed before webNavigation told which tab opened them (it can tell after
 * the popup is gone): kept in memory until it does, for the few most recent such tabs.
 */
const orphans = new Map<number, RoutedBatchText[]>();
const MAX_ORPHAN_TABS = 20;

/** Everything that reads stored state waits for it: the worker may just have been restarted. */
const ready: Promise<void> = Promise.all([
  departed.load(),
  session
    .get(null)
    .then((all) => {
      popups = new PopupTabs(all[POPUPS_KEY]);
      const tabs: unknown = all[INSPECTED_KEY];
      if (Array.isArray(tabs)) inspected = new Set(tabs.filter((t): t is number => Number.isSafeInteger(t)));
    })
    .catch(() => undefined),
]).then(() => undefined);

/** Recording inside the inspected tabs' workers (issue 13; extension/workerTabs.ts). */
const workerRecorder = async () => ({ bundle: await workerRecorderBundle(), config: recorderConfigText(await loadSettings()) });
const sharedWorkerApi = chromeSharedWorkerApi();
const workerTabs = new WorkerTabs({
  api: chromeDebugger(),
  recorder: workerRecorder,
  sharedWorkers: sharedWorkerApi && new SharedWorkers(sharedWorkerApi, workerRecorder),
  saveSetting: saveWorkerOrigin,
  topUrl: (tabId) => browser.webNavigation.getFrame({ tabId, frameId: 0 }).then((f) => f?.url),
  hasPanels: (tabId) => (panels.get(tabId)?.size ?? 0) > 0,
  toSessionPanels: (tabId, message) => {
    for (const panel of panelsOf(tabId)) toPanel(panel, message);
  },
  toTabPanels: (tabId, message) => {
    for (const panel of panels.get(tabId) ?? []) toPanel(panel, message);
  },
  opener: (tabId) => popups.get(tabId)?.opener,
  stoppedArea: {
    load: () => session.get(null).then((all) => all[WORKERS_STOPPED_KEY]),
    save: (value: StoppedRecord) => void session.set({ [WORKERS_STOPPED_KEY]: value }).catch(() => undefined),
  },
});
void loadWorkerOrigins().then((origins) => workerTabs.settingChanged(origins));
onWorkerOriginsChanged((origins) => workerTabs.settingChanged(origins));

function savePopups(): void {
  session.set({ [POPUPS_KEY]: popups.toRecord() }).catch((err: unknown) => console.warn('[Entangle] could not keep the popup tabs in storage.session', err));
}

function saveInspected(): void {
  session.set({ [INSPECTED_KEY]: [...inspected] }).catch((err: unknown) => console.warn('[Entangle] could not keep the inspected tabs in storage.session', err));
}

function members<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

/** The panels that show the tab's realms: its own and those of every tab up its opener chain. */
function panelsOf(tabId: number): Runtime.Port[] {
  return popups.audience(tabId).flatMap((t) => [...(panels.get(t) ?? [])]);
}

/** The relays of every tab a panel of `tabId` shows. */
function relaysOfSession(tabId: number): Relay[] {
  return [...popups.session(tabId)].flatMap((t) => [...(relays.get(t) ?? [])]);
}

function toContent(relay: Relay, message: BackgroundToContent): void {
  try {
    relay.port.postMessage(message);
  } catch {
    // The document went away; its onDisconnect removes the relay.
  }
}

function toPanel(panel: Runtime.Port, message: BackgroundToPanel): void {
  try {
    panel.postMessage(message);
  } catch {
    // A panel that went away mid-way: its onDisconnect removes it; the others still get the batch.
  }
}

/** A relay's report of what its bound dropped: a range just before the batch, with a known reason
 *  (anything else, from a compromised renderer say, is not passed on as a gap). */
function plausibleDrop(d: DroppedRange, first: number): boolean {
  return (
    Number.isSafeInteger(d.from) &&
    Number.isSafeInteger(d.to) &&
    d.from >= 1 &&
    d.from <= d.to &&
    d.to < first &&
    (d.reason === 'relayBufferFull' || d.reason === 'unwatched')
  );
}

/** Forwards a relay's batch text to the session's panels, which parse and validate it (the router
 *  stays light: it shares the extension's process with the panel). A batch claiming another realm
 *  than its relay's is not forwarded: the panel gets its seq range as a gap with reason `batchRejected`. */
function routedBatch(relay: Relay, message: Extract<ContentToBackground, { kind: 'batch' }>): RoutedBatchText {
  const { realm, first, last } = message;
  const opener = popups.get(relay.tabId)?.opener;
  const base = {
    tabId: relay.tabId,
    frameId: relay.frameId,
    url: relay.url,
    ...(relay.parentFrameId !== undefined ? { parentFrameId: relay.parentFrameId } : {}),
    ...(opener ? { opener } : {}),
    ...(relay.untrusted ? { untrusted: relay.untrusted } : {}),
  };
  if (realm !== relay.realm) {
    console.warn(`[Entangle] rejected a batch of realm ${realm} from the relay of realm ${relay.realm}`);
    return { ...base, realm: relay.realm ?? realm, first, last, json: '', dropped: { from: first, to: last, reason: 'batchRejected' } };
  }
  const dropped = message.dropped && plausibleDrop(message.dropped, first) ? { dropped: message.dropped } : {};
  return { ...base, realm, first, last, json: message.json, ...dropped };
}

/**
 * A popup's batches are streamed to the router as they come and held here until a panel acknowledges
 * them or the relay disconnects (then they go to the departed store). Why not wait for `pagehide` as
 * for other documents: a closing tab's last messages never reach the router (Chrome drops what a
 * closing tab's frames post on extension ports during its unload; seen in Chromium 156), and a popup
 * usually closes right after posting. Memory only, bounded like the departed store; a worker stopped
 * while the popup lives gets them again from the relay's buffer when it reconnects.
 */
function popupHeld(relay: Relay, routed: RoutedBatchText): void {
  relay.held.push(routed);
  relay.heldEvents += routed.last - routed.first + 1;
  while (relay.heldEvents > DEPARTED_EVENTS && relay.held.length > 1) {
    const oldest = relay.held.shift()!;
    relay.heldEvents -= oldest.last - oldest.first + 1;
    const next = relay.held[0]!;
    next.dropped = { from: Math.min(oldest.dropped?.from ?? oldest.first, oldest.first), to: next.first - 1, reason: 'relayBufferFull' };
  }
}

function popupAcknowledged(relay: Relay, seq: number): void {
  while (relay.held.length > 0 && relay.held[0]!.last <= seq) {
    const b = relay.held.shift()!;
    relay.heldEvents -= b.last - b.first + 1;
  }
}

function batchArrived(relay: Relay, message: Extract<ContentToBackground, { kind: 'batch' }>): void {
  const routed = routedBatch(relay, message);
  const fresh = routed.last > relay.forwardedSeq;
  if (message.final) {
    // A departing document's relay resends what no panel acknowledged, part of which it may have
    // streamed already: keep all of it, forward only what the panels have not been sent.
    departed.add(popups.root(relay.tabId), routed);
    popupAcknowledged(relay, routed.last);
    if (!fresh) return;
  } else if (fresh && (relay.popup || popups.get(relay.tabId))) popupHeld(relay, routed);
  relay.forwardedSeq = Math.max(relay.forwardedSeq, routed.last);
  for (const panel of panelsOf(relay.tabId)) toPanel(panel, { kind: 'batch', routed });
}

function relayConnected(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  if (tabId === undefined) return port.disconnect();
  const frameId = port.sender?.frameId ?? 0;
  // The frame tree is not in the sender: ask for this frame's parent once; every batch carries it.
  // A frame removed at once may be gone before the answer: then its commit said it (frameParents.ts).
  const lookup = browser.webNavigation
    .getFrame({ tabId, frameId })
    .then((frame) => {
      relay.parentFrameId = frame ? frame.parentFrameId : frameParents.parentOf(tabId, frameId);
    })
    .catch(() => {
      relay.parentFrameId = frameParents.parentOf(tabId, frameId);
    });
  const relay: Relay = {
    port,
    tabId,
    frameId,
    parentFrameId: undefined,
    url: port.sender?.url,
    realm: null,
    forwardedSeq: 0,
    forwarded: Promise.all([lookup, ready]).then(() => undefined),
    held: [],
    heldEvents: 0,
    popup: false,
  };
  members(relays, tabId).add(relay);
  port.onMessage.addListener((raw) => {
    const message = raw as ContentToBackground;
    switch (message.kind) {
      case 'hello':
        relay.realm = message.realm;
        relay.popup = message.popup === true;
        // (Only a reason the panel knows: anything else, from a compromised renderer say, would make a
        // saved capture unreadable.)
        if (UNTRUSTED_REASONS.includes(message.untrusted as UntrustedReason)) relay.untrusted = message.untrusted;
        void ready.then(() => {
          if (panelsOf(tabId).length > 0 || popups.get(tabId)) toContent(relay, { kind: 'panelAttached', have: null });
          // A popup's top relay streams anyway; the others learn which bound to keep.
          else if (popups.audience(tabId).some((t) => inspected.has(t))) toContent(relay, { kind: 'panelDetached' });
          else if (!relay.popup) toContent(relay, { kind: 'uninspected' });
        });
        return;
      case 'batch':
        relay.forwarded = relay.forwarded.then(() => batchArrived(relay, message));
        return;
    }
  });
  port.onDisconnect.addListener(() => {
    relays.get(tabId)?.delete(relay);
    if (relays.get(tabId)?.size === 0) relays.delete(tabId);
    // After the batches still waiting for the frame lookup, so the panel hears of the end last.
    void relay.forwarded.then(() => {
      // A popup's relay: what no panel acknowledged is kept for later panels, as a departure would.
      const opener = popups.get(tabId)?.opener;
      if (opener) for (const routed of relay.held) departed.add(popups.root(tabId), { ...routed, opener });
      else if (relay.held.length > 0) {
        orphans.set(tabId, [...(orphans.get(tabId) ?? []), ...relay.held]);
        if (orphans.size > MAX_ORPHAN_TABS) orphans.delete(orphans.keys().next().value!);
      }
      relay.held = [];
      if (!relay.realm) return;
      for (const panel of panelsOf(tabId)) toPanel(panel, { kind: 'frameGone', realm: relay.realm, frameId: relay.frameId });
    });
  });
}

function panelConnected(port: Runtime.Port): void {
  let tabId: number | null = null;
  let gone = false;
  port.onMessage.addListener((raw) => {
    const message = raw as PanelToBackground;
    switch (message.kind) {
      case 'subscribe':
        void ready.then(() => {
          if (gone) return;
          tabId = message.tabId;
          subscribed(port, message.tabId, message.have);
        });
        return;
      case 'recordInsideWorkers':
        if (tabId !== null) void workerTabs.setOn(tabId, message.on === true);
        return;
      case 'ack': {
        if (tabId === null || !Array.isArray(message.held)) return;
        const held = new Map<string, number>();
        for (const h of message.held) if (typeof h?.realm === 'string' && Number.isSafeInteger(h.seq) && h.seq > 0) held.set(h.realm, h.seq);
        for (const relay of relaysOfSession(tabId)) {
          const seq = relay.realm === null ? undefined : held.get(relay.realm);
          if (seq === undefined) continue;
          toContent(relay, { kind: 'ack', seq });
          popupAcknowledged(relay, seq);
        }
        return;
      }
    }
  });
  port.onDisconnect.addListener(() => {
    gone = true;
    if (tabId === null) return;
    const set = panels.get(tabId);
    set?.delete(port);
    if (set && set.size === 0) {
      panels.delete(tabId);
      for (const relay of relaysOfSession(tabId)) if (panelsOf(relay.tabId).length === 0 && !popups.get(relay.tabId)) toContent(relay, { kind: 'panelDetached' });
    }
    workerTabs.panelsChanged(tabId);
  });
}

/** A panel of `tabId` listens: first what departed documents of its session left, then the live relays' buffers. */
function subscribed(port: Runtime.Port, tabId: number, have: Record<string, number>): void {
  members(panels, tabId).add(port);
  if (!inspected.has(tabId)) {
    inspected.add(tabId);
    saveInspected();
  }
  const has = (realm: string | null): number => (realm !== null && Object.hasOwn(have, realm) ? have[realm]! : 0);
  for (const routed of departed.batchesFor(popups.root(tabId), popups.session(tabId), have)) toPanel(port, { kind: 'batch', routed });
  for (const relay of relaysOfSession(tabId)) toContent(relay, { kind: 'panelAttached', have: has(relay.realm) });
  void workerTabs.panelSubscribed(tabId, (message) => toPanel(port, message), have);
}

/** The extension's own pages (the panel in DevTools or as a tab, the CLI's page): the browser sets a
 *  port's sender URL, so a content script — or a compromised renderer speaking for one — cannot claim
 *  to be one. Only these may subscribe to a tab's batches. */
const OWN_PAGES = browser.runtime.getURL('');
const fromOwnPage = (port: Runtime.Port): boolean => fromOwnPages(port.sender, OWN_PAGES);

browser.runtime.onConnect.addListener((port) => {
  if (port.name === CONTENT_PORT) relayConnected(port);
  else if (port.name === PANEL_PORT) {
    if (fromOwnPage(port)) panelConnected(port);
    else {
      console.warn(`[Entangle] refused a panel subscription from ${port.sender?.url ?? 'an unknown sender'}`);
      port.disconnect();
    }
  }
});

// A realm opened a popup: the new tab joins the opener's session (before its documents load, usually).
browser.webNavigation.onCreatedNavigationTarget.addListener(({ sourceTabId, sourceFrameId, tabId }) => {
  void ready.then(() => {
    if (!popups.learned(tabId, sourceTabId, sourceFrameId)) return;
    savePopups();
    const { opener } = popups.get(tabId)!;
    for (const orphan of orphans.get(tabId) ?? []) {
      const routed = { ...orphan, opener };
      departed.add(popups.root(tabId), routed);
      for (const panel of panelsOf(tabId)) toPanel(panel, { kind: 'batch', routed });
    }
    orphans.delete(tabId);
    // Its relays may have said hello (and streamed, from the top window) before this was known: the
    // session's panels get what is held, and every relay of the popup streams from now on.
    for (const relay of relays.get(tabId) ?? []) {
      relay.held = relay.held.map((routed) => ({ ...routed, opener }));
      const panelsNow = panelsOf(tabId);
      for (const routed of relay.held) for (const panel of panelsNow) toPanel(panel, { kind: 'batch', routed });
      toContent(relay, { kind: 'panelAttached', have: null });
    }
  });
});

// A closed tab's departed documents can be asked for by nobody any more (a closed popup's belong to its root).
browser.tabs.onRemoved.addListener((tabId) => {
  frameParents.tabClosed(tabId);
  workerTabs.tabClosed(tabId);
  void ready.then(() => {
    departed.forget(tabId);
    if (inspected.delete(tabId)) saveInspected();
    if (popups.removed(tabId)) savePopups();
  });
});

/** How long a frame's relay has to answer a question about its frame (FrameFactsRequest). */
const FRAME_QUESTION_MS = 3_000;

/** One relay's answer, or `null` when none came (no relay in that frame, an older relay that does not
 *  know the question, the frame went, or no answer in time). */
function askFrame(tabId: number, frameId: number, question: ContentRequest | ReplayOrder): Promise<{ answer: unknown } | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), FRAME_QUESTION_MS);
    browser.tabs.sendMessage(tabId, question, { frameId }).then(
      (answer: unknown) => {
        clearTimeout(timer);
        // An older relay has no listener for it, and the browser answers undefined.
        resolve(answer === undefined ? null : { answer });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

/** The frame's document title and its index among its parent's frames (asked of the frame's own
 *  relay), then the element holding it (asked of the parent frame's relay), each validated: a relay
 *  speaks for a renderer. */
async function frameFacts({ tabId, frameId, realm }: FrameFactsRequest): Promise<FrameFacts> {
  const [selfAnswer, frame] = await Promise.all([askFrame(tabId, frameId, { kind: 'frameSelf' }), browser.webNavigation.getFrame({ tabId, frameId }).catch(() => null)]);
  const self = selfAnswer === null ? null : validFrameSelf(selfAnswer.answer);
  let element: FrameFact<FrameElementFacts>;
  if (!frame) element = { missing: 'notFound' };
  else if (frame.parentFrameId < 0) element = { missing: 'topFrame' };
  else if (self?.childIndex === undefined) element = { missing: 'noAnswer' };
  else {
    const a = await askFrame(tabId, frame.parentFrameId, { kind: 'frameElement', childIndex: self.childIndex });
    const facts = a === null ? null : validFrameElement(a.answer);
    element = a === null ? { missing: 'noAnswer' } : a.answer === null ? { missing: 'notFound' } : facts ? { known: facts } : { missing: 'noAnswer' };
  }
  return { element, title: titleOf(self, realm) };
}

const refusedReplay = (reason: string): ReplayResult => ({ outcome: 'refused', reason });

/** Hands an order to one frame's relay, and its answer back (validated: a relay speaks for a renderer). */
async function orderFrame(tabId: number, frameId: number, order: ReplayOrder): Promise<ReplayResult> {
  const a = await askFrame(tabId, frameId, order);
  if (a === null) return refusedReplay('the page did not answer (its document may be gone)');
  return validReplayResult(a.answer) ?? refusedReplay('the page gave no valid answer');
}

/** The frame's realm and index among its parent's frames, from its own relay; null when it does not
 *  hold `realm` (any more). */
async function frameSelf(tabId: number, frameId: number, realm: string): Promise<{ childIndex?: number } | null> {
  const a = await askFrame(tabId, frameId, { kind: 'frameSelf' });
  const self = a === null ? null : validFrameSelf(a.answer);
  return self && self.realm === realm ? self : null;
}

/**
 * Sends a replay order to the sending realm's frame. A window message (no recorded send) is sent by
 * the sending frame to the receiving one, named by their relation in the frame tree (self, parent,
 * child: the relations the recorder resolves with its own natives), after the receiving realm was
 * told to expect it, so that its receipt says `replayOf`.
 */
async function replay(request: ReplayRequested): Promise<ReplayResult> {
  const { tabId, frameId, realm, original, route, payload } = request;
  if (route !== 'window') return orderFrame(tabId, frameId, { kind: 'replay', realm, original, route, payload });
  const to = request.to!;
  const [sending, receiving] = await Promise.all([browser.webNavigation.getFrame({ tabId, frameId }).catch(() => null), browser.webNavigation.getFrame({ tabId, frameId: to.frameId }).catch(() => null)]);
  if (!sending || !receiving) return refusedReplay('the sending or the receiving frame is not there any more');
  let target: WindowTarget;
  let from: WindowTarget;
  if (frameId === to.frameId) {
    target = { relation: 'self' };
    from = { relation: 'self' };
  } else if (receiving.parentFrameId === frameId) {
    const child = await frameSelf(tabId, to.frameId, to.realm);
    if (child?.childIndex === undefined) return refusedReplay('the receiving frame holds another document now');
    target = { relation: 'child', childIndex: child.childIndex };
    from = { relation: 'parent' };
  } else if (sending.parentFrameId === to.frameId) {
    const [child, parent] = await Promise.all([frameSelf(tabId, frameId, realm), frameSelf(tabId, to.frameId, to.realm)]);
    if (child?.childIndex === undefined || parent === null) return refusedReplay('the sending or the receiving frame holds another document now');
    target = { relation: 'parent' };
    from = { relation: 'child', childIndex: child.childIndex };
  } else return refusedReplay('a window message is replayed only between a frame and itself, its parent or its child');
  const expected = await orderFrame(tabId, to.frameId, { kind: 'expectReplay', realm: to.realm, original, from });
  if (expected.outcome !== 'sent') return expected;
  return orderFrame(tabId, frameId, { kind: 'replay', realm, original, route, window: { ...target, targetOrigin: to.origin }, payload });
}

/** Extension pages (the panel opened as a tab, the CLI, tests) ask which tabs have recorders, and the
 *  panel's inspector asks about a frame it shows. */
browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const message = raw as ExtensionRequest;
  // Only the extension's own pages may ask: content scripts (and so pages) get no answer.
  if (!fromOwnPages(sender, OWN_PAGES)) return undefined;
  if (message?.kind === 'replayRequested') {
    const request = validReplayRequested(raw);
    if ('error' in request) return Promise.resolve(refusedReplay(`the background refused it: ${request.error}`));
    return ready.then(() => (panelOf(sender, request.tabId, panelsOf) ? replay(request) : refusedReplay('only a panel inspecting that tab may replay into it')));
  }
  if (message?.kind === 'frameFacts') {
    const request = validFrameFactsRequest(raw);
    return request ? frameFacts(request) : undefined;
  }
  if (message?.kind !== 'inspectableTabs') return undefined;
  return ready.then(() =>
    [...relays].map(([tabId, set]): InspectableTab => {
      const popup = popups.get(tabId);
      return { tabId, urls: [...new Set([...set].map((r) => r.url ?? ''))], ...(popup ? { popupOf: popup.root } : {}) };
    }),
  );
});
