/**
 * Recorder settings set in the panel reach the recorder in the page: sending stacks on, previews off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { MessageReceived, MessageSent } from '../../model/protocol';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

describe('recorder settings from the panel', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
    page = await session.browser.newPage();
    await page.goto(server.url('/burst.html'));
    await page.evaluate(() => (window as unknown as { burst(n: number): Promise<number> }).burst(1));
    panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    // The settings live behind the toolbar's settings button, like DevTools' own panels.
    await panel.click('::-p-aria([name="Settings"][role="button"])');
    await panel.waitForSelector('[data-testid="setting-capture-stacks"]');
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  const burst = (n: number) => page.evaluate((count) => (window as unknown as { burst(n: number): Promise<number> }).burst(count), n);

  it('records no stacks by default, and the sending stack once switched on', async () => {
    await burst(2);
    let sends = await waitFor('3 sends', async () => {
      const s = (await panelEvents(panel)).filter((e) => e.event.type === 'messageSent');
      return s.length >= 3 ? s : undefined;
    });
    expect(sends.every((e) => (e.event as MessageSent).stack === undefined)).toBe(true);

    await panel.click('[data-testid="setting-capture-stacks"]');
    await new Promise((r) => setTimeout(r, 300)); // storage → every relay → its recorder
    await burst(2);
    sends = await waitFor('5 sends', async () => {
      const s = (await panelEvents(panel)).filter((e) => e.event.type === 'messageSent');
      return s.length >= 5 ? s : undefined;
    });
    const stack = (sends[sends.length - 1]!.event as MessageSent).stack;
    expect(stack).toContain('/burst.html');
    expect(stack).not.toContain('-extension://'); // the recorder's own frames are left out
  });

  it('skips previews when previews per second is 0, and records the receipts all the same', async () => {
    await panel.$eval('[data-testid="setting-previews-per-second"]', (el) => {
      const input = el as HTMLInputElement;
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(input, '0');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await new Promise((r) => setTimeout(r, 300));
    const before = (await panelEvents(panel)).filter((e) => e.event.type === 'messageReceived').length;
    await burst(3);
    const receipts = await waitFor('3 more receipts', async () => {
      const r = (await panelEvents(panel)).filter((e) => e.event.type === 'messageReceived');
      return r.length >= before + 3 ? r.slice(before) : undefined;
    });
    expect(receipts.map((e) => (e.event as MessageReceived).preview)).toEqual([
      { $t: 'skipped', reason: 'load' },
      { $t: 'skipped', reason: 'load' },
      { $t: 'skipped', reason: 'load' },
    ]);
  });
});
