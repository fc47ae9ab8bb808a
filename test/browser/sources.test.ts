/**
 * The recorder's newer sources, as recorded events (not the correlator's reading of them): BroadcastChannel
 * objects, a page and its service worker, documents that leave, popups; and the fidelity of the
 * wrappers they need, compared with a browser without Entangle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { EntangleEvent, MessageReceived, MessageSent, RealmStarted } from '../../model/protocol';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

type Ev<T extends EntangleEvent['type']> = Extract<EntangleEvent, { type: T }>;

/** The events of one type, optionally of one realm. */
function of<T extends EntangleEvent['type']>(entries: PanelEntry[], type: T, realm?: string): Ev<T>[] {
  return entries.filter((e) => e.event.type === type && (realm === undefined || e.realm === realm)).map((e) => e.event as Ev<T>);
}

/** The realm whose `realmStarted` URL contains `part`. */
function realmAt(entries: PanelEntry[], part: string): string {
  const e = entries.find((x) => x.event.type === 'realmStarted' && x.event.url.includes(part));
  if (!e) throw new Error(`no realm at ${part}`);
  return e.realm;
}

async function runPage(session: Session, url: string): Promise<unknown> {
  const page = await session.browser.newPage();
  await page.goto(url);
  return page.evaluate(() => (window as unknown as { done: Promise<unknown> }).done);
}

describe('sources: BroadcastChannel objects, service workers, leaving documents, popups', () => {
  let server: DemoServer;
  let session: Session;
  let without: Session;
  let extensionPage: Page;

  /** The panel's events for the tab showing `urlPart`, once `ready` says they are complete. */
  async function recorded(urlPart: string, what: string, ready: (entries: PanelEntry[]) => boolean): Promise<PanelEntry[]> {
    const panel = await openPanel(session, await tabIdOf(extensionPage, urlPart));
    return waitFor(what, async () => {
      const all = await panelEvents(panel);
      return ready(all) ? all : undefined;
    });
  }

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    [session, without] = await Promise.all([launch(), launch({ extension: false })]);
    extensionPage = await openPanel(session);
  });
  afterAll(async () => {
    await Promise.all([session?.close(), without?.close()]);
    await server?.close();
  });

  it('names each BroadcastChannel object on its creation, sends, receipts and close', async () => {
    const url = server.url('/sources/bc.html');
    const [result, plain] = await Promise.all([runPage(session, url), runPage(without, url)]);
    expect(result).toEqual(plain);
    expect(result).toEqual({ reply: { re: 1 }, afterClose: 'InvalidStateError' });

    const entries = await recorded('sources/bc.html', 'the reply received in frame A', (all) => {
      try {
        return of(all, 'broadcastChannelClosed', realmAt(all, 'role=a')).length > 0 && of(all, 'messageReceived', realmAt(all, 'role=b')).some((m) => m.route === 'broadcast');
      } catch {
        return false;
      }
    });
    const a = realmAt(entries, 'role=a');
    const b = realmAt(entries, 'role=b');
    const [createdA] = of(entries, 'broadcastChannelCreated', a);
    const [createdB] = of(entries, 'broadcastChannelCreated', b);
    expect(createdA).toMatchObject({ bc: `${a}:b1`, channelName: 'sources' });
    expect(createdB).toMatchObject({ bc: `${b}:b1`, channelName: 'sources' });
    expect(of(entries, 'broadcastChannelCreated', a)).toHaveLength(1);

    const sentA = of(entries, 'messageSent', a).filter((s) => s.route === 'broadcast');
    expect(sentA).toMatchObject([
      { bc: createdA!.bc, channelName: 'sources', outcome: 'posted' },
      { bc: createdA!.bc, channelName: 'sources', error: { name: 'InvalidStateError' } },
    ]);
    expect(sentA[0]!.error).toBeUndefined();
    expect(of(entries, 'messageSent', b).filter((s) => s.route === 'broadcast')).toMatchObject([{ bc: createdB!.bc, outcome: 'posted' }]);
    expect(of(entries, 'messageReceived', b).filter((m) => m.route === 'broadcast')).toMatchObject([
      { bc: createdB!.bc, channelName: 'sources', preview: { $t: 'object', entries: [['ask', 1]] } },
    ]);
    expect(of(entries, 'messageReceived', a).filter((m) => m.route === 'broadcast')).toMatchObject([
      { bc: createdA!.bc, channelName: 'sources', preview: { $t: 'object', entries: [['re', 1]] } },
    ]);
    // Closed once, after the receipt, although the page closed it twice.
    expect(of(entries, 'broadcastChannelClosed', a)).toMatchObject([{ bc: createdA!.bc }]);
    expect(of(entries, 'broadcastChannelClosed', b)).toEqual([]);
  });

  it('records the sends to a service worker, the worker itself, its replies on a port and on the container', async () => {
    const url = server.url('/sources/sw.html');
    const [result, plain] = await Promise.all([runPage(session, url), runPage(without, url)]);
    expect(result).toEqual(plain);
    expect(plain).toEqual({
      reply: { reply: 42 },
      hello: { hello: 'from sw' },
      returned: undefined,
      scope: `${server.originA}/sources/`,
      scriptURL: `${server.originA}/sources/sw.js`,
      same: true,
    });

    const entries = await recorded('sources/sw.html', 'the service worker with its scope and both replies', (all) =>
      of(all, 'serviceWorkerFound').some((f) => f.scope !== undefined) &&
      of(all, 'serviceWorkerFound').some((f) => f.state === 'activated') &&
      of(all, 'messageReceived').filter((m) => m.preview !== undefined).length >= 2,
    );
    const top = realmAt(entries, 'sources/sw.html');
    const found = of(entries, 'serviceWorkerFound', top);
    const id = `${top}:s1`;
    expect(found.every((f) => f.worker === id)).toBe(true);
    // It takes control while activating (clients.claim() in its activate handler): the page may see it
    // in either state first, and a state change is recorded as it happens.
    expect(found[0]).toMatchObject({ worker: id, scriptURL: `${server.originA}/sources/sw.js` });
    expect(['activating', 'activated']).toContain(found[0]!.state);
    expect(found[0]!.scope).toBeUndefined();
    expect(found.find((f) => f.scope !== undefined)).toMatchObject({ worker: id, scope: `${server.originA}/sources/`, scriptURL: `${server.originA}/sources/sw.js` });
    expect(found.map((f) => f.state).at(-1)).toBe('activated');
    expect(found.length).toBeLessThanOrEqual(3);
    // Found before it is named anywhere else.
    const firstUse = entries.findIndex((e) => e.realm === top && 'worker' in e.event && e.event.worker === id);
    expect(entries[firstUse]!.event.type).toBe('serviceWorkerFound');

    const [channel] = of(entries, 'channelCreated', top);
    const sends = of(entries, 'messageSent', top).filter((s) => s.route === 'worker') as MessageSent[];
    expect(sends).toMatchObject([
      { worker: id, outcome: 'posted', transfer: [{ kind: 'MessagePort', port: channel!.port2 }], preview: { $t: 'object', entries: [['ask', 42]] } },
    ]);
    const receipts = of(entries, 'messageReceived', top) as MessageReceived[];
    expect(receipts.filter((m) => m.route === 'port')).toMatchObject([{ port: channel!.port1, preview: { $t: 'object', entries: [['reply', 42]] } }]);
    expect(receipts.filter((m) => m.route === 'worker')).toMatchObject([{ worker: id, origin: server.originA, preview: { $t: 'object', entries: [['hello', 'from sw']] } }]);
  });

  it('records a realmGone for each document that navigates away, with every event it posted first', async () => {
    await runPage(session, server.url('/sources/leave.html'));
    const ROUNDS = 10;
    const entries = await recorded('sources/leave.html', 'every round of the navigating frame and the removed frame', (all) => {
      const gone = new Set(of(all, 'realmGone').length ? all.filter((e) => e.event.type === 'realmGone').map((e) => e.realm) : []);
      const frames = all.filter((e) => e.event.type === 'realmStarted' && /leave-frame\.html\?(rm|n=\d+)$/.test(e.event.url));
      const nav = frames.filter((e) => /n=\d+$/.test((e.event as RealmStarted).url));
      const removed = frames.find((e) => (e.event as RealmStarted).url.endsWith('?rm'));
      return nav.length === ROUNDS + 1 && removed !== undefined && gone.has(removed.realm) && nav.filter((e) => gone.has(e.realm)).length === ROUNDS;
    });
    for (let n = 0; n < ROUNDS; n++) {
      const realm = realmAt(entries, `leave-frame.html?n=${n}`);
      const types = entries.filter((e) => e.realm === realm).map((e) => e.event.type);
      expect(types, `round ${n}`).toEqual(['realmStarted', 'channelCreated', 'messageSent', 'broadcastChannelCreated', 'messageSent', 'realmGone', 'messageSent']);
      const seqs = entries.filter((e) => e.realm === realm).map((e) => e.event.seq);
      expect(seqs, `round ${n}: no gap`).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(of(entries, 'messageSent', realm).at(-1)).toMatchObject({ route: 'port', outcome: 'posted' });
      expect(of(entries, 'realmGone', realm)).toMatchObject([{ persisted: false }]);
    }
    const last = realmAt(entries, `leave-frame.html?n=${ROUNDS}`);
    expect(of(entries, 'realmGone', last)).toEqual([]);
    const removed = realmAt(entries, 'leave-frame.html?rm');
    expect(of(entries, 'messageSent', removed)).toMatchObject([{ route: 'port', outcome: 'posted' }]);
    expect(of(entries, 'realmGone', removed)).toMatchObject([{ persisted: false }]);
    expect(of(entries, 'realmGone', realmAt(entries, 'sources/leave.html'))).toEqual([]);
  });

  it('records a window opened by window.open as a popup', async () => {
    const page = await session.browser.newPage();
    await page.goto(server.url('/sources/popup.html'));
    await page.click('#open');
    expect(await page.evaluate(() => (window as unknown as { done: Promise<unknown> }).done)).toEqual({ signedIn: true });
    const opener = await recorded('sources/popup.html', 'the opener realm', (all) => of(all, 'messageReceived').length > 0);
    expect(of(opener, 'realmStarted').filter((r) => r.url.includes('sources/popup.html'))).toMatchObject([{ kind: 'top' }]);
    // The popup runs in its own tab. The background may route it to the opener's session; if it does
    // not, read the popup tab's own recording.
    const inOpener = (all: PanelEntry[]): boolean => of(all, 'realmStarted').some((r) => r.url.includes('popup-child.html'));
    const popup = inOpener(opener) ? opener : await recorded('sources/popup-child.html', 'the popup realm', inOpener);
    expect(of(popup, 'realmStarted').filter((r) => r.url.includes('popup-child.html'))).toMatchObject([{ kind: 'popup' }]);
  });

  it('keeps the wrapped ServiceWorker.prototype.postMessage, BroadcastChannel.prototype.close and navigator.serviceWorker getter native-looking', async () => {
    const url = server.url('/sources/wrappers.html');
    const [withExt, plain] = await Promise.all([runPage(session, url), runPage(without, url)]);
    expect(withExt).toEqual(plain);
    const facts = plain as Record<string, Record<string, { threw?: boolean; name?: string } & Record<string, unknown>>>;
    // The cases really exercise errors and native functions (otherwise the comparison proves little).
    expect(facts.post!.functionPayload).toMatchObject({ threw: true, name: 'DataCloneError' });
    expect(facts.post!.wrongThis).toMatchObject({ threw: true, isTypeError: true });
    expect(facts.post!.plain).toEqual({ threw: false, value: 'undefined' });
    expect(facts.close!.postAfter).toMatchObject({ threw: true, name: 'InvalidStateError' });
    expect(facts.containerGetter!.wrongThis).toMatchObject({ threw: true, isTypeError: true });
    expect((facts.containerGetter!.fn as { toString: string }).toString).toContain('[native code]');
    expect((facts.close!.fn as { name: string }).name).toBe('close');
    expect((facts.post!.fn as { length: number }).length).toBe(1);
  });
});
