import { describe, expect, it } from 'vitest';
import type { EntangleEvent } from '../model/protocol';
import { EventBuffer } from './buffer';

const events = (from: number, to: number): EntangleEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ type: 'portClosed', seq: from + i, t: 0, port: 'r:1' }));
const seqs = (chunks: Iterable<EntangleEvent[]>) => [...chunks].flat().map((e) => e.seq);

describe('EventBuffer', () => {
  it('returns buffered events from a given seq, in order', () => {
    const b = new EventBuffer(100);
    b.append(events(1, 5));
    b.append(events(6, 9));
    expect(seqs(b.chunksFrom(4))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(seqs(b.chunksFrom(10))).toEqual([]);
    expect(b.droppedBefore(1)).toBeUndefined();
  });

  it('drops the oldest beyond its bound and reports the dropped range', () => {
    const b = new EventBuffer(10);
    b.append(events(1, 6));
    b.append(events(7, 14));
    expect(b.size).toBe(10);
    expect(b.oldestSeq).toBe(5);
    expect(seqs(b.chunksFrom(1))).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(b.droppedBefore(1)).toEqual({ from: 1, to: 4 });
    expect(b.droppedBefore(3)).toEqual({ from: 3, to: 4 });
    expect(b.droppedBefore(5)).toBeUndefined();
  });

  it('sends in chunks of at most 1,000 events', () => {
    const b = new EventBuffer(5_000);
    b.append(events(1, 2_500));
    expect([...b.chunksFrom(1)].map((c) => c.length)).toEqual([1_000, 1_000, 500]);
  });
});
