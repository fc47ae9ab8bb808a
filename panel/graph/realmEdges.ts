/** The edges between realm boxes: parent/creator links and window, worker and broadcast traffic. */
import type { EdgeMarker } from '@xyflow/react';
import type { CaptureModel } from '../../model/correlator';
import type { RealmId, Route } from '../../model/protocol';
import { kindName } from './graphText';
import { GONE_REALM, realmNodeId, type EdgeKind, type GraphEdge } from './graphTypes';
import type { Placed } from './layout';
import { REALM_ROUTES, ROUTE_SLOT, type RouteTriple, type Traffic } from './traffic';

const BEND = 26;

const MARKERS: Record<'window' | 'worker' | 'broadcast', EdgeMarker> = {
  window: { type: 'arrowclosed', color: 'var(--graph-window)', width: 14, height: 14 },
  worker: { type: 'arrowclosed', color: 'var(--graph-worker)', width: 14, height: 14 },
  broadcast: { type: 'arrowclosed', color: 'var(--graph-broadcast)', width: 14, height: 14 },
};

/** Which handles an edge uses, from the two ends' centres (absolute flow coordinates). */
export function handlesFor(sx: number, tx: number, self: boolean): { sourceHandle: string; targetHandle: string } {
  if (self || Math.abs(sx - tx) < 1) return { sourceHandle: 'r', targetHandle: 'r' };
  return sx < tx ? { sourceHandle: 'r', targetHandle: 'l' } : { sourceHandle: 'l', targetHandle: 'r' };
}

export type RealmEdge = GraphEdge & { count: number };

/** Parent/creator links and realm-route traffic, with bends so edges between the same two realms part.
 *  A folded realm's edges are drawn from or to the folded node, one per realm at the other end (their
 *  counts added up); edges between two folded realms are inside the node and not drawn. */
export function realmEdges(
  model: CaptureModel,
  drawnAs: (id: RealmId) => RealmId | undefined,
  placed: ReadonlyMap<string, Placed>,
  traffic: Traffic,
  emit: (e: RealmEdge) => void,
): void {
  const centre = (id: RealmId): number | undefined => {
    const p = placed.get(id);
    return p ? p.x + p.width / 2 : undefined;
  };
  const list: RealmEdge[] = [];
  const edge = (
    id: string,
    from: RealmId,
    to: RealmId,
    count: number,
    data: { kind: EdgeKind; label: string; route?: Route },
    extra: Partial<GraphEdge>,
  ): void => {
    const sx = centre(from);
    const tx = centre(to);
    if (sx === undefined || tx === undefined) return;
    const self = from === to;
    list.push({
      id,
      source: realmNodeId(from),
      target: realmNodeId(to),
      type: 'flow',
      ...handlesFor(sx, tx, self),
      count,
      selectable: false,
      ...extra,
      data: { ...data, fwd: count, back: 0, bend: 0, self, hl: false },
    });
  };
  const links = new Set<string>();
  for (const r of model.realms) {
    if (r.parent === undefined || r.parent === r.id) continue;
    const from = drawnAs(r.parent);
    const to = drawnAs(r.id);
    if (from === undefined || to === undefined || (from === GONE_REALM && to === GONE_REALM)) continue;
    const frame = r.kind === 'iframe' || r.kind === 'top';
    const kind = frame ? 'frame' : 'owner';
    const label = frame ? 'frame' : kindName(r.kind);
    const id = `${kind}:${from}->${to}`;
    if (links.has(id)) continue;
    links.add(id);
    edge(id, from, to, 0, { kind, label }, {
      className: `edge-${kind}`,
    });
  }
  const routes = new Map<RealmId, Map<RealmId, RouteTriple>>();
  for (const [from0, byTo0] of traffic.routes) {
    const from = drawnAs(from0);
    if (from === undefined) continue;
    for (const [to0, counts0] of byTo0) {
      const to = drawnAs(to0);
      if (to === undefined || (from === GONE_REALM && to === GONE_REALM)) continue;
      let byTo = routes.get(from);
      if (!byTo) routes.set(from, (byTo = new Map()));
      const sum = byTo.get(to);
      if (!sum) byTo.set(to, [...counts0]);
      else for (let i = 0; i < 3; i++) sum[i] = (sum[i] as number) + (counts0[i] as number);
    }
  }
  for (const [from, byTo] of routes) {
    for (const [to, counts] of byTo) {
      for (const route of REALM_ROUTES) {
        const n = counts[ROUTE_SLOT[route]];
        if (n === 0) continue;
        const label = `${route} ×${n}`;
        edge(`route:${route}:${from}->${to}`, from, to, n, { kind: 'route', route, label }, {
          className: `edge-route route-${route}`,
          markerEnd: MARKERS[route],
        });
      }
    }
  }
  // Links first (they keep the straight line), then routes in a fixed order whatever the message order.
  list.sort((a, b) => Number(a.data?.kind === 'route') - Number(b.data?.kind === 'route') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Bends: per unordered pair of realms, 0, +1, -1, +2, … in a canonical direction (the lower id first),
  // negated for edges that run the other way so both directions agree on which side is which.
  const perPair = new Map<string, number>();
  for (const e of list) {
    const d = e.data;
    if (!d || d.self) {
      emit(e);
      continue;
    }
    const forward = e.source < e.target;
    const key = forward ? `${e.source}\n${e.target}` : `${e.target}\n${e.source}`;
    const i = perPair.get(key) ?? 0;
    perPair.set(key, i + 1);
    const step = i === 0 ? 0 : i % 2 === 1 ? (i + 1) / 2 : -i / 2;
    d.bend = step * BEND * (forward ? 1 : -1);
    emit(e);
  }
}
