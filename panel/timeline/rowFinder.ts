/**
 * Finds the row of a message by its id, for the playback's marked row. Playback asks on every move (at
 * 16× a dozen times a second, thousands of rows apart; a seek tens of thousands).
 *
 * First near the last answer (a step, or a tick of a live log that leaves the row in place), then,
 * given the message's row time, where a binary search by time puts it: rows sorted by time, either
 * way, find it there in about 17 probes and a few rows around. Only when neither finds it (rows sorted
 * by another column, or times out of order) does it search outwards from the last answer, a row on
 * each side in turn, which costs about twice the rows moved over: a far seek through 100,000 rows
 * sorted by time read ~80,000 of them (in a CPU profile of bench/panel.mjs's nine seeks, 110 ms in all
 * went to this search before the time came into it). No index: a map of 100,000 ids cost a seek ~100 ms
 * to make.
 */
import type { TimelineRow } from './rows';

/** Rows looked at on each side of a first guess before the next way of finding. */
const NEAR = 64;

export class RowFinder {
  /** The last position found (kept when a message is not among the rows: the next is near it still). */
  private last = 0;
  /** Rows looked at, over every search (for tests). */
  looked = 0;

  /**
   * The position of the row of message `id` in `rows`, or -1. `t`: the row's time (MessageRow.t), when
   * known, for the binary search.
   */
  find(rows: readonly TimelineRow[], id: string, t?: number): number {
    let at = this.around(rows, this.last, id, NEAR);
    if (at < 0 && t !== undefined && rows.length > 4 * NEAR) {
      const guess = byTime(rows, t);
      if (guess >= 0) at = this.around(rows, guess, id, NEAR);
    }
    if (at < 0) at = this.around(rows, this.last, id, rows.length);
    if (at >= 0) this.last = at;
    return at;
  }

  /** Outwards from `from`, at most `reach` rows on each side. */
  private around(rows: readonly TimelineRow[], start: number, id: string, reach: number): number {
    const from = Math.max(0, Math.min(start, rows.length - 1));
    for (let d = 0; d <= reach && (from - d >= 0 || from + d < rows.length); d++) {
      if (this.is(rows[from + d], id)) return from + d;
      if (d > 0 && this.is(rows[from - d], id)) return from - d;
    }
    return -1;
  }

  private is(row: TimelineRow | undefined, id: string): boolean {
    if (row === undefined) return false;
    this.looked++;
    return row.kind === 'message' && row.message.id === id;
  }
}

/**
 * Where a row of time `t` stands in `rows` if they are sorted by time, ascending or descending (as their
 * ends say): the first row not before it. -1 when the ends say the rows are not in time order at all.
 */
function byTime(rows: readonly TimelineRow[], t: number): number {
  const first = rows[0]!.t;
  const last = rows[rows.length - 1]!.t;
  const ascending = first <= last;
  if (ascending ? t < first || t > last : t > first || t < last) return -1;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const rowT = rows[mid]!.t;
    if (ascending ? rowT < t : rowT > t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
