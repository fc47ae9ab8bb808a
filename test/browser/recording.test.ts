/**
 * What the recorder says about payloads, silent failures and the window, worker and broadcast routes,
 * checked in the panel page of a real Chromium with the extension.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntangleEvent, MessageReceived, MessageSent, Preview } from '../../model/protocol';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type PanelEntry, type Session } from './harness';

describe('recording', () => {
  let server: DemoServer;
  let session: Session;
  let entries: PanelEntry[];
  let getterCalls: number;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
    const page = await session.browser.newPage();
    await page.goto(server.url('/recording.html'));
    ({ getterCalls } = await page.evaluate(() => (window as unknown as { done: Promise<{ getterCalls: number }> }).done));
    const panel = await openPanel(session, await tabIdOf(await openPanel(session), server.originA));
    entries = await waitFor('the broadcast receipt', async () => {
      const all = await panelEvents(panel);
      return all.some((e) => e.event.type === 'messageReceived' && e.event.route === 'broadcast') ? all : undefined;
    });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  const top = () => entries.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'top')!.realm;
  const events = <T extends EntangleEvent['type']>(type: T, realm = top()) =>
    entries.filter((e) => e.realm === realm && e.event.type === type).map((e) => e.event as Extract<EntangleEvent, { type: T }>);

  it('previews every structured-clone type for what it is', () => {
    const port = events('channelCreated')[0]!.port2;
    const previews = (events('messageReceived') as MessageReceived[]).filter((m) => m.port === port).map((m) => m.preview);
    const [primitives, map, set, date, regexp, buffer, typed, view, blob, file, image, error, boxed, cycle, shared, deep, long, many] = previews as Preview[];
    expect(primitives).toEqual({
      $t: 'object',
      more: 0,
      entries: [
        ['u', { $t: 'undefined' }],
        ['n', null],
        ['t', true],
        ['nan', { $t: 'number', v: 'NaN' }],
        ['inf', { $t: 'number', v: '-Infinity' }],
        ['negZero', { $t: 'number', v: '-0' }],
        ['big', { $t: 'bigint', v: '12345678901234567890' }],
        ['s', 'text'],
      ],
    });
    expect(map).toEqual({ $t: 'map', size: 2, entries: [['a', 1], [{ $t: 'object', entries: [['k', 1]], more: 0 }, { $t: 'array', items: [2], length: 1 }]] });
    expect(set).toEqual({ $t: 'set', size: 2, items: [1, 'two'] });
    expect(date).toEqual({ $t: 'date', v: Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(regexp).toEqual({ $t: 'regexp', source: 'ab+c', flags: 'gi' });
    expect(buffer).toEqual({ $t: 'arraybuffer', byteLength: 3, head: '0102ff' });
    expect(typed).toEqual({ $t: 'typedarray', kind: 'Int16Array', length: 2, byteLength: 4, head: '0100ffff' });
    expect(view).toMatchObject({ $t: 'typedarray', kind: 'DataView', byteLength: 2 });
    expect(blob).toEqual({ $t: 'blob', kind: 'Blob', size: 5, type: 'text/plain' });
    expect(file).toEqual({ $t: 'blob', kind: 'File', size: 1, type: 'text/plain', name: 'a.txt', lastModified: 1700000000000 });
    expect(image).toEqual({ $t: 'imagedata', width: 2, height: 3 });
    expect(error).toEqual({ $t: 'error', name: 'RangeError', message: 'out of range' });
    expect(boxed).toEqual({
      $t: 'array',
      length: 3,
      items: [
        { $t: 'boxed', kind: 'Number', v: 1 },
        { $t: 'boxed', kind: 'String', v: 's' },
        { $t: 'boxed', kind: 'Boolean', v: false },
      ],
    });
    expect(cycle).toEqual({ $t: 'object', more: 0, entries: [['name', 'root'], ['self', { $t: 'cycle', path: '$' }]] });
    expect(shared).toEqual({ $t: 'array', length: 2, items: [{ $t: 'object', entries: [['s', 1]], more: 0 }, { $t: 'cycle', path: '$[0]' }] });
    expect(JSON.stringify(deep)).toContain('"truncated"');
    expect(long).toEqual({ $t: 'string', v: 'x'.repeat(160), length: 1000 });
    expect(many).toMatchObject({ $t: 'object', more: 24 });
  });

  it('records the silent failures as facts', () => {
    const sends = events('messageSent') as MessageSent[];
    const doomedChannel = events('channelCreated')[1]!;
    const doomed = sends.find((s) => s.port === doomedChannel.port1)!;
    expect(doomed).toMatchObject({ outcome: 'doomed', transfer: [{ kind: 'MessagePort', port: doomedChannel.port2 }] });
    expect(doomed.size).toBeGreaterThan(0);
    expect(sends.find((s) => s.port === events('channelCreated')[2]!.port1)).toMatchObject({ outcome: 'portClosed' });
    expect(sends.find((s) => s.port === events('channelCreated')[3]!.port1)).toMatchObject({ outcome: 'partnerClosed' });
    // A window message to a mismatched targetOrigin is dropped by the browser: no receipt anywhere.
    expect(entries.some((e) => e.event.type === 'messageReceived' && e.event.preview === 'wrong origin')).toBe(false);
  });

  it('records window messages where they are delivered, naming the sender', () => {
    const frame = entries.find((e) => e.event.type === 'realmStarted' && e.event.kind === 'iframe')!.realm;
    expect((events('messageSent', frame) as MessageSent[]).filter((s) => s.route === 'window')).toEqual([]);
    expect(events('messageReceived', frame)).toMatchObject([{ route: 'window', source: 'parent', preview: 'ping' }]);
    expect((events('messageReceived') as MessageReceived[]).filter((m) => m.preview === 'pong')).toMatchObject([
      { route: 'window', source: 'child', childIndex: 0 },
    ]);
  });

  it('previews a worker send at the sender without calling getters', () => {
    expect(getterCalls).toBe(1); // the browser's own structured clone, and nothing else
    const [created] = events('workerCreated');
    expect(created).toMatchObject({ workerType: 'classic' });
    expect(created!.url).toMatch(/^blob:/);
    const [send, tagged] = (events('messageSent') as MessageSent[]).filter((s) => s.route === 'worker');
    expect(send).toMatchObject({ worker: created!.worker, preview: { $t: 'object', entries: [['n', 7], ['lazy', { $t: 'accessor', key: 'lazy' }]] } });
    // A class instance is cloned as a plain object; its toStringTag getter was not called (getterCalls).
    expect(tagged).toMatchObject({ preview: { $t: 'object', entries: [['n', 8], ['tagged', { $t: 'object', entries: [['x', 1]] }]] } });
    expect(events('messageReceived').filter((m) => m.route === 'worker')).toMatchObject([
      { worker: created!.worker, preview: { $t: 'object', entries: [['echo', 7]] } },
      { worker: created!.worker, preview: { $t: 'object', entries: [['echo', 8]] } },
    ]);
  });

  it('records BroadcastChannel sends and receipts with the channel name', () => {
    expect((events('messageSent') as MessageSent[]).filter((s) => s.route === 'broadcast')).toMatchObject([{ channelName: 'fixture', outcome: 'posted' }]);
    expect(events('messageReceived').filter((m) => m.route === 'broadcast')).toMatchObject([
      { channelName: 'fixture', origin: server.originA, preview: { $t: 'object', entries: [['hello', 'broadcast']] } },
    ]);
  });
});
