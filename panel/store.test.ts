import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type DroppedRange, type EntangleEvent, type RoutedBatch } from '../model/protocol';
import { EventLog } from './eventLog';
import { pairedLatencies, portRoutes, portsMoved, receiptOnMovedPort, sendOnMovedPort, trafficOnMovedPort } from './movedPorts.fixture';
import { recordsOfStore } from './captureFiles';
import { createLogStore, LOG_BOUND, type LogEntry } from './store';

function started(seq: number, url = 'https://a.test/'): EntangleEvent {
  return { type: 'realmStarted', seq, t: 1000 + seq, kind: 'top', url, origin: new URL(url).origin, protocol: PROTOCOL_VERSION };
}

function closed(seq: number): EntangleEvent {
  return { type: 'portClosed', seq, t: 1000 + seq, port: 'r:1' };
}

function routed(realm: string, events: EntangleEvent[], extra: Partial<RoutedBatch> = {}): RoutedBatch {
  return { tabId: 7, frameId: 0, parentFrameId: -1, url: 'https://a.test/', batch: { v: PROTOCOL_VERSION, realm, events }, ...extra };
}

function seqs(from: number, to: number): EntangleEvent[] {
  const out: EntangleEvent[] = [];
  for (let s = from; s <= to; s++) out.push(s === 1 ? started(1) : closed(s));
  return out;
}

function logSeqs(entries: Iterable<LogEntry>): string[] {
  return [...entries].map((e) => `${e.realm}#${e.event.seq}`);
}

describe('EventLog', () => {
  it('keeps the newest entries within its bound and never reuses arrival indexes', () => {
    const log = new EventLog<number>(3);
    for (let i = 0; i < 5; i++) log.push(i);
    expect(log.length).toBe(3);
    expect([...log]).toEqual([2, 3, 4]);
    expect(log.start).toBe(2);
    expect(log.byIndex(1)).toBeUndefined();
    expect(log.byIndex(3)).toBe(3);
    expect(log.at(-1)).toBe(4);
    expect(log.tail(2)).toEqual([3, 4]);
    expect(log.tail(10)).toEqual([2, 3, 4]);
    expect(log.slice(1)).toEqual([3, 4]);
    log.clear();
    expect(log.length).toBe(0);
    expect(log.push(9)).toBeUndefined();
    expect(log.start).toBe(5);
  });
});

describe('log store', () => {
  it('records events in arrival order with realm, frame, tab and arrival index', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 2)));
    store.getState().batchReceived(routed('B', seqs(1, 1), { frameId: 3, parentFrameId: 0, url: 'https://b.test/x' }));
    const s = store.getState();
    expect(s.log.length).toBe(3);
    expect(s.log.at(2)).toMatchObject({ index: 2, realm: 'B', frameId: 3, tabId: 7 });
    expect(logSeqs(s.log)).toEqual(['A#1', 'A#2', 'B#1']);
    expect(s.realms.get('A')).toMatchObject({ kind: 'top', url: 'https://a.test/', origin: 'https://a.test', frameId: 0, parentFrameId: -1, highestSeq: 2 });
    expect(s.realms.get('B')).toMatchObject({ frameId: 3, parentFrameId: 0, documentUrl: 'https://b.test/x', highestSeq: 1 });
    expect(s.t0).toBe(1001);
  });

  it('ignores events it already holds when a relay resends after a reconnect', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 3)));
    const version = store.getState().version;
    store.getState().batchReceived(routed('A', seqs(2, 5)));
    store.getState().batchReceived(routed('A', seqs(1, 5)));
    const s = store.getState();
    expect(logSeqs(s.log)).toEqual(['A#1', 'A#2', 'A#3', 'A#4', 'A#5']);
    expect(s.duplicates).toBe(2 + 5);
    expect(s.gapCount).toBe(0);
    expect(s.total).toBe(5);
    expect(s.version).toBeGreaterThan(version);
    expect(s.haveMap()).toEqual({ A: 5 });
  });

  it('records a jump in seq as a gap of unknown reason', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 2)));
    store.getState().batchReceived(routed('A', [closed(6), closed(7)]));
    const s = store.getState();
    expect(s.gaps).toEqual([{ realm: 'A', from: 3, to: 5, reason: 'unknown' }]);
    expect(s.missing).toBe(3);
    expect(s.realms.get('A')).toMatchObject({ highestSeq: 7, gaps: 3, relayDropped: 0, events: 4 });
  });

  it('a realm first seen after seq 1 has a gap from 1', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', [closed(4)]));
    expect(store.getState().gaps).toEqual([{ realm: 'A', from: 1, to: 3, reason: 'unknown' }]);
  });

  it('takes the gap reason from the relay’s dropped range, and counts it once', () => {
    const store = createLogStore();
    const dropped: DroppedRange = { from: 3, to: 9, reason: 'relayBufferFull' };
    store.getState().batchReceived(routed('A', seqs(1, 2)));
    store.getState().batchReceived(routed('A', [closed(10)], { dropped }));
    // The same batch resent after a reconnect, still carrying its dropped range.
    store.getState().batchReceived(routed('A', [closed(10), closed(11)], { dropped }));
    const s = store.getState();
    expect(s.gaps).toEqual([{ realm: 'A', from: 3, to: 9, reason: 'relayBufferFull' }]);
    expect(s.realms.get('A')).toMatchObject({ highestSeq: 11, gaps: 7, relayDropped: 7 });
    expect(logSeqs(s.log)).toEqual(['A#1', 'A#2', 'A#10', 'A#11']);
  });

  it('splits a gap the dropped range only partly explains, and accepts a dropped range with no events', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 2)));
    store.getState().batchReceived(routed('A', [], { dropped: { from: 5, to: 6, reason: 'batchRejected' } }));
    store.getState().batchReceived(routed('A', [closed(7)]));
    const s = store.getState();
    expect(s.gaps).toEqual([
      { realm: 'A', from: 3, to: 4, reason: 'unknown' },
      { realm: 'A', from: 5, to: 6, reason: 'batchRejected' },
    ]);
    expect(s.realms.get('A')).toMatchObject({ highestSeq: 7, gaps: 4, relayDropped: 2 });
    expect(s.haveMap()).toEqual({ A: 7 });
  });

  it('evicts the oldest events beyond the bound and counts them', () => {
    const store = createLogStore({ bound: 4, preserveLog: true });
    store.getState().batchReceived(routed('A', seqs(1, 3)));
    store.getState().batchReceived(routed('B', seqs(1, 3)));
    const s = store.getState();
    expect(s.log.length).toBe(4);
    expect(logSeqs(s.log)).toEqual(['A#3', 'B#1', 'B#2', 'B#3']);
    expect(s.log.at(0)?.index).toBe(2);
    expect(s.evicted).toBe(2);
    expect(s.total).toBe(6);
  });

  it('holds at most LOG_BOUND events by default, without copying the log per batch', () => {
    const store = createLogStore();
    const log = store.getState().log;
    const n = LOG_BOUND + 1_500;
    for (let from = 1; from <= n; from += 5_000) store.getState().batchReceived(routed('A', seqs(from, Math.min(n, from + 4_999))));
    const s = store.getState();
    expect(s.log).toBe(log);
    expect(s.log.length).toBe(LOG_BOUND);
    expect(s.evicted).toBe(1_500);
    expect(s.log.at(0)?.event.seq).toBe(1_501);
    expect(s.log.at(-1)?.event.seq).toBe(n);
  });

  it('counts events per type and per realm', () => {
    const store = createLogStore({ preserveLog: true });
    store.getState().batchReceived(routed('A', seqs(1, 3)));
    store.getState().batchReceived(routed('B', seqs(1, 1)));
    const s = store.getState();
    expect(s.countsByType.realmStarted).toBe(2);
    expect(s.countsByType.portClosed).toBe(2);
    expect(s.countsByType.messageSent).toBe(0);
    expect(s.total).toBe(4);
    expect(s.realms.get('A')?.events).toBe(3);
    expect(s.realms.get('B')?.events).toBe(1);
  });

  it('clears the log and counts but keeps sequence bookkeeping, so resends stay out', () => {
    const store = createLogStore({ bound: 2 });
    store.getState().batchReceived(routed('A', seqs(1, 3)));
    store.getState().batchReceived(routed('A', [closed(6)]));
    store.getState().logCleared();
    let s = store.getState();
    expect(s.log.length).toBe(0);
    expect(s.total).toBe(0);
    expect(s.evicted).toBe(0);
    expect(s.gaps).toEqual([]);
    expect(s.missing).toBe(0);
    expect(s.t0).toBeNull();
    expect(s.countsByType.portClosed).toBe(0);
    expect(s.realms.get('A')).toMatchObject({ kind: 'top', highestSeq: 6, events: 0, gaps: 0 });
    expect(s.haveMap()).toEqual({ A: 6 });

    store.getState().batchReceived(routed('A', [closed(6), closed(7)]));
    s = store.getState();
    expect(logSeqs(s.log)).toEqual(['A#7']);
    expect(s.gapCount).toBe(0);
    expect(s.t0).toBe(1007);
  });

  it('marks a realm gone and brings it back if it sends again', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 1)));
    store.getState().frameGone('A');
    store.getState().frameGone('nobody');
    expect(store.getState().realms.get('A')?.gone).toBe(true);
    expect(store.getState().realms.has('nobody')).toBe(false);
    store.getState().batchReceived(routed('A', seqs(2, 2)));
    expect(store.getState().realms.get('A')?.gone).toBe(false);
  });

  it('while paused, keeps sequence bookkeeping (for acks) but adds nothing to the log', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 1)));
    store.getState().recordingPaused();
    store.getState().batchReceived(routed('A', seqs(2, 4)));
    let s = store.getState();
    expect(s.recording).toBe(false);
    expect(logSeqs(s.log)).toEqual(['A#1']);
    expect(s.notRecorded).toBe(3);
    expect(s.haveMap()).toEqual({ A: 4 });
    store.getState().recordingResumed();
    store.getState().batchReceived(routed('A', seqs(3, 5)));
    s = store.getState();
    expect(logSeqs(s.log)).toEqual(['A#1', 'A#5']);
    expect(s.gapCount).toBe(0);
  });

  it('builds the have map without touching prototypes', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('__proto__', seqs(1, 2)));
    const have = store.getState().haveMap();
    expect(Object.getPrototypeOf(have)).toBe(Object.prototype);
    expect(Object.keys(have)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(have))).toEqual(JSON.parse('{"__proto__":2}'));
  });
});

describe('log store: the model', () => {
  const channel = (seq: number): EntangleEvent => ({ type: 'channelCreated', seq, t: 1000 + seq, channel: 'top:c1', port1: 'top:1', port2: 'top:2' });
  const start = (seq: number, port: string): EntangleEvent => ({ type: 'portStarted', seq, t: 1000 + seq, port, implicit: true });
  const send = (seq: number, port: string): EntangleEvent => ({ type: 'messageSent', seq, t: 1000 + seq, route: 'port', port, transfer: [], outcome: 'posted', preview: seq });
  const recv = (seq: number, port: string): EntangleEvent => ({ type: 'messageReceived', seq, t: 1000.5 + seq, route: 'port', port, origin: '', ports: [], preview: seq });

  it('keeps the capture model of the events it holds, batch by batch', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('top', [started(1), channel(2), start(3, 'top:2'), send(4, 'top:1'), recv(5, 'top:2')]));
    let m = store.getState().model();
    expect(m.messages.map((x) => [x.status, x.fromPort, x.toPort])).toEqual([['delivered', 'top:1', 'top:2']]);
    expect(m.messages[0]!.send?.index).toBe(3);
    expect(store.getState().log.byIndex(m.messages[0]!.send!.index)?.event.type).toBe('messageSent');
    store.getState().batchReceived(routed('top', [send(6, 'top:1')]));
    m = store.getState().model();
    expect(m.messages.map((x) => x.status)).toEqual(['delivered', 'in-flight']);
    store.getState().batchReceived(routed('top', [recv(7, 'top:2')]));
    expect(store.getState().model().messages.map((x) => x.status)).toEqual(['delivered', 'delivered']);
  });

  it('after a clear, knows the realms (not their old events) and reports no gap for what was cleared', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('top', [started(1), channel(2), send(3, 'top:1')]));
    store.getState().logCleared();
    store.getState().batchReceived(routed('top', [send(4, 'top:1')]));
    const m = store.getState().model();
    expect(m.realms.map((r) => [r.id, r.kind])).toEqual([['top', 'top']]);
    expect(m.channels.map((c) => c.id)).toEqual(['top:c1']);
    expect(m.messages[0]?.toPort).toBe('top:2');
    expect(m.gaps).toEqual([]);
    expect(m.messages.map((x) => x.id)).toEqual(['top#4']);
  });

  it('while paused, leaves the events out of the model without counting a gap', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('top', [started(1), channel(2)]));
    store.getState().recordingPaused();
    store.getState().batchReceived(routed('top', [send(3, 'top:1')]));
    store.getState().recordingResumed();
    store.getState().batchReceived(routed('top', [send(4, 'top:1')]));
    const m = store.getState().model();
    expect(m.gaps).toEqual([]);
    expect(m.messages.map((x) => x.id)).toEqual(['top#4']);
  });

  it('rebuilds the model from what the log holds once a quarter of its bound was evicted', () => {
    const store = createLogStore({ bound: 8 });
    store.getState().batchReceived(routed('top', [started(1), channel(2), start(3, 'top:2')]));
    for (let s = 4; s < 40; s += 2) store.getState().batchReceived(routed('top', [send(s, 'top:1'), recv(s + 1, 'top:2')]));
    const m = store.getState().model();
    // Only the messages whose events are held (and at most a quarter of the bound more), all still
    // matched on their channel; none reported as a gap; the realm still known as 'top'.
    expect(m.messages.length).toBeLessThanOrEqual(5);
    expect(m.messages.length).toBeGreaterThanOrEqual(4);
    expect(new Set(m.messages.map((x) => x.status))).toEqual(new Set(['delivered']));
    expect(m.channels.map((c) => c.id)).toEqual(['top:c1']);
    expect(m.gaps).toEqual([]);
    expect(m.realms[0]!.kind).toBe('top');
    for (const x of m.messages) expect(store.getState().log.byIndex(x.send!.index)?.event.seq).toBe(Number(x.id.split('#')[1]));
  });

  describe('ports that moved to another realm before a clear or an eviction', () => {
    it('after a clear, still matches the traffic on them', () => {
      const store = createLogStore();
      portsMoved(store);
      trafficOnMovedPort(store, 2, 7, 6);
      store.getState().logCleared();
      trafficOnMovedPort(store, 3, 9, 8);
      expect(portRoutes(store)).toEqual(['delivered top:top:3 → ifr:top:4']);
      // What was cleared between the structure records kept (the iframe's window receipt) is no gap.
      expect(store.getState().model().gaps).toEqual([]);
      const port = store.getState().model().ports.find((p) => p.id === 'top:4')!;
      expect(port.custody.map((c) => [c.realm, c.localId, c.via])).toEqual([['top', 'top:4', 'created'], ['ifr', 'ifr:2', 'port']]);
      expect(store.getState().model().ports.find((p) => p.id === 'top:2')!.custody.map((c) => [c.realm, c.via])).toEqual([['top', 'created'], ['ifr', 'window']]);
    });

    it('a send cleared while its receipt is still to come pairs with nothing: later pairs stay in line', () => {
      const store = createLogStore();
      portsMoved(store);
      sendOnMovedPort(store, 7);
      store.getState().logCleared();
      receiptOnMovedPort(store, 6, 7);
      trafficOnMovedPort(store, 2, 8, 7);
      expect(pairedLatencies(store)).toEqual([0.5]);
      const m = store.getState().model().messages;
      expect(m.filter((x) => !x.send).map((x) => [x.id, x.status, x.ambiguous])).toEqual([['ifr#6', 'delivered', false]]);
    });

    it('a receipt cleared while its send is still to come: that send is delivered, later pairs stay in line', () => {
      const store = createLogStore();
      portsMoved(store);
      receiptOnMovedPort(store, 6, 7);
      store.getState().logCleared();
      sendOnMovedPort(store, 7);
      trafficOnMovedPort(store, 2, 8, 7);
      expect(pairedLatencies(store)).toEqual([0.5]);
      const sent = store.getState().model().messages.find((x) => x.id === 'top#7');
      expect([sent?.status, sent?.receipt]).toEqual(['delivered', undefined]);
    });

    it('a port that went to a worker and came back keeps its custody across a clear', () => {
      const store = createLogStore();
      const at = (seq: number) => 1000 + seq;
      store.getState().batchReceived(routed('top', [
        started(1),
        channel(2),
        start(3, 'top:1'),
        { type: 'workerCreated', seq: 4, t: at(4), worker: 'top:w1', url: 'https://a.test/w.js', workerType: 'classic' },
        { type: 'messageSent', seq: 5, t: at(5), route: 'worker', worker: 'top:w1', transfer: [{ kind: 'MessagePort', port: 'top:2' }], outcome: 'posted' },
        { type: 'messageReceived', seq: 6, t: at(6), route: 'worker', worker: 'top:w1', origin: '', ports: ['top:5'], preview: 'back' },
        start(7, 'top:5'),
        send(8, 'top:1'),
        recv(9, 'top:5'),
      ]));
      const custody = () => store.getState().model().ports.find((p) => p.id === 'top:2')?.custody.map((c) => [c.realm, c.via]);
      const before = custody();
      expect(before).toEqual([['top', 'created'], ['top:w1', 'worker'], ['top', 'worker']]);
      store.getState().logCleared();
      store.getState().batchReceived(routed('top', [send(10, 'top:1'), recv(11, 'top:5')]));
      expect(custody()).toEqual(before);
      expect(store.getState().model().messages.map((x) => [x.id, x.status])).toEqual([['top#10', 'delivered']]);
    });

    it('after an eviction rebuild, still matches the traffic on them', () => {
      const store = createLogStore({ bound: 40 });
      portsMoved(store);
      trafficOnMovedPort(store, 60, 7, 6);
      expect(store.getState().evicted).toBeGreaterThan(10);
      expect(portRoutes(store)).toEqual(['delivered top:top:3 → ifr:top:4']);
      expect(store.getState().model().ports.length).toBe(4);
      expect(store.getState().model().gaps).toEqual([]);
      // Each receipt with its own send, not the one before (the bound cut sends and receipts apart).
      expect(pairedLatencies(store)).toEqual([0.5]);
    });

    it('in a capture larger than the log bound, still matches the traffic on them', () => {
      const live = createLogStore();
      portsMoved(live);
      trafficOnMovedPort(live, 30, 7, 6);
      const info = live.getState().realms;
      const records = [...live.getState().log].map((e) => ({ realm: e.realm, tabId: e.tabId, frameId: e.frameId, parentFrameId: info.get(e.realm)!.parentFrameId!, event: e.event }));
      const small = createLogStore({ bound: 20, preserveLog: true });
      small.getState().captureLoaded(records, []);
      expect(small.getState().evicted).toBeGreaterThan(10);
      expect(portRoutes(small)).toEqual(['delivered top:top:3 → ifr:top:4']);
    });
  });

  it('clears the log when the tab navigates to a new top document, unless preserveLog is on', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('old', [started(1), channel(2)]));
    store.getState().batchReceived(routed('new', [started(1, 'https://a.test/next')]));
    let s = store.getState();
    expect(s.navigations).toBe(1);
    expect(logSeqs(s.log)).toEqual(['new#1']);
    expect(s.model().realms.map((r) => r.id)).toEqual(['new']);

    const kept = createLogStore({ preserveLog: true });
    kept.getState().batchReceived(routed('old', [started(1), channel(2)]));
    kept.getState().batchReceived(routed('new', [started(1, 'https://a.test/next')]));
    s = kept.getState();
    expect(s.navigations).toBe(0);
    expect(logSeqs(s.log)).toEqual(['old#1', 'old#2', 'new#1']);
    // An iframe's realm starting is not a navigation.
    s.batchReceived(routed('ifr', [{ ...(started(1) as Extract<EntangleEvent, { type: 'realmStarted' }>), kind: 'iframe' }], { frameId: 3, parentFrameId: 0 }));
    expect(kept.getState().navigations).toBe(0);
  });

  it('keeps the new page’s frames whose batches arrive before its top document’s', () => {
    const store = createLogStore();
    const frameStarted = (seq: number, t: number): EntangleEvent => ({ ...(started(seq) as Extract<EntangleEvent, { type: 'realmStarted' }>), t, kind: 'iframe' });
    store.getState().batchReceived(routed('old', [started(1), channel(2)]));
    // The old page's frame started before the new top document; the new page's frame after it.
    store.getState().batchReceived(routed('oldFrame', [frameStarted(1, 1000.5)], { frameId: 3, parentFrameId: 0 }));
    store.getState().batchReceived(routed('newFrame', [frameStarted(1, 5000), closed(2)], { frameId: 4, parentFrameId: 0 }));
    store.getState().batchReceived(routed('new', [{ ...(started(1, 'https://a.test/next') as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 4000 }]));
    const s = store.getState();
    expect(s.navigations).toBe(1);
    expect(logSeqs(s.log)).toEqual(['newFrame#1', 'newFrame#2', 'new#1']);
    expect(s.total).toBe(3);
    expect(s.countsByType.realmStarted).toBe(2);
    expect(s.realms.get('oldFrame')?.retired).toBe(true);
    expect(s.realms.get('newFrame')).toMatchObject({ events: 2 });
    expect(s.realms.get('newFrame')?.retired).toBeUndefined();
    expect(s.model().realms.map((r) => r.id).sort()).toEqual(['new', 'newFrame']);
    // The rebuilt model still places the kept frame in the frame tree (log entries do not carry it).
    expect(s.model().realms.find((r) => r.id === 'newFrame')?.parent).toBe('new');
    expect(s.model().gaps).toEqual([]);
  });

  it('keeps the new page’s reporter of dropped window messages when it is heard from before the new top document', () => {
    const store = createLogStore();
    const dropped = (seq: number, t: number): EntangleEvent => ({ type: 'windowMessageDropped', seq, t, targetOrigin: 'https://b.test', recipientOrigin: 'https://a.test' });
    const reporter = { frameId: -1, parentFrameId: undefined, url: undefined };
    store.getState().batchReceived(routed('old', [started(1), channel(2)]));
    store.getState().batchReceived(routed('oldReporter', [dropped(1, 1500)], reporter));
    store.getState().batchReceived(routed('newReporter', [dropped(1, 5000)], reporter));
    store.getState().batchReceived(routed('new', [{ ...(started(1, 'https://a.test/next') as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 4000 }]));
    const s = store.getState();
    expect(s.navigations).toBe(1);
    expect(logSeqs(s.log)).toEqual(['newReporter#1', 'new#1']);
    expect(s.realms.get('oldReporter')?.retired).toBe(true);
    expect(s.realms.get('newReporter')?.retired).toBeUndefined();
    expect(s.model().messages.map((m) => m.status)).toEqual(['dropped-origin']);
  });

  it('keeps a shared worker recorded from the inside across a navigation (it outlives the page), without its old events', () => {
    const store = createLogStore();
    const hub = { frameId: -1, parentFrameId: undefined, url: undefined, worker: { target: 'T-hub', type: 'sharedworker' as const, url: 'https://a.test/shared.js' } };
    const hubStarted: EntangleEvent = { type: 'realmStarted', seq: 1, t: 1200, kind: 'sharedworker', url: 'https://a.test/shared.js', origin: 'https://a.test', protocol: PROTOCOL_VERSION };
    store.getState().batchReceived(routed('old', [started(1), channel(2)]));
    store.getState().batchReceived(routed('hub', [hubStarted, closed(2)], hub));
    store.getState().batchReceived(routed('new', [{ ...(started(1, 'https://a.test/next') as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 5000 }]));
    store.getState().batchReceived(routed('hub', [{ ...closed(3), t: 5100 }], hub));
    const s = store.getState();
    expect(s.navigations).toBe(1);
    expect(s.realms.get('old')?.retired).toBe(true);
    expect(s.realms.get('hub')?.retired).toBeUndefined();
    expect(logSeqs(s.log)).toEqual(['new#1', 'hub#3']);
    expect(s.model().realms.map((r) => [r.id, r.kind]).sort()).toEqual([['hub', 'sharedworker'], ['new', 'top']]);
    expect(s.model().gaps).toEqual([]);
  });

  it('a navigated-away page stays away: its late batches and its frame going add nothing to the model', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('old', [started(1), channel(2)]));
    store.getState().batchReceived(routed('new', [{ ...(started(1, 'https://a.test/next') as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 5000 }]));
    store.getState().batchReceived(routed('old', [closed(3), closed(4)]));
    store.getState().frameGone('old');
    const s = store.getState();
    expect(logSeqs(s.log)).toEqual(['new#1']);
    expect(s.model().realms.map((r) => r.id)).toEqual(['new']);
    expect(s.model().gaps).toEqual([]);
    expect(s.missing).toBe(0);
    // Its resends are still recognised as such.
    expect(s.realms.get('old')?.highestSeq).toBe(4);
  });

  it('a navigation right after a clear still retires the old page', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('old', [started(1), channel(2)]));
    store.getState().logCleared();
    store.getState().batchReceived(routed('new', [{ ...(started(1, 'https://a.test/next') as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 5000 }]));
    const s = store.getState();
    expect(s.navigations).toBe(1);
    expect(s.realms.get('old')?.retired).toBe(true);
    expect(s.model().realms.map((r) => r.id)).toEqual(['new']);
  });

  it('times after a navigation that kept an early frame count from the new top document', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('old', [started(1)]));
    store.getState().batchReceived(routed('frame', [{ ...(started(1) as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 5000, kind: 'iframe' }], { frameId: 4, parentFrameId: 0 }));
    store.getState().batchReceived(routed('new', [{ ...(started(1, 'https://a.test/next') as Extract<EntangleEvent, { type: 'realmStarted' }>), t: 4000 }]));
    expect(store.getState().t0).toBe(4000);
  });

  it('loads a capture (records and gaps) into an empty store, with the model, and refuses a non-empty one', () => {
    const store = createLogStore();
    const rec = (event: EntangleEvent) => ({ realm: 'top', tabId: 1, frameId: 0, parentFrameId: -1, event });
    store.getState().captureLoaded([rec(started(1)), rec(channel(2)), rec(start(3, 'top:2')), rec(send(4, 'top:1')), rec(recv(6, 'top:2'))], [{ realm: 'top', from: 5, to: 5, reason: 'relayBufferFull' }]);
    const s = store.getState();
    expect(s.total).toBe(5);
    expect(s.recording).toBe(false);
    expect(s.gapCount).toBe(1);
    expect(s.missing).toBe(1);
    expect(s.model().messages.map((x) => x.status)).toEqual(['delivered']);
    expect(() => s.captureLoaded([rec(started(1))], [])).toThrow(/empty/);
  });
});

describe('previews in the log store', () => {
  /** A receipt whose preview is a fresh object each time: `{type: 'tick', n}` with n in `payload`. */
  const tick = (seq: number, n: number): EntangleEvent => ({
    type: 'messageReceived',
    seq,
    t: 1000 + seq,
    route: 'window',
    origin: 'https://a.test',
    ports: [],
    preview: { $t: 'object', entries: [['type', 'tick'], ['payload', { $t: 'array', length: 1, items: [n] }]], more: 0 },
    size: 20,
  });
  const previewsOf = (entries: Iterable<LogEntry>): unknown[] => [...entries].flatMap((e) => (e.event.type === 'messageReceived' ? [e.event.preview] : []));

  it('keeps equal previews of a live log as one object, each still what was received', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', [started(1)]));
    for (let b = 0; b < 8; b++) store.getState().batchReceived(routed('A', [tick(2 + 2 * b, 5), tick(3 + 2 * b, 100 + b)]));
    const previews = previewsOf(store.getState().log);
    expect(previews).toEqual(Array.from({ length: 8 }, (_, b) => [tick(0, 5), tick(0, 100 + b)].map((e) => (e as { preview: unknown }).preview)).flat());
    // The repeated one is shared from its fifth receipt on: a part is shared from the occurrence after
    // the one its insides were first seen at, and this one is five parts deep.
    const fives = previews.filter((_, i) => i % 2 === 0);
    expect(new Set(fives.slice(4)).size).toBe(1);
    expect(new Set(fives).size).toBe(5);
    expect(store.getState().model().messages.filter((m) => m.preview === fives[7])).toHaveLength(4);
  });

  it('starts sharing afresh after a clear (the cleared log\'s previews are let go)', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', [started(1)]));
    for (let i = 0; i < 6; i++) store.getState().batchReceived(routed('A', [tick(2 + i, 5)]));
    const shared = previewsOf(store.getState().log).at(-1);
    store.getState().logCleared();
    store.getState().batchReceived(routed('A', [tick(8, 5)]));
    const [after] = previewsOf(store.getState().log);
    expect(after).toEqual(shared);
    expect(after).not.toBe(shared);
  });

  it('shares the previews of an opened capture alike once it settles, its messages’ too', () => {
    const store = createLogStore();
    const rec = (event: EntangleEvent) => ({ realm: 'top', tabId: 1, frameId: 0, parentFrameId: -1, event });
    store.getState().captureLoaded([rec(started(1)), ...Array.from({ length: 8 }, (_, i) => rec(tick(2 + i, 5)))], []);
    const expected = (tick(0, 5) as { preview: unknown }).preview;
    // Read as they are until then (the first render does not wait for the sharing).
    const read = previewsOf(store.getState().log);
    expect(new Set(read).size).toBe(8);
    const messagePreviews = () => store.getState().model().messages.map((m) => m.preview);
    expect(messagePreviews()).toEqual(Array.from({ length: 8 }, () => expected));
    store.getState().settle();
    const previews = previewsOf(store.getState().log);
    expect(previews).toHaveLength(8);
    expect(previews[7]).toEqual(expected);
    expect(new Set(previews.slice(4)).size).toBe(1);
    // Each message holds a preview the log holds too: no copy of its own stays alive.
    expect(messagePreviews()).toEqual(Array.from({ length: 8 }, () => expected));
    for (const p of messagePreviews()) expect(previews).toContain(p);
    expect(new Set(messagePreviews()).size).toBeLessThan(8);
  });
});

describe('popups in the log store', () => {
  const popupStart: EntangleEvent = { type: 'realmStarted', seq: 1, t: 1001, kind: 'popup', url: 'https://pay.test/', origin: 'https://pay.test', protocol: PROTOCOL_VERSION };
  const popupBatch = (events: EntangleEvent[]): RoutedBatch => routed('P', events, { tabId: 9, frameId: 0, url: 'https://pay.test/', opener: { tabId: 7, frameId: 0 } });

  it('keeps the opener of a popup’s realm for the records it gives back (captures, rebuilds)', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 1)));
    store.getState().batchReceived(popupBatch([popupStart, closed(2)]));
    expect(store.getState().realms.get('P')).toMatchObject({ tabId: 9, opener: { tabId: 7, frameId: 0 } });
    // The model hangs the popup under the realm in the opener's frame.
    expect(store.getState().model().realms.find((r) => r.id === 'P')).toMatchObject({ kind: 'popup', parent: 'A' });
    expect(recordsOfStore(store.getState()).filter((r) => r.realm === 'P').map((r) => r.opener)).toEqual([
      { tabId: 7, frameId: 0 },
      { tabId: 7, frameId: 0 },
    ]);
  });

  it('a popup’s top document is not a navigation of the inspected tab', () => {
    const store = createLogStore();
    store.getState().batchReceived(routed('A', seqs(1, 2)));
    store.getState().batchReceived(popupBatch([{ ...popupStart, kind: 'top' }]));
    expect(logSeqs(store.getState().log)).toEqual(['A#1', 'A#2', 'P#1']);
    expect(store.getState().navigations).toBe(0);
  });
});
