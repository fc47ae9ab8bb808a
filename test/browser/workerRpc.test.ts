/**
 * Inside workers (issue 13), on a page built on a real worker-RPC library: comlink between a page and
 * a module worker (calls as messages on the Worker, a callback handed over as a MessagePort), and a
 * nested worker the worker starts and calls. With "Record inside workers" turned on in the panel, what
 * Entangle says is checked against what the page and comlink did: the workers are realms recorded from
 * the inside, every message into and out of them is delivered and matched with its receipt, and the
 * callback port lives in the worker. The page computes the same with and without Entangle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { bundleLibraryFixtures, type BundledFixtures } from './bundle';
import { launch, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';
import { dump, label, modelFacts, realmNamed, story, type Facts } from './modelFacts';

interface ComlinkResult {
  sums: number[];
  ticks: number[];
  ticked: number;
  nested: number;
  fromWorker: number;
}

async function pageResult(page: Page): Promise<ComlinkResult> {
  // Polled by time, not by animation frames: the page may be a background tab (the panel's is in front).
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __done?: boolean; __error?: string };
      return w.__done === true || w.__error !== undefined;
    },
    { polling: 100 },
  );
  const { result, error } = await page.evaluate(() => {
    const w = window as unknown as { __result?: unknown; __error?: string };
    return { result: w.__result, error: w.__error };
  });
  if (error !== undefined) throw new Error(`the comlink page failed by itself: ${error}`);
  return result as ComlinkResult;
}

describe('comlink in a worker, recorded from the inside', () => {
  let bundled: BundledFixtures;
  let server: DemoServer;
  let session: Session;
  let bare: ComlinkResult;

  beforeAll(async () => {
    bundled = await bundleLibraryFixtures();
    server = await startDemoServer({ dir: bundled.dir });
    const plain = await launch({ extension: false });
    try {
      const page = await plain.browser.newPage();
      await page.goto(server.url('/comlink.html'));
      bare = await pageResult(page);
    } finally {
      await plain.close();
    }
    session = await launch();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
    bundled?.remove();
  });

  it('the workers are realms of their own, and every call, answer and callback is delivered', async () => {
    expect(bare).toEqual({ sums: [5, 42], ticks: [1, 2, 3], ticked: 3, nested: 42, fromWorker: expect.any(Number) });
    // The setting is per origin and must be on before the workers start: the panel is opened on an
    // empty page of the fixtures' origin, the setting turned on there, then the page is loaded.
    const background = await openPanel(session);
    const page = await session.browser.newPage();
    await page.goto(server.url('/hold.html'));
    const panel = await openPanel(session, await tabIdOf(background, '/hold.html'));
    await turnOnWorkers(panel);
    await page.goto(server.url('/comlink.html'));
    expect(await pageResult(page), 'the page computes the same with Entangle').toEqual(bare);

    const facts = await waitFor('both workers recorded from the inside, and every message settled', async () => {
      const f = await modelFacts(panel);
      const workers = f.realms.filter((r) => r.kind === 'worker' && r.instrumented);
      return workers.length === 2 && f.messages.every((m) => m.status === 'delivered') ? f : undefined;
    }).catch(async (err: unknown) => {
      const f = await modelFacts(panel);
      await dump('workerRpc', panel, f);
      throw new Error(`${String(err)}\nrealms: ${JSON.stringify(f.realms)}\nunsettled: ${JSON.stringify(f.messages.filter((m) => m.status !== 'delivered').map(label))}`);
    });
    await dump('workerRpc', panel, facts);
    checkComlinkStory(facts, bare);
  });
});

async function turnOnWorkers(panel: Page): Promise<void> {
  const name = '::-p-aria([name="Record inside workers"][role="checkbox"])';
  let box = await panel.$(name);
  if (!box) {
    // The settings open from the toolbar's Settings button.
    await (await panel.waitForSelector('::-p-aria([name="Settings"][role="button"])'))!.click();
    box = await panel.waitForSelector(name, { timeout: 10_000 });
  }
  await box!.click();
  await waitFor('the setting on', async () => (await box!.evaluate((el) => (el as HTMLInputElement).checked)) || undefined);
}

function checkComlinkStory(facts: Facts, result: ComlinkResult): void {
  const top = realmNamed(facts, 'top', '/comlink.html');
  const worker = realmNamed(facts, 'worker', '/comlink-worker.js');
  const nested = realmNamed(facts, 'worker', '/comlink-nested.js');
  expect([worker.parent, nested.parent], 'who made each worker').toEqual([top.id, worker.id]);
  // No stand-in "seen from its creator only" realm is left for a worker recorded from the inside.
  expect(facts.realms.filter((r) => !r.instrumented).map((r) => `${r.kind} ${r.url}`)).toEqual([]);

  const between = (a: string, b: string) => facts.messages.filter((m) => m.fromRealm === a && m.toRealm === b);
  for (const m of facts.messages) {
    expect(story(m), label(m)).toMatchObject({ status: 'delivered', ambiguous: false, senderUnknown: undefined });
    expect([m.sent, m.received], `${label(m)}: its send and its receipt are both recorded`).toEqual([true, true]);
  }
  // comlink's calls go as messages on the Worker: add ×2, tick, askNested (and answers back).
  const calls = between(top.id, worker.id).filter((m) => m.route === 'worker');
  const answers = between(worker.id, top.id).filter((m) => m.route === 'worker');
  expect(calls.length, 'calls into the worker').toBeGreaterThanOrEqual(4);
  expect(answers.length, 'answers the page received on the Worker').toBe(result.fromWorker);
  // The callback: comlink.proxy made a channel in the page and handed one end to the worker, which
  // called it once per tick over that port.
  const handed = calls.filter((m) => m.transfers.some((t) => t.kind === 'MessagePort'));
  expect(handed.length, 'the tick call carried the callback port').toBeGreaterThanOrEqual(1);
  const port = handed[0]!.transfers.find((t) => t.kind === 'MessagePort')!.port!;
  expect(facts.ports.find((p) => p.id === port)?.holders).toEqual([top.id, worker.id]);
  const callbacks = facts.messages.filter((m) => m.route === 'port' && m.fromRealm === worker.id && m.toRealm === top.id);
  expect(callbacks.length, 'callback calls over the port').toBeGreaterThanOrEqual(result.ticks.length);
  // The nested worker: the worker's call and the nested worker's answer.
  expect(between(worker.id, nested.id).length).toBeGreaterThanOrEqual(1);
  expect(between(nested.id, worker.id).length).toBeGreaterThanOrEqual(1);
}
