/**
 * The graph's node and edge shapes, its builder's interface and the constants that bound what it draws.
 * Types and constants only.
 */
import type { Edge, Node } from '@xyflow/react';
import type { CaptureModel } from '../../model/correlator';
import type { ChannelId, PortId, RealmId, Route } from '../../model/protocol';
import type { Focus, Selection } from '../viewState';
import { BOX_PAD, PORT_GAP, PORT_W } from './layout';
import type { RouteOf } from './travel';

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
  /** Set on a node that stands for a parent's many quiet live frames (crowdId). */
  crowd?: CrowdData;
}

/** A parent's quiet live frames drawn as one node (see CROWD_AT). */
export interface CrowdData {
  count: number;
  parent: RealmId;
  /** The parent's name as the graph shows it. */
  parentName: string;
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

/** A box with no chips (one array, so that boxes without ports compare equal). */
export const NO_CHIPS: readonly PortChipData[] = [];

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
  /** The drawn edge(s) a message travels along in this graph (folded and bundled ends included). */
  routeOf: RouteOf;
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
 * realms are drawn one by one only while they matter: the newest GONE_SHOWN of those that hold ports
 * or frames (the newest GONE_EXPANDED of any kind when the user expands the node), the focused realm
 * (or the focused port's holder) and the realms of the selected message. The rest are one node, "N gone realms": their ports' channels are drawn as
 * bundles to it and their frame and postMessage edges as one edge per drawn realm at the other end.
 */
export const GONE_REALM = '(gone)';
export const GONE_SHOWN = 3;
export const GONE_EXPANDED = 24;
/** The folded and crowd nodes' size (no port chips: a title and a button). */
export const GONE_SIZE = { width: 2 * BOX_PAD + 2 * PORT_W + PORT_GAP, height: 64 };

/**
 * A page that rotates ad slots keeps dozens of short-lived frames alive at once; drawn one by one their
 * boxes came and went on every redraw, and laying out and painting them were the longest tasks left in
 * frame churn. A *quiet* frame (an iframe that holds no port and has no realm below it; its window
 * messages are still drawn, as edges of the node it is drawn as) is drawn one by one while its parent
 * has at most CROWD_AT of them live. Beyond that they are one node per parent, "N iframes", which keeps
 * its place while they come and go, until they are down to CROWD_AT / 2 (so the graph does not change
 * shape every time one comes or goes at the threshold). Gone quiet frames go straight into the "N gone
 * realms" node once there are more than GONE_SHOWN gone realms. A focused or selected realm is always
 * drawn on its own.
 */
export const CROWD_AT = 6;
export const crowdId = (parent: RealmId): RealmId => `(iframes of ${parent})`;
