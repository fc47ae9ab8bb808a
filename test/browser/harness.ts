/**
 * Real-browser harness: Debian's Chromium with the built extension (dist/chrome), driven by
 * puppeteer-core over a pipe, plus the two-origin fixture server. One browser per test file.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
// @ts-expect-error -- plain ESM helper shared with the npm scripts
import { CHROMIUM_ARGS, EXTENSION_DIR, extensionArgs, findChromium, INSTALL_HINT } from '../../scripts/chromium.mjs';
import { startDemoServer, type DemoServer } from '../../demo/serve.mjs';
import type { EntangleEvent } from '../../model/protocol';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export { startDemoServer, type DemoServer };

export interface Session {
  browser: Browser;
  extensionId: string | null;
  close(): Promise<void>;
}

export async function launch({ extension = true } = {}): Promise<Session> {
  const executablePath = findChromium() as string | null;
  if (!executablePath) throw new Error(INSTALL_HINT);
  if (extension && !existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('dist/chrome is missing: run `npm run build` first');
  const profile = mkdtempSync(join(tmpdir(), 'entangle-test-'));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    enableExtensions: extension,
    userDataDir: profile,
    args: [...(CHROMIUM_ARGS as string[]), ...(extension ? (extensionArgs() as string[]) : [])],
    // Puppeteer must not attach to the service worker: a worker it attached to starts paused on
    // every restart, which is exactly what the relay tests exercise.
    targetFilter: (t) => t.type() !== 'service_worker',
  });
  let extensionId: string | null = null;
  if (extension) {
    const sw = await waitFor('the extension service worker', async () => (await targetInfos(browser)).find(isBackground));
    extensionId = new URL(sw.url).host;
  }
  return {
    browser,
    extensionId,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

async function targetInfos(browser: Browser): Promise<TargetInfo[]> {
  const cdp = await browser.target().createCDPSession();
  try {
    return ((await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] }).targetInfos;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

const isBackground = (t: TargetInfo): boolean => t.type === 'service_worker' && t.url.startsWith('chrome-extension://') && t.url.endsWith('/background.js');

/** The tab whose relays report a URL containing `urlPart`, asked of the background from an extension page. */
export async function tabIdOf(extensionPage: Page, urlPart: string): Promise<number> {
  return waitFor(`a tab with an Entangle relay at a URL containing ${urlPart}`, async () => {
    const tabs = (await extensionPage.evaluate(() => chrome.runtime.sendMessage({ kind: 'inspectableTabs' }))) as { tabId: number; urls: string[] }[];
    // The newest matching tab: earlier tests may leave relays of closed tabs for a moment.
    return tabs.filter((t) => t.urls.some((u) => u.includes(urlPart))).sort((a, b) => b.tabId - a.tabId)[0]?.tabId;
  });
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
