// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type EntangleEvent, type RoutedBatch } from '../model/protocol';
import { HINT, InspectorPane } from './Inspector';
import { custodyRows, relTime, shortUrl } from './PortHistory';
import { createLogStore, type LogStore } from './store';
import { createViewStore, type ViewData, type ViewStore } from './viewState';

const T = 1_000_000;
const DCE = "Failed to execute 'postMessage' on 'MessagePort': function f() {} could not be cloned.";
const STACK = '    at send (https://a.test/app.js:10:5)\n    at https://a.test/app.js:20:1\n    at Array.forEach (<anonymous>)';

function batch(realm: string, events: EntangleEvent[], frameId = 0, parentFrameId = -1, url = 'https://a.test/'): RoutedBatch {
  return { tabId: 1, frameId, parentFrameId, url, batch: { v: PROTOCOL_VERSION, realm, events } };
}

/**
 * Top A makes a channel (A:1 ⇄ A:2), starts A:1, gives A:2 to iframe B by window.postMessage, B answers
 * on it with a Map; A's send of a function fails; A sends a buffer to B.
 */
function fixture(): LogStore {
  const store = createLogStore();
  const s = store.getState();
  s.batchReceived(
    batch('A', [
      { type: 'realmStarted', seq: 1, t: T, kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION },
      { type: 'channelCreated', seq: 2, t: T + 1, channel: 'A:c1', port1: 'A:1', port2: 'A:2' },
      { type: 'portStarted', seq: 3, t: T + 2, port: 'A:1', implicit: true },
    ]),
  );
  s.batchReceived(
    batch(
      'B',
      [
        { type: 'realmStarted', seq: 1, t: T + 0.5, kind: 'iframe', url: 'https://b.test/frame.html', origin: 'https://b.test', protocol: PROTOCOL_VERSION },
        { type: 'messageReceived', seq: 2, t: T + 4, route: 'window', origin: 'https://a.test', source: 'parent', ports: ['B:1'], size: 10, preview: 'hello' },
        { type: 'portStarted', seq: 3, t: T + 4.5, port: 'B:1', implicit: true },
        {
          type: 'messageSent',
          seq: 4,
          t: T + 5,
          route: 'port',
          port: 'B:1',
          transfer: [],
          outcome: 'posted',
          size: 30,
          preview: { $t: 'map', entries: [['k', { $t: 'array', items: [1, 2, 3], length: 3 }]], size: 1 },
        },
      ],
      1,
      0,
      'https://b.test/frame.html',
    ),
  );
  s.batchReceived(
    batch('A', [
      { type: 'messageReceived', seq: 4, t: T + 6, route: 'port', port: 'A:1', origin: '', ports: [], size: 30, preview: { $t: 'map', entries: [['k', { $t: 'array', items: [1, 2, 3], length: 3 }]], size: 1 } },
      {
        type: 'messageSent',
        seq: 5,
        t: T + 7,
        route: 'port',
        port: 'A:1',
        partner: 'A:2',
        transfer: [],
        outcome: 'posted',
        size: 10,
        preview: { $t: 'object', entries: [['fn', { $t: 'uncloneable', kind: 'Function' }]], more: 0 },
        error: { name: 'DataCloneError', message: DCE },
        stack: STACK,
      },
      { type: 'messageSent', seq: 6, t: T + 8, route: 'port', port: 'A:1', partner: 'A:2', transfer: [{ kind: 'ArrayBuffer', byteLength: 4 }], outcome: 'posted' },
    ]),
  );
  s.batchReceived(
    batch(
      'B',
      [{ type: 'messageReceived', seq: 5, t: T + 9, route: 'port', port: 'B:1', origin: '', ports: [], size: 4, preview: { $t: 'arraybuffer', byteLength: 4, head: '48690aff' } }],
      1,
      0,
      'https://b.test/frame.html',
    ),
  );
  return store;
}

function mount(store: LogStore, initial: Partial<ViewData>): { view: ViewStore; root: HTMLElement } {
  const view = createViewStore(initial);
  render(<InspectorPane store={store} view={view} />);
  return { view, root: screen.getByTestId('inspector') };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('InspectorPane', () => {
  it('shows the session at a glance when nothing is selected or focused: findings that show themselves, and who talked', () => {
    const { root, view } = mount(fixture(), {});
    const overview = screen.getByRole('region', { name: 'Session overview' });
    expect(overview.textContent).toContain('4 messages, 3 delivered.');
    expect(root.textContent).toContain(HINT);
    // The failed send is a finding; its button puts its query in the filter.
    const failed = screen.getByRole('button', { name: 'Show: 1 send failed: DataCloneError' });
    fireEvent.click(failed);
    expect(view.getState().filter.text).toBe('status:failed');
    // Each realm that talked is a button that focuses it.
    const talkers = within(screen.getByRole('table')).getAllByRole('button');
    expect(talkers.length).toBeGreaterThan(0);
    fireEvent.click(talkers[0]!);
    expect(view.getState().focus?.kind).toBe('realm');
  });

  it('shows only the hint for an empty session', () => {
    const { root } = mount(createLogStore(), {});
    expect(root.textContent).toBe(HINT);
  });

  it('a failed send: status, the exception, what caused it, and its stack as text outside DevTools', () => {
    const store = fixture();
    expect(store.getState().model().messages.find((m) => m.id === 'A#5')).toMatchObject({ status: 'failed', reason: 'sendThrew' });
    mount(store, { selection: { kind: 'message', id: 'A#5' } });
    expect(screen.getByTestId('inspector-status').textContent).toBe('Failed — postMessage threw');
    expect(screen.getByTestId('inspector-error').textContent).toBe(`DataCloneError: ${DCE}`);
    const explanation = screen.getByTestId('inspector-explanation').textContent ?? '';
    expect(explanation).toContain('the message contains a value that cannot be copied to another context (a function, a DOM node, a symbol, …)'.replace(/^t/, 'T'));
    expect(explanation).toContain('Here: function f() {}.');
    const frames = screen.getAllByTestId('stack-frame');
    expect(frames.map((f) => f.tagName)).toEqual(['SPAN', 'SPAN', 'SPAN']);
    expect(frames[0]!.textContent).toBe('at send (https://a.test/app.js:10:5)');
    expect(frames[0]!.getAttribute('title')).toBe('https://a.test/app.js:10:5');
    expect(frames[2]!.getAttribute('title')).toBeNull();
    // The sender's preview, with the function it could not send.
    expect(screen.getByTestId('preview-tree').textContent).toContain('(uncloneable Function)');
    expect(screen.getByTestId('copy-snippet')).toBeTruthy();
  });

  it('stack frames open in Sources when this is a DevTools page', () => {
    const calls: unknown[][] = [];
    vi.stubGlobal('chrome', { devtools: { panels: { openResource: (...a: unknown[]) => calls.push(a.slice(0, 3)) } } });
    mount(fixture(), { selection: { kind: 'message', id: 'A#5' } });
    const frames = screen.getAllByTestId('stack-frame');
    expect(frames.map((f) => f.tagName)).toEqual(['BUTTON', 'BUTTON', 'SPAN']);
    expect(frames[0]!.textContent).toBe('send app.js:10:5');
    fireEvent.click(frames[0]!);
    fireEvent.click(frames[1]!);
    expect(calls).toEqual([
      ['https://a.test/app.js', 9, 4],
      ['https://a.test/app.js', 19, 0],
    ]);
  });

  it('a delivered message: route, ends, times, its Map payload and the history of its ports', () => {
    const store = fixture();
    const { view, root } = mount(store, { selection: { kind: 'message', id: 'B#4' } });
    expect(screen.getByTestId('inspector-status').textContent).toBe('Delivered');
    expect(screen.queryByTestId('inspector-error')).toBeNull();
    const fields = screen.getByTestId('inspector-fields').textContent ?? '';
    expect(fields).toContain('iframe b.test/frame.html · port A:2');
    expect(fields).toContain('top a.test · port A:1');
    expect(fields).toContain('+5.0 ms');
    expect(fields).toContain('latency1.0 ms');
    expect(fields).toContain('30 B');
    const tree = screen.getByTestId('preview-tree').textContent ?? '';
    expect(tree).toContain('Map(1)');
    expect(tree).toContain('"k"');
    // Both previews recorded: the receiver's is shown, the sender's one click away.
    const sides = within(screen.getByTestId('preview-side')).getAllByRole('button');
    expect(sides.map((b) => [b.textContent, b.getAttribute('aria-pressed')])).toEqual([
      ["receiver's copy", 'true'],
      ["sender's value", 'false'],
    ]);
    fireEvent.click(sides[1]!);
    expect(within(screen.getByTestId('preview-side')).getAllByRole('button')[1]!.getAttribute('aria-pressed')).toBe('true');
    // The ports it travelled on, collapsed, with their custody.
    const histories = screen.getAllByTestId('port-history');
    expect(histories.map((h) => h.getAttribute('data-port'))).toEqual(['A:2', 'A:1']);
    expect(histories[0]!.tagName).toBe('DETAILS');
    expect(within(histories[0]!).getAllByTestId('port-history-row')).toHaveLength(2);
    // A port link focuses the port in the graph.
    const link = within(root).getAllByTestId('port-link').find((b) => b.textContent === 'A:1');
    fireEvent.click(link!);
    expect(view.getState().focus).toEqual({ kind: 'port', id: 'A:1' });
  });

  it('a binary payload has a hex view; a transfer list names its items', () => {
    mount(fixture(), { selection: { kind: 'message', id: 'A#6' } });
    const hex = screen.getByTestId('hex-view');
    expect(hex.textContent).toContain('4 of 4 bytes shown');
    expect(hex.textContent).toContain('0000');
    expect(hex.textContent).toContain('48 69 0a ff');
    expect(hex.textContent).toContain('Hi..');
    expect(screen.getByTestId('inspector-fields').textContent).toContain('ArrayBuffer (4 B)');
  });

  it('copies the payload as a postMessage call', async () => {
    const writeText = vi.fn((_: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    mount(fixture(), { selection: { kind: 'message', id: 'B#4' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('copy-snippet'));
      await Promise.resolve();
    });
    expect(writeText).toHaveBeenCalledWith('port.postMessage(new Map([["k", [1, 2, 3]]]));');
    await act(async () => {
      fireEvent.click(screen.getByTestId('copy-payload'));
      await Promise.resolve();
    });
    expect(JSON.parse(writeText.mock.calls[1]![0])).toMatchObject({ $t: 'map', size: 1 });
  });

  it('a message no longer held says so', () => {
    const { root } = mount(fixture(), { selection: { kind: 'message', id: 'Z#1' } });
    expect(root.textContent).toContain('no longer held');
  });

  it('the close button clears the selection and shows the focus again', () => {
    const { view } = mount(fixture(), { selection: { kind: 'message', id: 'A#5' }, focus: { kind: 'realm', id: 'B' } });
    fireEvent.click(screen.getByTestId('inspector-close'));
    expect(view.getState().selection).toBeNull();
  });

  it('a focused port shows its details and its history', () => {
    const store = fixture();
    const { view } = mount(store, { focus: { kind: 'port', id: 'B:1' } });
    const history = screen.getByTestId('port-history');
    expect(history.tagName).toBe('DIV');
    expect(history.getAttribute('data-port')).toBe('A:2');
    const rows = within(history).getAllByTestId('port-history-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('top a.test');
    expect(rows[0]!.textContent).toContain('A:2');
    expect(rows[0]!.textContent).toContain('created (new MessageChannel)');
    expect(rows[1]!.textContent).toContain('iframe b.test/frame.html');
    expect(rows[1]!.textContent).toContain('B:1');
    expect(rows[1]!.textContent).toContain('arrived by window.postMessage');
    expect(rows[1]!.textContent).toContain('inferred');
    expect(rows[1]!.textContent).toContain('now');
    expect(rows[1]!.querySelector('td')!.getAttribute('title')).toContain('realm B');
    expect(history.textContent).toContain('channel A:c1');
    expect(screen.getByTestId('inspector').textContent).toContain('(local id B:1)');
    // Its partner, one click away.
    fireEvent.click(within(history).getByTestId('port-link'));
    expect(view.getState().focus).toEqual({ kind: 'port', id: 'A:1' });
  });

  it('a focused realm and a focused channel', () => {
    const store = fixture();
    const { view, root } = mount(store, { focus: { kind: 'realm', id: 'B' } });
    const text = root.textContent ?? '';
    expect(text).toContain('https://b.test/frame.html');
    expect(text).toContain('https://b.test');
    expect(text).toContain('frame id1');
    expect(text).toContain('top a.test');
    expect(text).toContain('1 sent, 2 received');
    act(() => view.getState().focused({ kind: 'channel', id: 'A:c1' }));
    const ch = screen.getByTestId('inspector').textContent ?? '';
    expect(ch).toContain('created intop a.test');
    expect(ch).toContain('A:1 held by top a.test');
    expect(ch).toContain('A:2 held by iframe b.test/frame.html');
  });

  it('a non-message event: its fields, and the message it belongs to', () => {
    const store = fixture();
    const { view, root } = mount(store, { selection: { kind: 'event', index: 1 } });
    expect(root.textContent).toContain('channelCreated');
    expect(root.querySelector('table.kv')!.textContent).toContain('port1A:1');
    act(() => view.getState().selected({ kind: 'event', index: 8 }));
    fireEvent.click(screen.getByTestId('event-message'));
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'A#5' });
  });

  it('a gap: realm, range, count and why', () => {
    const store = fixture();
    store.getState().batchReceived(batch('A', [{ type: 'portClosed', seq: 10, t: T + 20, port: 'A:1' }]));
    const gap = store.getState().model().gaps[0]!;
    expect(gap).toMatchObject({ realm: 'A', from: 7, to: 9 });
    const { root } = mount(store, { selection: { kind: 'gap', realm: 'A', from: 7 } });
    expect(root.textContent).toContain('3 events missing');
    expect(root.textContent).toContain('#7 – #9');
    expect(screen.getByTestId('inspector-explanation').textContent).toContain('never reached the panel');
  });

  it('renders page text as text, never as HTML', () => {
    const store = createLogStore();
    store.getState().batchReceived(
      batch('X', [
        { type: 'realmStarted', seq: 1, t: T, kind: 'top', url: 'https://x.test/', origin: 'https://x.test', protocol: PROTOCOL_VERSION },
        { type: 'messageSent', seq: 2, t: T + 1, route: 'port', port: 'X:1', transfer: [], outcome: 'posted', error: { name: '<b>E</b>', message: '<img src=x onerror=alert(1)>' }, preview: '<i>x</i>' },
      ]),
    );
    const { root } = mount(store, { selection: { kind: 'message', id: 'X#2' } });
    expect(root.querySelector('img, i')).toBeNull();
    expect([...root.querySelectorAll('b')].map((b) => b.textContent)).toEqual(['message']);
    expect(screen.getByTestId('inspector-error').textContent).toBe('<b>E</b>: <img src=x onerror=alert(1)>');
  });
});

describe('port history rows', () => {
  it('custodyRows: realm, local id, how, when, state and how sure', () => {
    const store = fixture();
    const model = store.getState().model();
    const port = model.ports.find((p) => p.id === 'A:2')!;
    const realms = new Map(model.realms.map((r) => [r.id, r]));
    const rows = custodyRows(port, realms, T);
    expect(rows.map((r) => [r.realmName, r.localId, r.via, r.from, r.to, r.state])).toEqual([
      ['top a.test', 'A:2', 'created (new MessageChannel)', '+1.0 ms', rows[0]!.to, 'not started'],
      ['iframe b.test/frame.html', 'B:1', 'arrived by window.postMessage', rows[1]!.from, 'now', 'started'],
    ]);
    expect(rows[1]!.join).toMatch(/inferred/);
  });

  it('relTime and shortUrl', () => {
    expect(relTime(T + 12.34, T)).toBe('+12.3 ms');
    expect(relTime(T + 4210, T)).toBe('+4.210 s');
    expect(relTime(T - 3, T)).toBe('−3.0 ms');
    expect(relTime(undefined, T)).toBe('—');
    expect(relTime(0, null)).toBe('00:00:00.000');
    expect(shortUrl('https://a.test/')).toBe('a.test');
    expect(shortUrl('https://a.test/some/long/path/to/a/page/that/goes/on.html?q=1')).toBe('a.test/some/long/path/to/a/page/that/go…');
    expect(shortUrl('https://a.test/some/long/path/to/a/page/that/goes/on.html?q=1')).toHaveLength(40);
    expect(shortUrl('about:blank')).toBe('about:blank');
    expect(shortUrl(undefined)).toBe('');
  });
});
