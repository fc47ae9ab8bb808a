/**
 * Real pages from real npm libraries (issue 9), in Chromium with the built extension: React and its
 * scheduler, workbox-window talking to a service worker over a transferred port, the
 * `broadcast-channel` package between same-origin iframes, and penpal between a parent and a
 * cross-origin iframe. The fixtures (test/fixtures/libs) are bundled at test time from node_modules.
 *
 * For each page: what the page computed itself is identical with and without Entangle, and the panel's
 * model says what a reader of the library's code expects — the realms, the channels, where the ports
 * went, who sent what to whom, delivered, never ambiguous and never a wrong sender. The test first
 * waits for the recorder's raw events (what the page is known to have caused), then checks the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { bundleLibraryFixtures, type BundledFixtures } from './bundle';
import { launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';
import { dump, label, modelFacts, realmNamed, receipts, sends, story, type RealmFacts } from './modelFacts';

interface PageRun {
  page: Page;
  result: unknown;
}

/** Opens `path` in a new tab and waits for the page's own result (or its own failure). */
async function runPage(session: Session, url: string): Promise<PageRun> {
  const page = await session.browser.newPage();
  await page.goto(url);
  await page
    .waitForFunction(() => {
      const w = window as unknown as { __done?: boolean; __error?: string };
      return w.__done === true || w.__error !== undefined;
    })
    .catch(async (err: unknown) => {
      const state = await page.evaluate(() => document.readyState).catch(() => 'unknown');
      throw new Error(`the fixture page ${url} did not finish (document ${state}${session.extensionId ? ', with Entangle' : ', without Entangle'}): ${String(err)}`);
    });
  const { result, error } = await page.evaluate(() => {
    const w = window as unknown as { __result?: unknown; __error?: string };
    return { result: w.__result, error: w.__error };
  });
  if (error !== undefined) throw new Error(`the fixture page ${url} failed by itself: ${error}`);
  return { page, result };
}

const SCENARIOS = {
  scheduler: '/scheduler.html',
  react: '/react.html',
  serviceWorker: '/sw.html',
  broadcast2: '/bc.html?listeners=2',
  broadcast3: '/bc.html?listeners=3',
  penpal: '/penpal.html',
} as const;
type Scenario = keyof typeof SCENARIOS;

describe('real pages from real libraries', () => {
  let bundled: BundledFixtures;
  let server: DemoServer;
  let session: Session;
  let background: Page;
  /** What each page computed in a browser without Entangle. */
  const bare = new Map<Scenario, unknown>();
  const opened: Page[] = [];

  beforeAll(async () => {
    bundled = await bundleLibraryFixtures();
    server = await startDemoServer({ dir: bundled.dir });
    const plain = await launch({ extension: false });
    try {
      for (const [name, path] of Object.entries(SCENARIOS) as [Scenario, string][]) {
        const { page, result } = await runPage(plain, server.url(path));
        bare.set(name, result);
        await page.close();
      }
    } finally {
      await plain.close();
    }
    session = await launch();
    background = await openPanel(session);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
    bundled?.remove();
  });

  /** Runs a scenario with Entangle: the page's result (already compared with the bare run) and a
   *  panel on its tab. */
  async function recorded(name: Scenario): Promise<{ page: Page; result: unknown; panel: Page }> {
    const path = SCENARIOS[name];
    const { page, result } = await runPage(session, server.url(path));
    opened.push(page);
    expect(result, `${path}: the page's own results with Entangle`).toEqual(bare.get(name));
    const panel = await openPanel(session, await tabIdOf(background, path));
    opened.push(panel);
    return { page, result, panel };
  }
  /** Closes a scenario's tabs: six pages and their panels at once are too much for two cores. */
  const closeOpened = async (): Promise<void> => {
    for (const p of opened.splice(0)) await p.close().catch(() => undefined);
  };

  it("React's scheduler, used directly: one channel in the top realm, one message per task, port2 → port1", async () => {
    const { result, panel } = await recorded('scheduler');
    const tasks = (result as { tasks: number }).tasks;
    expect(result).toEqual({ tasks: 10, ran: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    await waitFor(`the ${tasks} receipts of the scheduler's posts`, async () => receipts(await panelEvents(panel), 'port').length >= tasks || undefined);
    const facts = await modelFacts(panel);
    await dump('libraries-scheduler', panel, facts);

    const top = realmNamed(facts, 'top', '/scheduler.html');
    expect(facts.realms.map((r) => r.id)).toEqual([top.id]);
    expect(facts.channels).toHaveLength(1);
    const [channel] = facts.channels;
    expect(channel!.createdIn).toBe(top.id);
    const [port1, port2] = channel!.ports;
    for (const id of [port1, port2]) expect(facts.ports.find((p) => p.id === id)?.holders).toEqual([top.id]);
    // The page counted its tasks: each was one `port2.postMessage(null)`, received on port1.
    expect(facts.messages).toHaveLength(tasks);
    for (const m of facts.messages) {
      expect(story(m), label(m)).toEqual({ route: 'port', from: top.id, to: top.id, status: 'delivered', ambiguous: false, senderUnknown: undefined });
      expect([m.fromPort, m.toPort, m.sent, m.received], m.id).toEqual([port2, port1, true, true]);
    }
    await closeOpened();
  });

  it('a React app: its renders unchanged, every scheduler post on the one channel delivered port2 → port1', async () => {
    const { page, result, panel } = await recorded('react');
    expect(result).toEqual({ renders: 6, commits: 6, text: 'count 5' });
    // The app is idle: one more task on React's own scheduler is the channel's last post.
    const lastAt = await page.evaluate(() => (window as unknown as { __lastTask(): Promise<number> }).__lastTask());
    const log = await waitFor('the receipt of the last scheduler post', async () => {
      const l = await panelEvents(panel);
      return receipts(l, 'port').some((e) => e.event.t >= lastAt) ? l : undefined;
    });
    const posts = sends(log, 'port').length;
    expect(receipts(log, 'port')).toHaveLength(posts);
    // At least one render task per update.
    expect(posts).toBeGreaterThanOrEqual(6);
    const facts = await modelFacts(panel);
    await dump('libraries-react', panel, facts);

    const top = realmNamed(facts, 'top', '/react.html');
    expect(facts.channels).toHaveLength(1);
    const [channel] = facts.channels;
    expect(channel!.createdIn).toBe(top.id);
    const [port1, port2] = channel!.ports;
    expect(facts.messages).toHaveLength(posts);
    for (const m of facts.messages) {
      expect(story(m), label(m)).toEqual({ route: 'port', from: top.id, to: top.id, status: 'delivered', ambiguous: false, senderUnknown: undefined });
      expect([m.fromPort, m.toPort, m.sent, m.received], m.id).toEqual([port2, port1, true, true]);
    }
    await closeOpened();
  });

  it("workbox-window's messageSW: the service worker is a realm, the port ends there, its replies are its own", async () => {
    const { result, panel } = await recorded('serviceWorker');
    expect(result).toEqual({
      answers: [1, 2, 3, 4].map((n) => ({ kind: 'answer', n, square: n * n })),
      broadcasts: [{ kind: 'broadcast', n: 4 }],
      controller: '/sw.js',
    });
    // The four answers arrive on port1 of the four channels (recorded today); the service worker's own
    // post on navigator.serviceWorker is waited for too, but not past a while: its absence is asserted.
    await waitFor('the four answers on the ports', async () => receipts(await panelEvents(panel), 'port').length >= 4 || undefined);
    await waitFor('the service worker post', async () => receipts(await panelEvents(panel), 'worker').length >= 1 || undefined, 10_000).catch(() => undefined);
    const facts = await modelFacts(panel);
    await dump('libraries-serviceWorker', panel, facts);

    const top = realmNamed(facts, 'top', '/sw.html');
    const sw = realmNamed(facts, 'serviceworker', '/sw.js');
    expect(sw.url).toBe(server.url('/sw.js'));
    expect(sw.instrumented).toBe(false);

    // wb.messageSW(data) = new MessageChannel(); sw.postMessage(data, [port2]); answer on port1.
    expect(facts.channels).toHaveLength(4);
    const questions = facts.messages.filter((m) => m.route === 'worker' && m.fromRealm === top.id);
    expect(questions.map((m) => [m.toRealm, m.sent, m.transfers.map((t) => t.kind)])).toEqual(facts.channels.map(() => [sw.id, true, ['MessagePort']]));
    // Each question evidently arrived: the service worker answered on the port it carried.
    expect(questions.map((m) => [m.status, m.reason, m.received])).toEqual(facts.channels.map(() => ['delivered', 'deliveryInferred', false]));
    for (const channel of facts.channels) {
      const [port1, port2] = channel.ports;
      expect(channel.createdIn).toBe(top.id);
      // port2 travelled with the question, and its custody ends in the service worker.
      expect(questions.filter((m) => m.transfers[0]?.port === port2), `the question carrying ${port2}`).toHaveLength(1);
      expect(facts.ports.find((p) => p.id === port2)?.holders.at(-1), `the holder of ${port2}`).toBe(sw.id);
      expect(facts.ports.find((p) => p.id === port1)?.holders, `the holders of ${port1}`).toEqual([top.id]);
      // The answer on port1 came from the service worker, not from the page's own port.
      const answers = facts.messages.filter((m) => m.route === 'port' && m.toPort === port1);
      expect(answers.map(story), `the answer on ${port1}: ${answers.map(label).join(', ')}`).toEqual([
        { route: 'port', from: sw.id, to: top.id, status: 'delivered', ambiguous: false, senderUnknown: undefined },
      ]);
      expect(answers[0]!.fromPort).toBe(port2);
    }
    // client.postMessage from the service worker, received on navigator.serviceWorker.
    const fromSw = facts.messages.filter((m) => m.route === 'worker' && m.toRealm === top.id);
    expect(fromSw.map(story), fromSw.map(label).join(', ')).toEqual([{ route: 'worker', from: sw.id, to: top.id, status: 'delivered', ambiguous: false, senderUnknown: undefined }]);
    // Nothing is said to come from the page to itself, and nothing else was sent.
    expect(facts.messages.filter((m) => m.fromRealm === top.id && m.toRealm === top.id).map((m) => m.id)).toEqual([]);
    expect(facts.messages).toHaveLength(4 + 4 + 1);
    await closeOpened();
  });

  /** The broadcast-channel fixture with `listeners` frames: a asks QUESTIONS times, b answers. */
  async function broadcastCase(name: 'broadcast2' | 'broadcast3', listeners: 2 | 3): Promise<void> {
    const QUESTIONS = 3;
    const { result, panel } = await recorded(name);
    const heard = (from: string, kind: string) => Array.from({ length: QUESTIONS }, (_, i) => `${kind} ${i + 1} ${from}${kind === 'answer' ? '→a' : ''}`);
    const interleaved = heard('a', 'question').flatMap((q, i) => [q, heard('b', 'answer')[i]!]);
    expect(result).toEqual({ a: heard('b', 'answer'), b: heard('a', 'question'), ...(listeners === 3 ? { c: interleaved } : {}) });
    // Receipts: a hears the answers, b the questions, c both.
    const expectedReceipts = 2 * QUESTIONS + (listeners === 3 ? 2 * QUESTIONS : 0);
    // Both the sends and the receipts: each realm's batches arrive in order, but not in order with
    // the other realms' (b's last answer may reach the panel after a's receipt of it).
    await waitFor(`the ${2 * QUESTIONS} sends and ${expectedReceipts} receipts on the channel`, async () => {
      const log = await panelEvents(panel);
      return (sends(log, 'broadcast').length >= 2 * QUESTIONS && receipts(log, 'broadcast').length >= expectedReceipts) || undefined;
    });
    const facts = await modelFacts(panel);
    await dump(name, panel, facts);

    const frames = ['a', 'b', 'c'].slice(0, listeners).map((n) => realmNamed(facts, 'iframe', `/bc-frame.html?name=${n}`));
    const [a, b] = frames as [RealmFacts, RealmFacts];
    const top = realmNamed(facts, 'top', `/bc.html?listeners=${listeners}`);
    for (const f of frames) expect(f.parent).toBe(top.id);
    const others = (sender: RealmFacts) => frames.filter((f) => f !== sender).map((f) => f.id).sort();

    // One message per send (2 × QUESTIONS), each with one delivery per other frame.
    const messages = facts.messages.filter((m) => m.route === 'broadcast');
    // (Sorted: the frames' batches reach the log in any order.)
    expect(messages.map((m) => `${m.fromRealm} ${m.sent ? 'sent' : 'no send'}`).sort()).toEqual(
      [...Array<string>(QUESTIONS).fill(`${a.id} sent`), ...Array<string>(QUESTIONS).fill(`${b.id} sent`)].sort(),
    );
    for (const m of messages) {
      const sender = m.fromRealm === a.id ? a : b;
      expect({ ...story(m), channelName: m.channelName }, label(m)).toEqual({
        route: 'broadcast',
        from: sender.id,
        // With several receipts `toRealm` names none of them.
        to: listeners === 2 ? others(sender)[0] : undefined,
        status: 'delivered',
        ambiguous: false,
        senderUnknown: undefined,
        channelName: 'entangle-rpc',
      });
      expect(
        (m.deliveries ?? []).map((d) => d.toRealm).sort(),
        `${m.id}: one delivery to each other frame`,
      ).toEqual(others(sender));
      expect(m.deliveries?.filter((d) => d.ambiguous || d.failed), `${m.id}: no delivery ambiguous or failed`).toEqual([]);
    }
    expect(facts.messages).toHaveLength(messages.length);
    await closeOpened();
  }

  it('broadcast-channel between two iframes: one message per send, one delivery to the other frame', () => broadcastCase('broadcast2', 2));

  it('broadcast-channel with a third listening iframe: one send, two deliveries', () => broadcastCase('broadcast3', 3));

  it('penpal between a parent and a cross-origin iframe: the handshake and the calls, every sender right', async () => {
    const { result, panel } = await recorded('penpal');
    const { calls, windowMessages } = result as { calls: unknown; windowMessages: { parent: number; child: number } };
    expect(calls).toEqual({ products: [6, 20], asked: 16 });
    // Calls over penpal's port: multiply ×2, askParent, windowMessagesReceived from the parent, add
    // from the child: five CALL messages, each with its REPLY.
    const PORT_MESSAGES = 10;
    const windowReceipts = windowMessages.parent + windowMessages.child;
    await waitFor('the handshake and the calls', async () => {
      const log = await panelEvents(panel);
      // Sends too: the two realms' batches reach the panel in any order relative to each other.
      return (sends(log, 'port').length >= PORT_MESSAGES && receipts(log, 'port').length >= PORT_MESSAGES && receipts(log, 'window').length >= windowReceipts) || undefined;
    });
    const facts = await modelFacts(panel);
    await dump('libraries-penpal', panel, facts);

    const parent = realmNamed(facts, 'top', '/penpal.html');
    const child = realmNamed(facts, 'iframe', '/penpal-child.html');
    expect([child.parent, child.origin]).toEqual([parent.id, server.originB]);

    // The handshake (SYN, ACK1, ACK2) went through window.postMessage: every receipt counted by the
    // page itself is there, from the other side.
    const windowMsgs = facts.messages.filter((m) => m.route === 'window');
    const toChild = windowMsgs.filter((m) => m.toRealm === child.id);
    const toParent = windowMsgs.filter((m) => m.toRealm === parent.id);
    expect(toChild.map(story), toChild.map(label).join(', ')).toEqual(Array.from({ length: windowMessages.child }, () => ({ route: 'window', from: parent.id, to: child.id, status: 'delivered', ambiguous: false, senderUnknown: undefined })));
    expect(toParent.map(story), toParent.map(label).join(', ')).toEqual(Array.from({ length: windowMessages.parent }, () => ({ route: 'window', from: child.id, to: parent.id, status: 'delivered', ambiguous: false, senderUnknown: undefined })));
    expect(windowMsgs).toHaveLength(toChild.length + toParent.length);

    // ACK2 carried port2 of the one channel, made by the side that sent it (penpal's random leader
    // decides which); the port's custody ends on the other side.
    expect(facts.channels).toHaveLength(1);
    const [channel] = facts.channels;
    const [port1, port2] = channel!.ports;
    const maker = channel!.createdIn;
    const other = maker === parent.id ? child.id : parent.id;
    expect([parent.id, child.id]).toContain(maker);
    const ack2 = windowMsgs.filter((m) => m.transfers.length > 0);
    expect(ack2.map((m) => [m.fromRealm, m.toRealm, m.transfers])).toEqual([[maker, other, [{ kind: 'MessagePort', port: port2 }]]]);
    expect(facts.ports.find((p) => p.id === port2)?.holders.at(-1)).toBe(other);
    expect(facts.ports.find((p) => p.id === port1)?.holders).toEqual([maker]);

    // The calls and replies over it: five each way, each from the realm holding its sending end.
    const portMsgs = facts.messages.filter((m) => m.route === 'port');
    expect(portMsgs).toHaveLength(PORT_MESSAGES);
    for (const m of portMsgs) {
      expect([port1, port2], `${m.id}: sent on the channel`).toContain(m.fromPort);
      const from = m.fromPort === port1 ? maker : other;
      expect(story(m), label(m)).toEqual({ route: 'port', from, to: from === maker ? other : maker, status: 'delivered', ambiguous: false, senderUnknown: undefined });
      expect([m.sent, m.received], m.id).toEqual([true, true]);
    }
    expect(portMsgs.filter((m) => m.fromRealm === parent.id)).toHaveLength(5);

    // Nothing else, and no message without a sender or sent by a realm to itself.
    expect(facts.messages).toHaveLength(windowMsgs.length + portMsgs.length);
    expect(facts.messages.filter((m) => m.fromRealm === undefined || m.fromRealm === m.toRealm).map((m) => m.id)).toEqual([]);
    await closeOpened();
  });
});
