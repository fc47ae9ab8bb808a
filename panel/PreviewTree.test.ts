import { describe, expect, it } from 'vitest';
import type { Preview } from '../model/protocol';
import { hexCaption, hexDump, hexLines, parseErrorPath, previewNodes, previewPathId, type PreviewNode } from './PreviewTree';

/** Rows as compact `depth|label sep value|flags` strings. */
function rows(p: Preview, toggled?: Set<string>): string[] {
  return previewNodes(p, toggled).map(
    (n: PreviewNode) =>
      `${n.depth}|${n.label}${n.sep === '' ? '' : n.sep === ':' ? ': ' : ' → '}${n.value}${n.expandable ? (n.open ? '|open' : '|closed') : ''}`,
  );
}

function root(p: Preview): PreviewNode {
  const r = previewNodes(p)[0];
  if (!r) throw new Error('no root row');
  return r;
}

describe('previewNodes: primitives and leaf tags', () => {
  it.each<[Preview, string, PreviewNode['tone']]>([
    [null, 'null', 'null'],
    [true, 'true', 'boolean'],
    [42, '42', 'number'],
    ['hi "x"', '"hi \\"x\\""', 'string'],
    [{ $t: 'undefined' }, 'undefined', 'null'],
    [{ $t: 'number', v: 'NaN' }, 'NaN', 'number'],
    [{ $t: 'number', v: '-0' }, '-0', 'number'],
    [{ $t: 'bigint', v: '12345678901234567890' }, '12345678901234567890n', 'number'],
    [{ $t: 'string', v: 'abc', length: 5000 }, '"abc…" (5,000 chars)', 'string'],
    [{ $t: 'date', v: 0 }, '1970-01-01T00:00:00.000Z', 'date'],
    [{ $t: 'date', v: Number.NaN }, 'Invalid Date', 'date'],
    [{ $t: 'regexp', source: 'a+b', flags: 'gi' }, '/a+b/gi', 'string'],
    [{ $t: 'boxed', kind: 'Number', v: 5 }, 'Number {5}', 'object'],
    [{ $t: 'boxed', kind: 'String', v: 'x' }, 'String {"x"}', 'object'],
    [{ $t: 'boxed', kind: 'BigInt', v: { $t: 'bigint', v: '7' } }, 'BigInt {7n}', 'object'],
    [{ $t: 'imagedata', width: 2, height: 3 }, 'ImageData 2 × 3', 'object'],
    [{ $t: 'error', name: 'TypeError', message: 'bad' }, 'TypeError: bad', 'error'],
    [{ $t: 'platform', kind: 'ImageBitmap' }, 'ImageBitmap (platform object)', 'meta'],
    [{ $t: 'cycle', path: '$.a.b' }, '[cycle → $.a.b]', 'meta'],
    [{ $t: 'truncated', reason: 'depth' }, '… (not previewed: too deep)', 'meta'],
    [{ $t: 'truncated', reason: 'budget' }, '… (not previewed: preview budget used up)', 'meta'],
    [{ $t: 'accessor', key: 'secret' }, '(getter secret not called)', 'meta'],
    [{ $t: 'accessor', key: 'a-b' }, '(getter "a-b" not called)', 'meta'],
    [{ $t: 'uncloneable', kind: 'function' }, '(uncloneable function)', 'error'],
    [{ $t: 'skipped', reason: 'load' }, '(preview skipped under load)', 'meta'],
    [{ $t: 'unreadable' }, '(unreadable)', 'meta'],
  ])('%j → %s', (p, value, tone) => {
    const nodes = previewNodes(p);
    expect(nodes).toEqual([{ id: '', depth: 0, label: '', sep: '', value, tone, expandable: false, open: false }]);
  });

  it('renders markup-looking strings as plain text values', () => {
    expect(root('<img src=x onerror=alert(1)>').value).toBe('"<img src=x onerror=alert(1)>"');
  });

  it('tolerates malformed nodes', () => {
    expect(root({ $t: 'nope' } as unknown as Preview).value).toBe('?');
    expect(root({} as unknown as Preview).value).toBe('?');
    expect(rows({ $t: 'object' } as unknown as Preview)).toEqual(['0|{}']);
  });
});

describe('previewNodes: containers', () => {
  it('objects list their keys, quote odd keys and count the rest', () => {
    expect(rows({ $t: 'object', entries: [['a', 1], ['b-c', 'x']], more: 24 })).toEqual([
      '0|{a: 1, "b-c": "x", …+24}|open',
      '1|a: 1',
      '1|"b-c": "x"',
      '1|… 24 more keys',
    ]);
    expect(rows({ $t: 'object', entries: [['a', 1]], more: 1 })).toContain('1|… 1 more key');
  });

  it('arrays list indices, the rest and length', () => {
    expect(rows({ $t: 'array', items: [1, null], length: 5 })).toEqual(['0|[1, null, …+3]|open', '1|0: 1', '1|1: null', '1|… 3 more items', '1|length: 5']);
  });

  it('maps show key → value entries', () => {
    const map: Preview = {
      $t: 'map',
      entries: [
        ['answer', 42],
        [{ $t: 'object', entries: [['k', 1]], more: 0 }, 'objkey'],
      ],
      size: 3,
    };
    expect(rows(map)).toEqual(['0|Map(3) {"answer" => 42, {k: 1} => "objkey", …+1}|open', '1|"answer" → 42', '1|{k: 1} → "objkey"', '1|… 1 more entry']);
    expect(previewNodes(map)[1]).toMatchObject({ label: '"answer"', sep: '→', value: '42', tone: 'number' });
  });

  it('sets list their items', () => {
    expect(rows({ $t: 'set', items: ['a', 'b'], size: 4 })).toEqual(['0|Set(4) {"a", "b", …+2}|open', '1|0: "a"', '1|1: "b"', '1|… 2 more items']);
  });

  it('empty containers are not expandable', () => {
    expect(rows({ $t: 'map', entries: [], size: 0 })).toEqual(['0|Map(0) {}']);
    expect(rows({ $t: 'object', entries: [], more: 0 })).toEqual(['0|{}']);
  });

  it('opens the first two levels; deeper ones start closed and toggle by id', () => {
    const deep: Preview = {
      $t: 'object',
      entries: [['a', { $t: 'object', entries: [['b', { $t: 'object', entries: [['c', 1]], more: 0 }]], more: 0 }]],
      more: 0,
    };
    const open = previewNodes(deep);
    expect(open.map((n) => [n.id, n.depth, n.label, n.open])).toEqual([
      ['', 0, '', true],
      ['0', 1, 'a', true],
      ['0/0', 2, 'b', false],
    ]);
    expect(rows(deep, new Set(['0/0'])).at(-1)).toBe('3|c: 1');
    expect(rows(deep, new Set(['']))).toEqual(['0|{a: {b: {c: 1}}}|closed']);
  });
});

describe('previewNodes: binary and blobs', () => {
  it('hexLines groups bytes sixteen to a line with offsets', () => {
    const head = '00'.repeat(16) + 'ff10';
    expect(hexLines(head)).toEqual([
      { offset: '0000', hex: Array(16).fill('00').join(' ') },
      { offset: '0010', hex: 'ff 10' },
    ]);
    expect(hexLines('')).toEqual([]);
  });

  it('hexDump: offset, hex cells and ASCII, sixteen bytes a row; says how many bytes are shown', () => {
    const d = hexDump('48656c6c6f00ff7e' + '41'.repeat(10), 100);
    expect(d.shown).toBe(18);
    expect(d.total).toBe(100);
    expect(d.rows).toEqual([
      { offset: '0000', cells: ['48', '65', '6c', '6c', '6f', '00', 'ff', '7e', '41', '41', '41', '41', '41', '41', '41', '41'], ascii: 'Hello..~AAAAAAAA' },
      { offset: '0010', cells: ['41', '41'], ascii: 'AA' },
    ]);
    expect(hexCaption(d)).toBe('18 of 100 bytes shown');
    expect(hexDump('', 0)).toEqual({ rows: [], shown: 0, total: 0 });
    expect(hexDump('ABzz', 1)).toMatchObject({ shown: 1, total: 1, rows: [{ cells: ['ab'] }] });
    expect(hexCaption(hexDump('', 8))).toBe('0 of 8 bytes shown');
  });

  it('ArrayBuffer: byteLength and a hex dump of the recorded head', () => {
    expect(rows({ $t: 'arraybuffer', byteLength: 100, head: 'deadbeef' })).toEqual(['0|ArrayBuffer(100 B)|open', '1|byteLength: 100', '1|4 of 100 bytes shown']);
    const hex = previewNodes({ $t: 'arraybuffer', byteLength: 4, head: 'deadbeef' })[2];
    expect(hex).toMatchObject({ tone: 'bytes', label: '', value: '4 of 4 bytes shown' });
    expect(hex?.hex?.rows).toEqual([{ offset: '0000', cells: ['de', 'ad', 'be', 'ef'], ascii: '....' }]);
  });

  it('detached ArrayBuffer', () => {
    expect(rows({ $t: 'arraybuffer', byteLength: 0, head: '', detached: true })).toEqual(['0|ArrayBuffer(0 B) detached|open', '1|byteLength: 0', '1|detached: true']);
  });

  it('typed arrays and DataView', () => {
    expect(rows({ $t: 'typedarray', kind: 'Uint16Array', length: 2, byteLength: 4, head: '01000200' })).toEqual([
      '0|Uint16Array(2)|open',
      '1|length: 2',
      '1|byteLength: 4',
      '1|4 of 4 bytes shown',
    ]);
    expect(rows({ $t: 'typedarray', kind: 'DataView', length: 2, byteLength: 2, head: 'abcd' })).toEqual(['0|DataView(2)|open', '1|byteLength: 2', '1|2 of 2 bytes shown']);
    expect(previewNodes({ $t: 'typedarray', kind: 'Float64Array', length: 100, byteLength: 800, head: '' })[3]).toMatchObject({ value: '0 of 800 bytes shown', hex: { rows: [], shown: 0, total: 800 } });
  });

  it('Blob and File metadata', () => {
    expect(rows({ $t: 'blob', kind: 'Blob', size: 3, type: 'text/plain' })).toEqual([
      '0|Blob (3 B, text/plain)|open',
      '1|size: 3',
      '1|type: "text/plain"',
    ]);
    expect(rows({ $t: 'blob', kind: 'File', size: 2048, type: '', name: 'a.txt', lastModified: 0 })).toEqual([
      '0|File "a.txt" (2.0 kB)|open',
      '1|name: "a.txt"',
      '1|size: 2048',
      '1|type: ""',
      '1|lastModified: 1970-01-01T00:00:00.000Z',
    ]);
  });
});

describe('a failed send: where the clone stopped, and what was not looked at', () => {
  const failed: Preview = {
    $t: 'object',
    entries: [
      ['name', 'x'],
      [
        'handlers',
        {
          $t: 'array',
          items: [1, 2, { $t: 'uncloneable', kind: 'Function' }, { $t: 'truncated', reason: 'unreached' }],
          length: 4,
        },
      ],
      ['odd key', { $t: 'object', entries: [['el', { $t: 'uncloneable', kind: 'HTMLDivElement' }]], more: 0 }],
      ['proxy', { $t: 'opaque', kind: 'Proxy' }],
    ],
    more: 0,
  };

  it('finds the node an error path points at, or nothing', () => {
    expect(parseErrorPath('payload.handlers[2]')).toEqual([{ key: 'handlers' }, { index: 2 }]);
    expect(parseErrorPath('payload["odd key"].el')).toEqual([{ key: 'odd key' }, { key: 'el' }]);
    expect(parseErrorPath('payload')).toEqual([]);
    expect(parseErrorPath('handlers[2]')).toBeUndefined();
    expect(parseErrorPath('payload..x')).toBeUndefined();
    expect(previewPathId(failed, 'payload.handlers[2]')).toBe('1/2');
    expect(previewPathId(failed, 'payload["odd key"].el')).toBe('2/0');
    expect(previewPathId(failed, 'payload')).toBe('');
    expect(previewPathId(failed, 'payload.handlers[9]')).toBeUndefined();
    expect(previewPathId(failed, 'payload.missing')).toBeUndefined();
  });

  it('marks that node, opening the way to it', () => {
    const nodes = previewNodes(failed, new Set(), '2/0');
    const marked = nodes.filter((n) => n.mark);
    expect(marked.map((n) => [n.id, n.label, n.value])).toEqual([['2/0', 'el', '(uncloneable HTMLDivElement)']]);
    // "odd key" is at depth 1 (open by default anyway); a deeper mark opens its ancestors.
    const deep: Preview = { $t: 'object', entries: [['a', { $t: 'object', entries: [['b', { $t: 'object', entries: [['f', { $t: 'uncloneable', kind: 'Function' }]], more: 0 }]], more: 0 }]], more: 0 };
    expect(previewNodes(deep).map((n) => n.id)).toEqual(['', '0', '0/0']);
    expect(previewNodes(deep, new Set(), '0/0/0').map((n) => [n.id, n.mark ?? false])).toEqual([
      ['', false],
      ['0', false],
      ['0/0', false],
      ['0/0/0', true],
    ]);
  });

  it('says what "unreached" and "opaque" mean', () => {
    const values = previewNodes(failed).map((n) => n.value);
    expect(values).toContain('not reached: the browser stopped at the value above');
    expect(values).toContain('not looked at: reading it could run page code (Proxy)');
  });
});
