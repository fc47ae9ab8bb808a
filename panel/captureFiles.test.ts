import { describe, expect, it } from 'vitest';
import { readCapture } from '../model/capture';
import { PROTOCOL_VERSION, type EntangleEvent, type RoutedBatch } from '../model/protocol';
import { captureBytes, openCapture } from './captureFiles';
import { portRoutes, portsMoved, sendOnMovedPort, trafficOnMovedPort } from './movedPorts.fixture';
import { createLogStore } from './store';

const batch = (events: EntangleEvent[]): RoutedBatch => ({ tabId: 1, frameId: 0, parentFrameId: -1, url: 'https://a.test/', batch: { v: PROTOCOL_VERSION, realm: 'top', events } });
const started: EntangleEvent = { type: 'realmStarted', seq: 1, t: 1000, kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION };
const closed = (seq: number): EntangleEvent => ({ type: 'portClosed', seq, t: 1000 + seq, port: 'top:1' });

describe('capture files of the panel', () => {
  it('a log saved after a clear opens without an invented gap', async () => {
    const live = createLogStore();
    live.getState().batchReceived(batch([started, closed(2), closed(3)]));
    live.getState().logCleared();
    live.getState().batchReceived(batch([closed(4), closed(5)]));
    expect(live.getState().missing).toBe(0);
    const opened = await openCapture(await captureBytes(live.getState()), 'after-clear.json.gz');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const s = opened.opened.store.getState();
    expect(s.missing).toBe(0);
    expect(s.model().gaps).toEqual([]);
    // Its realmStarted was cleared; the capture's context still says what the realm is.
    expect(s.model().realms.map((r) => [r.id, r.kind])).toEqual([['top', 'top']]);
  });

  it('a log saved after a clear opens with its moved ports still matched (the capture keeps their custody)', async () => {
    const live = createLogStore();
    portsMoved(live);
    trafficOnMovedPort(live, 2, 7, 6);
    live.getState().logCleared();
    trafficOnMovedPort(live, 3, 9, 8);
    expect(portRoutes(live)).toEqual(['delivered top:top:3 → ifr:top:4']);
    const opened = await openCapture(await captureBytes(live.getState()), 'after-clear.json.gz');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const store = opened.opened.store;
    expect(portRoutes(store)).toEqual(['delivered top:top:3 → ifr:top:4']);
    expect(store.getState().model().gaps).toEqual([]);
    expect(store.getState().model().realms.map((r) => [r.id, r.kind])).toEqual([['top', 'top'], ['ifr', 'iframe']]);
    // Only the events after the clear are the capture's log (the context's records are not events).
    expect(store.getState().model().messages.length).toBe(3);
    expect(store.getState().model().totals.events).toBe(6);
  });

  it('a capture opened and saved again keeps its context, also of realms with no events in it', async () => {
    const live = createLogStore();
    portsMoved(live);
    live.getState().logCleared();
    // Only the top sends after the clear: the iframe is known from the context alone.
    sendOnMovedPort(live, 7);
    const first = live.getState().captureContext();
    const once = await openCapture(await captureBytes(live.getState()), 'once.json.gz');
    if (!once.ok) throw new Error(once.error);
    const again = once.opened.store.getState().captureContext();
    expect(again.records.map((r) => `${r.realm}#${r.event.seq}`)).toEqual(first.records.map((r) => `${r.realm}#${r.event.seq}`));
    expect(again.joins.length).toBe(first.joins.length);
    const twice = await openCapture(await captureBytes(once.opened.store.getState()), 'twice.json.gz');
    if (!twice.ok) throw new Error(twice.error);
    expect(twice.opened.store.getState().model().realms.map((r) => [r.id, r.kind])).toEqual([['top', 'top'], ['ifr', 'iframe']]);
    expect(portRoutes(twice.opened.store)).toEqual(portRoutes(live));
  });

  it('an opened capture, settled, keeps its model and its context and lets the correlator go', async () => {
    const live = createLogStore();
    portsMoved(live);
    live.getState().logCleared();
    trafficOnMovedPort(live, 3, 9, 8);
    const opened = await openCapture(await captureBytes(live.getState()), 'settle.json.gz');
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.opened.store;
    const model = store.getState().model();
    const context = store.getState().captureContext();
    const bytes = await captureBytes(store.getState());
    store.getState().settle();
    expect(store.getState().model()).toBe(model);
    expect(store.getState().captureContext()).toEqual(context);
    const [before, after] = await Promise.all([readCapture(bytes), readCapture(await captureBytes(store.getState()))]);
    if (!before.ok || !after.ok) throw new Error('unreadable');
    expect(after.capture.context).toEqual(before.capture.context);
    expect(after.capture.records).toEqual(before.capture.records);
    // The correlator is gone: the store takes no more events (a capture never gets any).
    expect(() => store.getState().batchReceived(batch([closed(50)]))).toThrow(/settled/);
    // Cleared all the same (no control of the panel does that to a capture): it starts over, empty.
    store.getState().logCleared();
    expect(store.getState().model().messages).toEqual([]);
    // A live store keeps its correlator.
    live.getState().settle();
    live.getState().batchReceived(batch([closed(60)]));
    expect(live.getState().model().totals.events).toBeGreaterThan(0);
  });

  it('a capture larger than the log bound keeps its channels (their records were evicted)', async () => {
    const live = createLogStore();
    const events: EntangleEvent[] = [started, { type: 'channelCreated', seq: 2, t: 1002, channel: 'top:c1', port1: 'top:1', port2: 'top:2' }, { type: 'portStarted', seq: 3, t: 1003, port: 'top:2', implicit: true }];
    let seq = 3;
    for (let i = 0; i < 10; i++) {
      events.push({ type: 'messageSent', seq: ++seq, t: 1000 + seq, route: 'port', port: 'top:1', transfer: [], outcome: 'posted' });
      events.push({ type: 'messageReceived', seq: ++seq, t: 1000 + seq, route: 'port', port: 'top:2', origin: '', ports: [], preview: 'x', size: 3 });
    }
    live.getState().batchReceived(batch(events));
    const bytes = await captureBytes(live.getState());
    const { createLogStore: make } = await import('./store');
    const small = make({ bound: 10, preserveLog: true });
    const { readCapture } = await import('../model/capture');
    const read = await readCapture(bytes);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    small.getState().captureLoaded(read.capture.records, read.capture.gaps);
    const m = small.getState().model();
    expect(m.channels.map((c) => c.id)).toEqual(['top:c1']);
    expect(new Set(m.messages.map((x) => x.status))).toEqual(new Set(['delivered']));
  });
});
