/**
 * One worker's batches as the background receives them from the worker recorder's binding (issue 13):
 * checked the way a content relay and the background check a frame's (envelope, size, one realm per
 * worker, sequence numbers in order), kept in a bounded buffer (extension/buffer.ts, the relays' own)
 * for panels that subscribe again, and routed like a frame's batches with `frameId` -1 and the
 * worker's place. The background is this worker's relay: no content script runs in a worker.
 */
import type { DroppedRange, FrameRef, WorkerPlace } from '../model/protocol';
import { decodeEnvelope } from '../model/bridge';
import { MAX_BATCH_CHARS, MAX_BATCH_EVENTS, type RoutedBatchText } from '../model/relay';
import { BatchBuffer, type BufferBounds, type RawBatch } from './buffer';
import type { WorkerTarget } from './workerDebugger';

/** What the debugging protocol calls a worker's type, in the model's words. */
export function workerPlace(target: WorkerTarget): WorkerPlace {
  const type = target.type === 'service_worker' ? 'serviceworker' : target.type === 'shared_worker' ? 'sharedworker' : 'worker';
  return { target: target.targetId, type, url: target.url, ...(target.parentTargetId !== undefined ? { parent: target.parentTargetId } : {}) };
}

export class WorkerStream {
  /** Set by the first accepted batch: a worker is one realm. */
  realm: string | null = null;
  private expectedSeq = 1;
  private readonly buffer: BatchBuffer;
  /** Ranges rejected here, by the first seq of the batch after them (kept for resends). */
  private readonly rejectedBefore = new Map<number, DroppedRange>();

  constructor(
    readonly tabId: number,
    readonly place: WorkerPlace,
    private readonly opener: () => FrameRef | undefined = () => undefined,
    bounds?: BufferBounds,
  ) {
    this.buffer = new BatchBuffer(bounds);
  }

  /** A binding payload: the batch to route to the panels, or why it was refused. A batch numbered
   *  past the next one expected follows batches refused here: the range between is a counted gap. */
  accept(payload: string): { routed: RoutedBatchText } | { error: string } {
    const envelope = decodeEnvelope(payload, MAX_BATCH_CHARS);
    if ('error' in envelope) return envelope;
    const { realm, first, last, json } = envelope;
    if (this.realm !== null && realm !== this.realm) return { error: `a batch of realm ${realm} from the worker of realm ${this.realm}` };
    if (last - first + 1 > MAX_BATCH_EVENTS) return { error: `a batch of ${last - first + 1} events, more than ${MAX_BATCH_EVENTS}` };
    if (first < this.expectedSeq) return { error: `a batch from seq ${first}, already past ${this.expectedSeq - 1}` };
    this.realm = realm;
    const raw: RawBatch = { first, last, json };
    const dropped: DroppedRange | undefined = first > this.expectedSeq ? { from: this.expectedSeq, to: first - 1, reason: 'batchRejected' } : undefined;
    if (dropped) this.rejectedBefore.set(first, dropped);
    this.expectedSeq = last + 1;
    // (Streamed at once: what the bound drops later is older than what the panels already have.)
    this.buffer.append(raw);
    return { routed: this.routed(raw, dropped) };
  }

  /** Every buffered batch holding a seq above `have` (a panel subscribing again), with the gaps before them. */
  batchesAfter(have: number): RoutedBatchText[] {
    return this.buffer.batchesFrom(have + 1).map((b) => this.routed(b.batch, b.dropped ?? this.rejectedBefore.get(b.batch.first)));
  }

  private routed(b: RawBatch, dropped: DroppedRange | undefined): RoutedBatchText {
    const opener = this.opener();
    return {
      tabId: this.tabId,
      frameId: -1,
      worker: this.place,
      ...(opener ? { opener } : {}),
      realm: this.realm!,
      first: b.first,
      last: b.last,
      json: b.json,
      ...(dropped ? { dropped } : {}),
    };
  }
}
