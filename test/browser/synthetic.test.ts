/**
 * Message events a page dispatches itself (`port.dispatchEvent(new MessageEvent('message', …))`) are
 * not messages: nothing was sent. The page's handlers see them as before, but Entangle records only
 * the real receipts — a synthetic one on a port would take a real send's place in the port's pairing
 * (its first send matched with the made-up receipt, every later one shifted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, launch, openPanel, pageDone, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';
import { modelFacts, receipts, type Facts } from './modelFacts';

/** What the page's handlers saw, in a fixed order (the real messages of three sources arrive in any). */
const run = async (session: Session, url: string): Promise<string[]> => [...(await pageDone<string[]>(session, url))].sort();

describe('message events a page dispatches itself', () => {
  let server: DemoServer;
  let withExt: Session;
  let without: Session;
  let a: string[];
  let b: string[];
  let log: PanelEntry[];
  let facts: Facts;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    [withExt, without] = await Promise.all([launch({ extension: true }), launch({ extension: false })]);
    const url = server.url('/synthetic.html');
    [a, b] = await Promise.all([run(withExt, url), run(without, url)]);
    const panel = await openPanel(withExt, await tabIdOf(await openPanel(withExt), '/synthetic.html'));
    // Every real message delivered in the model (the synthetic ones, before the fix, were there too).
    facts = await waitFor('the real messages, delivered', async () => {
      const f = await modelFacts(panel);
      return f.messages.filter((m) => m.status === 'delivered').length >= 4 ? f : undefined;
    });
    log = await panelEvents(panel);
  });
  afterAll(async () => {
    await Promise.all([withExt?.close(), without?.close()]);
    await server?.close();
  });

  it('leaves the page as it was: its handlers see the synthetic events and the real ones', () => {
    expect(b).toEqual(['broadcast fake-b false', 'broadcast real-b true', 'port fake-1 false', 'port real-1 true', 'port real-2 true', 'window fake-w false', 'window real-w true'].sort());
    expect(a).toEqual(b);
  });

  it('records only the real receipts', () => {
    const previews = (route: string) => receipts(log, route).map((e) => e.event.preview);
    expect(previews('port')).toEqual(['real-1', 'real-2']);
    expect(previews('window')).toEqual(['real-w']);
    expect(previews('broadcast')).toEqual(['real-b']);
  });

  it('takes no lifecycle event a page dispatches itself: the page is not shown gone', () => {
    const top = log.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'top')!.realm;
    expect(log.filter((e) => e.realm === top).map((e) => e.event.type)).not.toContain('realmGone');
  });

  it('pairs each real send with its own receipt', () => {
    const port = facts.messages.filter((m) => m.route === 'port');
    expect(port.map((m) => [m.status, m.sent, m.received])).toEqual([
      ['delivered', true, true],
      ['delivered', true, true],
    ]);
    // (A window message is recorded where it is delivered only: `window.postMessage` is not wrapped.)
    expect(facts.messages.filter((m) => m.route === 'window')).toHaveLength(1);
    expect(facts.messages.filter((m) => !m.sent && m.route !== 'window').map((m) => [m.route, m.status, m.reason])).toEqual([]);
    expect(facts.messages.filter((m) => m.route === 'broadcast').map((m) => [m.status, m.sent, m.received])).toEqual([['delivered', true, true]]);
  });
});
