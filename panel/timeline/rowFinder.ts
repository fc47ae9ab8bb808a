/**
 * Finds the row of a message by its id, for the playback's marked row. Playback asks on every move (at
 * 16× a dozen times a second, thousands of rows apart), and a search from the first row was ~5 ms of
 * each move with 100,000 rows. The search starts where the last answer was: around it first (a step
 * either way, a tick of a live log that leaves the row in place), then onwards (playback goes forward),
 * then from the top. No index: a map of 100,000 ids cost a seek ~100 ms to make.
 */
import type { TimelineRow } from './rows';

/** How far around the last answer a search looks before it looks onwards. */
export const NEAR_ROWS = 64;

export class RowFinder {
  private last = -1;
  /** Rows looked at, over every search (for tests). */
  looked = 0;

  /** The position of the row of message `id` in `rows`, or -1. */
  find(rows: readonly TimelineRow[], id: string): number {
    this.last = this.search(rows, id);
    return this.last;
  }

  private search(rows: readonly TimelineRow[], id: string): number {
    const from = Math.min(this.last, rows.length - 1);
    if (from < 0) {
      for (let i = 0; i < rows.length; i++) if (this.is(rows[i], id)) return i;
      return -1;
    }
    for (let d = 0; d <= NEAR_ROWS; d++) {
      if (this.is(rows[from + d], id)) return from + d;
      if (d > 0 && this.is(rows[from - d], id)) return from - d;
    }
    for (let i = from + NEAR_ROWS + 1; i < rows.length; i++) if (this.is(rows[i], id)) return i;
    for (let i = 0; i < Math.min(rows.length, from - NEAR_ROWS); i++) if (this.is(rows[i], id)) return i;
    return -1;
  }

  private is(row: TimelineRow | undefined, id: string): boolean {
    if (row === undefined) return false;
    this.looked++;
    return row.kind === 'message' && row.message.id === id;
  }
}
