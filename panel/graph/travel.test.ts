import { describe, expect, it } from 'vitest';
import type { MessageModel } from '../../model/correlator';
import { MAX_SCAN, MAX_TRAVELLERS, NO_TRAVELLERS, TRAVEL_MS, travellerLabel, travellersAfter, type RouteOf } from './travel';

/** Messages whose edge is named by their id's prefix (`a-1` travels along edge `a`; `x-…` along none,
 *  `b~1` along `b` backwards, `all-1` along `a` and `b`: a broadcast). */
const msgs = (...ids: string[]): MessageModel[] => ids.map((id) => ({ id }) as unknown as MessageModel);
const routeOf: RouteOf = (m) => {
  if (m.id.startsWith('x')) return [];
  if (m.id.startsWith('all')) return ['a', 'b'].map((edge) => ({ edge, reverse: false, from: 'top', to: edge }));
  const reverse = m.id.includes('~');
  const edge = m.id.split(/[-~]/)[0]!;
  return [{ edge, reverse, from: reverse ? edge : 'top', to: reverse ? 'top' : edge }];
};

describe('travellersAfter', () => {
  it('sets off one dot per edge for the newest message of a move, counting the others', () => {
    const m = msgs('a-1', 'b~1', 'a-2', 'x-1', 'a-3');
    const t = travellersAfter(NO_TRAVELLERS, m, 0, m.length, routeOf, 1000);
    expect([...t.keys()].sort()).toEqual(['a', 'b']);
    expect(t.get('a')).toMatchObject({ messageId: 'a-3', order: 4, more: 2, reverse: false, startedAt: 1000 });
    expect(t.get('b')).toMatchObject({ messageId: 'b~1', more: 0, reverse: true, from: 'b', to: 'top' });
  });

  it('only the messages of the move: from..to', () => {
    const m = msgs('a-1', 'b-1', 'c-1');
    const t = travellersAfter(NO_TRAVELLERS, m, 1, 2, routeOf, 0);
    expect([...t.keys()]).toEqual(['b']);
  });

  it('a broadcast travels every edge it was delivered along', () => {
    const m = msgs('all-1');
    const t = travellersAfter(NO_TRAVELLERS, m, 0, 1, routeOf, 0);
    expect([...t.keys()].sort()).toEqual(['a', 'b']);
  });

  it('a dot on its way keeps its message; later ones on its edge are counted on it', () => {
    const m = msgs('a-1', 'a-2', 'a-3');
    const first = travellersAfter(NO_TRAVELLERS, m, 0, 1, routeOf, 0);
    const second = travellersAfter(first, m, 1, 3, routeOf, TRAVEL_MS / 2);
    expect(second.get('a')).toMatchObject({ messageId: 'a-1', more: 2, startedAt: 0, latest: 2 });
    // The earlier state is not changed (the view compares by identity).
    expect(first.get('a')).toMatchObject({ more: 0 });
  });

  it('a dot that arrived is dropped; the next message on its edge sets off a new one', () => {
    const m = msgs('a-1', 'a-2');
    const first = travellersAfter(NO_TRAVELLERS, m, 0, 1, routeOf, 0);
    expect(travellersAfter(first, m, 1, 1, routeOf, TRAVEL_MS).size).toBe(0);
    const next = travellersAfter(first, m, 1, 2, routeOf, TRAVEL_MS);
    expect(next.get('a')).toMatchObject({ messageId: 'a-2', more: 0, startedAt: TRAVEL_MS });
  });

  it('returns the same map when nothing changed (no redraw)', () => {
    const m = msgs('a-1', 'x-1');
    const first = travellersAfter(NO_TRAVELLERS, m, 0, 1, routeOf, 0);
    expect(travellersAfter(first, m, 1, 2, routeOf, 10)).toBe(first);
    expect(travellersAfter(NO_TRAVELLERS, m, 1, 2, routeOf, 10)).toBe(NO_TRAVELLERS);
  });

  it('at most MAX_TRAVELLERS dots: the edges with the newest messages', () => {
    const m = msgs(...Array.from({ length: MAX_TRAVELLERS + 10 }, (_, i) => `e${i}-1`));
    const t = travellersAfter(NO_TRAVELLERS, m, 0, m.length, routeOf, 0);
    expect(t.size).toBe(MAX_TRAVELLERS);
    expect(t.has(`e${MAX_TRAVELLERS + 9}`)).toBe(true);
    expect(t.has('e0')).toBe(false);
  });

  it('looks at no more than the newest MAX_SCAN messages of a move', () => {
    const m = msgs('b-1', ...Array.from({ length: MAX_SCAN }, (_, i) => `a-${i}`));
    let routed = 0;
    const counting: RouteOf = (x) => {
      routed++;
      return routeOf(x);
    };
    const t = travellersAfter(NO_TRAVELLERS, m, 0, m.length, counting, 0);
    expect(routed).toBe(MAX_SCAN);
    expect(t.has('b')).toBe(false);
    expect(t.get('a')?.more).toBe(MAX_SCAN - 1);
  });
});

describe('travellerLabel', () => {
  it('names both ends and the messages counted', () => {
    const m = msgs('a-1', 'a-2');
    const t = travellersAfter(NO_TRAVELLERS, m, 0, 2, routeOf, 0);
    expect(travellerLabel(t.get('a')!)).toBe('message travelling from top to a, and 1 more');
    expect(travellerLabel({ ...t.get('a')!, more: 0 })).toBe('message travelling from top to a');
  });
});
