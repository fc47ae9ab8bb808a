/**
 * Custody through workers (issue 13): a port goes top → cross-origin iframe → a worker the iframe
 * starts, with "Record inside workers" on. The worker holds the port without starting it, so what the
 * top sends on the other end waits in the worker's port queue; the panel must say exactly that (queued,
 * in the worker, port never started), and once the worker starts the port, that each message was
 * delivered there, with its receipt in the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchChromium } from '../../scripts/browser.mjs';
import { FIXTURES, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';
import { turnOnWorkers } from './workerPages';
import { dump, label, modelFacts, realmNamed, story, type Facts, type MessageFacts } from './modelFacts';

const jobs = (f: Facts): MessageFacts[] => f.messages.filter((m) => m.route === 'port' && m.toRealm !== undefined && f.realms.some((r) => r.id === m.fromRealm && r.kind === 'top'));

describe('a port handed top → cross-origin iframe → worker, recorded inside the worker', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launchChromium({ extension: true });
    page = await session.browser.newPage();
    await page.goto(server.url('/worker-chain/top.html'));
    const background = await openPanel(session);
    panel = await openPanel(session, await tabIdOf(background, '/worker-chain/top.html'));
    await background.close();
    await turnOnWorkers(panel);
    await waitFor('the panel to say it records inside workers', async () =>
      (await panel.$eval('[data-testid="workers-status"]', (el) => el.textContent ?? '')).startsWith('Recording inside workers'),
    );
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  /** Facts once `ready` holds of them; on a timeout, the model is dumped and the messages printed. */
  async function factsWhen(what: string, ready: (f: Facts) => boolean): Promise<Facts> {
    return waitFor(what, async () => {
      const f = await modelFacts(panel);
      return ready(f) ? f : undefined;
    }).catch(async (err: unknown) => {
      const f = await modelFacts(panel);
      await dump('workerChain', panel, f);
      throw new Error(`${String(err)}\nrealms: ${JSON.stringify(f.realms)}\nmessages: ${JSON.stringify(f.messages.map((m) => [label(m), m.status, m.reason, m.fromRealm, m.toRealm]))}`);
    });
  }

  it('holds the messages in the worker’s unstarted port, then delivers them there when it starts', async () => {
    expect(await page.evaluate(() => (window as unknown as { handOver(): Promise<string> }).handOver())).toBe('workerHolds');
    expect(await page.evaluate(() => (window as unknown as { sendQueued(): number }).sendQueued())).toBe(3);

    const queued = await factsWhen('the three jobs queued in the worker', (f) => jobs(f).length === 3 && jobs(f).every((m) => m.status === 'queued'));
    const top = realmNamed(queued, 'top', '/worker-chain/top.html');
    const frame = realmNamed(queued, 'iframe', '/worker-chain/frame.html');
    const worker = realmNamed(queued, 'worker', '/worker-chain/worker.js');
    expect(worker.instrumented, 'the worker is recorded from the inside').toBe(true);
    expect(frame.origin).toBe(server.originB);
    expect(worker.parent, 'the worker belongs to the iframe that started it').toBe(frame.id);
    for (const m of jobs(queued)) {
      expect([story(m), m.reason, m.sent, m.received], label(m)).toEqual([
        { route: 'port', from: top.id, to: worker.id, status: 'queued', ambiguous: false, senderUnknown: undefined },
        'notStarted',
        true,
        false,
      ]);
    }
    // The far end went top → iframe → worker; the near end stayed in the top window.
    const far = queued.ports.find((p) => p.id === jobs(queued)[0]!.toPort);
    expect(far?.holders, 'custody of the port the worker holds').toEqual([top.id, frame.id, worker.id]);
    const near = queued.ports.find((p) => p.id === jobs(queued)[0]!.fromPort);
    expect(near?.holders).toEqual([top.id]);

    expect(await page.evaluate(() => (window as unknown as { startInWorker(): Promise<unknown> }).startInWorker())).toEqual({ type: 'done', got: [1, 2, 3] });
    const delivered = await factsWhen('the jobs delivered in the worker, and its answer in the top window', (f) => {
      const answer = f.messages.find((m) => m.route === 'port' && m.fromRealm === worker.id);
      return jobs(f).length === 3 && jobs(f).every((m) => m.status === 'delivered') && answer?.status === 'delivered';
    });
    for (const m of jobs(delivered)) {
      expect([story(m), m.sent, m.received], label(m)).toEqual([{ route: 'port', from: top.id, to: worker.id, status: 'delivered', ambiguous: false, senderUnknown: undefined }, true, true]);
    }
    const answer = delivered.messages.find((m) => m.route === 'port' && m.fromRealm === worker.id)!;
    expect([story(answer), answer.sent, answer.received]).toEqual([{ route: 'port', from: worker.id, to: top.id, status: 'delivered', ambiguous: false, senderUnknown: undefined }, true, true]);
    await dump('workerChain', panel, delivered);
  });
});
