import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS } from './model-types';
import { linkWorkers, type InsideWorker, type WorkerCreation } from './worker-link';

const made = (worker: string, realm: string, url: string, t: number): WorkerCreation => ({ worker, realm, url, t });
const started = (realm: string, url: string, startedAt: number, owner: InsideWorker['owner']): InsideWorker => ({ realm, url, startedAt, owner });

describe('linkWorkers', () => {
  it("links a frame's workers to its creations of the same URL, in order", () => {
    const links = linkWorkers(
      [started('in1', 'https://a.test/w.js', 10, { frame: 'F' }), started('in2', 'https://a.test/m.js', 12, { frame: 'F' }), started('in3', 'https://a.test/w.js', 30, { frame: 'F' })],
      [made('top:w1', 'top', 'https://a.test/w.js', 9), made('top:w2', 'top', 'https://a.test/m.js', 11), made('top:w3', 'top', 'https://a.test/w.js', 29)],
    );
    expect(links).toEqual([
      { inside: 'in1', worker: 'top:w1', creator: 'top' },
      { inside: 'in2', worker: 'top:w2', creator: 'top' },
      { inside: 'in3', worker: 'top:w3', creator: 'top' },
    ]);
  });

  it('leaves a worker two realms could have made ambiguous, and places a frame once it can tell', () => {
    const creations = [made('a:w1', 'a', 'w.js', 5), made('b:w1', 'b', 'w.js', 6), made('a:w2', 'a', 'only-a.js', 20), made('a:w3', 'a', 'w.js', 40), made('b:w2', 'b', 'w.js', 41)];
    const links = linkWorkers(
      [started('x', 'w.js', 7, { frame: 'FA' }), started('y', 'only-a.js', 21, { frame: 'FA' }), started('z', 'w.js', 42, { frame: 'FA' })],
      creations,
    );
    expect(linkWorkers([started('x', 'w.js', 7, { frame: 'FA' })], creations)).toEqual([{ inside: 'x', ambiguous: true, candidates: ['a:w1', 'b:w1'] }]);
    // FA made only-a.js: FA is realm a, and x, which it started first, is a's first w.js.
    expect(links).toEqual([
      { inside: 'x', worker: 'a:w1', creator: 'a' },
      { inside: 'y', worker: 'a:w2', creator: 'a' },
      { inside: 'z', worker: 'a:w3', creator: 'a' },
    ]);
  });

  it("links a nested worker within its parent worker's own creations", () => {
    const links = linkWorkers(
      [started('outer', 'w.js', 10, { frame: 'F' }), started('inner', 'n.js', 20, { worker: 'outer' })],
      [made('top:w1', 'top', 'w.js', 9), made('outer:w1', 'outer', 'n.js', 19), made('top:w2', 'top', 'n.js', 19)],
    );
    expect(links).toEqual([
      { inside: 'outer', worker: 'top:w1', creator: 'top' },
      { inside: 'inner', worker: 'outer:w1', creator: 'outer' },
    ]);
  });

  it('does not link a creation recorded after the worker started (beyond the clock skew)', () => {
    expect(linkWorkers([started('x', 'w.js', 10, { frame: 'F' })], [made('top:w1', 'top', 'w.js', 10 + CLOCK_SKEW_MS + 1)])).toEqual([]);
    expect(linkWorkers([started('x', 'w.js', 10, { frame: 'F' })], [made('top:w1', 'top', 'w.js', 10 + CLOCK_SKEW_MS)])).toHaveLength(1);
  });

  it('gives the same links whatever the order of its inputs', () => {
    const inside = [started('i1', 'w.js', 10, { frame: 'F' }), started('i2', 'w.js', 20, { frame: 'G' }), started('i3', 'n.js', 25, { worker: 'i1' }), started('i4', 'w.js', 30, { frame: 'F' })];
    const creations = [made('a:1', 'a', 'w.js', 9), made('a:2', 'a', 'w.js', 29), made('b:1', 'b', 'w.js', 19), made('i1:1', 'i1', 'n.js', 24)];
    const expected = linkWorkers(inside, creations);
    fc.assert(
      fc.property(fc.shuffledSubarray(inside, { minLength: inside.length }), fc.shuffledSubarray(creations, { minLength: creations.length }), (i, c) => {
        expect(linkWorkers(i, c)).toEqual(expected);
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});
