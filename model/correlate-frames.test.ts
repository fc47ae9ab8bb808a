import { describe, expect, it } from 'vitest';
import { FrameTree, GONE_GRACE_MS, type FrameRealm } from './correlate-frames';

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

  it('keeps a child gone just before the receipt among the candidates (its message may still be queued)', () => {
    const justGone = frame(600, T - 2000, T - GONE_GRACE_MS / 2);
    const r = new FrameTree([top, ...churned, justGone, live]).resolve(top, 'child', 1, ORIGIN, T);
    expect(r.ambiguous).toEqual(['childIndex']);
    expect(r.candidates).toEqual(['f501', 'f600']);
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
