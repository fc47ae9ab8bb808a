import { describe, expect, it } from 'vitest';
import type { MessageModel } from '../../model/correlator';
import { RowFinder } from './rowFinder';
import type { TimelineRow } from './rows';

/** Rows of messages m0…m(n-1) at time `timeOf(i)`, with a gap row every `gapEvery` rows (positions then
 *  differ from ids). */
function rowsOf(n: number, gapEvery = 0, timeOf = (i: number) => i): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (let i = 0; i < n; i++) {
    if (gapEvery > 0 && i % gapEvery === 0) rows.push({ kind: 'gap', key: `g:${i}`, t: timeOf(i), gap: {} as never });
    rows.push({ kind: 'message', key: `m:m${i}`, t: timeOf(i), message: { id: `m${i}` } as MessageModel });
  }
  return rows;
}

const truth = (rows: readonly TimelineRow[], id: string): number => rows.findIndex((r) => r.kind === 'message' && r.message.id === id);

describe('RowFinder', () => {
  it('finds every message as a search from the top does, and -1 for one not shown', () => {
    const rows = rowsOf(1000, 7);
    const finder = new RowFinder();
    for (const id of ['m0', 'm1', 'm500', 'm499', 'm999', 'm3', 'nope', 'm998', 'm0', 'm560', 'm440', 'm200']) expect(finder.find(rows, id)).toBe(truth(rows, id));
    // Fewer rows than the last answer (a filter), and none.
    finder.find(rows, 'm999');
    expect(finder.find(rowsOf(10), 'm4')).toBe(4);
    expect(finder.find([], 'm4')).toBe(-1);
  });

  it('steps and live ticks look only near the last answer', () => {
    const finder = new RowFinder();
    let rows = rowsOf(5000, 11);
    finder.find(rows, 'm2000');
    finder.looked = 0;
    for (let i = 2001; i < 2100; i++) expect(finder.find(rows, `m${i}`)).toBe(truth(rows, `m${i}`));
    for (let i = 2098; i > 2050; i--) expect(finder.find(rows, `m${i}`)).toBe(truth(rows, `m${i}`));
    // A live log: new rows on each tick, the moment stays.
    for (let tick = 0; tick < 20; tick++) {
      rows = rowsOf(5000 + tick * 10, 11);
      expect(finder.find(rows, 'm2051')).toBe(truth(rows, 'm2051'));
    }
    expect(finder.looked).toBeLessThan(200 * 5);
  });

  it('playing looks at about twice the rows passed, in either sort order', () => {
    for (const rows of [rowsOf(100_000), rowsOf(100_000).reverse()]) {
      const finder = new RowFinder();
      finder.find(rows, 'm1000');
      finder.looked = 0;
      for (let i = 6000; i < 100_000; i += 5000) expect(finder.find(rows, `m${i}`)).toBe(truth(rows, `m${i}`));
      // 19 moves of 5,000 rows.
      expect(finder.looked).toBeLessThanOrEqual(19 * 2 * 5000 + 19);
    }
  });

  it('a message not among the rows leaves the search where it was', () => {
    const rows = rowsOf(100_000);
    const finder = new RowFinder();
    finder.find(rows, 'm90000');
    expect(finder.find(rows, 'filtered-out')).toBe(-1);
    finder.looked = 0;
    expect(finder.find(rows, 'm90010')).toBe(90_010);
    expect(finder.looked).toBeLessThan(30);
  });

  it('given the row time, a far move in rows sorted by time looks at a few rows, either way up', () => {
    // Ten rows at each millisecond (ties), a gap row now and then.
    const tenth = (i: number) => Math.floor(i / 10);
    for (const rows of [rowsOf(100_000, 13, tenth), rowsOf(100_000, 13, tenth).reverse()]) {
      const finder = new RowFinder();
      finder.find(rows, 'm50000', 5000);
      for (const i of [10_000, 90_000, 50_003, 99_999, 0, 77_777]) {
        finder.looked = 0;
        expect(finder.find(rows, `m${i}`, tenth(i))).toBe(truth(rows, `m${i}`));
        expect(finder.looked).toBeLessThan(3 * 64);
      }
    }
  });

  it('finds the row whatever the time says when the rows are not in time order (sorted by another column)', () => {
    // Times that go up and down: the binary search lands anywhere, the search outwards still finds it.
    const rows = rowsOf(20_000, 0, (i) => (i * 7919) % 20_000);
    const finder = new RowFinder();
    for (const i of [15_000, 3, 19_999, 8_000]) expect(finder.find(rows, `m${i}`, (i * 7919) % 20_000)).toBe(truth(rows, `m${i}`));
    // A wrong time, or one outside the rows' times, only costs the fallback.
    expect(finder.find(rows, 'm1234', -5)).toBe(1234);
    expect(finder.find(rowsOf(20_000), 'm4321', 17)).toBe(4321);
    expect(finder.find(rowsOf(20_000), 'nope', 17)).toBe(-1);
  });

  it('a burst of many rows at one millisecond is read through at that time, not searched outwards', () => {
    // 300 messages in each millisecond: a row deep in a run is past the 64 around the guess.
    const rows = rowsOf(30_000, 0, (i) => Math.floor(i / 300));
    const finder = new RowFinder();
    finder.find(rows, 'm0', 0);
    finder.looked = 0;
    expect(finder.find(rows, 'm20290', 67)).toBe(20_290);
    expect(finder.looked).toBeLessThan(2 * 64 + 2 + 300);
  });

  it('a fallback does not look again at the rows near the last answer (only those around the guess)', () => {
    const rows = rowsOf(20_000, 0, (i) => (i * 7919) % 20_000);
    const finder = new RowFinder();
    finder.find(rows, 'm10000');
    finder.looked = 0;
    // Not near the last answer, and the time leads nowhere: every row is looked at once, plus the guess's.
    expect(finder.find(rows, 'nope', 5)).toBe(-1);
    expect(finder.looked).toBeLessThanOrEqual(rows.length + 2 * 64 + 2);
    // Few rows (256 or fewer): the time is not used, the search goes outwards as before.
    const few = rowsOf(200);
    finder.find(few, 'm10');
    finder.looked = 0;
    expect(finder.find(few, 'm150', 150)).toBe(150);
    expect(finder.looked).toBeGreaterThan(64);
  });
});
