import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PreviewInterner } from './preview-intern';
import type { EntangleEvent, Preview } from './protocol';

/** A preview as the synthetic benchmark's messages have: a unique id around a repeated part. */
const rpc = (id: number, item: number): Preview => ({
  $t: 'object',
  entries: [
    ['id', id],
    ['op', 'get'],
    ['payload', { $t: 'array', length: 2, items: [item, `item-${item}`] }],
  ],
  more: 0,
});

const payloadOf = (p: Preview): unknown => ((p as { entries: [string, Preview][] }).entries[2] as [string, Preview])[1];

describe('PreviewInterner', () => {
  it('makes equal previews one object, and shares the equal parts of unequal ones', () => {
    const interner = new PreviewInterner();
    const a = interner.intern({ $t: 'object', entries: [['type', 'tick']], more: 0 } as Preview);
    // A part is shared from the occurrence after the one its insides were first seen at.
    for (let i = 0; i < 4; i++) interner.intern({ $t: 'object', entries: [['type', 'tick']], more: 0 } as Preview);
    const b = interner.intern({ $t: 'object', entries: [['type', 'tick']], more: 0 } as Preview);
    const c = interner.intern({ $t: 'object', entries: [['type', 'tick']], more: 0 } as Preview);
    expect(b).toBe(c);
    expect(c).toEqual(a);

    for (let i = 0; i < 5; i++) interner.intern(rpc(i, 7));
    const x = interner.intern(rpc(100, 7));
    const y = interner.intern(rpc(101, 7));
    expect(x).not.toBe(y);
    expect(payloadOf(x)).toBe(payloadOf(y));
    expect(x).toEqual(rpc(100, 7));
    expect(y).toEqual(rpc(101, 7));
  });

  it('keeps apart what differs, however little', () => {
    const interner = new PreviewInterner();
    const variants: unknown[] = [
      [0],
      [-0],
      [1],
      ['1'],
      [true],
      [null],
      [[]],
      [{}],
      [1, 2],
      [2, 1],
      { a: 1 },
      { a: 1, b: 2 },
      { b: 1 },
      { a: '1' },
      { a: [1] },
      { a: [[1]] },
    ];
    for (let round = 0; round < 5; round++) {
      for (const v of variants) {
        const got = interner.intern(structuredClone(v));
        expect(got).toEqual(v);
        if (Array.isArray(v) && typeof v[0] === 'number') expect(Object.is((got as number[])[0], v[0])).toBe(true);
      }
    }
  });

  it('tells apart long strings that hash alike (the same ends), and finds each again', () => {
    const interner = new PreviewInterner();
    const long = (middle: string): string => `${'a'.repeat(40)}${middle}${'z'.repeat(40)}`;
    const p = (s: string): unknown => ['s', s];
    const first = [p(long('one')), p(long('two')), p(long('six'))].map((v) => interner.intern(v));
    const again = [p(long('one')), p(long('two')), p(long('six'))].map((v) => interner.intern(v));
    expect(again[0]).toBe(first[0]);
    expect(again[1]).toBe(first[1]);
    expect(again[2]).toBe(first[2]);
    expect(new Set(first).size).toBe(3);
  });

  it('adds a part whose insides are new without its surroundings (a unique root costs one entry)', () => {
    const interner = new PreviewInterner();
    for (let i = 0; i < 6; i++) interner.intern(rpc(i, 7));
    const before = interner.size;
    interner.intern(rpc(1_000, 7));
    // Only the new pair ['id', 1000]: the entries array and the root around it are not added.
    expect(interner.size).toBe(before + 1);
  });

  it('holds at most maxNodes parts, then starts over, and what it gives is still equal', () => {
    const interner = new PreviewInterner(50);
    for (let i = 0; i < 500; i++) {
      const got = interner.intern(rpc(i, i % 3));
      expect(got).toEqual(rpc(i, i % 3));
      expect(interner.size).toBeLessThanOrEqual(50);
    }
    expect(interner.restarts).toBeGreaterThan(0);
  });

  it('walks a preview that several events share (a batch shape\'s) once', () => {
    const interner = new PreviewInterner();
    const preview = rpc(1, 7);
    const receipt = () => ({ type: 'messageReceived', seq: 1, t: 1, route: 'port', origin: '', ports: [], preview, size: 9 }) as EntangleEvent;
    interner.eventPreview(receipt());
    const after = interner.size;
    // Walked again, each pass would add the next level up of the parts it had seen.
    for (let i = 0; i < 5; i++) {
      const e = receipt();
      interner.eventPreview(e);
      expect((e as { preview: Preview }).preview).toBe(preview);
    }
    expect(interner.size).toBe(after);
  });

  it('probes a few slots a look-up, also for numbers alike in their low bits and strings alike at their ends', () => {
    const cases: [string, (i: number) => unknown][] = [
      ['offsets in steps of 65,536', (i) => ['offset', i * 65_536]],
      ['times as doubles', (i) => ['at', 1_765_000_000_000 + i * 1_000]],
      ['fractional times', (i) => ['t', 1_765_000_000_000.125 + i]],
      ['sequential ids', (i) => ['id', i]],
      ['URLs alike at both ends', (i) => ['url', `https://api.example.test/v1/users/${String(i).padStart(36, '0')}/profile/settings/notifications`]],
      ['long texts alike at both ends', (i) => ['text', `${'a'.repeat(300)}${i}${'z'.repeat(300)}`]],
    ];
    for (const [name, make] of cases) {
      const interner = new PreviewInterner();
      const n = 20_000;
      for (let i = 0; i < n; i++) interner.intern(make(i));
      expect(interner.probes / n, name).toBeLessThan(2);
      // And each is found again.
      expect(interner.intern(make(7)), name).toEqual(make(7));
    }
  });

  it('a table that starts over in the middle of a walk still gives back an equal value', () => {
    for (const max of [1, 2, 3, 5]) {
      const interner = new PreviewInterner(max);
      for (let i = 0; i < 20; i++) {
        const p = rpc(i % 3, i % 2);
        expect(interner.intern(structuredClone(p))).toEqual(p);
      }
      expect(interner.restarts).toBeGreaterThan(0);
    }
  });

  it('walks previews that events alternating between shapes share once each', () => {
    const interner = new PreviewInterner();
    const a = rpc(1, 7);
    const b = rpc(2, 8);
    const receipt = (preview: Preview) => ({ type: 'messageReceived', seq: 1, t: 1, route: 'port', origin: '', ports: [], preview, size: 9 }) as EntangleEvent;
    interner.eventPreview(receipt(a));
    interner.eventPreview(receipt(b));
    const after = interner.size;
    for (let i = 0; i < 6; i++) interner.eventPreview(receipt(i % 2 === 0 ? a : b));
    expect(interner.size).toBe(after);
  });

  it('gives back a value equal to what it was given, for any JSON (property)', () => {
    const interner = new PreviewInterner(200);
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }), (values) => {
        for (const v of values) {
          const input = structuredClone(v);
          const out = interner.intern(input);
          expect(out).toStrictEqual(v);
          // And again: the second answer is equal too (possibly the first's object).
          expect(interner.intern(structuredClone(v))).toStrictEqual(v);
        }
      }),
      { numRuns: 300 },
    );
  });
});
