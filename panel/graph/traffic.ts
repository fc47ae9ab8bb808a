/**
 * Message counts per port and per realm route for the graph: one pass over the messages per model,
 * cached per model object.
 */
import type { CaptureModel, MessageModel, PortModel } from '../../model/correlator';
import type { PortId, RealmId } from '../../model/protocol';

export type RouteTriple = [window: number, worker: number, broadcast: number];

export interface Traffic {
  /** Logical port id → index into the arrays below (model.ports order). */
  portIndex: ReadonlyMap<PortId, number>;
  /** Port-route messages sent from the port. */
  out: Int32Array;
  /** Port-route messages received on the port whose sending port is unknown. */
  inOnly: Int32Array;
  /** Queued messages waiting at the port (its holder never started it). */
  queued: Int32Array;
  /** Sends from the port that failed, were doomed or lost. */
  failed: Int32Array;
  /** window / worker / broadcast messages: from realm → to realm → counts per route (a broadcast once
   *  per realm it was delivered to; messages with no known sender are not counted). */
  routes: ReadonlyMap<RealmId, ReadonlyMap<RealmId, RouteTriple>>;
}

export const ROUTE_SLOT = { window: 0, worker: 1, broadcast: 2 } as const;
export const REALM_ROUTES = ['window', 'worker', 'broadcast'] as const;

const trafficCache = new WeakMap<CaptureModel, Traffic>();

/** The counts, indexed by some ports array (see `portIndex`). */
interface Counts {
  out: Int32Array;
  inOnly: Int32Array;
  queued: Int32Array;
  failed: Int32Array;
  routes: Map<RealmId, Map<RealmId, RouteTriple>>;
}

const add = (a: Int32Array, i: number, by: 1 | -1): void => {
  a[i] = (a[i] as number) + by;
};

function countRoute(routes: Counts['routes'], from: RealmId, to: RealmId, slot: 0 | 1 | 2, by: 1 | -1): void {
  let byTo = routes.get(from);
  if (!byTo) routes.set(from, (byTo = new Map()));
  let counts = byTo.get(to);
  if (!counts) byTo.set(to, (counts = [0, 0, 0]));
  counts[slot] += by;
}

/** Adds (or takes back: `by` -1) one message's counts. Allocation: none beyond a first-seen map entry. */
function count(c: Counts, portIndex: ReadonlyMap<PortId, number>, m: MessageModel, by: 1 | -1): void {
  if (m.route === 'port') {
    const from = m.fromPort === undefined ? undefined : portIndex.get(m.fromPort);
    if (from !== undefined) {
      add(c.out, from, by);
      const s = m.status;
      if (s === 'failed' || s === 'doomed' || s === 'lost') add(c.failed, from, by);
    } else if (m.toPort !== undefined) {
      const to = portIndex.get(m.toPort);
      if (to !== undefined) add(c.inOnly, to, by);
    }
    if (m.status === 'queued' && m.toPort !== undefined) {
      const to = portIndex.get(m.toPort);
      if (to !== undefined) add(c.queued, to, by);
    }
    return;
  }
  // No edge from a realm that did not send: a message whose sender is unknown is not drawn.
  if (m.fromRealm === undefined) return;
  const slot = ROUTE_SLOT[m.route];
  const ds = m.deliveries;
  if (ds !== undefined && ds.length > 0) {
    // A broadcast: one send, counted on the edge to each realm that received it.
    for (const d of ds) countRoute(c.routes, m.fromRealm, d.toRealm, slot, by);
    return;
  }
  if (m.toRealm !== undefined) countRoute(c.routes, m.fromRealm, m.toRealm, slot, by);
}

const indexOfPorts = (ports: readonly PortModel[]): Map<PortId, number> => {
  const portIndex = new Map<PortId, number>();
  for (let i = 0; i < ports.length; i++) portIndex.set((ports[i] as PortModel).id, i);
  return portIndex;
};

const noCounts = (n: number): Counts => ({ out: new Int32Array(n), inOnly: new Int32Array(n), queued: new Int32Array(n), failed: new Int32Array(n), routes: new Map() });

function copyCounts(c: Counts): Counts {
  const routes = new Map<RealmId, Map<RealmId, RouteTriple>>();
  for (const [from, byTo] of c.routes) routes.set(from, new Map([...byTo].map(([to, t]) => [to, [...t] as RouteTriple])));
  return { out: c.out.slice(), inOnly: c.inOnly.slice(), queued: c.queued.slice(), failed: c.failed.slice(), routes };
}

/**
 * Playback (issue 11 §1): a model at a moment of a playback (`model/playback.ts`'s ModelAt) holds the
 * playback's first messages, most of them the very objects of the whole model (only those not yet
 * settled at that moment differ). Counting them all again at every tick and seek was a pass over up to
 * 100,000 messages: instead, the counts of every CHECKPOINT messages are kept once per playback, and
 * a moment's counts are the checkpoint's, plus the messages after it, with the unsettled ones before
 * it counted as they were then.
 */
// (The value repeats the key, typed as a Moment.)
const moments = new WeakMap<CaptureModel, { at: Moment; playback: PlaybackMessages }>();

/** A playback's whole model and its messages in time order (a `Playback` of model/playback.ts). */
export interface PlaybackMessages {
  model: CaptureModel;
  messages: readonly MessageModel[];
}

/** A moment of a playback: its messages are the playback's 0..index, with `unsettled` in their places
 *  (model/playback.ts's ModelAt). */
interface Moment extends CaptureModel {
  index: number;
  unsettled: ReadonlyMap<number, MessageModel>;
}

/** `at` is a moment of `playback`. */
export function noteMoment(at: Moment, playback: PlaybackMessages): void {
  moments.set(at, { at, playback });
}

/** Messages between two kept checkpoints of a playback's counts. */
export const TRAFFIC_CHECKPOINT = 2048;

interface Checkpoints {
  /** The whole model's ports. */
  portIndex: ReadonlyMap<PortId, number>;
  /** Counts of messages [0, k·TRAFFIC_CHECKPOINT), for every k. */
  at: Counts[];
}

const checkpointCache = new WeakMap<readonly MessageModel[], Checkpoints>();

function checkpointsOf(p: PlaybackMessages): Checkpoints {
  let cp = checkpointCache.get(p.messages);
  if (cp) return cp;
  const portIndex = indexOfPorts(p.model.ports);
  const run = noCounts(p.model.ports.length);
  const at: Counts[] = [];
  for (let i = 0; i < p.messages.length; i++) {
    if (i % TRAFFIC_CHECKPOINT === 0) at.push(copyCounts(run));
    count(run, portIndex, p.messages[i] as MessageModel, 1);
  }
  if (p.messages.length % TRAFFIC_CHECKPOINT === 0) at.push(run);
  cp = { portIndex, at };
  checkpointCache.set(p.messages, cp);
  return cp;
}

/** Makes a playback's traffic checkpoints now (in idle time, ahead of its first moment). */
export function prepareTraffic(p: PlaybackMessages): void {
  checkpointsOf(p);
}

function trafficAtMoment(model: Moment, p: PlaybackMessages): Traffic {
  const cp = checkpointsOf(p);
  const shown = model.index + 1;
  const k = Math.min(Math.floor(shown / TRAFFIC_CHECKPOINT), cp.at.length - 1);
  const from = k * TRAFFIC_CHECKPOINT;
  const c = copyCounts(cp.at[k] as Counts);
  for (let i = from; i < shown; i++) count(c, cp.portIndex, model.unsettled.get(i) ?? (p.messages[i] as MessageModel), 1);
  // Before the checkpoint, the messages not settled yet then: counted as they were then.
  for (const [i, then] of model.unsettled) {
    if (i >= from) continue;
    count(c, cp.portIndex, p.messages[i] as MessageModel, -1);
    count(c, cp.portIndex, then, 1);
  }
  // By the moment's own ports.
  const portIndex = indexOfPorts(model.ports);
  const mine = noCounts(model.ports.length);
  for (const [id, j] of portIndex) {
    const w = cp.portIndex.get(id);
    if (w === undefined) continue;
    mine.out[j] = c.out[w] as number;
    mine.inOnly[j] = c.inOnly[w] as number;
    mine.queued[j] = c.queued[w] as number;
    mine.failed[j] = c.failed[w] as number;
  }
  return { portIndex, ...mine, routes: c.routes };
}

/** Message counts per port and per realm route (once per model object). */
export function trafficOf(model: CaptureModel): Traffic {
  const cached = trafficCache.get(model);
  if (cached) return cached;
  const moment = moments.get(model);
  let t: Traffic;
  if (moment && moment.playback.messages.length > 0) {
    t = trafficAtMoment(moment.at, moment.playback);
  } else {
    const portIndex = indexOfPorts(model.ports);
    const c = noCounts(model.ports.length);
    for (const m of model.messages) count(c, portIndex, m, 1);
    t = { portIndex, ...c };
  }
  trafficCache.set(model, t);
  return t;
}
