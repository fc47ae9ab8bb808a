/**
 * Nothing lost: bursts arrive complete, a service worker stopped mid-burst loses nothing, and a panel
 * opened late gets what the relay buffered (within its documented bound, with the rest shown as a gap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { RELAY_BUFFER_EVENTS } from '../../model/relay';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, stopServiceWorker, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

type Burst = (total: number, chunk?: number, pauseMs?: number) => Promise<number>;

async function burstPage(session: Session, server: DemoServer): Promise<Page> {
  const page = await session.browser.newPage();
  await page.goto(server.url('/burst.html'));
  return page;
}

function burst(page: Page, total: number, chunk?: number, pauseMs?: number): Promise<number> {
  return page.evaluate((t, c, p) => (window as unknown as { burst: Burst }).burst(t, c, p), total, chunk, pauseMs);
}

/** Per realm: the seqs held, checked contiguous from `first`. */
function contiguous(entries: PanelEntry[], first = 1): boolean {
  return entries.every((e, i) => e.event.seq === first + i);
}

const count = (entries: PanelEntry[], type: string) => entries.filter((e) => e.event.type === type).length;

async function gaps(panel: Page): Promise<{ from: number; to: number; reason: string }[]> {
  return panel.evaluate(() => {
    const w = window as unknown as { __entangle: { store: { getState(): { gaps: { from: number; to: number; reason: string }[] } } } };
    return w.__entangle.store.getState().gaps.map((g) => ({ from: g.from, to: g.to, reason: g.reason }));
  });
}

describe('nothing lost', () => {
  let server: DemoServer;
  let session: Session;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('a burst of 20,000 messages arrives complete and in order', async () => {
    const page = await burstPage(session, server);
    const panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    expect(await burst(page, 20_000)).toBe(20_000);
    const entries = await waitFor('40,000 message events', async () => {
      const all = await panelEvents(panel);
      return count(all, 'messageSent') === 20_000 && count(all, 'messageReceived') === 20_000 ? all : undefined;
    }, 60_000);
    expect(contiguous(entries)).toBe(true);
    expect(await gaps(panel)).toEqual([]);
    // Every receipt is recorded; under the flood its preview is either made or explicitly skipped.
    const previews = entries.flatMap((e) => (e.event.type === 'messageReceived' ? [e.event.preview] : []));
    const skipped = previews.filter((p) => typeof p === 'object' && p !== null && '$t' in p && p.$t === 'skipped').length;
    expect(previews.length).toBe(20_000);
    expect(previews.length - skipped).toBeGreaterThan(0);
    await page.close();
    await panel.close();
  });

  it('loses nothing when the service worker is stopped mid-burst', async () => {
    const page = await burstPage(session, server);
    const panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    await waitFor('the panel to hold the realm start', async () => (await panelEvents(panel)).length > 0);
    const connectsBefore = await panel.evaluate(() => (window as unknown as { __entangle: { connects(): number } }).__entangle.connects());
    // 10,000 messages in 40 chunks, 25 ms apart; stop the worker while they flow.
    const done = burst(page, 10_000, 250, 25);
    await waitFor('the burst to be under way', async () => ((await page.evaluate(() => (window as unknown as { burstSent?: number }).burstSent)) ?? 0) >= 2_500);
    await stopServiceWorker(panel);
    expect(await done).toBe(10_000);
    const entries = await waitFor('20,000 message events after the restart', async () => {
      const all = await panelEvents(panel);
      return count(all, 'messageSent') === 10_000 && count(all, 'messageReceived') === 10_000 ? all : undefined;
    }, 60_000);
    expect(contiguous(entries)).toBe(true);
    expect(await gaps(panel)).toEqual([]);
    // The worker really went away: the panel's port was cut and it connected again.
    const connectsAfter = await panel.evaluate(() => (window as unknown as { __entangle: { connects(): number } }).__entangle.connects());
    expect(connectsAfter).toBeGreaterThan(connectsBefore);
    await page.close();
    await panel.close();
  });

  it('a panel opened after the page posted still gets every buffered event', async () => {
    const page = await burstPage(session, server);
    expect(await burst(page, 1_000)).toBe(1_000);
    const panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    const entries = await waitFor('2,000 message events', async () => {
      const all = await panelEvents(panel);
      return count(all, 'messageSent') === 1_000 && count(all, 'messageReceived') === 1_000 ? all : undefined;
    });
    expect(entries[0]!.event.type).toBe('realmStarted');
    expect(contiguous(entries)).toBe(true);
    await page.close();
    await panel.close();
  });

  it(`beyond the relay bound (${RELAY_BUFFER_EVENTS} events) a late panel gets the newest events and a counted gap`, async () => {
    const page = await burstPage(session, server);
    // The full bound is for a tab a panel inspects or inspected (one nobody inspects keeps far less:
    // unwatched.test.ts): a panel looks, then closes before the page posts.
    const tabId = await tabIdOf(await openPanel(session), server.originA);
    const looked = await openPanel(session, tabId);
    await waitFor('the first panel to hold the realm start', async () => (await panelEvents(looked)).length > 0);
    await looked.close();
    const messages = RELAY_BUFFER_EVENTS / 2 + 2_500; // two events each: 5,000 (+ a few) more than the bound
    expect(await burst(page, messages, 5_000)).toBe(messages);
    const total = 2 + messages * 2; // realmStarted + channelCreated, then a send and a receipt per message
    await new Promise((r) => setTimeout(r, 300)); // let the recorder's last batch reach the relay
    const panel = await openPanel(session, tabId);
    const entries = await waitFor(`the newest ${RELAY_BUFFER_EVENTS} events`, async () => {
      const all = await panelEvents(panel);
      return all.length > 0 && all[all.length - 1]!.event.seq === total + 1 ? all : undefined;
    }, 60_000);
    // The portStarted (seq 3) comes before the first message; total + 1 is the last seq. The relay
    // drops whole batches (at most 512 events each), so it holds between bound − 512 and bound events.
    expect(entries.length).toBeLessThanOrEqual(RELAY_BUFFER_EVENTS);
    expect(entries.length).toBeGreaterThan(RELAY_BUFFER_EVENTS - 512);
    const first = entries[0]!.event.seq;
    expect(first).toBe(total + 2 - entries.length);
    expect(contiguous(entries, first)).toBe(true);
    expect(await gaps(panel)).toEqual([{ from: 1, to: first - 1, reason: 'relayBufferFull' }]);
    await page.close();
    await panel.close();
  });
});
