/**
 * Capture model → React Flow nodes and edges for the entanglement graph. No React here (types only),
 * so it is tested in Node.
 *
 * Per redraw the work is one pass over the messages (`trafficOf`, cached per model object) and
 * O(realms + ports + channels) for the rest. The builder keeps what the previous redraw produced so
 * that unchanged nodes and edges keep their object identity (React Flow then skips them), dagre runs
 * only when the realm topology changes (`layout.ts`), and an edge whose count grew can pulse.
 */
import type { Edge, EdgeMarker, Node } from '@xyflow/react';
import type { CaptureModel, MessageModel, PortModel, RealmModel } from '../../model/correlator';
import type { ChannelId, PortId, RealmId, Route } from '../../model/protocol';
import { holderOf, indexOf, type ModelIndex } from '../modelIndex';
import { realmNamesOf, realmTitle } from '../realmNames';
import type { Focus, Selection } from '../viewState';
import {
  BOX_PAD,
  PORT_GAP,
  PORT_H,
  PORT_W,
  assignSlots,
  boxSize,
  capacityFor,
  layoutRealms,
  slotPosition,
  type Placed,
  type RealmBox,
  type RealmLayout,
  type Slot,
} from './layout';

// ── traffic: one pass over the messages per model ───────────────────────────

type RouteTriple = [window: number, worker: number, broadcast: number];

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

const ROUTE_SLOT = { window: 0, worker: 1, broadcast: 2 } as const;
const REALM_ROUTES = ['window', 'worker', 'broadcast'] as const;

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

// ── node and edge shapes ────────────────────────────────────────────────────

export type PortState = 'ok' | 'queued' | 'failed' | 'closed' | 'lost';

export interface RealmNodeData extends Record<string, unknown> {
  realm: RealmId;
  /** Kind as shown ('top', 'iframe', 'worker', 'shared worker', …). */
  kind: string;
  /** The realm's name (panel/realmNames.ts) after its kind word: `localhost:8080/frame.html`, `sw.js`;
   *  "" for `top`. Shortened from the middle to what the box has room for. */
  label: string;
  /** The kind word(s) that start the name, as the name has them (`iframe #2`, `⚠ iframe`); the kind
   *  when absent. */
  prefix?: string;
  title: string;
  gone: boolean;
  instrumented: boolean;
  /** A holder the model has no realm for: not focusable. */
  placeholder: boolean;
  /** The port chips drawn inside the box, in slot order (stable array while nothing changed). */
  ports: readonly PortChipData[];
  /** The ports beyond PORTS_SHOWN, as one chip. */
  more?: MoreChipData;
  /** Set on the one node gone realms are folded into (GONE_REALM). */
  folded?: FoldedData;
}

/** The gone realms folded into one node. */
export interface FoldedData {
  /** Gone realms in the node (not drawn one by one). */
  count: number;
  /** Gone realms drawn one by one beside it. */
  shown: number;
  /** The user asked for the newest GONE_EXPANDED to be drawn. */
  expanded: boolean;
}

/** Where a chip sits in its realm box (top-left corner, px) and how it is marked. */
export interface ChipPlace {
  x: number;
  y: number;
  /** The graph focus is this port (or, for the "+N" chip, one of its ports). */
  selected: boolean;
  /** On the selected message's path. */
  hl: boolean;
}

export type PortChipData = PortNodeData & ChipPlace;

export interface PortNodeData extends Record<string, unknown> {
  /** Logical port id. */
  port: PortId;
  label: string;
  state: PortState;
  title: string;
  /** Kind of the realm it came from, when it was transferred. */
  movedFrom?: string;
  /** Queued or failed message count shown next to the label. */
  badge?: string;
}

export type EdgeKind = 'channel' | 'pair' | 'bundle' | 'route' | 'frame' | 'owner';

export interface FlowEdgeData extends Record<string, unknown> {
  kind: EdgeKind;
  label: string;
  /** Messages source → target and back (channel and pair edges); route edges count one way. */
  fwd: number;
  back: number;
  /** Perpendicular offset (px) that keeps several edges between the same two realms apart. */
  bend: number;
  self: boolean;
  hl: boolean;
  channel?: ChannelId;
  route?: Route;
  /** For a 'pair' edge (entangled ports with no recorded channel): the port clicking focuses. */
  port?: PortId;
  /** For a 'bundle' edge: how many channels (or entangled pairs) it stands for. */
  channels?: number;
}

/** The ports of a realm beyond what its box shows (see PORTS_SHOWN), as one chip. */
export interface MoreChipData extends ChipPlace {
  hidden: number;
  /** Of the hidden ports: with queued messages, with failed sends. */
  queued: number;
  failed: number;
  title: string;
}

/**
 * Realms are React Flow nodes; ports are chips inside them, not nodes of their own, and edges attach to
 * a chip's handles (`portHandle`). A node is a transformed layer for the browser's compositor, and a
 * thousand of them made every frame of the panel slow, the timeline's scrolling included.
 */
export type RealmNode = Node<RealmNodeData, 'realm'>;
export type GraphNode = RealmNode;
export type GraphEdge = Edge<FlowEdgeData, 'flow'>;

export interface GraphInput {
  focus: Focus | null;
  selection: Selection | null;
  /** The "N gone realms" node is expanded: the newest GONE_EXPANDED gone realms are drawn. */
  goneExpanded?: boolean;
}

export interface GraphData {
  nodes: GraphNode[];
  edges: GraphEdge[];
  empty: boolean;
  /** Changes exactly when the realm layout does (fit the view then). */
  topology: string;
  /** A message path is highlighted: the rest is dimmed. */
  highlighting: boolean;
  /** Some edge carries a pulse class: redraw after PULSE_MS to drop it. */
  pulsing: boolean;
}

export interface GraphBuilder {
  build(model: CaptureModel, input: GraphInput, now: number): GraphData;
  /** Forget the placement: the next build lays everything out afresh. */
  relayout(): void;
  /** Dagre layouts computed and builds done (tests, diagnostics). */
  readonly stats: { layouts: number; builds: number };
}

/** How long an edge keeps its pulse class after its count grew (matches the CSS animation). */
export const PULSE_MS = 800;

/** Node ids for a realm and a port. */
export const realmNodeId = (id: RealmId): string => `realm:${id}`;
/** Handle ids of a port chip (side: lt/ls/rt/rs, as for realms); MORE_CHIP for the "+N" chip. */
export const MORE_CHIP = '+more';
export const portHandle = (chip: PortId, side: string): string => `${chip}|${side}`;

/**
 * Most port slots a realm box shows. A realm holding more ports shows the first PORTS_SHOWN - 1 (in the
 * order they appeared) and a "+N ports" node in the last slot; channels to the ports not drawn are
 * drawn as bundles to that node. A thousand port chips are unreadable, and the browser's compositing
 * work for them made every frame of the panel slow (measured: scrolling the timeline beside a graph of
 * 1,000 ports had long tasks in 3 frames of 10).
 */
export const PORTS_SHOWN = 48;

/** The realm box and chip a port is drawn in. */
export interface PortPlace {
  realm: RealmId;
  /** The port's id, or MORE_CHIP when it is counted into its realm's "+N" chip. */
  chip: string;
}

/** The box for ports whose holder is not known at all. */
export const UNKNOWN_REALM = '(unknown)';

/**
 * The node gone realms are folded into. A page that rotates ad frames leaves thousands of gone realms;
 * drawn one by one they buried the live ones and every new frame cost a layout of all of them. Gone
 * realms are drawn one by one only while they matter: the newest GONE_SHOWN (GONE_EXPANDED when the
 * user expands the node), the focused realm (or the focused port's holder) and the realms of the
 * selected message. The rest are one node, "N gone realms": their ports' channels are drawn as
 * bundles to it and their frame and postMessage edges as one edge per drawn realm at the other end.
 */
export const GONE_REALM = '(gone)';
export const GONE_SHOWN = 3;
export const GONE_EXPANDED = 24;
/** The folded node's size (no port chips: a title and a button). */
export const GONE_SIZE = { width: 2 * BOX_PAD + 2 * PORT_W + PORT_GAP, height: 64 };

const BEND = 26;

// ── text ────────────────────────────────────────────────────────────────────

export function kindName(kind: RealmModel['kind'] | undefined): string {
  switch (kind) {
    case 'sharedworker':
      return 'shared worker';
    case 'serviceworker':
      return 'service worker';
    case undefined:
      return 'unknown';
    case 'top':
    case 'iframe':
    case 'popup':
    case 'worker':
    case 'unknown':
      return kind;
  }
}

/** How an owner edge's target relates to its source, by the target's kind as shown (`kindName`). */
function ownerVerb(label: string): string {
  switch (label) {
    case 'popup':
      return 'opened by';
    case 'service worker':
      return 'known to';
    default:
      return 'created by';
  }
}

const ellipsize = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Host + path of a URL (no query, no fragment), short; other schemes as they are, cut. */
export function shortUrl(url: string | undefined): string {
  if (url === undefined || url === '') return '';
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return ellipsize(u.host + (u.pathname === '/' ? '' : u.pathname), 48);
    if (u.protocol === 'blob:') return ellipsize(`blob:${shortUrl(u.pathname)}`, 48);
  } catch {
    // Not a URL: shown as it is.
  }
  return ellipsize(url, 48);
}

const tail = (id: string): string => id.slice(id.lastIndexOf(':') + 1);

// ── the builder ─────────────────────────────────────────────────────────────

interface Pulse {
  count: number;
  phase: 0 | 1;
  at: number;
}

interface Box {
  id: RealmId;
  model?: RealmModel;
  capacity: number;
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

const MARKERS: Record<'window' | 'worker' | 'broadcast', EdgeMarker> = {
  window: { type: 'arrowclosed', color: 'var(--graph-window)', width: 14, height: 14 },
  worker: { type: 'arrowclosed', color: 'var(--graph-worker)', width: 14, height: 14 },
  broadcast: { type: 'arrowclosed', color: 'var(--graph-broadcast)', width: 14, height: 14 },
};

/** An edge's tooltip, made when it is drawn rather than on every redraw of every edge. */
export function edgeTitle(e: Pick<GraphEdge, 'source' | 'target' | 'data'>): string {
  const d = e.data;
  if (!d) return '';
  const from = e.source.slice(e.source.indexOf(':') + 1);
  const to = e.target.slice(e.target.indexOf(':') + 1);
  switch (d.kind) {
    case 'channel':
    case 'pair':
      return `${d.kind === 'channel' ? `channel ${d.channel ?? ''}` : 'entangled ports (channel not recorded)'}\n${from} → ${to}: ${plural(d.fwd, 'message')}\n${to} → ${from}: ${plural(d.back, 'message')}`;
    case 'bundle':
      return `${plural(d.channels ?? 0, 'channel')} between ports not drawn one by one (more than ${PORTS_SHOWN - 1} in a realm)\n${from} → ${to}: ${plural(d.fwd, 'message')}\n${to} → ${from}: ${plural(d.back, 'message')}`;
    case 'route':
      return `${d.route ?? ''} postMessage ${from} → ${to}: ${plural(d.fwd, 'message')}`;
    case 'frame':
      return `frame: parent ${from} → child ${to}`;
    case 'owner':
      return `${d.label} ${to}, ${ownerVerb(d.label)} ${from}`;
  }
}

function channelLabel(fwd: number, back: number): string {
  if (fwd > 0 && back > 0) return `${fwd} ⇄ ${back}`;
  if (fwd > 0) return `${fwd} →`;
  if (back > 0) return `← ${back}`;
  return '';
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Which handles an edge uses, from the two ends' centres (absolute flow coordinates). */
function handlesFor(sx: number, tx: number, self: boolean): { sourceHandle: string; targetHandle: string } {
  if (self || Math.abs(sx - tx) < 1) return { sourceHandle: 'r', targetHandle: 'r' };
  return sx < tx ? { sourceHandle: 'r', targetHandle: 'l' } : { sourceHandle: 'l', targetHandle: 'r' };
}

/** The handles of two port chips an edge runs between (chip ids, or MORE_CHIP). */
function chipHandles(a: string, b: string, sx: number, tx: number): { sourceHandle: string; targetHandle: string } {
  const h = handlesFor(sx, tx, false);
  return { sourceHandle: portHandle(a, h.sourceHandle), targetHandle: portHandle(b, h.targetHandle) };
}

const NO_CHIPS: readonly PortChipData[] = [];

export function createGraphBuilder(): GraphBuilder {
  const stats = { layouts: 0, builds: 0 };
  let layout: RealmLayout | null = null;
  let slots: ReadonlyMap<string, Slot> | null = null;
  let prevNodes = new Map<string, GraphNode>();
  let prevEdges = new Map<string, GraphEdge>();
  const pulses = new Map<string, Pulse>();
  let last: { model: CaptureModel; input: GraphInput; now: number; data: GraphData } | null = null;
  let countedModel: CaptureModel | null = null;
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

  const EMPTY: GraphData = { nodes: [], edges: [], empty: true, topology: '', highlighting: false, pulsing: false };

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

    // Realm boxes: the model's realms (the gone ones folded but for a few), then placeholders for
    // holders it does not know, then the folded node.
    const message = input.selection?.kind === 'message' ? ix.message(input.selection.id) : undefined;
    const fold = foldGone(model, ix, input, message);
    const boxes = new Map<RealmId, Box>();
    for (const r of model.realms) if (!fold.folded.has(r.id)) boxes.set(r.id, { id: r.id, model: r, capacity: 0 });
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
    if (fold.folded.size > 0) boxes.set(GONE_REALM, { id: GONE_REALM, capacity: 0 });
    /** The box a realm is drawn as: its own, the folded node, or none. */
    const drawnAs = (id: RealmId): RealmId | undefined => (boxes.has(id) ? id : fold.folded.has(id) ? GONE_REALM : undefined);
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
      const parent = b.model?.parent;
      realmBoxes.push({ id: b.id, ...(parent !== undefined && boxes.has(parent) ? { parent } : {}), ...(b.id === GONE_REALM ? GONE_SIZE : boxSize(b.capacity)) });
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
      const use = prev && sameNode(prev, n) ? prev : n;
      nodes.push(use);
      nodeMap.set(use.id, use);
    };
    for (const b of boxes.values()) {
      const at = placed.get(b.id);
      if (!at) continue;
      const id = realmNodeId(b.id);
      const prev = prevNodes.get(id)?.data;
      const list = chips.get(b.id) ?? NO_CHIPS;
      const data: RealmNodeData = { ...(b.id === GONE_REALM ? foldedData(fold, ix) : realmData(b, ix, at.width)), ports: prev && sameList(prev.ports, list) ? prev.ports : list };
      const m = more.get(b.id);
      if (m) data.more = prev?.more && shallowEqual(prev.more as unknown as Record<string, unknown>, m as unknown as Record<string, unknown>) ? prev.more : m;
      if (data.folded && prev?.folded && shallowEqual(prev.folded as unknown as Record<string, unknown>, data.folded as unknown as Record<string, unknown>)) data.folded = prev.folded;
      keep({
        id,
        type: 'realm',
        ariaLabel: data.folded ? data.label : `${data.prefix ?? data.kind} realm${data.label !== '' ? ` ${data.label}` : ''}${data.gone ? ', gone' : ''}`,
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
        // One end (or both) is not drawn as a chip of its own: counted into the bundle between the two chips.
        const ka = `${pa.realm}\n${pa.chip}`;
        const kb = `${pb.realm}\n${pb.chip}`;
        const forward = ka <= kb;
        const key = forward ? `bundle:${ka}|${kb}` : `bundle:${kb}|${ka}`;
        let bundle = bundles.get(key);
        if (!bundle) bundles.set(key, (bundle = { from: forward ? pa : pb, to: forward ? pb : pa, sx: forward ? ca.x : cb.x, tx: forward ? cb.x : ca.x, channels: 0, fwd: 0, back: 0, hl: false }));
        bundle.channels++;
        bundle.fwd += forward ? fwd : back;
        bundle.back += forward ? back : fwd;
        if (hlEdge === id) bundle.hl = true;
        return;
      }
      const hl = hlEdge === id;
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
        ...(self ? { sourceHandle: portHandle(b.from.chip, 'r'), targetHandle: portHandle(b.to.chip, 'r') } : chipHandles(b.from.chip, b.to.chip, b.sx, b.tx)),
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
    const data: GraphData = { nodes, edges, empty: false, topology: layout.key, highlighting: message !== undefined, pulsing };
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

interface Fold {
  /** Gone realms drawn as the one folded node. */
  folded: ReadonlySet<RealmId>;
  /** Gone realms drawn one by one. */
  shown: number;
  expanded: boolean;
}

/**
 * Which gone realms are folded (see GONE_REALM). One pass over the realms; the newest are picked
 * by a bounded insertion, so the cost is linear in the realms whatever their number.
 */
function foldGone(model: CaptureModel, ix: ModelIndex, input: GraphInput, message: MessageModel | undefined): Fold {
  const expanded = input.goneExpanded === true;
  const limit = expanded ? GONE_EXPANDED : GONE_SHOWN;
  // Realms the developer is looking at are drawn whatever they are.
  const pinned = new Set<RealmId>();
  const focus = input.focus;
  if (focus?.kind === 'realm') pinned.add(focus.id);
  if (focus?.kind === 'port') {
    const p = ix.ports.get(ix.logicalPort.get(focus.id) ?? focus.id);
    const h = p ? holderOf(p) : undefined;
    if (h !== undefined) pinned.add(h);
  }
  if (message) {
    for (const id of [message.fromRealm, message.toRealm]) if (id !== undefined) pinned.add(id);
    for (const d of message.deliveries ?? []) pinned.add(d.toRealm);
    for (const id of [message.fromPort, message.toPort]) {
      const p = id === undefined ? undefined : ix.ports.get(id);
      const h = p ? holderOf(p) : undefined;
      if (h !== undefined) pinned.add(h);
    }
  }
  // The newest `limit` gone realms (latest goneAt; the later in the model on a tie), newest first.
  const newest: RealmModel[] = [];
  let gone = 0;
  for (const r of model.realms) {
    if (r.goneAt === undefined || pinned.has(r.id)) continue;
    gone++;
    if (newest.length === limit && (newest[limit - 1] as RealmModel).goneAt! > r.goneAt) continue;
    let i = newest.length;
    while (i > 0 && (newest[i - 1] as RealmModel).goneAt! <= r.goneAt) i--;
    newest.splice(i, 0, r);
    if (newest.length > limit) newest.pop();
  }
  if (gone <= limit) return { folded: new Set(), shown: gone, expanded };
  const shown = new Set(newest.map((r) => r.id));
  const folded = new Set<RealmId>();
  for (const r of model.realms) if (r.goneAt !== undefined && !pinned.has(r.id) && !shown.has(r.id)) folded.add(r.id);
  return { folded, shown: shown.size, expanded };
}

/** The folded node's facts. */
function foldedData(fold: Fold, ix: ModelIndex): RealmNodeData {
  const byKind = new Map<string, number>();
  for (const id of fold.folded) {
    const k = kindName(ix.realms.get(id)?.kind);
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  const kinds = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
  const label = plural(fold.folded.size, 'gone realm');
  return {
    realm: GONE_REALM,
    kind: 'gone',
    label,
    title: `${label} folded into one node (${kinds}): frames and workers that went away.\n${
      fold.expanded ? `The newest ${GONE_EXPANDED} gone realms are drawn one by one.` : `The newest ${GONE_SHOWN} gone realms are drawn one by one; expand to draw the newest ${GONE_EXPANDED}.`
    }\nA gone realm stays in the timeline and the inspector; focusing it draws it here.`,
    gone: true,
    instrumented: true,
    placeholder: true,
    ports: NO_CHIPS,
    folded: { count: fold.folded.size, shown: fold.shown, expanded: fold.expanded },
  };
}

/** Average width of a character of a realm box's title (13 px system-ui), to fit names in the box. */
const TITLE_CHAR_PX = 6.6;

/** A realm's name in two parts, the kind word(s) and the rest, in at most what a box of `width` shows. */
function nameParts(id: RealmId, ix: ModelIndex, width: number): { prefix: string; label: string } {
  const names = realmNamesOf(ix.realms);
  const max = Math.max(8, Math.floor((width - 2 * BOX_PAD - 24) / TITLE_CHAR_PX));
  const name = names.name(id, max);
  const parts = names.parts(id);
  const prefix = parts ? (parts.tag !== undefined ? `${parts.kind} ${parts.tag}` : parts.kind) : name;
  return name.startsWith(`${prefix} `) ? { prefix, label: name.slice(prefix.length + 1) } : { prefix: name, label: '' };
}

/** A realm's own facts (its chips are added by the builder). */
function realmData(b: Box, ix: ModelIndex, width: number): RealmNodeData {
  const r = b.model;
  if (!r) {
    const unknown = b.id === UNKNOWN_REALM;
    return {
      realm: b.id,
      kind: 'unknown',
      label: unknown ? 'holder unknown' : '',
      title: unknown ? 'Ports whose holder is not known' : realmTitle(b.id) + '\nholds ports but has not reported itself',
      gone: false,
      instrumented: false,
      placeholder: unknown,
      ports: NO_CHIPS,
    };
  }
  // The tooltip says what the box's name leaves out: the whole URL, the id, the origin.
  const lines = [realmTitle(r.id, r)];
  if (r.parent !== undefined) {
    const parent = ix.realms.get(r.parent);
    const rel = r.kind === 'iframe' ? 'parent' : r.kind === 'popup' ? 'opened by' : r.kind === 'serviceworker' ? 'known to' : 'created by';
    lines.push(`${rel} ${parent ? realmNamesOf(ix.realms).name(r.parent) : 'realm'} (${r.parent})`);
  }
  if (r.kind === 'popup') lines.push('a window opened by window.open (another tab of the session)');
  if (!r.instrumented) lines.push(r.kind === 'serviceworker' ? 'not instrumented: seen from the page side only' : 'not instrumented: seen from its creator only');
  if (r.goneAt !== undefined) lines.push('gone');
  if (r.gaps > 0) lines.push(`${plural(r.missing, 'event')} missing`);
  return {
    realm: r.id,
    kind: kindName(r.kind),
    ...nameParts(r.id, ix, width),
    title: lines.join('\n'),
    gone: r.goneAt !== undefined,
    instrumented: r.instrumented,
    placeholder: false,
    ports: NO_CHIPS,
  };
}

interface PortMemo {
  port: PortModel;
  queued: number;
  failed: number;
  kinds: (string | undefined)[];
  hasChannel: boolean;
  data: PortNodeData;
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Same as far as `portData` is concerned. */
function samePort(a: PortModel, b: PortModel): boolean {
  if (
    a.closed !== b.closed ||
    a.started !== b.started ||
    a.channel !== b.channel ||
    a.entangledWith !== b.entangledWith ||
    a.lost?.reason !== b.lost?.reason ||
    a.custody.length !== b.custody.length ||
    !sameList(a.candidates, b.candidates)
  )
    return false;
  for (let i = 0; i < a.custody.length; i++) {
    const x = a.custody[i];
    const y = b.custody[i];
    if (!x || !y || x.realm !== y.realm || x.ambiguous !== y.ambiguous || x.inferred !== y.inferred || x.confirmed !== y.confirmed) return false;
  }
  return true;
}

function portData(p: PortModel, queued: number, failed: number, ix: ModelIndex): PortNodeData {
  const channel = p.channel !== undefined ? ix.channels.get(p.channel) : undefined;
  const side = channel ? (channel.ports[0] === p.id ? 1 : 2) : 0;
  const label = channel ? `${tail(channel.id)}.${side}` : `p${tail(p.id)}`;
  const lines = [`port ${p.id}${channel ? ` (port${side} of channel ${channel.id})` : ''}`];
  if (p.entangledWith !== undefined) lines.push(`entangled with ${p.entangledWith}`);
  const why: string[] = [];
  if (failed > 0) why.push(`${plural(failed, 'send')} from this port failed, were doomed or lost`);
  if (p.lost) why.push(p.lost.reason === 'doomed' ? 'lost: its partner was in a doomed transfer list' : 'lost: it travelled in a message that went nowhere');
  if (queued > 0) why.push(`${plural(queued, 'message')} queued here: this port was never started (no onmessage, no start())`);
  if (p.closed) why.push('closed');
  const state: PortState = failed > 0 ? 'failed' : p.lost ? 'lost' : queued > 0 ? 'queued' : p.closed ? 'closed' : 'ok';
  lines.push(...why);
  if (!p.started && queued === 0 && !p.closed) lines.push('not started');
  let movedFrom: string | undefined;
  if (p.custody.length > 1) {
    const prev = p.custody[p.custody.length - 2];
    movedFrom = kindName(prev ? ix.realms.get(prev.realm)?.kind : undefined);
    const hops = p.custody.map((c) => `${kindName(ix.realms.get(c.realm)?.kind)} ${c.realm}${c.ambiguous ? ' (?)' : c.inferred && !c.confirmed ? ' (inferred)' : ''}`);
    lines.push(`transferred: ${hops.join(' → ')}`);
  }
  if (p.candidates) lines.push(`arrived by postMessage; could be any of ${p.candidates.join(', ')}`);
  const data: PortNodeData = { port: p.id, label, state, title: lines.join('\n') };
  if (movedFrom !== undefined) data.movedFrom = movedFrom;
  if (state === 'failed') data.badge = String(failed);
  else if (state === 'queued') data.badge = String(queued);
  return data;
}

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

type RealmEdge = GraphEdge & { count: number };

/** Parent/creator links and realm-route traffic, with bends so edges between the same two realms part.
 *  A folded realm's edges are drawn from or to the folded node, one per realm at the other end (their
 *  counts added up); edges between two folded realms are inside the node and not drawn. */
function realmEdges(
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
