/**
 * Issue 14, item 1: the recorder reaches no page-modifiable hook while it builds, serializes or sends
 * events. A page installs on Object.prototype and Array.prototype a `toJSON` (which forges an event
 * into any batch it sees), getters and setters for every key the recorder writes or reads, index
 * setters and a `Symbol.iterator`, and counts the calls. With Entangle the counts must be those of the
 * same page without it (the browser's own calls only), and the panel must show exactly the real events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntangleEvent, MessageReceived, MessageSent } from '../../model/protocol';
import { FIXTURES, launch, openPanel, pageDone, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

interface Result {
  counts: Record<string, number>;
  got: number;
  threw: string;
}

const run = (session: Session, url: string): Promise<Result> => pageDone<Result>(session, url);

describe('hostile page: prototype hooks', () => {
  let server: DemoServer;
  let withExt: Session;
  let without: Session;
  let a: Result;
  let b: Result;
  let entries: PanelEntry[];

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    [withExt, without] = await Promise.all([launch({ extension: true }), launch({ extension: false })]);
    const url = server.url('/hostile/index.html');
    [a, b] = await Promise.all([run(withExt, url), run(without, url)]);
    const panel = await openPanel(withExt, await tabIdOf(await openPanel(withExt), server.originA));
    // (Not failing here when it never comes: the tests below then say what is missing.)
    entries = await waitFor('the window receipt', async () => {
      const all = await panelEvents(panel);
      return all.some((e) => e.event.type === 'messageReceived' && e.event.route === 'window') ? all : undefined;
    }, 10_000).catch(() => panelEvents(panel));
  });
  afterAll(async () => {
    await Promise.all([withExt?.close(), without?.close()]);
    await server?.close();
  });

  it('runs the page the same, with its hooks live', () => {
    expect(a.got).toBe(b.got);
    expect(b.got).toBe(5); // three port messages, one broadcast, one window message
    expect(b.threw).toBe('DataCloneError');
    expect(a.threw).toBe('DataCloneError');
    // The page's own probe went through its hooks: they are live.
    expect(b.counts).toMatchObject({ 'Object.set seq': 1, 'Array.toJSON': 1, 'Array.iterator': 1 });
  });

  it('calls no page hook: the counts are those of the page without Entangle', () => {
    expect(a.counts).toEqual(b.counts);
  });

  it('shows exactly the real events, numbered without a gap, none forged', () => {
    const top = entries.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'top')!.realm;
    const mine = entries.filter((e) => e.realm === top).map((e) => e.event);
    const seqs = mine.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(JSON.stringify(mine)).not.toContain('forged');
    const of = <T extends EntangleEvent['type']>(type: T) => mine.filter((e) => e.type === type) as Extract<EntangleEvent, { type: T }>[];
    expect(of('channelCreated')).toHaveLength(2);
    expect(of('broadcastChannelCreated')).toHaveLength(2);
    const sends = of('messageSent') as MessageSent[];
    expect(sends.map((s) => [s.route, s.outcome, s.error?.name ?? null])).toEqual([
      ['port', 'posted', null],
      ['port', 'posted', 'DataCloneError'],
      ['port', 'posted', null],
      ['port', 'posted', null],
      ['broadcast', 'posted', null],
    ]);
    expect(sends[1]!.error).toMatchObject({ culprit: 'Function', path: 'payload.f' });
    expect(sends[3]!.transfer).toEqual([{ kind: 'MessagePort', port: of('channelCreated')[1]!.port1 }]);
    const receipts = of('messageReceived') as MessageReceived[];
    expect(receipts.map((r) => r.route).sort()).toEqual(['broadcast', 'port', 'port', 'port', 'window']);
    const port = receipts.filter((r) => r.route === 'port');
    expect(port[0]).toMatchObject({
      preview: { $t: 'object', entries: [['a', 1], ['list', { $t: 'array', items: [1, 2, 3], length: 3 }], ['s', 'quote " and \\ and \n']] },
    });
    expect(port[1]).toMatchObject({ preview: { $t: 'array', items: [1, { $t: 'undefined' }, 3], length: 3 } });
    expect(port[2]).toMatchObject({ preview: 'with a port', ports: [expect.any(String)] });
    expect(receipts.find((r) => r.route === 'window')).toMatchObject({ source: 'self', preview: { $t: 'object', entries: [['w', { $t: 'array', items: [true, null], length: 2 }]] } });
    expect(receipts.find((r) => r.route === 'broadcast')).toMatchObject({ channelName: 'hostile', preview: { $t: 'array', items: ['b', 2], length: 2 } });
  });
});

describe('hostile page: one huge event among small ones', () => {
  let server: DemoServer;
  let session: Session;
  let page: { got: string[]; threw: string };
  let entries: PanelEntry[];

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch({ extension: true });
    const tab = await session.browser.newPage();
    await tab.goto(server.url('/hostile/huge.html'));
    page = await tab.evaluate(() => (window as unknown as { done: Promise<{ got: string[]; threw: string }> }).done);
    const panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    entries = await waitFor('the last receipt', async () => {
      const all = await panelEvents(panel);
      return all.some((e) => e.event.type === 'messageReceived' && (e.event as MessageReceived).preview === 'after 4') ? all : undefined;
    }, 10_000).catch(() => panelEvents(panel));
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('records every event, the neighbours of the huge ones included, with no gap', () => {
    expect(page.threw).toBe('DataCloneError');
    expect(page.got).toHaveLength(12);
    const top = entries.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'top')!.realm;
    const mine = entries.filter((e) => e.realm === top).map((e) => e.event);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i + 1));
    const sends = mine.filter((e): e is MessageSent => e.type === 'messageSent');
    expect(sends).toHaveLength(13);
    const receipts = mine.filter((e): e is MessageReceived => e.type === 'messageReceived');
    expect(receipts.map((r) => (typeof r.preview === 'string' ? r.preview : 'huge'))).toEqual(page.got);
  });

  it('cuts the huge key and the huge error message to their bounds', () => {
    const receipt = entries.map((e) => e.event).find((e): e is MessageReceived => e.type === 'messageReceived' && typeof e.preview === 'object')!;
    const preview = receipt.preview as { $t: 'object'; entries: [string, unknown][] };
    expect(preview.entries.map(([k]) => k.length)).toEqual([161, 5]);
    expect(preview.entries[0]![0].endsWith('…')).toBe(true);
    const failed = entries.map((e) => e.event).find((e): e is MessageSent => e.type === 'messageSent' && e.error !== undefined)!;
    expect(failed.error!.name).toBe('DataCloneError');
    expect(failed.error!.message.length).toBeLessThanOrEqual(1_025);
    expect(JSON.stringify(failed).length).toBeLessThan(300 * 1024);
  });

  it('previews a BigInt longer than a preview may hold as over the budget: recorded, not its batch lost', () => {
    const receipts = entries.map((e) => e.event).filter((e): e is MessageReceived => e.type === 'messageReceived' && typeof e.preview === 'object');
    expect(receipts.map((r) => r.preview)).toContainEqual({ $t: 'object', entries: [['big', { $t: 'truncated', reason: 'budget' }]], more: 0 });
  });
});
