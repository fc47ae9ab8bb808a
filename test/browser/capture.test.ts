/**
 * Capture: a top page hands a port to a cross-origin iframe through window.postMessage and the two
 * talk over it. Every send and receipt that the browser lets a page observe reaches the panel page,
 * tagged with the right realm and port ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { EntangleEvent, MessageReceived, MessageSent } from '../../model/protocol';
import { FIXTURES, launch, openPanel, panelEvents, panelRealms, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

describe('capture across a cross-origin iframe', () => {
  let server: DemoServer;
  let session: Session;
  let entries: PanelEntry[];
  let realms: Awaited<ReturnType<typeof panelRealms>>;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
    const page = await session.browser.newPage();
    await page.goto(server.url('/capture.html'));
    const replies = await page.evaluate(() => (window as unknown as { done: Promise<unknown[]> }).done);
    expect(replies).toHaveLength(3);
    const tabId = await tabIdOf(await openPanel(session), server.originA);
    panel = await openPanel(session, tabId);
    // The top realm sees 2 sends and 3 receipts; the frame 1 window receipt, 3 sends and 2 port receipts.
    entries = await waitFor('all messages in the panel', async () => {
      const all = await panelEvents(panel);
      const messages = all.filter((e) => e.event.type === 'messageSent' || e.event.type === 'messageReceived');
      return messages.length >= 11 ? all : undefined;
    });
    realms = await waitFor('the frame tree', async () => {
      const r = await panelRealms(panel);
      return r.some((x) => x.kind === 'iframe' && x.parentFrameId === 0) ? r : undefined;
    });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  const of = <T extends EntangleEvent['type']>(realm: string, type: T) =>
    entries.filter((e) => e.realm === realm && e.event.type === type).map((e) => e.event as Extract<EntangleEvent, { type: T }>);

  it('reports both realms with their kind, origin and frame', () => {
    const started = entries.filter((e) => e.event.type === 'realmStarted');
    const top = started.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'top')!;
    const frame = started.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'iframe')!;
    expect(top.event).toMatchObject({ origin: server.originA, url: server.url('/capture.html') });
    expect(frame.event).toMatchObject({ origin: server.originB, url: server.url('/capture-frame.html', 'B') });
    expect(top.frameId).toBe(0);
    expect(frame.frameId).not.toBe(0);
    // The background places each realm in the frame tree: the iframe's parent is the top frame.
    expect(realms.find((r) => r.realm === frame.realm)).toMatchObject({ frameId: frame.frameId, parentFrameId: 0 });
    expect(realms.find((r) => r.realm === top.realm)).toMatchObject({ frameId: 0, parentFrameId: -1 });
  });

  it('records every send and receipt on both sides with the right port ids', () => {
    const top = entries.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'top')!.realm;
    const frame = entries.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'iframe')!.realm;

    const [channel] = of(top, 'channelCreated');
    expect(channel).toMatchObject({ port1: `${top}:1`, port2: `${top}:2` });

    // The frame receives port2 through window.postMessage from its parent, as a new local port.
    const [arrival] = of(frame, 'messageReceived').filter((m) => m.route === 'window');
    expect(arrival).toMatchObject({ origin: server.originA, source: 'parent', ports: [`${frame}:1`] });
    expect(arrival!.preview).toEqual({ $t: 'object', entries: [['type', 'connect']], more: 0 });

    // Frame → top over the port: ready, reply 1, reply 2.
    const frameSends = of(frame, 'messageSent') as MessageSent[];
    expect(frameSends.map((m) => [m.route, m.port, m.outcome])).toEqual([
      ['port', `${frame}:1`, 'posted'],
      ['port', `${frame}:1`, 'posted'],
      ['port', `${frame}:1`, 'posted'],
    ]);
    const topReceipts = of(top, 'messageReceived') as MessageReceived[];
    expect(topReceipts.map((m) => [m.route, m.port])).toEqual([
      ['port', `${top}:1`],
      ['port', `${top}:1`],
      ['port', `${top}:1`],
    ]);
    expect(topReceipts.map((m) => (m.preview as { entries: [string, unknown][] }).entries[0])).toEqual([
      ['type', 'ready'],
      ['type', 'reply'],
      ['type', 'reply'],
    ]);

    // Top → frame over the port: two asks, the second carrying a Map, shown as a Map.
    const topSends = (of(top, 'messageSent') as MessageSent[]).filter((m) => m.route === 'port');
    expect(topSends.map((m) => [m.port, m.partner, m.outcome])).toEqual([
      [`${top}:1`, `${top}:2`, 'posted'],
      [`${top}:1`, `${top}:2`, 'posted'],
    ]);
    const frameReceipts = (of(frame, 'messageReceived') as MessageReceived[]).filter((m) => m.route === 'port');
    expect(frameReceipts.map((m) => m.port)).toEqual([`${frame}:1`, `${frame}:1`]);
    expect(frameReceipts[1]!.preview).toMatchObject({
      $t: 'object',
      entries: [
        ['type', 'ask'],
        ['n', 2],
        ['payload', { $t: 'map', size: 1, entries: [['k', { $t: 'array', length: 3, items: [1, 2, 3] }]] }],
      ],
    });
    // The frame started its port by setting onmessage; the top its port1.
    expect(of(frame, 'portStarted')).toMatchObject([{ port: `${frame}:1`, implicit: true }]);
    expect(of(top, 'portStarted')).toMatchObject([{ port: `${top}:1`, implicit: true }]);
  });

  it('shows a selected message in the inspector, its Map payload as a Map', async () => {
    // The timeline draws at its next view tick: wait for the row rather than read the DOM once.
    const mapRow = await waitFor('the row of the message with the Map payload', async () => {
      for (const row of await panel.$$('[data-testid="timeline-row"][data-kind="message"]')) {
        if ((await row.evaluate((el) => el.textContent ?? '')).includes('payload')) return row;
      }
      return undefined;
    });
    await mapRow.click();
    const tree = await panel.waitForSelector('[data-testid="inspector"] [data-testid="preview-tree"]');
    const text = await tree!.evaluate((el) => el.textContent ?? '');
    expect(text).toContain('Map(1)');
    expect(text).toContain('"k"');
  });

  it('numbers each realm contiguously from 1', () => {
    const byRealm = new Map<string, number[]>();
    for (const e of entries) byRealm.set(e.realm, [...(byRealm.get(e.realm) ?? []), e.event.seq]);
    for (const seqs of byRealm.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
