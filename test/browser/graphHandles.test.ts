/**
 * The graph's edges end where their port chips' handles are drawn. React Flow measures a realm box
 * only when it mounts: a box that changes carries its handles' places, worked out from the layout and
 * graph.css (panel/graph/handles.ts). This test measures every handle in the real panel (its element's box, in
 * the graph's own coordinates) and checks that both ends of every edge path sit on one, and that every
 * edge the graph has is drawn (React Flow leaves out an edge whose handle a node lacks) — on the demo
 * page live, and at moments of a playback, where chips appear and move inside boxes that keep their
 * size. A change of the CSS that moves a handle fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { demoPanel, launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';

const SLIDER = '::-p-aria([name="Playback position"][role="slider"])';

interface Ends {
  edges: number;
  handles: number;
  /** Edge ends that no handle is drawn at (`edge id: x,y`). */
  loose: string[];
}

/** Every edge path's two ends, against every handle's attachment point as drawn. */
function edgeEnds(panel: Page): Promise<Ends> {
  return panel.evaluate(() => {
    const viewport = document.querySelector('.react-flow__viewport');
    if (!viewport) return { edges: 0, handles: 0, loose: ['no graph'] };
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const points: [number, number][] = [];
    for (const node of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      const at = /translate\((-?[\d.]+)px, ?(-?[\d.]+)px\)/.exec(node.style.transform);
      if (!at) continue;
      const [x, y] = [Number(at[1]), Number(at[2])];
      const box = node.getBoundingClientRect();
      for (const h of node.querySelectorAll('.react-flow__handle')) {
        const r = h.getBoundingClientRect();
        // React Flow attaches an edge at the middle of a handle's outer side.
        const side = h.classList.contains('react-flow__handle-right') ? r.right : r.left;
        points.push([x + (side - box.left) / zoom, y + ((r.top + r.bottom) / 2 - box.top) / zoom]);
      }
    }
    const loose: string[] = [];
    let edges = 0;
    for (const edge of document.querySelectorAll('.react-flow__edge')) {
      const d = edge.querySelector('path.react-flow__edge-path')?.getAttribute('d');
      if (!d) continue;
      edges++;
      const numbers = [...d.matchAll(/-?[\d.]+(?:e-?\d+)?/g)].map((m) => Number(m[0]));
      const ends: [number, number][] = [
        [numbers[0]!, numbers[1]!],
        [numbers.at(-2)!, numbers.at(-1)!],
      ];
      for (const [ex, ey] of ends) {
        // A tenth of a pixel: what a measured box's fractions and the zoom's rounding allow.
        if (!points.some(([px, py]) => Math.abs(px - ex) < 0.1 && Math.abs(py - ey) < 0.1)) loose.push(`${edge.getAttribute('data-id') ?? '?'}: ${ex},${ey}`);
      }
    }
    return { edges, handles: points.length, loose };
  });
}

/**
 * Waits until the graph shows `at` (a playback index, or 'live') with every edge it has drawn (React
 * Flow leaves out an edge whose handle a node lacks), then measures it once.
 */
async function settledEnds(panel: Page, at: () => Promise<string>): Promise<Ends> {
  await waitFor('the graph at the moment, every edge drawn', async () => {
    const want = await at();
    return panel.evaluate((want) => {
      const graph = document.querySelector<HTMLElement>('[data-testid="graph"][data-at]');
      return graph?.dataset.at === want && document.querySelectorAll('.react-flow__edge').length === Number(graph.dataset.edges);
    }, want);
  });
  return edgeEnds(panel);
}

/** Where the view stands: the playback's index, or 'live'. */
const viewAt = (panel: Page) => () =>
  panel.evaluate(() => {
    const pb = (window as unknown as { __entangle: { view: { getState(): { playback: { index: number } | null } } } }).__entangle.view.getState().playback;
    return pb ? String(pb.index) : 'live';
  });

describe('graph edges end at the handles drawn', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer();
    session = await launch();
    panel = await demoPanel(session, server);
    await waitFor('the demo drawn (4 realms, edges)', () =>
      panel.evaluate(() => document.querySelectorAll('[data-testid="graph-realm"]').length >= 4 && document.querySelectorAll('.react-flow__edge').length >= 3),
    );
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  // React Flow measures a node once when it mounts (its resize observer's first call), so this first
  // check is of its own measurements: it shows that this test measures handles as React Flow does.
  it('live: both ends of every edge sit on a handle', async () => {
    const ends = await settledEnds(panel, viewAt(panel));
    expect(ends.loose).toEqual([]);
    expect(ends.edges).toBeGreaterThanOrEqual(3);
  });

  // From then on a node that changes takes its handles from handles.ts, unmeasured: this is their test
  // (with a box border of 0 px in handles.ts it fails, every end off by a pixel).
  it('at moments of a playback, where chips come and move, every edge still ends on a handle', async () => {
    await panel.focus(SLIDER);
    await panel.keyboard.press('Home');
    let checked = 0;
    // Step through the session; at each moment with edges, check them once the graph shows it.
    for (let step = 0; step < 12; step++) {
      for (let i = 0; i < 3; i++) await panel.keyboard.press('ArrowRight');
      const ends = await settledEnds(panel, viewAt(panel));
      expect(ends.loose, `step ${step}`).toEqual([]);
      if (ends.edges > 0) checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });
});
