import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameTree, GONE_GRACE_MS, frameChangesFrom, type FrameRealm } from './correlate-frames';
import { CLOCK_SKEW_MS } from './model-types';

const ORIGIN = 'https://a.test';
const top: FrameRealm = { id: 'top', tabId: 1, frameId: 0, parentFrameId: -1, origin: ORIGIN, startT: 0 };
const frame = (n: number, startT: number, goneAt?: number): FrameRealm => ({
  id: `f${n}`,
  tabId: 1,
  frameId: n,
  parentFrameId: 0,
  origin: ORIGIN,
  startT,
  ...(goneAt !== undefined ? { goneAt } : {}),
});

describe('FrameTree under frame churn', () => {
  // 500 same-origin ad frames, each there for a second, long gone; then one that is there now.
  const T = 1_000_000;
  const churned = Array.from({ length: 500 }, (_, i) => frame(i + 1, i * 1000, i * 1000 + 1000));
  const live = frame(501, T - 500);

  it('names the one child there at the time, not every child the page ever had', () => {
    const tree = new FrameTree([top, ...churned, live]);
    expect(tree.resolve(top, 'child', 0, ORIGIN, T)).toEqual({ realm: 'f501' });
  });

  it('does not count a child gone before the receipt: the receiver found the sender among its frames then', () => {
    const justGone = frame(600, T - 2000, T - 100);
    expect(new FrameTree([top, ...churned, justGone, live]).resolve(top, 'child', 0, ORIGIN, T)).toEqual({ realm: 'f501' });
    // Gone within the clocks' skew of the receipt: still a candidate.
    const atTheTime = frame(600, T - 2000, T - CLOCK_SKEW_MS / 2);
    const r = new FrameTree([top, ...churned, atTheTime, live]).resolve(top, 'child', 1, ORIGIN, T);
    expect(r.ambiguous).toEqual(['childIndex']);
    expect(r.candidates).toEqual(['f501', 'f600']);
  });

  it("keeps a frame gone just before the receipt among the candidates of 'other' (its message may still be queued)", () => {
    // Seen from a live child, a removed sibling is no child of anyone's `frames` any more: 'other'.
    const justGone = frame(600, T - 2000, T - GONE_GRACE_MS / 2);
    const r = new FrameTree([top, ...churned, justGone, live]).resolve(live, 'other', undefined, ORIGIN, T);
    expect(r).toEqual({ realm: 'f600' });
  });

  it('does not count a child made after the message', () => {
    const later = frame(700, T + 5000);
    expect(new FrameTree([top, live, later]).resolve(top, 'child', 0, ORIGIN, T)).toEqual({ realm: 'f501' });
  });

  it("resolves 'other' among the frames there at the time", () => {
    // Seen from a live child: its sibling, there at the time, is the only other window of the origin.
    const sibling = frame(502, T - 400);
    const tree = new FrameTree([top, ...churned, live, sibling]);
    expect(tree.resolve(live, 'other', undefined, ORIGIN, T)).toEqual({ realm: 'f502' });
  });
});

describe("FrameTree: 'other'", () => {
  /** What 'other' means, read off every frame of the tab (the tree asks only the frames around t, per
   *  parent frame): the realm then in each frame there around t that is not the receiver, its parent,
   *  the top or one of its children, of the message's origin. */
  function reference(realms: FrameRealm[], receiver: FrameRealm, origin: string, t: number): string[] {
    const tree = new FrameTree(realms);
    const byFrame = new Map<number, FrameRealm[]>();
    for (const r of realms) if (r.tabId === receiver.tabId) byFrame.set(r.frameId, [...(byFrame.get(r.frameId) ?? []), r].sort((a, b) => a.startT - b.startT));
    const excluded = new Set([receiver.id]);
    for (const rel of ['parent', 'top'] as const) {
      const r = tree.resolve(receiver, rel, undefined, '', t).realm;
      if (r) excluded.add(r);
    }
    const out: { r: FrameRealm; start: number; place: number }[] = [];
    let place = 0;
    for (const list of byFrame.values()) {
      const first = list[0]!;
      const end = list[list.length - 1]!.goneAt ?? Infinity;
      place++;
      if (first.startT > t + CLOCK_SKEW_MS || end < t - GONE_GRACE_MS) continue;
      if (first.parentFrameId === receiver.frameId) continue;
      const now = [...list].reverse().find((r) => r.startT <= t) ?? first;
      if (now.startT > t + CLOCK_SKEW_MS || excluded.has(now.id) || (now.origin !== undefined && now.origin !== origin)) continue;
      out.push({ r: now, start: first.startT, place });
    }
    return [...new Set(out.sort((a, b) => a.start - b.start || a.place - b.place).map((x) => x.r.id))];
  }

  it('names the same candidates as a look at every frame of the tab (random frame trees)', () => {
    fc.assert(
      fc.property(
        // Starts from a few values, so that frames often start together (the order of first appearance
        // then decides); parents among the frames before (0: the top), unknown, or none (-1: a second
        // top-level frame of the tab); some frames in another tab; the realms in any order.
        fc.array(
          fc.record({ parent: fc.integer({ min: -2, max: 12 }), start: fc.constantFrom(0, 10, 20, 3_000, 12_000), life: fc.option(fc.constantFrom(0, 20, 5_000, 15_000)), navigated: fc.boolean(), origin: fc.nat(1), otherTab: fc.boolean() }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.nat(40),
        fc.constantFrom(0, 10, 20, 30, 3_000, 12_010, 25_000),
        fc.nat(1),
        fc.nat(1_000),
        (specs, pick, t, o, shuffle) => {
          const origins = [ORIGIN, 'https://b.test'];
          const realms: FrameRealm[] = [top];
          specs.forEach((x, i) => {
            const frameId = i + 1;
            const parentFrameId = x.parent === -2 || x.parent > i ? undefined : x.parent;
            const r: FrameRealm = { id: `f${frameId}`, tabId: x.otherTab ? 2 : 1, frameId, origin: origins[x.origin]!, startT: x.start, ...(parentFrameId !== undefined ? { parentFrameId } : {}) };
            if (x.navigated) {
              realms.push({ ...r, id: `f${frameId}a`, ...(x.life !== null ? { goneAt: x.start } : {}) });
              realms.push({ ...r, startT: x.start + 5, ...(x.life !== null ? { goneAt: x.start + 5 + x.life } : {}) });
            } else realms.push({ ...r, ...(x.life !== null ? { goneAt: x.start + x.life } : {}) });
          });
          // A fixed shuffle of the order the realms are known in.
          const order = realms.map((r, i) => ({ r, k: (i * 7919 + shuffle) % 1009 })).sort((a, b) => a.k - b.k).map((x) => x.r);
          const receiver = order[pick % order.length]!;
          const origin = origins[o]!;
          const got = new FrameTree(order).resolve(receiver, 'other', undefined, origin, t);
          const want = reference(order, receiver, origin, t);
          if (want.length === 1) expect(got).toEqual({ realm: want[0] });
          else if (want.length > 1) expect(got).toEqual({ ambiguous: ['severalCandidates'], candidates: want });
          else expect(got.realm).toBeUndefined();
        },
      ),
      { seed: 14, numRuns: 3000 },
    );
  });
});

describe('frameChangesFrom', () => {
  const relations = ['self', 'parent', 'top', 'child', 'other', 'opener'] as const;
  const origins = [ORIGIN, 'https://b.test'];

  /** A frame tree's next state: a realm added (new frame, or a navigation in one), one gone, one's start moved. */
  const step = (realms: Map<string, FrameRealm>, pick: number, t: number, op: number): Map<string, FrameRealm> => {
    const next = new Map(realms);
    const list = [...realms.values()];
    const some = list[pick % list.length]!;
    switch (op % 5) {
      case 0: {
        // A new frame; now and then in a frame no realm of which is known yet (its realms arrive later).
        const id = `r${next.size}`;
        const parentFrameId = pick % 3 === 0 ? 100 + (pick % 4) : some.frameId;
        next.set(id, { id, tabId: 1, frameId: next.size, parentFrameId, origin: origins[pick % 2]!, startT: t });
        break;
      }
      case 4: {
        const id = `r${next.size}`;
        next.set(id, { id, tabId: 1, frameId: 100 + (pick % 4), parentFrameId: 0, origin: origins[pick % 2]!, startT: t });
        break;
      }
      case 1: {
        const id = `r${next.size}`;
        const { goneAt: _old, ...place } = some;
        next.set(id, { ...place, id, startT: t, origin: origins[pick % 2]! });
        break;
      }
      case 2:
        if (some.goneAt === undefined) next.set(some.id, { ...some, goneAt: t });
        break;
      case 3:
        next.set(some.id, { ...some, startT: Math.max(0, some.startT - (t % 50)) });
        break;
    }
    return next;
  };

  it('never lets a change alter the resolution of a receipt before the time it names (random frame histories)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pick: fc.nat(40), t: fc.integer({ min: 0, max: 40_000 }), op: fc.nat(4) }), { minLength: 1, maxLength: 25 }),
        // Receipts near the steps' times, where the bounds are (CLOCK_SKEW_MS before, GONE_GRACE_MS after).
        fc.array(fc.record({ pick: fc.nat(40), rel: fc.nat(relations.length - 1), child: fc.nat(4), near: fc.nat(24), dt: fc.integer({ min: -40, max: GONE_GRACE_MS + 40 }), origin: fc.nat(1) }), { minLength: 1, maxLength: 15 }),
        (steps, receipts) => {
          let realms = new Map<string, FrameRealm>([['top', top]]);
          for (const s of steps) {
            const next = step(realms, s.pick, s.t, s.op);
            const from = frameChangesFrom(realms, next);
            const before = new FrameTree(realms.values());
            const after = new FrameTree(next.values());
            for (const r of receipts) {
              const q = { ...r, t: steps[r.near % steps.length]!.t + r.dt };
              if (!(q.t < from)) continue;
              const list = [...realms.values()];
              const receiver = list[q.pick % list.length]!;
              const now = next.get(receiver.id)!;
              const args = [relations[q.rel]!, q.child, origins[q.origin]!, q.t] as const;
              expect(after.resolve(now, ...args)).toEqual(before.resolve(receiver, ...args));
            }
            realms = next;
          }
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
  });

  it('says nothing changed for the same frames, and everything may have for a new origin', () => {
    const realms = new Map([['top', top], ['f1', frame(1, 100)]]);
    expect(frameChangesFrom(realms, new Map(realms))).toBe(Infinity);
    expect(frameChangesFrom(realms, new Map([...realms, ['f1', { ...frame(1, 100), origin: 'https://b.test' }]]))).toBe(-Infinity);
    expect(frameChangesFrom(realms, new Map([...realms, ['f1', frame(1, 100, 5000)]]))).toBe(5000 + CLOCK_SKEW_MS);
  });
});
