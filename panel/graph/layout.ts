/**
 * Where the graph's boxes go. Pure functions, no React.
 *
 * Realms are laid out by dagre as a tree (parent frame / creator → child, left to right); ports sit in
 * a grid inside their realm's box. Stability is the point: the graph is redrawn ten times a second
 * while the page runs, and a box that jumps is a box the developer loses. So:
 *
 * - a box's size depends only on its port *capacity*, which grows in steps (`capacityFor`): a new port
 *   usually fits and changes nothing in the realm layout;
 * - a port keeps its grid slot while its realm holds it; a newcomer takes the lowest free slot
 *   (`assignSlots`);
 * - `layoutRealms` keeps every realm that was placed before where it was and places only newcomers
 *   (a rank right of their nearest placed ancestor, as dagre's left-to-right tree would), moving them
 *   down past any box they would overlap. A realm whose box grew keeps its corner; boxes it now overlaps move down.
 *   Nothing ever overlaps. The full dagre layout is used as is only when there is no previous layout
 *   (first draw, or the user asked for a fresh one).
 */
import dagre from '@dagrejs/dagre';

// ── sizes (px, in flow coordinates) ─────────────────────────────────────────

export const PORT_W = 132;
export const PORT_H = 24;
export const PORT_GAP = 6;
export const BOX_PAD = 8;
export const BOX_HEADER = 26;
/** Vertical space between boxes that were moved apart because they would overlap. */
export const BOX_MARGIN = 16;

const RANKSEP = 70;
const NODESEP = 24;

/** Room for `n` ports: 0, then 6, 12, 18, 24, then about ×1.5 each step (36, 54, 84, …). */
export function capacityFor(n: number): number {
  if (n <= 0) return 0;
  let c = 6;
  while (c < n) c += c < 24 ? 6 : 6 * Math.ceil(c / 12);
  return c;
}

/** Grid columns for a capacity: two up to 24 ports (boxes only grow taller), then roughly square. */
export function columnsFor(capacity: number): number {
  return capacity <= 24 ? 2 : Math.ceil(Math.sqrt(capacity / 2));
}

export interface Size {
  width: number;
  height: number;
}

export function boxSize(capacity: number): Size {
  const cols = columnsFor(capacity);
  const rows = Math.ceil(capacity / cols);
  const width = 2 * BOX_PAD + cols * PORT_W + (cols - 1) * PORT_GAP;
  const grid = rows > 0 ? rows * PORT_H + (rows - 1) * PORT_GAP + BOX_PAD : 0;
  return { width, height: BOX_HEADER + grid + BOX_PAD };
}

/** A port's top-left corner inside its box. */
export function slotPosition(slot: number, capacity: number): { x: number; y: number } {
  const cols = columnsFor(capacity);
  const col = slot % cols;
  const row = Math.floor(slot / cols);
  return { x: BOX_PAD + col * (PORT_W + PORT_GAP), y: BOX_HEADER + BOX_PAD + row * (PORT_H + PORT_GAP) };
}

// ── port slots ──────────────────────────────────────────────────────────────

export interface Slot {
  realm: string;
  slot: number;
}

export interface SlotAssignment {
  slots: ReadonlyMap<string, Slot>;
  /** Per realm, one more than the highest slot in use (what its capacity must cover). */
  extent: ReadonlyMap<string, number>;
}

/**
 * Grid slots for ports held by realms, `ports` in order of first appearance. A port still held by the
 * realm it had a slot in keeps it; the others take the lowest free slot of their holder, in order.
 */
export function assignSlots(
  ports: readonly { id: string; realm: string }[],
  previous: ReadonlyMap<string, Slot> | null,
): SlotAssignment {
  const slots = new Map<string, Slot>();
  const used = new Map<string, Set<number>>();
  const usedIn = (realm: string): Set<number> => {
    let s = used.get(realm);
    if (!s) used.set(realm, (s = new Set()));
    return s;
  };
  for (const p of ports) {
    const prev = previous?.get(p.id);
    if (prev && prev.realm === p.realm) {
      slots.set(p.id, prev);
      usedIn(p.realm).add(prev.slot);
    }
  }
  const nextFree = new Map<string, number>();
  for (const p of ports) {
    if (slots.has(p.id)) continue;
    const taken = usedIn(p.realm);
    let i = nextFree.get(p.realm) ?? 0;
    while (taken.has(i)) i++;
    taken.add(i);
    nextFree.set(p.realm, i + 1);
    slots.set(p.id, { realm: p.realm, slot: i });
  }
  const extent = new Map<string, number>();
  for (const [realm, taken] of used) {
    let max = -1;
    for (const i of taken) if (i > max) max = i;
    extent.set(realm, max + 1);
  }
  return { slots, extent };
}

// ── realm boxes ─────────────────────────────────────────────────────────────

export interface RealmBox extends Size {
  id: string;
  /** Parent frame's realm, or a worker's creator; ignored when it is not among the boxes. */
  parent?: string;
}

export interface Placed extends Size {
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface RealmLayout {
  /** What the layout was computed from (`topologyKey`). */
  key: string;
  boxes: ReadonlyMap<string, Placed>;
}

/** Everything the realm layout depends on: ids, parents, box sizes. Equal keys, equal layouts. */
export function topologyKey(boxes: readonly RealmBox[]): string {
  return JSON.stringify(boxes.map((b) => [b.id, b.parent ?? null, b.width, b.height]));
}

/** Dagre's layout of the realm tree, as top-left corners. */
export function dagreLayout(boxes: readonly RealmBox[]): Map<string, Placed> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', ranksep: RANKSEP, nodesep: NODESEP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(boxes.map((b) => b.id));
  for (const b of boxes) g.setNode(b.id, { width: b.width, height: b.height });
  for (const b of boxes) if (b.parent !== undefined && b.parent !== b.id && ids.has(b.parent)) g.setEdge(b.parent, b.id);
  dagre.layout(g);
  const out = new Map<string, Placed>();
  for (const b of boxes) {
    const n = g.node(b.id) as { x?: number; y?: number } | undefined;
    out.set(b.id, { x: (n?.x ?? 0) - b.width / 2, y: (n?.y ?? 0) - b.height / 2, width: b.width, height: b.height });
  }
  return out;
}

const overlaps = (a: Placed, b: Placed): boolean =>
  a.x < b.x + b.width + BOX_MARGIN &&
  b.x < a.x + a.width + BOX_MARGIN &&
  a.y < b.y + b.height + BOX_MARGIN &&
  b.y < a.y + a.height + BOX_MARGIN;

/** Moves `box` down past every settled box it overlaps (y only grows, so this ends), then settles it.
 *  Only the settled boxes in its column can be in the way (x never changes): they are picked once. */
function settle(box: Placed, settled: Placed[]): Placed {
  const column = settled.filter((s) => box.x < s.x + s.width + BOX_MARGIN && s.x < box.x + box.width + BOX_MARGIN);
  let moved = column.length > 0;
  while (moved) {
    moved = false;
    for (const s of column) {
      if (overlaps(box, s)) {
        box.y = s.y + s.height + BOX_MARGIN;
        moved = true;
      }
    }
  }
  settled.push(box);
  return box;
}

/**
 * The realm layout for `boxes` (in order of first appearance), keeping `previous` as far as it can
 * (see the module comment). Returns `previous` itself when the topology key is unchanged.
 *
 * Cost: dagre runs only when there is no previous layout. After that a change costs O(boxes) plus, per
 * newcomer or grown box, a pass over the boxes in its column: a realm that comes and goes costs the
 * same after an hour as in the first minute (a page churning ad frames laid out the whole tree with
 * dagre, and compared every box with every other, for every new frame: tasks of tens of seconds).
 * Boxes that left (gone realms folded away) leave a hole; "re-layout" closes the holes.
 */
export function layoutRealms(boxes: readonly RealmBox[], previous: RealmLayout | null): RealmLayout {
  const key = topologyKey(boxes);
  if (previous?.key === key) return previous;
  const before = previous?.boxes;
  const kept = before ? boxes.filter((b) => before.has(b.id)) : [];
  if (!before || kept.length === 0) return { key, boxes: dagreLayout(boxes) };

  const out = new Map<string, Placed>();
  const settled: Placed[] = [];
  const grew = (b: RealmBox): boolean => {
    const p = before.get(b.id);
    return p !== undefined && (p.width !== b.width || p.height !== b.height);
  };
  // Grown boxes settle first so that they keep their corner and push their neighbours, not the other
  // way round: the box that changed stays under the developer's eye. The other kept boxes did not
  // overlap one another before; one stays put unless a box that grew or moved is now in its way.
  const moved: Placed[] = [];
  for (const b of kept) {
    if (!grew(b)) continue;
    const p = before.get(b.id)!;
    const box = settle({ x: p.x, y: p.y, width: b.width, height: b.height }, settled);
    moved.push(box);
    out.set(b.id, box);
  }
  for (const b of kept) {
    if (out.has(b.id)) continue;
    const p = before.get(b.id)!;
    const box: Placed = { x: p.x, y: p.y, width: b.width, height: b.height };
    if (moved.some((m) => overlaps(box, m))) {
      settle(box, settled);
      if (box.y !== p.y) moved.push(box);
    } else settled.push(box);
    out.set(b.id, box);
  }

  const byId = new Map(boxes.map((b) => [b.id, b]));
  const placedAncestor = (b: RealmBox): string | undefined => {
    const seen = new Set<string>([b.id]);
    for (let p = b.parent; p !== undefined && !seen.has(p); p = byId.get(p)?.parent) {
      if (out.has(p)) return p;
      seen.add(p);
    }
    return undefined;
  };
  const depth = (b: RealmBox): number => {
    const seen = new Set<string>([b.id]);
    let d = 0;
    for (let p = b.parent; p !== undefined && byId.has(p) && !seen.has(p); p = byId.get(p)?.parent) {
      seen.add(p);
      d++;
    }
    return d;
  };
  // The drawing's left edge and bottom, for new roots (kept up to date as boxes settle).
  let left = Infinity;
  let bottom = -Infinity;
  for (const s of settled) {
    left = Math.min(left, s.x);
    bottom = Math.max(bottom, s.y + s.height);
  }
  // Parents before children, so that a new subtree hangs off its new root; stable within a depth.
  const newcomers = boxes.filter((b) => !before.has(b.id)).map((b) => ({ b, d: depth(b) }));
  newcomers.sort((x, y) => x.d - y.d);
  for (const { b } of newcomers) {
    const anchor = placedAncestor(b);
    const a = anchor !== undefined ? out.get(anchor) : undefined;
    // Where dagre's left-to-right tree would put it: a rank right of its nearest placed ancestor, at
    // the ancestor's top, then down past the siblings already there.
    const box: Placed = a ? { x: a.x + a.width + RANKSEP, y: a.y, width: b.width, height: b.height } : { x: left, y: bottom + BOX_MARGIN, width: b.width, height: b.height };
    settle(box, settled);
    left = Math.min(left, box.x);
    bottom = Math.max(bottom, box.y + box.height);
    out.set(b.id, box);
  }
  // Same order as the input, whatever order they settled in.
  const ordered = new Map<string, Placed>();
  for (const b of boxes) {
    const p = out.get(b.id);
    if (p) ordered.set(b.id, p);
  }
  return { key, boxes: ordered };
}
