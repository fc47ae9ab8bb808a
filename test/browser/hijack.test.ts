/**
 * Issue 14, item 2: a same-origin parent holding its children's windows from their first moment.
 *
 * Listening on a child's window (src/srcdoc set before insertion: the child's document reuses the
 * initial Window) no longer hears the recorder↔relay handshake for any kind of document: srcdoc,
 * sandboxed allow-same-origin srcdoc, javascript:, blob:, XHTML, SVG, XML and text. A parent that goes
 * further and reaches each new child document before its document_start (polling every task) can
 * still hear it there — such a document also inherited the parent's JavaScript realm, whose built-ins
 * the parent could have patched before the recorder ran, so no handshake can be airtight — and every
 * such realm is marked untrusted in the panel and the summary (docs/security.md), never shown as
 * trusted; a cross-origin child and the top page are not marked.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageReceived, RealmStarted } from '../../model/protocol';
import { FIXTURES, launch, openPanel, pageDone, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

interface Result {
  heard: string[];
  forged: string[];
  received: string[];
}

const SAID = ['from blob', 'from javascript', 'from sandboxed', 'from srcdoc', 'from svg', 'from xhtml', 'from xhtml'];
const INHERITED = ['about:srcdoc', 'about:srcdoc', 'blob:', 'child.xhtml', 'child.svg', 'child.xml', 'child.txt'];

const run = (session: Session, url: string): Promise<Result> => pageDone<Result>(session, url);

interface Seen {
  entries: PanelEntry[];
  untrusted: Record<string, string | undefined>;
}

async function seen(session: Session, server: DemoServer, urlPart: string): Promise<Seen> {
  const panel: Page = await openPanel(session, await tabIdOf(await openPanel(session), urlPart));
  const receipts = (all: PanelEntry[]) => all.filter((e) => e.event.type === 'messageReceived' && e.event.route === 'window').length;
  // The cross-origin child posts nothing: its start reaches the panel on its own, from another process,
  // and may come after the others' messages (a loaded run once checked before it came).
  const crossStarted = (all: PanelEntry[]) => all.some((e) => e.event.type === 'realmStarted' && e.event.url.startsWith(server.originB));
  const entries = await waitFor("the children's messages and the cross-origin child's start", async () => {
    const all = await panelEvents(panel);
    return receipts(all) >= SAID.length && crossStarted(all) ? all : undefined;
  }, 10_000).catch(() => panelEvents(panel));
  const untrusted = await panel.evaluate(() => {
    type Info = { realm: string; untrusted?: string };
    const w = window as unknown as { __entangle: { store: { getState(): { realms: Map<string, Info> } } } };
    return Object.fromEntries([...w.__entangle.store.getState().realms.values()].map((r) => [r.realm, r.untrusted]));
  });
  return { entries, untrusted };
}

const starts = (s: Seen) => s.entries.filter((e) => e.event.type === 'realmStarted').map((e) => ({ realm: e.realm, ...(e.event as RealmStarted) }));
const isInherited = (url: string) => INHERITED.some((u) => (u.startsWith('about:') ? url === u : u === 'blob:' ? url.startsWith(u) : url.endsWith(`/hijack/${u}`) && !url.includes('localhost')));

describe("hostile page: a same-origin parent and its children's recorder channel", () => {
  let server: DemoServer;
  let withExt: Session;
  let without: Session;
  let listening: [Result, Result];
  let polling: Result;
  let listened: Seen;
  let polled: Seen;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    [withExt, without] = await Promise.all([launch({ extension: true }), launch({ extension: false })]);
    listening = await Promise.all([run(withExt, server.url('/hijack/index.html')), run(without, server.url('/hijack/index.html'))]);
    listened = await seen(withExt, server, '/hijack/index.html');
    polling = await run(withExt, server.url('/hijack/index.html?poll'));
    polled = await seen(withExt, server, '/hijack/index.html?poll');
  });
  afterAll(async () => {
    await Promise.all([withExt?.close(), without?.close()]);
    await server?.close();
  });

  it('runs the page the same: every child posted to its parent', () => {
    expect(listening[1].received).toEqual(SAID);
    expect(listening[0].received).toEqual(SAID);
    expect(polling.received).toEqual(SAID);
  });

  it("lets a parent listening on its children's windows hear nothing, so it can neither replace the channel nor tell Entangle is there", () => {
    expect(listening[1].heard).toEqual([]);
    expect(listening[0].heard).toEqual([]);
    expect(listening[0].forged).toEqual([]);
  });

  it("shows each child's realm with its real URL, and no forged realm", () => {
    const urls = starts(listened).map((s) => s.url);
    expect(urls.filter((u) => u.includes('forged'))).toEqual([]);
    for (const u of INHERITED) expect(urls.filter((url) => (u.startsWith('about:') ? url === u : u === 'blob:' ? url.startsWith(u) : url.endsWith(`/hijack/${u}`))).length, u).toBeGreaterThanOrEqual(1);
    expect(starts(listened).filter((s) => s.kind === 'top')).toHaveLength(1);
    const said = listened.entries
      .filter((e) => e.event.type === 'messageReceived' && e.event.route === 'window')
      .map((e) => (e.event as MessageReceived).preview)
      .sort();
    expect(said).toEqual(SAID);
  });

  it("marks every realm that inherited its parent's window untrusted, and no other", () => {
    for (const s of [listened, polled]) {
      const all = starts(s);
      const inherited = all.filter((r) => isInherited(r.url));
      // (A parent that took a channel over may have hidden a realm altogether: all that shows is marked.)
      if (s === listened) expect(inherited.length).toBeGreaterThanOrEqual(INHERITED.length);
      for (const r of inherited) expect(s.untrusted[r.realm], r.url).toBe('inheritedWindow');
      const top = all.find((r) => r.kind === 'top' && !r.url.includes('forged'))!;
      expect(s.untrusted[top.realm]).toBeUndefined();
      const cross = all.find((r) => r.url.startsWith(server.originB))!;
      expect(cross, 'the cross-origin child').toBeDefined();
      expect(s.untrusted[cross.realm]).toBeUndefined();
    }
  });

  it('never shows what a parent that reached the new documents early forged as trusted', () => {
    // The polling parent does reach some documents before the recorder (this is why they are marked).
    expect(polling.heard.length).toBeGreaterThan(0);
    const forged = starts(polled).filter((r) => r.url.includes('forged'));
    for (const r of forged) expect(polled.untrusted[r.realm]).toBe('inheritedWindow');
    // Every realm in a frame whose document inherited its window is marked, whoever fed it.
    for (const r of starts(polled).filter((x) => x.kind !== 'top' || x.url.includes('forged'))) {
      if (r.url.startsWith(server.originB)) continue;
      expect(polled.untrusted[r.realm], r.url).toBe('inheritedWindow');
    }
  });
});
