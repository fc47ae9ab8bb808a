import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../model/bridge';
import type { ShapedBatch } from '../model/protocol';
import { parseBatch } from '../model/validate';
import { Emitter, MAX_EVENT_CHARS } from './emit';

/** An emitter whose batches are decoded as the relay and the panel would (model/validate.ts). */
function recorder() {
  const batches: { first: number; last: number; events: Record<string, unknown>[]; wire: ShapedBatch }[] = [];
  const emitter = new Emitter('r1', () => (envelope) => {
    const e = decodeEnvelope(envelope, Infinity);
    if ('error' in e) throw new Error(e.error);
    const wire = JSON.parse(e.json) as ShapedBatch;
    const batch = parseBatch(e.json, Infinity);
    if (!batch.ok) throw new Error(batch.error);
    expect(batch.value.realm).toBe('r1');
    batches.push({ first: e.first, last: e.last, events: batch.value.events as never, wire });
  });
  return { emitter, batches };
}

const sent = (i: number) => ({ type: 'messageSent', t: 1000 + i, route: 'port', port: 'r1:1', transfer: [], outcome: 'posted' }) as never;

describe('Emitter batches', () => {
  it('sends a partly filled queue as exactly its events, numbered in order', () => {
    const { emitter, batches } = recorder();
    for (let i = 0; i < 3; i++) emitter.record(sent(i));
    emitter.flush();
    expect(batches.map(({ first, last, events }) => ({ first, last, events }))).toEqual([{ first: 1, last: 3, events: [0, 1, 2].map((i) => ({ ...(sent(i) as object), seq: i + 1 })) }]);
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

  it('writes each distinct event once, and per event its shape and time', () => {
    const { emitter, batches } = recorder();
    const received = (t: number) => ({ type: 'messageReceived', t, route: 'port', port: 'r1:2', origin: '', ports: [], preview: { $t: 'skipped', reason: 'load' } }) as never;
    const times = [1765000000123.5, 1765000000123.625, 1765000000123.625, 1765000000125.125, 1765000000125, 1765000000200.25];
    times.forEach((t, i) => emitter.record(i % 2 === 0 ? ({ ...(sent(0) as object), t } as never) : received(t)));
    emitter.flush();
    const [{ wire, events }] = batches as [(typeof batches)[0]];
    expect(wire.form).toBe('shapes');
    expect(wire.first).toBe(1);
    expect(wire.shapes).toHaveLength(2);
    expect(wire.of).toEqual([0, 1, 0, 1, 0, 1]);
    expect(wire.t[0]).toBe(times[0]);
    // Differences in milliseconds, rounded to microseconds, each from the time the reader has.
    expect(wire.t.slice(1)).toEqual([0.125, 0, 1.5, -0.125, 75.25]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    events.forEach((e, i) => expect(Math.abs((e.t as number) - times[i]!)).toBeLessThan(0.001));
    expect(events[2]).toEqual({ ...(sent(0) as object), t: events[2]!.t, seq: 3 });
    expect(events[5]).toEqual({ ...(received(0) as object), t: events[5]!.t, seq: 6 });
    // Beside the shapes, a few characters an event (its time in full once).
    expect(JSON.stringify(wire.of).length + JSON.stringify(wire.t).length).toBeLessThan(times.length * 10);
  });

  it('starts each batch of a long queue with its own shapes', () => {
    const { emitter, batches } = recorder();
    for (let i = 0; i < 512 + 2; i++) emitter.record(sent(i));
    emitter.flush();
    expect(batches.map((b) => [b.wire.first, b.wire.shapes.length, b.wire.of.length])).toEqual([
      [1, 1, 512],
      [513, 1, 2],
    ]);
  });

  it('keeps times exact to the microsecond across a long run', () => {
    const { emitter, batches } = recorder();
    let t = 1765000000000.1;
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      t += 0.0123456 * (i % 7);
      times.push(t);
      emitter.record({ ...(sent(0) as object), t } as never);
    }
    emitter.flush();
    const events = batches.flatMap((b) => b.events);
    events.forEach((e, i) => expect(Math.abs((e.t as number) - times[i]!)).toBeLessThanOrEqual(0.0006));
    // Never out of order where the recorder's times were not.
    for (let i = 1; i < events.length; i++) expect(events[i]!.t as number).toBeGreaterThanOrEqual(events[i - 1]!.t as number);
  });
});

describe('Emitter.command: the recorder reads only what the relay wrote', () => {
  const command = { do: 'replay', original: 'r1#1', route: 'port', payload: 1 };
  const text = JSON.stringify(command);
  const refused = (reason: string): string => JSON.stringify({ outcome: 'refused', reason });

  /** An emitter whose instrumentation keeps each command it is handed. */
  function commanded() {
    const { emitter } = recorder();
    const heard: unknown[] = [];
    emitter.commands = (c) => {
      heard.push(c);
      return { outcome: 'sent', replay: 'r1#3' };
    };
    return { emitter, heard };
  }

  it('carries out a command with its own `do`, and answers its result as JSON', () => {
    const { emitter, heard } = commanded();
    expect(emitter.command(text)).toBe('{"outcome":"sent","replay":"r1#3"}');
    expect(heard).toEqual([command]);
  });

  it('refuses while nothing can carry it out (the instrumentation did not set it)', () => {
    const { emitter } = recorder();
    expect(emitter.command(text)).toBe(refused('the recorder cannot replay here'));
  });

  it('refuses text that is not JSON, and JSON that is not a command object', () => {
    const { emitter, heard } = commanded();
    for (const bad of ['', 'not json', '{"do":', "{'do':'replay'}"]) expect(emitter.command(bad), bad).toBe(refused('a malformed command'));
    for (const bad of ['null', '42', '"replay"', '[{"do":"replay"}]', '{"original":"r1#1"}']) expect(emitter.command(bad), bad).toBe(refused('the recorder cannot replay here'));
    expect(heard).toEqual([]);
  });

  it('does not take a `do` the page put on Object.prototype, nor read it', () => {
    const { emitter, heard } = commanded();
    const { do: _, ...without } = command;
    const withoutDo = JSON.stringify(without);
    let reads = 0;
    const answers: string[] = [];
    Object.defineProperty(Object.prototype, 'do', { configurable: true, value: 'replay' });
    try {
      answers.push(emitter.command(withoutDo));
    } finally {
      delete (Object.prototype as { do?: unknown }).do;
    }
    Object.defineProperty(Object.prototype, 'do', {
      configurable: true,
      get: () => {
        reads++;
        return 'replay';
      },
    });
    try {
      answers.push(emitter.command(withoutDo));
    } finally {
      delete (Object.prototype as { do?: unknown }).do;
    }
    expect(answers).toEqual([refused('the recorder cannot replay here'), refused('the recorder cannot replay here')]);
    expect(reads).toBe(0);
    expect(heard).toEqual([]);
  });

  it('makes no text of a detail that is not text: its toString is never called, nothing carried out', () => {
    const { emitter, heard } = commanded();
    let coerced = 0;
    const lookalike = {
      toString: () => {
        coerced++;
        return text;
      },
    };
    for (const bad of [lookalike, [text], null, undefined, 42]) expect(emitter.command(bad)).toBe(refused('a malformed command'));
    expect(coerced).toBe(0);
    expect(heard).toEqual([]);
  });

  it('parses with the JSON.parse saved before page scripts ran', () => {
    const { emitter, heard } = commanded();
    const parse = JSON.parse;
    JSON.parse = () => ({ do: 'replay', original: 'r1#1', route: 'port', payload: { $t: 'undefined' }, forged: true });
    try {
      emitter.command(text);
    } finally {
      JSON.parse = parse;
    }
    expect(heard).toEqual([command]);
  });

  it('answers in its own JSON when the page put a toJSON on Object.prototype', () => {
    const { emitter } = commanded();
    let answer = '';
    Object.defineProperty(Object.prototype, 'toJSON', { configurable: true, value: () => ({ outcome: 'sent', replay: 'r1#999' }) });
    try {
      answer = emitter.command(text);
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
    expect(answer).toBe('{"outcome":"sent","replay":"r1#3"}');
  });
});

describe('Emitter.configure', () => {
  it('takes own members of JSON text only', () => {
    const { emitter } = recorder();
    let coerced = 0;
    emitter.configure({
      toString: () => {
        coerced++;
        return '{"captureStacks":true}';
      },
    });
    emitter.configure(['{"captureStacks":true}']);
    Object.defineProperty(Object.prototype, 'captureStacks', { configurable: true, value: true });
    try {
      emitter.configure('{"previewsPerSecond":5}');
    } finally {
      delete (Object.prototype as { captureStacks?: unknown }).captureStacks;
    }
    expect(coerced).toBe(0);
    expect(emitter.config).toEqual({ captureStacks: false, previewsPerSecond: 5 });
    emitter.configure('{"captureStacks":true,"previewsPerSecond":-1}');
    expect(emitter.config).toEqual({ captureStacks: true, previewsPerSecond: 5 });
  });
});
