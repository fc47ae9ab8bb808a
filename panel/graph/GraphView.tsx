/**
 * The live entanglement graph: realms as boxes, ports inside the realm that holds them, channels and
 * realm-to-realm traffic as edges. What is drawn comes from `buildGraph.ts`; this file is React Flow
 * wiring, the node and edge components, and the legend.
 */
import '@xyflow/react/dist/style.css';
import './graph.css';
import { createContext, memo, useCallback, useContext, useDeferredValue, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import {
  Background,
  BaseEdge,
  ConnectionMode,
  ControlButton,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MiniMap,
  Panel,
  Position,
  ReactFlow,
  getNodesBounds,
  getViewportForBounds,
  useReactFlow,
  useStore as useFlowStore,
  type EdgeProps,
  type EdgeTypes,
  type MiniMapNodeProps,
  type NodeProps,
  type NodeTypes,
  type Viewport,
} from '@xyflow/react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LogStore } from '../store';
import { shownModel, useLogVersion } from '../useLog';
import { messageAtPosition, modelAtPosition, playbackOf } from '../playbackView';
import { noteMessageFinder } from '../modelIndex';
import type { PlaybackPosition, ViewStore } from '../viewState';
import { usePlaybackForGraph } from './playbackForGraph';
import type { CaptureModel } from '../../model/correlator';
import type { PortId, RealmId } from '../../model/protocol';
import {
  CROWD_AT,
  GONE_EXPANDED,
  MORE_CHIP,
  PULSE_MS,
  createGraphBuilder,
  realmNodeId,
  edgeTitle,
  portHandle,
  type GraphEdge,
  type GraphNode,
  type MoreChipData,
  type PortChipData,
  type PortState,
  type RealmNode,
} from './buildGraph';
import { PORT_H, PORT_W } from './layout';
import { useAnimateMessages } from './animateMessages';
import { noteMoment } from './traffic';
import { NO_TRAVELLERS, TRAVEL_MS, travellerLabel, travellersAfter, type Traveller, type Travellers } from './travel';

// ── nodes ───────────────────────────────────────────────────────────────────

/** Invisible attachment points, one per side (ids from buildGraph: the side alone for a realm box,
 *  `chip|side` for a port chip). Edges may end at a source handle (ConnectionMode.Loose), so one
 *  handle a side serves both ends: a realm box of port chips has thousands of them otherwise. */
function Handles({ chip }: { chip?: string }) {
  const id = (side: string): string => (chip === undefined ? side : portHandle(chip, side));
  return (
    <>
      <Handle id={id('l')} type="source" position={Position.Left} isConnectable={false} className="graph-handle" />
      <Handle id={id('r')} type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
    </>
  );
}

/** Clicking a port chip focuses the port (chips live inside their realm's node). */
const PortClick = createContext<(port: PortId) => void>(() => {});

/**
 * Zoomed out below LABEL_MIN_ZOOM: text would be a few pixels high, so chips are drawn as bare
 * coloured boxes and edges without labels. Fitting a large capture (50 realms) zooms out to about 0.05,
 * where the text took 3,400 of the panel's 7,900 elements (bench/panel.mjs's capture), each a cost in
 * every frame the browser draws, for nothing a person can read.
 */
const Far = createContext(false);

const STATE_ICON: Record<PortState, string> = { ok: '●', queued: '◷', failed: '✕', closed: '⊘', lost: '⚠' };

const PortChip = memo(function PortChip({ chip }: { chip: PortChipData }) {
  const onPort = useContext(PortClick);
  const far = useContext(Far);
  return (
    <div
      className={`graph-port state-${chip.state}${chip.selected ? ' selected' : ''}${chip.hl ? ' hl' : ''}${chip.movedFrom !== undefined ? ' moved' : ''}`}
      style={{ left: chip.x, top: chip.y, width: PORT_W, height: PORT_H }}
      data-testid="graph-port"
      data-port={chip.port}
      data-state={chip.state}
      title={chip.title}
      onClick={(e) => {
        // The realm's node would take the click too and focus the realm instead.
        e.stopPropagation();
        onPort(chip.port);
      }}
    >
      {!far && (
        <>
          <span className="graph-port-icon" aria-hidden="true">
            {STATE_ICON[chip.state]}
          </span>
          <span className="graph-port-label">{chip.label}</span>
          {chip.badge !== undefined && <span className="graph-port-badge">{chip.badge}</span>}
          {chip.movedFrom !== undefined && <span className="graph-port-moved">↪ {chip.movedFrom}</span>}
        </>
      )}
      <Handles chip={chip.port} />
    </div>
  );
});

/** The ports of a realm beyond what its box shows, as one chip (a click focuses the realm). */
const MoreChip = memo(function MoreChip({ realm, more }: { realm: RealmId; more: MoreChipData }) {
  const far = useContext(Far);
  const state = more.failed > 0 ? 'failed' : more.queued > 0 ? 'queued' : 'ok';
  return (
    <div
      className={`graph-port graph-more state-${state}${more.selected ? ' selected' : ''}${more.hl ? ' hl' : ''}`}
      style={{ left: more.x, top: more.y, width: PORT_W, height: PORT_H }}
      data-testid="graph-more"
      data-realm={realm}
      title={more.title}
    >
      {!far && <span className="graph-port-label">+{more.hidden.toLocaleString('en-US')} ports</span>}
      {!far && more.failed + more.queued > 0 && <span className="graph-port-badge">{more.failed + more.queued}</span>}
      <Handles chip={MORE_CHIP} />
    </div>
  );
});

/** Expands or folds back the "N gone realms" node. */
const GoneToggle = createContext<() => void>(() => {});

/** The node gone realms are folded into (buildGraph's GONE_REALM): a count, and a button that draws
 *  the newest of them one by one (bounded: GONE_EXPANDED) or folds them back. */
const FoldedBox = memo(function FoldedBox({ data }: { data: RealmNode['data'] }) {
  const toggle = useContext(GoneToggle);
  const folded = data.folded;
  if (!folded) return null;
  return (
    <div className="graph-realm graph-folded gone" data-testid="graph-folded" title={data.title}>
      <div className="graph-realm-title">
        <span className="graph-realm-kind">{data.label}</span>
      </div>
      <button
        type="button"
        className="graph-folded-toggle nodrag"
        aria-expanded={folded.expanded}
        onClick={(e) => {
          // The node's own click would toggle it a second time.
          e.stopPropagation();
          toggle();
        }}
      >
        {folded.expanded ? `fold back (${folded.shown} drawn)` : `draw the newest ${GONE_EXPANDED}`}
      </button>
      <Handles />
      <Handles chip={MORE_CHIP} />
    </div>
  );
});

/** A parent's many quiet live frames drawn as one node (buildGraph's CROWD_AT): a count. */
const CrowdBox = memo(function CrowdBox({ data }: { data: RealmNode['data'] }) {
  return (
    <div className="graph-realm graph-folded graph-crowd kind-iframe" data-testid="graph-crowd" title={data.title}>
      <div className="graph-realm-title">
        <span className="graph-realm-kind">{data.label}</span>
      </div>
      <div className="graph-crowd-note">live · no ports</div>
      <Handles />
    </div>
  );
});

const RealmBox = memo(function RealmBox({ data, selected }: NodeProps<RealmNode>) {
  if (data.folded) return <FoldedBox data={data} />;
  if (data.crowd) return <CrowdBox data={data} />;
  return <RealmBoxBody data={data} selected={selected} />;
});

const RealmBoxBody = memo(function RealmBoxBody({ data, selected }: Pick<NodeProps<RealmNode>, 'data' | 'selected'>) {
  const cls = ['graph-realm', `kind-${data.kind.replace(/ /g, '-')}`, data.gone ? 'gone' : '', data.instrumented ? '' : 'uninstrumented', selected ? 'selected' : ''].filter(Boolean).join(' ');
  // Its handles' places come with the node (handles.ts): React Flow measures it only when it mounts or resizes.
  return (
    <div className={cls} data-testid="graph-realm" data-realm={data.realm} data-kind={data.kind} title={data.title}>
      <div className="graph-realm-title">
        <span className="graph-realm-kind">{data.prefix ?? data.kind}</span>
        {data.label !== '' && <span className="graph-realm-url">{data.label}</span>}
        {data.gone && <span className="graph-realm-gone">gone</span>}
      </div>
      {data.ports.map((c) => (
        <PortChip key={c.port} chip={c} />
      ))}
      {data.more && <MoreChip realm={data.realm} more={data.more} />}
      <Handles />
    </div>
  );
});

// Stable objects outside the component: React Flow warns (and re-mounts) when these change.
const nodeTypes: NodeTypes = { realm: RealmBox };

// ── edges ───────────────────────────────────────────────────────────────────

/** Clicking an edge label does what clicking the edge does (labels live outside the edge's element). */
const LabelClick = createContext<(edge: Pick<GraphEdge, 'data'>) => void>(() => {});

/** A cubic curve between two handles, pushed sideways by `bend`; a self edge loops out to the right. */
export function flowPath(
  sx: number,
  sy: number,
  sp: Position,
  tx: number,
  ty: number,
  tp: Position,
  bend: number,
  self: boolean,
): [path: string, labelX: number, labelY: number] {
  let c1x: number, c1y: number, c2x: number, c2y: number;
  if (self) {
    c1x = sx + 70;
    c1y = sy - 50;
    c2x = tx + 70;
    c2y = ty + 50;
  } else {
    const dx = tx - sx;
    const dy = ty - sy;
    const len = Math.hypot(dx, dy) || 1;
    const nx = (-dy / len) * bend;
    const ny = (dx / len) * bend;
    const k = Math.max(30, Math.abs(dx) / 2);
    c1x = sx + (sp === Position.Left ? -k : k) + nx;
    c1y = sy + ny;
    c2x = tx + (tp === Position.Left ? -k : k) + nx;
    c2y = ty + ny;
  }
  const lx = (sx + 3 * c1x + 3 * c2x + tx) / 8;
  const ly = (sy + 3 * c1y + 3 * c2y + ty) / 8;
  return [`M ${sx},${sy} C ${c1x},${c1y} ${c2x},${c2y} ${tx},${ty}`, lx, ly];
}

// ── messages travelling (playback) ──

/** The dots on their way, per edge (travel.ts); each edge reads its own, so a dot redraws one edge. */
type TravellerStore = StoreApi<{ byEdge: Travellers }>;
const TravellersOf = createContext<TravellerStore | null>(null);
const NO_TRAVELLER_STORE: TravellerStore = createStore(() => ({ byEdge: NO_TRAVELLERS }));

/** A dot's radius and its count's font size in screen px: the same size at every zoom. */
const DOT_PX = 4;
const DOT_FONT_PX = 10;

/**
 * A message on its way along an edge's path: a dot moved by SVG's own animation (no React work per
 * frame), from the sending end to the receiving one; a count of the others that passed along the edge
 * meanwhile. Set off when drawn (keyed by message: a new message restarts it).
 */
const TravellerDot = memo(function TravellerDot({ path, traveller }: { path: string; traveller: Traveller }) {
  const motion = useRef<SVGAnimateMotionElement>(null);
  const scale = useFlowStore((s) => 1 / Math.min(1, s.transform[2]));
  // Before the first paint: a dot not yet begun would be drawn at the graph's origin.
  useLayoutEffect(() => {
    motion.current?.beginElement?.();
  }, []);
  const r = DOT_PX * scale;
  const label = travellerLabel(traveller);
  return (
    <g className="graph-traveller" role="img" aria-label={label} data-testid="graph-traveller" data-message={traveller.messageId}>
      <animateMotion
        ref={motion}
        begin="indefinite"
        dur={`${TRAVEL_MS}ms`}
        fill="freeze"
        path={path}
        calcMode="linear"
        keyPoints={traveller.reverse ? '1;0' : '0;1'}
        keyTimes="0;1"
      />
      <circle r={r} strokeWidth={r / 2} />
      {traveller.more > 0 && (
        <text x={r * 1.6} y={r * 0.9} fontSize={DOT_FONT_PX * scale} strokeWidth={(DOT_FONT_PX * scale) / 4}>
          +{traveller.more.toLocaleString('en-US')}
        </text>
      )}
    </g>
  );
});

const FlowEdge = memo(function FlowEdge(props: EdgeProps<GraphEdge>) {
  const { id, data, source, target, sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition, markerEnd, selected } = props;
  const onLabel = useContext(LabelClick);
  const far = useContext(Far);
  const traveller = useStore(useContext(TravellersOf) ?? NO_TRAVELLER_STORE, (s) => s.byEdge.get(id));
  if (!data) return null;
  const [path, lx, ly] = flowPath(sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition, data.bend, data.self);
  const clickable = data.kind === 'channel' || data.kind === 'pair';
  return (
    <>
      {/* The wider invisible path that takes clicks is flow units wide: zoomed out, too thin to hit. */}
      <BaseEdge id={id} path={path} {...(markerEnd !== undefined ? { markerEnd } : {})} interactionWidth={far ? 0 : 12} />
      {traveller && <TravellerDot key={traveller.messageId} path={path} traveller={traveller} />}
      {!far && data.label !== '' && (
        <EdgeLabelRenderer>
          {/* Centred on (lx, ly) by a zero-size flex anchor, not a transform: a transform per label is
              one more layer for the compositor to sort out on every frame. */}
          <div className="graph-edge-anchor" style={{ left: lx, top: ly }}>
            <div
              className={`graph-edge-label nodrag nopan kind-${data.kind}${data.route !== undefined ? ` route-${data.route}` : ''}${data.hl ? ' hl' : ''}${selected ? ' selected' : ''}${clickable ? ' clickable' : ''}`}
              title={edgeTitle({ source, target, data })}
              {...(data.kind === 'channel'
                ? { 'data-testid': 'graph-channel', 'data-channel': data.channel }
                : data.kind === 'route'
                  ? { 'data-testid': 'graph-route', 'data-route': data.route }
                  : {})}
              onClick={clickable ? () => onLabel({ data }) : undefined}
            >
              {data.label}
            </div>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

const edgeTypes: EdgeTypes = { flow: FlowEdge };

// ── minimap, legend, fitting ────────────────────────────────────────────────

const MINIMAP_SIZE = { width: 140, height: 96 };
/** In a small pane, a smaller minimap: about a quarter of the pane's width, never more than a third of its height. */
const MINIMAP_SMALL = { width: 96, height: 64 };

/** Realm boxes only: a thousand port dots would cost more than they tell at that scale. */
function MiniNode({ id, x, y, width, height }: MiniMapNodeProps) {
  if (!id.startsWith('realm:')) return null;
  return <rect className="graph-mini-realm" x={x} y={y} width={width} height={height} rx={3} ry={3} />;
}

/** The minimap: where the pane has room for it beside the graph (in a small pane it would cover it),
 *  and whenever the view shows only part of the graph (the overview is then what tells what is where). */
function RoomyMiniMap({ partial }: { partial: boolean }) {
  const roomy = useFlowStore((s) => s.width >= MINIMAP_ROOM.width && s.height >= MINIMAP_ROOM.height);
  if (!roomy && !partial) return null;
  return <MiniMap nodeComponent={MiniNode} pannable zoomable position="bottom-right" ariaLabel="graph overview" style={roomy ? MINIMAP_SIZE : MINIMAP_SMALL} />;
}

const MINIMAP_ROOM = { width: 420, height: 300 };

function Legend() {
  return (
    <Panel position="top-left" className="graph-legend-panel">
      <details className="graph-legend" data-testid="graph-legend">
        <summary>Legend</summary>
        <ul>
          <li>
            <span className="lg-box" /> realm (top, iframe, worker); <span className="lg-box gone" /> gone
          </li>
          <li>
            <span className="lg-box gone" /> “N gone realms”: gone realms folded into one node but for the newest few (its
            button draws the newest {GONE_EXPANDED}; focusing a realm draws it)
          </li>
          <li>
            <span className="lg-box graph-folded" /> “N iframes”: more than {CROWD_AT} live frames of one parent that hold no
            port, drawn as one node (focusing one draws it)
          </li>
          <li>
            <span className="lg-box kind-popup" /> popup (opened by window.open; opener → popup){' '}
            <span className="lg-box kind-service-worker" /> service worker (known from the page)
          </li>
          <li>
            <span className="lg-line channel" /> channel between entangled ports, “sent ⇄ received” counts
          </li>
          <li>
            <span className="lg-line pair" /> entangled ports, channel not recorded
          </li>
          <li>
            <span className="lg-line bundle" /> channels to the ports of a crowded realm, drawn as one “+N ports” chip
          </li>
          <li>
            <span className="lg-line window" /> window.postMessage <span className="lg-line worker" /> worker{' '}
            <span className="lg-line broadcast" /> BroadcastChannel
          </li>
          <li>
            <span className="lg-line frame" /> parent frame / creator → child
          </li>
          <li>
            <span className="lg-line pulse" /> edge flashes when messages pass
          </li>
          <li>
            <span className="lg-port state-ok">{STATE_ICON.ok}</span> port
            <span className="lg-port state-queued">{STATE_ICON.queued}</span> messages queued (never started)
          </li>
          <li>
            <span className="lg-port state-failed">{STATE_ICON.failed}</span> failed / doomed / lost sends
            <span className="lg-port state-lost">{STATE_ICON.lost}</span> port lost
            <span className="lg-port state-closed">{STATE_ICON.closed}</span> closed
          </li>
          <li>
            <span className="lg-moved">↪ iframe</span> transferred (from that realm); click for its history
          </li>
          <li>
            <span className="lg-dot" /> while playing back, a message travelling along its edge, “+N” the others that
            passed along it meanwhile (the playback bar's ⇢ turns this off, as does reduced motion)
          </li>
        </ul>
      </details>
    </Panel>
  );
}

/** Up to this many realm nodes, all are drawn (not only those in view). */
const DRAW_ALL_NODES = 40;

/** Below this zoom text is too small to read: edge labels and chip text are not drawn (`Far`). */
const LABEL_MIN_ZOOM = 0.5;

/** The realm boxes' title font (graph.css, .graph-realm-title). */
export const TITLE_FONT_PX = 13;
/** The smallest text a person reads comfortably in a panel, in CSS px on screen (issue 10). */
export const READABLE_PX = 11;
/** The zoom at which realm names render at READABLE_PX. */
export const READABLE_ZOOM = READABLE_PX / TITLE_FONT_PX;
const FIT_PADDING = 0.12;
const FIT_MAX_ZOOM = 1.25;
const FIT_MIN_ZOOM = 0.05;

/** Tells whether the view is zoomed out below LABEL_MIN_ZOOM (the graph is then marked `far`). */
function ZoomWatch({ onFar }: { onFar: (far: boolean) => void }) {
  const far = useFlowStore((s) => s.transform[2] < LABEL_MIN_ZOOM);
  useEffect(() => onFar(far), [far, onFar]);
  return null;
}

/**
 * Turns a scroll of the graph's box into a pan. React Flow's box does not scroll (overflow: hidden),
 * but the browser scrolls it anyway to bring an element into sight — find in page on a realm's name,
 * a screen reader or a test moving to a node out of view, `scrollIntoView` — which leaves the view
 * shifted under React Flow's feet. The same move as a pan keeps the element in sight and the view whole.
 */
function ScrollToPan({ onMoved }: { onMoved: () => void }) {
  const flow = useReactFlow();
  const dom = useFlowStore((s) => s.domNode);
  useEffect(() => {
    if (!dom) return;
    const onScroll = (): void => {
      const { scrollLeft, scrollTop } = dom;
      if (scrollLeft === 0 && scrollTop === 0) return;
      dom.scrollLeft = 0;
      dom.scrollTop = 0;
      const vp = flow.getViewport();
      onMoved();
      void flow.setViewport({ x: vp.x - scrollLeft, y: vp.y - scrollTop, zoom: vp.zoom }, { duration: 0 });
    };
    dom.addEventListener('scroll', onScroll);
    return () => dom.removeEventListener('scroll', onScroll);
  }, [dom, flow, onMoved]);
  return null;
}

/** Five control buttons stacked are about 140 px: below this pane height they go in a row. */
const SHORT_PANE_PX = 200;

function HeightWatch({ onShort }: { onShort: (short: boolean) => void }) {
  const short = useFlowStore((s) => s.height > 0 && s.height < SHORT_PANE_PX);
  useEffect(() => onShort(short), [short, onShort]);
  return null;
}

/**
 * What the view shows by default: `readable` is the whole graph when its names can be read at that
 * zoom, else the neighbourhood of `anchor` (the selected realm, or the top one) at READABLE_ZOOM, with
 * the minimap as the overview; `all` is everything, however small (the *Fit all* button).
 */
export type FitMode = 'readable' | 'all';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The viewport that shows the neighbourhood of `anchor` (its box and the boxes it has edges to) at
 * READABLE_ZOOM or more: the neighbourhood fitted when it fits, else centred on it but moved so the
 * anchor's own box is in sight. Pure, for tests.
 */
export function readableViewport(anchor: Rect, hood: Rect, width: number, height: number): Viewport {
  const vp = getViewportForBounds(hood, width, height, READABLE_ZOOM, FIT_MAX_ZOOM, FIT_PADDING);
  const z = vp.zoom;
  // Screen position of the anchor's edges under vp; shift the view the least that brings the box in,
  // clear of the controls (bottom left) and the legend (top left) that would cover its name.
  const shift = (start: number, size: number, origin: number, lo: number, hi: number): number => {
    const a = origin + start * z;
    const b = a + size * z;
    if (b - a > hi - lo) return lo - a; // larger than the view: its start (the title) in sight
    if (a < lo) return lo - a;
    if (b > hi) return hi - b;
    return 0;
  };
  const inset = (n: number, span: number): number => Math.min(n, span / 8);
  return {
    x: vp.x + shift(anchor.x, anchor.width, vp.x, inset(INSET.left, width), width - inset(INSET.right, width)),
    y: vp.y + shift(anchor.y, anchor.height, vp.y, inset(INSET.top, height), height - inset(INSET.bottom, height)),
    zoom: z,
  };
}

/** Room (px) the readable view leaves on each side for the controls and the legend drawn over it. */
const INSET = { left: 48, top: 34, right: 12, bottom: 12 };

/**
 * Fits the view on the first drawing, on every layout change, when the pane is resized and when the
 * anchor changes, until the user pans or zooms. The pane's size matters: the split panes settle their
 * sizes after the first render, and a fit made while the pane was still 0 px wide leaves the graph out
 * of sight.
 */
function AutoFit({ topology, anchor, mode, nonce, userMoved, onPartial }: { topology: string; anchor: string | null; mode: FitMode; nonce: number; userMoved: { current: boolean }; onPartial: (partial: boolean) => void }) {
  const flow = useReactFlow<GraphNode, GraphEdge>();
  const size = useFlowStore((s) => `${Math.round(s.width)}x${Math.round(s.height)}`);
  useEffect(() => {
    const [w, h] = size.split('x').map(Number) as [number, number];
    if (topology === '' || userMoved.current || w === 0 || h === 0) return;
    const nodes = flow.getNodes();
    if (nodes.length === 0) return;
    const all = getViewportForBounds(getNodesBounds(nodes), w, h, FIT_MIN_ZOOM, FIT_MAX_ZOOM, FIT_PADDING);
    if (mode === 'all' || all.zoom >= READABLE_ZOOM) {
      onPartial(false);
      void flow.setViewport(all, { duration: 0 });
      return;
    }
    onPartial(true);
    const center = nodes.find((n) => n.id === anchor) ?? nodes[0]!;
    const near = new Set([center.id]);
    for (const e of flow.getEdges()) {
      if (e.source === center.id) near.add(e.target);
      if (e.target === center.id) near.add(e.source);
    }
    const hood = getNodesBounds(nodes.filter((n) => near.has(n.id)));
    void flow.setViewport(readableViewport(getNodesBounds([center]), hood, w, h), { duration: 0 });
  }, [flow, topology, anchor, mode, nonce, userMoved, size, onPartial]);
  return null;
}

// ── the view ────────────────────────────────────────────────────────────────

/** The session at a playback position, its counts made from the playback's checkpoints (traffic.ts). */
function momentOf(position: PlaybackPosition): CaptureModel {
  const at = modelAtPosition(position);
  noteMoment(at, playbackOf(position.of));
  noteMessageFinder(at, (id) => messageAtPosition(position, id));
  return at;
}

/** The fit mode chosen per view store: it outlives the graph's pane when the panel is rearranged. */
const fitModes = new WeakMap<ViewStore, FitMode>();

export function GraphView({ store, view }: { store: LogStore; view: ViewStore }) {
  const version = useLogVersion(store);
  const focus = useStore(view, (s) => s.focus);
  const selection = useStore(view, (s) => s.selection);
  // In playback, the session at that moment (issue 11 §1); a live log goes on growing meanwhile.
  // Deferred: a seek or a playing tick paints the slider and the timeline first, and the graph at the
  // new moment renders after, in slices (a seek on 100,000 messages was one task of 300-800 ms).
  // While playing, the graph takes a new moment at most every PLAYING_GRAPH_MS (playbackForGraph.ts).
  const playback = useDeferredValue(usePlaybackForGraph(view));
  const builder = useMemo(() => createGraphBuilder(), []);
  // Bumped to drop expired pulse classes and after "re-layout".
  const [tick, redraw] = useReducer((n: number) => n + 1, 0);
  const userMoved = useRef(false);
  const [far, setFar] = useState(false);
  const [goneExpanded, setGoneExpanded] = useState(false);
  const [fitMode, setFitModeState] = useState<FitMode>(() => fitModes.get(view) ?? 'readable');
  const setFitMode = useCallback(
    (mode: FitMode) => {
      fitModes.set(view, mode);
      setFitModeState(mode);
    },
    [view],
  );
  const [fitNonce, refit] = useReducer((n: number) => n + 1, 0);
  // The view shows part of the graph (names readable) rather than all of it: the minimap is drawn.
  const [partial, setPartial] = useState(false);
  // A pane too short for the controls stacked up (the strip above the timeline): they go in a row.
  const [short, setShort] = useState(false);
  // The user asked to see the gone realms (or fewer of them): the view follows the new layout again.
  const toggleGone = useCallback(() => {
    userMoved.current = false;
    setGoneExpanded((x) => !x);
  }, []);

  const graph = useMemo(
    () => builder.build(playback ? momentOf(playback) : shownModel(store, version), { focus, selection, goneExpanded }, performance.now()),
    // version and tick are the reasons to rebuild; the model itself is read from the store.
    [builder, store, version, focus, selection, goneExpanded, tick, playback],
  );

  // ── messages travelling along their edges while playing ──
  const animate = useAnimateMessages().on;
  const travellers = useMemo<TravellerStore>(() => createStore(() => ({ byEdge: NO_TRAVELLERS })), []);
  /** The position the dots were last moved to (the messages passed since are the next to travel). */
  const travelledTo = useRef<{ of: unknown; index: number } | null>(null);
  useEffect(() => {
    const show = (byEdge: Travellers): void => {
      if (travellers.getState().byEdge !== byEdge) travellers.setState({ byEdge });
    };
    const prev = travelledTo.current;
    travelledTo.current = playback ? { of: playback.of, index: playback.index } : null;
    // Only while playing: not paused, not at a seek, not live.
    if (!animate || !playback?.playing) {
      show(NO_TRAVELLERS);
      return;
    }
    const from = prev && prev.of === playback.of && prev.index <= playback.index ? prev.index + 1 : playback.index + 1;
    show(travellersAfter(travellers.getState().byEdge, playbackOf(playback.of).messages, from, playback.index + 1, graph.routeOf, performance.now()));
  }, [graph, playback, animate, travellers]);

  useEffect(() => {
    if (!graph.pulsing) return;
    const t = setTimeout(redraw, PULSE_MS);
    return () => clearTimeout(t);
  }, [graph]);

  const onNodeClick = useCallback(
    (_: ReactMouseEvent, node: GraphNode) => {
      if (node.data.folded) toggleGone();
      else if (!node.data.placeholder) view.getState().focused({ kind: 'realm', id: node.data.realm });
    },
    [view, toggleGone],
  );
  const onEdge = useCallback(
    (edge: Pick<GraphEdge, 'data'>) => {
      const d = edge.data;
      if (d?.kind === 'channel' && d.channel !== undefined) view.getState().focused({ kind: 'channel', id: d.channel });
      else if (d?.kind === 'pair' && d.port !== undefined) view.getState().focused({ kind: 'port', id: d.port });
    },
    [view],
  );
  const onEdgeClick = useCallback((_: ReactMouseEvent, edge: GraphEdge) => onEdge(edge), [onEdge]);
  const onPaneClick = useCallback(() => view.getState().focused(null), [view]);
  const onPort = useCallback((port: PortId) => view.getState().focused({ kind: 'port', id: port }), [view]);
  // The user moved the view when a gesture ends somewhere else than it started. A click on a node or the
  // pane starts a gesture too (it is a press), and must not stop the view from being fitted later; a
  // programmatic move (fitView) comes without an event.
  const moveFrom = useRef<Viewport | null>(null);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null, viewport: Viewport) => {
    moveFrom.current = event ? viewport : null;
  }, []);
  const onMoveEnd = useCallback((event: MouseEvent | TouchEvent | null, viewport: Viewport) => {
    const from = moveFrom.current;
    moveFrom.current = null;
    if (event && from && (from.x !== viewport.x || from.y !== viewport.y || from.zoom !== viewport.zoom)) userMoved.current = true;
  }, []);
  const markUserMoved = useCallback(() => {
    userMoved.current = true;
  }, []);
  const fitDefault = useCallback(() => {
    userMoved.current = false;
    setFitMode('readable');
    refit();
  }, [setFitMode]);
  const fitAll = useCallback(() => {
    userMoved.current = false;
    setFitMode('all');
    refit();
  }, [setFitMode]);
  const relayout = useCallback(() => {
    builder.relayout();
    userMoved.current = false;
    setFitMode('readable');
    redraw();
  }, [builder, setFitMode]);
  // The realm the readable view is centred on: the selected one, else the top one.
  const anchor = useMemo(() => {
    if (focus?.kind === 'realm') return realmNodeId(focus.id);
    return graph.nodes.find((n) => n.data.kind === 'top')?.id ?? null;
  }, [focus, graph.nodes]);

  if (graph.empty) {
    return (
      <div className="graph graph-empty-host" data-testid="graph">
        <div className="graph-empty" data-testid="graph-empty">
          {playback
            ? 'No realms yet at this moment of the session.'
            : store.getState().source === 'capture'
            ? 'This capture file holds no realms.'
            : `No realms yet. The graph fills in as the page creates channels, frames and workers${store.getState().recording ? '' : ' (recording is paused: press Record)'}.`}
        </div>
      </div>
    );
  }

  return (
    // data-at / data-edges: the moment this drawing is of (the playback index, or live) and how many
    // edges it has, for tests to know when the graph shows a moment and whether every edge was drawn.
    <div
      className={`graph${graph.highlighting ? ' highlighting' : ''}${far ? ' far' : ''}`}
      data-testid="graph"
      data-at={playback ? playback.index : 'live'}
      data-edges={graph.edges.length}
    >
      <TravellersOf.Provider value={travellers}>
        <Far.Provider value={far}>
          <PortClick.Provider value={onPort}>
            <GoneToggle.Provider value={toggleGone}>
              <LabelClick.Provider value={onEdge}>
                <ReactFlow<GraphNode, GraphEdge>
                  nodes={graph.nodes}
                  edges={graph.edges}
                  nodeTypes={nodeTypes}
                  edgeTypes={edgeTypes}
                  onNodeClick={onNodeClick}
                  onEdgeClick={onEdgeClick}
                  onPaneClick={onPaneClick}
                  onMoveStart={onMoveStart}
                  onMoveEnd={onMoveEnd}
                  nodesDraggable={false}
                  nodesConnectable={false}
                  connectionMode={ConnectionMode.Loose}
                  edgesReconnectable={false}
                  deleteKeyCode={null}
                  // A small graph is drawn whole, in view or not: every realm is then in the accessibility
                  // tree (and found by a search) while the view shows a readable part of it.
                  onlyRenderVisibleElements={graph.nodes.length > DRAW_ALL_NODES}
                  minZoom={0.05}
                  maxZoom={2.5}
                  attributionPosition="top-right"
                >
                  <Background gap={16} size={1} />
                  <Controls
                    showInteractive={false}
                    position="bottom-left"
                    orientation={short ? 'horizontal' : 'vertical'}
                    // The zoom buttons move the view without a gesture: the user's zoom must stay. React Flow's
                    // own fit button (“Fit View”) goes back to the default view (names readable) and to
                    // following the layout.
                    onZoomIn={markUserMoved}
                    onZoomOut={markUserMoved}
                    onFitView={fitDefault}
                  >
                    {/* Every realm in view, however small; the view then follows the layout again. */}
                    <ControlButton onClick={fitAll} title="Fit all: show every realm" aria-label="Fit all">
                      ⤢
                    </ControlButton>
                    <ControlButton onClick={relayout} title="Lay the graph out afresh" aria-label="re-layout">
                      ⟳
                    </ControlButton>
                  </Controls>
                  <RoomyMiniMap partial={partial} />
                  <Legend />
                  <AutoFit topology={graph.topology} anchor={anchor} mode={fitMode} nonce={fitNonce} userMoved={userMoved} onPartial={setPartial} />
                  <ZoomWatch onFar={setFar} />
                  <HeightWatch onShort={setShort} />
                  <ScrollToPan onMoved={markUserMoved} />
                </ReactFlow>
              </LabelClick.Provider>
            </GoneToggle.Provider>
          </PortClick.Provider>
        </Far.Provider>
      </TravellersOf.Provider>
    </div>
  );
}
