/**
 * Finds the row of a message by its id, for the playback's marked row. Playback asks on every move (at
 * 16× a dozen times a second, thousands of rows apart), and a search of every row was ~5 ms of each
 * move with 100,000 rows. Rows that stay the same (an opened capture, a paused log) get an index, made
 * on the second search of theirs that the neighbourhood of the last answer does not settle; rows that
 * change on every view tick (a live log) are searched near the last answer first, where a step or a
 * tick of the log leaves the row, and in full otherwise.
 */
import type { TimelineRow } from './rows';

/** How far around the last answer a search looks before it looks further. */
export const NEAR_ROWS = 64;

export class RowFinder {
  private rows: readonly TimelineRow[] | null = null;
  private last = -1;
  private misses = 0;
  private index: Map<string, number> | null = null;
  /** How many indexes were made (for tests). */
  indexesMade = 0;

  /** The position of the row of message `id` in `rows`, or -1. */
  find(rows: readonly TimelineRow[], id: string): number {
    if (rows !== this.rows) {
      this.rows = rows;
      this.misses = 0;
      this.index = null;
    }
    if (this.index !== null) return (this.last = this.index.get(id) ?? -1);
    const near = nearby(rows, id, this.last);
    if (near >= 0) return (this.last = near);
    if (++this.misses >= 2) {
      this.index = indexOf(rows);
      this.indexesMade++;
      return (this.last = this.index.get(id) ?? -1);
    }
    return (this.last = rows.findIndex((r) => isMessageRow(r, id)));
  }
}

const isMessageRow = (row: TimelineRow | undefined, id: string): boolean => row !== undefined && row.kind === 'message' && row.message.id === id;

/** The position of message `id` within NEAR_ROWS of `from` (after it first: playback goes forward), or -1. */
function nearby(rows: readonly TimelineRow[], id: string, from: number): number {
  if (from < 0) return -1;
  for (let d = 0; d <= NEAR_ROWS; d++) {
    if (isMessageRow(rows[from + d], id)) return from + d;
    if (d > 0 && isMessageRow(rows[from - d], id)) return from - d;
  }
  return -1;
}

function indexOf(rows: readonly TimelineRow[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.kind === 'message') index.set(row.message.id, i);
  }
  return index;
}
