/**
 * A shared worker recorded from the inside (issue 13; extension/sharedWorkers.ts): with "Record inside
 * workers" on, the page's shared worker is found by its script request, attached by target id, and its
 * recorder's batches reach the panel as a realm of kind `sharedworker`. The page asks it three
 * questions over its port: each is received inside the worker (with the port the `connect` gave it)
 * and each answer is sent from the worker's realm. Its first start races the attachment (recorded from
 * the start, or late with a "recorded from" note: docs/recording.md).
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, launch, panelEvents, waitFor, type PanelEntry, type Session } from './harness';
import { pageResult, resultsWithoutEntangle, tabRecordingInside } from './workerPages';
import { dump, modelFacts } from './modelFacts';

type Answer = { answer: number; connections: number } | { globals: string[] };

/** The events of the shared worker's realms, each realm's in order. */
function sharedWorkerRealms(log: PanelEntry[]): Map<string, PanelEntry['event'][]> {
  const starts = new Set(log.filter((e) => e.frameId === -1 && e.event.type === 'realmStarted' && e.event.kind === 'sharedworker').map((e) => e.realm));
  const out = new Map<string, PanelEntry['event'][]>();
  for (const e of log) if (starts.has(e.realm)) out.set(e.realm, [...(out.get(e.realm) ?? []), e.event]);
  return out;
}

/** The second client's realm: frame.html's document (its frame's initial about:blank may be a realm too). */
const isFrameRealm = (r: { kind: string; url?: string }): boolean => r.kind === 'iframe' && (r.url ?? '').includes('/frame.html');

/**
 * Opens `url(attempt)` in `page` until the panel records the shared worker it starts, and returns that
 * URL. A first start races the attachment (docs/recording.md: a start whose script ran before the
 * debugger could hold it is not recorded, and the panel lists it so): one the panel lists is tried
 * again as a new worker (`?name=`), at most three times. Seen in the full suite about one run in
 * eight, also on an idle machine, with the script held back SCRIPT_DELAY_MS.
 */
async function openRecorded(page: Page, panel: Page, url: (attempt: number) => string): Promise<string> {
  const recorded = async (): Promise<number> => (await modelFacts(panel)).realms.filter((r) => r.kind === 'sharedworker').length;
  const missed = (): Promise<number> =>
    panel.evaluate(() => (document.querySelector('[data-testid="workers-unrecorded"]')?.textContent ?? '').split('shared.js').length - 1);
  for (let attempt = 1; ; attempt++) {
    const [recordedBefore, missedBefore] = [await recorded(), await missed()];
    const at = url(attempt);
    await page.goto(at);
    const outcome = await waitFor('the shared worker recorded, or its start listed as not recorded', async () => {
      if ((await recorded()) > recordedBefore) return 'recorded';
      return (await missed()) > missedBefore ? 'missed' : undefined;
    });
    if (outcome === 'recorded') return at;
    expect(attempt, 'a shared worker missed its attachment three times in a row').toBeLessThan(3);
  }
}

/** The worker's script arrives this late, as over a network: a first start races the attachment,
 *  which a script fetched from the same machine at once can win (docs/recording.md), and so can one
 *  held 400 ms on a loaded machine (the target lookup and the attachment took longer once in a full
 *  run). */
const SCRIPT_DELAY_MS = 1_000;

/** The fixture folder over HTTP, the shared worker's script held back by SCRIPT_DELAY_MS. */
async function slowScriptServer(): Promise<{ url(path: string): string; close(): Promise<void> }> {
  const dir = resolve(FIXTURES, 'shared-worker');
  const files: Record<string, string> = {
    '/index.html': 'text/html',
    '/hold.html': 'text/html',
    '/page.js': 'text/javascript',
    '/shared.js': 'text/javascript',
    '/two.html': 'text/html',
    '/two.js': 'text/javascript',
    '/frame.html': 'text/html',
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const type = files[path];
    if (!type) {
      res.writeHead(404).end();
      return;
    }
    void readFile(resolve(dir, `.${path}`)).then((body) =>
      setTimeout(() => res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body), path === '/shared.js' ? SCRIPT_DELAY_MS : 0),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { url: (path) => `http://127.0.0.1:${port}${path}`, close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }) };
}

describe('a shared worker, recorded from the inside', () => {
  let server: Awaited<ReturnType<typeof slowScriptServer>>;
  let session: Session;
  let bare: Answer[];
  let bareTwo: TwoFrames;

  beforeAll(async () => {
    server = await slowScriptServer();
    [bare, bareTwo] = (await resultsWithoutEntangle([server.url('/index.html'), server.url('/two.html')])) as [Answer[], TwoFrames];
    session = await launch();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it("receives the page's questions inside the worker, on the port its connect brought, and sends the answers from there", async () => {
    expect(bare).toEqual([...[1, 4, 9].map((answer) => ({ answer, connections: 1 })), { globals: expect.arrayContaining(['Array', 'MessagePort']) }]);
    // (The worker's global has the same names with the recorder in it: no binding left behind.)
    const { page, panel } = await tabRecordingInside(session, server.url('/hold.html'));

    const opened = await openRecorded(page, panel, (n) => server.url(n === 1 ? '/index.html' : `/index.html?name=hub${n}`));
    expect(await pageResult(page), 'the page computes the same with Entangle').toEqual(bare);
    const first = await waitFor('the first start of the shared worker recorded, with its three receipts and answers', async () => {
      const realms = [...sharedWorkerRealms(await panelEvents(panel)).values()];
      return realms.length === 1 && conversation(realms[0]!).answers.length === 4 ? realms[0]! : undefined;
    });
    checkConversation(first, new URL(opened).searchParams.get('name') ?? 'hub');
    expect(first.filter((e) => e.type === 'recorderFault')).toEqual([]);

    const facts = await modelFacts(panel);
    await dump('sharedWorker', panel, facts);
    const workers = facts.realms.filter((r) => r.kind === 'sharedworker');
    expect(workers.map((r) => [r.instrumented, r.url?.endsWith('/shared.js')])).toEqual([[true, true]]);
    // Its connects stand for no realm of their own (no Worker object sent them).
    expect(facts.realms.map((r) => r.kind)).not.toContain('worker');
    // Its connect is the page's (its new SharedWorker()), and the page's questions were received there.
    const connects = facts.messages.filter((m) => m.route === 'worker' && m.toRealm === workers[0]!.id);
    const top = facts.realms.find((r) => r.kind === 'top')!;
    expect(connects.map((m) => [m.fromRealm, m.senderUnknown, m.status])).toEqual([[top.id, undefined, 'delivered']]);
    const questions = facts.messages.filter((m) => m.fromRealm === top.id && m.route === 'port');
    expect(questions.map((m) => [m.status, m.toRealm, m.sent, m.received])).toEqual(Array(4).fill(['delivered', workers[0]!.id, true, true]));
    // The answers are sends of the worker's realms, on route port.
    const answers = facts.messages.filter((m) => workers.some((w) => w.id === m.fromRealm));
    expect(answers.filter((m) => m.route === 'port' && m.sent)).toHaveLength(4);
    await page.close();
    await panel.close();
  });

  it('keeps a shared worker that outlives a navigation: the next page talks with it, and is paired with it', async () => {
    const { page, panel } = await tabRecordingInside(session, server.url('/hold.html'));
    // A worker of its own (not the last test's, which may not have ended yet), started by this tab.
    const url = await openRecorded(page, panel, (n) => server.url(`/index.html?name=nav${n}`));
    await pageResult(page);
    // Another tab keeps it alive while this one navigates: a shared worker ends with its last page
    // (when the old page is not kept in the back/forward cache), and its restart is not what this
    // test is about.
    const keeper = await session.browser.newPage();
    await keeper.goto(url);
    await pageResult(keeper);
    // Two more pages in turn, with the holding page between them.
    for (const _ of [1, 2]) {
      await page.goto(server.url('/hold.html'));
      await page.goto(url);
      await pageResult(page);
    }
    const facts = await waitFor("the last page's talk with the shared worker", async () => {
      const f = await modelFacts(panel);
      const worker = f.realms.find((r) => r.kind === 'sharedworker');
      const answers = f.messages.filter((m) => m.fromRealm === worker?.id && m.route === 'port' && m.received);
      if (worker && answers.length === 4) return f;
      throw new Error(`realms ${f.realms.map((r) => r.kind).join(', ')}; messages ${f.messages.map((m) => `${m.route} ${m.status}`).join(', ')}`);
    });
    await dump('sharedWorkerNavigation', panel, facts);
    await keeper.close();
    const worker = facts.realms.find((r) => r.kind === 'sharedworker')!;
    const top = facts.realms.find((r) => r.kind === 'top')!;
    expect(facts.messages.filter((m) => m.route === 'worker').map((m) => [m.fromRealm, m.toRealm, m.status])).toEqual([[top.id, worker.id, 'delivered']]);
    const onPorts = facts.messages.filter((m) => m.route === 'port');
    expect(onPorts.map((m) => [m.fromRealm, m.toRealm, m.status])).toEqual(
      expect.arrayContaining([...Array(4).fill([top.id, worker.id, 'delivered']), ...Array(4).fill([worker.id, top.id, 'delivered'])]),
    );
    expect(onPorts).toHaveLength(8);
    await page.close();
    await panel.close();
  });

  // (Once about one run in five its frame's port messages were not the frame's: a model built while
  // the frame's answers were not in yet took the frame's port for one its connect carried, a join
  // that stayed. Connects are no longer offered to that inference: model/correlator.workers.test.ts.)
  it('pairs each frame with its own connect when two frames use one shared worker, and every message with its receipt', async () => {
    expect(bareTwo).toEqual({
      top: [1, 4].map((answer) => ({ answer, connections: 1 })),
      frame: [9, 16].map((answer) => ({ answer, connections: 2 })),
    });
    const { page, panel } = await tabRecordingInside(session, server.url('/hold.html'));

    await openRecorded(page, panel, (n) => server.url(n === 1 ? '/two.html' : `/two.html?name=pair${n}`));
    expect(await pageResult(page), 'the frames compute the same with Entangle').toEqual(bareTwo);
    const facts = await waitFor('both frames and the worker recorded, every question answered', async () => {
      const f = await modelFacts(panel);
      const worker = f.realms.find((r) => r.kind === 'sharedworker');
      const answers = f.messages.filter((m) => m.fromRealm === worker?.id && m.route === 'port' && m.received);
      // The frame's port is matched with the worker's once both its creation and its connect are in
      // (they come from two realms, in either order): waited for, as the answers are.
      const frame = f.realms.find(isFrameRealm);
      const toFrame = f.messages.filter((m) => m.route === 'port' && frame !== undefined && (m.fromRealm === frame.id || m.toRealm === frame.id) && m.status === 'delivered');
      if (worker && answers.length === 4 && frame && toFrame.length === 4) return f;
      // (Said when the wait times out.)
      throw new Error(`realms ${f.realms.map((r) => r.kind).join(', ')}; messages ${f.messages.map((m) => `${m.route} ${m.status}`).join(', ')}`);
    });
    await dump('sharedWorkerTwoFrames', panel, facts);
    const worker = facts.realms.find((r) => r.kind === 'sharedworker')!;
    const top = facts.realms.find((r) => r.kind === 'top')!;
    const frame = facts.realms.find(isFrameRealm)!;
    expect(worker.url).toMatch(/\/shared\.js$/);
    // Each connect is its own frame's, in the order they connected.
    const connects = facts.messages.filter((m) => m.route === 'worker' && m.toRealm === worker.id);
    expect(connects.map((m) => [m.fromRealm, m.status])).toEqual([
      [top.id, 'delivered'],
      [frame.id, 'delivered'],
    ]);
    // Every question reached the worker, and every answer the frame that asked.
    const onPorts = facts.messages.filter((m) => m.route === 'port');
    const story = (from: string, to: string) => onPorts.filter((m) => m.fromRealm === from && m.toRealm === to).map((m) => m.status);
    expect([story(top.id, worker.id), story(frame.id, worker.id), story(worker.id, top.id), story(worker.id, frame.id)]).toEqual(
      Array(4).fill(['delivered', 'delivered']),
    );
    expect(onPorts).toHaveLength(8);
    await page.close();
    await panel.close();
  });
});

type TwoFrames = { top: Answer[]; frame: Answer[] };

function conversation(events: PanelEntry['event'][]) {
  const connects = events.filter((e) => e.type === 'messageReceived' && e.route === 'worker' && e.worker === 'connect');
  const questions = events.filter((e) => e.type === 'messageReceived' && e.route === 'port');
  const answers = events.filter((e) => e.type === 'messageSent' && e.route === 'port');
  return { connects, questions, answers };
}

function checkConversation(events: PanelEntry['event'][], name: string): void {
  expect(events[0]).toMatchObject({ type: 'realmStarted', kind: 'sharedworker', name, url: expect.stringMatching(/\/shared\.js$/) });
  const { connects, questions, answers } = conversation(events);
  expect(connects, 'one connect, carrying the worker end of the page port').toHaveLength(1);
  const port = (connects[0] as { ports: string[] }).ports;
  expect(port).toHaveLength(1);
  expect(questions.slice(0, 3).map((q) => [(q as { port?: string }).port, (q as { preview: unknown }).preview])).toEqual(
    [1, 2, 3].map((n) => [port[0], { $t: 'object', entries: [['question', n]], more: 0 }]),
  );
  expect(answers.map((a) => (a as { port?: string }).port)).toEqual([port[0], port[0], port[0], port[0]]);
}
