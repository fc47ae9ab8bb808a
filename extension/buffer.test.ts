import { describe, expect, it } from 'vitest';
import { BatchBuffer, type BufferBounds, type BufferedBatch, type RawBatch } from './buffer';

const batch = (first: number, last: number, chars = 10): RawBatch => ({ first, last, json: 'x'.repeat(chars) });
const ranges = (bs: BufferedBatch[]) => bs.map((b) => [b.batch.first, b.batch.last]);
/** Each batch as `first-last`, preceded by its dropped range as `[from-to reason]`. */
const spans = (bs: BufferedBatch[]) =>
  bs.flatMap(({ batch: b, dropped: d }) => [...(d ? [`[${d.from}-${d.to} ${d.reason}]`] : []), `${b.first}-${b.last}`]);

const bounds = (full: [number, number], head: [number, number] = [4, 1_000], tail: [number, number] = [4, 1_000]): BufferBounds => ({
  full: { events: full[0], chars: full[1] },
  head: { events: head[0], chars: head[1] },
  tail: { events: tail[0], chars: tail[1] },
});

describe('BatchBuffer, full bound', () => {
  it('returns the batches holding any seq from a given one, in order', () => {
    const b = new BatchBuffer(bounds([100, 1_000]));
    b.append(batch(1, 5));
    b.append(batch(6, 9));
    expect(ranges(b.batchesFrom(4))).toEqual([[1, 5], [6, 9]]);
    expect(ranges(b.batchesFrom(6))).toEqual([[6, 9]]);
    expect(b.batchesFrom(10)).toEqual([]);
    expect(b.batchesFrom(1).some((x) => x.dropped)).toBe(false);
  });

  it('drops the oldest batches beyond its event bound and reports the dropped range', () => {
    const b = new BatchBuffer(bounds([10, 1_000]));
    b.append(batch(1, 6));
    b.append(batch(7, 10));
    b.append(batch(11, 14));
    expect(b.size).toBe(8);
    expect(b.oldestSeq).toBe(7);
    expect(spans(b.batchesFrom(1))).toEqual(['[1-6 relayBufferFull]', '7-10', '11-14']);
    expect(spans(b.batchesFrom(3))).toEqual(['[3-6 relayBufferFull]', '7-10', '11-14']);
    expect(spans(b.batchesFrom(7))).toEqual(['7-10', '11-14']);
  });

  it('drops by characters too, but always keeps the newest batch', () => {
    const b = new BatchBuffer(bounds([1_000, 25]));
    b.append(batch(1, 1, 10));
    b.append(batch(2, 2, 10));
    b.append(batch(3, 3, 10));
    expect(ranges(b.batchesFrom(1))).toEqual([[2, 2], [3, 3]]);
    b.append(batch(4, 4, 100));
    expect(spans(b.batchesFrom(1))).toEqual(['[1-3 relayBufferFull]', '4-4']);
  });

  it('stays correct across internal compaction', () => {
    const b = new BatchBuffer(bounds([10, 1e9]));
    for (let i = 1; i <= 5_000; i++) b.append(batch(i, i));
    expect(b.size).toBe(10);
    expect(ranges(b.batchesFrom(1)).map((r) => r[0])).toEqual([4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000]);
    expect(b.batchesFrom(1)[0]!.dropped).toEqual({ from: 1, to: 4990, reason: 'relayBufferFull' });
  });
});

describe('BatchBuffer, small bound (no panel ever listened)', () => {
  it('keeps the first and the newest batches, the middle one counted unwatched range', () => {
    const b = new BatchBuffer(bounds([1_000, 1e9], [4, 1_000], [4, 1_000]));
    b.setBound('small');
    for (let i = 1; i <= 20; i += 2) b.append(batch(i, i + 1));
    expect(b.size).toBe(8);
    expect(spans(b.batchesFrom(1))).toEqual(['1-2', '3-4', '[5-16 unwatched]', '17-18', '19-20']);
    // Asked from inside the range: only the part not yet had.
    expect(spans(b.batchesFrom(9))).toEqual(['[9-16 unwatched]', '17-18', '19-20']);
    expect(spans(b.batchesFrom(18))).toEqual(['17-18', '19-20']);
    // Held events and dropped ones add up to every seq appended.
    const all = b.batchesFrom(1);
    expect(b.size + all.reduce((n, x) => n + (x.dropped ? x.dropped.to - x.dropped.from + 1 : 0), 0)).toBe(20);
  });

  it('bounds head and tail by characters too, keeping the newest batch', () => {
    const b = new BatchBuffer(bounds([1_000, 1e9], [100, 25], [100, 25]));
    b.setBound('small');
    for (let i = 1; i <= 6; i++) b.append(batch(i, i, 10));
    expect(spans(b.batchesFrom(1))).toEqual(['1-1', '2-2', '[3-4 unwatched]', '5-5', '6-6']);
    b.append(batch(7, 7, 100));
    expect(spans(b.batchesFrom(1))).toEqual(['1-1', '2-2', '[3-6 unwatched]', '7-7']);
    expect(b.chars).toBe(120);
  });

  it('shrinks what the full bound kept when the small bound is chosen later, keeping the start', () => {
    const b = new BatchBuffer(bounds([1_000, 1e9]));
    for (let i = 1; i <= 10; i++) b.append(batch(i, i));
    expect(b.size).toBe(10);
    b.setBound('small');
    expect(spans(b.batchesFrom(1))).toEqual(['1-1', '2-2', '3-3', '4-4', '[5-6 unwatched]', '7-7', '8-8', '9-9', '10-10']);
  });

  it('grows back to the full bound once a panel attaches: nothing more is dropped in the middle', () => {
    const b = new BatchBuffer(bounds([1_000, 1e9]));
    b.setBound('small');
    for (let i = 1; i <= 10; i++) b.append(batch(i, i));
    b.setBound('full');
    for (let i = 11; i <= 20; i++) b.append(batch(i, i));
    expect(spans(b.batchesFrom(1))).toEqual(['1-1', '2-2', '3-3', '4-4', '[5-6 unwatched]', ...Array.from({ length: 14 }, (_, i) => `${i + 7}-${i + 7}`)]);
  });

  it('under the full bound again, drops the head first, then reports everything before the oldest kept batch as relayBufferFull', () => {
    const b = new BatchBuffer(bounds([10, 1e9]));
    b.setBound('small');
    for (let i = 1; i <= 10; i++) b.append(batch(i, i));
    b.setBound('full');
    // 4 head + 4 tail held; 11..14 make 12: the two oldest head batches go.
    for (let i = 11; i <= 14; i++) b.append(batch(i, i));
    expect(spans(b.batchesFrom(1))).toEqual(['[1-2 relayBufferFull]', '3-3', '4-4', '[5-6 unwatched]', '7-7', '8-8', '9-9', '10-10', '11-11', '12-12', '13-13', '14-14']);
    // Then the rest of the head, then the tail's oldest: one range before the oldest kept batch.
    // The head gone (15, 16): what lay before the oldest kept batch, the unwatched range included, is
    // one relayBufferFull range.
    for (let i = 15; i <= 16; i++) b.append(batch(i, i));
    expect(spans(b.batchesFrom(1))[0]).toBe('[1-6 relayBufferFull]');
    b.append(batch(17, 17));
    const kept = Array.from({ length: 10 }, (_, i) => `${i + 8}-${i + 8}`);
    expect(spans(b.batchesFrom(1))).toEqual(['[1-7 relayBufferFull]', ...kept]);
    expect(spans(b.batchesFrom(3))).toEqual(['[3-7 relayBufferFull]', ...kept]);
  });

  it('a first batch too big for the head starts the tail: the start is then dropped like the middle', () => {
    const b = new BatchBuffer(bounds([1_000, 1e9], [4, 1_000], [4, 1_000]));
    b.setBound('small');
    b.append(batch(1, 5));
    for (let i = 6; i <= 10; i++) b.append(batch(i, i));
    expect(spans(b.batchesFrom(1))).toEqual(['[1-6 unwatched]', '7-7', '8-8', '9-9', '10-10']);
  });

  it('keeps seq holes (batches the relay rejected) out of the counts it reports', () => {
    const b = new BatchBuffer(bounds([1_000, 1e9], [2, 1_000], [2, 1_000]));
    b.setBound('small');
    b.append(batch(1, 2));
    b.append(batch(5, 5));
    b.append(batch(6, 6));
    b.append(batch(7, 7));
    expect(spans(b.batchesFrom(1))).toEqual(['1-2', '[5-5 unwatched]', '6-6', '7-7']);
  });
});
