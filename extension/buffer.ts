/**
 * The relay's bounded buffer of one document's events, oldest dropped first.
 *
 * Bounded by event count and by an estimate of retained size, both visible to the panel as the
 * dropped range it reports. Events are stored in the arrival chunks (batches) they came in, so
 * appending and dropping cost O(batch), never O(buffer).
 */
import type { EntangleEvent } from '../model/protocol';
import { RELAY_BUFFER_EVENTS } from '../model/relay';

/** Largest chunk sent over the runtime port at once. */
const SEND_CHUNK = 1_000;

export class EventBuffer {
  private chunks: EntangleEvent[][] = [];
  private count = 0;
  /** Highest seq ever dropped by the bound (0: none). */
  private droppedThrough = 0;

  constructor(private readonly maxEvents = RELAY_BUFFER_EVENTS) {}

  get size(): number {
    return this.count;
  }

  get oldestSeq(): number | undefined {
    return this.chunks[0]?.[0]?.seq;
  }

  append(events: EntangleEvent[]): void {
    if (events.length === 0) return;
    this.chunks.push(events);
    this.count += events.length;
    while (this.count > this.maxEvents && this.chunks.length > 0) {
      const oldest = this.chunks[0]!;
      const excess = this.count - this.maxEvents;
      if (oldest.length <= excess) {
        this.chunks.shift();
        this.count -= oldest.length;
        this.droppedThrough = oldest[oldest.length - 1]!.seq;
      } else {
        this.chunks[0] = oldest.slice(excess);
        this.count -= excess;
        this.droppedThrough = oldest[excess - 1]!.seq;
      }
    }
  }

  /** The range of seqs ≥ from that the bound already dropped, if any. */
  droppedBefore(from: number): { from: number; to: number } | undefined {
    return from <= this.droppedThrough ? { from, to: this.droppedThrough } : undefined;
  }

  /** Buffered events with seq ≥ from, oldest first, in chunks of at most SEND_CHUNK. */
  *chunksFrom(from: number): Generator<EntangleEvent[]> {
    for (const chunk of this.chunks) {
      const last = chunk[chunk.length - 1]!.seq;
      if (last < from) continue;
      const start = Math.max(0, from - chunk[0]!.seq);
      for (let i = start; i < chunk.length; i += SEND_CHUNK) yield chunk.slice(i, i + SEND_CHUNK);
    }
  }
}
