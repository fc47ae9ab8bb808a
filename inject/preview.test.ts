// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { bufferFacts, previewSent, previewUnserialized, previewValue } from './preview';
import { PREVIEW_TEXT_MAX } from '../model/protocol';
import { previewProblem } from '../model/validate-preview';

/** A Proxy whose every trap fails the test: the walks below must never reach it. */
function tripwire(): object {
  const fail = () => {
    throw new Error('a trap ran');
  };
  return new Proxy({}, { get: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail, getPrototypeOf: fail, defineProperty: fail, isExtensible: fail });
}

const culprit = (payload: unknown) => previewSent(payload, undefined, true).culprit;

describe('previewSent after a DataCloneError: where the refused value sits', () => {
  it('finds functions and symbols at the top, in object keys and array items', () => {
    expect(culprit(() => 1)).toEqual({ path: 'payload', kind: 'Function' });
    expect(culprit(Symbol('s'))).toEqual({ path: 'payload', kind: 'Symbol' });
    expect(culprit({ a: 1, handlers: [1, 2, function h() {}], after: tripwire() })).toEqual({ path: 'payload.handlers[2]', kind: 'Function' });
    expect(culprit({ 'odd key': { s: Symbol('x') } })).toEqual({ path: 'payload["odd key"].s', kind: 'Symbol' });
  });

  it('finds them in Map keys and values and in Set items, in clone order', () => {
    expect(culprit(new Map<unknown, unknown>([[1, 'a'], [() => 1, tripwire()]]))).toEqual({ path: 'payload.<key 1>', kind: 'Function' });
    expect(culprit({ m: new Map<unknown, unknown>([['k', Symbol('v')]]) })).toEqual({ path: 'payload.m.<value 0>', kind: 'Symbol' });
    expect(culprit({ s: new Set<unknown>([1, Symbol('i'), tripwire()]) })).toEqual({ path: 'payload.s.<item 1>', kind: 'Symbol' });
  });

  it('finds DOM nodes and refused built-ins by their interface', () => {
    expect(culprit({ el: document.createElement('div') })).toEqual({ path: 'payload.el', kind: 'HTMLDivElement' });
    expect(culprit({ deep: { list: [{ ok: 1 }, new WeakMap()] } })).toEqual({ path: 'payload.deep.list[1]', kind: 'WeakMap' });
    expect(culprit([Promise.resolve()])).toEqual({ path: 'payload[0]', kind: 'Promise' });
  });

  it('reads nothing past the culprit', () => {
    const p = previewSent({ f: () => 1, after: tripwire(), more: [tripwire()] }, undefined, true);
    expect(p.preview).toEqual({
      $t: 'object',
      entries: [
        ['f', { $t: 'uncloneable', kind: 'Function' }],
        ['after', { $t: 'truncated', reason: 'unreached' }],
        ['more', { $t: 'truncated', reason: 'unreached' }],
      ],
      more: 0,
    });
  });

  it('stops at a getter without naming a path (the culprit may be in what it returned)', () => {
    let calls = 0;
    const payload = {
      get g() {
        calls++;
        return 1;
      },
      f: () => 1,
      after: tripwire(),
    };
    const p = previewSent(payload, undefined, true);
    expect(p.culprit).toBeUndefined();
    expect(calls).toBe(0);
    expect(p.preview).toMatchObject({ entries: [['g', { $t: 'accessor', key: 'g' }], ['f', { $t: 'truncated', reason: 'unreached' }], ['after', { $t: 'truncated', reason: 'unreached' }]] });
  });

  it('keeps walking a payload that cloned (no stop, no culprit)', () => {
    const p = previewSent({ f: 1, s: new Set([1]) }, undefined, false);
    expect(p.culprit).toBeUndefined();
    expect(p.preview).toEqual({ $t: 'object', entries: [['f', 1], ['s', { $t: 'set', items: [1], size: 1 }]], more: 0 });
  });
});

describe('previews at the sender, made after the call', () => {
  it('shows a transferred buffer as read before the call detached it', () => {
    const buf = new Uint8Array([1, 2, 255]).buffer;
    const facts = new Map([[buf as object, bufferFacts(buf)]]);
    const payload = { b: buf, v: new Uint8Array(buf) };
    structuredClone(buf, { transfer: [buf] }); // detaches it, as a send would
    expect(buf.byteLength).toBe(0);
    expect(previewSent(payload, facts, false).preview).toEqual({
      $t: 'object',
      entries: [
        ['b', { $t: 'arraybuffer', byteLength: 3, head: '0102ff' }],
        ['v', { $t: 'typedarray', kind: 'Uint8Array', length: 3, byteLength: 3, head: '0102ff' }],
      ],
      more: 0,
    });
  });

  it('never enters an object the browser did not serialize', () => {
    expect(previewUnserialized(tripwire()).preview).toEqual({ $t: 'opaque', kind: 'Object' });
    expect(previewUnserialized([1]).preview).toEqual({ $t: 'opaque', kind: 'Array' });
    expect(previewUnserialized('text').preview).toBe('text');
    expect(previewUnserialized(() => 1).preview).toEqual({ $t: 'uncloneable', kind: 'Function' });
  });
});

describe('previews reach no index setter of the page', () => {
  it('fills each level by index and cuts it to its count, calling no Array.prototype or Object.prototype accessor', () => {
    const payload = { a: [1, 2, 3], m: new Map([['k', 'v']]), s: new Set([1, 2]), wide: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) };
    const copy = structuredClone(payload);
    let calls = 0;
    const count = (): undefined => {
      calls++;
      return undefined;
    };
    // Hooked only around the two walks: the test's own code below must not meet them.
    for (const proto of [Array.prototype, Object.prototype]) {
      for (let i = 0; i < 20; i++) Object.defineProperty(proto, String(i), { configurable: true, get: count, set: count });
    }
    let received: unknown;
    let sent: unknown;
    try {
      received = previewValue(copy, true).preview;
      sent = previewSent(payload, undefined, false).preview;
    } finally {
      for (const proto of [Array.prototype, Object.prototype]) {
        for (let i = 0; i < 20; i++) delete (proto as unknown as Record<string, unknown>)[String(i)];
      }
    }
    expect(calls).toBe(0);
    for (const p of [received, sent]) {
      expect(p).toMatchObject({ $t: 'object', more: 0 });
      const entries = (p as { entries: [string, unknown][] }).entries;
      expect(entries.length).toBe(4);
      expect(entries[0]).toEqual(['a', { $t: 'array', items: [1, 2, 3], length: 3 }]);
      expect(entries[1]![1]).toEqual({ $t: 'map', entries: [['k', 'v']], size: 1 });
      expect(entries[2]![1]).toEqual({ $t: 'set', items: [1, 2], size: 2 });
      // 16 keys shown of 20, and no slot left over past them.
      expect(entries[3]![1]).toMatchObject({ $t: 'object', more: 4 });
      const wide = (entries[3]![1] as { entries: unknown[] }).entries;
      expect(wide.length).toBe(16);
      expect(Object.keys(wide).length).toBe(16);
    }
  });
});

describe('host interfaces, known by the natives the realm started with', () => {
  it('previews a page class put on the global later as the plain object structured clone makes of it, even under a native name', async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    // A fresh recorder module: it reads the global's names at its start, the prototypes only when a
    // preview first needs them (after the page's changes below).
    const fresh = await import('./preview');
    const g = globalThis as Record<string, unknown>;
    const nativeWeakRef = g.WeakRef;
    class Widget {
      size = 3;
    }
    g.Widget = Widget;
    g.WeakRef = Widget;
    try {
      const plain = { $t: 'object', entries: [['size', 3]], more: 0 };
      expect(fresh.previewValue(new Widget(), true).preview).toEqual(plain);
      expect(fresh.previewValue({ w: new Widget() }, true).preview).toEqual({ $t: 'object', entries: [['w', plain]], more: 0 });
      // A DOM node is still refused (happy-dom's interfaces are JS classes: by its names), and a
      // native non-clonable built-in by its prototype, found in the table made on first need.
      expect(fresh.previewSent({ el: document.createElement('div') }, undefined, true).culprit).toEqual({ path: 'payload.el', kind: 'HTMLDivElement' });
      expect(fresh.previewSent({ sab: new SharedArrayBuffer(1) }, undefined, true).culprit).toEqual({ path: 'payload.sab', kind: 'SharedArrayBuffer' });
    } finally {
      delete g.Widget;
      g.WeakRef = nativeWeakRef;
    }
  });
});

describe('a BigInt', () => {
  it('is previewed whole up to what the extension accepts, sign included; beyond it, as over the budget', () => {
    const digits = (n: number) => BigInt(`1${'0'.repeat(n - 1)}`);
    expect(previewValue(12n, true).preview).toEqual({ $t: 'bigint', v: '12' });
    expect(previewValue(digits(PREVIEW_TEXT_MAX), true).preview).toEqual({ $t: 'bigint', v: `1${'0'.repeat(PREVIEW_TEXT_MAX - 1)}` });
    expect(previewValue(-digits(PREVIEW_TEXT_MAX - 1), true).preview).toMatchObject({ $t: 'bigint' });
    expect(previewValue(-digits(PREVIEW_TEXT_MAX), true).preview).toEqual({ $t: 'truncated', reason: 'budget' });
    expect(previewValue({ n: digits(PREVIEW_TEXT_MAX + 1) }, true).preview).toEqual({ $t: 'object', entries: [['n', { $t: 'truncated', reason: 'budget' }]], more: 0 });
    // What the recorder previews, the extension's check accepts: a batch is not lost for one value.
    for (const v of [digits(PREVIEW_TEXT_MAX), -digits(PREVIEW_TEXT_MAX - 1), -digits(PREVIEW_TEXT_MAX)]) {
      expect(previewProblem(previewValue(v, true).preview)).toBeUndefined();
    }
  });
});
