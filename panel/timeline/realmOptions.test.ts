import { describe, expect, it } from 'vitest';
import type { RealmModel } from '../../model/correlator';
import { realmOptions } from './realmOptions';

const realm = (id: string, extra: Partial<RealmModel> = {}): RealmModel => ({ id, kind: 'iframe', instrumented: true, events: 1, gaps: 0, missing: 0, faults: 0, ...extra });

describe('realmOptions', () => {
  const top = realm('top', { kind: 'top', frameId: 0 });
  const gone = Array.from({ length: 500 }, (_, i) => realm(`ad${i}`, { frameId: i + 1, goneAt: 1000 + i }));
  const living = [realm('live2', { frameId: 1002 }), realm('live1', { frameId: 1001 })];
  const all = [top, ...gone, ...living];

  it('lists every realm of a small session, in the usual order', () => {
    const some = [gone[1]!, top, living[0]!, gone[0]!];
    expect(realmOptions(some, null)).toEqual({ shown: [top, gone[0], gone[1], living[0]], hidden: 0 });
  });

  it('bounds a churned session: the living realms, then the latest gone, the rest counted', () => {
    const { shown, hidden } = realmOptions(all, null, 10);
    expect(shown).toHaveLength(10);
    expect(hidden).toBe(all.length - 10);
    const ids = shown.map((r) => r.id);
    for (const r of [top, ...living]) expect(ids).toContain(r.id);
    // The seven most recently gone (ad499..ad493), shown by place (frame order).
    expect(ids.filter((id) => id.startsWith('ad'))).toEqual(['ad493', 'ad494', 'ad495', 'ad496', 'ad497', 'ad498', 'ad499']);
  });

  it('keeps the realm the filter names, even an early gone one', () => {
    const { shown, hidden } = realmOptions(all, 'ad3', 10);
    expect(shown).toHaveLength(10);
    expect(hidden).toBe(all.length - 10);
    expect(shown.map((r) => r.id)).toContain('ad3');
  });

  it('a selected realm the model does not have is left to the picker (it says "gone"); the list stays full', () => {
    const { shown, hidden } = realmOptions(all, 'nowhere', 10);
    expect(shown).toHaveLength(10);
    expect(hidden).toBe(all.length - 10);
  });

  it('lists the selected realm even with no room, and nothing below zero', () => {
    expect(realmOptions(all, 'ad3', 0)).toEqual({ shown: [gone[3]], hidden: all.length - 1 });
    expect(realmOptions(all, null, -5)).toEqual({ shown: [], hidden: all.length });
  });
});
