/**
 * The live entanglement graph: realms as boxes, ports inside the realm that holds them, channels and
 * realm-to-realm traffic as edges. What is drawn comes from `buildGraph.ts`; this file is React Flow
 * wiring, the node and edge components, and the legend.
 */
import '@xyflow/react/dist/style.css';
import './graph.css';
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type MouseEvent as ReactMouseEvent } from 'react';
import {
  Background,
  BaseEdge,
  ControlButton,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MiniMap,
  Panel,
  Position,
  ReactFlow,
  useReactFlow,
  useStore as useFlowStore,
  type EdgeProps,
  type EdgeTypes,
  type MiniMapNodeProps,
  type NodeProps,
  type NodeTypes,
} from '@xyflow/react';
import { useStore } from 'zustand';
import type { LogStore } from '../store';
import { shownModel, useLogVersion } from '../useLog';
import type { ViewStore } from '../viewState';
import { PULSE_MS, createGraphBuilder, edgeTitle, type GraphEdge, type GraphNode, type MoreNode, type PortNode, type PortState, type RealmNode } from './buildGraph';

// ── nodes ───────────────────────────────────────────────────────────────────

/** Invisible attachment points: left/right, as source and as target (ids used by buildGraph). */
function Handles() {
  return (
    <>
      <Handle id="lt" type="target" position={Position.Left} isConnectable={false} className="graph-handle" />
      <Handle id="ls" type="source" position={Position.Left} isConnectable={false} className="graph-handle" />
      <Handle id="rt" type="target" position={Position.Right} isConnectable={false} className="graph-handle" />
      <Handle id="rs" type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
    </>
  );
}

const RealmBox = memo(function RealmBox({ data, selected }: NodeProps<RealmNode>) {
  const cls = ['graph-realm', data.gone ? 'gone' : '', data.instrumented ? '' : 'uninstrumented', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-testid="graph-realm" data-realm={data.realm} data-kind={data.kind} title={data.title}>
      <div className="graph-realm-title">
        <span className="graph-realm-kind">{data.kind}</span>
        {data.label !== '' && <span className="graph-realm-url">{data.label}</span>}
        {data.gone && <span className="graph-realm-gone">gone</span>}
      </div>
      <Handles />
    </div>
  );
});

const STATE_ICON: Record<PortState, string> = { ok: '●', queued: '◷', failed: '✕', closed: '⊘', lost: '⚠' };

const PortChip = memo(function PortChip({ data, selected }: NodeProps<PortNode>) {
  return (
    <div
      className={`graph-port state-${data.state}${selected ? ' selected' : ''}${data.movedFrom !== undefined ? ' moved' : ''}`}
      data-testid="graph-port"
      data-port={data.port}
      data-state={data.state}
      title={data.title}
    >
      <span className="graph-port-icon" aria-hidden="true">
        {STATE_ICON[data.state]}
      </span>
      <span className="graph-port-label">{data.label}</span>
      {data.badge !== undefined && <span className="graph-port-badge">{data.badge}</span>}
      {data.movedFrom !== undefined && <span className="graph-port-moved">↪ {data.movedFrom}</span>}
      <Handles />
    </div>
  );
});

/** The ports of a realm beyond what its box shows, as one chip. */
const MoreChip = memo(function MoreChip({ data, selected }: NodeProps<MoreNode>) {
  const state = data.failed > 0 ? 'failed' : data.queued > 0 ? 'queued' : 'ok';
  return (
    <div className={`graph-port graph-more state-${state}${selected ? ' selected' : ''}`} data-testid="graph-more" data-realm={data.realm} title={data.title}>
      <span className="graph-port-label">+{data.hidden.toLocaleString('en-US')} ports</span>
      {data.failed + data.queued > 0 && <span className="graph-port-badge">{data.failed + data.queued}</span>}
      <Handles />
    </div>
  );
});

// Stable objects outside the component: React Flow warns (and re-mounts) when these change.
const nodeTypes: NodeTypes = { realm: RealmBox, port: PortChip, more: MoreChip };

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

const FlowEdge = memo(function FlowEdge(props: EdgeProps<GraphEdge>) {
  const { id, data, source, target, sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition, markerEnd, selected } = props;
  const onLabel = useContext(LabelClick);
  if (!data) return null;
  const [path, lx, ly] = flowPath(sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition, data.bend, data.self);
  const clickable = data.kind === 'channel' || data.kind === 'pair';
  return (
    <>
      <BaseEdge id={id} path={path} {...(markerEnd !== undefined ? { markerEnd } : {})} interactionWidth={12} />
      {data.label !== '' && (
        <EdgeLabelRenderer>
          <div
            className={`graph-edge-label nodrag nopan kind-${data.kind}${data.route !== undefined ? ` route-${data.route}` : ''}${data.hl ? ' hl' : ''}${selected ? ' selected' : ''}${clickable ? ' clickable' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
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
        </EdgeLabelRenderer>
      )}
    </>
  );
});

const edgeTypes: EdgeTypes = { flow: FlowEdge };

// ── minimap, legend, fitting ────────────────────────────────────────────────

const MINIMAP_SIZE = { width: 140, height: 96 };

/** Realm boxes only: a thousand port dots would cost more than they tell at that scale. */
function MiniNode({ id, x, y, width, height }: MiniMapNodeProps) {
  if (!id.startsWith('realm:')) return null;
  return <rect className="graph-mini-realm" x={x} y={y} width={width} height={height} rx={3} ry={3} />;
}

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
        </ul>
      </details>
    </Panel>
  );
}

/**
 * Fits the view on the first drawing, on every layout change and when the pane is resized, until the
 * user pans or zooms. The pane's size matters: the split panes settle their sizes after the first
 * render, and a fit made while the pane was still 0 px wide leaves the graph out of sight.
 */
function AutoFit({ topology, userMoved }: { topology: string; userMoved: { current: boolean } }) {
  const flow = useReactFlow();
  const size = useFlowStore((s) => `${Math.round(s.width)}x${Math.round(s.height)}`);
  useEffect(() => {
    if (topology === '' || userMoved.current || size.startsWith('0x') || size.endsWith('x0')) return;
    void flow.fitView({ padding: 0.12, maxZoom: 1.25, duration: 0 });
  }, [flow, topology, userMoved, size]);
  return null;
}

// ── the view ────────────────────────────────────────────────────────────────

export function GraphView({ store, view }: { store: LogStore; view: ViewStore }) {
  const version = useLogVersion(store);
  const focus = useStore(view, (s) => s.focus);
  const selection = useStore(view, (s) => s.selection);
  const builder = useMemo(() => createGraphBuilder(), []);
  // Bumped to drop expired pulse classes and after "re-layout".
  const [tick, redraw] = useReducer((n: number) => n + 1, 0);
  const userMoved = useRef(false);

  const graph = useMemo(
    () => builder.build(shownModel(store), { focus, selection }, performance.now()),
    // version and tick are the reasons to rebuild; the model itself is read from the store.
    [builder, store, version, focus, selection, tick],
  );

  useEffect(() => {
    if (!graph.pulsing) return;
    const t = setTimeout(redraw, PULSE_MS);
    return () => clearTimeout(t);
  }, [graph]);

  const onNodeClick = useCallback(
    (_: ReactMouseEvent, node: GraphNode) => {
      if (node.type === 'port') view.getState().focused({ kind: 'port', id: node.data.port });
      else if (node.type === 'more') view.getState().focused({ kind: 'realm', id: node.data.realm });
      else if (!node.data.placeholder) view.getState().focused({ kind: 'realm', id: node.data.realm });
    },
    [view],
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
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    // Programmatic moves (fitView) come without an event.
    if (event) userMoved.current = true;
  }, []);
  const relayout = useCallback(() => {
    builder.relayout();
    userMoved.current = false;
    redraw();
  }, [builder]);

  if (graph.empty) {
    return (
      <div className="graph graph-empty-host" data-testid="graph">
        <div className="graph-empty" data-testid="graph-empty">
          No realms yet. The graph fills in as the page creates channels, frames and workers.
        </div>
      </div>
    );
  }

  return (
    <div className={`graph${graph.highlighting ? ' highlighting' : ''}`} data-testid="graph">
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
          nodesDraggable={false}
          nodesConnectable={false}
          edgesReconnectable={false}
          deleteKeyCode={null}
          onlyRenderVisibleElements
          minZoom={0.05}
          maxZoom={2.5}
          attributionPosition="top-right"
        >
          <Background gap={16} size={1} />
          <Controls showInteractive={false} position="bottom-left">
            <ControlButton onClick={relayout} title="Lay the graph out afresh" aria-label="re-layout">
              ⟳
            </ControlButton>
          </Controls>
          <MiniMap nodeComponent={MiniNode} pannable zoomable position="bottom-right" ariaLabel="graph overview" style={MINIMAP_SIZE} />
          <Legend />
          <AutoFit topology={graph.topology} userMoved={userMoved} />
        </ReactFlow>
      </LabelClick.Provider>
    </div>
  );
}
