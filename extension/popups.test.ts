import { describe, expect, it } from 'vitest';
import { PopupTabs } from './popups';

describe('PopupTabs', () => {
  it('resolves popups of popups to the root tab and survives a round trip through storage', () => {
    const p = new PopupTabs();
    expect(p.learned(2, 1, 0)).toBe(true);
    expect(p.learned(2, 1, 0)).toBe(false);
    expect(p.learned(3, 2, 4)).toBe(true);
    expect(p.root(3)).toBe(1);
    expect(p.get(3)?.opener).toEqual({ tabId: 2, frameId: 4 });
    expect(p.audience(3)).toEqual([3, 2, 1]);
    expect([...p.session(1)].sort()).toEqual([1, 2, 3]);
    expect([...p.session(2)].sort()).toEqual([2, 3]);
    const again = new PopupTabs(JSON.parse(JSON.stringify(p.toRecord())));
    expect(again.audience(3)).toEqual([3, 2, 1]);
    expect(new PopupTabs('garbage').root(3)).toBe(3);
  });

  it('keeps a closed popup until its root closes', () => {
    const p = new PopupTabs();
    p.learned(2, 1, 0);
    p.learned(3, 2, 0);
    expect(p.removed(2)).toBe(false);
    expect(p.root(3)).toBe(1);
    expect(p.removed(1)).toBe(true);
    expect(p.get(2)).toBeUndefined();
    expect(p.get(3)).toBeUndefined();
  });
});
