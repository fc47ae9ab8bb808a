/**
 * Popups belong to the session: a page opens a popup (`window.open`), the popup posts to its opener
 * and closes at once (the sign-in/payment pattern). The opener tab's panel holds the popup's realm and
 * its events, although the browser ran it in another tab, and the routed batches say which frame
 * opened it (`opener`). A popup of the popup too, and nothing is lost when they close right after posting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { RoutedBatchText } from '../../model/relay';
import { FIXTURES, launch, openPanel, panelEvents, panelRealms, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

type OpenPopup = (depth: number) => Promise<{ done: boolean; level: number }>;

/** Subscribes like a panel over a raw runtime port from an extension page and keeps every routed batch. */
async function listen(extensionPage: Page, tabId: number): Promise<void> {
  await extensionPage.evaluate((t) => {
    const w = window as unknown as { __routed: unknown[] };
    w.__routed = [];
    const port = chrome.runtime.connect({ name: 'entangle-panel' });
    port.onMessage.addListener((m: { kind: string; routed?: unknown }) => {
      if (m.kind === 'batch') w.__routed.push(m.routed);
    });
    port.postMessage({ kind: 'subscribe', tabId: t, have: {} });
  }, tabId);
}

async function routed(extensionPage: Page): Promise<RoutedBatchText[]> {
  return extensionPage.evaluate(() => (window as unknown as { __routed: RoutedBatchText[] }).__routed);
}

/** The realm whose realmStarted URL contains `level=N`, and its events. */
function popupRealm(entries: PanelEntry[], level: number): { realm: string; events: PanelEntry['event'][] } | undefined {
  const start = entries.find((e) => e.event.type === 'realmStarted' && e.event.url.includes(`popup.html?level=${level}&`));
  if (!start) return undefined;
  return { realm: start.realm, events: entries.filter((e) => e.realm === start.realm).map((e) => e.event) };
}

/** The popup's send on its port and its end (`realmGone`, recorded at its `window.close()` call), and
 *  everything before them, held. (Its `opener.postMessage` is recorded by the opener's realm, whose
 *  function it calls.) */
function complete(p: ReturnType<typeof popupRealm>): boolean {
  if (!p) return false;
  return (
    p.events.some((e) => e.type === 'messageSent' && e.route === 'port') &&
    p.events.some((e) => e.type === 'realmGone' && !e.persisted) &&
    p.events.every((e, i) => e.seq === i + 1)
  );
}

/**
 * Opens the popup chain and waits for its message. Every popup of the chain closes `closeDelay` ms
 * after posting, or at once (0): then the recorder sends its last events at the `window.close()`
 * call (inject/main.ts), since what a closing tab sends later never reaches the extension.
 */
function openPopup(page: Page, depth: number, closeDelay: number): Promise<{ done: boolean; level: number }> {
  return page.evaluate(
    (d, c) => {
      const w = window as unknown as { openPopup: OpenPopup; closeDelay: number };
      w.closeDelay = c;
      return w.openPopup(d);
    },
    depth,
    closeDelay,
  );
}

describe('popups', () => {
  let server: DemoServer;
  let session: Session;
  let helper: Page;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
    helper = await openPanel(session);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('a popup that posts to its opener and closes right after shows in the opener tab’s panel (opened afterwards)', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/popup/opener.html?run=1'));
    const tabId = await tabIdOf(helper, 'opener.html?run=1');
    expect(await openPopup(page, 1, 0)).toMatchObject({ done: true, level: 1 });
    const panel = await openPanel(session, tabId);
    const entries = await waitFor('the popup’s realm and its send', async () => {
      const all = await panelEvents(panel);
      return complete(popupRealm(all, 1)) ? all : undefined;
    });
    const popup = popupRealm(entries, 1)!;
    const start = popup.events[0]!;
    expect(start.type === 'realmStarted' && start.kind).toBe('popup');
    // The opener's receipt of the popup's message is there too.
    expect(entries.some((e) => e.realm !== popup.realm && e.event.type === 'messageReceived' && e.event.route === 'window')).toBe(true);
    const realms = await panelRealms(panel);
    expect(realms.find((r) => r.realm === popup.realm)).toMatchObject({ kind: 'popup', frameId: 0 });

    // The routed batches of the popup carry the frame that opened it and the popup's own tab.
    await listen(helper, tabId);
    const batches = await waitFor('the popup’s batches over a raw port', async () => {
      const all = (await routed(helper)).filter((b) => b.realm === popup.realm);
      return all.length > 0 ? all : undefined;
    });
    for (const b of batches) {
      expect(b.opener).toEqual({ tabId, frameId: 0 });
      expect(b.tabId).not.toBe(tabId);
    }
    await page.close();
    await panel.close();
  });

  it('a popup of a popup belongs to the root tab’s session (panel open throughout)', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/popup/opener.html?run=2'));
    const tabId = await tabIdOf(helper, 'opener.html?run=2');
    const panel = await openPanel(session, tabId);
    await waitFor('the opener’s realm in the panel', async () => (await panelEvents(panel)).length > 0);
    await listen(helper, tabId);
    expect(await openPopup(page, 2, 0)).toMatchObject({ done: true, level: 1 });
    const entries = await waitFor('both popups’ realms and sends', async () => {
      const all = await panelEvents(panel);
      return complete(popupRealm(all, 1)) && complete(popupRealm(all, 2)) ? all : undefined;
    }, 10_000).catch(async (err: unknown) => {
      const all = await panelEvents(panel);
      const show = (l: number) => popupRealm(all, l)?.events.map((e) => `${e.seq}:${e.type}`).join(' ') ?? 'no realm';
      const map = await helper.evaluate(() => chrome.storage.session.get('popups'));
      const tabs = await helper.evaluate(() => chrome.runtime.sendMessage({ kind: 'inspectableTabs' }));
      const raw = (await routed(helper)).map((b) => `${b.tabId}/${b.realm}/${b.first}-${b.last}/${b.json.slice(0, 200)}`);
      throw new Error(`${JSON.stringify(raw)} ${String(err)}: popup 1: ${show(1)}; popup 2: ${show(2)} ${JSON.stringify(map)} ${JSON.stringify(tabs)}`);
    });
    const first = popupRealm(entries, 1)!;
    const second = popupRealm(entries, 2)!;
    for (const p of [first, second]) expect(p.events[0]!.type === 'realmStarted' && p.events[0]!.kind).toBe('popup');

    // The raw port subscribed before the popups opened: it got their batches as they were streamed
    // (acknowledged by the panel, they are not kept for later subscribers).
    const batches = await waitFor('both popups’ batches over a raw port', async () => {
      const all = await routed(helper);
      const of = (realm: string) => all.filter((b) => b.realm === realm);
      return of(first.realm).length > 0 && of(second.realm).length > 0 ? { one: of(first.realm), two: of(second.realm) } : undefined;
    });
    const firstTab = batches.one[0]!.tabId;
    expect(firstTab).not.toBe(tabId);
    for (const b of batches.one) expect(b.opener).toEqual({ tabId, frameId: 0 });
    // The second popup was opened by the first: its opener is the first popup's top frame.
    for (const b of batches.two) {
      expect(b.opener).toEqual({ tabId: firstTab, frameId: 0 });
      expect([tabId, firstTab]).not.toContain(b.tabId);
    }
    await page.close();
    await panel.close();
  });
});
