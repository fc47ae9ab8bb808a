import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../model/bridge';
import { Emitter, MAX_EVENT_CHARS } from './emit';

/** An emitter whose batches are decoded as the relay and the background would. */
function recorder() {
  const batches: { first: number; last: number; events: Record<string, unknown>[] }[] = [];
  const emitter = new Emitter('r1', () => (envelope) => {
    const e = decodeEnvelope(envelope, Infinity);
    if ('error' in e) throw new Error(e.error);
    const batch = JSON.parse(e.json) as { v: number; realm: string; events: Record<string, unknown>[] };
    expect(batch.realm).toBe('r1');
    batches.push({ first: e.first, last: e.last, events: batch.events });
  });
  return { emitter, batches };
}

const sent = (i: number) => ({ type: 'messageSent', t: 1000 + i, route: 'port', port: 'r1:1', transfer: [], outcome: 'posted' }) as never;

describe('Emitter batches', () => {
  it('sends a partly filled queue as exactly its events, numbered in order', () => {
    const { emitter, batches } = recorder();
    for (let i = 0; i < 3; i++) emitter.record(sent(i));
    emitter.flush();
    expect(batches).toEqual([{ first: 1, last: 3, events: [0, 1, 2].map((i) => ({ ...(sent(i) as object), seq: i + 1 })) }]);
  });

  it('sends a full queue at once, then goes on numbering', () => {
    const { emitter, batches } = recorder();
    for (let i = 0; i < 512 + 2; i++) emitter.record(sent(i));
    emitter.flush();
    expect(batches.map((b) => [b.first, b.last, b.events.length])).toEqual([
      [1, 512, 512],
      [513, 514, 2],
    ]);
    expect(batches.flatMap((b) => b.events.map((e) => e.seq))).toEqual(Array.from({ length: 514 }, (_, i) => i + 1));
    expect(batches[1]!.events[1]).toEqual({ ...(sent(513) as object), seq: 514 });
  });

  it('cuts an oversized event down without touching its neighbours', () => {
    const { emitter, batches } = recorder();
    const huge = { type: 'messageReceived', t: 1, route: 'port', origin: '', port: 'r1:2', ports: [], size: 1, preview: 'x'.repeat(MAX_EVENT_CHARS) } as never;
    emitter.record(sent(0));
    emitter.record(huge);
    emitter.record(sent(2));
    emitter.flush();
    emitter.record(sent(3));
    emitter.record(huge);
    emitter.flush();
    emitter.record(sent(5));
    emitter.flush();
    const events = batches.flatMap((b) => b.events);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]).toEqual({ ...(sent(0) as object), seq: 1 });
    expect(events[1]).toMatchObject({ type: 'messageReceived', seq: 2, preview: { $t: 'truncated', reason: 'budget' } });
    expect(events[2]).toEqual({ ...(sent(2) as object), seq: 3 });
    expect(events[4]).toMatchObject({ seq: 5, preview: { $t: 'truncated', reason: 'budget' } });
    expect(events[5]).toEqual({ ...(sent(5) as object), seq: 6 });
  });

  it('hands no batch to a toJSON the page put on Object.prototype or Array.prototype', () => {
    const { emitter, batches } = recorder();
    let calls = 0;
    for (const proto of [Object.prototype, Array.prototype]) {
      Object.defineProperty(proto, 'toJSON', {
        configurable: true,
        value: () => {
          calls++;
          return { forged: true };
        },
      });
    }
    try {
      for (let i = 0; i < 3; i++) emitter.record(sent(i));
      emitter.flush();
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
      delete (Array.prototype as { toJSON?: unknown }).toJSON;
    }
    expect(calls).toBe(0);
    expect(batches[0]!.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});
