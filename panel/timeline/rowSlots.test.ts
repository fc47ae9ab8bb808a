import { describe, expect, it } from 'vitest';
import { rowSlots, type RowSlots } from './rowSlots';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** How many elements React moves to go from one keyed order to the next (its own rule: an element
 *  placed before the last one kept in place moves). */
function moves(before: readonly number[], after: readonly number[]): number {
  const oldIndex = new Map(before.map((k, i) => [k, i]));
  let lastPlaced = 0;
  let n = 0;
  for (const k of after) {
    const i = oldIndex.get(k);
    if (i === undefined) continue;
    if (i < lastPlaced) n++;
    else lastPlaced = i;
  }
  return n;
}

describe('rowSlots: the elements that draw the visible rows', () => {
  it('gives every row its own slot, in drawing order', () => {
    const s = rowSlots(range(0, 40), null);
    expect(s.order).toEqual(range(0, 40));
    expect(new Set(s.byRow.values()).size).toBe(40);
  });

  it('a small scroll: rows that stay keep their slots, rows coming in take those of rows gone out', () => {
    const a = rowSlots(range(100, 140), null);
    const b = rowSlots(range(103, 143), a);
    for (const r of range(103, 140)) expect(b.byRow.get(r)).toBe(a.byRow.get(r));
    expect(new Set(b.order)).toEqual(new Set(a.order));
    expect(moves(a.order, b.order)).toBe(3);
  });

  it('most rows new (a flood followed, a playback tick): the slots keep their DOM order, nothing moves', () => {
    let s: RowSlots = rowSlots(range(0, 40), null);
    for (const shift of [25, 40, 1_000, 21]) {
      const first = (s.order.length > 0 ? Math.min(...s.byRow.keys()) : 0) + shift;
      const next = rowSlots(range(first, first + 40), s);
      expect(moves(s.order, next.order)).toBe(0);
      expect(next.order).toEqual(s.order);
      expect(new Set(next.byRow.values()).size).toBe(40);
      s = next;
    }
  });

  it('more rows or fewer than before: the slots there were stay in order; new ones come after', () => {
    const a = rowSlots(range(0, 30), null);
    const more = rowSlots(range(500, 545), a);
    expect(more.order.slice(0, 30)).toEqual(a.order);
    expect(new Set(more.order).size).toBe(45);
    const fewer = rowSlots(range(900, 910), more);
    expect(fewer.order).toEqual(more.order.slice(0, 10));
  });
});
