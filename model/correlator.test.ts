import { describe, expect, it } from 'vitest';
import { correlateSaved, createCorrelator, summarize, type CaptureModel, type MessageModel } from './correlator';
import { latencyOf } from './model-types';
import { GONE_GRACE_MS } from './correlate-frames';
import type { LogGap, LogRecord } from './log';
import { PROTOCOL_VERSION, type EntangleEvent, type PortId, type RealmKind, type SendOutcome, type WindowRelation } from './protocol';

// ── builders: a tab whose realms emit events on one shared clock, in call order ──

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;

class Tab {
  readonly records: LogRecord[] = [];
  t = 1000;
  realm(id: string, opts: { kind?: RealmKind; frameId?: number; parentFrameId?: number; origin?: string } = {}): Realm {
    return new Realm(this, id, opts.kind ?? 'top', opts.frameId ?? 0, opts.parentFrameId ?? -1, opts.origin ?? 'https://a.test');
  }
}

class Realm {
  seq = 0;
  private ports = 0;
  private channels = 0;
  private workers = 0;
  constructor(
    readonly tab: Tab,
    readonly id: string,
    readonly kind: RealmKind,
    readonly frameId: number,
    readonly parentFrameId: number,
    readonly origin: string,
  ) {}

  emit(body: Body<EntangleEvent>): EntangleEvent {
    const event = { ...body, seq: ++this.seq, t: (this.tab.t += 1) } as EntangleEvent;
    this.tab.records.push({ realm: this.id, tabId: 1, frameId: this.frameId, parentFrameId: this.parentFrameId, event });
    return event;
  }
  start(): this {
    this.emit({ type: 'realmStarted', kind: this.kind, url: `${this.origin}/${this.id}`, origin: this.origin, protocol: PROTOCOL_VERSION });
    return this;
  }
  newPortId(): PortId {
    return `${this.id}:${++this.ports}`;
  }
  channel(): [PortId, PortId] {
    const a = this.newPortId();
    const b = this.newPortId();
    this.emit({ type: 'channelCreated', channel: `${this.id}:c${++this.channels}`, port1: a, port2: b });
    return [a, b];
  }
  send(port: PortId, opts: { transfer?: PortId[]; outcome?: SendOutcome; error?: { name: string; message: string }; size?: number } = {}): void {
    this.emit({
      type: 'messageSent',
      route: 'port',
      port,
      transfer: (opts.transfer ?? []).map((p) => ({ kind: 'MessagePort', port: p })),
      outcome: opts.outcome ?? 'posted',
      ...(opts.error ? { error: opts.error } : {}),
      ...(opts.size !== undefined ? { size: opts.size } : {}),
    });
  }
  /** A receipt on `port`; returns the local ids of the ports that arrived. */
  recv(port: PortId, opts: { ports?: number; preview?: string } = {}): PortId[] {
    const ports = Array.from({ length: opts.ports ?? 0 }, () => this.newPortId());
    this.emit({ type: 'messageReceived', route: 'port', port, origin: '', ports, preview: opts.preview ?? 'msg', size: 5 });
    return ports;
  }
  windowRecv(source: WindowRelation, opts: { ports?: number; origin?: string; childIndex?: number } = {}): PortId[] {
    const ports = Array.from({ length: opts.ports ?? 0 }, () => this.newPortId());
    this.emit({
      type: 'messageReceived',
      route: 'window',
      origin: opts.origin ?? this.origin,
      source,
      ...(opts.childIndex !== undefined ? { childIndex: opts.childIndex } : {}),
      ports,
      preview: 'hello',
      size: 7,
    });
    return ports;
  }
  started(port: PortId): void {
    this.emit({ type: 'portStarted', port, implicit: true });
  }
  closed(port: PortId): void {
    this.emit({ type: 'portClosed', port });
  }
  worker(): string {
    const id = `${this.id}:w${++this.workers}`;
    this.emit({ type: 'workerCreated', worker: id, url: `${this.origin}/worker.js`, workerType: 'classic' });
    return id;
  }
  workerSend(worker: string, transfer: PortId[] = []): void {
    this.emit({ type: 'messageSent', route: 'worker', worker, transfer: transfer.map((p) => ({ kind: 'MessagePort', port: p })), outcome: 'posted', preview: 'to worker', size: 9 });
  }
  workerRecv(worker: string, ports = 0): PortId[] {
    const ids = Array.from({ length: ports }, () => this.newPortId());
    this.emit({ type: 'messageReceived', route: 'worker', worker, origin: '', ports: ids, preview: 'from worker', size: 11 });
    return ids;
  }
  /** Sequence numbers that will never arrive. */
  skip(n: number): void {
    this.seq += n;
  }
}

function correlate(records: LogRecord[], gaps: LogGap[] = []): CaptureModel {
  const c = createCorrelator();
  c.append(records, gaps);
  return c.model();
}

const bySend = (m: CaptureModel, realm: string, seq: number): MessageModel => {
  const found = m.messages.find((x) => x.send?.realm === realm && x.send.seq === seq);
  if (!found) throw new Error(`no message sent at ${realm}#${seq}`);
  return found;
};
const port = (m: CaptureModel, id: PortId) => {
  const p = m.ports.find((x) => x.id === id);
  if (!p) throw new Error(`no port ${id}`);
  return p;
};

/** Top window and one child iframe, with a channel handed to the iframe by window.postMessage. */
function topAndIframe() {
  const tab = new Tab();
  const top = tab.realm('top').start();
  const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
  const [a1, a2] = top.channel();
  top.started(a1);
  const [a2f] = frame.windowRecv('parent', { ports: 1 }) as [PortId];
  frame.started(a2f);
  return { tab, top, frame, a1, a2, a2f };
}

// ── tests ──

describe('correlator: statuses', () => {
  it('delivered: a send matched with its receipt, with route, realms, ports, times, latency and the receipt preview', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const [p1, p2] = top.channel();
    top.started(p2);
    top.send(p1);
    top.recv(p2, { preview: 'ping' });
    const m = correlate(tab.records);
    const msg = bySend(m, 'top', 4);
    expect(msg).toMatchObject({ route: 'port', fromRealm: 'top', toRealm: 'top', fromPort: p1, toPort: p2, status: 'delivered', ambiguous: false, preview: 'ping', size: 5 });
    expect(latencyOf(msg)).toBe((msg.receivedAt ?? 0) - (msg.sentAt ?? 0));
    expect(latencyOf(msg)).toBe(1);
    expect(m.totals).toMatchObject({ sent: 1, delivered: 1, queued: 0, inFlight: 0 });
    expect(m.channels).toEqual([{ id: 'top:c1', createdIn: 'top', createdAt: 1002, ports: [p1, p2] }]);
    expect(port(m, p1)).toMatchObject({ channel: 'top:c1', entangledWith: p2, started: false, closed: false });
    expect(port(m, p2)).toMatchObject({ entangledWith: p1, started: true });
  });

  it('queued: sent to a port that was never started', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const [p1] = top.channel();
    top.send(p1);
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 3)).toMatchObject({ status: 'queued', reason: 'notStarted', toRealm: 'top' });
    expect(m.totals.queued).toBe(1);
  });

  it('queued is ambiguous while a port arrival elsewhere is unexplained (a window transfer leaves no trace at the sender)', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const [b1] = top.channel();
    const [c1, c2] = top.channel();
    top.started(c1);
    top.started(c2);
    frame.windowRecv('parent', { ports: 1 }); // which of top's ports travelled? b2, c1 or c2
    top.send(b1); // b2 never started in top: queued — unless it is the port that went to the frame
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 6)).toMatchObject({ status: 'queued', ambiguous: true, ambiguity: ['partnerMayHaveMoved'] });
  });

  it('in-flight: the receiver is started but its receipt has not arrived (yet)', () => {
    const { tab, top, a1 } = topAndIframe();
    top.send(a1);
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'in-flight', reason: 'awaitingReceipt', toRealm: 'ifr' });
  });

  it('failed: the send threw (name and message), or the receiver could not deserialize it', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const [p1, p2] = top.channel();
    top.started(p2);
    top.send(p1, { error: { name: 'DataCloneError', message: 'function could not be cloned' }, size: 10 });
    top.send(p1);
    top.emit({ type: 'messageUndeserializable', route: 'port', port: p2, origin: '' });
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'failed', reason: 'sendThrew', error: { name: 'DataCloneError', message: 'function could not be cloned' } });
    // The failed send never reached the queue: the next one is the one that could not be deserialized.
    expect(bySend(m, 'top', 5)).toMatchObject({ status: 'failed', reason: 'undeserializable', error: { name: 'messageerror' } });
    expect(m.totals).toMatchObject({ sent: 2, failed: 2 });
  });

  it('lost: the receiving port was closed before delivery', () => {
    const { tab, top, frame, a1, a2f } = topAndIframe();
    top.send(a1);
    frame.recv(a2f);
    frame.closed(a2f);
    top.send(a1);
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'delivered' });
    expect(bySend(m, 'top', 5)).toMatchObject({ status: 'lost', reason: 'partnerClosed', toRealm: 'ifr' });
    expect(port(m, 'top:2')).toMatchObject({ closed: true });
  });

  it('lost: the sender saw its port or the partner closed (outcomes portClosed, partnerClosed)', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const [p1, p2] = top.channel();
    top.send(p1, { outcome: 'portClosed' });
    top.send(p2, { outcome: 'partnerClosed' });
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 3)).toMatchObject({ status: 'lost', reason: 'sendingPortClosed' });
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'lost', reason: 'partnerClosed' });
  });

  it("lost: the receiving port's realm went away (navigation, or reported gone)", () => {
    const { tab, top, frame, a1 } = topAndIframe();
    top.send(a1);
    // The iframe navigates: a new realm starts in the same frame.
    tab.realm('ifr2', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'lost', reason: 'realmGone' });
    expect(m.realms.find((r) => r.id === 'ifr')?.goneAt).toBe(tab.t);

    const c = createCorrelator();
    c.append(tab.records.filter((r) => r.realm !== 'ifr2'));
    expect(bySend(c.model(), 'top', 4).status).toBe('in-flight');
    c.realmGone(frame.id, tab.t + 1);
    expect(bySend(c.model(), 'top', 4)).toMatchObject({ status: 'lost', reason: 'realmGone' });
  });

  it('doomed: the transfer list held the partner; later sends on the port have no live partner', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const [p1, p2] = top.channel();
    top.started(p2);
    top.send(p1, { transfer: [p2], outcome: 'doomed' });
    top.send(p1);
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'doomed', transfers: [{ kind: 'MessagePort', port: p2 }] });
    expect(bySend(m, 'top', 5)).toMatchObject({ status: 'lost', reason: 'partnerLost' });
    expect(port(m, p2).lost).toEqual({ at: bySend(m, 'top', 4).sentAt, reason: 'doomed' });
    expect(m.totals).toMatchObject({ doomed: 1, lost: 1 });
  });

  it('in-flight: messages into a worker (not instrumented), with the worker as a realm', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const w = top.worker();
    top.workerSend(w);
    top.workerRecv(w);
    const m = correlate(tab.records);
    expect(m.realms.find((r) => r.id === w)).toMatchObject({ kind: 'worker', parent: 'top', instrumented: false, url: 'https://a.test/worker.js', origin: 'https://a.test' });
    expect(bySend(m, 'top', 3)).toMatchObject({ route: 'worker', fromRealm: 'top', toRealm: w, status: 'in-flight', reason: 'receiverUninstrumented', preview: 'to worker' });
    const back = m.messages.find((x) => x.receipt?.seq === 4);
    expect(back).toMatchObject({ route: 'worker', fromRealm: w, toRealm: 'top', status: 'delivered', ambiguous: false });
    expect(back?.send).toBeUndefined();
  });
});

describe('correlator: ports and their custody', () => {
  it('joins a port transferred over a channel (FIFO on the carrier; ports[i] is transfer[i])', () => {
    const { tab, top, frame, a1, a2f } = topAndIframe();
    const [b1, b2] = top.channel();
    top.send(a1, { transfer: [b2] });
    const [b2f] = frame.recv(a2f, { ports: 1 }) as [PortId];
    frame.started(b2f);
    frame.send(b2f);
    top.started(b1);
    top.recv(b1);
    const m = correlate(tab.records);
    expect(port(m, b2).custody.map((c) => [c.realm, c.localId, c.via])).toEqual([
      ['top', b2, 'created'],
      ['ifr', b2f, 'port'],
    ]);
    expect(m.ports.some((p) => p.id === b2f)).toBe(false);
    expect(bySend(m, 'top', 5)).toMatchObject({ status: 'delivered', transfers: [{ kind: 'MessagePort', port: b2 }] });
    expect(bySend(m, 'ifr', 6)).toMatchObject({ fromRealm: 'ifr', toRealm: 'top', fromPort: b2, toPort: b1, status: 'delivered' });
  });

  it('follows a port transferred twice: top → iframe → worker', () => {
    const { tab, top, frame, a1, a2f } = topAndIframe();
    const [b1, b2] = top.channel();
    top.started(b1);
    top.send(a1, { transfer: [b2] });
    const [b2f] = frame.recv(a2f, { ports: 1 }) as [PortId];
    const w = frame.worker();
    frame.workerSend(w, [b2f]);
    top.send(b1); // into the worker: not observable there
    top.recv(b1); // the worker answers on the port: a receipt with no recorded send
    const m = correlate(tab.records);
    const p = port(m, b2);
    expect(summarize(m).ports.find((x) => x.id === b2)?.custody).toEqual(['top', 'ifr', w]);
    expect(p.custody[1]).toMatchObject({ realm: 'ifr', localId: b2f, via: 'port' });
    expect(p.custody[2]).toMatchObject({ realm: w, via: 'worker' });
    expect(p.custody[2]?.localId).toBeUndefined();
    // Held by the top until its send carried it away, by the iframe until it gave it to the worker.
    expect(p.custody[0]?.to).toBe(bySend(m, 'top', 6).sentAt);
    expect(p.custody[1]?.to).toBe(bySend(m, 'ifr', 6).sentAt);
    expect(p.custody[2]?.to).toBeUndefined();
    expect(bySend(m, 'top', 7)).toMatchObject({ status: 'in-flight', reason: 'receiverUninstrumented', toRealm: w, toPort: b2 });
    const fromWorker = m.messages.find((x) => x.receipt?.realm === 'top' && x.receipt.seq === 8);
    expect(fromWorker).toMatchObject({ status: 'delivered', fromRealm: w, fromPort: b2, toPort: b1, ambiguous: false });
    expect(fromWorker?.send).toBeUndefined();
  });

  it('matches two channels whose messages interleave, with batches arriving out of order', () => {
    const { tab, top, frame, a1, a2f } = topAndIframe();
    const [b1, b2] = top.channel();
    top.send(a1, { transfer: [b2] });
    const [b2f] = frame.recv(a2f, { ports: 1 }) as [PortId];
    frame.started(b2f);
    const setup = tab.records.length;
    // Interleaved sends on both channels, then the iframe's receipts in its own order.
    for (let i = 0; i < 4; i++) {
      top.send(a1);
      top.send(b1);
    }
    for (let i = 0; i < 4; i++) {
      frame.recv(b2f, { preview: `b${i}` });
      frame.recv(a2f, { preview: `a${i}` });
    }
    // Deliver the iframe's batch before the top's.
    const rest = tab.records.slice(setup);
    const reordered = [...tab.records.slice(0, setup), ...rest.filter((r) => r.realm === 'ifr'), ...rest.filter((r) => r.realm === 'top')];
    const m = correlate(reordered);
    const a = m.messages.filter((x) => x.fromPort === a1 && x.send && x.transfers.length === 0);
    const b = m.messages.filter((x) => x.fromPort === b1);
    expect(a.map((x) => x.preview)).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(b.map((x) => x.preview)).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect([...a, ...b].every((x) => x.status === 'delivered' && !x.ambiguous && x.toRealm === 'ifr')).toBe(true);
    expect(b.every((x) => x.toPort === b2)).toBe(true);
  });

  it('infers the port a window message carried, and says when later traffic confirms it', () => {
    const { tab, top, frame, a1, a2, a2f } = topAndIframe();
    let m = correlate(tab.records);
    // a1 was started before the message, so both ends are candidates until traffic tells them apart.
    expect(port(m, a2f).candidates?.sort()).toEqual([a1, a2].sort());
    const win = m.messages.find((x) => x.route === 'window');
    expect(win).toMatchObject({ fromRealm: 'top', toRealm: 'ifr', status: 'delivered', ambiguous: true, ambiguity: ['transferredPorts'] });

    frame.send(a2f);
    top.recv(a1);
    m = correlate(tab.records);
    expect(port(m, a2).custody.map((c) => c.realm)).toEqual(['top', 'ifr']);
    expect(port(m, a2).custody[1]).toMatchObject({ via: 'window', inferred: true, confirmed: true });
    expect(bySend(m, 'ifr', 4)).toMatchObject({ fromPort: a2, toPort: a1, status: 'delivered', ambiguous: false });
    expect(m.messages.find((x) => x.route === 'window')?.ambiguous).toBe(false);
  });
});

describe('correlator: guesses are labelled', () => {
  it('a window-carried port joined to its only candidate, before any traffic, is marked as inferred', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const [, a2] = top.channel();
    const [a2f] = frame.windowRecv('parent', { ports: 1 }) as [PortId];
    top.send(a2.replace(':2', ':1')); // a1 stays in use in top, so a2 is the only candidate
    const m = correlate(tab.records);
    expect(port(m, a2).custody.map((c) => c.realm)).toEqual(['top', 'ifr']);
    expect(port(m, a2).custody[1]).toMatchObject({ localId: a2f, inferred: true });
    expect(m.messages.find((x) => x.route === 'window')).toMatchObject({ ambiguous: true, ambiguity: ['transferInferred'] });
  });
});

describe('correlator: choosing among window-carried candidates', () => {
  it('joins the candidate whose partner has receipts only the arrived port can explain, not one whose partner only has queued sends', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    // A channel whose port2 is never started: port1's three sends stay queued (the demo's scenario f).
    const [q1, q2] = top.channel();
    top.send(q1);
    top.send(q1);
    top.send(q1);
    // Another channel: port2 goes to the frame by window.postMessage; the two then talk both ways.
    const [g1, g2] = top.channel();
    top.started(g1);
    const [arrived] = frame.windowRecv('parent', { ports: 1 }) as [PortId];
    frame.started(arrived);
    frame.send(arrived);
    top.recv(g1);
    top.send(g1);
    frame.recv(arrived);
    const m = correlate(tab.records);
    expect(port(m, g2).custody.map((c) => c.realm)).toEqual(['top', 'ifr']);
    expect(port(m, g2).custody[1]).toMatchObject({ localId: arrived });
    expect(port(m, q2).custody.map((c) => c.realm)).toEqual(['top']);
    expect(m.messages.filter((x) => x.fromPort === q1).map((x) => x.status)).toEqual(['queued', 'queued', 'queued']);
    expect(m.messages.filter((x) => x.fromPort === g1 || x.fromPort === g2).map((x) => x.status)).toEqual(['delivered', 'delivered']);
  });
});

describe('correlator: workers and broadcast', () => {
  it('joins a port that comes back from a worker only when traffic confirms it', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const w = top.worker();
    const [p1, p2] = top.channel();
    top.started(p1);
    top.workerSend(w, [p2]);
    const [back] = top.workerRecv(w, 1) as [PortId];
    expect(port(correlate(tab.records), back).candidates).toEqual([p2]);
    top.send(back);
    top.recv(p1);
    const m = correlate(tab.records);
    expect(port(m, p2).custody.map((c) => [c.realm, c.via, c.confirmed ?? false])).toEqual([
      ['top', 'created', false],
      [w, 'worker', false],
      ['top', 'worker', true],
    ]);
    // The worker held the port in between: what it sent unseen could shift the queue.
    expect(bySend(m, 'top', 7)).toMatchObject({ status: 'delivered', fromPort: p2, toPort: p1, ambiguous: true, ambiguity: ['uninstrumentedHolder'] });
  });

  it('matches broadcast receipts with their sends: a request and its reply are two delivered messages, not ambiguous', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const bsend = (r: Realm) => r.emit({ type: 'messageSent', route: 'broadcast', channelName: 'news', transfer: [], outcome: 'posted' });
    const brecv = (r: Realm) => r.emit({ type: 'messageReceived', route: 'broadcast', channelName: 'news', origin: 'https://a.test', ports: [], preview: 'n', size: 1 });
    bsend(top);
    brecv(frame);
    let m = correlate(tab.records);
    expect(bySend(m, 'top', 2)).toMatchObject({ route: 'broadcast', status: 'delivered', toRealm: 'ifr', channelName: 'news' });
    expect(m.totals.sent).toBe(1);
    bsend(frame);
    brecv(top);
    m = correlate(tab.records);
    // The top's own object never receives its own post: the frame's send is the only one it can be.
    expect(bySend(m, 'ifr', 3)).toMatchObject({ status: 'delivered', fromRealm: 'ifr', toRealm: 'top', ambiguous: false });
    expect(m.totals.sent).toBe(2);
  });
});

describe('correlator: ambiguity', () => {
  it('marks a match whose port count disagrees as ambiguous', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const [p1, p2] = top.channel();
    const [, q2] = top.channel();
    top.started(p2);
    top.send(p1, { transfer: [q2] });
    top.recv(p2, { ports: 0 });
    const m = correlate(tab.records);
    expect(bySend(m, 'top', 5)).toMatchObject({ status: 'delivered', ambiguous: true, ambiguity: ['portCount'] });
    expect(m.totals.ambiguous).toBe(1);
  });

  it('marks a receipt that reads earlier than its send (beyond clock skew) as ambiguous', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const [p1, p2] = top.channel();
    const [p2f] = frame.windowRecv('parent', { ports: 1 }) as [PortId];
    tab.t += 100;
    top.send(p1);
    tab.t -= 60;
    frame.recv(p2f);
    frame.send(p2f);
    top.recv(p1);
    const m = correlate(tab.records);
    expect(port(m, p2).custody.map((c) => c.realm)).toEqual(['top', 'ifr']);
    expect(bySend(m, 'top', 3)).toMatchObject({ ambiguous: true, ambiguity: ['receivedBeforeSent'] });
  });

  it('does not guess which of two same-origin children sent a window message by index alone', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    tab.realm('c1', { kind: 'iframe', frameId: 4, parentFrameId: 0 }).start();
    tab.realm('c2', { kind: 'iframe', frameId: 5, parentFrameId: 0 }).start();
    tab.realm('x', { kind: 'iframe', frameId: 6, parentFrameId: 0, origin: 'https://b.test' }).start();
    top.windowRecv('child', { childIndex: 1 });
    top.windowRecv('child', { childIndex: 0, origin: 'https://b.test' });
    const m = correlate(tab.records);
    const [fromA, fromB] = m.messages.filter((x) => x.route === 'window');
    // An ambiguous source names no realm (never a wrong sender): it says why instead.
    expect(fromA?.fromRealm).toBeUndefined();
    expect(fromA).toMatchObject({ senderUnknown: 'sourceAmbiguous', ambiguous: true, ambiguity: ['source:childIndex'] });
    // Only one child has that origin, but the index points at another: a child the tree lacks may be it.
    expect(fromB?.fromRealm).toBeUndefined();
    expect(fromB).toMatchObject({ senderUnknown: 'sourceAmbiguous', ambiguous: true });
    expect(m.realms.find((r) => r.id === 'c1')?.parent).toBe('top');
  });

  it('resolves parent and self through the frame tree', () => {
    const { tab, top, frame } = topAndIframe();
    top.windowRecv('child', { childIndex: 0 });
    frame.windowRecv('self');
    const m = correlate(tab.records);
    const w = m.messages.filter((x) => x.route === 'window');
    expect(w.map((x) => [x.fromRealm, x.toRealm, x.ambiguous])).toEqual([
      ['top', 'ifr', true], // carried a port that is not yet told apart from its partner
      ['ifr', 'top', false],
      ['ifr', 'ifr', false],
    ]);
  });
});

describe('correlator: gaps', () => {
  it('counts and places gaps, and marks matches after one as unconfirmed', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const frame = tab.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const [p1] = top.channel();
    const [p2f] = frame.windowRecv('parent', { ports: 1 }) as [PortId];
    frame.started(p2f);
    top.send(p1);
    frame.recv(p2f);
    top.send(p1); // its receipt falls in the iframe's gap
    const after = tab.t - 1;
    frame.skip(1);
    top.send(p1);
    frame.recv(p2f);
    const m = correlate(tab.records);
    expect(m.gaps).toEqual([{ realm: 'ifr', from: 5, to: 5, reason: 'unknown', after, before: tab.t }]);
    expect(m.realms.find((r) => r.id === 'ifr')).toMatchObject({ gaps: 1, missing: 1 });
    expect(m.totals).toMatchObject({ gaps: 1, missing: 1 });
    expect(bySend(m, 'top', 3)).toMatchObject({ status: 'delivered', ambiguous: false });
    // Positionally the second send is paired with the receipt after the gap and the third is left over:
    // the pair is reported as unconfirmed rather than trusted.
    expect(bySend(m, 'top', 4)).toMatchObject({ status: 'delivered', ambiguous: true, ambiguity: ['gap'] });
    expect(bySend(m, 'top', 5)).toMatchObject({ status: 'in-flight' });
  });

  it('takes gaps the relay reported, with their reason, and ignores resent events', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    top.channel();
    top.skip(3);
    top.channel();
    const c = createCorrelator();
    c.append(tab.records.slice(0, 2));
    c.append(tab.records.slice(1), [{ realm: 'top', from: 3, to: 5, reason: 'relayBufferFull' }]);
    const m = c.model();
    expect(m.gaps).toMatchObject([{ realm: 'top', from: 3, to: 5, reason: 'relayBufferFull' }]);
    expect(m.totals).toMatchObject({ duplicates: 1, gaps: 1, missing: 3, events: 3 });
  });
});

describe('correlator: incremental', () => {
  function busyLog(): { records: LogRecord[]; gaps: LogGap[] } {
    const { tab, top, frame, a1, a2f } = topAndIframe();
    const [b1, b2] = top.channel();
    top.started(b1);
    top.send(a1, { transfer: [b2] });
    const [b2f] = frame.recv(a2f, { ports: 1 }) as [PortId];
    frame.started(b2f);
    for (let i = 0; i < 20; i++) {
      top.send(i % 3 === 0 ? b1 : a1);
      if (i % 4 === 0) frame.send(b2f);
      if (i % 2 === 0) frame.recv(a2f);
    }
    for (let i = 0; i < 20; i++) if (i % 3 !== 0 && i % 2 === 1) frame.recv(a2f);
    for (let i = 0; i < 7; i++) frame.recv(b2f);
    for (let i = 0; i < 5; i++) top.recv(b1);
    frame.skip(2);
    frame.send(b2f, { outcome: 'doomed', transfer: [] });
    const w = top.worker();
    const [c1, c2] = top.channel();
    top.workerSend(w, [c2]);
    top.send(c1);
    top.closed(a1);
    frame.send(a2f);
    frame.windowRecv('parent');
    top.windowRecv('child', { childIndex: 0 });
    return { records: tab.records, gaps: [{ realm: 'ifr', from: frame.seq - 2, to: frame.seq - 1, reason: 'relayBufferFull' }] };
  }

  it('builds the same model from one batch as from many (and from one record at a time)', () => {
    const { records, gaps } = busyLog();
    const whole = correlate(records, gaps);
    expect(whole.totals.sent).toBeGreaterThan(20);

    const many = createCorrelator();
    const gapAt = records.findIndex((r) => r.realm === 'ifr' && r.event.seq === gaps[0]!.to + 1);
    for (let i = 0; i < records.length; i += 7) {
      const chunk = records.slice(i, i + 7);
      many.append(chunk, gapAt >= i && gapAt < i + 7 ? gaps : []);
    }
    expect(many.model()).toEqual(whole);

    const single = createCorrelator();
    records.forEach((r, i) => single.append([r], i === gapAt ? gaps : []));
    expect(single.model()).toEqual(whole);
  });

  it('a model built after every record equals the model built from scratch (settled messages reused)', () => {
    const { records, gaps } = busyLog();
    const gapAt = records.findIndex((r) => r.realm === 'ifr' && r.event.seq === gaps[0]!.to + 1);
    const live = createCorrelator();
    let reused = 0;
    let previous = new Set<object>();
    records.forEach((r, i) => {
      live.append([r], i === gapAt ? gaps : []);
      const m = live.model();
      reused += m.messages.filter((x) => previous.has(x)).length;
      previous = new Set(m.messages);
      const fresh = createCorrelator();
      fresh.append(records.slice(0, i + 1), i >= gapAt ? gaps : []);
      expect(m).toEqual(fresh.model());
    });
    expect(reused).toBeGreaterThan(0);
  });

  it('a page that rotates frames: a model built after every record equals the model built from scratch', () => {
    const tab = new Tab();
    const top = tab.realm('top').start();
    const live: Realm[] = [];
    for (let i = 0; i < 14; i++) {
      const origin = i % 3 === 0 ? 'https://ads.test' : 'https://a.test';
      // Every third one navigates a frame of an earlier one; the rest are new frames.
      const frameId = i % 3 === 2 && live.length > 0 ? live[0]!.frameId : 10 + i;
      const f = tab.realm(`f${i}`, { kind: 'iframe', frameId, parentFrameId: 0, origin }).start();
      f.windowRecv('parent', { origin: 'https://a.test' });
      top.windowRecv('child', { childIndex: live.length % 2, origin });
      live.push(f);
      // Some go (and their messages may still arrive), some a long while later than the grace.
      if (i % 2 === 1) live.shift()!.emit({ type: 'realmGone', persisted: false });
      tab.t += i % 4 === 0 ? GONE_GRACE_MS + 500 : 300;
    }
    // As relays deliver them: each frame's records reach the panel later than the top's (and so after
    // the top's receipts of their messages), each realm's in order.
    const arrival = [...tab.records].sort((a, b) => a.event.t + (a.realm === 'top' ? 0 : 700) - (b.event.t + (b.realm === 'top' ? 0 : 700)));
    const live2 = createCorrelator();
    arrival.forEach((r, i) => {
      live2.append([r], []);
      const m = live2.model();
      const fresh = createCorrelator();
      fresh.append(arrival.slice(0, i + 1), []);
      expect(m).toEqual(fresh.model());
    });
    expect(live2.model().messages.filter((m) => m.fromRealm !== undefined).length).toBeGreaterThan(5);
  });

  it('the totals add up and the summary is the CLI shape', () => {
    const { records, gaps } = busyLog();
    const m = correlate(records, gaps);
    const t = m.totals;
    expect(t.delivered + t.queued + t.failed + t.lost + t.doomed + t.inFlight).toBe(t.sent);
    const s = summarize(m);
    expect(Object.keys(s).sort()).toEqual(['channels', 'messages', 'ports', 'realms', 'totals']);
    expect(s.realms[0]).toEqual({
      id: 'top',
      kind: 'top',
      url: 'https://a.test/top',
      origin: 'https://a.test',
      parent: null,
      instrumented: true,
      goneAt: null,
      persisted: false,
      scope: null,
      state: null,
      untrusted: null,
      untrustedReason: null,
    });
    expect(JSON.parse(JSON.stringify(s)).messages.length).toBe(t.sent);
  });
});

describe('correlateSaved: a saved log that starts part-way', () => {
  const rec = (seq: number, event: Omit<EntangleEvent, 'seq' | 't'>): LogRecord => ({ realm: 'a', tabId: 1, frameId: 0, event: { ...event, seq, t: 1000 + seq } as EntangleEvent });
  const closed = (seq: number) => rec(seq, { type: 'portClosed', port: 'a:1' } as Omit<EntangleEvent, 'seq' | 't'>);

  it('counts only the gaps the log names: what came before them, and before its first record, was cut', () => {
    const named: LogGap = { realm: 'a', from: 10, to: 19, reason: 'relayBufferFull' };
    const scene = [rec(3, { type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION } as Omit<EntangleEvent, 'seq' | 't'>)];
    const m = correlateSaved({ records: [closed(20), closed(21)], gaps: [named], context: { records: scene, joins: [], pairsCut: [] } }).model();
    expect(m.gaps.map((g) => [g.from, g.to, g.reason])).toEqual([[10, 19, 'relayBufferFull']]);
    expect(m.realms.map((r) => [r.id, r.kind, r.events])).toEqual([['a', 'top', 2]]);
    expect(correlateSaved({ records: [closed(20)], gaps: [] }).model().gaps).toEqual([]);
  });
});

describe('a channel created twice (a forged or corrupt log)', () => {
  it('is listed once, with the ports of its first creation', () => {
    const rec = (seq: number, event: Omit<EntangleEvent, 'seq' | 't'>): LogRecord => ({ realm: 'a', tabId: 1, frameId: 0, event: { ...event, seq, t: 1000 + seq } as EntangleEvent });
    const c = createCorrelator();
    c.append([
      rec(1, { type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION } as Omit<EntangleEvent, 'seq' | 't'>),
      rec(2, { type: 'channelCreated', channel: 'a:c1', port1: 'a:1', port2: 'a:2' } as Omit<EntangleEvent, 'seq' | 't'>),
      rec(3, { type: 'channelCreated', channel: 'a:c1', port1: 'a:3', port2: 'a:4' } as Omit<EntangleEvent, 'seq' | 't'>),
    ]);
    const m = c.model();
    expect(m.channels.map((ch) => [ch.id, ch.ports])).toEqual([['a:c1', ['a:1', 'a:2']]]);
  });

  it('a channel naming a port twice, or a port already known, is ignored: no two ports share an id', () => {
    const rec = (seq: number, event: Omit<EntangleEvent, 'seq' | 't'>): LogRecord => ({ realm: 'a', tabId: 1, frameId: 0, event: { ...event, seq, t: 1000 + seq } as EntangleEvent });
    const c = createCorrelator();
    c.append([
      rec(1, { type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION } as Omit<EntangleEvent, 'seq' | 't'>),
      rec(2, { type: 'channelCreated', channel: 'a:c1', port1: 'a:1', port2: 'a:2' } as Omit<EntangleEvent, 'seq' | 't'>),
      rec(3, { type: 'channelCreated', channel: 'a:c2', port1: 'a:2', port2: 'a:3' } as Omit<EntangleEvent, 'seq' | 't'>),
      rec(4, { type: 'channelCreated', channel: 'a:c3', port1: 'a:5', port2: 'a:5' } as Omit<EntangleEvent, 'seq' | 't'>),
    ]);
    const m = c.model();
    expect(m.channels.map((ch) => ch.id)).toEqual(['a:c1']);
    const ids = m.ports.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
