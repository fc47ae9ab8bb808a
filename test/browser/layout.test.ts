/**
 * The panel at the three sizes DevTools is used at (issue 10): docked right (555 × 900), docked bottom
 * (1400 × 380) and undocked (1400 × 900), light and dark, on the demo page. At each: the Message
 * column's cells are in sight without scrolling sideways; rows name realms with their host; the
 * toolbar is one line (the filter bar two at most, its statuses in a menu when narrow); the graph's
 * realm names render at 11 CSS px or more. Screenshots of each go to
 * artifacts/layout-<w>x<h>-<scheme>.png for a person to look at. Controls are found by role and name.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launch, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const aria = (role: string, name: string): string => `::-p-aria([name="${name}"][role="${role}"])`;

/** How much of a message cell must be in sight: enough for the summary's discriminating key and more. */
const MESSAGE_IN_SIGHT_PX = 100;
const READABLE_PX = 11;

const SIZES = [
  { width: 555, height: 900 },
  { width: 1400, height: 380 },
  { width: 1400, height: 900 },
] as const;

interface Facts {
  /** Message cells drawn: left edge, and how many px of each is inside both the viewport and the grid. */
  cells: { left: number; inSight: number }[];
  /** The From → To cells' texts. */
  endpoints: string[];
  toolbarHeight: number;
  /** The filter bar (a toolbar too: "Timeline filters"). */
  filterBarHeight: number;
  buttonHeight: number;
  /** Realm names drawn inside the graph's pane: font size × the view's zoom, and the text. */
  labels: { px: number; text: string }[];
  /** The document scrolls sideways by this much (nothing should). */
  overflow: number;
}

async function facts(panel: Page): Promise<Facts> {
  return panel.evaluate(() => {
    const grid = document.querySelector('[role="grid"][aria-label="Messages"]')!.getBoundingClientRect();
    const cells = [...document.querySelectorAll('[role="row"] [role="gridcell"][data-col="message"]')].map((el) => {
      const r = el.getBoundingClientRect();
      const right = Math.min(r.right, window.innerWidth, grid.right);
      return { left: r.left, inSight: right - Math.max(r.left, 0, grid.left) };
    });
    const endpoints = [...document.querySelectorAll('[role="row"] [role="gridcell"][data-col="endpoints"]')].map((el) => el.textContent ?? '');
    const toolbar = document.querySelector('[role="toolbar"][aria-label="Entangle"]')!;
    const buttons = [...toolbar.querySelectorAll('button')].map((b) => b.getBoundingClientRect().height).filter((h) => h > 0);
    const graph = document.querySelector('[data-testid="graph"]')?.getBoundingClientRect();
    const vp = document.querySelector('.react-flow__viewport');
    const zoom = vp ? new DOMMatrixReadOnly(getComputedStyle(vp).transform).a : 0;
    const labels = graph
      ? [...document.querySelectorAll('[data-testid="graph-realm"] .graph-realm-title')]
          .filter((el) => {
            const r = el.getBoundingClientRect();
            // Its start in the pane: the name is there to be read.
            return r.left + 4 >= graph.left && r.left + 4 <= graph.right && r.top + r.height / 2 >= graph.top && r.top + r.height / 2 <= graph.bottom;
          })
          .map((el) => ({ px: parseFloat(getComputedStyle(el).fontSize) * zoom, text: el.textContent ?? '' }))
      : [];
    return {
      cells,
      endpoints,
      toolbarHeight: toolbar.getBoundingClientRect().height,
      filterBarHeight: document.querySelector('[role="toolbar"][aria-label="Timeline filters"]')!.getBoundingClientRect().height,
      buttonHeight: Math.max(...buttons),
      labels,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

describe('the panel at the three DevTools sizes', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer();
    session = await launch();
    const page = await session.browser.newPage();
    await page.goto(server.url('/index.html'));
    await page.waitForFunction(() => {
      const w = window as unknown as { __demoDone?: boolean; __demoError?: string | null };
      return w.__demoDone === true || (w.__demoError ?? null) !== null;
    });
    const tabId = await tabIdOf(await openPanel(session), server.originA);
    panel = await openPanel(session, tabId);
    await panel.setViewport({ width: 1400, height: 900 });
    await panel.bringToFront();
    await waitFor('the demo in the panel (4 realms, message rows)', async () =>
      panel.evaluate(() => {
        const m = (window as unknown as { __entangle: { store: { getState(): { model(): { realms: unknown[] } } } } }).__entangle.store.getState().model();
        return m.realms.length >= 4 && document.querySelectorAll('[data-testid="timeline-row"][data-kind="message"]').length >= 4;
      }),
    );
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  for (const { width, height } of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${width} × ${height}, ${scheme}: Message in sight, realms by name, one toolbar line, readable graph`, async () => {
        await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await panel.setViewport({ width, height });
        // The panes settle, the graph is fitted to its pane.
        const f = await waitFor(`the panel laid out at ${width} × ${height}`, async () => {
          const now = await facts(panel);
          const settled = now.cells.length > 0 && now.cells.every((c) => c.inSight >= MESSAGE_IN_SIGHT_PX) && now.labels.length > 0 && now.labels.every((l) => l.px >= READABLE_PX);
          return settled ? now : undefined;
        }, 10_000).catch(async () => facts(panel));
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.screenshot({ path: join(ARTIFACTS, `layout-${width}x${height}-${scheme}.png`) });

        expect(await panel.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(32, 33, 36)');
        expect(f.overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
        // The Message column: every drawn cell has its start, and a good part, in sight.
        expect(f.cells.length).toBeGreaterThan(0);
        for (const c of f.cells) {
          expect(c.left).toBeGreaterThanOrEqual(0);
          expect(c.inSight, `Message cell at x=${c.left} shows ${c.inSight} px`).toBeGreaterThanOrEqual(MESSAGE_IN_SIGHT_PX);
        }
        // Realms by name, never by the recorder's ids (`top:48fh`).
        expect(f.endpoints.some((t) => /\btop\b/.test(t) && /\biframe\b/.test(t))).toBe(true);
        expect(f.endpoints.some((t) => /\b(top|ifr|w):[0-9a-z]{3,}/.test(t)), f.endpoints.join('\n')).toBe(false);
        // One toolbar line: about a button's height (a wrapped toolbar is two or three).
        expect(f.toolbarHeight).toBeLessThan(f.buttonHeight * 1.7);
        // The filter bar: two lines at most (docked right it was five before its More filters menu).
        expect(f.filterBarHeight, 'filter bar height').toBeLessThan(f.buttonHeight * 2.9);
        // Realm names in the graph: at least one drawn, every one drawn at 11 px or more on screen.
        expect(f.labels.length).toBeGreaterThan(0);
        for (const l of f.labels) expect(l.px, `graph label "${l.text}"`).toBeGreaterThanOrEqual(READABLE_PX);
        // Everything is one click away.
        expect(await panel.$(aria('button', 'Fit all'))).not.toBeNull();
      });
    }
  }

  it('docked right, the graph is a strip above the timeline a button folds away and brings back', async () => {
    await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await panel.setViewport({ width: 555, height: 900 });
    const hide = await panel.waitForSelector(aria('button', 'Hide graph'), { timeout: 5_000 });
    expect(await hide!.evaluate((el) => el.getAttribute('aria-expanded'))).toBe('true');
    // The strip is above the timeline, the inspector below it.
    const order = await panel.evaluate(() => {
      const top = (sel: string): number => document.querySelector(sel)?.getBoundingClientRect().top ?? NaN;
      return [top('[data-testid="graph"]'), top('[role="grid"][aria-label="Messages"]'), top('.inspector-host')];
    });
    expect(order[0]).toBeLessThan(order[1] as number);
    expect(order[1]).toBeLessThan(order[2] as number);
    const gridBefore = await panel.evaluate(() => document.querySelector('[role="grid"][aria-label="Messages"]')!.getBoundingClientRect().height);

    await hide!.click();
    const show = await panel.waitForSelector(aria('button', 'Show graph'), { timeout: 5_000 });
    expect(await show!.evaluate((el) => el.getAttribute('aria-expanded'))).toBe('false');
    expect(await panel.$('[data-testid="graph"]')).toBeNull();
    const gridAfter = await panel.evaluate(() => document.querySelector('[role="grid"][aria-label="Messages"]')!.getBoundingClientRect().height);
    expect(gridAfter).toBeGreaterThan(gridBefore);

    // The choice outlives the panel.
    await panel.reload();
    await panel.waitForSelector(aria('button', 'Show graph'), { timeout: 10_000 });
    // Pressed by the button itself, not at its place on the screen: while the reloaded panel is still
    // laying itself out the button can move between being found and a click at its old place (a lost
    // click, one CI run in about four). Pressed again only while it still says "Show graph".
    await waitFor('the graph shown again', async () => {
      if (await panel.$('[data-testid="graph"]')) return true;
      const show = await panel.$(aria('button', 'Show graph'));
      await show?.evaluate((el) => (el as HTMLButtonElement).click());
      return undefined;
    }, 15_000);
    expect(await panel.$(aria('button', 'Hide graph'))).not.toBeNull();
  });

  it('the filter bar is two lines at most at every width, either side of where it folds its statuses into a menu', async () => {
    for (const width of [555, 800, 1000, 1199, 1200, 1400, 1600]) {
      await panel.setViewport({ width, height: 800 });
      const { bar, button } = await waitFor(`the filter bar at ${width} px`, async () =>
        panel.evaluate(() => {
          const fb = document.querySelector('[role="toolbar"][aria-label="Timeline filters"]')!.getBoundingClientRect();
          const b = Math.max(...[...document.querySelectorAll('[role="toolbar"][aria-label="Entangle"] button')].map((x) => x.getBoundingClientRect().height));
          return fb.width <= window.innerWidth && b > 0 ? { bar: fb.height, button: b } : undefined;
        }),
      );
      expect(bar, `filter bar at ${width} px`).toBeLessThan(button * 2.9);
    }
  });

  it('docked right, the statuses, Errors only and Show events are in a More filters menu that filters as the chips do', async () => {
    await panel.setViewport({ width: 555, height: 900 });
    const more = await panel.waitForSelector(aria('button', 'More filters'), { timeout: 5_000 });
    expect(await panel.$(aria('group', 'Statuses'))).toBeNull();
    await more!.click();
    const items = await panel.$$('::-p-aria([role="menuitemcheckbox"])');
    const labels = await Promise.all(items.map((i) => i.evaluate((el) => el.textContent ?? '')));
    expect(labels.some((l) => l.includes('Errors only'))).toBe(true);
    const failed = items[labels.findIndex((l) => /failed \d/.test(l))];
    expect(failed, labels.join(' | ')).toBeDefined();
    await failed!.click();
    const text = await panel.$eval(aria('combobox', 'Filter messages'), (el) => (el as HTMLInputElement).value);
    expect(text).toBe('status:failed');
    const statuses = await waitFor('only failed rows', async () => {
      const s = await panel.$$eval('[data-testid="timeline-row"]', (rows) => rows.map((r) => r.getAttribute('data-status')));
      return s.length > 0 && s.every((x) => x === 'failed') ? s : undefined;
    });
    expect(statuses.length).toBeGreaterThan(0);
    // The check keeps the menu open; unchecking brings the rows back.
    expect(await panel.$(aria('menu', 'More filters'))).not.toBeNull();
    await failed!.click();
    await waitFor('every message again', async () => (await panel.$eval(aria('combobox', 'Filter messages'), (el) => (el as HTMLInputElement).value)) === '' || undefined);
    await panel.keyboard.press('Escape');
    expect(await panel.$(aria('menu', 'More filters'))).toBeNull();
  });

  it('Fit all shows every realm box in the graph pane', async () => {
    await panel.setViewport({ width: 1400, height: 380 });
    const fit = await panel.waitForSelector(aria('button', 'Fit all'), { timeout: 10_000 });
    await fit!.click();
    await waitFor('every realm box inside the graph pane', async () =>
      panel.evaluate(() => {
        const g = document.querySelector('[data-testid="graph"]')!.getBoundingClientRect();
        const boxes = [...document.querySelectorAll('[data-testid="graph-realm"]')].map((el) => el.getBoundingClientRect());
        return boxes.length >= 4 && boxes.every((b) => b.left >= g.left - 1 && b.right <= g.right + 1 && b.top >= g.top - 1 && b.bottom <= g.bottom + 1);
      }),
    );
  });
});
