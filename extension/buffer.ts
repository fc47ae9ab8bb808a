/**
 * The relay's bounded buffer of one document's batches.
 *
 * Batches are kept as the recorder's JSON text (the relay runs on the page's thread and never parses
 * them), bounded by event count and by characters, with one of two bounds:
 * - `full` (a panel listens or did, or the relay does not know yet): RELAY_BUFFER_*, oldest batches
 *   dropped first (`relayBufferFull`);
 * - `small` (no panel ever listened for the tab): the document's first batches (the head, which a late
 *   panel needs to see how the document started) and its newest ones (the tail), each within
 *   UNWATCHED_*; the batches between are dropped as one range (`unwatched`).
 * The head is the run of first batches that fit its bound, whatever the bound in force, so a switch to
 * `small` keeps the document's start. Every dropped range is reported to the panel before the first
 * kept batch after it. Appending and dropping cost O(1) per batch.
 */
import type { DroppedRange } from '../model/protocol';
import {
  RELAY_BUFFER_CHARS,
  RELAY_BUFFER_EVENTS,
  UNWATCHED_HEAD_CHARS,
  UNWATCHED_HEAD_EVENTS,
  UNWATCHED_TAIL_CHARS,
  UNWATCHED_TAIL_EVENTS,
} from '../model/relay';

export interface RawBatch {
  first: number;
  last: number;
  json: string;
}

/** A buffered batch and the range dropped just before it that the receiver has not been told of. */
export interface BufferedBatch {
  batch: RawBatch;
  dropped?: DroppedRange;
}

export interface Bound {
  events: number;
  chars: number;
}

export interface BufferBounds {
  full: Bound;
  head: Bound;
  tail: Bound;
}

export const DEFAULT_BOUNDS: BufferBounds = {
  full: { events: RELAY_BUFFER_EVENTS, chars: RELAY_BUFFER_CHARS },
  head: { events: UNWATCHED_HEAD_EVENTS, chars: UNWATCHED_HEAD_CHARS },
  tail: { events: UNWATCHED_TAIL_EVENTS, chars: UNWATCHED_TAIL_CHARS },
};

export type BufferMode = 'full' | 'small';

const eventsOf = (b: RawBatch): number => b.last - b.first + 1;

/** Batches in order with their event and character totals; shifting is O(1) (amortised). */
class BatchQueue {
  private items: (RawBatch | undefined)[] = [];
  private start = 0;
  events = 0;
  chars = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  at(i: number): RawBatch | undefined {
    return this.items[this.start + i];
  }

  get newest(): RawBatch | undefined {
    return this.length > 0 ? this.items[this.items.length - 1] : undefined;
  }

  push(b: RawBatch): void {
    this.items.push(b);
    this.events += eventsOf(b);
    this.chars += b.json.length;
  }

  shift(): RawBatch {
    const b = this.items[this.start]!;
    // Let go of it now: a dropped batch must not stay reachable until the next compaction.
    this.items[this.start++] = undefined;
    this.events -= eventsOf(b);
    this.chars -= b.json.length;
    // Compact now and then so the array does not grow with every batch ever seen.
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return b;
  }
}

export class BatchBuffer {
  private readonly head = new BatchQueue();
  private readonly tail = new BatchQueue();
  /** New batches still join the head (none has failed to fit yet). */
  private headOpen = true;
  private mode: BufferMode = 'full';
  /** What the bounds dropped, in seq order, disjoint, each one before some kept batch: at most a
   *  prefix (`relayBufferFull`) and a range between head and tail (`unwatched`). */
  private gaps: DroppedRange[] = [];

  constructor(private readonly bounds: BufferBounds = DEFAULT_BOUNDS) {}

  /** Events held. */
  get size(): number {
    return this.head.events + this.tail.events;
  }

  /** Characters of batch JSON held. */
  get chars(): number {
    return this.head.chars + this.tail.chars;
  }

  get oldestSeq(): number | undefined {
    return (this.head.at(0) ?? this.tail.at(0))?.first;
  }

  append(batch: RawBatch): void {
    const h = this.bounds.head;
    if (this.headOpen && this.head.events + eventsOf(batch) <= h.events && this.head.chars + batch.json.length <= h.chars) this.head.push(batch);
    else {
      this.headOpen = false;
      this.tail.push(batch);
    }
    this.enforce();
  }

  /** Switches bound; to `small` drops the batches between head and tail at once. */
  setBound(mode: BufferMode): void {
    this.mode = mode;
    this.enforce();
  }

  private enforce(): void {
    if (this.mode === 'full') {
      const { events, chars } = this.bounds.full;
      // Always keep the newest batch.
      while ((this.size > events || this.chars > chars) && this.head.length + this.tail.length > 1) this.dropOldest();
    } else {
      const { events, chars } = this.bounds.tail;
      while ((this.tail.events > events || this.tail.chars > chars) && this.tail.length > 1) this.dropTailOldest();
    }
  }

  /** The full bound drops the oldest batch: everything before the oldest kept batch is now one
   *  `relayBufferFull` range (what the full bound alone would also have dropped by now). */
  private dropOldest(): void {
    const b = this.head.length > 0 ? this.head.shift() : this.tail.shift();
    const from = this.gaps[0] && this.gaps[0].from < b.first ? this.gaps[0].from : b.first;
    const oldestKept = this.head.at(0) ?? this.tail.at(0);
    const to = oldestKept ? oldestKept.first - 1 : b.last;
    this.gaps = [{ from, to, reason: 'relayBufferFull' }, ...this.gaps.filter((g) => g.from > to)];
  }

  /** The small bound drops the tail's oldest batch: it joins the range just before it (there is no
   *  kept batch between them), or starts the `unwatched` range after the head. */
  private dropTailOldest(): void {
    const b = this.tail.shift();
    const last = this.gaps[this.gaps.length - 1];
    const headEnd = this.head.newest?.last ?? -Infinity;
    // A range before it is extended with its reason: `relayBufferFull` only when the full bound had
    // already emptied the head before the small bound was chosen (far more than the head's worth of
    // events before the background answered).
    if (last && last.from > headEnd) this.gaps[this.gaps.length - 1] = { ...last, to: b.last };
    else this.gaps.push({ from: b.first, to: b.last, reason: 'unwatched' });
  }

  /**
   * Buffered batches holding any seq ≥ from, oldest first (whole batches: the panel drops repeats),
   * each with the dropped range (clipped to ≥ from) between it and the batch before it.
   */
  batchesFrom(from: number): BufferedBatch[] {
    const out: BufferedBatch[] = [];
    let g = 0;
    const take = (b: RawBatch): void => {
      let dropped: DroppedRange | undefined;
      for (; g < this.gaps.length && this.gaps[g]!.from < b.first; g++) {
        const gap = this.gaps[g]!;
        if (gap.to < from) continue;
        // Two ranges before one batch (see dropTailOldest): one range, the newer reason.
        dropped = { from: dropped?.from ?? Math.max(gap.from, from), to: gap.to, reason: gap.reason };
      }
      if (b.last >= from) out.push(dropped ? { batch: b, dropped } : { batch: b });
    };
    for (let i = 0; i < this.head.length; i++) take(this.head.at(i)!);
    for (let i = 0; i < this.tail.length; i++) take(this.tail.at(i)!);
    return out;
  }
}
