/**
 * Issue 14, item 4: frame churn. A page creates and removes a few hundred iframes (rotating ad slots,
 * bench/churn.html); once the panel has them all, its graph draws the page and one node that folds the
 * gone realms, named "N gone realms" with N the gone realms it does not draw (the frames hold no port,
 * so none is drawn one by one). Nodes are found by their role and accessible name. Its button draws the
 * newest of them.
 */
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

const FRAMES = 200;
/** The page's churn takes 10 s on an idle machine and several times that on a busy one (frames load
 *  slowly), then the panel is given up to a minute to settle: more than the default hook time. */
const SETUP_MS = 180_000;
/** Frames whose document ran before it was removed: enough for the graph to have folded many. On a busy
 *  machine many are removed (after 10 s) before their document ever ran, which is no realm at all. */
const ENOUGH_READY = 20;
/** Gone realms drawn one by one when the folded node is expanded (buildGraph's GONE_EXPANDED). */
const GONE_EXPANDED = 24;

interface GraphNodes {
  /** Accessible names of the graph's nodes (React Flow: role group, roledescription "node"). */
  names: string[];
  /** The gone realms in the panel's model, and the realms it has. */
  gone: number;
  realms: number;
}

/** The graph's nodes as the accessibility tree has them. */
async function graphNodes(panel: Page): Promise<GraphNodes> {
  const snapshot = await panel.accessibility.snapshot({ interestingOnly: false });
  const names: string[] = [];
  const walk = (n: typeof snapshot): void => {
    if (!n) return;
    if (n.role === 'group' && n.roledescription === 'node') names.push(n.name ?? '');
    for (const c of n.children ?? []) walk(c);
  };
  walk(snapshot);
  const counts = await panel.evaluate(() => {
    type Realm = { goneAt?: number };
    const w = window as unknown as { __entangle: { store: { getState(): { model(): { realms: Realm[] } } } } };
    const realms = w.__entangle.store.getState().model().realms;
    return { gone: realms.filter((r) => r.goneAt !== undefined).length, realms: realms.length };
  });
  return { names, ...counts };
}

const goneNode = (names: readonly string[]): RegExpExecArray | undefined => names.map((n) => /^(\d+) gone realms?$/.exec(n)).find((m) => m !== null) ?? undefined;
const realmNodes = (names: readonly string[]): string[] => names.filter((n) => / realm\b/.test(n) && goneNode([n]) === undefined);

describe('frame churn', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;
  let page: Page;
  let churned: { created: number; ready: number };
  let settled: GraphNodes;

  beforeAll(async () => {
    server = await startDemoServer({ dir: resolve(import.meta.dirname, '../../bench') });
    session = await launch();
    page = await session.browser.newPage();
    await page.goto(server.url('/churn.html'));
    await page.evaluate(() => new MessageChannel().port1.postMessage('wake'));
    panel = await openPanel(session, await tabIdOf(await openPanel(session), '/churn.html'));
    await waitFor('the page in the panel', () => panel.evaluate(() => (window as unknown as { __entangle: { store: { getState(): { realms: Map<string, unknown> } } } }).__entangle.store.getState().realms.size >= 1));
    // The page in front while it churns (a hidden page loads its frames slowly), the panel after.
    await page.bringToFront();
    churned = await page.evaluate((n) => (window as unknown as { churn(n: number, s: number, life: number): Promise<{ created: number; ready: number }> }).churn(n, 10, 300), FRAMES);
    await panel.bringToFront();
    // Settled: every frame that ran is a gone realm of the model, and the graph shows what it holds.
    settled = await waitFor(
      'the churned frames in the panel, and its graph settled',
      async () => {
        const g = await graphNodes(panel);
        const folded = goneNode(g.names);
        return g.gone >= churned.ready && folded && Number(folded[1]) === g.gone ? g : undefined;
      },
      60_000,
    ).catch(() => graphNodes(panel));
  }, SETUP_MS);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('has the frames in its model, all gone', () => {
    expect(churned.ready).toBeGreaterThan(ENOUGH_READY);
    expect(settled.gone).toBeGreaterThanOrEqual(churned.ready);
    expect(settled.realms).toBe(settled.gone + 1);
  });

  it('draws one realm node, the page: gone frames that held no port are not drawn one by one', () => {
    const drawn = realmNodes(settled.names);
    expect(drawn).toHaveLength(1);
    expect(drawn.filter((n) => n.endsWith(', gone'))).toHaveLength(0);
  });

  it('folds the gone realms into one node named "N gone realms", with the right N', () => {
    expect(settled.names.filter((n) => goneNode([n]) !== undefined)).toEqual([`${settled.gone} gone realms`]);
  });

  it('draws the newest gone realms one by one when asked, and folds them back', async () => {
    // The whole graph in view first, as a user would: the folded node may be off the readable part
    // (or under the overview map drawn while only part of the graph is shown).
    await (await panel.waitForSelector('::-p-aria([name="Fit all"][role="button"])'))!.click();
    // Pressed until it says it will fold back: a view tick may redraw the node between finding the
    // button and the click landing on it.
    await waitFor('the folded node expanded', async () => {
      if (await panel.$(`::-p-aria([name="fold back (${GONE_EXPANDED} drawn)"][role="button"])`)) return true;
      const button = await panel.$(`::-p-aria([name="draw the newest ${GONE_EXPANDED}"][role="button"])`);
      await button?.click().catch(() => undefined);
      // (Time for the click to be drawn before looking again: a second click would fold it back.)
      await new Promise((r) => setTimeout(r, 1_000));
      return undefined;
    }, 10_000);
    // React Flow draws only the nodes in view, and the boxes drawn at once by expanding are not all in
    // the automatic fit (a known gap, see the report): fit the view as a user would.
    await (await panel.waitForSelector('::-p-aria([name="Fit all"][role="button"])'))!.click();
    const expanded = await waitFor('the expanded graph', async () => {
      const g = await graphNodes(panel);
      return realmNodes(g.names).length === 1 + GONE_EXPANDED ? g : undefined;
    }, 10_000).catch(() => graphNodes(panel));
    expect(realmNodes(expanded.names)).toHaveLength(1 + GONE_EXPANDED);
    expect(goneNode(expanded.names)?.[0]).toBe(`${expanded.gone - GONE_EXPANDED} gone realms`);
    const back = await panel.waitForSelector(`::-p-aria([name="fold back (${GONE_EXPANDED} drawn)"][role="button"])`, { timeout: 5_000 });
    await back!.click();
    const folded = await waitFor('the folded graph', async () => {
      const g = await graphNodes(panel);
      return realmNodes(g.names).length === 1 ? g : undefined;
    }, 10_000).catch(() => graphNodes(panel));
    expect(realmNodes(folded.names)).toHaveLength(1);
    expect(goneNode(folded.names)?.[0]).toBe(`${folded.gone} gone realms`);
  });
  it('draws a parent\'s many live frames that hold no port as one "N iframes" node', async () => {
    const LIVE = 10;
    await page.bringToFront();
    await page.evaluate((n) => {
      for (let i = 0; i < n; i++) {
        const f = document.createElement('iframe');
        f.srcdoc = `<!doctype html><p>slot ${i}</p><script>parent.postMessage({ slot: ${i} }, '*')</script>`;
        document.body.append(f);
      }
    }, LIVE);
    await panel.bringToFront();
    const crowd = await waitFor('the live frames drawn as one node', async () => {
      const g = await graphNodes(panel);
      return g.names.includes(`${LIVE} iframes of top`) ? g : undefined;
    }, 30_000).catch(() => graphNodes(panel));
    expect(crowd.names).toContain(`${LIVE} iframes of top`);
    expect(realmNodes(crowd.names)).toHaveLength(1);
  });
});
