/**
 * Issue 9, model side: the correlator names a sender only when it knows it, matches BroadcastChannel
 * receipts with their sends, knows service workers from the page side, marks realms that leave, and
 * places popups in the session; the summary has every key. Synthetic logs, one shared clock.
 */
import { describe, expect, it } from 'vitest';
import { readCapture, writeCapture } from './capture';
import { createCorrelator, summarize, type CaptureModel, type MessageModel } from './correlator';
import type { LogRecord } from './log';
import { PROTOCOL_VERSION, type EntangleEvent, type FrameRef, type PortId, type RealmKind, type WindowRelation } from './protocol';

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;

class Log {
  readonly records: LogRecord[] = [];
  t = 1000;
  realm(id: string, o: { kind?: RealmKind; tabId?: number; frameId?: number; parentFrameId?: number; origin?: string; opener?: FrameRef } = {}): R {
    return new R(this, id, o.kind ?? 'top', o.tabId ?? 1, o.frameId ?? 0, o.parentFrameId ?? -1, o.origin ?? 'https://a.test', o.opener);
  }
  model(): CaptureModel {
    const c = createCorrelator();
    c.append(this.records);
    return c.model();
  }
}

class R {
  seq = 0;
  private n = 0;
  constructor(
    readonly log: Log,
    readonly id: string,
    readonly kind: RealmKind,
    readonly tabId: number,
    readonly frameId: number,
    readonly parentFrameId: number,
    readonly origin: string,
    readonly opener?: FrameRef,
  ) {}
  emit(body: Body<EntangleEvent>, dt = 1): EntangleEvent {
    const event = { ...body, seq: ++this.seq, t: (this.log.t += dt) } as EntangleEvent;
    const rec: LogRecord = { realm: this.id, tabId: this.tabId, frameId: this.frameId, parentFrameId: this.parentFrameId, event };
    if (this.opener) rec.opener = this.opener;
    this.log.records.push(rec);
    return event;
  }
  start(): this {
    this.emit({ type: 'realmStarted', kind: this.kind, url: `${this.origin}/${this.id}`, origin: this.origin, protocol: PROTOCOL_VERSION });
    return this;
  }
  id2(prefix = ''): string {
    return `${this.id}:${prefix}${++this.n}`;
  }
  channel(): [PortId, PortId] {
    const a = this.id2();
    const b = this.id2();
    this.emit({ type: 'channelCreated', channel: this.id2('c'), port1: a, port2: b });
    return [a, b];
  }
  send(port: PortId, transfer: PortId[] = []): EntangleEvent {
    return this.emit({ type: 'messageSent', route: 'port', port, transfer: transfer.map((p) => ({ kind: 'MessagePort', port: p })), outcome: 'posted' });
  }
  recv(port: PortId, ports = 0, dt = 1): PortId[] {
    const ids = Array.from({ length: ports }, () => this.id2());
    this.emit({ type: 'messageReceived', route: 'port', port, origin: '', ports: ids, preview: 'p', size: 1 }, dt);
    return ids;
  }
  started(port: PortId): void {
    this.emit({ type: 'portStarted', port, implicit: true });
  }
  windowRecv(source: WindowRelation, origin = this.origin): EntangleEvent {
    return this.emit({ type: 'messageReceived', route: 'window', origin, source, ports: [], preview: 'w', size: 1 });
  }
  workerSend(worker: string, transfer: PortId[] = []): EntangleEvent {
    return this.emit({ type: 'messageSent', route: 'worker', worker, transfer: transfer.map((p) => ({ kind: 'MessagePort', port: p })), outcome: 'posted', preview: 'to', size: 2 });
  }
  workerRecv(worker?: string): EntangleEvent {
    return this.emit({ type: 'messageReceived', route: 'worker', ...(worker !== undefined ? { worker } : {}), origin: '', ports: [], preview: 'from', size: 4 });
  }
  bc(name: string): string {
    const bc = this.id2('b');
    this.emit({ type: 'broadcastChannelCreated', bc, channelName: name });
    return bc;
  }
  bsend(bc: string, name: string): EntangleEvent {
    return this.emit({ type: 'messageSent', route: 'broadcast', bc, channelName: name, transfer: [], outcome: 'posted' });
  }
  brecv(bc: string, name: string, dt = 1): EntangleEvent {
    return this.emit({ type: 'messageReceived', route: 'broadcast', bc, channelName: name, origin: this.origin, ports: [], preview: 'b', size: 1 }, dt);
  }
}

const sentBy = (m: CaptureModel, realm: string, ev: EntangleEvent): MessageModel => {
  const found = m.messages.find((x) => x.send?.realm === realm && x.send.seq === ev.seq);
  if (!found) throw new Error(`no message sent at ${realm}#${ev.seq}`);
  return found;
};
const receivedBy = (m: CaptureModel, realm: string, seq: number): MessageModel => {
  const found = m.messages.find((x) => x.receipt?.realm === realm && x.receipt.seq === seq);
  if (!found) throw new Error(`no message received at ${realm}#${seq}`);
  return found;
};

/** Top and an iframe, with a channel whose port2 went to the iframe on a carrier channel. */
function topAndFrame() {
  const log = new Log();
  const top = log.realm('top').start();
  const ifr = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
  const [c1, c2] = top.channel();
  // The carrier: port c2 reached the iframe by a recorded port message.
  const [k1, k2] = top.channel();
  void k1;
  return { log, top, ifr, c1, c2, k2 };
}

describe('senders: never a wrong one (every path that can name a sender by inference)', () => {
  it('a port receipt no recorded send explains, partner held by an instrumented realm: partner port named, realm unknown (sendNotRecorded)', () => {
    const log = new Log();
    const top = log.realm('top').start();
    const [a1, a2] = top.channel();
    top.started(a1);
    void a2;
    top.recv(a1); // nothing in the log sent it, and top itself holds a2
    const m = receivedBy(log.model(), 'top', top.seq);
    expect(m.fromPort).toBe(a2);
    expect(m.fromRealm).toBeUndefined();
    expect(m).toMatchObject({ senderUnknown: 'sendNotRecorded', ambiguous: true });
  });

  it('a reply from a worker on a port handed to it by a recorded send: the worker is the sender', () => {
    const log = new Log();
    const top = log.realm('top').start();
    const w = 'top:w1';
    top.emit({ type: 'workerCreated', worker: w, url: 'https://a.test/w.js', workerType: 'classic' });
    const [a1, a2] = top.channel();
    top.started(a1);
    top.workerSend(w, [a2]);
    top.recv(a1);
    const m = receivedBy(log.model(), 'top', top.seq);
    expect(m).toMatchObject({ fromRealm: w, fromPort: a2, toRealm: 'top', ambiguous: false });
    expect(m.senderUnknown).toBeUndefined();
  });

  it('a worker holder reached through an ambiguous custody step is not named (custodyUncertain)', () => {
    const { log, top, ifr, c1, c2 } = topAndFrame();
    const [k1, k2] = top.channel();
    top.started(c1);
    // The carrier pair is ambiguous: its receipt reads far earlier than its send (clock beyond skew).
    const [k2f] = ifr.recv(k2, 0);
    void k2f;
    const sendEv = top.send(k1, [c2]);
    void sendEv;
    // Rewrite: the iframe's receipt of the carrier message, 100 ms before the send, bringing one port.
    const recvIndex = log.records.findIndex((r) => r.realm === 'ifr' && r.event.type === 'messageReceived');
    const recv = log.records.splice(recvIndex, 1)[0]!;
    const c2f = 'ifr:9';
    log.records.push({ ...recv, event: { ...(recv.event as Extract<EntangleEvent, { type: 'messageReceived' }>), ports: [c2f], t: log.t - 100 } });
    const w = 'ifr:w1';
    ifr.emit({ type: 'workerCreated', worker: w, url: 'https://a.test/w.js', workerType: 'classic' });
    ifr.workerSend(w, [c2f]);
    top.recv(c1);
    const model = log.model();
    const m = receivedBy(model, 'top', top.seq);
    expect(model.ports.find((p) => p.id === c2)?.custody.map((c) => c.realm)).toEqual(['top', 'ifr', w]);
    expect(m.fromPort).toBe(c2);
    expect(m.fromRealm).toBeUndefined();
    expect(m.senderUnknown).toBe('custodyUncertain');
  });

  it('a receipt whose send was cut from the log (a clear) names the holder that recorded it, not "unknown"', () => {
    const log = new Log();
    const top = log.realm('top').start();
    const ifr = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const [a1, a2] = top.channel();
    top.started(a1);
    top.send(a2);
    const cutAt = log.records.length;
    top.recv(a1);
    void ifr;
    const full = createCorrelator();
    full.append(log.records);
    const cut = new Map(log.records.slice(0, cutAt).map((r) => [r.realm, r.event.seq]));
    const after = createCorrelator();
    after.startAfter({
      records: log.records.slice(0, cutAt).filter((r) => r.event.type !== 'messageSent'),
      joins: full.joins(),
      pairsCut: full.pairsCut((realm) => cut.get(realm) ?? 0),
    });
    after.append(log.records.slice(cutAt));
    const m = receivedBy(after.model(), 'top', top.seq);
    expect(m).toMatchObject({ fromRealm: 'top', fromPort: a2, ambiguous: false });
    expect(m.senderUnknown).toBeUndefined();
  });

  it("a receipt on a port whose partner is not known: neither port nor realm (partnerUnknown)", () => {
    const log = new Log();
    const top = log.realm('top').start();
    top.recv('top:unseen');
    const m = receivedBy(log.model(), 'top', top.seq);
    expect(m.fromPort).toBeUndefined();
    expect(m.fromRealm).toBeUndefined();
    expect(m.senderUnknown).toBe('partnerUnknown');
  });

  it('window receipts: a source outside the tab, no source, an unknown frame: each says why', () => {
    const log = new Log();
    const top = log.realm('top').start();
    const a = top.windowRecv('other');
    const b = top.windowRecv('none');
    const c = top.windowRecv('opener');
    // A frame that starts later (another frame of the tab, whose parent is not recorded) sent none of them.
    log.t += 100;
    const stray = log.realm('stray', { kind: 'iframe', frameId: 7, parentFrameId: 5 }).start();
    const d = stray.windowRecv('parent');
    const m = log.model();
    expect(receivedBy(m, 'top', a.seq)).toMatchObject({ senderUnknown: 'sourceOutsideTab' });
    expect(receivedBy(m, 'top', b.seq)).toMatchObject({ senderUnknown: 'sourceNone' });
    expect(receivedBy(m, 'top', c.seq)).toMatchObject({ senderUnknown: 'sourceOutsideTab' });
    expect(receivedBy(m, 'stray', d.seq)).toMatchObject({ senderUnknown: 'frameUnknown' });
    for (const x of [a, b, c]) expect(receivedBy(m, 'top', x.seq).fromRealm).toBeUndefined();
  });

  it('a window message whose origin does not match the frame its source names: no realm (sourceAmbiguous)', () => {
    const log = new Log();
    log.realm('top').start();
    const ifr = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const e = ifr.windowRecv('parent', 'https://evil.test');
    const m = receivedBy(log.model(), 'ifr', e.seq);
    expect(m.fromRealm).toBeUndefined();
    expect(m).toMatchObject({ senderUnknown: 'sourceAmbiguous', ambiguous: true, ambiguity: ['source:originMismatch'] });
  });

  it("a worker's message names the worker; one with no worker object says so (sourceNone)", () => {
    const log = new Log();
    const top = log.realm('top').start();
    top.emit({ type: 'workerCreated', worker: 'top:w1', url: 'https://a.test/w.js', workerType: 'classic' });
    const a = top.workerRecv('top:w1');
    const b = top.workerRecv();
    const m = log.model();
    expect(receivedBy(m, 'top', a.seq)).toMatchObject({ fromRealm: 'top:w1', ambiguous: false });
    expect(receivedBy(m, 'top', b.seq)).toMatchObject({ senderUnknown: 'sourceNone' });
  });
});

describe('BroadcastChannel between realms', () => {
  it('two iframes exchanging requests and replies on one name: one delivered message per send, none ambiguous', () => {
    const log = new Log();
    log.realm('top').start();
    const a = log.realm('a', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const b = log.realm('b', { kind: 'iframe', frameId: 4, parentFrameId: 0 }).start();
    const ba = a.bc('rpc');
    const bb = b.bc('rpc');
    const sends: [R, EntangleEvent][] = [];
    for (let i = 0; i < 3; i++) {
      sends.push([a, a.bsend(ba, 'rpc')]);
      b.brecv(bb, 'rpc');
      sends.push([b, b.bsend(bb, 'rpc')]);
      a.brecv(ba, 'rpc');
    }
    const m = log.model();
    expect(m.messages).toHaveLength(6);
    for (const [r, ev] of sends) {
      const msg = sentBy(m, r.id, ev);
      expect(msg).toMatchObject({ status: 'delivered', fromRealm: r.id, toRealm: r.id === 'a' ? 'b' : 'a', ambiguous: false });
      expect(msg.deliveries).toHaveLength(1);
    }
    expect(m.totals.ambiguous).toBe(0);
  });

  it('a broadcast is one send with one delivery per receiving object (same realm included, never its own)', () => {
    const log = new Log();
    const top = log.realm('top').start();
    const ifr = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const b1 = top.bc('news');
    const b2 = top.bc('news');
    const bi = ifr.bc('news');
    const s = top.bsend(b1, 'news');
    top.brecv(b2, 'news');
    ifr.brecv(bi, 'news');
    const m = log.model();
    expect(m.messages).toHaveLength(1);
    const msg = sentBy(m, 'top', s);
    expect(msg.status).toBe('delivered');
    expect(msg.toRealm).toBeUndefined();
    expect(msg.deliveries?.map((d) => [d.toRealm, d.bc])).toEqual([
      ['top', b2],
      ['ifr', bi],
    ]);
    expect(msg.receipt?.realm).toBe('top');
  });

  it('an object created after a post does not receive it: the receipt is of the later post', () => {
    const log = new Log();
    const a = log.realm('top').start();
    const ifr = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const ba = a.bc('n');
    const first = a.bsend(ba, 'n');
    log.t += 100;
    const bi = ifr.bc('n');
    const second = a.bsend(ba, 'n');
    ifr.brecv(bi, 'n');
    const m = log.model();
    expect(sentBy(m, 'top', first).deliveries).toBeUndefined();
    expect(sentBy(m, 'top', second).deliveries?.map((d) => d.toRealm)).toEqual(['ifr']);
  });

  it('a receipt no recorded send accounts for is its own message (broadcastUnmatched); a truly undecidable one is flagged', () => {
    const log = new Log();
    const a = log.realm('top').start();
    const b = log.realm('b', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const c = log.realm('c', { kind: 'iframe', frameId: 4, parentFrameId: 0 }).start();
    const ba = a.bc('n');
    const bb = b.bc('n');
    const bc = c.bc('n');
    const stray = a.brecv(ba, 'n');
    log.t += 100;
    // b and c post at once; a gets two posts: either could be first.
    const sb = b.bsend(bb, 'n');
    const sc = c.bsend(bc, 'n');
    a.brecv(ba, 'n');
    a.brecv(ba, 'n');
    const m = log.model();
    expect(receivedBy(m, 'top', stray.seq)).toMatchObject({ senderUnknown: 'broadcastUnmatched', status: 'delivered' });
    expect(receivedBy(m, 'top', stray.seq).fromRealm).toBeUndefined();
    const first = sentBy(m, 'b', sb);
    expect(first.deliveries?.[0]).toMatchObject({ toRealm: 'top', ambiguous: true });
    expect(first).toMatchObject({ ambiguous: true, ambiguity: ['broadcastAmbiguous'] });
    expect(sentBy(m, 'c', sc).status).toBe('delivered');
  });
});

describe('BroadcastChannel: causal order decides', () => {
  /** Frame a asks three questions on one name, frame b answers each, frame c only listens (each answer
   *  posted 2 ms after c got the question: within the clock-skew allowance). */
  function threeFrames() {
    const log = new Log();
    log.realm('top').start();
    const a = log.realm('a', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const b = log.realm('b', { kind: 'iframe', frameId: 4, parentFrameId: 0 }).start();
    const c = log.realm('c', { kind: 'iframe', frameId: 5, parentFrameId: 0 }).start();
    const ba = a.bc('rpc');
    const bb = b.bc('rpc');
    const bcc = c.bc('rpc');
    const sends: [R, EntangleEvent][] = [];
    for (let i = 0; i < 3; i++) {
      sends.push([a, a.bsend(ba, 'rpc')]);
      c.brecv(bcc, 'rpc');
      b.brecv(bb, 'rpc');
      sends.push([b, b.bsend(bb, 'rpc')]);
      c.brecv(bcc, 'rpc');
      a.brecv(ba, 'rpc');
    }
    return { log, sends };
  }

  const expectAllCertain = (m: CaptureModel, sends: [R, EntangleEvent][]): void => {
    expect(m.messages).toHaveLength(6);
    for (const [r, ev] of sends) {
      const msg = sentBy(m, r.id, ev);
      expect(msg).toMatchObject({ status: 'delivered', fromRealm: r.id, ambiguous: false });
      expect(msg.ambiguity).toBeUndefined();
      // Every post reaches the other asker/answerer and the listener, in order.
      // Each post reaches the listener (first, in this log's arrival order) and the other frame.
      expect(msg.deliveries?.map((d) => [d.toRealm, d.ambiguous === true])).toEqual([
        ['c', false],
        [r.id === 'a' ? 'b' : 'a', false],
      ]);
    }
    expect(m.totals.ambiguous).toBe(0);
  };

  it('an answer posted after its realm received the question reaches the listener after the question: not ambiguous', () => {
    const { log, sends } = threeFrames();
    const m = log.model();
    expectAllCertain(m, sends);
    // The listener's receipts alternate question, answer: c's k-th receipt is the k-th post.
    const order = sends.map(([r, ev]) => sentBy(m, r.id, ev).deliveries!.find((d) => d.toRealm === 'c')!.receipt!.seq);
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it("the same when the listener's records arrive before the asker's and the answerer's", () => {
    const { log, sends } = threeFrames();
    const rank = (realm: string): number => (realm === 'c' ? 0 : realm === 'b' ? 1 : 2);
    // A stable sort: each realm's records stay in their own order (as batches of a realm do).
    log.records.sort((x, y) => rank(x.realm) - rank(y.realm));
    expectAllCertain(log.model(), sends);
  });

  it('happens-before is transitive (through a post on another name): a later post is not the first', () => {
    const log = new Log();
    log.realm('top').start();
    const a = log.realm('a', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const b = log.realm('b', { kind: 'iframe', frameId: 4, parentFrameId: 0 }).start();
    const c = log.realm('c', { kind: 'iframe', frameId: 5, parentFrameId: 0 }).start();
    const d = log.realm('d', { kind: 'iframe', frameId: 6, parentFrameId: 0 }).start();
    const an = a.bc('n');
    const cn = c.bc('n');
    const bn = b.bc('n');
    const bm = b.bc('m');
    const p = a.bsend(an, 'n');
    // d opens its objects after p was posted (beyond the skew allowance): it never gets p.
    log.t += 50;
    const dm = d.bc('m');
    const dn = d.bc('n');
    b.brecv(bn, 'n'); // p
    const q = b.bsend(bm, 'm'); // b's post on another name, after it got p…
    d.brecv(dm, 'm'); // …reaches d, which then posts on 'n'
    const r = d.bsend(dn, 'n');
    // The listener's first receipt reads before r was posted, but within the allowance: p or r?
    const first = c.brecv(cn, 'n', -10);
    c.brecv(cn, 'n', 12);
    a.brecv(an, 'n'); // r
    b.brecv(bn, 'n'); // r
    const m = log.model();
    expect(sentBy(m, 'd', r).deliveries?.map((x) => [x.toRealm, x.ambiguous === true])).toEqual([
      ['c', false],
      ['a', false],
      ['b', false],
    ]);
    expect(sentBy(m, 'a', p).deliveries?.map((x) => [x.toRealm, x.receipt?.seq, x.ambiguous === true])).toEqual([
      ['b', b.seq - 2, false],
      ['c', first.seq, false],
    ]);
    expect(sentBy(m, 'b', q)).toMatchObject({ status: 'delivered', toRealm: 'd', ambiguous: false });
    expect(m.totals.ambiguous).toBe(0);
  });

  it('posts that no receipt orders stay ambiguous', () => {
    const log = new Log();
    log.realm('top').start();
    const a = log.realm('a', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const b = log.realm('b', { kind: 'iframe', frameId: 4, parentFrameId: 0 }).start();
    const c = log.realm('c', { kind: 'iframe', frameId: 5, parentFrameId: 0 }).start();
    const ba = a.bc('n');
    const bb = b.bc('n');
    const bcc = c.bc('n');
    const p = a.bsend(ba, 'n');
    const q = b.bsend(bb, 'n'); // b had not received p yet: concurrent
    c.brecv(bcc, 'n');
    c.brecv(bcc, 'n');
    b.brecv(bb, 'n');
    a.brecv(ba, 'n');
    const m = log.model();
    expect(sentBy(m, 'a', p)).toMatchObject({ ambiguous: true, ambiguity: ['broadcastAmbiguous'] });
    void q;
  });
});

describe('service workers, known from the page side', () => {
  it('one realm per script shared by the top and an iframe; ports sent to it end there; its replies and messages are from it', () => {
    const log = new Log();
    const top = log.realm('top').start();
    const ifr = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0 }).start();
    const script = 'https://a.test/sw.js';
    top.emit({ type: 'serviceWorkerFound', worker: 'top:s1', scriptURL: script, state: 'activating' });
    ifr.emit({ type: 'serviceWorkerFound', worker: 'ifr:s1', scriptURL: script, state: 'activated', scope: 'https://a.test/' });
    const [a1, a2] = top.channel();
    top.started(a1);
    const toSw = top.workerSend('top:s1', [a2]);
    top.recv(a1);
    const reply = top.seq;
    const push = top.workerRecv('top:s1');
    const fromIfr = ifr.workerSend('ifr:s1');
    const m = log.model();
    const id = `serviceworker:${script}`;
    const sws = m.realms.filter((r) => r.kind === 'serviceworker');
    expect(sws).toEqual([expect.objectContaining({ id, url: script, origin: 'https://a.test', instrumented: false, scope: 'https://a.test/', state: 'activated' })]);
    // The service worker answered on the port the message carried: the message evidently arrived.
    expect(sentBy(m, 'top', toSw)).toMatchObject({ toRealm: id, status: 'delivered', reason: 'deliveryInferred' });
    expect(sentBy(m, 'top', toSw).receivedAt).toBeUndefined();
    expect(m.ports.find((p) => p.id === a2)?.custody.map((c) => c.realm)).toEqual(['top', id]);
    expect(receivedBy(m, 'top', reply)).toMatchObject({ fromRealm: id, fromPort: a2, ambiguous: false });
    expect(receivedBy(m, 'top', push.seq)).toMatchObject({ fromRealm: id });
    expect(sentBy(m, 'ifr', fromIfr)).toMatchObject({ toRealm: id, status: 'in-flight', reason: 'receiverUninstrumented' });
  });
});

describe('a send to a worker is delivered when the worker used a port it carried', () => {
  function workerWithPort() {
    const log = new Log();
    const top = log.realm('top').start();
    const w = 'top:w1';
    top.emit({ type: 'workerCreated', worker: w, url: 'https://a.test/w.js', workerType: 'classic' });
    const [a1, a2] = top.channel();
    top.started(a1);
    return { log, top, w, a1, a2 };
  }

  it('the worker sent on the carried port: delivered (deliveryInferred), no receipt time; the same when built part-way', () => {
    const { log, top, w, a1, a2 } = workerWithPort();
    const plain = top.workerSend(w);
    const carrier = top.workerSend(w, [a2]);
    const c = createCorrelator();
    c.append(log.records);
    expect(sentBy(c.model(), 'top', carrier)).toMatchObject({ status: 'in-flight', reason: 'receiverUninstrumented' });
    const from = log.records.length;
    top.recv(a1); // the worker's message on the port it was given
    const reply = top.seq;
    c.append(log.records.slice(from));
    for (const m of [c.model(), log.model()]) {
      const msg = sentBy(m, 'top', carrier);
      expect(msg).toMatchObject({ status: 'delivered', reason: 'deliveryInferred', toRealm: w, ambiguous: false });
      expect(msg.receivedAt).toBeUndefined();
      expect(receivedBy(m, 'top', reply)).toMatchObject({ fromRealm: w, fromPort: a2 });
      // A message that carried nothing proves nothing.
      expect(sentBy(m, 'top', plain)).toMatchObject({ status: 'in-flight', reason: 'receiverUninstrumented' });
      expect(summarize(m).messages.find((x) => x.id === msg.id)).toMatchObject({ status: 'delivered', statusReason: 'deliveryInferred', receivedAt: null, reason: null });
    }
    // Settled receipts reused by a later build still count.
    const more = log.records.length;
    top.windowRecv('none');
    c.append(log.records.slice(more));
    expect(sentBy(c.model(), 'top', carrier)).toMatchObject({ status: 'delivered', reason: 'deliveryInferred' });
  });

  it('no traffic on the carried port, or traffic from before the port was sent: still in-flight (receiverUninstrumented)', () => {
    const { log, top, w, a1, a2 } = workerWithPort();
    // A receipt on the partner long before the port went to the worker is not the worker's.
    top.recv(a1);
    log.t += 100;
    const carrier = top.workerSend(w, [a2]);
    const m = log.model();
    expect(sentBy(m, 'top', carrier)).toMatchObject({ status: 'in-flight', reason: 'receiverUninstrumented' });
  });

  it("a port the worker got by a later message is not evidence for an earlier one that carried another port", () => {
    const { log, top, w, a1, a2 } = workerWithPort();
    const [b1, b2] = top.channel();
    top.started(b1);
    const first = top.workerSend(w, [b2]);
    const second = top.workerSend(w, [a2]);
    top.recv(a1); // the worker used a2 only
    void b1;
    const m = log.model();
    expect(sentBy(m, 'top', second)).toMatchObject({ status: 'delivered', reason: 'deliveryInferred' });
    expect(sentBy(m, 'top', first)).toMatchObject({ status: 'in-flight', reason: 'receiverUninstrumented' });
  });
});

describe('realms that leave', () => {
  it('realmGone unloads the realm at that time: messages to its ports are lost (realmGone)', () => {
    const { log, top, ifr } = topAndFrame();
    const [a1, a2] = top.channel();
    top.started(a1);
    const [k1, k2] = top.channel();
    void k2;
    top.send(k1, [a2]);
    // The iframe got the port on the carrier… (a port its own realm made the channel for: joined by FIFO)
    const carrier = ifr.recv(k2, 1);
    ifr.started(carrier[0]!);
    ifr.emit({ type: 'realmGone', persisted: false });
    const after = top.send(a1);
    const m = log.model();
    expect(m.realms.find((r) => r.id === 'ifr')?.goneAt).toBeDefined();
    expect(sentBy(m, 'top', after)).toMatchObject({ status: 'lost', reason: 'realmGone' });
  });

  it('persisted realmGone is gone for now, and later events of the realm clear it', () => {
    const log = new Log();
    const top = log.realm('top').start();
    top.emit({ type: 'realmGone', persisted: true });
    let r = log.model().realms[0]!;
    expect(r).toMatchObject({ persisted: true });
    expect(r.goneAt).toBeDefined();
    top.windowRecv('self');
    r = log.model().realms[0]!;
    expect(r.goneAt).toBeUndefined();
    expect(r.persisted).toBeUndefined();
  });
});

describe('popups belong to the session', () => {
  it("a popup's realm hangs under its opener; opener and other resolve across the tabs; its frames hang under it", () => {
    const log = new Log();
    const top = log.realm('top', { origin: 'https://shop.test' }).start();
    const opener = { tabId: 1, frameId: 0 };
    const pop = log.realm('pop', { kind: 'popup', tabId: 2, origin: 'https://pay.test', opener }).start();
    const inner = log.realm('inner', { kind: 'iframe', tabId: 2, frameId: 5, parentFrameId: 0, origin: 'https://pay.test', opener }).start();
    const old = log.realm('old', { kind: 'top', tabId: 3, origin: 'https://pay.test', opener: { tabId: 2, frameId: 0 } }).start();
    const toPopup = pop.windowRecv('opener', 'https://shop.test');
    const toTop = top.windowRecv('other', 'https://pay.test');
    const m = log.model();
    const realm = (id: string) => m.realms.find((r) => r.id === id);
    expect(realm('pop')).toMatchObject({ kind: 'popup', parent: 'top' });
    expect(realm('inner')?.parent).toBe('pop');
    // A popup of the popup: a top realm of a tab opened from it is a popup too.
    expect(realm('old')).toMatchObject({ kind: 'popup', parent: 'pop' });
    void old;
    void inner;
    expect(receivedBy(m, 'pop', toPopup.seq)).toMatchObject({ fromRealm: 'top', ambiguous: false });
    expect(receivedBy(m, 'top', toTop.seq)).toMatchObject({ fromRealm: 'pop', ambiguous: false });
  });
});

describe('the summary is a contract', () => {
  it('every key present (null when unknown), with reasons, deliveries and the error path', () => {
    const log = new Log();
    const top = log.realm('top').start();
    top.emit({ type: 'workerCreated', worker: 'top:w1', url: 'https://a.test/w.js', workerType: 'classic' });
    top.workerSend('top:w1');
    top.windowRecv('other');
    top.emit({
      type: 'messageSent',
      route: 'worker',
      worker: 'top:w1',
      transfer: [],
      outcome: 'posted',
      error: { name: 'DataCloneError', message: 'could not be cloned', path: 'payload.handlers[2]', culprit: 'Function' },
    });
    const b = top.bc('n');
    top.bsend(b, 'n');
    const s = JSON.parse(JSON.stringify(summarize(log.model()))) as ReturnType<typeof summarize>;
    const keys = ['id', 'route', 'fromRealm', 'toRealm', 'fromPort', 'toPort', 'channelName', 'sentAt', 'receivedAt', 'status', 'statusReason', 'ambiguous', 'ambiguity', 'senderUnknown', 'reason', 'error', 'transfers', 'preview', 'deliveries', 'replayOf', 'dropped'];
    for (const msg of s.messages) expect(Object.keys(msg).sort()).toEqual([...keys].sort());
    expect(Object.keys(s.realms[0]!).sort()).toEqual(['goneAt', 'id', 'instrumented', 'kind', 'origin', 'parent', 'persisted', 'scope', 'state', 'untrusted', 'untrustedReason', 'url']);
    expect(s.realms[0]!.parent).toBeNull();
    const [toWorker, fromOutside, failed, broadcast] = s.messages;
    expect(toWorker).toMatchObject({ status: 'in-flight', statusReason: 'receiverUninstrumented', receivedAt: null, deliveries: null });
    expect(toWorker!.reason).toMatch(/receiverUninstrumented/);
    expect(fromOutside).toMatchObject({ fromRealm: null, senderUnknown: 'sourceOutsideTab', sentAt: null });
    expect(fromOutside!.reason).toMatch(/sender unknown \(sourceOutsideTab\)/);
    expect(failed!.error).toEqual({ name: 'DataCloneError', message: 'could not be cloned', path: 'payload.handlers[2]', culprit: 'Function' });
    expect(broadcast).toMatchObject({ route: 'broadcast', deliveries: [], statusReason: 'broadcastUnmatched', toRealm: null, preview: null });
  });
});

describe('capture files carry the new events and popup records', () => {
  it('write then read gives the same records', async () => {
    const log = new Log();
    const top = log.realm('top').start();
    const pop = log.realm('pop', { kind: 'popup', tabId: 2, origin: 'https://pay.test', opener: { tabId: 1, frameId: 0 } }).start();
    pop.emit({ type: 'realmGone', persisted: false });
    const b = top.bc('n');
    top.bsend(b, 'n');
    top.emit({ type: 'broadcastChannelClosed', bc: b });
    top.emit({ type: 'serviceWorkerFound', worker: 'top:s1', scriptURL: 'https://a.test/sw.js', state: 'activated', scope: 'https://a.test/' });
    const text = writeCapture({ generator: { name: 'test', version: '0' }, page: { url: 'https://a.test/' }, records: log.records });
    const read = await readCapture(text);
    if (!read.ok) throw new Error(read.error);
    expect(read.capture.records).toEqual(log.records);
  });
});

describe('a replay is known as one everywhere the message is', () => {
  it('replayOf of a send and of a window receipt: kept through a capture file, in the model and in the summary', async () => {
    const log = new Log();
    const top = log.realm('top').start();
    const frame = log.realm('ifr', { kind: 'iframe', frameId: 3, parentFrameId: 0, origin: 'https://b.test' }).start();
    const [p1, p2] = top.channel();
    const original = top.send(p1);
    top.recv(p2);
    const replay = top.emit({ type: 'messageSent', route: 'port', port: p1, transfer: [], outcome: 'posted', replayOf: `top#${original.seq}` });
    top.recv(p2);
    const windowOriginal = frame.windowRecv('parent', 'https://a.test');
    const windowReplay = frame.emit({ type: 'messageReceived', route: 'window', origin: 'https://a.test', source: 'parent', ports: [], preview: 'w', size: 1, replayOf: `ifr#${windowOriginal.seq}` });

    const read = await readCapture(writeCapture({ generator: { name: 'test', version: '0' }, page: { url: 'https://a.test/' }, records: log.records }));
    if (!read.ok) throw new Error(read.error);
    expect(read.capture.records).toEqual(log.records);
    const c = createCorrelator();
    c.append(read.capture.records);
    const m = c.model();
    expect(sentBy(m, 'top', replay)).toMatchObject({ replayOf: `top#${original.seq}`, status: 'delivered' });
    expect(sentBy(m, 'top', original).replayOf).toBeUndefined();
    expect(receivedBy(m, 'ifr', windowReplay.seq).replayOf).toBe(`ifr#${windowOriginal.seq}`);

    const s = summarize(m);
    const byId = (id: string) => s.messages.find((x) => x.id === id);
    expect(byId(`top#${replay.seq}`)?.replayOf).toBe(`top#${original.seq}`);
    expect(byId(`top#${original.seq}`)?.replayOf).toBeNull();
    expect(byId(`ifr#${windowReplay.seq}`)?.replayOf).toBe(`ifr#${windowOriginal.seq}`);
  });

  it('a capture whose replayOf is not a message id is refused, naming where', async () => {
    const log = new Log();
    const top = log.realm('top').start();
    const [p1] = top.channel();
    top.emit({ type: 'messageSent', route: 'port', port: p1, transfer: [], outcome: 'posted', replayOf: 'top#1' });
    const file = JSON.parse(writeCapture({ generator: { name: 'test', version: '0' }, page: { url: 'https://a.test/' }, records: log.records })) as { records: { event: Record<string, unknown> }[] };
    file.records[2]!.event.replayOf = 'not an id';
    const read = await readCapture(JSON.stringify(file));
    expect(read.ok ? 'read' : read.error).toMatch(/records\[2\]\.event: replayOf must be a message id/);
  });
});
