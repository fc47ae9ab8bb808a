/**
 * The real DevTools front end: the Entangle panel is registered in the inspected page's DevTools,
 * runs there as a DevTools panel (with `chrome.devtools.*`), and shows the page's messages live.
 *
 * Selecting the panel goes through DevTools' internal InspectorView API, which may change between
 * Chromium versions: that part is kept small and fails with a message saying so.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { launchChromium, type ChromiumSession } from '../../scripts/browser.mjs';
import { FIXTURES, startDemoServer, waitFor, type DemoServer } from './harness';

const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const LEGACY_UI = 'devtools://devtools/bundled/ui/legacy/legacy.js';
const INTERNAL_API_HINT =
  `DevTools' internal API (${LEGACY_UI} → InspectorView.InspectorView.instance().tabbedPane) did not behave as expected; ` +
  'it is not a public API and may have changed in this Chromium version';

type Burst = (total: number, chunk?: number, pauseMs?: number) => Promise<number>;
interface Counts {
  sent: number;
  received: number;
  total: number;
}

/**
 * Runs `body` in the DevTools front end `dt` with `inspectorView` bound to DevTools' own (internal)
 * InspectorView. Passed as source text: Vitest rewrites `import()` inside functions handed to evaluate.
 */
async function withInspectorView<T>(dt: Page, body: string): Promise<T> {
  return dt.evaluate(`(async () => {
    const legacy = await import(${JSON.stringify(LEGACY_UI)});
    const inspectorView = legacy.InspectorView.InspectorView.instance();
    ${body}
  })()`) as Promise<T>;
}

/** The ids of the panels' tabs in the DevTools front end. */
const panelIds = (dt: Page): Promise<string[]> => withInspectorView(dt, 'return inspectorView.tabbedPane.tabIds();');

const showPanel = (dt: Page, id: string): Promise<void> => withInspectorView(dt, `await inspectorView.showPanel(${JSON.stringify(id)});`);

async function storeCounts(panel: Frame): Promise<Counts> {
  return panel.evaluate(() => {
    type State = { countsByType: Record<string, number>; total: number };
    const s = (window as unknown as { __entangle: { store: { getState(): State } } }).__entangle.store.getState();
    return { sent: s.countsByType.messageSent ?? 0, received: s.countsByType.messageReceived ?? 0, total: s.total };
  });
}

describe('the Entangle panel in the real DevTools', () => {
  let server: DemoServer;
  let session: ChromiumSession;
  let page: Page;
  let dt: Page;
  let panelId: string;
  let panel: Frame | undefined;
  const shownPanel = (): Frame => {
    if (!panel) throw new Error('the Entangle panel was not shown in DevTools (see the first test)');
    return panel;
  };

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launchChromium({ extension: true, devtools: true });
    page = await session.browser.newPage();
    await page.goto(server.url('/burst.html'));
    dt = await page.openDevTools();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('registers the Entangle panel in DevTools', async () => {
    let ids: string[] = [];
    try {
      panelId = await waitFor('a DevTools panel whose id ends with "Entangle"', async () => {
        ids = await panelIds(dt);
        return ids.find((id) => id.endsWith('Entangle'));
      });
    } catch (err) {
      throw new Error(`${INTERNAL_API_HINT}, or the extension registered no panel. Panel ids seen: ${JSON.stringify(ids)}. ${String(err)}`);
    }
    expect(panelId).toMatch(/^chrome-extension:\/\/[a-p]{32}Entangle$/);
    try {
      await showPanel(dt, panelId);
    } catch (err) {
      throw new Error(`${INTERNAL_API_HINT}: showPanel(${panelId}) failed. ${String(err)}`);
    }
    const frame = await waitFor('the Entangle panel iframe (…/panel.html) in the DevTools front end', async () =>
      dt.frames().find((f) => f.url().startsWith('chrome-extension://') && new URL(f.url()).pathname === '/panel.html'),
    );
    await frame.waitForFunction(() => Boolean((window as unknown as { __entangle?: unknown }).__entangle));
    panel = frame;
  });

  it('runs as a DevTools panel of the inspected tab', async () => {
    const tabId = await shownPanel().evaluate(() => chrome.devtools?.inspectedWindow?.tabId);
    expect(typeof tabId).toBe('number');
  });

  it('shows the inspected page’s messages live', async () => {
    const frame = shownPanel();
    // Nothing was posted yet: whatever arrives below arrives while the panel is open.
    expect(await storeCounts(frame)).toMatchObject({ sent: 0, received: 0 });
    const received = await page.evaluate((n) => (window as unknown as { burst: Burst }).burst(n), 100);
    expect(received).toBe(100);
    let last: Counts | undefined;
    await waitFor('100 sent and 100 received messages in the panel store', async () => {
      last = await storeCounts(frame);
      return last.sent >= 100 && last.received >= 100;
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; last counts: ${JSON.stringify(last)}`);
    });
    expect(last).toMatchObject({ sent: 100, received: 100 });
    expect(last!.total).toBeGreaterThanOrEqual(200);

    // The rendered timeline (not only the store) shows them: one row per message, send matched with
    // its receipt, and the count in the filter bar.
    const delivered = await waitFor('delivered message rows in the panel timeline', async () => {
      const n = await frame.$$eval('[data-testid="timeline-row"][data-kind="message"][data-status="delivered"]', (els) => els.length);
      return n > 0 ? n : undefined;
    });
    expect(delivered).toBeGreaterThan(0);
    await waitFor('"100 messages" in the filter bar', async () => (await frame.$eval('[data-testid="filter-count"]', (el) => el.textContent ?? '')) === '100 messages');
    expect(await frame.$('[data-testid="empty"]')).toBeNull();

    mkdirSync(ARTIFACTS, { recursive: true });
    await dt.screenshot({ path: join(ARTIFACTS, 'devtools-panel.png') });
  });
});
