/**
 * A `window.postMessage` dropped for its `targetOrigin` (issue 13), with the built extension: while
 * "Record inside workers" has the debugging protocol attached, the browser's report of the drop
 * becomes a `dropped-origin` message naming both origins and the call site; the right messages are
 * delivered as before, and the page sees exactly what it would see without Entangle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { launchChromium } from '../../scripts/browser.mjs';
import { FIXTURES, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

interface Dropped {
  id: string;
  route: string;
  status: string;
  fromRealm?: string;
  toRealm?: string;
  ambiguity?: string[];
  dropped?: { targetOrigin: string; recipientOrigin: string; url?: string; line?: number; column?: number; stack?: string };
}
interface Realm {
  id: string;
  kind: string;
  url?: string;
  origin?: string;
}

/** The panel's model: its window messages and its realms. */
async function windowMessages(panel: Page): Promise<{ messages: Dropped[]; realms: Realm[] }> {
  return panel.evaluate(() => {
    type M = { messages: (Dropped & Record<string, unknown>)[]; realms: (Realm & Record<string, unknown>)[] };
    const model = (window as unknown as { __entangle: { store: { getState(): { model(): M } } } }).__entangle.store.getState().model();
    return {
      messages: model.messages.filter((m) => m.route === 'window').map(({ id, route, status, fromRealm, toRealm, ambiguity, dropped }) => ({ id, route, status, fromRealm, toRealm, ambiguity, dropped })),
      realms: model.realms.map(({ id, kind, url, origin }) => ({ id, kind, url, origin })),
    };
  });
}

/** The 1-based line of the fixture's page that holds `text`. */
function lineOf(text: string): number {
  const lines = readFileSync(join(FIXTURES, 'origin-drops/page.html'), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(text)) + 1;
}

describe('window messages dropped for their targetOrigin', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let panel: Page;
  let siteOrigin: string;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launchChromium({ extension: true });
    page = await session.browser.newPage();
    await page.goto(server.url('/origin-drops/page.html'));
    siteOrigin = await page.evaluate(() => (window as unknown as { siteOrigin: string }).siteOrigin);
    const extensionPage = await openPanel(session);
    const tabId = await tabIdOf(extensionPage, server.originA);
    panel = await openPanel(session, tabId);
    await (await panel.waitForSelector('::-p-aria([name="Settings"][role="button"])'))!.click();
    await (await panel.waitForSelector('::-p-aria(Record inside workers)'))!.click();
    await waitFor('the panel to say it records inside workers', async () => (await panel.$eval('[data-testid="workers-status"]', (el) => el.textContent ?? '')).startsWith('Recording inside workers'));
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('the page gets what it gets without Entangle: the right messages acknowledged, the wrong ones not', async () => {
    expect(await page.evaluate(() => (window as unknown as { postAll(): Promise<string[]> }).postAll())).toEqual(['got:right-same', 'got:right-site']);
  });

  it('records each wrong one as dropped-origin with both origins and the call site, each right one delivered', async () => {
    const { messages, realms } = await waitFor('two dropped and four delivered window messages', async () => {
      const m = await windowMessages(panel);
      const count = (status: string): number => m.messages.filter((x) => x.status === status).length;
      return count('dropped-origin') === 2 && count('delivered') === 4 ? m : undefined;
    });
    const top = realms.find((r) => r.kind === 'top')!;
    const site = realms.find((r) => r.kind === 'iframe' && r.origin === siteOrigin)!;
    const same = realms.find((r) => r.kind === 'iframe' && r.origin === server.originA)!;
    expect([top, site, same].every((r) => r !== undefined)).toBe(true);

    const dropped = messages.filter((m) => m.status === 'dropped-origin');
    const toSame = dropped.find((m) => m.dropped?.recipientOrigin === server.originA);
    const toSite = dropped.find((m) => m.dropped?.recipientOrigin === siteOrigin);
    const pageUrl = server.url('/origin-drops/page.html');
    expect(toSame!.dropped).toMatchObject({ targetOrigin: 'https://wrong.example', recipientOrigin: server.originA, url: pageUrl, line: lineOf("same.postMessage('wrong-same'") });
    expect(toSite!.dropped).toMatchObject({ targetOrigin: 'https://wrong.example', recipientOrigin: siteOrigin, url: pageUrl, line: lineOf("site.postMessage('wrong-site'") });
    expect(toSite!.dropped!.column).toBeGreaterThan(1);
    expect(toSite!.dropped!.stack).toContain(`${pageUrl}:${toSite!.dropped!.line}:`);
    // The sender is the window at the call site; the receiver, the only window of its origin. Two
    // windows have the same-origin frame's origin (the top and that frame): no receiver is named.
    expect(toSite).toMatchObject({ fromRealm: top.id, toRealm: site.id });
    expect(toSame).toMatchObject({ fromRealm: top.id, ambiguity: ['dropReceivers'] });
    expect(toSame!.toRealm).toBeUndefined();

    // The right ones, from their receipts, as without the browser's reports.
    const delivered = messages.filter((m) => m.status === 'delivered');
    expect(delivered.filter((m) => m.fromRealm === top.id).map((m) => m.toRealm).sort()).toEqual([same.id, site.id].sort());
    expect(delivered.filter((m) => m.toRealm === top.id).map((m) => m.fromRealm).sort()).toEqual([same.id, site.id].sort());
  });

  it('shows the status in the timeline, finds it with status:dropped-origin, and explains it in the inspector', async () => {
    const filter = (await panel.waitForSelector('::-p-aria(Filter messages[role="combobox"])')) as ElementHandle<Element>;
    await filter.click({ count: 3 });
    await panel.keyboard.type(`status:dropped-origin ${siteOrigin.replace('http://', '')}`);
    const row = await waitFor('one dropped row', async () => {
      const rows = await panel.$$('[data-testid="timeline-row"]');
      return rows.length === 1 ? rows[0] : undefined;
    });
    expect(await row.evaluate((el) => el.getAttribute('data-status'))).toBe('dropped-origin');
    expect(await row.evaluate((el) => el.textContent ?? '')).toContain('dropped-origin');
    await row.click();
    const explanation = await panel.waitForSelector('[data-testid="inspector-explanation"]');
    expect(await explanation!.evaluate((el) => el.textContent ?? '')).toContain(`dropped: targetOrigin 'https://wrong.example' does not match the receiver's origin '${siteOrigin}'`);
    expect(await panel.$eval('[data-testid="inspector-status"]', (el) => el.getAttribute('data-status'))).toBe('dropped-origin');
  });

  it('counts them as a finding of the session, whose button shows them', async () => {
    await (await panel.waitForSelector('::-p-aria([name="Close"][role="button"])'))!.click();
    const text = "2 window messages dropped by the browser: the targetOrigin did not match the receiver's origin";
    await (await panel.waitForSelector(`::-p-aria([name="Show: ${text}"][role="button"])`))!.click();
    const filter = await panel.waitForSelector('::-p-aria(Filter messages[role="combobox"])');
    expect(await filter!.evaluate((el) => (el as HTMLInputElement).value)).toBe('status:dropped-origin');
    await waitFor('the two dropped rows', async () => (await panel.$$('[data-testid="timeline-row"][data-status="dropped-origin"]')).length === 2);
  });

  it('a page posting 200 times to a wrong targetOrigin in a loop: 200 dropped-origin messages, in far fewer batches', async () => {
    // Counts the reporter's batches as the panel's connection hands them to the store.
    await panel.evaluate(() => {
      type Store = { getState(): { batchReceived(routed: { batch: { realm: string } }): void }; setState(s: object): void };
      const store = (window as unknown as { __entangle: { store: Store } }).__entangle.store;
      const received = store.getState().batchReceived;
      const w = window as unknown as { reporterBatches: number };
      w.reporterBatches = 0;
      store.setState({
        batchReceived: (routed: { batch: { realm: string } }) => {
          if (routed.batch.realm.startsWith('browser-')) w.reporterBatches++;
          received(routed);
        },
      });
    });
    await page.evaluate(() => (window as unknown as { postLoop(n: number): Promise<void> }).postLoop(200));
    const looped = await waitFor('200 dropped messages of the loop', async () => {
      const { messages } = await windowMessages(panel);
      const mine = messages.filter((m) => m.status === 'dropped-origin' && m.dropped?.targetOrigin === 'https://loop.example');
      return mine.length >= 200 ? mine : undefined;
    });
    expect(looped).toHaveLength(200);
    expect(new Set(looped.map((m) => m.dropped!.line))).toEqual(new Set([lineOf("same.postMessage(`loop-${i}`")]));
    const batches = await panel.evaluate(() => (window as unknown as { reporterBatches: number }).reporterBatches);
    console.log(`[originDrops] 200 drops came in ${batches} batches`);
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(50);
  });

  it('switched off and on again, the browser hands its earlier entries again: none is reported twice', async () => {
    const status = () => panel.$eval('[data-testid="workers-status"]', (el) => el.textContent ?? '');
    const checkbox = async () => (await panel.waitForSelector('::-p-aria(Record inside workers)'))!;
    if (!(await panel.$('::-p-aria(Record inside workers)'))) await (await panel.waitForSelector('::-p-aria([name="Settings"][role="button"])'))!.click();
    await (await checkbox()).click();
    await waitFor('the recording inside workers to stop', async () => !(await status()).startsWith('Recording inside workers'));
    await (await checkbox()).click();
    await waitFor('the panel to say it records inside workers again', async () => (await status()).startsWith('Recording inside workers'));
    // A new drop after the attachment: the browser hands the old entries before it.
    await page.evaluate(() => (window as unknown as { postLoop(n: number): Promise<void> }).postLoop(1));
    const totals = await waitFor('the new drop', async () => {
      const t = await panel.evaluate(() => {
        type Totals = { droppedOrigin: number; duplicates: number };
        return (window as unknown as { __entangle: { store: { getState(): { model(): { totals: Totals } } } } }).__entangle.store.getState().model().totals;
      });
      return t.droppedOrigin >= 203 ? t : undefined;
    });
    expect(totals).toMatchObject({ droppedOrigin: 203, duplicates: 0 });
  });
});
