import { describe, expect, it } from 'vitest';
import {
  BOX_MARGIN,
  assignSlots,
  boxSize,
  capacityFor,
  layoutRealms,
  slotPosition,
  type Placed,
  type RealmBox,
  type RealmLayout,
  type Slot,
} from './layout';

const box = (id: string, ports: number, parent?: string): RealmBox => ({ id, ...(parent !== undefined ? { parent } : {}), ...boxSize(capacityFor(ports)) });

function expectNoOverlap(l: RealmLayout): void {
  const all = [...l.boxes.entries()];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [ia, a] = all[i] as [string, Placed];
      const [ib, b] = all[j] as [string, Placed];
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart, `${ia} overlaps ${ib}`).toBe(true);
    }
  }
}

const at = (l: RealmLayout, id: string): Placed => {
  const p = l.boxes.get(id);
  if (!p) throw new Error(`no box ${id}`);
  return p;
};

/** A small deterministic PRNG, so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('graph layout: capacity and slots', () => {
  it('grows capacity in steps, so most new ports change no box size', () => {
    expect([0, 1, 6, 7, 12, 13, 24, 25, 37].map(capacityFor)).toEqual([0, 6, 6, 12, 12, 18, 24, 36, 54]);
    expect(boxSize(capacityFor(1))).toEqual(boxSize(capacityFor(6)));
    // Empty and small boxes are equally wide: the first port makes a box taller, not wider.
    expect(boxSize(0).width).toBe(boxSize(24).width);
  });

  it('as the timeline uses it for rows (one group): those still drawn keep their slots, those coming in take the freed ones, never two in one', () => {
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ id: String(from + k), realm: 'rows' }));
    const first = assignSlots(rows(10, 4), null).slots;
    const next = assignSlots(rows(12, 4), first).slots;
    expect([12, 13, 14, 15].map((i) => next.get(String(i))?.slot)).toEqual([2, 3, 0, 1]);
    // More rows than before: a new slot after the highest; fewer: the slots of the rows kept.
    expect(assignSlots(rows(12, 5), next).slots.get('16')?.slot).toBe(4);
    expect([...assignSlots(rows(13, 2), next).slots.values()].map((s) => s.slot)).toEqual([3, 0]);
    let slots: ReadonlyMap<string, Slot> | null = null;
    for (let start = 0; start < 500; start += 7) {
      slots = assignSlots(rows(start, 40 + (start % 5)), slots).slots;
      expect(new Set([...slots.values()].map((s) => s.slot)).size).toBe(slots.size);
    }
  });

  it('keeps a port in its slot while its realm holds it; a newcomer takes the lowest free slot', () => {
    const first = assignSlots(
      [
        { id: 'a', realm: 'top' },
        { id: 'b', realm: 'top' },
        { id: 'c', realm: 'top' },
      ],
      null,
    );
    expect([...first.slots.values()].map((s) => s.slot)).toEqual([0, 1, 2]);
    // b is transferred to the iframe; d appears in top afterwards.
    const second = assignSlots(
      [
        { id: 'a', realm: 'top' },
        { id: 'b', realm: 'ifr' },
        { id: 'c', realm: 'top' },
        { id: 'd', realm: 'top' },
      ],
      first.slots,
    );
    expect(second.slots.get('a')).toEqual({ realm: 'top', slot: 0 });
    expect(second.slots.get('c')).toEqual({ realm: 'top', slot: 2 }); // did not shift into b's place
    expect(second.slots.get('d')).toEqual({ realm: 'top', slot: 1 }); // took it instead
    expect(second.slots.get('b')).toEqual({ realm: 'ifr', slot: 0 });
    expect(second.extent.get('top')).toBe(3);
    expect(second.extent.get('ifr')).toBe(1);
  });

  it('places slots in a grid inside the box', () => {
    const cap = capacityFor(6);
    const size = boxSize(cap);
    for (let s = 0; s < cap; s++) {
      const p = slotPosition(s, cap);
      expect(p.x).toBeGreaterThan(0);
      expect(p.y).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(size.width);
      expect(p.y).toBeLessThan(size.height);
    }
    expect(slotPosition(1, cap).y).toBe(slotPosition(0, cap).y);
    expect(slotPosition(2, cap).y).toBeGreaterThan(slotPosition(0, cap).y);
  });
});

describe('graph layout: realms', () => {
  it('lays the realm tree out left to right with dagre', () => {
    const l = layoutRealms([box('top', 2), box('a', 1, 'top'), box('b', 0, 'top'), box('w', 0, 'a')], null);
    expect(at(l, 'a').x).toBeGreaterThan(at(l, 'top').x + at(l, 'top').width);
    expect(at(l, 'b').x).toBeGreaterThan(at(l, 'top').x + at(l, 'top').width);
    expect(at(l, 'w').x).toBeGreaterThan(at(l, 'a').x + at(l, 'a').width);
    expectNoOverlap(l);
  });

  it('returns the previous layout itself when the topology is unchanged (a message, a port within capacity)', () => {
    const before = layoutRealms([box('top', 2), box('a', 1, 'top')], null);
    // One more port in each realm: same capacity, same box sizes, same key.
    const after = layoutRealms([box('top', 3), box('a', 2, 'top')], before);
    expect(after).toBe(before);
  });

  it('keeps every placed realm where it was when a realm is added, and puts the newcomer right of its parent', () => {
    const realms = [box('top', 3), box('a', 1, 'top'), box('b', 2, 'top')];
    const before = layoutRealms(realms, null);
    const after = layoutRealms([...realms, box('c', 0, 'top'), box('w', 0, 'a')], before);
    for (const id of ['top', 'a', 'b']) expect(at(after, id)).toEqual(at(before, id));
    expect(at(after, 'c').x).toBeGreaterThan(at(after, 'top').x + at(after, 'top').width);
    expect(at(after, 'w').x).toBeGreaterThan(at(after, 'a').x + at(after, 'a').width);
    expectNoOverlap(after);
  });

  it('puts a new root (no parent) below everything drawn so far', () => {
    const before = layoutRealms([box('top', 3), box('a', 1, 'top')], null);
    const after = layoutRealms([box('top', 3), box('a', 1, 'top'), box('top2', 0)], before);
    const bottom = Math.max(...[...before.boxes.values()].map((p) => p.y + p.height));
    expect(at(after, 'top2').y).toBeGreaterThanOrEqual(bottom + BOX_MARGIN);
    expect(at(after, 'top')).toEqual(at(before, 'top'));
  });

  it('a box that grows keeps its corner; boxes it would overlap move down only', () => {
    const realms = [box('top', 1), box('a', 1, 'top'), box('b', 1, 'top'), box('c', 1, 'top')];
    const before = layoutRealms(realms, null);
    // The first child fills up past one capacity step: it gets taller.
    const a = at(before, 'a');
    const grown = [box('top', 1), box('a', 40, 'top'), box('b', 1, 'top'), box('c', 1, 'top')];
    const after = layoutRealms(grown, before);
    expect({ x: at(after, 'a').x, y: at(after, 'a').y }).toEqual({ x: a.x, y: a.y });
    expect(at(after, 'a').height).toBeGreaterThan(a.height);
    for (const id of ['top', 'b', 'c']) {
      expect(at(after, id).x).toBe(at(before, id).x);
      expect(at(after, id).y).toBeGreaterThanOrEqual(at(before, id).y);
    }
    expectNoOverlap(after);
  });

  it('over random growth (realms added one by one, ports growing), placed realms never move unless a box grew, and nothing overlaps', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const rnd = prng(seed);
      const realms: { id: string; parent?: string; ports: number }[] = [{ id: 'r0', ports: 0 }];
      let layout = layoutRealms(realms.map((r) => box(r.id, r.ports, r.parent)), null);
      for (let step = 0; step < 30; step++) {
        const grow = rnd() < 0.4;
        if (grow) {
          const r = realms[Math.floor(rnd() * realms.length)];
          if (r) r.ports += 1 + Math.floor(rnd() * 5);
        } else {
          const parent = rnd() < 0.1 ? undefined : realms[Math.floor(rnd() * realms.length)]?.id;
          realms.push({ id: `r${realms.length}`, ...(parent !== undefined ? { parent } : {}), ports: Math.floor(rnd() * 4) });
        }
        const boxes = realms.map((r) => box(r.id, r.ports, r.parent));
        const next = layoutRealms(boxes, layout);
        const anyGrew = boxes.some((b) => {
          const p = layout.boxes.get(b.id);
          return p !== undefined && (p.width !== b.width || p.height !== b.height);
        });
        for (const [id, p] of layout.boxes) {
          const q = at(next, id);
          if (!anyGrew) expect({ x: q.x, y: q.y }, `seed ${seed} step ${step}: ${id} moved`).toEqual({ x: p.x, y: p.y });
          else {
            expect(q.x).toBe(p.x);
            expect(q.y).toBeGreaterThanOrEqual(p.y);
          }
        }
        expectNoOverlap(next);
        layout = next;
      }
    }
  });
});
