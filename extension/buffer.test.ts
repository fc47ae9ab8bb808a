import { describe, expect, it } from 'vitest';
import { BatchBuffer, type RawBatch } from './buffer';

const batch = (first: number, last: number, chars = 10): RawBatch => ({ first, last, json: 'x'.repeat(chars) });
const ranges = (bs: RawBatch[]) => bs.map((b) => [b.first, b.last]);

describe('BatchBuffer', () => {
  it('returns the batches holding any seq from a given one, in order', () => {
    const b = new BatchBuffer(100, 1_000);
    b.append(batch(1, 5));
    b.append(batch(6, 9));
    expect(ranges(b.batchesFrom(4))).toEqual([[1, 5], [6, 9]]);
    expect(ranges(b.batchesFrom(6))).toEqual([[6, 9]]);
    expect(b.batchesFrom(10)).toEqual([]);
    expect(b.droppedBefore(1)).toBeUndefined();
  });

  it('drops the oldest batches beyond its event bound and reports the dropped range', () => {
    const b = new BatchBuffer(10, 1_000);
    b.append(batch(1, 6));
    b.append(batch(7, 10));
    b.append(batch(11, 14));
    expect(b.size).toBe(8);
    expect(b.oldestSeq).toBe(7);
    expect(ranges(b.batchesFrom(1))).toEqual([[7, 10], [11, 14]]);
    expect(b.droppedBefore(1)).toEqual({ from: 1, to: 6 });
    expect(b.droppedBefore(3)).toEqual({ from: 3, to: 6 });
    expect(b.droppedBefore(7)).toBeUndefined();
  });

  it('drops by characters too, but always keeps the newest batch', () => {
    const b = new BatchBuffer(1_000, 25);
    b.append(batch(1, 1, 10));
    b.append(batch(2, 2, 10));
    b.append(batch(3, 3, 10));
    expect(ranges(b.batchesFrom(1))).toEqual([[2, 2], [3, 3]]);
    b.append(batch(4, 4, 100));
    expect(ranges(b.batchesFrom(1))).toEqual([[4, 4]]);
    expect(b.droppedBefore(1)).toEqual({ from: 1, to: 3 });
  });

  it('stays correct across internal compaction', () => {
    const b = new BatchBuffer(10, 1e9);
    for (let i = 1; i <= 5_000; i++) b.append(batch(i, i));
    expect(b.size).toBe(10);
    expect(ranges(b.batchesFrom(1)).map((r) => r[0])).toEqual([4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000]);
  });
});
