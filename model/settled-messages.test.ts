import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { syntheticLog } from '../bench/synthetic.mjs';
import { createCorrelator } from './correlator';
import type { MessageModel } from './model-types';
import { count, merged, modelOrder, settledAfter } from './settled-messages';

vi.mock('./settled-messages', async (actual) => {
  const real = await actual<typeof import('./settled-messages')>();
  return { ...real, count: vi.fn(real.count) };
});

const msg = (id: string, t: number, index: number, dropped = false) =>
  ({ id, sentAt: t, send: { realm: 'r', seq: index, index }, ...(dropped ? { dropped: { targetOrigin: 'x', recipientOrigin: 'y' } } : {}) }) as unknown as MessageModel;

describe('model order', () => {
  it('is by time, then by arrival, with dropped window messages last of their time', () => {
    const a = msg('a', 5, 9);
    const b = msg('b', 5, 2);
    const c = msg('c', 4, 20);
    const d = msg('d', 5, 0, true);
    expect([a, b, c, d].sort(modelOrder).map((m) => m.id)).toEqual(['c', 'b', 'a', 'd']);
    expect(modelOrder(d, d)).toBe(0);
  });

  it('merges a few messages into many as a sort of both would order them, in a new array', () => {
    const many = Array.from({ length: 50 }, (_, i) => msg(`m${i}`, i * 2, i));
    const few = [msg('x', -1, 100), msg('y', 10, 100), msg('z', 10, 3), msg('w', 1_000, 0)].sort(modelOrder);
    const out = merged(many, few);
    expect(out.map((m) => m.id)).toEqual([...many, ...few].sort(modelOrder).map((m) => m.id));
    expect(out).not.toBe(many);
    expect(merged(many, [])).toEqual(many);
    expect(merged([], few)).toEqual(few);
  });

  it('extends the settled messages in place when the new ones come after them, else merges a copy', () => {
    const settled = [msg('a', 1, 0), msg('b', 2, 1)];
    const later = [msg('c', 3, 2)];
    expect(settledAfter(settled, later)).toBe(settled);
    expect(settled.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    const earlier = [msg('x', 1.5, 5)];
    const out = settledAfter(settled, earlier);
    expect(out).not.toBe(settled);
    expect(out.map((m) => m.id)).toEqual(['a', 'x', 'b', 'c']);
  });
});

describe('builds that visit only what may have changed', () => {
  // Window carriers, port transfers, ports never started, failed sends, and batches of several
  // realms arriving in flush order (a receipt can arrive before its send).
  const log = syntheticLog({ messages: 600, ports: 24, realms: 6, batch: 20 });

  it('give the model a build from scratch gives, whatever the batches between builds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const live = createCorrelator();
        let at = 0;
        for (const size of sizes) {
          if (at >= log.length) break;
          live.append(log.slice(at, at + size));
          at += size;
          const incremental = live.model();
          const fresh = createCorrelator();
          fresh.append(log.slice(0, at));
          expect(incremental).toEqual(fresh.model());
        }
      }),
      { seed: 1212, numRuns: 25 },
    );
  });

  it('reuse the settled messages, and a build after a few records counts only the open and new ones', () => {
    const live = createCorrelator();
    live.append(log.slice(0, 900));
    const first = live.model().messages;
    live.append(log.slice(900, 920));
    vi.mocked(count).mockClear();
    const second = live.model().messages;
    // `count` is called once per message the build made or visited (settled now, or still open); the
    // messages settled before are carried with their counts. A build from scratch counts them all.
    expect(vi.mocked(count).mock.calls.length).toBeLessThan(second.length / 4);
    const before = new Set(first);
    expect(second.filter((m) => before.has(m)).length).toBeGreaterThan(first.length * 0.9);
    vi.mocked(count).mockClear();
    const fresh = createCorrelator();
    fresh.append(log.slice(0, 920));
    expect(fresh.model().messages).toEqual(second);
    expect(vi.mocked(count).mock.calls.length).toBe(second.length);
  });
});
