/**
 * The correlator: turns the event log of a tab (records of every realm, in arrival order, possibly
 * with gaps) into realms, channels, logical ports with their custody, and messages with a status.
 * The approach, the matching rules, the guards and the limits are in docs/correlation.md.
 *
 * This module reads the records into the shared state (correlate-state.ts); the rest is in modules
 * with one job each: ports.ts (local ports joined into logical ports, FIFO pairing), infer-ports.ts
 * (ports carried by window and worker messages), broadcast-match.ts (BroadcastChannel receipts with
 * their sends), build-model.ts (the model), summary.ts (the CLI's summary); the types are in
 * model-types.ts. Every name this module exported before the split is still exported from it.
 *
 * Cost model: `append` does O(1) amortised work per record (map look-ups, pushes onto per-port
 * queues, advancing a FIFO pointer); a port join moves only the events of the joined part. `model()`
 * is memoised until the next append, and costs the realms and ports, the messages still open and the
 * new ones, and a copy of the settled ones (build-model.ts, settled-messages.ts).
 *
 * Status `dropped-origin` (a `window.postMessage` whose `targetOrigin` did not match) comes from the
 * browser's own report (`windowMessageDropped`, sent by the background while the debugging protocol is
 * attached: docs/recording.md), never from a page's recorder; origin-drops.ts finds its two ends.
 */
import { BroadcastMatcher } from './broadcast-match';
import { build, buildMakesJoins } from './build-model';
import { DropReplays } from './origin-drops';
import { NO_PORTS, selfKey, workerRealmId, type LocalPort, type Logical, type Realm, type RecvRec, type SendRec, type State } from './correlate-state';
import type { LogContext, LogGap, LogRecord } from './log';
import type { CaptureModel, CustodyVia, CutPairs, GapModel, JoinEnd, PortJoin } from './model-types';
import { serviceWorkerRealmId } from './model-types';
import { SHARED_WORKER_CONNECT, WORKER_SELF, type MessageFailedToDeserialize, type MessageReceived, type MessageSent, type PortId, type RealmId, type ServiceWorkerFound } from './protocol';
import { advanceFrom, entangleImplicit, implicitLogical, insertOrdered, join, localOf, newLocal, partnerOf, rootOf } from './ports';
import { linkWorkers, type InsideWorker, type WorkerCreation } from './worker-link';
import { SharedWorkerLinker, type SharedWorkerLink } from './shared-worker-link';

export * from './model-types';
export { summarize, type CaptureSummary } from './summary';

/** A ServiceWorker object's local id (`realm:sN`), as opposed to a Worker's (`realm:wN`). */
const SERVICE_WORKER_OBJECT = /:s\d+$/;

export interface Correlator {
  /**
   * Adds records (arrival order) and the gaps the relay reported for them. `firstIndex` is the arrival
   * index of the first record (EventRef.index); by default indexes continue from the previous append.
   */
  append(records: readonly LogRecord[], gaps?: readonly LogGap[], firstIndex?: number): void;
  /**
   * Events of `realm` up to `seq` were left out on purpose (the log was cleared or paused, or they were
   * evicted by its bound): a later event after them is not a gap.
   */
  resume(realm: RealmId, seq: number): void;
  /** The background reported the realm's frame gone (not part of the log: see docs/correlation.md). */
  realmGone(realm: RealmId, at: number): void;
  /** Every custody step, each port's in order (builds the model first: inferred joins are made there). */
  joins(): PortJoin[];
  /**
   * Per port, how the pairs of its receipts with its partner's sends straddle a cut (each realm's
   * events up to `cutOf(realm)`): a correlator given only what follows must pair the receipts whose
   * sends were cut, and the sends whose receipts were, with nothing — held or still to come — or
   * every later pair on the port would be one off.
   */
  pairsCut(cutOf: (realm: RealmId) => number): CutPairs[];
  /**
   * Starts from what came before a cut (a clear, an eviction, a capture saved part-way), for a
   * correlator given only what follows: the scene's records (the sequence numbers between them were
   * cut, not lost), the custody steps made from events it will not hold, and the pairs that straddle
   * the cut. Call before any record.
   */
  startAfter(context: LogContext): void;
  model(): CaptureModel;
}

// ── the correlator ──────────────────────────────────────────────────────────

/**
 * A correlator over a saved log (a capture file being opened): its context first, then each realm's
 * sequence numbers before its first record marked as left out on purpose — a log saved after a clear
 * or an eviction starts part-way, which is not a loss unless one of the log's gaps says so — then the
 * records, with arrival indexes from `firstIndex`.
 */
export function correlateSaved(saved: { records: readonly LogRecord[]; gaps: readonly LogGap[]; context?: LogContext }, firstIndex = 0): Correlator {
  const c = createCorrelator();
  if (saved.context) {
    c.startAfter(saved.context);
  }
  const first = new Map<RealmId, number>();
  // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
  for (let i = 0; i < saved.records.length; i++) {
    const r = saved.records[i]!;
    if (!first.has(r.realm)) first.set(r.realm, r.event.seq);
  }
  for (const [realm, seq] of first) {
    // A gap the log names just before its first record is a loss; what comes before that gap was cut.
    const named = saved.gaps.find((g) => g.realm === realm && g.from <= seq - 1 && g.to >= seq - 1);
    const upTo = named ? named.from - 1 : seq - 1;
    if (upTo > 0) c.resume(realm, upTo);
  }
  c.append(saved.records, saved.gaps, firstIndex);
  return c;
}

export function createCorrelator(): Correlator {
  const st: State = {
    realms: new Map(),
    locals: new Map(),
    logicals: [],
    channels: [],
    channelIds: new Set(),
    items: [],
    workerItems: [],
    inferable: [],
    drops: [],
    dropReplays: new DropReplays(),
    broadcast: new BroadcastMatcher(),
    serviceWorkers: new Map(),
    workerInside: new Map(),
    insideCreator: new Map(),
    implicit: new Map(),
    sharedClients: new Map(),
    epoch: 0,
    duplicates: 0,
  };
  const { realms, locals, logicals, items, inferable } = st;
  /** Gaps the relay reported, until the realm's events reach them. */
  const pendingGaps = new Map<RealmId, LogGap[]>();
  let index = 0;
  let version = 0;
  let cached: { version: number; model: CaptureModel } | undefined;
  // ── realms and gaps ──

  function realmOf(id: RealmId): Realm {
    let r = realms.get(id);
    if (!r) {
      r = { id, instrumented: true, lastT: -Infinity, highestSeq: 0, events: 0, gaps: [], missing: 0, faults: [], locals: [], pseudo: 0 };
      realms.set(id, r);
    }
    return r;
  }

  /** Every `workerCreated` so far, and the realms recorded inside dedicated workers (worker-link.ts). */
  const creations: WorkerCreation[] = [];
  const insideByTarget = new Map<string, Realm>();

  /** The uninstrumented realm a Worker or ServiceWorker object stands for (workerRealmId); for a
   *  worker recorded from the inside, that realm. */
  function workerRealm(id: string): Realm {
    const inside = st.workerInside.get(id);
    if (inside !== undefined) return realmOf(inside);
    const w = realmOf(workerRealmId(st, id));
    // Who may have sent on a port it held changes (build-model's portSender): settled messages go.
    if (w.instrumented) st.epoch++;
    w.instrumented = false;
    // A ServiceWorker object not (yet) described by serviceWorkerFound: its own realm, of that kind.
    w.kind ??= SERVICE_WORKER_OBJECT.test(id) ? 'serviceworker' : 'worker';
    return w;
  }

  function addGap(r: Realm, from: number, to: number, reason: LogGap['reason']): void {
    if (to < from) return;
    st.epoch++;
    const gap: GapModel = { realm: r.id, from, to, reason };
    if (r.lastT > -Infinity) gap.after = r.lastT;
    r.gaps.push(gap);
    r.missing += to - from + 1;
    r.highestSeq = Math.max(r.highestSeq, to);
  }

  /** Accounts for everything before `seq` (the next event of `r`): reported gaps first, then unknown ones. */
  function advanceSeq(r: Realm, seq: number, t: number): void {
    const pending = pendingGaps.get(r.id);
    if (pending) {
      pending.sort((a, b) => a.from - b.from);
      const rest: LogGap[] = [];
      for (const g of pending) {
        if (g.to <= r.highestSeq) continue;
        if (g.from >= seq) {
          rest.push(g);
          continue;
        }
        const from = Math.max(g.from, r.highestSeq + 1);
        addGap(r, r.highestSeq + 1, from - 1, 'unknown');
        addGap(r, from, Math.min(g.to, seq - 1), g.reason);
      }
      if (rest.length > 0) pendingGaps.set(r.id, rest);
      else pendingGaps.delete(r.id);
    }
    if (seq > r.highestSeq + 1) addGap(r, r.highestSeq + 1, seq - 1, 'unknown');
    for (let i = r.gaps.length - 1; i >= 0 && r.gaps[i]!.before === undefined; i--) r.gaps[i]!.before = t;
    r.highestSeq = seq;
  }

  // ── events ──

  function onSend(rec: LogRecord, r: Realm, ev: MessageSent): void {
    const s: SendRec = { kind: 'send', ev, realm: r, index, ports: NO_PORTS };
    items.push(s);
    // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
    for (let i = 0; i < ev.transfer.length; i++) {
      const item = ev.transfer[i]!;
      if (item.kind === 'MessagePort' && 'port' in item) {
        const p = localOf(st, item.port, r, ev.t, ev.seq);
        p.lastActiveT = ev.t;
        if (s.ports === NO_PORTS) s.ports = [];
        s.ports.push(p);
      }
    }
    // A send that did not throw detaches what it transfers, even when the message then goes nowhere.
    const moved = !ev.error;
    if (moved) for (let i = 0; i < s.ports.length; i++) s.ports[i]!.leftT = ev.t;
    if (moved && ev.outcome !== 'posted') {
      // Doomed (the partner was in the transfer list) or sent from/to a closed port: the message and
      // every port it carried are discarded.
      for (const p of s.ports) rootOf(p).lost ??= { at: ev.t, reason: ev.outcome === 'doomed' ? 'doomed' : 'discarded' };
    }
    switch (ev.route) {
      case 'port': {
        if (ev.port === undefined) return;
        const local = localOf(st, ev.port, r, ev.t, ev.seq);
        local.lastActiveT = ev.t;
        s.local = local;
        if (ev.error || ev.outcome !== 'posted') return;
        queueSend(rootOf(local), s);
        return;
      }
      case 'worker': {
        st.workerItems.push(s);
        if (!moved || ev.worker === undefined) return;
        const queue = implicitQueue(r, ev.worker);
        if (queue && !ev.error && ev.outcome === 'posted') queueSend(queue, s);
        // From inside a worker to its owner, or to a worker recorded from the inside: the receipt
        // there names the ports that arrived (ports.ts pairs and joins them).
        if (ev.worker === WORKER_SELF || st.workerInside.has(ev.worker)) return;
        // Ports given to a worker: their custody moves into the (uninstrumented) worker realm.
        const w = workerRealm(ev.worker);
        for (const p of s.ports) {
          // Already moved on by a join carried over from an earlier correlator (PortJoin).
          if (p.successor) continue;
          const pseudo = newLocal(st, `${w.id}:?${++w.pseudo}`, w, ev.t, 0, 'worker', false);
          join(st, p, pseudo, 'worker', {}, [{ realm: r.id, seq: ev.seq }]);
        }
        return;
      }
      case 'broadcast':
        if (!ev.error && ev.outcome === 'posted') st.broadcast.addSend(s, r.origin ?? '');
        return;
      case 'window':
        return;
    }
  }
  function onReceive(rec: LogRecord, r: Realm, ev: MessageReceived | MessageFailedToDeserialize): void {
    const recv: RecvRec = { kind: 'recv', ev, realm: r, index, arrived: NO_PORTS };
    items.push(recv);
    const via: CustodyVia = ev.route === 'port' ? 'port' : ev.route === 'worker' ? 'worker' : ev.route === 'window' ? 'window' : 'unknown';
    if (ev.type === 'messageReceived') {
      for (let i = 0; i < ev.ports.length; i++) {
        const id = ev.ports[i]!;
        const known = locals.get(id);
        if (recv.arrived === NO_PORTS) recv.arrived = [];
        recv.arrived.push(known ?? newLocal(st, id, r, ev.t, ev.seq, via));
      }
    }
    switch (ev.route) {
      case 'port': {
        if (ev.port === undefined) return;
        const local = localOf(st, ev.port, r, ev.t, ev.seq);
        local.lastActiveT = ev.t;
        recv.local = local;
        queueReceipt(rootOf(local), recv);
        return;
      }
      case 'worker': {
        st.workerItems.push(recv);
        // A shared worker's connect: no Worker object sent it (the browser made both ends of the
        // page's port), so it stands for no realm and queues on no implicit port; its port arrives.
        const object = ev.worker === SHARED_WORKER_CONNECT ? undefined : ev.worker;
        if (object === undefined && r.kind === 'sharedworker' && recv.arrived.length === 1 && r.url !== undefined)
          linkShared(sharedLinker.connected({ port: recv.arrived[0]!.id, url: r.url, name: r.name ?? '', t: ev.t, ...(r.startT !== undefined ? { startedAt: r.startT } : {}), receipt: recv }));
        if (object !== undefined && object !== WORKER_SELF) workerRealm(object);
        const queue = object === undefined ? undefined : implicitQueue(r, object);
        if (queue) queueReceipt(queue, recv);
        // A connect's port is the worker's end of a page's SharedWorker port (linked above), never a
        // port some page transferred: not offered to the inference, which, built while the page's
        // answers were not in yet, took the page's own port for it (ports of the page: its only one).
        if (recv.arrived.length > 0 && ev.worker !== SHARED_WORKER_CONNECT) inferable.push(recv);
        return;
      }
      case 'window':
        if (recv.arrived.length > 0) inferable.push(recv);
        return;
      case 'broadcast':
        st.broadcast.addRecv(recv);
        return;
    }
  }

  /** A deliverable send into the direction towards partner(x), in FIFO order. */
  function queueSend(x: Logical, s: SendRec): void {
    if (x.implicit !== undefined) s.queue = x;
    const y = partnerOf(x);
    // Received before the cut (pairsCut): it pairs with no receipt here, nor takes another's place.
    if (y && y.skipSends > 0) {
      y.skipSends--;
      s.receiptCut = true;
      return;
    }
    const at = insertOrdered(x.out, s);
    if (y) advanceFrom(st, y, at);
  }

  function queueReceipt(y: Logical, recv: RecvRec): void {
    if (y.implicit !== undefined) recv.queue = y;
    // Sent before the cut (pairsCut): it pairs with no send here, nor takes another's place.
    if (y.skipReceipts > 0) {
      y.skipReceipts--;
      recv.sendCut = true;
      return;
    }
    advanceFrom(st, y, insertOrdered(y.in, recv));
  }

  /** The implicit port a route-`worker` send or receipt of `r` goes through: a dedicated Worker
   *  object's, or inside a dedicated worker its global's. None for a ServiceWorker (its clients are
   *  many: not paired in order). */
  function implicitQueue(r: Realm, worker: string): Logical | undefined {
    if (worker === WORKER_SELF) return implicitLogical(st, selfKey(r.id));
    return SERVICE_WORKER_OBJECT.test(worker) ? undefined : implicitLogical(st, worker);
  }

  /**
   * Links the realms recorded inside dedicated workers to the Worker objects that made them
   * (worker-link.ts) after a creation or an inside realm's start. A link once made stays (a creation
   * arriving later cannot unmake it); an ambiguous one is left unlinked: its messages stay unpaired.
   */
  function linkInsideWorkers(): void {
    const inside: InsideWorker[] = [];
    for (const w of insideByTarget.values()) {
      if (w.kind !== 'worker' || w.url === undefined || w.startT === undefined || st.insideCreator.has(w.id)) continue;
      const parent = w.worker?.parent === undefined ? undefined : insideByTarget.get(w.worker.parent);
      inside.push({ realm: w.id, url: w.url, startedAt: w.startT, owner: parent ? { worker: parent.id } : { frame: `target:${w.worker!.target}` } });
    }
    if (inside.length === 0) return;
    const taken = new Set(st.workerInside.keys());
    for (const link of linkWorkers(inside, creations.filter((c) => !taken.has(c.worker)))) {
      if ('ambiguous' in link) continue;
      st.workerInside.set(link.worker, link.inside);
      st.insideCreator.set(link.inside, link.creator);
      realmOf(link.inside).creator = link.creator;
      entangleImplicit(st, implicitLogical(st, link.worker), implicitLogical(st, selfKey(link.inside)));
    }
  }

  /** Pages' SharedWorker ports and the connects inside shared workers, paired (shared-worker-link.ts). */
  const sharedLinker = new SharedWorkerLinker<RecvRec>();

  function onSharedWorkerCreated(r: Realm, port: PortId, url: string, name: string, t: number, seq: number): void {
    // The port is new (a forged or corrupt log naming a known one is ignored, as for a channel).
    if (locals.has(port)) return;
    newLocal(st, port, r, t, seq, 'created');
    // A creation of the scene before a cut (a clear, an eviction, a capture's context) whose connect
    // was cut with the rest: offered to the linker, it would take a later page's connect.
    if (index < 0) return;
    linkShared(sharedLinker.created({ realm: r.id, port, url, name, t }));
  }

  /** The page's port and the connect's are the two ends of one connection: entangled from the start,
   *  so what either side sent pairs with what the other received. */
  function linkShared(links: SharedWorkerLink<RecvRec>[]): void {
    for (const { creation, connect } of links) {
      const page = locals.get(creation.port);
      const worker = locals.get(connect.port);
      if (!page || !worker) continue;
      st.sharedClients.set(connect.receipt, creation.realm);
      st.epoch++;
      entangleImplicit(st, rootOf(page), rootOf(worker));
    }
  }

  function onRecord(rec: LogRecord): void {
    const ev = rec.event;
    const r = realmOf(rec.realm);
    if (!(ev.seq > r.highestSeq)) {
      st.duplicates++;
      return;
    }
    // Back from the back/forward cache: any event of the realm after a persisted realmGone.
    // A realm's life, place and trust change no settled message (no epoch change): only window
    // receipts depend on them, through their senders, which the build checks (frameChangesFrom).
    if (r.suspendedAt !== undefined && ev.type !== 'realmGone') r.suspendedAt = undefined;
    if (rec.opener !== undefined && (r.opener?.tabId !== rec.opener.tabId || r.opener.frameId !== rec.opener.frameId)) r.opener = rec.opener;
    advanceSeq(r, ev.seq, ev.t);
    r.events++;
    r.tabId = rec.tabId;
    if (rec.worker !== undefined) {
      // A worker is no frame (its records' frameId is -1).
      if (r.worker === undefined) {
        r.worker = rec.worker;
        insideByTarget.set(rec.worker.target, r);
      }
    } else {
      r.frameId = rec.frameId;
      if (rec.parentFrameId !== undefined) r.parentFrameId = rec.parentFrameId;
      if (rec.url !== undefined) r.documentUrl = rec.url;
    }
    if (rec.untrusted !== undefined && r.untrusted === undefined) r.untrusted = rec.untrusted;
    r.firstT ??= ev.t;
    if (ev.t > r.lastT) r.lastT = ev.t;
    switch (ev.type) {
      case 'realmStarted':
        r.kind = ev.kind;
        r.url = ev.url;
        r.origin = ev.origin;
        r.startT = ev.t;
        if (ev.name !== undefined) r.name = ev.name;
        if (r.worker !== undefined) linkInsideWorkers();
        break;
      case 'channelCreated': {
        // A channel's ports are new: one named twice, or already known, comes only from a forged or
        // corrupt log, and would give two ports one id (ignored, like a channel id seen before).
        if (st.channelIds.has(ev.channel) || ev.port1 === ev.port2 || locals.has(ev.port1) || locals.has(ev.port2)) break;
        st.channelIds.add(ev.channel);
        const a = newLocal(st, ev.port1, r, ev.t, ev.seq, 'created');
        const b = newLocal(st, ev.port2, r, ev.t, ev.seq, 'created');
        a.logical.partner = b.logical;
        b.logical.partner = a.logical;
        a.logical.channel = ev.channel;
        b.logical.channel = ev.channel;
        st.channels.push({ id: ev.channel, createdIn: r.id, createdAt: ev.t, ports: [ev.port1, ev.port2] });
        break;
      }
      case 'messageSent':
        onSend(rec, r, ev);
        break;
      case 'messageReceived':
      case 'messageUndeserializable':
        onReceive(rec, r, ev);
        break;
      case 'portStarted': {
        const p = localOf(st, ev.port, r, ev.t, ev.seq);
        p.startedT ??= ev.t;
        p.lastActiveT = ev.t;
        break;
      }
      case 'portClosed': {
        const p = localOf(st, ev.port, r, ev.t, ev.seq);
        p.closedT ??= ev.t;
        p.lastActiveT = ev.t;
        break;
      }
      case 'workerCreated': {
        if (ev.sharedPort !== undefined) {
          onSharedWorkerCreated(r, ev.sharedPort, ev.url, ev.name ?? '', ev.t, ev.seq);
          break;
        }
        st.epoch++;
        if (st.workerInside.has(ev.worker)) break;
        const w = workerRealm(ev.worker);
        w.url = ev.url;
        w.origin = workerOrigin(ev.url, r.origin);
        w.creator = r.id;
        w.startT = ev.t;
        w.firstT = ev.t;
        creations.push({ worker: ev.worker, realm: r.id, url: ev.url, t: ev.t });
        linkInsideWorkers();
        break;
      }
      case 'broadcastChannelCreated':
        st.broadcast.created(ev.bc, r.id, ev.t, ev.seq);
        break;
      case 'broadcastChannelClosed':
        // A closed object receives nothing more: its receipts already say what it got.
        break;
      case 'serviceWorkerFound':
        serviceWorkerFound(r, ev);
        break;
      case 'realmGone':
        if (ev.persisted) r.suspendedAt = ev.t;
        else if (r.goneAt === undefined || ev.t < r.goneAt) r.goneAt = ev.t;
        break;
      case 'recorderFault':
        if (ev.during === 'send' || ev.during === 'receipt') r.faults.push(ev.seq);
        break;
      case 'windowMessageDropped': {
        r.reporter = true;
        // Reported again by a new reporter (the background restarted): one message.
        if (st.dropReplays.isDuplicate(rec.realm, ev)) st.duplicates++;
        else st.drops.push({ ev, realm: r, index, tabId: rec.tabId });
        break;
      }
    }
  }

  /**
   * One realm per service worker script (`serviceworker:<scriptURL>`), shared by every ServiceWorker
   * object naming it in any realm of the session; uninstrumented: what it does is known from the page.
   */
  function serviceWorkerFound(finder: Realm, ev: ServiceWorkerFound): void {
    const id = serviceWorkerRealmId(ev.scriptURL);
    st.epoch++;
    st.serviceWorkers.set(ev.worker, id);
    const sw = realmOf(id);
    sw.instrumented = false;
    sw.kind = 'serviceworker';
    sw.url = ev.scriptURL;
    sw.origin ??= workerOrigin(ev.scriptURL, finder.origin);
    sw.creator ??= finder.id;
    sw.startT ??= ev.t;
    sw.firstT ??= ev.t;
    sw.state = ev.state;
    if (ev.scope !== undefined) sw.scope = ev.scope;
  }

  /** The scene before a cut (LogContext.records): seqs between its records were cut, not lost. */
  function sceneBefore(records: readonly LogRecord[]): void {
    const saved = index;
    index = -1;
    for (const rec of records) {
      // Whatever came between two scene-setting records was left out with the rest of the cut.
      const r = realmOf(rec.realm);
      if (rec.event.seq - 1 > r.highestSeq) r.highestSeq = rec.event.seq - 1;
      // Not an event of the log: the realm's count (and the totals) are of the log's events.
      const events = r.events;
      onRecord(rec);
      r.events = events;
    }
    index = saved;
  }

  /** Custody steps an earlier correlator made from events this one will not be given. */
  function joinsBefore(joins: readonly PortJoin[]): void {
    /** The end's port, made if new; undefined for an end that contradicts what is known (a step from
     *  a hostile file: a port of another realm, a made-up id in an instrumented realm). */
    const localOfEnd = (e: JoinEnd, via: CustodyVia): LocalPort | undefined => {
      const known = locals.get(e.id);
      if (known) return known.realm.id === e.realm && known.observed === e.observed ? known : undefined;
      if (e.observed) return newLocal(st, e.id, realmOf(e.realm), e.t, e.seq, via, true);
      const made = /:\?(\d{1,6})$/.exec(e.id);
      if (!made || realms.get(e.realm)?.instrumented) return undefined;
      const w = workerRealm(e.realm);
      // Made-up ids of ports in uninstrumented realms continue after the carried ones.
      w.pseudo = Math.max(w.pseudo, Number(made[1]));
      return newLocal(st, e.id, w, e.t, e.seq, via, false);
    };
    for (const j of joins) {
      const from = localOfEnd(j.from, 'unknown');
      const to = from && localOfEnd(j.to, j.via);
      if (!from || !to) continue;
      const flags = { ...(j.inferred ? { inferred: true } : {}), ...(j.confirmed ? { confirmed: true } : {}), ...(j.ambiguous ? { ambiguous: true } : {}) };
      if (join(st, from, to, j.via, flags, j.evidence) && j.leftT !== undefined) from.leftT ??= j.leftT;
    }
  }

  /** What pairsCut said of an earlier correlator's cut (after joinsBefore: ports are joined). */
  function cutPairsBefore(pairs: readonly CutPairs[]): void {
    for (const p of pairs) {
      const local = locals.get(p.port);
      // A dedicated worker's implicit port (State.implicit: `realm:wN`, `realm:self`).
      const y = local ? rootOf(local) : /:(w\d+|self)$/.test(p.port) ? implicitLogical(st, p.port) : undefined;
      if (!y) continue;
      y.skipReceipts += p.receipts;
      y.skipSends += p.sends;
    }
  }

  return {
    startAfter(context) {
      sceneBefore(context.records);
      joinsBefore(context.joins);
      cutPairsBefore(context.pairsCut);
      version++;
    },
    append(records, gaps = [], firstIndex) {
      if (firstIndex !== undefined) index = firstIndex;
      for (const g of gaps) {
        const list = pendingGaps.get(g.realm) ?? [];
        list.push(g);
        pendingGaps.set(g.realm, list);
      }
      for (let i = 0; i < records.length; i++) {
        onRecord(records[i]!);
        index++;
      }
      // Reported gaps that no later event of their realm followed in this append: account for them now.
      for (const [id, list] of pendingGaps) {
        const r = realmOf(id);
        for (const p of list.sort((a, b) => a.from - b.from)) {
          if (p.to <= r.highestSeq) continue;
          const from = Math.max(p.from, r.highestSeq + 1);
          addGap(r, r.highestSeq + 1, from - 1, 'unknown');
          addGap(r, from, p.to, p.reason);
        }
      }
      pendingGaps.clear();
      version++;
    },
    resume(realm, seq) {
      const r = realmOf(realm);
      if (seq > r.highestSeq) r.highestSeq = seq;
      version++;
    },
    realmGone(realm, at) {
      const r = realmOf(realm);
      if (r.goneAt === undefined || at < r.goneAt) r.goneAt = at;
      version++;
    },
    joins() {
      // Some joins are made when the model is built: build it when there may be some (a build of a
      // large log is what the panel's eviction rebuild paid most for, issue 12).
      if (buildMakesJoins(st)) this.model();
      const end = (x: LocalPort): JoinEnd => ({ id: x.id, realm: x.realm.id, observed: x.observed, t: x.firstT, seq: x.firstSeq });
      const out: PortJoin[] = [];
      for (const l of logicals) {
        if (l.parent) continue;
        for (let i = 1; i < l.custody.length; i++) {
          const prev = l.custody[i - 1]!;
          const c = l.custody[i]!;
          const j: PortJoin = { from: end(prev), to: end(c), via: c.via, evidence: c.joinedBy ?? [] };
          if (c.inferred) j.inferred = true;
          if (c.confirmed) j.confirmed = true;
          if (c.ambiguousJoin) j.ambiguous = true;
          if (prev.leftT !== undefined) j.leftT = prev.leftT;
          out.push(j);
        }
      }
      return out;
    },
    pairsCut(cutOf) {
      const cut = (x: SendRec | RecvRec): boolean => x.ev.seq <= cutOf(x.realm.id);
      // Per receiving port y, the direction partner(y) → y as two queues in pair order, k-th send with
      // k-th receipt: count the sends and the receipts up to the cut. Pairs this correlator was told
      // straddle an earlier cut count too: still to come (skip counters), and held but paired with
      // nothing (the send or receipt whose partner was cut before).
      const counts = new Map<Logical, { sends: number; receipts: number }>();
      const of = (y: Logical) => {
        let c = counts.get(y);
        if (!c) counts.set(y, (c = { sends: y.skipReceipts, receipts: y.skipSends }));
        return c;
      };
      for (const y of logicals) {
        if (y.parent) continue;
        const c = of(y);
        for (const s of partnerOf(y)?.out ?? []) if (cut(s)) c.sends++;
        for (const r of y.in) if (cut(r)) c.receipts++;
      }
      for (const x of items) {
        const queue = x.local ? rootOf(x.local) : x.queue;
        if (cut(x) || !queue) continue;
        if (x.kind === 'recv' && x.sendCut) of(queue).sends++;
        if (x.kind === 'send' && x.receiptCut) {
          const y = partnerOf(queue);
          if (y) of(y).receipts++;
        }
      }
      const out: CutPairs[] = [];
      for (const [y, c] of counts) {
        if (c.sends !== c.receipts) out.push({ port: y.id, receipts: Math.max(0, c.sends - c.receipts), sends: Math.max(0, c.receipts - c.sends) });
      }
      return out;
    },
    model() {
      if (cached?.version !== version) cached = { version, model: build(st) };
      return cached.model;
    },
  };
}

/** A worker's origin: its creator's, except for a `data:` URL (opaque). */
function workerOrigin(url: string, creator: string | undefined): string | undefined {
  if (url.startsWith('data:')) return 'null';
  const m = /^(https?:\/\/[^/?#]+)/i.exec(url);
  return m?.[1]?.toLowerCase() ?? creator;
}
