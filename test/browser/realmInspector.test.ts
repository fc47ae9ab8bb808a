/**
 * The realm inspector in the real panel (Chromium with the built extension): a top page with a
 * cross-origin iframe (id, name, sandbox, allow, a title) and a module worker. Selecting the iframe's box
 * in the graph shows what the page knows of it — its element's attributes as written, its DOM path, its
 * title — and that it is cross-origin; *Filter to this realm* narrows the timeline to its messages and
 * keeps doing so once the graph focus is gone; the worker shows its type; a removed frame says it is no
 * longer in the page. Controls are found by role and accessible name, as a user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { FIXTURES, launch, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

const aria = (role: string, name: string): string => `::-p-aria([name="${name}"][role="${role}"])`;

interface ModelFacts {
  realms: { id: string; kind: string; url?: string }[];
  messages: { fromRealm?: string; toRealm?: string }[];
}

function modelFacts(panel: Page): Promise<ModelFacts> {
  return panel.evaluate(() => {
    type M = ModelFacts;
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): M } } } }).__entangle.store.getState().model();
    return { realms: m.realms.map((r) => ({ id: r.id, kind: r.kind, url: r.url })), messages: m.messages.map((x) => ({ fromRealm: x.fromRealm, toRealm: x.toRealm })) };
  });
}

/** The inspector's rows, label → text (every table in it). */
function inspectorRows(panel: Page): Promise<Record<string, string>> {
  return panel.$eval(aria('complementary', 'Inspector'), (el) =>
    Object.fromEntries([...el.querySelectorAll('tr')].map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? ''])),
  );
}

/** The inspector's rows once `ready` says they are, else a failure that shows them. */
async function inspectorRowsWhen(panel: Page, what: string, ready: (rows: Record<string, string>) => boolean): Promise<Record<string, string>> {
  let last: Record<string, string> = {};
  try {
    return await waitFor(what, async () => {
      last = await inspectorRows(panel);
      return ready(last) ? last : undefined;
    }, 15_000);
  } catch (err) {
    throw new Error(`${String(err)}; the inspector shows ${JSON.stringify(last)}`);
  }
}

/** Clicks the graph box (a React Flow node: role group, named "<kind> realm …") of the realm whose name
 *  includes `text`, after *Fit all* so that it is in sight, as a user would. */
async function clickRealmBox(panel: Page, kind: string, text: string): Promise<void> {
  await (await panel.waitForSelector(aria('button', 'Fit all')))!.click();
  const box = await waitFor(`the graph box of the ${kind} ${text}`, async () => {
    for (const node of await panel.$$('::-p-aria([role="group"])')) {
      const name = await node.evaluate((el) => el.getAttribute('aria-label') ?? '');
      if (name.startsWith(`${kind} realm`) && name.includes(text)) return node;
    }
    return undefined;
  });
  await box.click();
}

/** Clicks the timeline row whose text includes `text`, then the realm link whose name starts with
 *  `realm` in the message's inspector. */
async function clickRealmLinkOfMessage(panel: Page, text: string, realm: string): Promise<void> {
  const row = await waitFor(`the timeline row ${text}`, async () => {
    for (const r of await panel.$$(`${aria('grid', 'Messages')} [role="row"]`)) if ((await r.evaluate((el) => el.textContent ?? '')).includes(text)) return r;
    return undefined;
  });
  await row.click();
  const link = await waitFor(`the realm link ${realm}`, async () => {
    for (const b of await panel.$$(`${aria('complementary', 'Inspector')} ::-p-aria([role="button"])`)) if ((await b.evaluate((el) => el.textContent ?? '')).startsWith(realm)) return b;
    return undefined;
  });
  await link.click();
}

describe('the realm inspector', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let panel: Page;
  let frameRealm: string;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
    page = await session.browser.newPage();
    await page.goto(server.url('/realm-inspector/index.html'));
    await page.evaluate(() => (window as unknown as { done: Promise<unknown> }).done);
    panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    await panel.setViewport({ width: 1400, height: 900 });
    await panel.bringToFront();
    const facts = await waitFor('the top, the iframe, the worker and their 4 messages in the panel', async () => {
      const m = await modelFacts(panel);
      return m.messages.length >= 4 && ['top', 'iframe', 'worker'].every((k) => m.realms.some((r) => r.kind === k)) ? m : undefined;
    });
    frameRealm = facts.realms.find((r) => r.kind === 'iframe')!.id;
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('selecting the iframe shows its element, its title and that it is cross-origin', async () => {
    await clickRealmBox(panel, 'iframe', 'frame.html');
    const rows = await inspectorRowsWhen(panel, 'the frame facts from the page', (r) => r['title'] === 'Partner widget' && r['tag'] !== undefined);
    expect(rows).toMatchObject({
      kind: 'iframe',
      origin: server.originB,
      'to its parent': 'cross-origin',
      tag: 'iframe',
      id: 'partner',
      name: 'partnerFrame',
      'src (as written)': server.url('/realm-inspector/frame.html', 'B'),
      'current URL': server.url('/realm-inspector/frame.html', 'B'),
      sandbox: 'allow-scripts allow-same-origin',
      allow: 'fullscreen; clipboard-write',
      'DOM path': 'body > div#ads > iframe#partner',
    });
  });

  it('Filter to this realm narrows the timeline to its messages, also once the graph focus is removed', async () => {
    const { messages } = await modelFacts(panel);
    const mine = messages.filter((m) => m.fromRealm === frameRealm || m.toRealm === frameRealm).length;
    expect(mine).toBe(2); // ping and pong
    expect(messages.length).toBeGreaterThan(mine); // the worker's too
    await clickRealmBox(panel, 'iframe', 'frame.html');
    const button = (await panel.waitForSelector(aria('button', 'Filter to this realm')))!;
    await button.click();
    await waitFor('the button pressed', async () => (await button.evaluate((el) => el.getAttribute('aria-pressed'))) === 'true' || undefined);
    await (await panel.waitForSelector(aria('button', 'Remove the graph focus')))!.click();
    const counted = `${mine} of ${messages.length} messages`;
    await waitFor(`the filter bar to count ${counted}`, async () => (await panel.$eval('[data-testid="filter-count"]', (el) => el.textContent)) === counted || undefined);
    const rows = await panel.$$(`${aria('grid', 'Messages')} [role="row"][data-kind="message"]`);
    expect(rows).toHaveLength(mine);
    expect(await panel.$eval(aria('combobox', 'Realm'), (el) => (el as HTMLSelectElement).value)).toBe(frameRealm);
  });

  it('selecting the worker shows its script and its type', async () => {
    await clickRealmBox(panel, 'worker', 'worker.js');
    const rows = await inspectorRowsWhen(panel, 'the worker in the inspector', (r) => r['kind']?.startsWith('worker') === true);
    expect(rows).toMatchObject({ script: server.url('/realm-inspector/worker.js'), type: 'module', name: 'calc' });
  });

  it('a frame removed from the page is no longer in the page', async () => {
    await page.evaluate(() => document.getElementById('partner')!.remove());
    await waitFor('the frame gone in the panel', async () =>
      panel.evaluate((id) => {
        const m = (window as unknown as { __entangle: { store: { getState(): { model(): { realms: { id: string; goneAt?: number }[] } } } } }).__entangle.store.getState().model();
        return m.realms.find((r) => r.id === id)?.goneAt !== undefined || undefined;
      }, frameRealm),
    );
    await (await panel.waitForSelector(aria('button', 'Clear filters')))!.click();
    // (A gone realm's box may be folded with the others gone: its name in a message's inspector is a link too.)
    await clickRealmLinkOfMessage(panel, 'pong', 'iframe localhost');
    const rows = await inspectorRowsWhen(panel, 'the gone frame in the inspector', (r) => r['page'] !== undefined);
    expect(rows['page']).toBe('no longer in the page');
  });
});
