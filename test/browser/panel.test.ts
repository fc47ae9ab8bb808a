/**
 * The panel on the demo page, in Chromium with the built extension: the graph shows the page's realms,
 * channels and entanglement edges; clicking a port filters the timeline to it; a failed send shows its
 * error in plain words; light and dark screenshots for a person to look at (artifacts/).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { demoPanel, launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';

const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');

interface ModelFacts {
  realms: { id: string; kind: string; url?: string }[];
  channels: { id: string; ports: [string, string] }[];
  ports: { id: string; holder?: string; channel?: string }[];
  failed: { id: string; error?: string }[];
  messages: number;
}

async function modelFacts(panel: Page): Promise<ModelFacts> {
  return panel.evaluate(() => {
    type M = {
      realms: { id: string; kind: string; url?: string }[];
      channels: { id: string; ports: [string, string] }[];
      ports: { id: string; channel?: string; custody: { realm: string }[] }[];
      messages: { id: string; status: string; error?: { name: string; message: string } }[];
    };
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): M } } } }).__entangle.store.getState().model();
    return {
      realms: m.realms.map((r) => ({ id: r.id, kind: r.kind, url: r.url })),
      channels: m.channels.map((c) => ({ id: c.id, ports: c.ports })),
      ports: m.ports.map((p) => ({ id: p.id, channel: p.channel, holder: p.custody[p.custody.length - 1]?.realm })),
      failed: m.messages.filter((x) => x.status === 'failed').map((x) => ({ id: x.id, error: x.error ? `${x.error.name}: ${x.error.message}` : undefined })),
      messages: m.messages.length,
    };
  });
}

/** The centre of an element's box lies inside another element's box. */
async function insideOf(panel: Page, inner: string, outer: string): Promise<boolean> {
  return panel.evaluate(
    (a, b) => {
      const i = document.querySelector(a)?.getBoundingClientRect();
      const o = document.querySelector(b)?.getBoundingClientRect();
      if (!i || !o) return false;
      const x = i.left + i.width / 2;
      const y = i.top + i.height / 2;
      return x >= o.left && x <= o.right && y >= o.top && y <= o.bottom;
    },
    inner,
    outer,
  );
}

const visibleRowIds = (panel: Page): Promise<string[]> =>
  panel.$$eval('[data-testid="timeline-row"][data-kind="message"]', (els) => els.map((el) => el.getAttribute('data-id') ?? ''));

describe('the panel on the demo page', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;
  let facts: ModelFacts;

  beforeAll(async () => {
    server = await startDemoServer();
    session = await launch();
    panel = await demoPanel(session, server);
    facts = await waitFor('the demo in the panel model (4 realms, the failed sends)', async () => {
      const f = await modelFacts(panel);
      return f.realms.length >= 4 && f.failed.length >= 3 ? f : undefined;
    });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('draws every realm as a box: top, both iframes and the worker', async () => {
    const kinds = facts.realms.map((r) => r.kind).sort();
    expect(kinds).toEqual(expect.arrayContaining(['iframe', 'iframe', 'top', 'worker']));
    const boxes = await waitFor('a box per realm in the graph', async () => {
      const ids = await panel.$$eval('[data-testid="graph-realm"]', (els) => els.map((el) => el.getAttribute('data-realm')));
      return ids.length >= facts.realms.length ? ids : undefined;
    });
    expect(new Set(boxes)).toEqual(new Set(facts.realms.map((r) => r.id)));
  });

  it('draws one entanglement edge per channel, and each port inside the realm that holds it now', async () => {
    const edges = await waitFor('a channel edge per channel', async () => {
      const ids = await panel.$$eval('[data-testid^="rf__edge-channel:"]', (els) => els.map((el) => el.getAttribute('data-testid')));
      return ids.length >= facts.channels.length ? ids : undefined;
    });
    expect(new Set(edges)).toEqual(new Set(facts.channels.map((c) => `rf__edge-channel:${c.id}`)));

    // Scenario a: port2 went to the cross-origin iframe; it is drawn inside that iframe's box.
    const cross = facts.realms.find((r) => r.kind === 'iframe' && r.url?.includes('frame-cross'));
    expect(cross).toBeDefined();
    const moved = facts.ports.filter((p) => p.holder === cross!.id && p.channel !== undefined);
    expect(moved.length).toBeGreaterThan(0);
    for (const p of moved) {
      expect(await insideOf(panel, `[data-testid="graph-port"][data-port="${p.id}"]`, `[data-testid="graph-realm"][data-realm="${cross!.id}"]`)).toBe(true);
    }
  });

  it('filters the timeline to a port clicked in the graph', async () => {
    const cross = facts.realms.find((r) => r.kind === 'iframe' && r.url?.includes('frame-cross'))!;
    const port = facts.ports.find((p) => p.holder === cross.id && p.channel !== undefined)!;
    const before = await visibleRowIds(panel);
    // (The default view shows the top realm's neighbourhood at a readable zoom: all of it first.)
    await panel.click('::-p-aria([name="Fit all"][role="button"])');
    await panel.click(`[data-testid="graph-port"][data-port="${port.id}"]`);
    const chip = await panel.waitForSelector('[data-testid="filter-focus"]');
    // The chip names the port briefly and fully in its title.
    expect(await chip!.evaluate((el) => el.getAttribute('title') ?? '')).toContain(port.id);
    const ids = await waitFor('the timeline narrowed to the port', async () => {
      const now = await visibleRowIds(panel);
      return now.length > 0 && now.join() !== before.join() ? now : undefined;
    });
    const ends = await panel.evaluate(
      (rowIds) => {
        type Msg = { id: string; fromPort?: string; toPort?: string; transfers: { port: string }[] };
        const m = (window as unknown as { __entangle: { store: { getState(): { model(): { messages: Msg[] } } } } }).__entangle.store.getState().model();
        const byId = new Map(m.messages.map((x) => [x.id, x]));
        return rowIds.map((id) => {
          const x = byId.get(id);
          return [x?.fromPort, x?.toPort, ...(x?.transfers.map((t) => t.port) ?? [])];
        });
      },
      ids,
    );
    // Every row shown is a message sent from or received on that port, or one that carried it.
    for (const ports of ends) expect(ports).toContain(port.id);
    expect(ends.some(([from, to]) => from === port.id || to === port.id)).toBe(true);
    // Clearing the chip brings the other rows back.
    await panel.click('[data-testid="filter-focus"] button');
    await waitFor('the chip gone', async () => (await panel.$('[data-testid="filter-focus"]')) === null);
  });

  it('shows a failed send with its error and what it means', async () => {
    await panel.click('[data-testid="filter-errors"]');
    const row = await panel.waitForSelector('[data-testid="timeline-row"][data-status="failed"]');
    const id = await row!.evaluate((el) => el.getAttribute('data-id'));
    await row!.click();
    const error = await panel.waitForSelector('[data-testid="inspector-error"]');
    const text = await error!.evaluate((el) => el.textContent ?? '');
    const expected = facts.failed.find((f) => f.id === id)?.error;
    expect(expected).toBeDefined();
    expect(text).toContain(expected!.split(':')[0]);
    const explanation = await panel.$eval('[data-testid="inspector-explanation"]', (el) => el.textContent ?? '');
    expect(explanation.length).toBeGreaterThan(20);
    await panel.click('[data-testid="filter-errors"]');
  });

  it('shows each BroadcastChannel post as one message with its receiver, and its edge in the graph', async () => {
    type Bc = { id: string; status: string; fromRealm?: string; toRealm?: string; senderUnknown?: string; deliveries?: { toRealm: string }[] };
    // Scenario d: one post each way between the top page and the same-origin iframe.
    const bcs = await waitFor('both broadcasts matched with their receipts', async () => {
      const list = await panel.evaluate(() => {
        const m = (window as unknown as { __entangle: { store: { getState(): { model(): { messages: (Bc & { route: string })[] } } } } }).__entangle.store.getState().model();
        return m.messages.filter((x) => x.route === 'broadcast').map(({ id, status, fromRealm, toRealm, senderUnknown, deliveries }) => ({ id, status, fromRealm, toRealm, senderUnknown, deliveries }));
      });
      return list.length === 2 && list.every((x) => x.status === 'delivered' && x.deliveries?.length === 1) ? (list as Bc[]) : undefined;
    });
    for (const b of bcs) {
      expect(b.fromRealm).toBeDefined();
      expect(b.senderUnknown).toBeUndefined();
      expect(b.deliveries?.[0]?.toRealm).not.toBe(b.fromRealm);
    }
    await panel.click('[data-testid="filter-route-broadcast"]');
    const cells = await waitFor('the two broadcast rows', async () => {
      const got = await panel.$$eval('[data-testid="timeline-row"][data-kind="message"]', (els) =>
        els.map((el) => {
          const spans = el.querySelectorAll('[role="gridcell"][data-col="endpoints"] > span');
          return { id: el.getAttribute('data-id'), from: spans[0]?.textContent ?? '', fromClass: spans[0]?.className ?? '', to: spans[1]?.textContent ?? '' };
        }),
      );
      return got.length === 2 ? got : undefined;
    });
    expect(cells.map((c) => c.id).sort()).toEqual(bcs.map((b) => b.id).sort());
    for (const c of cells) {
      expect(c.fromClass).not.toContain('tl-unknown');
      // Realms by name (`top`, `iframe host/file`), never by id.
      expect(c.to).toMatch(/^(top|(⚠ )?iframe (#\d+ )?\S+) › “entangle-demo”$/);
    }
    for (const b of bcs) expect(await panel.$(`[data-testid="rf__edge-route:broadcast:${b.fromRealm}->${b.deliveries?.[0]?.toRealm}"]`)).not.toBeNull();
    await panel.click('[data-testid="filter-route-broadcast"]');
  });

  it('writes light and dark screenshots of the panel (and one at a narrow width)', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Select a message with a payload so the inspector has something to show.
    const rows = await panel.$$('[data-testid="timeline-row"][data-kind="message"]');
    if (rows[3]) await rows[3].click();
    for (const scheme of ['light', 'dark'] as const) {
      await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await new Promise((r) => setTimeout(r, 400));
      const bg = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(32, 33, 36)');
      await panel.screenshot({ path: join(ARTIFACTS, `panel-${scheme}.png`) });
    }
    await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await panel.setViewport({ width: 480, height: 720 });
    await new Promise((r) => setTimeout(r, 400));
    // Nothing in the toolbar or filter bar spills out of the page at this width.
    const overflow = await panel.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The graph was fitted again for its new pane (a click on a port earlier is no pan or zoom): every
    // realm box is drawn inside the pane.
    await waitFor('every realm box inside the narrow graph pane', async () => {
      const n = await panel.$$eval('[data-testid="graph-realm"]', (els) => els.length);
      if (n < facts.realms.length) return undefined;
      for (const r of facts.realms) if (!(await insideOf(panel, `[data-testid="graph-realm"][data-realm="${r.id}"]`, '[data-testid="graph"]'))) return undefined;
      return true;
    });
    await panel.screenshot({ path: join(ARTIFACTS, 'panel-narrow.png') });
    await panel.setViewport({ width: 1400, height: 820 });
  });
});
