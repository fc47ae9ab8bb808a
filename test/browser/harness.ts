/**
 * Real-browser harness: Debian's Chromium with the built extension (dist/chrome), driven by
 * puppeteer-core over a pipe, plus the two-origin fixture server. One browser per test file.
 */
import { resolve } from 'node:path';
import type { CDPSession, Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/serve.mjs';
import { findInspectedTab, launchChromium, type ChromiumSession } from '../../scripts/browser.mjs';
import type { EntangleEvent } from '../../model/protocol';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export { startDemoServer, type DemoServer };

export type Session = ChromiumSession;

/** One browser per test file: with the built extension, or without it (for comparisons). */
export function launch({ extension = true } = {}): Promise<Session> {
  return launchChromium({ extension });
}

/** The tab whose relays report a URL containing `urlPart`, asked of the background from an extension page. */
export async function tabIdOf(extensionPage: Page, urlPart: string): Promise<number> {
  const tabId = await findInspectedTab(extensionPage, urlPart);
  if (tabId === null) throw new Error(`no tab with an Entangle relay at a URL containing ${urlPart}`);
  return tabId;
}

/** Stops the extension's service worker, as Chrome does when it is idle or under memory pressure.
 *  Uses the ServiceWorker domain of an extension page (same origin as the worker). */
export async function stopServiceWorker(extensionPage: Page): Promise<void> {
  const cdp = await extensionPage.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

export interface PanelEntry {
  realm: string;
  frameId: number;
  event: EntangleEvent;
}

/** Opens `url` in a new tab and waits for the fixture's `window.done` (what the page saw). */
export async function pageDone<T>(session: Session, url: string): Promise<T> {
  const page = await session.browser.newPage();
  await page.goto(url);
  return page.evaluate(() => (window as unknown as { done: Promise<T> }).done);
}

/** Opens the panel as a tab (`panel.html?tabId=N`), the way a user can too; without a tab id it
 *  is just an extension page to ask the background from. */
export async function openPanel(session: Session, tabId?: number): Promise<Page> {
  const page = await session.browser.newPage();
  await page.goto(`chrome-extension://${session.extensionId}/panel.html${tabId === undefined ? '' : `?tabId=${tabId}`}`);
  await page.waitForFunction(() => Boolean((window as unknown as { __entangle?: unknown }).__entangle));
  return page;
}

/** Everything the panel's store holds, in arrival order. */
export async function panelEvents(panel: Page): Promise<PanelEntry[]> {
  return panel.evaluate(() => {
    type Log = { length: number; at(i: number): { realm: string; frameId: number; event: unknown } };
    const w = window as unknown as { __entangle: { store: { getState(): { log: Log } } } };
    const log = w.__entangle.store.getState().log;
    const out: unknown[] = [];
    for (let i = 0; i < log.length; i++) {
      const e = log.at(i)!;
      out.push({ realm: e.realm, frameId: e.frameId, event: e.event });
    }
    return out as never;
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** The panel's per-realm bookkeeping (frame ids, parent frame, gaps…). */
export async function panelRealms(panel: Page): Promise<{ realm: string; frameId: number; parentFrameId?: number; kind?: string }[]> {
  return panel.evaluate(() => {
    type Info = { realm: string; frameId: number; parentFrameId?: number; kind?: string };
    const w = window as unknown as { __entangle: { store: { getState(): { realms: Map<string, Info> } } } };
    return [...w.__entangle.store.getState().realms.values()].map((r) => ({ realm: r.realm, frameId: r.frameId, parentFrameId: r.parentFrameId, kind: r.kind }));
  });
}

/**
 * The bundled demo page in a tab, run to its end (it throws if the demo reported an error), and the
 * panel for that tab, at `viewport`, in front.
 */
export async function demoPanel(session: Session, server: DemoServer, viewport = { width: 1400, height: 820 }): Promise<Page> {
  const page = await session.browser.newPage();
  await page.goto(server.url('/index.html'));
  await page.waitForFunction(() => {
    const w = window as unknown as { __demoDone?: boolean; __demoError?: string | null };
    return w.__demoDone === true || (w.__demoError ?? null) !== null;
  });
  const error = await page.evaluate(() => (window as unknown as { __demoError?: string | null }).__demoError ?? null);
  if (error !== null) throw new Error(`the demo page failed: ${error}`);
  const panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
  await panel.setViewport(viewport);
  await panel.bringToFront();
  return panel;
}

/** Runs `expression` in the extension's content-script world of `page`. */
export async function inContentScript(page: Page, expression: string): Promise<unknown> {
  const cdp: CDPSession = await page.createCDPSession();
  const contexts: { id: number; name: string; auxData?: { type?: string; frameId?: string; isDefault?: boolean } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: (typeof contexts)[number] }) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const world = await waitFor('the content script’s world', async () => contexts.find((c) => c.auxData?.type === 'isolated' && c.name === 'Entangle'));
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, contextId: world.id, awaitPromise: true, returnByValue: true });
  await cdp.detach();
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return result.value;
}
