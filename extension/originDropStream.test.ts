import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dropReport as report } from './dropReport.fixture';
import { eventProblem } from '../model/validate';
import type { RoutedBatchText } from '../model/relay';
import { BATCH_CHARS, FLUSH_AT, FLUSH_DELAY_MS, OriginDropStream, reporterRealmId } from './originDropStream';


function stream(bounds?: ConstructorParameters<typeof OriginDropStream>[4]) {
  const sent: RoutedBatchText[] = [];
  const s = new OriginDropStream(7, (r) => sent.push(r), () => undefined, 'browser-test', bounds);
  return { s, sent };
}
const seqsOf = (b: RoutedBatchText): number[] => (JSON.parse(b.json) as { events: { seq: number }[] }).events.map((e) => e.seq);

describe('OriginDropStream', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('a single report goes out on its own once the short delay has passed', () => {
    const { s, sent } = stream();
    s.add(report(1_000), 'log');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(sent).toEqual([
      {
        tabId: 7,
        frameId: -1,
        realm: 'browser-test',
        first: 1,
        last: 1,
        json: JSON.stringify({ v: 1, realm: 'browser-test', events: [{ ...report(1_000), seq: 1 }] }),
      },
    ]);
  });

  it('reports close together are one batch, whose text is what JSON.stringify writes and whose events are valid', () => {
    const { s, sent } = stream();
    const reports = [report(1_000), report(1_001, { stack: '    at send (http://127.0.0.1:8080/page.html:12:5)' }), report(1_002, { url: undefined, line: undefined, column: undefined })];
    for (const r of reports) s.add(r, 'log');
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(sent.map((b) => [b.first, b.last])).toEqual([[1, 3]]);
    const events = reports.map((r, i) => ({ ...r, seq: i + 1 }));
    expect(sent[0]!.json).toBe(JSON.stringify({ v: 1, realm: 'browser-test', events }));
    for (const e of (JSON.parse(sent[0]!.json) as { events: unknown[] }).events) expect(eventProblem(e, 'e')).toBeUndefined();
  });

  it('a batch goes out at once when it holds FLUSH_AT reports, and the rest after the delay', () => {
    const { s, sent } = stream();
    for (let i = 0; i < FLUSH_AT + 3; i++) s.add(report(1_000 + i), 'log');
    expect(sent.map((b) => [b.first, b.last])).toEqual([[1, FLUSH_AT]]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(sent.map((b) => [b.first, b.last])).toEqual([
      [1, FLUSH_AT],
      [FLUSH_AT + 1, FLUSH_AT + 3],
    ]);
    expect(sent.flatMap(seqsOf)).toEqual(Array.from({ length: FLUSH_AT + 3 }, (_, i) => i + 1));
  });

  it('no batch holds much more than BATCH_CHARS characters', () => {
    const { s, sent } = stream();
    const stack = 'x'.repeat(8_000);
    for (let i = 0; i < 300; i++) s.add(report(1_000 + i, { stack }), 'log');
    s.flush();
    expect(sent.length).toBeGreaterThan(1);
    for (const b of sent) expect(b.json.length).toBeLessThan(BATCH_CHARS + 100);
    expect(sent.flatMap(seqsOf)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('flush sends what waits at once, and nothing when nothing waits', () => {
    const { s, sent } = stream();
    s.flush();
    s.add(report(1_000), 'log');
    s.flush();
    expect(sent.map((b) => [b.first, b.last])).toEqual([[1, 1]]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(sent).toHaveLength(1);
  });

  it('an entry the browser hands again is not reported again; numbering goes on', () => {
    const { s, sent } = stream();
    s.add(report(1_000), '1 tab');
    s.add(report(1_001), '1 tab');
    s.add(report(1_000), '2 tab');
    s.add(report(1_001), '2 tab');
    s.add(report(1_002), '2 tab');
    s.flush();
    expect(sent.map((b) => [b.first, b.last])).toEqual([[1, 3]]);
    expect((JSON.parse(sent[0]!.json) as { events: { t: number }[] }).events.map((e) => e.t)).toEqual([1_000, 1_001, 1_002]);
  });

  it('a panel subscribing again gets the batches sent, not what still waits (that goes to every panel when sent)', () => {
    const { s } = stream();
    s.add(report(1_000), 'log');
    s.add(report(1_001), 'log');
    s.flush();
    s.add(report(1_002), 'log');
    expect(s.batchesAfter(0).map((b) => [b.first, b.last])).toEqual([[1, 2]]);
    expect(s.batchesAfter(1).map((b) => [b.first, b.last])).toEqual([[1, 2]]);
    expect(s.batchesAfter(2)).toEqual([]);
    s.flush();
    expect(s.batchesAfter(2).map((b) => [b.first, b.last])).toEqual([[3, 3]]);
  });

  it('the buffer for panels subscribing again is bounded: what it lost is a counted range', () => {
    const small = { events: 4, chars: 1_000_000 };
    const { s } = stream({ full: small, head: small, tail: small });
    for (let i = 0; i < 3; i++) s.add(report(1_000 + i), 'log');
    s.flush();
    for (let i = 3; i < 6; i++) s.add(report(1_000 + i), 'log');
    s.flush();
    const again = s.batchesAfter(0);
    expect(again.map((b) => [b.first, b.last, b.dropped?.from, b.dropped?.to])).toEqual([[4, 6, 1, 3]]);
  });
});

describe('reporterRealmId', () => {
  it('is a browser- id made of random parts', () => {
    expect(reporterRealmId(() => 0.5)).toBe(`browser-${(0x8000_0000).toString(36).repeat(3)}`);
    expect(reporterRealmId()).toMatch(/^browser-[0-9a-z]+$/);
  });
});
