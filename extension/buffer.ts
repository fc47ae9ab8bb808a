/**
 * The relay's bounded buffer of one document's batches, oldest dropped first.
 *
 * Batches are kept as the recorder's JSON text (the relay runs on the page's thread and never parses
 * them), bounded by event count and by characters; what the bound drops is reported to the panel as a
 * dropped range. Appending and dropping cost O(1) per batch.
 */
import { RELAY_BUFFER_CHARS, RELAY_BUFFER_EVENTS } from '../model/relay';

export interface RawBatch {
  first: number;
  last: number;
  json: string;
}

export class BatchBuffer {
  private batches: RawBatch[] = [];
  private head = 0;
  private events = 0;
  private chars = 0;
  /** Highest seq ever dropped by the bound (0: none). */
  private droppedThrough = 0;

  constructor(
    private readonly maxEvents = RELAY_BUFFER_EVENTS,
    private readonly maxChars = RELAY_BUFFER_CHARS,
  ) {}

  /** Events held. */
  get size(): number {
    return this.events;
  }

  get oldestSeq(): number | undefined {
    return this.batches[this.head]?.first;
  }

  append(batch: RawBatch): void {
    this.batches.push(batch);
    this.events += batch.last - batch.first + 1;
    this.chars += batch.json.length;
    while ((this.events > this.maxEvents || this.chars > this.maxChars) && this.head < this.batches.length - 1) {
      const oldest = this.batches[this.head]!;
      this.head++;
      this.events -= oldest.last - oldest.first + 1;
      this.chars -= oldest.json.length;
      this.droppedThrough = oldest.last;
    }
    // Compact now and then so the array does not grow with every batch ever seen.
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  /** The range of seqs ≥ from that the bound already dropped, if any. */
  droppedBefore(from: number): { from: number; to: number } | undefined {
    return from <= this.droppedThrough ? { from, to: this.droppedThrough } : undefined;
  }

  /** Buffered batches holding any seq ≥ from, oldest first (whole batches: the panel drops repeats). */
  batchesFrom(from: number): RawBatch[] {
    const out: RawBatch[] = [];
    for (let i = this.head; i < this.batches.length; i++) {
      const b = this.batches[i]!;
      if (b.last >= from) out.push(b);
    }
    return out;
  }
}
