/**
 * Inside workers (issue 13), on a page built on a real worker-RPC library: comlink between a page and
 * a module worker (calls as messages on the Worker, a callback handed over as a MessagePort), and a
 * nested worker the worker starts and calls. With "Record inside workers" turned on in the panel, what
 * Entangle says is checked against what the page and comlink did: the workers are realms recorded from
 * the inside, every message into and out of them is delivered and matched with its receipt, and the
 * callback port lives in the worker. And workbox-window's messageSW with a service worker recorded
 * inside: each question paired with its receipt there, the reply ports held by the worker. The page computes the same with and without Entangle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { bundleLibraryFixtures, type BundledFixtures } from './bundle';
import { launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';
import { pageResult, resultsWithoutEntangle, tabRecordingInside } from './workerPages';
import { dump, label, modelFacts, realmNamed, story, type Facts } from './modelFacts';

interface ComlinkResult {
  sums: number[];
  ticks: number[];
  ticked: number;
  nested: number;
  fromWorker: number;
}

interface WorkboxResult {
  answers: { kind: string; n: number; square: number }[];
  broadcasts: unknown[];
  controller: string | null;
}

describe('worker RPC libraries, with the workers recorded from the inside', () => {
  let bundled: BundledFixtures;
  let server: DemoServer;
  let session: Session;
  let bare: ComlinkResult;
  let bareWorkbox: WorkboxResult;

  beforeAll(async () => {
    bundled = await bundleLibraryFixtures();
    server = await startDemoServer({ dir: bundled.dir });
    [bare, bareWorkbox] = (await resultsWithoutEntangle([server.url('/comlink.html'), server.url('/sw.html')])) as [ComlinkResult, WorkboxResult];
    session = await launch();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
    bundled?.remove();
  });

  /** A tab on an empty page of the fixtures' origin with its panel, "Record inside workers" turned on
   *  there (the setting is per origin and must be on before the workers start); then `path` loads. */
  async function recordedInside(path: string): Promise<{ page: Page; panel: Page }> {
    const { page, panel } = await tabRecordingInside(session, server.url('/hold.html'));
    await page.goto(server.url(path));
    return { page, panel };
  }

  it('comlink: the workers are realms of their own, and every call, answer and callback is delivered', async () => {
    expect(bare).toEqual({ sums: [5, 42], ticks: [1, 2, 3], ticked: 3, nested: 42, fromWorker: expect.any(Number) });
    const { page, panel } = await recordedInside('/comlink.html');
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
    await dump('workerRpc-comlink', panel, facts);
    checkComlinkStory(facts, bare);
    await page.close();
    await panel.close();
  });

  it("workbox's messageSW: the service worker recorded inside gets each question and its reply port, and its own post is paired", async () => {
    expect(bareWorkbox.answers).toHaveLength(4);
    const { page, panel } = await recordedInside('/sw.html');
    expect(await pageResult(page), 'the page computes the same with Entangle').toEqual(bareWorkbox);
    const facts = await waitFor('the service worker recorded from the inside, and every message settled', async () => {
      const f = await modelFacts(panel);
      const sw = f.realms.filter((r) => r.kind === 'serviceworker' && r.instrumented);
      return sw.length === 1 && f.messages.length >= 9 && f.messages.every((m) => m.status === 'delivered') ? f : undefined;
    }).catch(async (err: unknown) => {
      const f = await modelFacts(panel);
      await dump('workerRpc-workbox', panel, f);
      // What the panel says of the workers: a worker the extension could not record is listed with why.
      const said = await panel.evaluate(() => ['workers-status', 'workers-unrecorded'].map((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '(none)'));
      throw new Error(`${String(err)}\nworkers: ${said.join(' | ')}\nrealms: ${JSON.stringify(f.realms)}\nmessages: ${JSON.stringify(f.messages.map((m) => [label(m), m.status, m.fromRealm, m.toRealm]))}`);
    });
    await dump('workerRpc-workbox', panel, facts);
    const top = realmNamed(facts, 'top', '/sw.html');
    const sw = realmNamed(facts, 'serviceworker', '/sw.js');
    expect(sw.instrumented).toBe(true);
    // The page-side stand-in of the service worker is not drawn beside the worker itself.
    expect(facts.realms.filter((r) => !r.instrumented).map((r) => `${r.kind} ${r.url}`)).toEqual([]);
    const questions = facts.messages.filter((m) => m.route === 'worker' && m.fromRealm === top.id);
    expect(questions).toHaveLength(4);
    for (const q of questions) {
      // Received inside the worker (no longer "delivery inferred"): its send and receipt are both there.
      expect([story(q), q.sent, q.received], label(q)).toEqual([{ route: 'worker', from: top.id, to: sw.id, status: 'delivered', ambiguous: false, senderUnknown: undefined }, true, true]);
      const port = q.transfers[0]!.port!;
      expect(facts.ports.find((p) => p.id === port)?.holders, `the reply port ${port}`).toEqual([top.id, sw.id]);
    }
    const answers = facts.messages.filter((m) => m.route === 'port' && m.fromRealm === sw.id);
    expect(answers.map((m) => [m.toRealm, m.status, m.sent, m.received])).toEqual(questions.map(() => [top.id, 'delivered', true, true]));
    const posts = facts.messages.filter((m) => m.route === 'worker' && m.fromRealm === sw.id);
    expect(posts.map((m) => [story(m), m.sent, m.received])).toEqual([[{ route: 'worker', from: sw.id, to: top.id, status: 'delivered', ambiguous: false, senderUnknown: undefined }, true, true]]);
    await page.close();
    await panel.close();
  });

  it('a service worker recorded inside that stops and starts again still answers the page, and its new start is recorded', async () => {
    // A browser of its own: in this one the service worker already runs (the test above), and one
    // running before the recording started is not recorded inside.
    const own = await launch();
    try {
      await stopAndAsk(own);
    } finally {
      await own.close();
    }
  });

  async function stopAndAsk(session: Session): Promise<void> {
    const { page, panel } = await tabRecordingInside(session, server.url('/hold.html'));
    await page.goto(server.url('/sw.html'));
    expect(await pageResult(page)).toEqual(bareWorkbox);
    const workersSaid = (): Promise<string[]> => panel.evaluate(() => ['workers-status', 'workers-unrecorded'].map((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '(none)'));
    await waitFor('the service worker recorded from the inside', async () => (await modelFacts(panel)).realms.some((r) => r.kind === 'serviceworker' && r.instrumented) || undefined).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nworkers: ${(await workersSaid()).join(' | ')}`);
    });
    // Stopped as DevTools' Stop does (its version alone, not the extension's own worker), from a
    // protocol session of another tab.
    const other = await session.browser.newPage();
    await other.goto(server.url('/hold.html'));
    const cdp = await other.createCDPSession();
    const versions: { versionId: string; scriptURL: string; runningStatus: string }[] = [];
    cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: typeof versions }) => void versions.push(...e.versions));
    await cdp.send('ServiceWorker.enable');
    const running = await waitFor('the page\'s service worker, running', async () => versions.find((v) => v.scriptURL === server.url('/sw.js') && v.runningStatus === 'running'));
    await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
    await waitFor('the service worker stopped', async () => versions.some((v) => v.versionId === running.versionId && v.runningStatus === 'stopped') || undefined);
    await cdp.detach();
    await other.close();
    // A question wakes it: before, it stayed paused for a debugger session that never let it go.
    const ask = (): Promise<unknown> =>
      page.evaluate(
        () =>
          new Promise((resolve) => {
            const c = new MessageChannel();
            c.port1.onmessage = (e) => resolve(e.data);
            navigator.serviceWorker.controller!.postMessage({ kind: 'question', n: 9 }, [c.port2]);
          }),
      );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = await Promise.race([ask(), new Promise((resolve) => (timer = setTimeout(() => resolve('no answer within 15 s'), 15_000)))]);
    clearTimeout(timer);
    expect(answer).toEqual({ kind: 'answer', n: 9, square: 81 });
    // The new start is a realm of its own, recorded inside, and the question after the restart was
    // received there.
    await waitFor('the new start recorded, and the question received in it', async () => {
      const f = await modelFacts(panel);
      const inside = f.realms.filter((r) => r.kind === 'serviceworker' && r.instrumented);
      return inside.length >= 2 && f.messages.some((m) => m.toRealm === inside.at(-1)!.id && m.status === 'delivered') ? f : undefined;
    }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nworkers: ${(await workersSaid()).join(' | ')}`);
    });
  }
});

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
