/**
 * Which element (React key: a slot number) draws each visible timeline row.
 *
 * A row scrolled in takes the elements of one scrolled out, so a scroll updates a few text nodes per
 * row instead of removing and creating a dozen elements (the wheel's pace: a few rows a frame). Rows
 * that stay keep their slots. But the DOM order must be the visual order (screen readers and row
 * navigation read it), so each slot handed from the top to the bottom is an element React moves, and a
 * moved element's layout objects are made again. When most rows change at once — following a flood of
 * messages, a playback tick — keeping slots would move most elements: then the slots keep their DOM
 * order instead, each drawing the row now at its place, and nothing moves (a trace of frame churn: the
 * largest layouts halved when nothing moved).
 */
export interface RowSlots {
  /** Row position (in the timeline's rows) → slot. */
  readonly byRow: ReadonlyMap<number, number>;
  /** The slots in drawing (DOM) order. */
  readonly order: readonly number[];
}

/** Slots for the rows `rows` (positions, in drawing order), after `previous`. */
export function rowSlots(rows: readonly number[], previous: RowSlots | null): RowSlots {
  const byRow = new Map<number, number>();
  let kept = 0;
  if (previous) for (const r of rows) if (previous.byRow.has(r)) kept++;
  const used = new Set<number>();
  if (previous && kept * 2 < rows.length) {
    // Most rows are new: the elements stay in their order, each drawing the row now at its place.
    const n = Math.min(rows.length, previous.order.length);
    for (let i = 0; i < n; i++) {
      byRow.set(rows[i] as number, previous.order[i] as number);
      used.add(previous.order[i] as number);
    }
  } else if (previous) {
    for (const r of rows) {
      const s = previous.byRow.get(r);
      if (s !== undefined) {
        byRow.set(r, s);
        used.add(s);
      }
    }
  }
  // The rest take the lowest free slots, in order.
  let free = 0;
  const order: number[] = [];
  for (const r of rows) {
    let s = byRow.get(r);
    if (s === undefined) {
      while (used.has(free)) free++;
      s = free;
      used.add(s);
      byRow.set(r, s);
    }
    order.push(s);
  }
  return { byRow, order };
}
