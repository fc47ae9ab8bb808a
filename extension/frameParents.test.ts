import { describe, expect, it } from 'vitest';
import { FrameParents } from './frameParents';

describe('FrameParents', () => {
  it("keeps a frame's parent from its commit, per tab", () => {
    const p = new FrameParents();
    p.committed(1, 7, 0);
    p.committed(2, 7, 3);
    expect(p.parentOf(1, 7)).toBe(0);
    expect(p.parentOf(2, 7)).toBe(3);
    expect(p.parentOf(1, 8)).toBeUndefined();
    p.tabClosed(1);
    expect(p.parentOf(1, 7)).toBeUndefined();
    expect(p.parentOf(2, 7)).toBe(3);
  });

  it('keeps the newest commits within its bound', () => {
    const p = new FrameParents(3);
    for (let f = 1; f <= 4; f++) p.committed(1, f, 0);
    p.committed(1, 2, 0); // committed again: newest now
    p.committed(1, 5, 0);
    expect([1, 2, 3, 4, 5].map((f) => p.parentOf(1, f) !== undefined)).toEqual([false, true, false, true, true]);
  });
});
