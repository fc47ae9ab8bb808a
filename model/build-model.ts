/**
 * The model builder: from the correlator's state to the CaptureModel (realms, channels, ports with
 * custody, messages with status and sender). Runs the inference of window-carried ports and the
 * broadcast matching first, since both depend on every record so far. Messages that nothing but an
 * epoch change can alter are reused from the previous build (SendRec.settled), and the sends and
 * receipts settled for good are not visited again (settled-messages.ts): a build costs the realms and
 * ports, the open and new messages, and a copy of the settled ones.
 */
import type { BroadcastDelivery } from './broadcast-match';
import { NO_TRANSFERS, workerRealmId, type LocalPort, type Logical, type PendingLook, type Realm, type RecvRec, type SendRec, type State } from './correlate-state';
import { FrameTree, frameChangesFrom, type FrameRealm, type SourceResolution } from './correlate-frames';
import { confirmInferredJoins, inferArrivals } from './infer-ports';
import { attributeDrop, type DropWindow } from './origin-drops';
import {
  CLOCK_SKEW_MS,
  type CaptureModel,
  type CustodySpan,
  type DeliveryModel,
  type EventRef,
  type GapModel,
  type MessageModel,
  type MessageStatus,
  type PortModel,
  type RealmModel,
  type SenderUnknownReason,
  type StatusReason,
  type Totals,
  type TransferModel,
} from './model-types';
import { find, forgetMadeUpHolder, join, partnerOf, rootOf } from './ports';
import { hasServiceWorkerInside, pairServiceWorkerMessages } from './service-worker-pairs';
import { count, merged, modelOrder, noCounts, settledAfter } from './settled-messages';
import { SHARED_WORKER_CONNECT, WORKER_SELF, type MessageSent, type PortId, type RealmId, type Route } from './protocol';

/**
 * A message with a place for each field most messages get later (the receipt's time and ref, ports,
 * receiver, preview, status reason), in one order for every message. Added one by one, those
 * fields went to a second object per message (a property array: 99,468 of them in bench/panel.mjs's
 * capture, bench/heapShapes.mjs), and messages made at different places had different shapes.
 */
function newMessage(id: string, route: Route, status: MessageStatus, transfers: TransferModel[]): MessageModel {
  return {
    id,
    route,
    status,
    ambiguous: false,
    transfers,
    fromRealm: undefined,
    toRealm: undefined,
    fromPort: undefined,
    toPort: undefined,
    sentAt: undefined,
    receivedAt: undefined,
    reason: undefined,
    preview: undefined,
    size: undefined,
    send: undefined,
    receipt: undefined,
  };
}

function frameRealms(st: State): Map<RealmId, FrameRealm> {
  const out = new Map<RealmId, FrameRealm>();
  for (const r of st.realms.values()) {
    if (r.frameId === undefined || r.tabId === undefined || !r.instrumented || isReporter(r)) continue;
    const f: FrameRealm = { id: r.id, tabId: r.tabId, frameId: r.frameId, startT: r.startT ?? r.firstT ?? 0 };
    if (r.parentFrameId !== undefined) f.parentFrameId = r.parentFrameId;
    if (r.origin !== undefined) f.origin = r.origin;
    if (r.opener !== undefined) f.opener = r.opener;
    if (r.goneAt !== undefined) f.goneAt = r.goneAt;
    out.set(r.id, f);
  }
  return out;
}

/** Whether a build can make port joins: by inference over receipts that brought ports no recorded
 *  send explains, and for ports carried to and from a service worker recorded inside (below). */
export function buildMakesJoins(st: State): boolean {
  return st.inferable.length > 0 || hasServiceWorkerInside(st);
}

export function build(st: State): CaptureModel {
  const { realms, inferable, logicals } = st;
  const frames = frameRealms(st);
  const tree = new FrameTree(frames.values());
  const changedFrom = st.frames ? frameChangesFrom(st.frames, frames) : -Infinity;
  st.frames = frames;
  const goneAt = (r: Realm): number | undefined => {
    const f = frames.get(r.id);
    const replaced = f ? tree.replacedAt(f) : undefined;
    if (r.goneAt !== undefined && replaced !== undefined) return Math.min(r.goneAt, replaced);
    return r.goneAt ?? replaced;
  };
  const sourceOf = (recv: RecvRec): SourceResolution => {
    const ev = recv.ev;
    // A Worker's or ServiceWorker's message: the object it came from is certain (or there was none);
    // inside a dedicated worker, a message on its global is its owner's, once known (worker-link.ts).
    if (ev.route === 'worker') {
      if (ev.worker === WORKER_SELF) {
        const owner = st.insideCreator.get(recv.realm.id);
        return owner !== undefined ? { realm: owner } : { unknown: 'frameUnknown' };
      }
      // A shared worker's connect: the page whose `new SharedWorker()` it answers, once paired.
      if (ev.worker === SHARED_WORKER_CONNECT) {
        const client = st.sharedClients.get(recv);
        return client !== undefined ? { realm: client } : { unknown: 'sharedWorkerClient' };
      }
      return ev.worker !== undefined ? { realm: workerRealmId(st, ev.worker) } : { unknown: 'none' };
    }
    if (ev.type !== 'messageReceived' || ev.source === undefined) return { unknown: 'none' };
    if (recv.source && ev.t < changedFrom) return recv.source;
    const f = frames.get(recv.realm.id);
    return (recv.source = f ? tree.resolve(f, ev.source, ev.childIndex, ev.origin, ev.t) : { unknown: 'frameUnknown' });
  };

  // A service worker recorded from the inside, with its pages: paired in order (service-worker-pairs.ts);
  // the ports a paired message carried arrived there (joined before any inference could guess).
  const sw = pairServiceWorkerMessages(st);
  for (const [s, r] of sw.receiptOf) {
    if (r.ev.type !== 'messageReceived' || r.arrived.length !== s.ports.length) continue;
    for (let i = 0; i < s.ports.length; i++) {
      forgetMadeUpHolder(st, s.ports[i]!);
      join(st, s.ports[i]!, r.arrived[i]!, 'worker', {}, [
        { realm: s.realm.id, seq: s.ev.seq },
        { realm: r.realm.id, seq: r.ev.seq },
      ]);
    }
  }

  // Ports that arrived with no recorded send: infer, in arrival order (joins made here stay).
  for (const recv of inferable) {
    const src = sourceOf(recv);
    inferArrivals(st, src.realm !== undefined && !src.ambiguous ? realms.get(src.realm) : undefined, recv);
  }
  confirmInferredJoins(st);

  // Broadcast: each receipt with its send (broadcast-match.ts).
  const bcast = st.broadcast.match();

  const workerObjectOf = new Map<RealmId, string>();
  for (const [object, inside] of st.workerInside) workerObjectOf.set(inside, object);
  const realmModels: RealmModel[] = [];
  const allGaps: GapModel[] = [];
  let missing = 0;
  let faults = 0;
  let events = 0;
  for (const r of realms.values()) {
    // A Worker object's stand-in realm, once the worker is recorded from the inside, is that realm
    // (unless it still holds a port it was given before: then both stay, so no custody names nothing).
    if (st.workerInside.has(r.id) && r.locals.length === 0) continue;
    if (isReporter(r)) continue;
    const f = frames.get(r.id);
    const parent = r.creator ?? (f ? tree.parentOf(f)?.id : undefined);
    // The top window of a popup's tab is the popup (an older recorder says `top`: its records say whose).
    const kind = r.kind === 'top' && r.opener !== undefined && r.frameId === 0 ? 'popup' : (r.kind ?? 'unknown');
    const m: RealmModel = {
      id: r.id,
      kind,
      instrumented: r.instrumented,
      events: r.events,
      gaps: r.gaps.length,
      missing: r.missing,
      faults: r.faults.length,
    };
    if (r.url !== undefined || r.documentUrl !== undefined) m.url = r.url ?? r.documentUrl;
    if (r.origin !== undefined) m.origin = r.origin;
    if (r.untrusted !== undefined) m.untrusted = r.untrusted;
    if (parent !== undefined) m.parent = parent;
    if (r.tabId !== undefined) m.tabId = r.tabId;
    if (r.frameId !== undefined && r.instrumented) m.frameId = r.frameId;
    const start = r.startT ?? r.firstT;
    if (start !== undefined) m.startedAt = start;
    const gone = goneAt(r);
    if (gone !== undefined) m.goneAt = gone;
    else if (r.suspendedAt !== undefined) {
      m.goneAt = r.suspendedAt;
      m.persisted = true;
    }
    if (r.scope !== undefined) m.scope = r.scope;
    if (r.state !== undefined) m.state = r.state;
    if (r.name !== undefined) m.name = r.name;
    if (r.worker !== undefined) m.recordedInside = true;
    const object = workerObjectOf.get(r.id);
    if (object !== undefined) m.workerObject = object;
    realmModels.push(m);
    for (const g of r.gaps) allGaps.push({ ...g });
    missing += r.missing;
    faults += r.faults.length;
    events += r.events;
  }
  allGaps.sort((a, b) => (a.after ?? a.before ?? 0) - (b.after ?? b.before ?? 0));
  const realmGone = new Map<RealmId, number | undefined>();
  const goneOf = (r: Realm): number | undefined => {
    if (!realmGone.has(r.id)) realmGone.set(r.id, goneAt(r));
    return realmGone.get(r.id);
  };

  const portModels: PortModel[] = [];
  const candidatesOf = new Map<PortId, PortId[]>();
  for (const recv of inferable) {
    if (!recv.inference) continue;
    for (const a of recv.arrived) if (a.index === 0 && !a.inferred) candidatesOf.set(rootOf(a).id, recv.inference.candidates);
  }
  for (const l of logicals) {
    if (l.parent || l.implicit !== undefined) continue;
    const custody: CustodySpan[] = l.custody.map((c, i) => {
      const span: CustodySpan = { realm: c.realm.id, from: c.firstT, via: c.via, started: c.startedT !== undefined, closed: c.closedT !== undefined };
      if (c.observed) span.localId = c.id;
      const next = l.custody[i + 1];
      const to = c.leftT ?? next?.firstT;
      if (to !== undefined) span.to = to;
      else if (l.lost) span.to = l.lost.at;
      if (c.inferred) span.inferred = true;
      if (c.confirmed) span.confirmed = true;
      if (c.ambiguousJoin) span.ambiguous = true;
      if (c.startedT !== undefined) span.startedAt = c.startedT;
      if (c.closedT !== undefined) span.closedAt = c.closedT;
      return span;
    });
    const last = l.custody[l.custody.length - 1];
    const p: PortModel = {
      id: l.id,
      custody,
      started: last?.startedT !== undefined,
      closed: l.custody.some((c) => c.closedT !== undefined),
    };
    if (l.channel !== undefined) p.channel = l.channel;
    const q = partnerOf(l);
    if (q) p.entangledWith = q.id;
    if (l.lost) p.lost = l.lost;
    const cands = candidatesOf.get(l.id);
    if (cands && cands.length > 0) p.candidates = cands;
    portModels.push(p);
  }

  // The holder of a logical port at time t (for receipts with no recorded send).
  const holderAt = (l: Logical, t: number): LocalPort | undefined => {
    let h = l.custody[0];
    for (const c of l.custody) if (c.firstT <= t + CLOCK_SKEW_MS) h = c;
    return h;
  };

  /**
   * The realm that sent a receipt on the partner of `x` that no recorded send matches. Only an
   * uninstrumented holder (a worker, a service worker) sends unrecorded, and only a custody chain of
   * recorded or confirmed steps says it held the port; an instrumented holder would have recorded the
   * send. A send cut from the log (cleared or evicted) was recorded by its holder: nothing is in doubt.
   */
  const portSender = (x: Logical, t: number, sendCut: boolean): { realm: RealmId; unknown?: undefined } | { realm?: undefined; unknown: SenderUnknownReason } => {
    const h = holderAt(x, t);
    if (!h) return { unknown: 'custodyUncertain' };
    if (sendCut) return { realm: h.realm.id };
    if (h.realm.instrumented) return { unknown: 'sendNotRecorded' };
    for (let i = 1; i <= h.index; i++) {
      const c = x.custody[i]!;
      if (c.ambiguousJoin || (c.inferred && !c.confirmed)) return { unknown: 'custodyUncertain' };
    }
    return { realm: h.realm.id };
  };

  /** A receipt no recorded send matches, on a port whose partner an uninstrumented realm held then
   *  (its sender, named by portSender): that realm used the port it was given. */
  const noteUse = (r: RecvRec): void => {
    if (r.sendCut || !r.local) return;
    const x = partnerOf(rootOf(r.local));
    const h = x && holderAt(x, r.ev.t);
    if (h && !h.realm.instrumented) usedThere.add(h);
  };

  /** A broadcast's receipts: one delivery per receiving object; the message shows the first. */
  const fillDeliveries = (m: MessageModel, ds: readonly BroadcastDelivery[]): void => {
    const deliveries: DeliveryModel[] = [];
    let ambiguous = false;
    for (const d of ds) {
      const r = d.recv;
      const dm: DeliveryModel = { toRealm: r.realm.id, receivedAt: r.ev.t, receipt: ref(r) };
      if (r.ev.bc !== undefined) dm.bc = r.ev.bc;
      if (m.sentAt !== undefined) dm.latency = r.ev.t - m.sentAt;
      if (r.ev.type === 'messageUndeserializable') dm.failed = true;
      if (d.ambiguous) {
        dm.ambiguous = true;
        ambiguous = true;
      }
      deliveries.push(dm);
    }
    m.deliveries = deliveries;
    fillReceipt(m, ds[0]!.recv);
    // Delivered once any receiving object got it; failed only when every one failed to deserialize.
    if (deliveries.some((d) => !d.failed)) {
      m.status = 'delivered';
      // Cleared, not deleted: a message has a place for `reason` (newMessage), and a delete there
      // would turn it into a slower, larger dictionary object.
      m.reason = undefined;
      delete m.error;
      const ok = ds.find((d) => d.recv.ev.type === 'messageReceived')!.recv.ev;
      if (ok.type === 'messageReceived' && ok.preview !== undefined) m.preview = ok.preview;
    }
    if (deliveries.length > 1) m.toRealm = undefined;
    if (ambiguous) {
      m.ambiguous = true;
      m.ambiguity = ['broadcastAmbiguous'];
    }
  };

  /** Status of a deliverable port send that no receipt matches (yet). */
  const unmatchedPortStatus = (x: Logical): { status: MessageStatus; reason: StatusReason } => {
    const y = partnerOf(x);
    if (!y) return { status: 'in-flight', reason: 'partnerUnknown' };
    if (y.lost) return { status: 'lost', reason: 'partnerLost' };
    const holder = y.custody[y.custody.length - 1];
    if (!holder) return { status: 'in-flight', reason: 'partnerUnknown' };
    if (y.custody.some((c) => c.closedT !== undefined)) return { status: 'lost', reason: 'partnerClosed' };
    if (!holder.realm.instrumented) return { status: 'in-flight', reason: 'receiverUninstrumented' };
    if (goneOf(holder.realm) !== undefined) return { status: 'lost', reason: 'realmGone' };
    if (holder.leftT !== undefined) return { status: 'in-flight', reason: 'inTransit' };
    if (holder.startedT === undefined) return { status: 'queued', reason: 'notStarted' };
    return { status: 'in-flight', reason: 'awaitingReceipt' };
  };

  /** What `x`'s unmatched sends say in this build: its last look when that still holds (the same
   *  object, so that sends built with it are reused), else a new one. */
  const looks = new Map<Logical, PendingLook>();
  const lookOf = (x: Logical): PendingLook => {
    let look = looks.get(x);
    if (look) return look;
    const y = partnerOf(x);
    const { status, reason } = unmatchedPortStatus(x);
    const toRealm = y?.custody[y.custody.length - 1]?.realm.id;
    const mayHaveMoved = status === 'queued' && candidatesOf.size > 0;
    const last = x.look;
    look =
      last && last.status === status && last.reason === reason && last.toRealm === toRealm && last.toPort === y?.id && last.mayHaveMoved === mayHaveMoved
        ? last
        : { status, reason, ...(toRealm !== undefined ? { toRealm } : {}), ...(y ? { toPort: y.id } : {}), mayHaveMoved };
    x.look = look;
    looks.set(x, look);
    return look;
  };
  /** A port send waiting for its receipt, as the last build made it, while nothing it shows changed. */
  const pendingAt = (s: SendRec): MessageModel | undefined => {
    if (s.settledLook === undefined || s.settledEpoch !== st.epoch || s.match || s.receiptCut || !s.local) return undefined;
    return s.settledLook === lookOf(rootOf(s.local)) && s.settledAmbiguity === s.ambiguity ? s.settled : undefined;
  };

  const transfersOfSend = (s: SendRec): TransferModel[] => {
    if (s.ev.transfer.length === 0) return NO_TRANSFERS;
    let i = 0;
    return s.ev.transfer.map((t) => {
      const m: TransferModel = { kind: t.kind };
      if (t.kind === 'MessagePort') {
        const p = s.ports[i++];
        if (p) m.port = rootOf(p).id;
      } else if ('byteLength' in t && typeof t.byteLength === 'number') m.byteLength = t.byteLength;
      return m;
    });
  };

  /** The realm a route-`worker` send goes to: the worker (or its inside realm), or from inside a
   *  dedicated worker, its owner once known. */
  const workerReceiver = (from: Realm, ev: MessageSent): RealmId | undefined => {
    if (ev.worker === undefined) return undefined;
    return ev.worker === WORKER_SELF ? st.insideCreator.get(from.id) : workerRealmId(st, ev.worker);
  };

  const ref = (x: { realm: Realm; ev: { seq: number }; index: number }): EventRef => ({ realm: x.realm.id, seq: x.ev.seq, index: x.index });

  const fillReceipt = (m: MessageModel, r: RecvRec): void => {
    m.receivedAt = r.ev.t;
    m.receipt = ref(r);
    if (r.local) {
      m.toPort = rootOf(r.local).id;
      m.toRealm = r.realm.id;
    } else m.toRealm = r.realm.id;
    if (r.ev.type === 'messageReceived') {
      // The receiver's preview is of what arrived; with none (over its budget), the sender's stays.
      if (r.ev.preview !== undefined) m.preview = r.ev.preview;
      if (r.ev.size !== undefined) m.size = r.ev.size;
    } else {
      m.status = 'failed';
      m.reason = 'undeserializable';
      m.error = { name: 'messageerror', message: 'the receiver could not deserialize the message' };
    }
  };

  /** Ports held by an uninstrumented realm that a received message proves it used (it sent on them). */
  const usedThere = new Set<LocalPort>();
  /** Sends to a worker or service worker that carried ports: delivered once one of them was used there. */
  const toWorkers: { s: SendRec; m: MessageModel }[] = [];
  const settledAt = (x: SendRec | RecvRec): MessageModel | undefined =>
    x.settledEpoch === st.epoch && (x.kind === 'recv' || x.settledLook === undefined) ? x.settled : undefined;
  /** The message of one send or receipt, if it makes one (a receipt paired with its send does not). */
  const visit = (item: SendRec | RecvRec): MessageModel | undefined => {
    if (item.kind === 'send') {
      const s = item;
      const known = settledAt(s) ?? pendingAt(s);
      if (known) return known;
      const ev = s.ev;
      /** Set for a port send that waits for its receipt: the look of its port it was built with. */
      let pending: PendingLook | undefined;
      const m = newMessage(`${s.realm.id}#${ev.seq}`, ev.route, 'in-flight', transfersOfSend(s));
      m.fromRealm = s.realm.id;
      m.sentAt = ev.t;
      m.send = ref(s);
      if (ev.preview !== undefined) m.preview = ev.preview;
      if (ev.size !== undefined) m.size = ev.size;
      if (ev.channelName !== undefined) m.channelName = ev.channelName;
      if (ev.worker !== undefined) m.worker = ev.worker;
      if (ev.bc !== undefined) m.bc = ev.bc;
      if (ev.replayOf !== undefined) m.replayOf = ev.replayOf;
      if (s.local) m.fromPort = rootOf(s.local).id;
      if (ev.error) {
        m.status = 'failed';
        m.reason = 'sendThrew';
        m.error = ev.error;
      } else if (ev.outcome === 'doomed') m.status = 'doomed';
      else if (ev.outcome === 'portClosed') {
        m.status = 'lost';
        m.reason = 'sendingPortClosed';
      } else if (ev.outcome === 'partnerClosed') {
        m.status = 'lost';
        m.reason = 'partnerClosed';
      } else if (ev.route === 'port' && s.local) {
        const x = rootOf(s.local);
        const y = partnerOf(x);
        if (y) m.toPort = y.id;
        if (s.match) {
          m.status = 'delivered';
          fillReceipt(m, s.match);
        } else if (s.receiptCut) {
          // Delivered: its receipt was in the part of the log that was cleared or evicted.
          m.status = 'delivered';
          const holder = y?.custody[y.custody.length - 1];
          if (holder) m.toRealm = holder.realm.id;
        } else {
          const look = lookOf(x);
          m.status = look.status;
          m.reason = look.reason;
          if (look.toRealm !== undefined) m.toRealm = look.toRealm;
          pending = look;
        }
      } else if (ev.route === 'worker') {
        const swTo = sw.toWorker.get(s) ?? sw.toClient.get(s);
        const to = swTo ?? workerReceiver(s.realm, ev);
        if (to !== undefined) m.toRealm = to;
        const inside = swTo !== undefined || (s.queue !== undefined && partnerOf(s.queue) !== undefined);
        const receipt = s.match ?? sw.receiptOf.get(s);
        if (receipt) {
          m.status = 'delivered';
          fillReceipt(m, receipt);
        } else if (s.receiptCut) m.status = 'delivered';
        else if (inside) {
          // Both ends recorded: a worker's queue is its own, always started; gone means lost.
          const gone = to === undefined ? undefined : realms.get(to);
          if (gone && goneOf(gone) !== undefined) {
            m.status = 'lost';
            m.reason = 'realmGone';
          } else m.reason = 'awaitingReceipt';
        } else {
          m.reason = ev.worker === WORKER_SELF ? 'partnerUnknown' : 'receiverUninstrumented';
          if (s.ports.length > 0) toWorkers.push({ s, m });
        }
      } else if (ev.route === 'broadcast') {
        const ds = bcast.deliveries.get(s);
        if (ds) fillDeliveries(m, ds);
        else m.reason = 'broadcastUnmatched';
      }
      if (s.ambiguity) {
        m.ambiguous = true;
        m.ambiguity = s.ambiguity;
      }
      // "Queued" rests on the partner never having been started where it was last seen. A port sent
      // away by window.postMessage leaves no trace at the sender, so while some port arrival in the
      // log is still unexplained, the partner may have moved: say so rather than assume it.
      if (m.status === 'queued' && candidatesOf.size > 0) {
        m.ambiguous = true;
        m.ambiguity = [...(m.ambiguity ?? []), 'partnerMayHaveMoved'];
      }
      // Settled: nothing but an epoch change (join, undone pairs, realms) can alter it any more.
      if (ev.route !== 'broadcast' && (s.match || s.receiptCut || ev.error || ev.outcome !== 'posted')) {
        s.settled = m;
        s.settledEpoch = st.epoch;
        s.settledLook = undefined;
      } else if (pending) {
        s.settled = m;
        s.settledEpoch = st.epoch;
        s.settledLook = pending;
        s.settledAmbiguity = s.ambiguity;
      }
      return m;
    }
    const r = item;
    if (r.match || bcast.matched.has(r) || sw.paired.has(r)) return undefined;
    // A window receipt's sender depends on the frames around it, which change without an epoch change.
    const known = r.ev.route !== 'window' || r.ev.t < changedFrom ? settledAt(r) : undefined;
    if (known) {
      if (known.fromRealm !== undefined && known.route === 'port') noteUse(r);
      return known;
    }
    // A receipt no recorded send accounts for: a window message, a worker's message, or a port
    // message from a holder that is not instrumented (or whose send fell in a gap).
    const ev = r.ev;
    const m = newMessage(`${r.realm.id}#${ev.seq}`, ev.route, 'delivered', r.arrived.length === 0 ? NO_TRANSFERS : r.arrived.map((a) => ({ kind: 'MessagePort', port: rootOf(a).id })));
    fillReceipt(m, r);
    if (ev.channelName !== undefined) m.channelName = ev.channelName;
    if (ev.worker !== undefined) m.worker = ev.worker;
    if (ev.bc !== undefined) m.bc = ev.bc;
    if (ev.type === 'messageReceived' && ev.replayOf !== undefined) m.replayOf = ev.replayOf;
    const ambiguity: string[] = [];
    // Who sent it: named only when certain (docs/correlation.md, "Senders"); otherwise why not.
    if (ev.route === 'port') {
      const x = r.local ? partnerOf(rootOf(r.local)) : undefined;
      if (x) {
        // Entanglement: the partner port sent it, whoever held it.
        m.fromPort = x.id;
        const sender = portSender(x, ev.t, r.sendCut === true);
        if (sender.realm !== undefined) {
          m.fromRealm = sender.realm;
          noteUse(r);
        } else {
          m.senderUnknown = sender.unknown;
          ambiguity.push(sender.unknown);
        }
      } else {
        m.senderUnknown = 'partnerUnknown';
        ambiguity.push('partnerUnknown');
      }
    } else if (ev.route === 'window' || ev.route === 'worker') {
      const src = sourceOf(r);
      if (src.realm !== undefined && !src.ambiguous) m.fromRealm = src.realm;
      else if (src.ambiguous) {
        m.senderUnknown = 'sourceAmbiguous';
        ambiguity.push(...src.ambiguous.map((a) => `source:${a}`));
      } else m.senderUnknown = senderUnknownOf(src.unknown);
    } else m.senderUnknown = 'broadcastUnmatched';
    if (r.inference && r.inference.candidates.length > 0) ambiguity.push('transferredPorts');
    // A port joined to its only candidate, with no traffic yet to confirm it: a guess, so say so.
    else if (r.arrived.some((a) => a.inferred && !a.confirmed)) ambiguity.push('transferInferred');
    if (ambiguity.length > 0) {
      m.ambiguous = true;
      m.ambiguity = ambiguity;
    }
    // A receipt no send accounts for yet: settled only when it brought no ports (whose inference may
    // still change) and is not a broadcast (matched in this build, by the sends seen so far).
    if (ev.route !== 'broadcast' && r.arrived.length === 0 && r.inference === undefined) {
      r.settled = m;
      r.settledEpoch = st.epoch;
    }
    return m;
  };
  /**
   * Settled for good, as `visit` left it: only an epoch change can alter what it makes — a send whose
   * message is settled (not one waiting for its receipt), a receipt paired with its send, a window
   * receipt's settled message (its frames are checked by `windowT`). Every other receipt that makes
   * a message stays open and is visited by every build: a port receipt no send accounts for yet (its
   * send may still arrive from another realm's batch, and one from a holder that is not instrumented
   * never gets one), worker messages (service-worker pairing) and broadcasts (matched per build).
   */
  const settledForGood = (item: SendRec | RecvRec, m: MessageModel | undefined): boolean => {
    if (item.kind === 'send') return m !== undefined && settledAt(item) === m;
    if (m === undefined) return item.match !== undefined;
    return item.ev.route === 'window' && settledAt(item) === m;
  };

  // Visit what may have changed since the last build (everything, at another epoch or after a change
  // of frames before a settled window receipt): see settled-messages.ts.
  const carried = st.settled;
  const reuse = carried !== undefined && carried.epoch === st.epoch && carried.windowT < changedFrom;
  const open: number[] = [];
  const opened: MessageModel[] = [];
  const newlySettled: MessageModel[] = [];
  let windowT = reuse ? carried.windowT : -Infinity;
  const step = (i: number): void => {
    const item = st.items[i]!;
    const m = visit(item);
    if (settledForGood(item, m)) {
      if (m === undefined) return;
      newlySettled.push(m);
      if (item.kind === 'recv' && item.ev.t > windowT) windowT = item.ev.t;
    } else {
      open.push(i);
      if (m !== undefined) opened.push(m);
    }
  };
  if (reuse) for (let k = 0; k < carried.open.length; k++) step(carried.open[k]!);
  for (let i = reuse ? carried.scanned : 0; i < st.items.length; i++) step(i);
  // A worker does not record its receipts, but one that sent on a port a message carried to it had
  // that message: delivered, with no receipt time (docs/correlation.md, "Statuses").
  for (const { s, m } of toWorkers) {
    if (m.status !== 'in-flight') continue;
    if (!s.ports.some((p) => p.successor !== undefined && p.successor.realm.id === m.toRealm && usedThere.has(p.successor))) continue;
    m.status = 'delivered';
    m.reason = 'deliveryInferred';
  }
  if (st.drops.length > 0) opened.push(...droppedMessages(st, goneOf));

  newlySettled.sort(modelOrder);
  const sorted = reuse ? settledAfter(carried.sorted, newlySettled) : newlySettled;
  const counts = reuse ? { ...carried.counts } : noCounts();
  for (let i = 0; i < newlySettled.length; i++) count(counts, newlySettled[i]!);
  st.settled = { epoch: st.epoch, scanned: st.items.length, open, sorted, windowT, counts };
  opened.sort(modelOrder);
  const messages = merged(sorted, opened);
  const totals: Totals = { ...counts, gaps: allGaps.length, missing, events, duplicates: st.duplicates, faults };
  for (let i = 0; i < opened.length; i++) count(totals, opened[i]!);
  // A service worker's page-side stand-in (serviceworker:<script>) that nothing points at any more,
  // now that the worker is recorded from the inside: not drawn.
  const standIns = new Set(realmModels.filter((r) => r.kind === 'serviceworker' && !r.instrumented && sw.workers.has(r.url ?? '')).map((r) => r.id));
  if (standIns.size > 0) {
    for (const m of messages) {
      if (m.toRealm !== undefined) standIns.delete(m.toRealm);
      if (m.fromRealm !== undefined) standIns.delete(m.fromRealm);
    }
    for (const p of portModels) for (const c of p.custody) standIns.delete(c.realm);
    if (standIns.size > 0) realmModels.splice(0, realmModels.length, ...realmModels.filter((r) => !standIns.has(r.id)));
  }
  return { realms: realmModels, channels: st.channels.map((c) => ({ ...c, ports: [rootIdOf(st, c.ports[0]), rootIdOf(st, c.ports[1])] })), ports: portModels, messages, gaps: allGaps, totals };
}

/** The background's reporter of a tab's dropped window messages: it sent no `realmStarted`. */
function isReporter(r: Realm): boolean {
  return r.reporter === true && r.kind === undefined;
}

/** The window messages the browser dropped for their `targetOrigin`, each with the ends
 *  origin-drops.ts finds among the windows known now (built anew each time: they are few). */
function droppedMessages(st: State, goneOf: (r: Realm) => number | undefined): MessageModel[] {
  const windows: DropWindow[] = [];
  for (const r of st.realms.values()) {
    if (r.kind === undefined || !r.instrumented) continue;
    const w: DropWindow = { id: r.id, kind: r.kind };
    if (r.tabId !== undefined) w.tabId = r.tabId;
    const url = r.url ?? r.documentUrl;
    if (url !== undefined) w.url = url;
    if (r.origin !== undefined) w.origin = r.origin;
    const start = r.startT ?? r.firstT;
    if (start !== undefined) w.startedAt = start;
    const gone = goneOf(r);
    if (gone !== undefined) w.goneAt = gone;
    windows.push(w);
  }
  return st.drops.map((d) => {
    const ev = d.ev;
    const m = newMessage(`${d.realm.id}#${ev.seq}`, 'window', 'dropped-origin', NO_TRANSFERS);
    m.sentAt = ev.t;
    m.send = { realm: d.realm.id, seq: ev.seq, index: d.index };
    m.dropped = { targetOrigin: ev.targetOrigin, recipientOrigin: ev.recipientOrigin };
    if (ev.url !== undefined) m.dropped!.url = ev.url;
    if (ev.line !== undefined) m.dropped!.line = ev.line;
    if (ev.column !== undefined) m.dropped!.column = ev.column;
    if (ev.stack !== undefined) m.dropped!.stack = ev.stack;
    const a = attributeDrop(ev, d.tabId, windows);
    if (a.fromRealm !== undefined) m.fromRealm = a.fromRealm;
    else if (a.senderUnknown !== undefined) m.senderUnknown = a.senderUnknown;
    if (a.toRealm !== undefined) m.toRealm = a.toRealm;
    if (a.ambiguity.length > 0) {
      m.ambiguous = true;
      m.ambiguity = a.ambiguity;
    }
    return m;
  });
}

/** A logical port id as the model names it (the root of the local's logical port). */
function rootIdOf(st: State, id: PortId): PortId {
  const l = st.locals.get(id);
  return l ? find(l.logical).id : id;
}

/** Why a window or worker message's source names no realm, as the model says it. */
function senderUnknownOf(unknown: SourceResolution['unknown']): SenderUnknownReason {
  switch (unknown) {
    case 'frameUnknown':
      return 'frameUnknown';
    case 'none':
      return 'sourceNone';
    case 'sharedWorkerClient':
      return 'sharedWorkerClient';
    case 'opener':
    case 'notInTab':
    case undefined:
      return 'sourceOutsideTab';
  }
}
