/**
 * Capture model → React Flow nodes and edges for the entanglement graph. No React here (types only),
 * so it is tested in Node.
 *
 * Per redraw the work is one pass over the messages (`trafficOf`, cached per model object) and
 * O(realms + ports + channels) for the rest. The builder keeps what the previous redraw produced so
 * that unchanged nodes and edges keep their object identity (React Flow then skips them), dagre runs
 * only when the realm topology changes (`layout.ts`), and an edge whose count grew can pulse.
 */
import type { CaptureModel, MessageModel, PortModel } from '../../model/correlator';
import type { PortId, RealmId, Route } from '../../model/protocol';
import { holderOf, indexOf, type ModelIndex } from '../modelIndex';
import { crowdData, foldRealms, foldedData } from './fold';
import { boxName, channelLabel, plural } from './graphText';
import {
  GONE_REALM,
  GONE_SIZE,
  MORE_CHIP,
  NO_CHIPS,
  PORTS_SHOWN,
  PULSE_MS,
  UNKNOWN_REALM,
  portHandle,
  realmNodeId,
  type FlowEdgeData,
  type GraphBuilder,
  type GraphData,
  type GraphEdge,
  type GraphInput,
  type GraphNode,
  type MoreChipData,
  type PortChipData,
  type PortNodeData,
  type PortPlace,
  type RealmNodeData,
} from './graphTypes';
import { boxHandles } from './handles';
import { PORT_H, PORT_W, assignSlots, boxSize, capacityFor, layoutRealms, slotPosition, type RealmBox, type RealmLayout, type Slot } from './layout';
import { portData, realmData, sameList, samePort, type Box, type PortMemo } from './nodeData';
import { handlesFor, realmEdges } from './realmEdges';
import { trafficOf } from './traffic';
import type { RouteOf, TravelRoute } from './travel';

export * from './graphTypes';
export { edgeTitle, kindName } from './graphText';
export { trafficOf, type Traffic } from './traffic';

interface Pulse {
  count: number;
  phase: 0 | 1;
  at: number;
}
function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function sameNode(a: GraphNode, b: GraphNode): boolean {
  return (
    a.type === b.type &&
    a.ariaLabel === b.ariaLabel &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.width === b.width &&
    a.height === b.height &&
    a.parentId === b.parentId &&
    a.selected === b.selected &&
    a.className === b.className &&
    shallowEqual(a.data, b.data)
  );
}

function sameEdge(a: GraphEdge, b: GraphEdge): boolean {
  return (
    a.source === b.source &&
    a.target === b.target &&
    a.sourceHandle === b.sourceHandle &&
    a.targetHandle === b.targetHandle &&
    a.selected === b.selected &&
    a.className === b.className &&
    a.markerEnd === b.markerEnd &&
    a.data !== undefined &&
    b.data !== undefined &&
    shallowEqual(a.data, b.data)
  );
}
/** The handles of two port chips an edge runs between (chip ids, or MORE_CHIP). */
function chipHandles(a: string, b: string, sx: number, tx: number): { sourceHandle: string; targetHandle: string } {
  const h = handlesFor(sx, tx, false);
  return { sourceHandle: endHandle(a, h.sourceHandle), targetHandle: endHandle(b, h.targetHandle) };
}

/** A bundle's end at a realm's box rather than at one of its chips (see the bundles in `build`). */
const REALM_END = '';

/** The handle of an edge end: a chip's (`chip|side`), or the realm box's own (`side`). */
const endHandle = (chip: string, side: string): string => (chip === REALM_END ? side : portHandle(chip, side));
export function createGraphBuilder(): GraphBuilder {
  const stats = { layouts: 0, builds: 0 };
  let layout: RealmLayout | null = null;
  let slots: ReadonlyMap<string, Slot> | null = null;
  let prevNodes = new Map<string, GraphNode>();
  let prevEdges = new Map<string, GraphEdge>();
  const pulses = new Map<string, Pulse>();
  let last: { model: CaptureModel; input: GraphInput; now: number; data: GraphData } | null = null;
  let countedModel: CaptureModel | null = null;
  /** Parents whose quiet frames were a crowd in the last build (see CROWD_AT). */
  let crowded: ReadonlySet<RealmId> = new Set();
  let counted = false;

  // A port's data (its title above all) is rebuilt only when what it says changed: most redraws
  // change no port, and a thousand titles a redraw is most of the garbage.
  let portMemo = new Map<PortId, PortMemo>();
  let nextPortMemo = new Map<PortId, PortMemo>();
  const memoPortData = (p: PortModel, queued: number, failed: number, ix: ModelIndex): PortNodeData => {
    const kinds = p.custody.map((c) => ix.realms.get(c.realm)?.kind);
    const hasChannel = p.channel !== undefined && ix.channels.has(p.channel);
    const prev = portMemo.get(p.id);
    const m: PortMemo =
      prev && prev.queued === queued && prev.failed === failed && prev.hasChannel === hasChannel && sameList(prev.kinds, kinds) && samePort(prev.port, p)
        ? prev
        : { port: p, queued, failed, kinds, hasChannel, data: portData(p, queued, failed, ix) };
    nextPortMemo.set(p.id, m);
    return m.data;
  };

  // A chip object is kept while its data and place are: the realm's chip list (and so the realm node)
  // then stays the same object, and React Flow skips the node.
  let chipMemo = new Map<PortId, { data: PortNodeData; chip: PortChipData }>();
  let nextChipMemo = new Map<PortId, { data: PortNodeData; chip: PortChipData }>();
  const memoChip = (id: PortId, data: PortNodeData, x: number, y: number, selected: boolean, hl: boolean): PortChipData => {
    const prev = chipMemo.get(id);
    const same = prev !== undefined && prev.data === data && prev.chip.x === x && prev.chip.y === y && prev.chip.selected === selected && prev.chip.hl === hl;
    const entry = same ? prev : { data, chip: { ...data, x, y, selected, hl } };
    nextChipMemo.set(id, entry);
    return entry.chip;
  };

  const EMPTY: GraphData = { nodes: [], edges: [], empty: true, topology: '', highlighting: false, pulsing: false, routeOf: () => [] };

  function build(model: CaptureModel, input: GraphInput, now: number): GraphData {
    if (
      last &&
      last.model === model &&
      last.input.focus === input.focus &&
      last.input.selection === input.selection &&
      Boolean(last.input.goneExpanded) === Boolean(input.goneExpanded) &&
      !last.data.pulsing
    )
      return last.data;
    stats.builds++;
    if (model.realms.length === 0 && model.ports.length === 0) {
      last = { model, input, now, data: EMPTY };
      return EMPTY;
    }
    const ix = indexOf(model);
    const traffic = trafficOf(model);
    // Pulses compare with the previous *model*: building the same model again (a focus change, React
    // running a memo twice) must not eat them.
    const fresh = countedModel !== model;
    const firstCount = !counted;
    countedModel = model;
    counted = true;

    // Realm boxes: the model's realms (the gone ones folded but for a few, quiet frames in crowds), then
    // placeholders for holders it does not know, then the crowd nodes and the folded node.
    const message = input.selection?.kind === 'message' ? ix.message(input.selection.id) : undefined;
    const fold = foldRealms(model, ix, input, message, crowded);
    crowded = new Set([...fold.crowds.values()].map((c) => c.parent));
    const boxes = new Map<RealmId, Box>();
    for (const r of model.realms) if (!fold.folded.has(r.id) && !fold.crowdOf.has(r.id)) boxes.set(r.id, { id: r.id, model: r, capacity: 0 });
    const holders: { id: PortId; realm: RealmId }[] = [];
    /** Ports held by a folded realm: drawn as the folded node's one chip. */
    const foldedPorts = new Set<PortId>();
    for (const p of model.ports) {
      const realm = holderOf(p) ?? UNKNOWN_REALM;
      if (fold.folded.has(realm)) {
        foldedPorts.add(p.id);
        continue;
      }
      if (!boxes.has(realm)) boxes.set(realm, { id: realm, capacity: 0 });
      holders.push({ id: p.id, realm });
    }
    for (const id of fold.crowds.keys()) boxes.set(id, { id, capacity: 0 });
    if (fold.folded.size > 0) boxes.set(GONE_REALM, { id: GONE_REALM, capacity: 0 });
    /** The box a realm is drawn as: its own, its crowd, the folded node, or none. */
    const drawnAs = (id: RealmId): RealmId | undefined => (boxes.has(id) ? id : (fold.crowdOf.get(id) ?? (fold.folded.has(id) ? GONE_REALM : undefined)));
    const assigned = assignSlots(holders, slots);
    slots = assigned.slots;
    const collapsed = new Set<RealmId>();
    for (const [realm, extent] of assigned.extent) {
      const b = boxes.get(realm);
      if (extent > PORTS_SHOWN) collapsed.add(realm);
      if (b) b.capacity = capacityFor(Math.min(extent, PORTS_SHOWN));
    }
    /** A port drawn inside a collapsed realm's "+N" node rather than as a chip of its own. */
    const hiddenIn = (slot: Slot): boolean => collapsed.has(slot.realm) && slot.slot >= PORTS_SHOWN - 1;
    const realmBoxes: RealmBox[] = [];
    for (const b of boxes.values()) {
      const crowd = fold.crowds.get(b.id);
      const parent = b.model?.parent ?? crowd?.parent;
      realmBoxes.push({ id: b.id, ...(parent !== undefined && boxes.has(parent) ? { parent } : {}), ...(b.id === GONE_REALM || crowd ? GONE_SIZE : boxSize(b.capacity)) });
    }
    const next = layoutRealms(realmBoxes, layout);
    if (next !== layout) stats.layouts++;
    layout = next;
    const placed = layout.boxes;

    /** The realm box and chip a port is drawn in. */
    const placeOf = (id: PortId): PortPlace | undefined => {
      if (foldedPorts.has(id)) return { realm: GONE_REALM, chip: MORE_CHIP };
      const slot = slots?.get(id);
      return slot ? { realm: slot.realm, chip: hiddenIn(slot) ? MORE_CHIP : id } : undefined;
    };
    const focusPort = input.focus?.kind === 'port' ? (ix.logicalPort.get(input.focus.id) ?? input.focus.id) : null;
    const focusPlace = focusPort !== null ? placeOf(focusPort) : undefined;
    const focusRealm = input.focus?.kind === 'realm' ? realmNodeId(input.focus.id) : null;
    const focusEdge = input.focus?.kind === 'channel' ? `channel:${input.focus.id}` : null;
    const hl = highlighted(message, placeOf);

    // Chips per realm box, in slot order; the "+N" chip counts the rest.
    const chips = new Map<RealmId, PortChipData[]>();
    const more = new Map<RealmId, MoreChipData>();
    const portCentre = new Map<PortId, { x: number; y: number }>();
    const goneAt = placed.get(GONE_REALM);
    for (let i = 0; i < model.ports.length; i++) {
      const p = model.ports[i] as PortModel;
      if (goneAt && foldedPorts.has(p.id)) {
        portCentre.set(p.id, { x: goneAt.x + goneAt.width / 2, y: goneAt.y + goneAt.height / 2 });
        continue;
      }
      const slot = slots.get(p.id);
      if (!slot) continue;
      const box = boxes.get(slot.realm);
      const at = placed.get(slot.realm);
      if (!box || !at) continue;
      const hidden = hiddenIn(slot);
      const pos = slotPosition(hidden ? PORTS_SHOWN - 1 : slot.slot, box.capacity);
      portCentre.set(p.id, { x: at.x + pos.x + PORT_W / 2, y: at.y + pos.y + PORT_H / 2 });
      if (hidden) {
        let d = more.get(slot.realm);
        if (!d) more.set(slot.realm, (d = { x: pos.x, y: pos.y, selected: false, hl: false, hidden: 0, queued: 0, failed: 0, title: '' }));
        d.hidden++;
        if ((traffic.queued[i] ?? 0) > 0) d.queued++;
        if ((traffic.failed[i] ?? 0) > 0) d.failed++;
        continue;
      }
      let list = chips.get(slot.realm);
      if (!list) chips.set(slot.realm, (list = []));
      const data = memoPortData(p, traffic.queued[i] ?? 0, traffic.failed[i] ?? 0, ix);
      list.push(memoChip(p.id, data, pos.x, pos.y, p.id === focusPort, hl.chips.has(`${slot.realm}\n${p.id}`)));
    }
    for (const [realm, d] of more) {
      d.selected = focusPlace?.realm === realm && focusPlace.chip === MORE_CHIP;
      d.hl = hl.chips.has(`${realm}\n${MORE_CHIP}`);
      const problems = [d.failed > 0 ? `${plural(d.failed, 'port')} with failed sends` : '', d.queued > 0 ? `${plural(d.queued, 'port')} with queued messages` : ''].filter(Boolean);
      d.title = `${plural(d.hidden, 'more port')} in this realm, not drawn one by one${problems.length > 0 ? `: ${problems.join(', ')}` : ''}.\nClick to filter the timeline to the realm; the inspector lists each port's history.`;
    }

    const nodes: GraphNode[] = [];
    const nodeMap = new Map<string, GraphNode>();
    const keep = (n: GraphNode): void => {
      const prev = prevNodes.get(n.id);
      const use = prev && sameNode(prev, n) ? prev : { ...n, handles: boxHandles(n.width ?? 0, n.height ?? 0, n.data.ports, n.data.more, n.data.folded !== undefined) };
      nodes.push(use);
      nodeMap.set(use.id, use);
    };
    for (const b of boxes.values()) {
      const at = placed.get(b.id);
      if (!at) continue;
      const id = realmNodeId(b.id);
      const prev = prevNodes.get(id)?.data;
      const list = chips.get(b.id) ?? NO_CHIPS;
      const crowd = fold.crowds.get(b.id);
      const own = b.id === GONE_REALM ? foldedData(fold, ix) : crowd ? crowdData(b.id, crowd, ix) : realmData(b, ix, at.width);
      const data: RealmNodeData = { ...own, ports: prev && sameList(prev.ports, list) ? prev.ports : list };
      const m = more.get(b.id);
      if (m) data.more = prev?.more && shallowEqual(prev.more as unknown as Record<string, unknown>, m as unknown as Record<string, unknown>) ? prev.more : m;
      if (data.folded && prev?.folded && shallowEqual(prev.folded as unknown as Record<string, unknown>, data.folded as unknown as Record<string, unknown>)) data.folded = prev.folded;
      if (data.crowd && prev?.crowd && shallowEqual(prev.crowd as unknown as Record<string, unknown>, data.crowd as unknown as Record<string, unknown>)) data.crowd = prev.crowd;
      keep({
        id,
        type: 'realm',
        ariaLabel: data.folded ? data.label : data.crowd ? `${data.label} of ${data.crowd.parentName}` : `${data.prefix ?? data.kind} realm${data.label !== '' ? ` ${data.label}` : ''}${data.gone ? ', gone' : ''}`,
        position: { x: at.x, y: at.y },
        width: at.width,
        height: at.height,
        selected: id === focusRealm,
        className: hl.realms.has(b.id) ? 'hl' : '',
        draggable: false,
        data,
      });
    }

    // ── edges ──
    const edges: GraphEdge[] = [];
    const edgeMap = new Map<string, GraphEdge>();
    let pulsing = false;
    const pulseClass = (id: string, count: number): string => {
      const prev = pulses.get(id);
      if (fresh) {
        if (prev === undefined) {
          // Phase 1 when not pulsing yet, so that the first growth shows 'pulse-a', the next 'pulse-b', ….
          const quiet = firstCount || count === 0;
          pulses.set(id, { count, phase: quiet ? 1 : 0, at: quiet ? -Infinity : now });
        }
        else if (count > prev.count) {
          prev.count = count;
          prev.phase = prev.phase === 0 ? 1 : 0;
          prev.at = now;
        } else prev.count = count;
      }
      const p = pulses.get(id);
      if (!p || now - p.at >= PULSE_MS) return '';
      pulsing = true;
      // Two classes with the same animation under two names: switching restarts it on every growth.
      return p.phase === 0 ? ' pulse-a' : ' pulse-b';
    };
    const add = (e: GraphEdge): void => {
      const prev = prevEdges.get(e.id);
      const use = prev && sameEdge(prev, e) ? prev : e;
      edges.push(use);
      edgeMap.set(use.id, use);
    };

    const hlEdge = highlightedEdge(message, ix);
    /** Per port, the drawn edge its messages travel along (see routeOf below). */
    const portEnds = new Map<PortId, PortEnd>();
    const portEdge = (
      id: string,
      kind: 'channel' | 'pair',
      a: PortId,
      b: PortId,
      extra: Pick<FlowEdgeData, 'channel' | 'port'>,
    ): void => {
      const ca = portCentre.get(a);
      const cb = portCentre.get(b);
      const ia = traffic.portIndex.get(a);
      const ib = traffic.portIndex.get(b);
      if (!ca || !cb || ia === undefined || ib === undefined) return;
      const fwd = (traffic.out[ia] ?? 0) + (traffic.inOnly[ib] ?? 0);
      const back = (traffic.out[ib] ?? 0) + (traffic.inOnly[ia] ?? 0);
      const pa = placeOf(a);
      const pb = placeOf(b);
      if (!pa || !pb) return;
      if (pa.chip === MORE_CHIP || pb.chip === MORE_CHIP) {
        // One end (or both) is not drawn as a chip of its own: counted into one bundle per "+N" chip and
        // realm at the other end (that end attached to its realm's box, not to each of its chips: a
        // thousand-port realm talking to many frames otherwise drew an edge per chip, most of the
        // graph's elements), or between the two chips of one realm.
        const other = pa.realm === pb.realm ? undefined : pa.chip === MORE_CHIP ? 'b' : 'a';
        const ea: PortPlace = other === 'a' && pb.chip === MORE_CHIP ? { realm: pa.realm, chip: REALM_END } : pa;
        const eb: PortPlace = other === 'b' && pa.chip === MORE_CHIP ? { realm: pb.realm, chip: REALM_END } : pb;
        const ka = `${ea.realm}\n${ea.chip}`;
        const kb = `${eb.realm}\n${eb.chip}`;
        const forward = ka <= kb;
        const key = forward ? `bundle:${ka}|${kb}` : `bundle:${kb}|${ka}`;
        let bundle = bundles.get(key);
        if (!bundle) bundles.set(key, (bundle = { from: forward ? ea : eb, to: forward ? eb : ea, sx: forward ? ca.x : cb.x, tx: forward ? cb.x : ca.x, channels: 0, fwd: 0, back: 0, hl: false }));
        bundle.channels++;
        bundle.fwd += forward ? fwd : back;
        bundle.back += forward ? back : fwd;
        if (hlEdge === id) bundle.hl = true;
        portEnds.set(a, { edge: key, source: forward, realm: ea.realm, other: eb.realm });
        portEnds.set(b, { edge: key, source: !forward, realm: eb.realm, other: ea.realm });
        return;
      }
      const hl = hlEdge === id;
      portEnds.set(a, { edge: id, source: true, realm: pa.realm, other: pb.realm });
      portEnds.set(b, { edge: id, source: false, realm: pb.realm, other: pa.realm });
      add({
        id,
        source: realmNodeId(pa.realm),
        target: realmNodeId(pb.realm),
        type: 'flow',
        ...chipHandles(pa.chip, pb.chip, ca.x, cb.x),
        selected: id === focusEdge,
        className: `edge-${kind}${pulseClass(id, fwd + back)}${hl ? ' hl' : ''}`,
        data: {
          kind,
          label: channelLabel(fwd, back),
          fwd,
          back,
          bend: 0,
          self: false,
          hl,
          ...extra,
        },
      });
    };
    const bundles = new Map<string, { from: PortPlace; to: PortPlace; sx: number; tx: number; channels: number; fwd: number; back: number; hl: boolean }>();
    const channelOfPort = new Set<PortId>();
    for (const c of model.channels) {
      const [a, b] = c.ports;
      channelOfPort.add(a).add(b);
      portEdge(`channel:${c.id}`, 'channel', a, b, { channel: c.id });
    }
    for (const p of model.ports) {
      const q = p.entangledWith;
      if (q === undefined || channelOfPort.has(p.id) || channelOfPort.has(q) || !(p.id < q)) continue;
      portEdge(`pair:${p.id}|${q}`, 'pair', p.id, q, { port: p.id });
    }
    for (const [id, b] of bundles) {
      const self = b.from.realm === b.to.realm && b.from.chip === b.to.chip;
      add({
        id,
        source: realmNodeId(b.from.realm),
        target: realmNodeId(b.to.realm),
        type: 'flow',
        ...(self ? { sourceHandle: endHandle(b.from.chip, 'r'), targetHandle: endHandle(b.to.chip, 'r') } : chipHandles(b.from.chip, b.to.chip, b.sx, b.tx)),
        selectable: false,
        className: `edge-bundle${pulseClass(id, b.fwd + b.back)}${b.hl ? ' hl' : ''}`,
        data: { kind: 'bundle', label: `${plural(b.channels, 'channel')}${b.fwd + b.back > 0 ? ` · ${channelLabel(b.fwd, b.back)}` : ''}`, fwd: b.fwd, back: b.back, bend: 0, self, hl: b.hl, channels: b.channels },
      });
    }

    realmEdges(model, drawnAs, placed, traffic, ({ count, ...e }) => {
      if (!e.data) return;
      const hl = hlEdge === e.id;
      const pulse = e.data.kind === 'route' ? pulseClass(e.id, count) : '';
      add({ ...e, className: `${e.className ?? ''}${pulse}${hl ? ' hl' : ''}`, data: { ...e.data, hl } });
    });
    if (fresh) for (const id of pulses.keys()) if (!edgeMap.has(id)) pulses.delete(id);

    portMemo = nextPortMemo;
    nextPortMemo = new Map();
    chipMemo = nextChipMemo;
    nextChipMemo = new Map();
    prevNodes = nodeMap;
    prevEdges = edgeMap;
    const data: GraphData = { nodes, edges, empty: false, topology: layout.key, highlighting: message !== undefined, pulsing, routeOf: routing(ix, portEnds, drawnAs, edgeMap, nodeMap) };
    last = { model, input, now, data };
    return data;
  }

  return {
    build,
    relayout() {
      layout = null;
      slots = null;
      last = null;
    },
    stats,
  };
}

// ── pieces ──────────────────────────────────────────────────────────────────

/** A port's end of the drawn edge (channel, pair or bundle) its messages travel along. */
interface PortEnd {
  edge: string;
  /** The port is at the edge's source end. */
  source: boolean;
  /** The realm boxes at this end and at the other. */
  realm: RealmId;
  other: RealmId;
}

/**
 * The drawn edges a message travels along: a port message along its port's channel, pair or bundle
 * edge (from the sending port's end, or towards the receiving one's when the sender is unknown); a
 * window, worker or broadcast message along the route edge between the boxes its realms are drawn as
 * (one per delivery of a broadcast). Messages between two realms folded into one node travel nowhere.
 */
function routing(
  ix: ModelIndex,
  portEnds: ReadonlyMap<PortId, PortEnd>,
  drawnAs: (id: RealmId) => RealmId | undefined,
  edges: ReadonlyMap<string, GraphEdge>,
  nodes: ReadonlyMap<string, GraphNode>,
): RouteOf {
  const name = (box: RealmId): string => {
    const data = nodes.get(realmNodeId(box))?.data;
    return data ? boxName(data) : box;
  };
  const endOf = (port: PortId | undefined): PortEnd | undefined => (port === undefined ? undefined : portEnds.get(ix.logicalPort.get(port) ?? port));
  // The routes of a graph are few (an edge each way) and playback at 16× asks for thousands of messages'
  // a move: each route is made once per graph, and shared (callers copy what they keep). Looked up by
  // three keys in nested maps, so that a lookup allocates nothing.
  const known = new Map<string, Map<string, Map<string, readonly TravelRoute[]>>>();
  /** The routes known by their last key, for the first two. */
  const byLast = (a: string, b: string): Map<string, readonly TravelRoute[]> => {
    let byB = known.get(a);
    if (byB === undefined) known.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    return byC;
  };
  const portRoutes = (fromPort: PortId | undefined, toPort: PortId | undefined): readonly TravelRoute[] => {
    const from = endOf(fromPort);
    if (from) return [{ edge: from.edge, reverse: !from.source, from: name(from.realm), to: name(from.other) }];
    const to = endOf(toPort);
    return to ? [{ edge: to.edge, reverse: to.source, from: name(to.other), to: name(to.realm) }] : [];
  };
  const realmRoutes = (route: Route, fromRealm: RealmId, toRealms: readonly RealmId[]): readonly TravelRoute[] => {
    const sender = drawnAs(fromRealm);
    if (sender === undefined) return [];
    const out: TravelRoute[] = [];
    for (const realm of toRealms) {
      const box = drawnAs(realm);
      const edge = `route:${route}:${sender}->${box}`;
      if (box !== undefined && edges.has(edge) && !out.some((r) => r.edge === edge)) out.push({ edge, reverse: false, from: name(sender), to: name(box) });
    }
    return out;
  };
  return (m) => {
    if (m.route === 'port') {
      const byTo = byLast('port', m.fromPort ?? '');
      const to = m.toPort ?? '';
      let routes = byTo.get(to);
      if (routes === undefined) byTo.set(to, (routes = portRoutes(m.fromPort, m.toPort)));
      return routes;
    }
    if (m.fromRealm === undefined) return NO_ROUTES;
    const deliveries = m.deliveries ?? [];
    // A broadcast's deliveries differ from message to message: its routes are made each time.
    if (deliveries.length > 1) return realmRoutes(m.route, m.fromRealm, deliveries.map((d) => d.toRealm));
    const target = deliveries.length === 1 ? deliveries[0]!.toRealm : m.toRealm;
    if (target === undefined) return NO_ROUTES;
    const byTo = byLast(m.route, m.fromRealm);
    let routes = byTo.get(target);
    if (routes === undefined) byTo.set(target, (routes = realmRoutes(m.route, m.fromRealm, [target])));
    return routes;
  };
}

const NO_ROUTES: readonly TravelRoute[] = [];

/** The realms and chips (`realm\nchip`) on a message's path. */
function highlighted(m: MessageModel | undefined, placeOf: (id: PortId) => PortPlace | undefined): { realms: Set<RealmId>; chips: Set<string> } {
  const realms = new Set<RealmId>();
  const chips = new Set<string>();
  if (!m) return { realms, chips };
  for (const id of [m.fromPort, m.toPort]) {
    const at = id === undefined ? undefined : placeOf(id);
    if (at) {
      chips.add(`${at.realm}\n${at.chip}`);
      realms.add(at.realm);
    }
  }
  if (m.fromRealm !== undefined) realms.add(m.fromRealm);
  if (m.toRealm !== undefined) realms.add(m.toRealm);
  if (m.deliveries !== undefined) for (const d of m.deliveries) realms.add(d.toRealm);
  return { realms, chips };
}

function highlightedEdge(m: MessageModel | undefined, ix: ModelIndex): string | null {
  if (!m) return null;
  if (m.route !== 'port') return m.fromRealm !== undefined && m.toRealm !== undefined ? `route:${m.route}:${m.fromRealm}->${m.toRealm}` : null;
  for (const id of [m.fromPort, m.toPort]) {
    const p = id === undefined ? undefined : ix.ports.get(id);
    if (p?.channel !== undefined && ix.channels.has(p.channel)) return `channel:${p.channel}`;
  }
  const a = m.fromPort ?? ix.ports.get(m.toPort ?? '')?.entangledWith;
  const b = m.toPort ?? ix.ports.get(m.fromPort ?? '')?.entangledWith;
  if (a === undefined || b === undefined) return null;
  return a < b ? `pair:${a}|${b}` : `pair:${b}|${a}`;
}
