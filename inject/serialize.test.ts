// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { append, put } from './natives';
import { quote, stringify, writeJson } from './serialize';

const strings = [
  '',
  'plain text',
  'quote " backslash \\ slash /',
  '\b\f\n\r\t\u0000\u0001\u001f\u007f',
  'pair \ud83d\ude00 ok',
  'lone high \ud83d end',
  'lone low \ude00 end',
  'high at end \ud83d',
  '\udbff\udfff\udc00\ud800',
  'é ü 中文 \u2028\u2029',
];

describe('serialize', () => {
  it('quotes strings exactly as JSON.stringify does', () => {
    for (const s of strings) expect(quote(s)).toBe(JSON.stringify(s));
    for (let c = 0; c < 0x10000; c += 7) {
      const s = `a${String.fromCharCode(c)}b${String.fromCharCode(0xffff - c)}`;
      expect(quote(s)).toBe(JSON.stringify(s));
    }
  });

  it('writes the recorder’s events as JSON.stringify does', () => {
    const values: unknown[] = [
      { type: 'messageSent', t: 1712345678901.25, route: 'port', port: 'r:1', transfer: [], outcome: 'posted', seq: 3 },
      { a: undefined, b: null, c: [undefined, 1, null, () => 0], d: -0, e: NaN, f: Infinity, g: 1e21, h: 1e-7, i: true, j: false },
      { preview: { $t: 'object', entries: [['k', { $t: 'array', items: [1, 'two', { $t: 'undefined' }], length: 3 }]], more: 0 } },
      [1, , 3], // eslint-disable-line no-sparse-arrays
      { nested: { deeper: { deepest: [[[strings]]] } } },
      'top',
      12,
      null,
    ];
    for (const v of values) {
      expect(writeJson(v)).toBe(JSON.stringify(v));
      expect(stringify(v)).toBe(JSON.stringify(v));
    }
  });

  it('calls no hook the page puts on Object.prototype or Array.prototype', () => {
    const calls: string[] = [];
    const protos = [Object.prototype, Array.prototype] as const;
    const keys = ['toJSON', 'seq', 'value', 'get', 'set', '0', '1', '2'];
    const event: Record<string, unknown> = { type: 'portStarted', t: 1, port: 'r:1' };
    const list: unknown[] = [];
    let json = '';
    try {
      for (const proto of protos) {
        for (const key of keys) {
          Object.defineProperty(proto, key, {
            __proto__: null,
            configurable: true,
            get: () => void calls.push(`get ${key}`),
            set: () => void calls.push(`set ${key}`),
          } as PropertyDescriptor);
        }
      }
      put(event, 'seq', 7);
      append(list, 'a');
      append(list, event);
      put(event, 'more', [1, , 3]); // eslint-disable-line no-sparse-arrays
      json = stringify({ v: 1, events: list });
    } finally {
      for (const proto of protos) for (const key of keys) delete (proto as Record<string, unknown>)[key];
    }
    expect(calls).toEqual([]);
    expect(JSON.parse(json)).toEqual({ v: 1, events: ['a', { type: 'portStarted', t: 1, port: 'r:1', seq: 7, more: [1, null, 3] }] });
  });
});
