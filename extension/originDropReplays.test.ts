import { describe, expect, it } from 'vitest';
import { dropReport as report } from './dropReport.fixture';
import { ReportedDrops } from './originDropReplays';


describe('ReportedDrops', () => {
  it('every entry of one log session is new, even two that say the same', () => {
    const r = new ReportedDrops();
    expect([r.isNew(report(1), 'a'), r.isNew(report(1), 'a'), r.isNew(report(2), 'a')]).toEqual([true, true, true]);
  });

  it('another session hands the same entries again: not new, as many as were reported; beyond that, new', () => {
    const r = new ReportedDrops();
    r.isNew(report(1), 'a');
    r.isNew(report(1), 'a');
    r.isNew(report(2), 'a');
    expect([report(1), report(1), report(2), report(1), report(3)].map((e) => r.isNew(e, 'b'))).toEqual([false, false, false, true, true]);
    // The first session goes on: what the second reported already is not new to it either.
    expect([r.isNew(report(1), 'a'), r.isNew(report(3), 'a'), r.isNew(report(4), 'a')]).toEqual([false, false, true]);
  });

  it('any field that differs makes another entry', () => {
    const r = new ReportedDrops();
    r.isNew(report(1), 'a');
    const others = [report(1, { line: 13 }), report(1, { column: 2 }), report(1, { stack: 's' }), report(1, { url: undefined }), report(1, { recipientOrigin: 'http://x' })];
    expect(others.map((e) => r.isNew(e, 'b'))).toEqual([true, true, true, true, true]);
  });

  it('keeps only the newest contents; anything stamped no later than one forgotten is taken as handed again', () => {
    const r = new ReportedDrops(3);
    for (const t of [1, 2, 3, 4, 5]) r.isNew(report(t), 'a');
    // 1 and 2 are forgotten: a session handing them again does not report them.
    expect([1, 2, 3, 4, 5, 6].map((t) => r.isNew(report(t), 'b'))).toEqual([false, false, false, false, false, true]);
  });
});
