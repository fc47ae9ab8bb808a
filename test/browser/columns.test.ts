/**
 * The timeline's columns in the real panel on the demo page: sorting by a header (aria-sort, the rows'
 * order), the column chooser on a right-click of the header row, a cell's *Filter by this value*, and
 * the layout kept across a reload of the panel. Controls are found by role and name, as a user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { demoPanel, launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';

const aria = (role: string, name: string): string => `::-p-aria([name="${name}"][role="${role}"])`;

/** The message rows drawn, in grid order: id and the model's size of each. */
async function shownSizes(panel: Page): Promise<{ id: string; size: number | null }[]> {
  return panel.evaluate(() => {
    type Msg = { id: string; size?: number };
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): { messages: Msg[] } } } } }).__entangle.store.getState().model();
    const byId = new Map(m.messages.map((x) => [x.id, x]));
    return [...document.querySelectorAll('[data-testid="timeline-row"][data-kind="message"]')]
      .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
      .map((el) => {
        const id = el.getAttribute('data-id') ?? '';
        return { id, size: byId.get(id)?.size ?? null };
      });
  });
}

async function ariaSort(panel: Page, name: string): Promise<string | null> {
  const h = await panel.waitForSelector(aria('columnheader', name), { timeout: 5_000 });
  return h!.evaluate((el) => el.getAttribute('aria-sort'));
}

describe('timeline columns in the real panel', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer();
    session = await launch();
    panel = await demoPanel(session, server, { width: 1400, height: 900 });
    await waitFor('the demo messages in the timeline', async () => (await shownSizes(panel)).filter((r) => r.size !== null).length >= 4);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('sorts by Size when its header is clicked: aria-sort says so and the rows are ordered by size', async () => {
    expect(await ariaSort(panel, 'Size')).toBeNull();
    await panel.click(aria('columnheader', 'Size'));
    await waitFor('aria-sort ascending', async () => (await ariaSort(panel, 'Size')) === 'ascending');
    const asc = await shownSizes(panel);
    const known = asc.filter((r) => r.size !== null).map((r) => r.size as number);
    expect(known.length).toBeGreaterThanOrEqual(4);
    expect(known).toEqual([...known].sort((a, b) => a - b));
    // Rows of unknown size come after the others.
    const firstUnknown = asc.findIndex((r) => r.size === null);
    if (firstUnknown >= 0) expect(asc.slice(firstUnknown).every((r) => r.size === null)).toBe(true);
    // The smallest and largest differ, so the order is not vacuous.
    expect(known[0]).toBeLessThan(known[known.length - 1] as number);

    await panel.click(aria('columnheader', 'Size'));
    await waitFor('aria-sort descending', async () => (await ariaSort(panel, 'Size')) === 'descending');
    const desc = (await shownSizes(panel)).filter((r) => r.size !== null).map((r) => r.size as number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
  });

  it('right-clicking the header opens the column chooser; choosing Sender origin shows that column', async () => {
    expect(await panel.$(aria('columnheader', 'Sender origin'))).toBeNull();
    const route = await panel.waitForSelector(aria('columnheader', 'Route'));
    await route!.click({ button: 'right' });
    const menu = await panel.waitForSelector(aria('menu', 'Columns'), { timeout: 5_000 });
    expect(menu).not.toBeNull();
    const item = await panel.waitForSelector(aria('menuitemcheckbox', 'Sender origin'));
    expect(await item!.evaluate((el) => el.getAttribute('aria-checked'))).toBe('false');
    await item!.click();
    await panel.waitForSelector(aria('columnheader', 'Sender origin'), { timeout: 5_000 });
    expect(await panel.$(aria('menu', 'Columns'))).toBeNull();
    // The demo's top page is served from the first origin: some sender's origin shows in the new column.
    const origins = await panel.$$eval('[data-testid="timeline-row"] [data-col="fromOrigin"]', (els) => els.map((el) => el.textContent ?? ''));
    expect(origins.some((o) => o.startsWith('http://'))).toBe(true);
  });

  it('right-clicking a cell and choosing Filter by this value puts its term in the filter text', async () => {
    const cell = await panel.waitForSelector('[data-testid="timeline-row"][data-kind="message"] [data-col="route"]');
    const route = await cell!.evaluate((el) => el.textContent ?? '');
    await cell!.click({ button: 'right' });
    const item = await panel.waitForSelector(aria('menuitem', 'Filter by this value'), { timeout: 5_000 });
    await item!.click();
    const text = await waitFor('the filter text changed', async () => {
      const t = await panel.evaluate(() => (document.querySelector('[data-testid="filter-text"]') as HTMLInputElement | null)?.value ?? '');
      return t !== '' ? t : undefined;
    });
    expect(text).toBe(`route:${route}`);
    // Back to no filter for what follows.
    await panel.evaluate(() => (window as unknown as { __entangle: { view: { getState(): { filtersCleared(): void } } } }).__entangle.view.getState().filtersCleared());
  });

  it('keeps the column choice and the sort when the panel is opened again', async () => {
    await panel.reload();
    await panel.waitForFunction(() => Boolean((window as unknown as { __entangle?: unknown }).__entangle));
    await panel.waitForSelector(aria('columnheader', 'Sender origin'), { timeout: 10_000 });
    expect(await ariaSort(panel, 'Size')).toBe('descending');
    // A third click restores arrival order (and that is kept too).
    await panel.click(aria('columnheader', 'Size'));
    await waitFor('no sort', async () => (await ariaSort(panel, 'Size')) === null);
  });
});
