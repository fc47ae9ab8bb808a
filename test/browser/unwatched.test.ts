/**
 * Cost on every site: a tab no panel ever inspected keeps only each document's first and last events
 * (UNWATCHED_* in model/relay.ts), the middle one counted gap whose reason the panel names; a tab a
 * panel inspects, or inspected before, keeps and gets everything (within the full bound).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { UNWATCHED_HEAD_EVENTS, UNWATCHED_TAIL_EVENTS } from '../../model/relay';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

type Burst = (total: number, chunk?: number, pauseMs?: number) => Promise<number>;

interface Gap {
  realm: string;
  from: number;
  to: number;
  reason: string;
}

/** Messages the chatty page posts: 40,003 events, ten times what a tab nobody inspects keeps. */
const MESSAGES = 20_000;
/** realmStarted, channelCreated, portStarted, then a send and a receipt per message. */
const LAST_SEQ = 3 + MESSAGES * 2;

function burst(page: Page, total: number, chunk?: number): Promise<number> {
  return page.evaluate((t, c) => (window as unknown as { burst: Burst }).burst(t, c), total, chunk);
}

async function gaps(panel: Page): Promise<Gap[]> {
  return panel.evaluate(() => {
    const w = window as unknown as { __entangle: { store: { getState(): { gaps: Gap[] } } } };
    return w.__entangle.store.getState().gaps.map((g) => ({ realm: g.realm, from: g.from, to: g.to, reason: g.reason }));
  });
}

/** Everything up to the burst's last event, once the panel holds it. */
function untilLast(panel: Page): Promise<PanelEntry[]> {
  return waitFor(`the burst's last event (seq ${LAST_SEQ})`, async () => {
    const all = await panelEvents(panel);
    return all.length > 0 && all[all.length - 1]!.event.seq === LAST_SEQ ? all : undefined;
  }, 60_000);
}

const seqs = (entries: PanelEntry[]) => entries.map((e) => e.event.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const count = (entries: PanelEntry[], type: string) => entries.filter((e) => e.event.type === type).length;

/** Posts the burst, then gives the recorder's last batch time to reach the relay. */
async function chatter(page: Page): Promise<void> {
  expect(await burst(page, MESSAGES, 5_000)).toBe(MESSAGES);
  await new Promise((r) => setTimeout(r, 300));
}

describe('a tab nobody inspects', () => {
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

  it('keeps the first and the last events; a late panel shows the middle as a counted gap and says why', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/burst.html?never-inspected'));
    await chatter(page);
    const tabId = await tabIdOf(await openPanel(session), 'never-inspected');
    const panel = await openPanel(session, tabId);
    const entries = await untilLast(panel);

    // One gap, between a head from seq 1 and a tail to the last seq, all contiguous.
    const found = await gaps(panel);
    expect(found).toHaveLength(1);
    const [gap] = found as [Gap];
    expect(gap.reason).toBe('unwatched');
    expect(seqs(entries)).toEqual([...range(1, gap.from - 1), ...range(gap.to + 1, LAST_SEQ)]);
    expect(entries[0]!.event.type).toBe('realmStarted');
    // Head and tail each within their bound, and not much short of it (whole batches of ≤ 512 events).
    const head = gap.from - 1;
    const tail = LAST_SEQ - gap.to;
    expect(head).toBeLessThanOrEqual(UNWATCHED_HEAD_EVENTS);
    expect(head).toBeGreaterThan(UNWATCHED_HEAD_EVENTS - 512);
    expect(tail).toBeLessThanOrEqual(UNWATCHED_TAIL_EVENTS);
    expect(tail).toBeGreaterThan(UNWATCHED_TAIL_EVENTS - 512);
    // What is shown and what is counted missing add up to every event the page made.
    expect(entries.length + (gap.to - gap.from + 1)).toBe(LAST_SEQ);
    const missing = await panel.evaluate(() => {
      const w = window as unknown as { __entangle: { store: { getState(): { realms: Map<string, { gaps: number }> } } } };
      return [...w.__entangle.store.getState().realms.values()].reduce((n, r) => n + r.gaps, 0);
    });
    expect(missing).toBe(gap.to - gap.from + 1);
    // The first messages and the last ones are there: sends 0.. at the start, the last receipts at the end.
    expect(count(entries, 'messageSent')).toBeGreaterThan(0);
    expect(entries.at(-1)!.event.type).toBe('messageReceived');

    // The timeline says what was dropped and why (gaps show with the problems: "errors only").
    await panel.click('[data-testid="filter-text"]', { clickCount: 3 });
    await panel.type('[data-testid="filter-text"]', 'is:error "no panel"');
    const text = await waitFor('the gap row', () => panel.evaluate(() => document.querySelector('.tl-gap')?.textContent ?? undefined));
    expect(text).toContain(`${(gap.to - gap.from + 1).toLocaleString('en-US')} events missing`);
    expect(text).toContain('kept only the first and last events');
    expect(text).toContain('while no panel was open');
    await page.close();
    await panel.close();
  });

  it('a panel open before the page posts gets every event', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/burst.html?watched'));
    const panel = await openPanel(session, await tabIdOf(await openPanel(session), 'watched'));
    // A new document of the tab while the panel listens: its relay is told at once.
    await page.reload();
    await chatter(page);
    const entries = await untilLast(panel);
    const mine = entries.filter((e) => e.realm === entries.at(-1)!.realm);
    expect(seqs(mine)).toEqual(range(1, LAST_SEQ));
    expect((await gaps(panel)).filter((g) => g.realm === mine[0]!.realm)).toEqual([]);
    await page.close();
    await panel.close();
  });

  it('a tab a panel inspected before keeps everything for a panel reopened later, also across a reload', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/burst.html?inspected-before'));
    const tabId = await tabIdOf(await openPanel(session), 'inspected-before');
    const first = await openPanel(session, tabId);
    await waitFor('the first panel to hold the realm start', async () => (await panelEvents(first)).length > 0);
    await first.close();
    // No panel listens now; the new document's relay learns its tab was inspected.
    await page.reload();
    await chatter(page);
    const panel = await openPanel(session, tabId);
    const entries = await untilLast(panel);
    const mine = entries.filter((e) => e.realm === entries.at(-1)!.realm);
    expect(seqs(mine)).toEqual(range(1, LAST_SEQ));
    expect((await gaps(panel)).filter((g) => g.realm === mine[0]!.realm)).toEqual([]);
    await page.close();
    await panel.close();
  });
});
