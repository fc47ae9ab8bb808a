/**
 * Message counts per port and per realm route for the graph: one pass over the messages per model,
 * cached per model object.
 */
import type { CaptureModel, PortModel } from '../../model/correlator';
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

const bump = (a: Int32Array, i: number): void => {
  a[i] = (a[i] as number) + 1;
};

const trafficCache = new WeakMap<CaptureModel, Traffic>();

function countRoute(byTo: Map<RealmId, RouteTriple>, to: RealmId, slot: 0 | 1 | 2): void {
  let counts = byTo.get(to);
  if (!counts) byTo.set(to, (counts = [0, 0, 0]));
  counts[slot] += 1;
}

/** Message counts per port and per realm route. Allocation per message: none beyond a first-seen map entry. */
export function trafficOf(model: CaptureModel): Traffic {
  const cached = trafficCache.get(model);
  if (cached) return cached;
  const n = model.ports.length;
  const portIndex = new Map<PortId, number>();
  for (let i = 0; i < n; i++) portIndex.set((model.ports[i] as PortModel).id, i);
  const out = new Int32Array(n);
  const inOnly = new Int32Array(n);
  const queued = new Int32Array(n);
  const failed = new Int32Array(n);
  const routes = new Map<RealmId, Map<RealmId, RouteTriple>>();
  for (const m of model.messages) {
    if (m.route === 'port') {
      const from = m.fromPort === undefined ? undefined : portIndex.get(m.fromPort);
      if (from !== undefined) {
        bump(out, from);
        const s = m.status;
        if (s === 'failed' || s === 'doomed' || s === 'lost') bump(failed, from);
      } else if (m.toPort !== undefined) {
        const to = portIndex.get(m.toPort);
        if (to !== undefined) bump(inOnly, to);
      }
      if (m.status === 'queued' && m.toPort !== undefined) {
        const to = portIndex.get(m.toPort);
        if (to !== undefined) bump(queued, to);
      }
      continue;
    }
    // No edge from a realm that did not send: a message whose sender is unknown is not drawn.
    if (m.fromRealm === undefined) continue;
    let byTo = routes.get(m.fromRealm);
    const slot = ROUTE_SLOT[m.route];
    const ds = m.deliveries;
    if (ds !== undefined && ds.length > 0) {
      // A broadcast: one send, counted on the edge to each realm that received it.
      for (const d of ds) {
        if (!byTo) routes.set(m.fromRealm, (byTo = new Map()));
        countRoute(byTo, d.toRealm, slot);
      }
      continue;
    }
    if (m.toRealm === undefined) continue;
    if (!byTo) routes.set(m.fromRealm, (byTo = new Map()));
    countRoute(byTo, m.toRealm, slot);
  }
  const t: Traffic = { portIndex, out, inOnly, queued, failed, routes };
  trafficCache.set(model, t);
  return t;
}
