import { describe, expect, it } from 'vitest';
import type { MessageModel } from '../../model/correlator';
import { NEAR_ROWS, RowFinder } from './rowFinder';
import type { TimelineRow } from './rows';

/** Rows of messages m0…m(n-1), with a gap row every `gapEvery` rows (positions then differ from ids). */
function rowsOf(n: number, gapEvery = 0): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (let i = 0; i < n; i++) {
    if (gapEvery > 0 && i % gapEvery === 0) rows.push({ kind: 'gap', key: `g:${i}`, t: i, gap: {} as never });
    rows.push({ kind: 'message', key: `m:m${i}`, t: i, message: { id: `m${i}` } as MessageModel });
  }
  return rows;
}

const truth = (rows: readonly TimelineRow[], id: string): number => rows.findIndex((r) => r.kind === 'message' && r.message.id === id);

describe('RowFinder', () => {
  it('finds every message as a search of every row does, and -1 for one not shown', () => {
    const rows = rowsOf(1000, 7);
    const finder = new RowFinder();
    for (const id of ['m0', 'm1', 'm500', 'm499', 'm999', 'm3', 'nope', 'm998', 'm0']) expect(finder.find(rows, id)).toBe(truth(rows, id));
  });

  it('makes no index for steps and ticks near the last answer', () => {
    const finder = new RowFinder();
    let rows = rowsOf(5000, 11);
    for (let i = 2000; i < 2100; i++) expect(finder.find(rows, `m${i}`)).toBe(truth(rows, `m${i}`));
    // A live log: new rows on each tick, the moment stays.
    for (let tick = 0; tick < 20; tick++) {
      rows = rowsOf(5000 + tick * 10, 11);
      expect(finder.find(rows, 'm2099')).toBe(truth(rows, 'm2099'));
    }
    expect(finder.indexesMade).toBe(0);
  });

  it('indexes rows that stay the same after the second far search, once', () => {
    const rows = rowsOf(10_000, 13);
    const finder = new RowFinder();
    const far = [10, 4000, 8000, 200, 9999, 5000].map((i) => `m${i}`);
    for (const id of far) expect(finder.find(rows, id)).toBe(truth(rows, id));
    expect(finder.indexesMade).toBe(1);
    // New rows (a filter, a sort): the index is for the old rows only.
    const other = rowsOf(10_000, 3).reverse();
    for (const id of far) expect(finder.find(other, id)).toBe(truth(other, id));
    expect(finder.indexesMade).toBe(2);
  });

  it('looks on both sides of the last answer, as far as NEAR_ROWS', () => {
    const rows = rowsOf(1000);
    const finder = new RowFinder();
    finder.find(rows, 'm500');
    expect(finder.find(rows, `m${500 - NEAR_ROWS}`)).toBe(500 - NEAR_ROWS);
    expect(finder.find(rows, `m${500 - NEAR_ROWS + NEAR_ROWS}`)).toBe(500);
    expect(finder.indexesMade).toBe(0);
  });
});
