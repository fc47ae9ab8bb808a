/**
 * Finds the row of a message by its id, for the playback's marked row. Playback asks on every move (at
 * 16× a dozen times a second, thousands of rows apart; a seek tens of thousands).
 *
 * First among the 64 rows on each side of the last answer (a step, or a tick of a live log that leaves
 * the row in place). Then, given the row's time and more than 256 rows, where a binary search by time
 * puts it (rows in time order: ascending, the timeline's default, or descending, sorted by the Time
 * column): the rows of that time, and 64 on each side (which may read some of them again).
 * Only when neither finds it does it search outwards from the last answer, a row on each side in turn,
 * which costs about twice the rows moved over: rows sorted by another column, times out of order, or a
 * time that is not the row's (a live log's playback can be of an older model than its rows). Before
 * the time came into it, that outward search was 110 ms of bench/panel.mjs's nine seeks and 180 ms of
 * its 5 s at 16× (CPU profiles: a far seek through 100,000 rows read ~80,000 of them). No index: a map of
 * 100,000 ids cost a seek ~100 ms to make.
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
    let at = this.around(rows, this.last, id, 0, NEAR);
    if (at < 0 && t !== undefined && rows.length > 4 * NEAR) {
      const guess = byTime(rows, t);
      if (guess >= 0) {
        at = this.sameTime(rows, guess, id, t);
        if (at < 0) at = this.around(rows, guess, id, 0, NEAR);
      }
    }
    // The rest, beyond the rows looked at first around the last answer.
    if (at < 0) at = this.around(rows, this.last, id, NEAR + 1, rows.length);
    if (at >= 0) this.last = at;
    return at;
  }

  /** Outwards from `start`, from `skip` to `reach` rows away on each side. */
  private around(rows: readonly TimelineRow[], start: number, id: string, skip: number, reach: number): number {
    const from = Math.max(0, Math.min(start, rows.length - 1));
    for (let d = skip; d <= reach && (from - d >= 0 || from + d < rows.length); d++) {
      if (this.is(rows[from + d], id)) return from + d;
      if (d > 0 && this.is(rows[from - d], id)) return from - d;
    }
    return -1;
  }

  /** From `start` on, the rows of time `t` (a burst can put hundreds in one millisecond). */
  private sameTime(rows: readonly TimelineRow[], start: number, id: string, t: number): number {
    for (let i = start; i < rows.length && rows[i]!.t === t; i++) if (this.is(rows[i], id)) return i;
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
 * ends say): the first row not before it in that order. -1 when `t` is outside the ends' times.
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
