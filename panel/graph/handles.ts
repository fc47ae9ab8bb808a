/**
 * Where a realm box's handles are, worked out from its layout instead of measured by React Flow.
 *
 * React Flow finds a node's handles by measuring its element: a forced style and layout of the graph,
 * then a store update that every node and edge re-reads. It does that for every node whose object
 * changed and has no handle bounds, and again for every node we name in `updateNodeInternals` (needed
 * when chips move inside a box that did not resize). A playback seek changes the chips of most boxes,
 * and that measuring was the largest task of a seek (bench/panel.mjs). A node that carries `handles`
 * is measured by React Flow only when its element mounts or resizes (its resize observer); a changed
 * node object brings its handles, which React Flow takes as its handle bounds without looking at the
 * DOM.
 *
 * The geometry below is graph.css's (and panel.css's `* { box-sizing: border-box }`): a realm box and
 * a chip each have a 1 px border, chips are absolutely placed in the box's padding box at the chip's
 * x/y, and a handle is 1 × 1 px, untransformed, at `left: 0` or `right: 0` and `top: 50%` of its
 * container's padding box. The "N gone realms" node has its "+N" handles (where the bundles of the
 * gone realms' channels end) on the box itself, not on a chip.
 * A real-browser test (test/browser/graphHandles.test.ts) compares these with the handles' measured
 * places, so a change of the CSS that moves them fails there.
 */
import { Position, type NodeHandle } from '@xyflow/react';
import type { PortId } from '../../model/protocol';
import { MORE_CHIP, portHandle, type ChipPlace } from './graphTypes';
import { PORT_H, PORT_W } from './layout';

/** graph.css: `.graph-realm` and `.graph-port` borders. */
const BOX_BORDER = 1;
const CHIP_BORDER = 1;
/** graph.css: `.graph .graph-handle`. */
const HANDLE_PX = 1;

interface Chip extends Pick<ChipPlace, 'x' | 'y'> {
  port: PortId;
}

/** The two handles (`l`, `r`) on the sides of a padding box at (x, y) of size w × h. */
function sides(ids: readonly [string, string], x: number, y: number, w: number, h: number, into: NodeHandle[]): void {
  const top = y + h / 2;
  into.push(
    { id: ids[0], type: 'source', position: Position.Left, x, y: top, width: HANDLE_PX, height: HANDLE_PX },
    { id: ids[1], type: 'source', position: Position.Right, x: x + w - HANDLE_PX, y: top, width: HANDLE_PX, height: HANDLE_PX },
  );
}

/**
 * Every handle of a box `width` × `height` with these chips (and the "+N ports" chip): the box's own
 * `l`/`r`, and `<port>|l`, `<port>|r` for each chip, relative to the node's top-left corner. `folded`:
 * the "N gone realms" node, whose `+more|l`/`+more|r` are on the box.
 */
export function boxHandles(width: number, height: number, chips: readonly Chip[], more?: Pick<ChipPlace, 'x' | 'y'>, folded = false): NodeHandle[] {
  const handles: NodeHandle[] = [];
  const onBox = (ids: readonly [string, string]): void => sides(ids, BOX_BORDER, BOX_BORDER, width - 2 * BOX_BORDER, height - 2 * BOX_BORDER, handles);
  onBox(['l', 'r']);
  if (folded) onBox([portHandle(MORE_CHIP, 'l'), portHandle(MORE_CHIP, 'r')]);
  const chip = (id: string, x: number, y: number): void =>
    sides([portHandle(id, 'l'), portHandle(id, 'r')], BOX_BORDER + x + CHIP_BORDER, BOX_BORDER + y + CHIP_BORDER, PORT_W - 2 * CHIP_BORDER, PORT_H - 2 * CHIP_BORDER, handles);
  for (const c of chips) chip(c.port, c.x, c.y);
  if (more) chip(MORE_CHIP, more.x, more.y);
  return handles;
}
