/**
 * Issue 14, item 3: one malformed event must not take the panel down. Validation once checked a
 * preview's tag, depth and strings but not each tag's fields, so `{ $t: 'object', entries: 'x' }`
 * threw inside the timeline and React unmounted the whole panel (and a reopened panel crashed again
 * on the relay's resent buffer).
 *
 * Live: a forged relay in the inspected page's content-script world (what a compromised renderer can
 * do) sends a batch whose preview is malformed; the panel must count it as a rejected batch and keep
 * showing the page's real events. Files: crafted captures opened with the panel's own Open… control
 * must be refused with a message naming the bad field, the panel staying whole, and a good file must
 * still open after them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { FIXTURES, inContentScript, launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

/** The panel is all there: its toolbar, the timeline grid, and no view showing a failure. */
async function panelIsWhole(panel: Page): Promise<void> {
  expect(await panel.$('[role="toolbar"][aria-label="Entangle"]'), 'the toolbar').not.toBeNull();
  expect(await panel.$('[role="grid"][aria-label="Messages"]'), 'the timeline').not.toBeNull();
  expect(await panel.$$eval('[data-testid="view-failed"]', (els) => els.map((e) => e.textContent))).toEqual([]);
}

async function gapCount(panel: Page): Promise<number> {
  return Number((await panel.$eval('[data-testid="count-gaps"]', (el) => el.textContent ?? '')).replace(/,/g, ''));
}

/** Opens `file` through the toolbar's Open… button and the file chooser it shows. */
async function openWithButton(panel: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([panel.waitForFileChooser(), panel.click('[data-testid="open-capture"]')]);
  await chooser.accept([join(FIXTURES, 'malformed', file)]);
}

describe('malformed events and capture files', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let tabId: number;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
    page = await session.browser.newPage();
    await page.goto(server.url('/burst.html'));
    await page.evaluate(() => (window as unknown as { burst: (n: number) => Promise<number> }).burst(5));
    tabId = await tabIdOf(await openPanel(session), 'burst.html');
    panel = await openPanel(session, tabId);
    await waitFor('the page’s messages in the panel', async () => (await panelEvents(panel)).filter((e) => e.event.type === 'messageReceived').length >= 5);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('live: a batch with a malformed preview is a counted rejection, and the panel goes on', async () => {
    const before = await gapCount(panel);
    const forged = {
      v: 1,
      realm: 'forged1',
      events: [
        { type: 'realmStarted', seq: 1, t: Date.now(), kind: 'iframe', url: 'https://evil.test/', origin: 'https://evil.test', protocol: 1 },
        { type: 'messageReceived', seq: 2, t: Date.now(), route: 'window', origin: 'https://evil.test', source: 'parent', ports: [], size: 1, preview: { $t: 'object', entries: 'x', more: 0 } },
      ],
    };
    const message = { kind: 'batch', realm: 'forged1', first: 1, last: 2, json: JSON.stringify(forged) };
    // A second relay of this frame, as a compromised renderer could open: it is kept alive on window.
    await inContentScript(
      page,
      `(() => { const p = chrome.runtime.connect({ name: 'entangle-content' }); globalThis.__forged = p;
        p.postMessage({ kind: 'hello', realm: 'forged1' }); p.postMessage(${JSON.stringify(message)}); return true; })()`,
    );
    await waitFor('the rejected batch counted as a gap', async () => (await gapCount(panel)) > before);
    const gaps = await panel.evaluate(() => {
      const w = window as unknown as { __entangle: { store: { getState(): { gaps: readonly { realm: string; from: number; to: number; reason: string }[] } } } };
      return w.__entangle.store.getState().gaps.map(({ realm, from, to, reason }) => ({ realm, from, to, reason }));
    });
    expect(gaps).toContainEqual({ realm: 'forged1', from: 1, to: 2, reason: 'batchRejected' });
    // Nothing of the forged batch is shown as recorded; the page's own events still are.
    const events = await panelEvents(panel);
    expect(events.some((e) => e.realm === 'forged1')).toBe(false);
    expect(events.filter((e) => e.event.type === 'messageReceived').length).toBeGreaterThanOrEqual(5);
    // Past the views' next update tick: the timeline has drawn what it holds.
    await new Promise((r) => setTimeout(r, 300));
    await panelIsWhole(panel);
    // And it still records: a new burst from the page arrives.
    await page.evaluate(() => (window as unknown as { burst: (n: number) => Promise<number> }).burst(3));
    await waitFor('the new messages', async () => (await panelEvents(panel)).filter((e) => e.event.type === 'messageReceived').length >= 8);
    await panelIsWhole(panel);
  });

  it.each([
    ['object-entries.json', 'records[2].event: preview.entries must be an array of [key, value] pairs, not "x"'],
    ['map-entries.json', 'records[2].event: preview.entries[0] must be a [key, value] pair'],
    ['array-items.json', 'records[2].event: preview.items must be an array, not object'],
  ])('a capture file whose preview is malformed (%s) is refused with a message naming where; the panel stays', async (file, error) => {
    // A panel of its own: each file must fail (on code that lacks the checks) by itself.
    const panel = await openPanel(session, tabId);
    await waitFor('the toolbar', async () => (await panel.$('[data-testid="open-capture"]')) ?? undefined);
    await openWithButton(panel, file);
    const notice = await waitFor(`the notice about ${file}`, async () => {
      const text = await panel.$eval('[data-testid="notice"]', (el) => el.textContent ?? '').catch(() => '');
      return text.includes(file) ? text : undefined;
    }, 10_000);
    expect(notice).toContain(`${file}: ${error}`);
    expect(await panel.$('[data-testid="capture-banner"]'), 'no capture shown').toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    await panelIsWhole(panel);
  });

  it('a good capture file still opens after a refused one', async () => {
    const panel = await openPanel(session, tabId);
    await waitFor('the toolbar', async () => (await panel.$('[data-testid="open-capture"]')) ?? undefined);
    await openWithButton(panel, 'object-entries.json');
    await waitFor('the notice', async () => ((await panel.$('[data-testid="notice"]')) ? true : undefined), 10_000);
    await openWithButton(panel, 'valid.json');
    await waitFor('the capture banner', async () => ((await panel.$eval('[data-testid="capture-banner"]', (el) => el.textContent ?? '').catch(() => '')).includes('valid.json') ? true : undefined), 10_000);
    await waitFor('its message in the timeline', async () => ((await panel.$$('[data-testid="timeline-row"][data-kind="message"]')).length > 0 ? true : undefined), 10_000);
    await panelIsWhole(panel);
  });
});
