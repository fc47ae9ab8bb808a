import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type EntangleEvent } from '../model/protocol';
import type { BackgroundToPanel, PanelToBackground } from '../model/relay';
import { createLogStore } from './store';

// The polyfill refuses to load outside an extension; the tests hand in their own ports anyway.
vi.mock('webextension-polyfill', () => ({ default: {} }));
const { ACK_DELAY_MS, connectPanel } = await import('./connection');
const { liveWorkersControl } = await import('./workersControl');
type PortLike = import('./connection').PortLike;

class FakePort implements PortLike {
  sent: PanelToBackground[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private disconnectListeners: ((p: { error?: { message?: string } | null }) => void)[] = [];
  disconnected = false;
  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(message as PanelToBackground);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  onMessage = { addListener: (l: (m: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: (p: { error?: { message?: string } | null }) => void) => void this.disconnectListeners.push(l) };
  deliver(message: BackgroundToPanel | unknown): void {
    for (const l of this.messageListeners) l(message);
  }
  drop(error?: string): void {
    this.disconnected = true;
    for (const l of this.disconnectListeners) l(error ? { error: { message: error } } : {});
  }
}

function closed(seq: number): EntangleEvent {
  return { type: 'portClosed', seq, t: seq, port: 'x:1' };
}

function batch(realm: string, seqs: number[], tabId = 5): BackgroundToPanel {
  const events = seqs.map(closed);
  return { kind: 'batch', routed: { tabId, frameId: 0, parentFrameId: -1, realm, first: seqs[0]!, last: seqs[seqs.length - 1]!, json: JSON.stringify({ v: PROTOCOL_VERSION, realm, events }) } };
}

describe('panel connection', () => {
  let ports: FakePort[];
  const connect = (): FakePort => {
    const p = new FakePort();
    ports.push(p);
    return p;
  };
  const last = (): FakePort => ports[ports.length - 1] as FakePort;

  beforeEach(() => {
    ports = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes, stores batches and acknowledges them together with the highest seq held per realm', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = createLogStore();
    const conn = connectPanel({ store, tabId: 5, connect });
    expect(last().sent).toEqual([{ kind: 'subscribe', tabId: 5, have: {} }]);
    last().deliver(batch('A', [1, 2, 3]));
    last().deliver(batch('A', [2, 3]));
    last().deliver(batch('B', [1], 6)); // another tab's batch: not ours
    last().deliver({ kind: 'frameGone', realm: 'A', frameId: 0 });
    last().deliver({ kind: 'nonsense' });
    last().deliver('garbage');
    expect(store.getState().log.length).toBe(3);
    expect(store.getState().realms.get('A')?.gone).toBe(true);
    expect(last().sent).toHaveLength(1); // acknowledgements wait to travel together
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(last().sent.slice(1)).toEqual([{ kind: 'ack', held: [{ realm: 'A', seq: 3 }] }]);
    last().deliver(batch('A', [4]));
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(last().sent.slice(2)).toEqual([{ kind: 'ack', held: [{ realm: 'A', seq: 4 }] }]);
    expect(conn.status.getState().state).toBe('connected');
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    conn.stop();
  });

  it('takes a worker’s batches (frameId -1), marks its realm gone when the worker ends, and keeps the tab’s worker setting', () => {
    const store = createLogStore();
    const conn = connectPanel({ store, tabId: 5, connect });
    const place = { target: 'T1', type: 'worker' as const, url: 'https://a.test/w.js' };
    const b = batch('W', [1, 2]);
    if (b.kind === 'batch') last().deliver({ ...b, routed: { ...b.routed, frameId: -1, worker: place } });
    expect(store.getState().realms.get('W')).toMatchObject({ frameId: -1, gone: false });
    last().deliver({ kind: 'workerGone', realm: 'W', target: 'T1' });
    expect(store.getState().realms.get('W')?.gone).toBe(true);

    expect(conn.workers.state.getState()).toBeNull();
    const state = { status: 'recording' as const, origin: 'https://a.test', on: true, recorded: 1, unrecorded: [] };
    last().deliver({ kind: 'workers', state });
    expect(conn.workers.state.getState()).toEqual(state);
    expect(liveWorkersControl.getState()).toBe(conn.workers);
    conn.workers.setOn(false);
    expect(last().sent.at(-1)).toEqual({ kind: 'recordInsideWorkers', on: false });
    conn.stop();
  });

  it('sends no acknowledgement of a closed port on the next one (its subscribe says what is held)', () => {
    const store = createLogStore();
    const conn = connectPanel({ store, tabId: 5, connect, initialDelayMs: 10 });
    const first = last();
    first.deliver(batch('A', [1, 2]));
    first.drop('service worker stopped');
    vi.advanceTimersByTime(10);
    expect(ports).toHaveLength(2);
    expect(last().sent).toEqual([{ kind: 'subscribe', tabId: 5, have: { A: 2 } }]);
    vi.advanceTimersByTime(ACK_DELAY_MS * 2);
    expect(last().sent).toHaveLength(1); // nothing of A's: the subscribe said it
    last().deliver(batch('B', [1]));
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(last().sent.slice(1)).toEqual([{ kind: 'ack', held: [{ realm: 'B', seq: 1 }] }]);
    last().deliver(batch('B', [2]));
    conn.stop();
    vi.advanceTimersByTime(ACK_DELAY_MS * 2);
    expect(last().sent).toHaveLength(2);
  });

  it('reconnects after a disconnect, resubscribes with the have map, and backs off to 1 s', () => {
    const store = createLogStore();
    const conn = connectPanel({ store, tabId: 5, connect });
    last().deliver(batch('A', [1, 2]));
    last().drop('service worker stopped');
    expect(conn.status.getState()).toMatchObject({ state: 'waiting', lastError: 'service worker stopped' });
    expect(ports).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(ports).toHaveLength(2);
    expect(last().sent).toEqual([{ kind: 'subscribe', tabId: 5, have: { A: 2 } }]);

    // Keeps failing: delays grow 200, 400, 800, then stay at 1000.
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = ports.length;
      last().drop();
      let waited = 0;
      while (ports.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([200, 400, 800, 1000, 1000, 1000]);

    // A message proves the connection: the next disconnect waits 100 ms again.
    last().deliver(batch('A', [2, 3]));
    last().drop();
    vi.advanceTimersByTime(100);
    expect(last().sent).toEqual([{ kind: 'subscribe', tabId: 5, have: { A: 3 } }]);
    expect(store.getState().log.length).toBe(3);
    conn.stop();
  });

  it('keeps trying when connecting throws, and stops for good on stop()', () => {
    const store = createLogStore();
    let fail = true;
    const conn = connectPanel({
      store,
      tabId: 5,
      connect: () => {
        if (fail) throw new Error('Extension context invalidated.');
        return connect();
      },
    });
    expect(conn.status.getState()).toMatchObject({ state: 'waiting', lastError: 'Extension context invalidated.' });
    vi.advanceTimersByTime(100 + 200);
    expect(ports).toHaveLength(0);
    fail = false;
    vi.advanceTimersByTime(400);
    expect(ports).toHaveLength(1);
    conn.stop();
    expect(last().disconnected).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(ports).toHaveLength(1);
    expect(conn.status.getState().state).toBe('stopped');
  });

  it('takes a popup’s batches (another tab, with opener) and a departed-store gap without events', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = createLogStore();
    const conn = connectPanel({ store, tabId: 5, connect });
    const popup = batch('P', [1, 2], 9);
    if (popup.kind === 'batch') popup.routed.opener = { tabId: 5, frameId: 0 };
    last().deliver(popup);
    expect(store.getState().realms.get('P')?.highestSeq).toBe(2);
    last().deliver({ kind: 'batch', routed: { tabId: 5, frameId: 1, realm: 'G', first: 1, last: 4, json: '', dropped: { from: 1, to: 4, reason: 'relayBufferFull' } } });
    expect(store.getState().gaps).toEqual([{ realm: 'G', from: 1, to: 4, reason: 'relayBufferFull' }]);
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(last().sent.slice(1)).toEqual([
      {
        kind: 'ack',
        held: [
          { realm: 'P', seq: 2 },
          { realm: 'G', seq: 4 },
        ],
      },
    ]);
    // An empty batch with any other reason is one the background rejected.
    last().deliver({ kind: 'batch', routed: { tabId: 5, frameId: 1, realm: 'R', first: 1, last: 2, json: '' } });
    expect(store.getState().gaps.at(-1)).toEqual({ realm: 'R', from: 1, to: 2, reason: 'batchRejected' });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    conn.stop();
  });
});
