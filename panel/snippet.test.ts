import { describe, expect, it } from 'vitest';
import type { MessageModel } from '../model/correlator';
import type { Preview } from '../model/protocol';
import { comment, messageSnippet, postMessageSnippet, previewToJs } from './snippet';

/** Parses (and with `run`, evaluates) the source as an expression. */
function parse(src: string): () => unknown {
  return new Function(`return (${src});`) as () => unknown;
}
function run(p: Preview): unknown {
  return parse(previewToJs(p))();
}

describe('previewToJs: primitives', () => {
  it.each<[Preview, string, unknown]>([
    [null, 'null', null],
    [true, 'true', true],
    [42.5, '42.5', 42.5],
    ['a "q"\n\u2028', JSON.stringify('a "q"\n\u2028'), 'a "q"\n\u2028'],
    [{ $t: 'undefined' }, 'undefined', undefined],
    [{ $t: 'number', v: 'NaN' }, 'NaN', Number.NaN],
    [{ $t: 'number', v: 'Infinity' }, 'Infinity', Infinity],
    [{ $t: 'number', v: '-Infinity' }, '-Infinity', -Infinity],
    [{ $t: 'number', v: '-0' }, '-0', -0],
    [{ $t: 'bigint', v: '12345678901234567890' }, '12345678901234567890n', 12345678901234567890n],
    [{ $t: 'bigint', v: '-7' }, '-7n', -7n],
  ])('%j → %s', (p, src, value) => {
    expect(previewToJs(p)).toBe(src);
    expect(Object.is(run(p), value)).toBe(true);
  });

  it('a truncated string keeps its head and says how much is missing', () => {
    const src = previewToJs({ $t: 'string', v: 'abc', length: 5000 });
    expect(src).toBe('"abc" /* … 4,997 more chars not recorded (5,000 chars in all) */');
    expect(parse(src)()).toBe('abc');
  });

  it('a malformed bigint becomes a comment, not code', () => {
    const src = previewToJs({ $t: 'bigint', v: '1); alert(1' });
    expect(src.startsWith('undefined /*')).toBe(true);
    expect(parse(src)()).toBeUndefined();
  });
});

describe('previewToJs: containers', () => {
  it('objects quote keys that are not identifiers and keep __proto__ an own key', () => {
    const p: Preview = {
      $t: 'object',
      entries: [
        ['a', 1],
        ['b-c', 'x'],
        ['0', true],
        ['__proto__', { $t: 'object', entries: [['polluted', true]], more: 0 }],
      ],
      more: 0,
    };
    const src = previewToJs(p);
    expect(src).toContain('a: 1');
    expect(src).toContain('"b-c": "x"');
    expect(src).toContain('"0": true');
    expect(src).toContain('["__proto__"]:');
    const v = run(p) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['0', 'a', 'b-c', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('objects and arrays note what was not recorded', () => {
    const o = previewToJs({ $t: 'object', entries: [['a', 1]], more: 3 });
    expect(o).toBe('{ a: 1, /* … 3 more keys not recorded */ }');
    expect(run({ $t: 'object', entries: [['a', 1]], more: 3 })).toEqual({ a: 1 });
    expect(previewToJs({ $t: 'object', entries: [], more: 0 })).toBe('{}');
    const a: Preview = { $t: 'array', items: [1, null], length: 5 };
    expect(previewToJs(a)).toBe('[1, null, /* … 3 more items not recorded (length 5) */]');
    expect(run(a)).toEqual([1, null]);
  });

  it('breaks long containers over lines with indentation', () => {
    const p: Preview = { $t: 'object', entries: Array.from({ length: 8 }, (_, i): [string, Preview] => [`key${i}`, `value number ${i}`]), more: 0 };
    const src = previewToJs(p);
    expect(src.split('\n')).toHaveLength(10);
    expect(src.split('\n')[1]).toBe('  key0: "value number 0",');
    expect(src.endsWith('\n}')).toBe(true);
    expect(run(p)).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`key${i}`, `value number ${i}`])));
  });

  it('Map and Set', () => {
    const m: Preview = { $t: 'map', entries: [['k', { $t: 'array', items: [1, 2, 3], length: 3 }], [{ $t: 'date', v: 0 }, 'd']], size: 3 };
    const src = previewToJs(m);
    expect(src.startsWith('new Map([')).toBe(true);
    expect(src).toContain('["k", [1, 2, 3]]');
    expect(src).toContain('1 more entry not recorded');
    const v = run(m) as Map<unknown, unknown>;
    expect(v).toBeInstanceOf(Map);
    expect(v.get('k')).toEqual([1, 2, 3]);
    expect(previewToJs({ $t: 'map', entries: [], size: 0 })).toBe('new Map()');
    const s: Preview = { $t: 'set', items: ['a', 'b'], size: 2 };
    expect(previewToJs(s)).toBe('new Set(["a", "b"])');
    expect(run(s)).toEqual(new Set(['a', 'b']));
    expect(previewToJs({ $t: 'set', items: [], size: 0 })).toBe('new Set()');
  });
});

describe('previewToJs: other clone types', () => {
  it('Date', () => {
    expect(previewToJs({ $t: 'date', v: 0 })).toBe('new Date(0) /* 1970-01-01T00:00:00.000Z */');
    expect(run({ $t: 'date', v: 1234 })).toEqual(new Date(1234));
    expect(previewToJs({ $t: 'date', v: null as unknown as number })).toBe('new Date(NaN)');
  });

  it('RegExp: a literal, or the constructor when a literal would not survive', () => {
    expect(previewToJs({ $t: 'regexp', source: 'a\\/b+', flags: 'gi' })).toBe('/a\\/b+/gi');
    expect(String(run({ $t: 'regexp', source: 'a\\/b+', flags: 'gi' }))).toBe('/a\\/b+/gi');
    const hostile: Preview = { $t: 'regexp', source: 'x/; alert(1); /', flags: 'g' };
    expect(previewToJs(hostile)).toBe('new RegExp("x/; alert(1); /", "g")');
    expect(previewToJs({ $t: 'regexp', source: 'a', flags: 'g;alert(1)' })).toBe('new RegExp("a", "g;alert(1)")');
  });

  it('boxed primitives', () => {
    expect(previewToJs({ $t: 'boxed', kind: 'Number', v: 5 })).toBe('new Number(5)');
    expect(previewToJs({ $t: 'boxed', kind: 'String', v: 'x' })).toBe('new String("x")');
    expect(previewToJs({ $t: 'boxed', kind: 'Boolean', v: false })).toBe('new Boolean(false)');
    expect(previewToJs({ $t: 'boxed', kind: 'BigInt', v: { $t: 'bigint', v: '7' } })).toBe('Object(7n)');
    expect(typeof run({ $t: 'boxed', kind: 'BigInt', v: { $t: 'bigint', v: '7' } })).toBe('object');
  });

  it('ArrayBuffer from the recorded head', () => {
    const full: Preview = { $t: 'arraybuffer', byteLength: 4, head: 'deadbeef' };
    expect(previewToJs(full)).toBe('new Uint8Array([0xde, 0xad, 0xbe, 0xef]).buffer');
    const v = run(full) as ArrayBuffer;
    expect(v).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(v)]).toEqual([0xde, 0xad, 0xbe, 0xef]);

    const cut: Preview = { $t: 'arraybuffer', byteLength: 100, head: 'ff01' };
    const src = previewToJs(cut);
    expect(src).toBe('Object.assign(new Uint8Array(100), [0xff, 0x01]).buffer /* first 2 of 100 bytes recorded; the rest are zeros here */');
    const w = run(cut) as ArrayBuffer;
    expect(w.byteLength).toBe(100);
    expect(new Uint8Array(w)[1]).toBe(1);

    expect(previewToJs({ $t: 'arraybuffer', byteLength: 8, head: '' })).toBe('new Uint8Array(8).buffer /* 8 bytes, contents not recorded */');
    expect(previewToJs({ $t: 'arraybuffer', byteLength: 0, head: '', detached: true })).toContain('detached');
  });

  it('typed arrays and DataView keep their kind and bytes', () => {
    const u16: Preview = { $t: 'typedarray', kind: 'Uint16Array', length: 2, byteLength: 4, head: '01000200' };
    expect(previewToJs(u16)).toBe('new Uint16Array(new Uint8Array([0x01, 0x00, 0x02, 0x00]).buffer)');
    expect([...(run(u16) as Uint16Array)]).toEqual([1, 2]);
    const u8: Preview = { $t: 'typedarray', kind: 'Uint8Array', length: 3, byteLength: 3, head: '010203' };
    expect(previewToJs(u8)).toBe('new Uint8Array([0x01, 0x02, 0x03])');
    expect(run(u8)).toEqual(new Uint8Array([1, 2, 3]));
    const dv: Preview = { $t: 'typedarray', kind: 'DataView', length: 2, byteLength: 2, head: 'abcd' };
    expect((run(dv) as DataView).getUint8(1)).toBe(0xcd);
    const big: Preview = { $t: 'typedarray', kind: 'Float64Array', length: 100, byteLength: 800, head: '00'.repeat(32) };
    expect((run(big) as Float64Array).length).toBe(100);
    expect(previewToJs(big)).toContain('first 32 of 800 bytes recorded');
    expect(previewToJs({ $t: 'typedarray', kind: 'Evil(1);Array', length: 1, byteLength: 1, head: '00' }).startsWith('undefined /*')).toBe(true);
  });

  it('Blob and File keep their metadata', () => {
    const b: Preview = { $t: 'blob', kind: 'Blob', size: 123, type: 'text/plain' };
    expect(previewToJs(b)).toBe('new Blob([/* 123 bytes, contents not recorded */], { type: "text/plain" })');
    expect((run(b) as Blob).type).toBe('text/plain');
    const f: Preview = { $t: 'blob', kind: 'File', size: 2, type: '', name: 'a".txt', lastModified: 5 };
    expect(previewToJs(f)).toBe('new File([/* 2 bytes, contents not recorded */], "a\\".txt", { type: "", lastModified: 5 })');
    const file = run(f) as File;
    expect(file.name).toBe('a".txt');
    expect(file.lastModified).toBe(5);
  });

  it('ImageData', () => {
    const src = previewToJs({ $t: 'imagedata', width: 2, height: 3 });
    expect(src).toBe('new ImageData(2, 3) /* pixels not recorded */');
    expect(() => parse(src)).not.toThrow();
  });

  it('errors', () => {
    expect(previewToJs({ $t: 'error', name: 'TypeError', message: 'bad "x"' })).toBe('new TypeError("bad \\"x\\"")');
    const e = run({ $t: 'error', name: 'RangeError', message: 'r' });
    expect(e).toBeInstanceOf(RangeError);
    const custom = run({ $t: 'error', name: 'DataCloneError', message: 'm' }) as Error;
    expect(custom.name).toBe('DataCloneError');
    expect(custom.message).toBe('m');
  });

  it.each<[Preview, string]>([
    [{ $t: 'platform', kind: 'MessagePort' }, 'MessagePort'],
    [{ $t: 'platform', kind: 'ImageBitmap' }, 'ImageBitmap'],
    [{ $t: 'cycle', path: '$.a' }, 'cycle: the same object as $.a'],
    [{ $t: 'truncated', reason: 'depth' }, 'nested too deep'],
    [{ $t: 'truncated', reason: 'budget' }, 'budget'],
    [{ $t: 'truncated', reason: 'unreached' }, 'not reached: the browser stopped cloning at the value above'],
    [{ $t: 'opaque', kind: 'Proxy' }, 'Proxy: not looked at (reading it could run page code)'],
    [{ $t: 'accessor', key: 'secret' }, 'getter "secret"'],
    [{ $t: 'uncloneable', kind: 'HTMLDivElement' }, 'HTMLDivElement'],
    [{ $t: 'skipped', reason: 'load' }, 'not recorded'],
    [{ $t: 'unreadable' }, 'could not be read'],
  ])('%j is a stand-in with a comment', (p, words) => {
    const src = previewToJs(p);
    expect(src.startsWith('undefined /* ')).toBe(true);
    expect(src).toContain(words);
    expect(run(p)).toBeUndefined();
  });

  it('functions and symbols are rebuilt so that the send fails the same way', () => {
    expect(typeof run({ $t: 'uncloneable', kind: 'Function' })).toBe('function');
    expect(typeof run({ $t: 'uncloneable', kind: 'Symbol' })).toBe('symbol');
  });

  it('comments cannot be closed or broken by page data', () => {
    expect(comment('a */ alert(1) /* b\nc\u2028d')).toBe('/* a *\\/ alert(1) /* b c d */');
    const p: Preview = { $t: 'cycle', path: '$["*/ alert(1) //"]' };
    expect(run(p)).toBeUndefined();
    const q: Preview = { $t: 'platform', kind: '*/ globalThis.pwned = 1; /*' };
    expect(run(q)).toBeUndefined();
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('a nested payload with every kind parses as one expression', () => {
    const p: Preview = {
      $t: 'object',
      entries: [
        ['map', { $t: 'map', entries: [['k', { $t: 'set', items: [1, { $t: 'bigint', v: '2' }], size: 2 }]], size: 1 }],
        ['when', { $t: 'date', v: 0 }],
        ['re', { $t: 'regexp', source: '^a$', flags: 'm' }],
        ['buf', { $t: 'arraybuffer', byteLength: 40, head: '00'.repeat(32) }],
        ['err', { $t: 'error', name: 'Error', message: 'x' }],
        ['self', { $t: 'cycle', path: '$' }],
        ['deep', { $t: 'truncated', reason: 'depth' }],
        ['port', { $t: 'platform', kind: 'MessagePort' }],
        ['nan', { $t: 'number', v: 'NaN' }],
        ['long', { $t: 'string', v: 'x', length: 1000 }],
        ['list', { $t: 'array', items: [{ $t: 'undefined' }], length: 2 }],
      ],
      more: 2,
    };
    const v = run(p) as Record<string, unknown>;
    expect(v.map).toBeInstanceOf(Map);
    expect((v.buf as ArrayBuffer).byteLength).toBe(40);
    expect(v.self).toBeUndefined();
  });
});

describe('postMessageSnippet', () => {
  it('wraps the value by route', () => {
    expect(postMessageSnippet({ $t: 'object', entries: [['a', 1]], more: 0 }, { route: 'port', sent: true })).toBe('port.postMessage({ a: 1 });');
    expect(postMessageSnippet('hi', { route: 'window', sent: false, targetOrigin: 'https://b.test', source: 'child' })).toBe('parent.postMessage("hi", "https://b.test");');
    expect(postMessageSnippet('hi', { route: 'window', sent: false, source: 'self', targetOrigin: 'null' })).toBe('window.postMessage("hi", "*");');
    expect(postMessageSnippet('hi', { route: 'window', sent: false, source: 'parent', targetOrigin: 'https://c.test' })).toBe('iframe.contentWindow.postMessage("hi", "https://c.test");');
    expect(postMessageSnippet(1, { route: 'worker', sent: true })).toBe('worker.postMessage(1);');
    expect(postMessageSnippet(1, { route: 'worker', sent: false })).toBe('/* inside the worker */ self.postMessage(1);');
    expect(postMessageSnippet(1, { route: 'broadcast', sent: true, channelName: 'news"' })).toBe('const channel = new BroadcastChannel("news\\"");\nchannel.postMessage(1);');
  });

  it('names the transfer list in a comment', () => {
    const src = postMessageSnippet('x', {
      route: 'port',
      sent: true,
      transfers: [
        { kind: 'MessagePort', port: 'A:2' },
        { kind: 'ArrayBuffer', byteLength: 8 },
      ],
    });
    expect(src).toBe('port.postMessage("x", [/* transfer: MessagePort A:2, ArrayBuffer (8 bytes) */]);');
  });

  it('the call parses', () => {
    for (const route of ['port', 'window', 'worker', 'broadcast'] as const) {
      const src = postMessageSnippet({ $t: 'map', entries: [['a', { $t: 'cycle', path: '$' }]], size: 1 }, { route, sent: true, channelName: 'c' });
      expect(() => new Function('port', 'worker', 'iframe', src)).not.toThrow();
    }
  });

  it('messageSnippet takes route, channel name and transfers from the message', () => {
    const m: MessageModel = { id: 'A#3', route: 'broadcast', channelName: 'n', status: 'delivered', ambiguous: false, transfers: [], send: { realm: 'A', seq: 3, index: 2 } };
    expect(messageSnippet(m, 1)).toBe('const channel = new BroadcastChannel("n");\nchannel.postMessage(1);');
    expect(messageSnippet({ ...m, route: 'window', send: undefined }, 'x', { targetOrigin: 'https://a.test', source: 'top' })).toBe('iframe.contentWindow.postMessage("x", "https://a.test");');
  });
});
