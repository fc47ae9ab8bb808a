/**
 * A document that leaves loses nothing: an iframe that posts (on a MessagePort and on a
 * BroadcastChannel) and navigates away with no delay, 20 times over, with no panel open; a panel
 * opened afterwards gets every event of every one of those documents (their relays handed them to the
 * background on `pagehide`), also when the service worker was stopped right after the navigations.
 * Likewise for iframes removed from the DOM right after posting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { EntangleEvent } from '../../model/protocol';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, stopServiceWorker, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

interface Gap {
  realm: string;
  from: number;
  to: number;
  reason: string;
}

/** What the panel holds of one departed document, in a shape that makes a failure say what is missing. */
interface DocumentHeld {
  url: string;
  /** Seqs held, as ranges (one range: nothing missing in between). */
  held: string;
  /** Missing seqs the panel knows of (gaps), as ranges. */
  gaps: string;
  portSends: number;
  broadcastSends: number;
  gone: number;
}

async function gaps(panel: Page): Promise<Gap[]> {
  return panel.evaluate(() => {
    const w = window as unknown as { __entangle: { store: { getState(): { gaps: Gap[] } } } };
    return w.__entangle.store.getState().gaps.map((g) => ({ realm: g.realm, from: g.from, to: g.to, reason: g.reason }));
  });
}

function ranges(seqs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seqs.length; ) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    out.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Per document whose URL contains `page`: what the panel holds, by URL. */
function documents(entries: PanelEntry[], allGaps: Gap[], page: string): Map<string, DocumentHeld> {
  const byRealm = new Map<string, EntangleEvent[]>();
  for (const e of entries) {
    let list = byRealm.get(e.realm);
    if (!list) byRealm.set(e.realm, (list = []));
    list.push(e.event);
  }
  const out = new Map<string, DocumentHeld>();
  for (const [realm, events] of byRealm) {
    const start = events.find((e) => e.type === 'realmStarted');
    if (!start || start.type !== 'realmStarted' || !start.url.includes(page)) continue;
    const sends = events.filter((e) => e.type === 'messageSent');
    out.set(new URL(start.url).search, {
      url: start.url,
      held: ranges(events.map((e) => e.seq)),
      gaps: ranges(allGaps.filter((g) => g.realm === realm).flatMap((g) => Array.from({ length: g.to - g.from + 1 }, (_, i) => g.from + i))),
      portSends: sends.filter((e) => e.type === 'messageSent' && e.route === 'port').length,
      broadcastSends: sends.filter((e) => e.type === 'messageSent' && e.route === 'broadcast').length,
      gone: events.filter((e) => e.type === 'realmGone').length,
    });
  }
  return out;
}

/** Each departed document: everything from seq 1 on held, no gap, both sends, and its departure. */
function complete(d: DocumentHeld | undefined): boolean {
  return d !== undefined && /^1-\d+$/.test(d.held) && d.gaps === '' && d.portSends === 1 && d.broadcastSends === 1 && d.gone === 1;
}

async function expectAllDeparted(panel: Page, page: string, searches: string[]): Promise<void> {
  const look = async () => documents(await panelEvents(panel), await gaps(panel), page);
  // Waits for all of it; if it never comes, the comparison below says what is missing.
  await waitFor(`${searches.length} departed documents, complete`, async () => {
    const m = await look();
    return searches.every((s) => complete(m.get(s))) ? m : undefined;
  }, 20_000).catch(() => undefined);
  const held = await look();
  const expected = (s: string): DocumentHeld => ({ ...held.get(s)!, held: expect.stringMatching(/^1-\d+$/) as unknown as string, gaps: '', portSends: 1, broadcastSends: 1, gone: 1 });
  // Compared whole, so a failure lists, per document, what arrived and what is missing.
  expect(Object.fromEntries(searches.map((s) => [s, held.get(s) ?? 'nothing at all']))).toEqual(Object.fromEntries(searches.map((s) => [s, held.has(s) ? expected(s) : 'every event'])));
}

describe('a document that leaves', () => {
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

  const ROUNDS = 20;
  const searches = Array.from({ length: ROUNDS }, (_, n) => `?n=${n}&rounds=${ROUNDS}`);

  it(`loses nothing: post then location.replace with no delay, ${ROUNDS} times, panel opened afterwards`, async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/leaving/index.html?run=1'));
    expect(await page.evaluate((r) => (window as unknown as { navigate(r: number): Promise<number> }).navigate(r), ROUNDS)).toBe(ROUNDS);
    const panel = await openPanel(session, await tabIdOf(helper, 'index.html?run=1'));
    await expectAllDeparted(panel, '/leaving/frame.html', searches);
    expect((await gaps(panel)).length).toBe(0);
    await page.close();
    await panel.close();
  });

  it('loses nothing when the service worker is stopped right after the navigations', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/leaving/index.html?run=2'));
    expect(await page.evaluate((r) => (window as unknown as { navigate(r: number): Promise<number> }).navigate(r), ROUNDS)).toBe(ROUNDS);
    await stopServiceWorker(helper);
    const panel = await openPanel(session, await tabIdOf(helper, 'index.html?run=2'));
    await expectAllDeparted(panel, '/leaving/frame.html', searches);
    expect((await gaps(panel)).length).toBe(0);
    await page.close();
    await panel.close();
  });

  it('loses nothing of iframes removed from the DOM right after posting', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/leaving/index.html?run=3'));
    expect(await page.evaluate(() => (window as unknown as { removeAfterPosting(n: number): Promise<number> }).removeAfterPosting(5))).toBe(5);
    const panel = await openPanel(session, await tabIdOf(helper, 'index.html?run=3'));
    await expectAllDeparted(panel, '/leaving/removed.html', [0, 1, 2, 3, 4].map((n) => `?n=${n}`));
    await page.close();
    await panel.close();
  });

  it('keeps the realm of a frame that only posted to its parent and was removed, and names it as the sender', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/leaving/index.html?run=4'));
    expect(await page.evaluate(() => (window as unknown as { postOnlyAndGo(n: number): Promise<number> }).postOnlyAndGo(5))).toBe(5);
    const panel = await openPanel(session, await tabIdOf(helper, 'index.html?run=4'));
    const senders = () =>
      panel.evaluate(() => {
        type M = { route: string; fromRealm?: string; preview?: unknown; senderUnknown?: string };
        type R = { id: string; kind: string; url?: string; goneAt?: number };
        const w = window as unknown as { __entangle: { store: { getState(): { model(): { messages: M[]; realms: R[] } } } } };
        const m = w.__entangle.store.getState().model();
        const quiet = m.realms.filter((r) => r.kind === 'iframe' && r.url === 'about:srcdoc');
        const received = m.messages.filter((x) => x.route === 'window' && JSON.stringify(x.preview ?? '').includes('quiet'));
        return {
          frames: quiet.length,
          gone: quiet.filter((r) => r.goneAt !== undefined).length,
          received: received.length,
          named: received.filter((x) => quiet.some((r) => r.id === x.fromRealm)).length,
          // Why a sender is not named, when it is not (a failure says it).
          unnamed: received.filter((x) => x.fromRealm === undefined).map((x) => x.senderUnknown ?? '?'),
        };
      });
    const held = await waitFor('the five frames and their messages', async () => {
      const s = await senders();
      return s.frames === 5 && s.named === 5 ? s : undefined;
    }, 20_000).catch(senders);
    expect(held).toEqual({ frames: 5, gone: 5, received: 5, named: 5, unnamed: [] });
    await page.close();
    await panel.close();
  });
});
