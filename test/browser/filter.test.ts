/**
 * The filter language in the real panel on the demo page (Chromium with the built extension): key terms
 * and negation narrow the timeline as the model says they should, a bad term shows a hint and leaves the
 * rows alone, a key and a value are picked from the autocomplete by keyboard, and `/` focuses the filter.
 * Controls are found by role and accessible name, as a user would.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { demoPanel, launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';

const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');

interface Msg {
  id: string;
  status: string;
  route: string;
  fromKind?: string;
}

/** The panel model's messages, with the kind of their sending realm. */
function messages(panel: Page): Promise<Msg[]> {
  return panel.evaluate(() => {
    type M = {
      realms: { id: string; kind: string }[];
      messages: { id: string; status: string; route: string; fromRealm?: string }[];
    };
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): M } } } }).__entangle.store.getState().model();
    const kinds = new Map(m.realms.map((r) => [r.id, r.kind]));
    return m.messages.map((x) => ({ id: x.id, status: x.status, route: x.route, fromKind: x.fromRealm !== undefined ? kinds.get(x.fromRealm) : undefined }));
  });
}

const visibleRowIds = (panel: Page): Promise<string[]> =>
  panel.$$eval('[data-testid="timeline-row"][data-kind="message"]', (els) => els.map((el) => el.getAttribute('data-id') ?? ''));

describe('the filter language in the panel', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;
  let filter: ElementHandle<Element>;

  /** The count the filter bar shows for `n` messages shown. */
  const shows = async (n: number): Promise<void> => {
    const total = (await messages(panel)).length;
    await waitFor(`the filter bar to count ${n} of ${total}`, async () => {
      const text = await panel.$eval('[data-testid="filter-count"]', (el) => el.textContent ?? '');
      return text === `${n.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} messages` || undefined;
    });
  };
  /** Replaces the filter's text by typing `text`, as a user does. */
  const typeFilter = async (text: string): Promise<void> => {
    await filter.click({ count: 3 });
    await panel.keyboard.press('Backspace');
    if (text !== '') await panel.keyboard.type(text);
  };
  const value = (): Promise<string> => filter.evaluate((el) => (el as HTMLInputElement).value);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startDemoServer();
    session = await launch();
    panel = await demoPanel(session, server);
    await waitFor('the demo in the panel (messages from the top and the frames, some delivered)', async () => {
      const ms = await messages(panel);
      return ms.some((m) => m.fromKind === 'top') && ms.some((m) => m.status === 'delivered' && m.route === 'window') && ms.length >= 8;
    });
    // Let the demo settle: the counts below are worked out from the model and compared with the bar's.
    await new Promise((r) => setTimeout(r, 1000));
    filter = (await panel.waitForSelector('::-p-aria(Filter messages[role="combobox"])')) as ElementHandle<Element>;
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('status:delivered -route:window: delivered messages that are not window messages; the toggle shows it', async () => {
    await typeFilter('status:delivered -route:window');
    const ms = await messages(panel);
    const expected = ms.filter((m) => m.status === 'delivered' && m.route !== 'window').map((m) => m.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(ms.length);
    await shows(expected.length);
    const rows = await visibleRowIds(panel);
    expect(rows.length).toBeGreaterThan(0);
    for (const id of rows) expect(expected).toContain(id);
    // The status toggle reflects the term.
    const statuses = await panel.waitForSelector('::-p-aria(Statuses[role="group"])');
    const pressed = await statuses!.$$eval('button', (els) => els.filter((el) => el.getAttribute('aria-pressed') === 'true').map((el) => el.textContent ?? ''));
    expect(pressed).toEqual([expect.stringMatching(/delivered/)]);
  });

  it('from:top: the messages the top realm sent', async () => {
    await typeFilter('from:top');
    const ms = await messages(panel);
    const expected = ms.filter((m) => m.fromKind === 'top').map((m) => m.id);
    expect(expected.length).toBeGreaterThan(0);
    await shows(expected.length);
    for (const id of await visibleRowIds(panel)) expect(expected).toContain(id);
  });

  it('size:>abc: a visible hint, and the rows as without it', async () => {
    await typeFilter('');
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="timeline-row"][data-kind="message"]').length > 0);
    const before = await visibleRowIds(panel);
    await typeFilter('size:>abc');
    // The hint is the live region the text box is described by.
    const described = await filter.evaluate((el) => el.getAttribute('aria-describedby'));
    const hint = await waitFor('the hint', async () => {
      const h = await panel.$(`[id="${described}"]`);
      const text = await h?.evaluate((el) => el.textContent ?? '');
      return h && text?.includes('size: expects') ? h : undefined;
    });
    expect(await hint.evaluate((el) => [el.getAttribute('role'), el.getAttribute('aria-live')])).toEqual(['status', 'polite']);
    expect(await hint.isVisible()).toBe(true);
    await panel.screenshot({ path: join(ARTIFACTS, 'filter-hint.png'), clip: { x: 0, y: 0, width: 1000, height: 160 } });
    expect(await filter.evaluate((el) => el.getAttribute('aria-invalid'))).toBe('true');
    await shows((await messages(panel)).length);
    expect(await visibleRowIds(panel)).toEqual(before);
  });

  it('picks a key and a value from the autocomplete by keyboard', async () => {
    await typeFilter('ro');
    expect(await filter.evaluate((el) => el.getAttribute('aria-expanded'))).toBe('true');
    const list = await panel.waitForSelector('::-p-aria(Filter suggestions[role="listbox"])');
    expect(await list!.isVisible()).toBe(true);
    await panel.keyboard.press('ArrowDown');
    const active = await filter.evaluate((el) => el.getAttribute('aria-activedescendant'));
    expect(await panel.$eval(`[id="${active}"]`, (el) => [el.getAttribute('role'), el.textContent])).toEqual(['option', expect.stringMatching(/^route:/)]);
    await panel.keyboard.press('Enter');
    expect(await value()).toBe('route:');
    // For a person to look at: the values listed under the box.
    await panel.screenshot({ path: join(ARTIFACTS, 'filter-autocomplete.png'), clip: { x: 0, y: 0, width: 1000, height: 260 } });
    // Now the routes: port, window, … — the second is window.
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('Enter');
    expect(await value()).toBe('route:window ');
    expect(await filter.evaluate((el) => el.getAttribute('aria-expanded'))).toBe('false');
    const ms = await messages(panel);
    await shows(ms.filter((m) => m.route === 'window').length);
  });

  it('/ focuses the filter from the timeline; Esc in it clears it', async () => {
    const grid = await panel.waitForSelector('::-p-aria([role="grid"])');
    await grid!.click();
    expect(await filter.evaluate((el) => el === document.activeElement)).toBe(false);
    await panel.keyboard.press('/');
    expect(await filter.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await value()).toBe('route:window ');
    await panel.keyboard.press('Escape');
    expect(await value()).toBe('');
  });
});
