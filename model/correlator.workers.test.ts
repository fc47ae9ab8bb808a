/**
 * Workers recorded from the inside (issue 13): the realm inside a dedicated worker is linked to the
 * Worker object that made it, and the two ends of the worker's implicit port are paired like a port's.
 */
import { describe, expect, it } from 'vitest';
import { createCorrelator, type CaptureModel, type MessageModel } from './correlator';
import type { LogRecord } from './log';
import { PROTOCOL_VERSION, SHARED_WORKER_CONNECT, WORKER_SELF, type EntangleEvent, type PortId, type WorkerPlace } from './protocol';
import { readCapture, writeCapture } from './capture';

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;
const ORIGIN = 'https://a.test';

class Clock {
  t = 1000;
}

class R {
  seq = 0;
  readonly records: LogRecord[] = [];
  constructor(
    readonly clock: Clock,
    readonly id: string,
    readonly place?: WorkerPlace,
  ) {}
  emit(body: Body<EntangleEvent>): this {
    const event = { ...body, seq: ++this.seq, t: (this.clock.t += 1) } as EntangleEvent;
    const rec: LogRecord = { realm: this.id, tabId: 1, frameId: this.place ? -1 : 0, event };
    if (this.place) rec.worker = this.place;
    else rec.parentFrameId = -1;
    this.records.push(rec);
    return this;
  }
  start(): this {
    return this.emit({ type: 'realmStarted', kind: this.place ? (this.place.type === 'serviceworker' ? 'serviceworker' : 'worker') : 'top', url: this.place?.url ?? `${ORIGIN}/`, origin: ORIGIN, protocol: PROTOCOL_VERSION });
  }
  newWorker(n: number, url = `${ORIGIN}/worker.js`): string {
    const id = `${this.id}:w${n}`;
    this.emit({ type: 'workerCreated', worker: id, url, workerType: 'classic' });
    return id;
  }
  channel(n: number): [PortId, PortId] {
    const pair: [PortId, PortId] = [`${this.id}:p${2 * n - 1}`, `${this.id}:p${2 * n}`];
    return this.emit({ type: 'channelCreated', channel: `${this.id}:c${n}`, port1: pair[0], port2: pair[1] }) && pair;
  }
  toWorker(worker: string, transfer: PortId[] = []): this {
    return this.emit({ type: 'messageSent', route: 'worker', worker, transfer: transfer.map((port) => ({ kind: 'MessagePort', port })), outcome: 'posted' });
  }
  fromWorker(worker: string, ports: PortId[] = []): this {
    return this.emit({ type: 'messageReceived', route: 'worker', worker, origin: '', ports, preview: { $t: 'string', v: 'x', length: 1 } });
  }
  onPort(port: PortId): this {
    return this.emit({ type: 'messageSent', route: 'port', port, transfer: [], outcome: 'posted' });
  }
  gotOnPort(port: PortId): this {
    return this.emit({ type: 'messageReceived', route: 'port', port, origin: '', ports: [], preview: { $t: 'string', v: 'x', length: 1 } });
  }
}

const place = (target: string, parent?: string, url = `${ORIGIN}/worker.js`): WorkerPlace => ({ target, type: 'worker', url, ...(parent ? { parent } : {}) });

function modelOf(records: readonly LogRecord[]): CaptureModel {
  const c = createCorrelator();
  c.append(records);
  return c.model();
}

const sentBy = (m: CaptureModel, realm: string, seq: number): MessageModel => {
  const found = m.messages.find((x) => x.send?.realm === realm && x.send.seq === seq);
  if (!found) throw new Error(`no message sent by ${realm}#${seq}`);
  return found;
};

/** The comlink pattern: the page makes a worker and a channel, hands the worker one end, and talks on the other. */
function rpcSession() {
  const clock = new Clock();
  const top = new R(clock, 'top').start();
  const worker = top.newWorker(1);
  const [p1, p2] = top.channel(1);
  top.toWorker(worker, [p2]);
  const handOver = top.seq;
  top.onPort(p1);
  const call = top.seq;
  const inside = new R(clock, 'in', place('T1')).start();
  inside.fromWorker(WORKER_SELF, ['in:p1']);
  inside.emit({ type: 'portStarted', port: 'in:p1', implicit: true });
  inside.gotOnPort('in:p1');
  inside.onPort('in:p1');
  const answer = inside.seq;
  inside.toWorker(WORKER_SELF);
  const ready = inside.seq;
  top.gotOnPort(p1);
  top.fromWorker(worker);
  return { top, inside, worker, p1, p2, handOver, call, answer, ready };
}

describe('a dedicated worker recorded from the inside', () => {
  it('is linked to its Worker object: the port handed over lives in it, and every message is delivered', () => {
    const s = rpcSession();
    const m = modelOf([...s.top.records, ...s.inside.records].sort((a, b) => a.event.t - b.event.t));
    const inside = m.realms.find((r) => r.id === 'in');
    expect(inside).toMatchObject({ kind: 'worker', parent: 'top', recordedInside: true, instrumented: true, workerObject: s.worker });
    // The Worker object's stand-in realm is gone: the worker is the realm recorded inside.
    expect(m.realms.map((r) => r.id).sort()).toEqual(['in', 'top']);
    expect(sentBy(m, 'top', s.handOver)).toMatchObject({ status: 'delivered', toRealm: 'in', ambiguous: false });
    const port = m.ports.find((p) => p.id === s.p2)!;
    expect(port.custody.map((c) => [c.realm, c.localId, c.via])).toEqual([
      ['top', s.p2, 'created'],
      ['in', 'in:p1', 'worker'],
    ]);
    expect(sentBy(m, 'top', s.call)).toMatchObject({ status: 'delivered', toRealm: 'in' });
    expect(sentBy(m, 'in', s.answer)).toMatchObject({ status: 'delivered', toRealm: 'top', fromRealm: 'in' });
    expect(sentBy(m, 'in', s.ready)).toMatchObject({ status: 'delivered', toRealm: 'top', fromRealm: 'in', route: 'worker' });
    // No implicit port is shown as a MessagePort.
    expect(m.ports.map((p) => p.id).sort()).toEqual([s.p1, s.p2].sort());
    expect(m.totals).toMatchObject({ delivered: 4, inFlight: 0, ambiguous: 0 });
  });

  it("gives the same model whichever side arrives first (the worker's batches often come later, or earlier)", () => {
    const s = rpcSession();
    const pick = (m: CaptureModel) => m.messages.map((x) => [x.id, x.status, x.toRealm, x.fromRealm]);
    const topFirst = modelOf([...s.top.records, ...s.inside.records]);
    const insideFirst = modelOf([...s.inside.records, ...s.top.records]);
    const byTime = modelOf([...s.top.records, ...s.inside.records].sort((a, b) => a.event.t - b.event.t));
    expect(pick(topFirst)).toEqual(pick(byTime));
    expect(pick(insideFirst)).toEqual(pick(byTime));
    expect(insideFirst.ports.find((p) => p.id === s.p2)!.custody.map((c) => c.realm)).toEqual(['top', 'in']);
  });

  it('builds the model part-way too: a port first given a made-up holder moves to the real one once the worker speaks', () => {
    const s = rpcSession();
    const c = createCorrelator();
    c.append(s.top.records.slice(0, 5));
    const early = c.model();
    // Before the worker's batch: the worker is a stand-in realm that holds a port with a made-up id.
    expect(early.realms.find((r) => r.id === s.worker)).toMatchObject({ instrumented: false });
    expect(early.ports.find((p) => p.id === s.p2)!.custody.map((x) => x.realm)).toEqual(['top', s.worker]);
    c.append(s.inside.records);
    c.append(s.top.records.slice(5));
    const later = c.model();
    expect(later.ports.find((p) => p.id === s.p2)!.custody.map((x) => [x.realm, x.localId])).toEqual([
      ['top', s.p2],
      ['in', 'in:p1'],
    ]);
    expect(later.realms.map((r) => r.id).sort()).toEqual(['in', 'top']);
  });

  it('says what is not received yet, and what a worker that ended never got', () => {
    const clock = new Clock();
    const top = new R(clock, 'top').start();
    const w = top.newWorker(1);
    const inside = new R(clock, 'in', place('T1')).start();
    top.toWorker(w).toWorker(w);
    inside.fromWorker(WORKER_SELF);
    const records = [...top.records, ...inside.records];
    const m = modelOf(records);
    expect(sentBy(m, 'top', 3)).toMatchObject({ status: 'delivered', toRealm: 'in' });
    expect(sentBy(m, 'top', 4)).toMatchObject({ status: 'in-flight', reason: 'awaitingReceipt', toRealm: 'in' });
    const c = createCorrelator();
    c.append(records);
    c.realmGone('in', clock.t + 1);
    expect(sentBy(c.model(), 'top', 4)).toMatchObject({ status: 'lost', reason: 'realmGone' });
  });

  it('links a nested worker to the Worker object made inside its parent worker', () => {
    const clock = new Clock();
    const top = new R(clock, 'top').start();
    const w = top.newWorker(1);
    const outer = new R(clock, 'outer', place('T1')).start();
    const nested = outer.newWorker(1, `${ORIGIN}/nested.js`);
    const inner = new R(clock, 'inner', place('T2', 'T1', `${ORIGIN}/nested.js`)).start();
    outer.toWorker(nested);
    inner.fromWorker(WORKER_SELF);
    top.toWorker(w);
    outer.fromWorker(WORKER_SELF);
    const m = modelOf([...top.records, ...outer.records, ...inner.records]);
    expect(m.realms.find((r) => r.id === 'inner')).toMatchObject({ parent: 'outer', kind: 'worker' });
    expect(m.realms.find((r) => r.id === 'outer')).toMatchObject({ parent: 'top' });
    expect(sentBy(m, 'outer', outer.seq - 1)).toMatchObject({ status: 'delivered', toRealm: 'inner' });
    expect(sentBy(m, 'top', top.seq)).toMatchObject({ status: 'delivered', toRealm: 'outer' });
  });

  it('leaves a worker two realms could have made unlinked, and pairs nothing by guess', () => {
    const clock = new Clock();
    const a = new R(clock, 'a').start();
    const b = new R(clock, 'b').start();
    const wa = a.newWorker(1);
    b.newWorker(1);
    const inside = new R(clock, 'in', place('T1')).start();
    a.toWorker(wa);
    inside.fromWorker(WORKER_SELF);
    const m = modelOf([...a.records, ...b.records, ...inside.records]);
    expect(m.realms.find((r) => r.id === 'in')!.parent).toBeUndefined();
    expect(sentBy(m, 'a', a.seq)).toMatchObject({ status: 'in-flight', reason: 'receiverUninstrumented', toRealm: wa });
    const got = m.messages.find((x) => x.receipt?.realm === 'in')!;
    expect(got).toMatchObject({ status: 'delivered', senderUnknown: 'frameUnknown' });
    expect(got.fromRealm).toBeUndefined();
  });

  it('keeps the pairs in line after a clear that cut a send whose receipt is kept', () => {
    const clock = new Clock();
    const top = new R(clock, 'top').start();
    const w = top.newWorker(1);
    const inside = new R(clock, 'in', place('T1')).start();
    top.toWorker(w); // seq 3: its receipt comes after the cut
    const records = [...top.records, ...inside.records];
    const later = new R(clock, 'x');
    void later;
    inside.fromWorker(WORKER_SELF); // receipt of seq 3
    top.toWorker(w); // seq 4
    inside.fromWorker(WORKER_SELF); // its receipt
    const full = createCorrelator();
    full.append([...top.records, ...inside.records]);
    const cut = new Map([
      ['top', 3],
      ['in', 1],
    ]);
    const after = createCorrelator();
    after.startAfter({
      records: records.filter((r) => r.event.type !== 'messageSent'),
      joins: full.joins(),
      pairsCut: full.pairsCut((realm) => cut.get(realm) ?? 0),
    });
    after.append([...top.records.slice(3), ...inside.records.slice(1)]);
    const m = after.model();
    expect(sentBy(m, 'top', 4).receipt).toEqual(expect.objectContaining({ realm: 'in', seq: 3 }));
  });
});

describe('a service worker recorded from the inside', () => {
  const SW = `${ORIGIN}/sw.js`;
  const swPlace: WorkerPlace = { target: 'S1', type: 'serviceworker', url: SW };
  const clientMsg = (r: R, dir: 'sent' | 'received', client: string, ports: PortId[] = []) =>
    dir === 'sent'
      ? r.emit({ type: 'messageSent', route: 'worker', client, transfer: ports.map((port) => ({ kind: 'MessagePort', port })), outcome: 'posted' })
      : r.emit({ type: 'messageReceived', route: 'worker', client, origin: ORIGIN, ports, preview: 1 });

  /** workbox's messageSW: a question with a reply port, the answer on the port, and one client.postMessage. */
  function swSession() {
    const clock = new Clock();
    const top = new R(clock, 'top').start();
    const sw = new R(clock, 'sw', swPlace).start();
    top.emit({ type: 'serviceWorkerFound', worker: 'top:s1', scriptURL: SW, state: 'activated' });
    const [p1, p2] = top.channel(1);
    top.toWorker('top:s1', [p2]);
    const question = top.seq;
    clientMsg(sw, 'received', `${ORIGIN}/`, ['sw:p1']);
    sw.onPort('sw:p1');
    const answer = sw.seq;
    top.gotOnPort(p1);
    clientMsg(sw, 'sent', `${ORIGIN}/`);
    const broadcast = sw.seq;
    top.fromWorker('top:s1');
    return { top, sw, p2, question, answer, broadcast };
  }

  it("pairs a page's messages with the worker's, by the client's URL and in order, and the reply port lives in the worker", () => {
    const s = swSession();
    for (const records of [[...s.top.records, ...s.sw.records], [...s.sw.records, ...s.top.records]]) {
      const m = modelOf(records);
      expect(sentBy(m, 'top', s.question)).toMatchObject({ status: 'delivered', toRealm: 'sw' });
      expect(sentBy(m, 'sw', s.answer)).toMatchObject({ status: 'delivered', toRealm: 'top', fromRealm: 'sw' });
      expect(sentBy(m, 'sw', s.broadcast)).toMatchObject({ status: 'delivered', toRealm: 'top', route: 'worker' });
      expect(m.ports.find((p) => p.id === s.p2)!.custody.map((c) => [c.realm, c.localId])).toEqual([
        ['top', s.p2],
        ['sw', 'sw:p1'],
      ]);
      // The page-side stand-in (`serviceworker:<script>`) is not drawn beside the worker itself.
      expect(m.realms.map((r) => r.id).sort()).toEqual(['sw', 'top']);
      expect(m.totals).toMatchObject({ delivered: 3, ambiguous: 0 });
    }
  });

  it('pairs nothing when two pages share the client URL', () => {
    const s = swSession();
    const twin = new R(s.top.clock, 'twin').start();
    const m = modelOf([...twin.records, ...s.top.records, ...s.sw.records].sort((a, b) => a.event.t - b.event.t));
    expect(sentBy(m, 'top', s.question).status).toBe('in-flight');
    expect(sentBy(m, 'sw', s.broadcast).toRealm).toBeUndefined();
  });
});

describe('capture files with workers recorded from the inside', () => {
  it('keep where each worker ran, and refuse a worker record that claims a frame', async () => {
    const s = rpcSession();
    const records = [...s.top.records, ...s.inside.records];
    const read = await readCapture(writeCapture({ generator: { name: 'entangle', version: '0.1.0' }, page: { url: `${ORIGIN}/` }, records }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.capture.records.filter((r) => r.realm === 'in').every((r) => r.worker?.target === 'T1' && r.frameId === -1)).toBe(true);
    const bad = JSON.parse(writeCapture({ generator: { name: 'entangle', version: '0.1.0' }, page: { url: `${ORIGIN}/` }, records })) as { records: Record<string, unknown>[] };
    const first = bad.records.findIndex((r) => r.realm === 'in');
    bad.records[first]!.frameId = 0;
    expect(await readCapture(JSON.stringify(bad))).toMatchObject({ ok: false, error: expect.stringContaining("frameId of a worker's record must be -1") });
    bad.records[first]!.frameId = -1;
    bad.records[first]!.worker = { target: 'T1', type: 'thread', url: 'x' };
    expect(await readCapture(JSON.stringify(bad))).toMatchObject({ ok: false, error: expect.stringContaining('worker.type') });
  });
});

describe("a shared worker's connect", () => {
  it('stands for no realm: its port arrives in the shared worker, and its sender is said to be an unpaired page', () => {
    const clock = new Clock();
    const hub = new R(clock, 'hub', { target: 'T-hub', type: 'sharedworker', url: `${ORIGIN}/shared.js` });
    hub.emit({ type: 'realmStarted', kind: 'sharedworker', url: `${ORIGIN}/shared.js`, origin: ORIGIN, protocol: PROTOCOL_VERSION, name: 'hub' });
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p1']).gotOnPort('hub:p1').onPort('hub:p1');
    const m = modelOf(hub.records);
    expect(m.realms.map((r) => [r.id, r.kind])).toEqual([['hub', 'sharedworker']]);
    const connect = m.messages.find((x) => x.route === 'worker')!;
    expect([connect.fromRealm, connect.senderUnknown, connect.toRealm]).toEqual([undefined, 'sharedWorkerClient', 'hub']);
    // The port the connect brought is held by the shared worker, and used there.
    expect(m.ports.find((p) => p.custody.some((c) => c.localId === 'hub:p1'))?.custody.map((c) => c.realm)).toEqual(['hub']);
  });
});

describe('a shared worker used by two pages', () => {
  const SHARED = `${ORIGIN}/shared.js`;
  /** `new SharedWorker(SHARED, name)` in `page`: its port is `<page>:p<n>`. */
  const create = (page: R, n: number, name = 'hub'): PortId => {
    const port = `${page.id}:p${n}`;
    page.emit({ type: 'workerCreated', worker: `${page.id}:w${n}`, url: SHARED, workerType: 'classic', name, sharedPort: port });
    return port;
  };
  function session() {
    const clock = new Clock();
    const top = new R(clock, 'top').start();
    const ifr = new R(clock, 'ifr').start();
    const hub = new R(clock, 'hub', { target: 'T-hub', type: 'sharedworker', url: SHARED });
    hub.emit({ type: 'realmStarted', kind: 'sharedworker', url: SHARED, origin: ORIGIN, protocol: PROTOCOL_VERSION, name: 'hub' });
    // The top connects, asks, is answered; then the iframe does the same.
    const topPort = create(top, 1);
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p1']);
    top.onPort(topPort);
    hub.gotOnPort('hub:p1').onPort('hub:p1');
    top.gotOnPort(topPort);
    // (Later than the clocks' skew: two creations closer than that, whose records arrive after both
    // connects and in reverse order, could be paired the wrong way round: shared-worker-link.ts.)
    clock.t += 50;
    const ifrPort = create(ifr, 1);
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p2']);
    ifr.onPort(ifrPort).onPort(ifrPort);
    hub.gotOnPort('hub:p2').gotOnPort('hub:p2');
    return { clock, top, ifr, hub, topPort, ifrPort };
  }
  const check = (m: CaptureModel) => {
    const connects = m.messages.filter((x) => x.route === 'worker').sort((a, b) => a.receipt!.seq - b.receipt!.seq);
    expect(connects.map((c) => [c.fromRealm, c.toRealm, c.senderUnknown])).toEqual([
      ['top', 'hub', undefined],
      ['ifr', 'hub', undefined],
    ]);
    // Each page's sends were received in the worker, on the port its own connect brought.
    expect([sentBy(m, 'top', 3), sentBy(m, 'ifr', 3), sentBy(m, 'ifr', 4)].map((x) => [x.status, x.toRealm, x.receipt?.realm])).toEqual([
      ['delivered', 'hub', 'hub'],
      ['delivered', 'hub', 'hub'],
      ['delivered', 'hub', 'hub'],
    ]);
    // And the worker's answer reached the top.
    expect([sentBy(m, 'hub', 4)].map((x) => [x.status, x.toRealm])).toEqual([['delivered', 'top']]);
    // Each page's port is entangled with its connect's.
    const entangled = (local: string) => m.ports.find((p) => p.custody.some((c) => c.localId === local))?.entangledWith;
    expect([entangled('top:p1'), entangled('ifr:p1')]).toEqual([
      m.ports.find((p) => p.custody.some((c) => c.localId === 'hub:p1'))?.id,
      m.ports.find((p) => p.custody.some((c) => c.localId === 'hub:p2'))?.id,
    ]);
  };

  it("pairs each connect with the page whose new SharedWorker() made it, and that page's port with the connect's", () => {
    const { top, ifr, hub } = session();
    check(modelOf([...top.records, ...ifr.records, ...hub.records]));
  });

  it('the same whichever stream arrives first', () => {
    const { top, ifr, hub } = session();
    check(modelOf([...hub.records, ...ifr.records, ...top.records]));
    check(modelOf([...ifr.records, ...hub.records, ...top.records]));
    // One record at a time, as they happened.
    const c = createCorrelator();
    for (const r of [...hub.records, ...top.records, ...ifr.records].sort((a, b) => a.event.t - b.event.t)) c.append([r]);
    check(c.model());
  });

  it("does not take a page's own port for one its connect carried, when the model is built before the page's answers arrive", () => {
    // The panel builds the model whenever it draws: here after the iframe's creation, its questions
    // and the worker's connect have arrived, but before the iframe's answers. The connect's port is
    // the worker's end of the iframe's port (paired by shared-worker-link.ts), not the iframe's port
    // transferred to the worker: an inference that took the iframe's only port for it (its sends
    // recent, its answers not in yet) made the iframe's questions the iframe's own receipts.
    const clock = new Clock();
    const top = new R(clock, 'top').start();
    const ifr = new R(clock, 'ifr').start();
    const hub = new R(clock, 'hub', { target: 'T-hub', type: 'sharedworker', url: SHARED });
    const topPort = create(top, 1);
    top.onPort(topPort).onPort(topPort);
    clock.t += 1_000;
    hub.emit({ type: 'realmStarted', kind: 'sharedworker', url: SHARED, origin: ORIGIN, protocol: PROTOCOL_VERSION, name: 'hub' });
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p1']);
    hub.gotOnPort('hub:p1').onPort('hub:p1').gotOnPort('hub:p1').onPort('hub:p1');
    top.gotOnPort(topPort).gotOnPort(topPort);
    clock.t += 50;
    const ifrPort = create(ifr, 1);
    ifr.onPort(ifrPort).onPort(ifrPort);
    const connect = hub.records.length;
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p2']);
    hub.gotOnPort('hub:p2').onPort('hub:p2').gotOnPort('hub:p2').onPort('hub:p2');
    ifr.gotOnPort(ifrPort).gotOnPort(ifrPort);

    const c = createCorrelator();
    // In the order the failing browser runs showed: the top's and the worker's first talk, the
    // iframe's creation and questions, the worker's second connect; a build; then the rest.
    c.append([...top.records, ...hub.records.slice(0, connect), ...ifr.records.slice(0, 4), hub.records[connect]!]);
    c.model();
    c.append([...hub.records.slice(connect + 1), ...ifr.records.slice(4)]);
    const m = c.model();
    expect(m.messages.filter((x) => x.route === 'worker').map((x) => [x.fromRealm, x.toRealm])).toEqual([
      ['top', 'hub'],
      ['ifr', 'hub'],
    ]);
    expect(m.ports.find((p) => p.custody.some((x) => x.localId === 'ifr:p1'))?.custody.map((x) => x.realm)).toEqual(['ifr']);
    const ifrSends = m.messages.filter((x) => x.send?.realm === 'ifr' && x.route === 'port');
    const hubAnswers = m.messages.filter((x) => x.send?.realm === 'hub' && x.route === 'port');
    expect(ifrSends.map((x) => [x.status, x.fromRealm, x.toRealm])).toEqual(Array(2).fill(['delivered', 'ifr', 'hub']));
    expect(hubAnswers.map((x) => [x.status, x.fromRealm, x.toRealm])).toEqual([...Array(2).fill(['delivered', 'hub', 'top']), ...Array(2).fill(['delivered', 'hub', 'ifr'])]);
  });

  it('a connect no recorded page made (another tab, earlier) is not paired, and takes no later page', () => {
    const clock = new Clock();
    const hub = new R(clock, 'hub', { target: 'T-hub', type: 'sharedworker', url: SHARED });
    hub.emit({ type: 'realmStarted', kind: 'sharedworker', url: SHARED, origin: ORIGIN, protocol: PROTOCOL_VERSION, name: 'hub' });
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p1']);
    clock.t += 100;
    const top = new R(clock, 'top').start();
    create(top, 1);
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p2']);
    // Another worker's name: not this worker's client.
    create(top, 2, 'other');
    const m = modelOf([...hub.records, ...top.records]);
    expect(m.messages.filter((x) => x.route === 'worker').map((c) => [c.fromRealm, c.senderUnknown])).toEqual([
      [undefined, 'sharedWorkerClient'],
      ['top', undefined],
    ]);
    expect(m.ports.find((p) => p.custody.some((c) => c.localId === 'top:p2'))?.entangledWith).toBeUndefined();
  });

  it('pairs none of several creations made before the worker started (any may have gone to an earlier, unrecorded start)', () => {
    const clock = new Clock();
    const a = new R(clock, 'a').start();
    const b = new R(clock, 'b').start();
    // a's worker start was not recorded (it outran the attachment): its connect never shows.
    const aPort = create(a, 1);
    a.onPort(aPort);
    clock.t += 5_000;
    // Later b's new SharedWorker() starts the worker again, recorded this time.
    create(b, 1);
    const hub = new R(clock, 'hub', { target: 'T-hub', type: 'sharedworker', url: SHARED });
    hub.emit({ type: 'realmStarted', kind: 'sharedworker', url: SHARED, origin: ORIGIN, protocol: PROTOCOL_VERSION, name: 'hub' });
    hub.fromWorker(SHARED_WORKER_CONNECT, ['hub:p1']);
    const m = modelOf([...a.records, ...b.records, ...hub.records]);
    expect(m.messages.filter((x) => x.route === 'worker').map((c) => [c.fromRealm, c.senderUnknown])).toEqual([[undefined, 'sharedWorkerClient']]);
    // a's message is not said to wait in the worker b's connect brought.
    expect(sentBy(m, 'a', 3).toRealm).toBeUndefined();
  });

  it('offers no creation from before a cut (a clear, a capture context) to a later connect', () => {
    const { top, ifr, hub } = session();
    // Cut after the top's talk: its creation and the worker's start stay as scene, its connect is gone.
    const scene = [top.records[0]!, top.records[1]!, ifr.records[0]!, hub.records[0]!];
    const after = (r: R, fromSeq: number) => r.records.filter((x) => x.event.seq >= fromSeq);
    const c = createCorrelator();
    c.startAfter({ records: scene, joins: [], pairsCut: [] });
    c.append([...after(ifr, 2), ...after(hub, 5)]);
    const m = c.model();
    expect(m.messages.filter((x) => x.route === 'worker').map((x) => x.fromRealm)).toEqual(['ifr']);
    expect([sentBy(m, 'ifr', 3), sentBy(m, 'ifr', 4)].map((x) => [x.status, x.toRealm])).toEqual([
      ['delivered', 'hub'],
      ['delivered', 'hub'],
    ]);
  });

  it('keeps the page-side creation in a capture file', async () => {
    const { top, ifr, hub } = session();
    const records = [...top.records, ...ifr.records, ...hub.records];
    const read = await readCapture(writeCapture({ generator: { name: 'entangle', version: '0.1.0' }, page: { url: `${ORIGIN}/` }, records }));
    expect(read.ok).toBe(true);
    if (read.ok) check(modelOf(read.capture.records));
  });
});
