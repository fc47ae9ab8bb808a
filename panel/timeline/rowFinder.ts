/**
 * Finds the row of a message by its id, for the playback's marked row. Playback asks on every move (at
 * 16× a dozen times a second, thousands of rows apart), and a search from the first row was ~5 ms of
 * each move with 100,000 rows. The search goes outwards from the last answer, a row on each side in
 * turn: a step, a tick of a live log that leaves the row in place, or a move of playback (up the rows
 * or down, as the sort has them) costs about twice the rows moved over. No index: a map of 100,000 ids
 * cost a seek ~100 ms to make.
 */
import type { TimelineRow } from './rows';

export class RowFinder {
  /** The last position found (kept when a message is not among the rows: the next is near it still). */
  private last = 0;
  /** Rows looked at, over every search (for tests). */
  looked = 0;

  /** The position of the row of message `id` in `rows`, or -1. */
  find(rows: readonly TimelineRow[], id: string): number {
    const from = Math.max(0, Math.min(this.last, rows.length - 1));
    for (let d = 0; from - d >= 0 || from + d < rows.length; d++) {
      if (this.is(rows[from + d], id)) return (this.last = from + d);
      if (d > 0 && this.is(rows[from - d], id)) return (this.last = from - d);
    }
    return -1;
  }

  private is(row: TimelineRow | undefined, id: string): boolean {
    if (row === undefined) return false;
    this.looked++;
    return row.kind === 'message' && row.message.id === id;
  }
}
