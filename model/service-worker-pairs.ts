/**
 * A service worker recorded from the inside (issue 13) and the pages that talk to it. One service
 * worker has many clients, and inside it a client is known only by its URL (`client` of a receipt on
 * its global, or of a `Client.postMessage`), so its messages cannot go through one implicit port as a
 * dedicated worker's do (correlator.ts). Instead, when a model is built, each direction between one
 * page realm and one service worker realm is paired in order: the page's k-th send to a ServiceWorker
 * object of that script with the worker's k-th receipt from a client at that page's URL, and back.
 *
 * Only certain ends are paired: a ServiceWorker object's script must name exactly one service worker
 * realm running at the send (the newest started before it: a worker restarted or updated is a new
 * realm), and a client URL must name exactly one page realm alive at the receipt; a message with an
 * uncertain end stays unpaired (shown as today). Pure: the same state gives the same pairs.
 */
import { CLOCK_SKEW_MS, serviceWorkerRealmId } from './model-types';
import type { Realm, RecvRec, SendRec, State } from './correlate-state';
import { WORKER_SELF, type RealmId } from './protocol';

export interface ServiceWorkerPairs {
  /** Send → its receipt, both directions. */
  receiptOf: Map<SendRec, RecvRec>;
  /** The receipts that have a send (shown as that send's message). */
  paired: Set<RecvRec>;
  /** The service worker realm a page's send went to (paired or not), when certain. */
  toWorker: Map<SendRec, RealmId>;
  /** The page realm a service worker's send went to, when certain. */
  toClient: Map<SendRec, RealmId>;
  /** Script URLs of the service workers recorded from the inside. */
  workers: Set<string>;
}

const NONE: ServiceWorkerPairs = { receiptOf: new Map(), paired: new Set(), toWorker: new Map(), toClient: new Map(), workers: new Set() };

/** Some realm is a service worker recorded from the inside (its messages can be paired). */
export function hasServiceWorkerInside(st: State): boolean {
  for (const r of st.realms.values()) if (isInside(r)) return true;
  return false;
}

const isInside = (r: Realm): boolean => r.worker?.type === 'serviceworker' && r.url !== undefined;

export function pairServiceWorkerMessages(st: State): ServiceWorkerPairs {
  const inside = [...st.realms.values()].filter(isInside);
  if (inside.length === 0) return NONE;
  const pages = [...st.realms.values()].filter((r) => r.instrumented && r.worker === undefined && r.frameId !== undefined);

  const aliveAt = (r: Realm, t: number): boolean => (r.startT ?? r.firstT ?? Infinity) <= t + CLOCK_SKEW_MS && !(r.goneAt !== undefined && r.goneAt < t - CLOCK_SKEW_MS);
  /** The service worker realm of a ServiceWorker object at time t: the newest of its script started by then. */
  const workerAt = (object: string, t: number): Realm | undefined => {
    const standIn = st.realms.get(st.serviceWorkers.get(object) ?? '');
    if (!standIn?.url || standIn.id !== serviceWorkerRealmId(standIn.url)) return undefined;
    let best: Realm | undefined;
    for (const w of inside) {
      if (w.url !== standIn.url || !aliveAt(w, t)) continue;
      if (!best || (w.startT ?? 0) > (best.startT ?? 0)) best = w;
    }
    return best;
  };
  /** The one page realm at a client URL alive at time t. */
  const clientAt = (url: string, t: number): Realm | undefined => {
    let found: Realm | undefined;
    for (const p of pages) {
      if ((p.url ?? p.documentUrl) !== url || !aliveAt(p, t)) continue;
      if (found) return undefined;
      found = p;
    }
    return found;
  };

  const out: ServiceWorkerPairs = { receiptOf: new Map(), paired: new Set(), toWorker: new Map(), toClient: new Map(), workers: new Set(inside.map((w) => w.url!)) };
  /** Per direction (`from>to`): its sends and its receipts, in arrival order (each realm's in seq order). */
  const lanes = new Map<string, { sends: SendRec[]; receipts: RecvRec[] }>();
  const lane = (from: RealmId, to: RealmId) => {
    const key = `${from}>${to}`;
    let l = lanes.get(key);
    if (!l) lanes.set(key, (l = { sends: [], receipts: [] }));
    return l;
  };
  const isObject = (worker: string | undefined): worker is string => worker !== undefined && worker !== WORKER_SELF && st.serviceWorkers.has(worker);
  for (const item of st.workerItems) {
    const ev = item.ev;
    if (item.kind === 'send') {
      if (ev.type !== 'messageSent' || ev.error || ev.outcome !== 'posted') continue;
      if (item.realm.worker?.type === 'serviceworker' && ev.client !== undefined) {
        const page = clientAt(ev.client, ev.t);
        if (!page) continue;
        out.toClient.set(item, page.id);
        lane(item.realm.id, page.id).sends.push(item);
      } else if (isObject(ev.worker)) {
        const w = workerAt(ev.worker, ev.t);
        if (!w) continue;
        out.toWorker.set(item, w.id);
        lane(item.realm.id, w.id).sends.push(item);
      }
    } else if (item.realm.worker?.type === 'serviceworker' && ev.client !== undefined) {
      const page = clientAt(ev.client, ev.t);
      if (page) lane(page.id, item.realm.id).receipts.push(item);
    } else if (isObject(ev.worker)) {
      const w = workerAt(ev.worker, ev.t);
      if (w) lane(w.id, item.realm.id).receipts.push(item);
    }
  }
  for (const { sends, receipts } of lanes.values()) {
    const n = Math.min(sends.length, receipts.length);
    for (let k = 0; k < n; k++) {
      const s = sends[k]!;
      const r = receipts[k]!;
      // A receipt before its send (beyond the clocks' skew) says the lanes are out of step: stop here.
      if (r.ev.t < s.ev.t - CLOCK_SKEW_MS) break;
      out.receiptOf.set(s, r);
      out.paired.add(r);
    }
  }
  return out;
}
