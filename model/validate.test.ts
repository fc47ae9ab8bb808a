import { describe, expect, it } from 'vitest';
import { batchFromText, eventProblem, parseBatch, validateBatch } from './validate';

const realmStarted = { type: 'realmStarted', seq: 1, t: 1, kind: 'top', url: 'http://a/', origin: 'http://a', protocol: 1 };
const sent = { type: 'messageSent', seq: 2, t: 2, route: 'port', port: 'r:1', transfer: [{ kind: 'MessagePort', port: 'r:2' }], size: 10, outcome: 'posted' };
const received = { type: 'messageReceived', seq: 3, t: 3, route: 'window', origin: 'http://a', source: 'parent', ports: [], size: 1, preview: { $t: 'map', entries: [[1, 2]], size: 1 } };
const batch = (events: unknown[]) => ({ v: 1, realm: 'r', events });

describe('validateBatch', () => {
  it('accepts a well-formed batch', () => {
    expect(validateBatch(batch([realmStarted, sent, received]))).toEqual({ ok: true, value: batch([realmStarted, sent, received]) });
  });

  it.each([
    [null, 'batch: not an object'],
    [{ ...batch([realmStarted]), v: 2 }, 'batch: unsupported protocol version 2'],
    [{ ...batch([realmStarted]), realm: '' }, 'batch: realm must be a short string'],
    [batch([]), 'batch: events must be a non-empty array'],
    [batch([{ ...realmStarted, type: 'bogus' }]), 'event 0: unknown type "bogus"'],
    [batch([{ ...realmStarted, seq: 0 }]), 'event 0: seq must be a positive integer'],
    [batch([realmStarted, { ...sent, seq: 5 }]), 'event 1: seq 5 does not follow 1'],
    [batch([{ ...sent, seq: 1, outcome: 'maybe' }]), 'event 0: outcome must be one of posted, doomed, portClosed, partnerClosed'],
    [batch([{ ...sent, seq: 1, transfer: 'x' }]), 'event 0: transfer must be an array'],
    [batch([{ ...received, seq: 1, preview: { nope: 1 } }]), 'event 0: preview must be a primitive or an object with a "$t" tag'],
    [batch([{ ...received, seq: 1, source: 'elsewhere' }]), 'event 0: source must be one of self, parent, top, opener, child, other, none'],
    [batch([{ ...realmStarted, url: 'x'.repeat(20_000) }]), 'event 0: url is longer than 16384 characters'],
    [batch([{ type: 'workerCreated', seq: 1, t: 1, worker: 'r:w1', url: 'http://a/w.js', workerType: 'module', name: 7 }]), 'event 0: name must be a string'],
    [batch([{ ...realmStarted, kind: 'worker', name: {} }]), 'event 0: name must be a string'],
    [batch([{ ...sent, seq: 1, route: 'worker', client: 1 }]), 'event 0: client must be a string'],
    [batch([{ ...received, seq: 1, route: 'worker', client: null }]), 'event 0: client must be a string'],
  ])('rejects %j with a message naming the problem', (value, error) => {
    expect(validateBatch(value)).toEqual({ ok: false, error });
  });

  it("accepts a worker's name, and a workerCreated without one (an older recorder)", () => {
    const created = { type: 'workerCreated', seq: 1, t: 1, worker: 'r:w1', url: 'http://a/w.js', workerType: 'module' };
    expect(validateBatch(batch([{ ...created, name: 'calc' }])).ok).toBe(true);
    expect(validateBatch(batch([created])).ok).toBe(true);
  });

  it('shares one frozen empty list among the events that move nothing, in batches and single events', () => {
    const parsed = parseBatch(JSON.stringify(batch([realmStarted, { ...sent, transfer: [] }, { ...received, ports: [] }])), 10_000);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [, s, r] = parsed.value.events as [unknown, { transfer: unknown[] }, { ports: unknown[] }];
    expect(s.transfer).toBe(r.ports);
    expect(Object.isFrozen(s.transfer)).toBe(true);
    const one = JSON.parse(JSON.stringify({ ...received, ports: [] })) as { ports: unknown[] };
    expect(eventProblem(one, 'records[0].event')).toBeUndefined();
    expect(one.ports).toBe(r.ports);
    // A list with something in it is the event's own.
    const own = JSON.parse(JSON.stringify(sent)) as { transfer: unknown[] };
    expect(eventProblem(own, 'e')).toBeUndefined();
    expect(own.transfer).not.toBe(r.ports);
    expect(own.transfer).toHaveLength(1);
  });

  it('bounds preview nesting (a hostile page cannot make the relay recurse without end)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { $t: 'array', items: [deep], length: 1 };
    expect(validateBatch(batch([{ ...received, seq: 1, preview: deep }]))).toMatchObject({ ok: false, error: expect.stringContaining('nested deeper') });
  });

  it('does not let __proto__ keys change prototypes', () => {
    const result = parseBatch('{"v":1,"realm":"r","events":[{"type":"portClosed","seq":1,"t":1,"port":"r:1","__proto__":{"polluted":true}}]}', 1e6);
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('validateBatch, the wire form of shapes', () => {
  const closed = { type: 'portClosed', seq: 0, t: 0, port: 'r:1' };
  const skipped = { type: 'messageReceived', seq: 0, t: 0, route: 'port', port: 'r:2', origin: '', ports: [], preview: { $t: 'skipped', reason: 'load' } };
  const shaped = (over: Record<string, unknown> = {}) => ({ v: 1, form: 'shapes', realm: 'r', first: 7, shapes: [skipped, closed], of: [0, 0, 1, 0], t: [100, 0.5, 0, 1.25], ...over });

  it('reads each event as its shape, numbered from first, at its time', () => {
    const result = validateBatch(JSON.parse(JSON.stringify(shaped())));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.events).toEqual([
      { ...skipped, seq: 7, t: 100 },
      { ...skipped, seq: 8, t: 100.5 },
      { ...closed, seq: 9, t: 100.5 },
      { ...skipped, seq: 10, t: 101.75 },
    ]);
    // Events of one shape share its values (one preview object, not one per event).
    const [a, b] = result.value.events as { preview: unknown }[];
    expect(a!.preview).toBe(b!.preview);
    expect(a).not.toBe(b);
  });

  it.each([
    [shaped({ form: 'columns' }), 'batch: form must be "shapes", or absent (events)'],
    [shaped({ first: 0 }), 'batch: first must be a positive integer'],
    [shaped({ first: Number.MAX_SAFE_INTEGER }), 'batch: first must be a positive integer'],
    [shaped({ of: [] }), 'batch: of must be a non-empty array'],
    [shaped({ of: Array(5_001).fill(0), t: Array(5_001).fill(0) }), 'batch: more than 5000 events'],
    [shaped({ t: [1, 2] }), 'batch: t must hold one time per event'],
    [shaped({ shapes: [] }), 'batch: shapes must be a non-empty array, no longer than of'],
    [shaped({ of: [0, 0, 2, 0] }), 'event 2: of must name a shape'],
    [shaped({ of: [0, 0, -1, 0] }), 'event 2: of must name a shape'],
    [shaped({ of: [0, 0, '1', 0] }), 'event 2: of must name a shape'],
    [shaped({ t: [100, '1', 0, 0] }), 'event 1: t must be a number'],
    [shaped({ t: [1e308, 1e308, 0, 0] }), 'event 1: t must be a finite number'],
    [shaped({ shapes: [skipped, 'x'] }), 'shape 1: not an object'],
    [shaped({ shapes: [skipped, { ...closed, t: 5 }] }), 'shape 1: t and seq must be 0'],
    [shaped({ shapes: [skipped, { ...closed, seq: 1 }] }), 'shape 1: t and seq must be 0'],
    [shaped({ shapes: [skipped, { ...closed, port: 1 }] }), 'event 2: port must be a string'],
    [shaped({ shapes: [skipped, { ...closed, ...Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`k${i}`, i])) }] }), 'shape 1: more than 48 fields'],
  ])('rejects %j with a message naming the problem', (value, error) => {
    expect(validateBatch(JSON.parse(JSON.stringify(value)))).toEqual({ ok: false, error });
  });

  it('refuses a shape of many fields that many events would copy (a forged batch cannot multiply its size)', () => {
    const fields = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 0]));
    const json = JSON.stringify({ v: 1, form: 'shapes', realm: 'r', first: 1, shapes: [{ ...closed, ...fields }], of: Array(5_000).fill(0), t: Array(5_000).fill(0) });
    expect(parseBatch(json, 8 * 1024 * 1024)).toEqual({ ok: false, error: 'shape 0: more than 48 fields' });
  });

  it('does not let __proto__ keys of a shape change prototypes, in the shape or its copies', () => {
    const json = '{"v":1,"form":"shapes","realm":"r","first":1,"shapes":[{"type":"portClosed","seq":0,"t":0,"port":"r:1","__proto__":{"polluted":true}}],"of":[0,0],"t":[1,1]}';
    const result = parseBatch(json, 1e6);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const e of result.value.events) expect((e as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks the seqs against the envelope as a batch of events', () => {
    const json = JSON.stringify(shaped());
    expect(batchFromText({ tabId: 1, frameId: 0, realm: 'r', first: 7, last: 10, json }).error).toBeNull();
    expect(batchFromText({ tabId: 1, frameId: 0, realm: 'r', first: 7, last: 11, json }).error).toBe('batch seqs do not match its envelope');
  });
});

describe('windowMessageDropped', () => {
  const dropped = {
    type: 'windowMessageDropped',
    seq: 1,
    t: 5,
    targetOrigin: 'https://wrong.example',
    recipientOrigin: 'http://127.0.0.1:8080',
    url: 'http://127.0.0.1:8080/app.js',
    line: 12,
    column: 7,
    stack: '    at send (http://127.0.0.1:8080/app.js:12:7)',
  };

  it('accepts a full one, and one with only the two origins', () => {
    expect(validateBatch(batch([dropped])).ok).toBe(true);
    expect(validateBatch(batch([{ type: 'windowMessageDropped', seq: 1, t: 5, targetOrigin: 'a', recipientOrigin: 'b' }])).ok).toBe(true);
  });

  it.each([
    [{ targetOrigin: undefined }, 'event 0: targetOrigin must be a string'],
    [{ recipientOrigin: 3 }, 'event 0: recipientOrigin must be a string'],
    [{ targetOrigin: 'x'.repeat(2_049) }, 'event 0: targetOrigin is longer than 2048 characters'],
    [{ recipientOrigin: 'x'.repeat(2_049) }, 'event 0: recipientOrigin is longer than 2048 characters'],
    [{ url: {} }, 'event 0: url must be a string'],
    [{ line: 0 }, 'event 0: line must be a positive integer'],
    [{ column: 1.5 }, 'event 0: column must be a positive integer'],
    [{ line: '3' }, 'event 0: line must be a positive integer'],
    [{ stack: 'x'.repeat(8_001) }, 'event 0: stack is longer than 8000 characters'],
    [{ url: 'x'.repeat(2_049) }, 'event 0: url is longer than 2048 characters'],
  ])('rejects %j', (change, error) => {
    expect(validateBatch(batch([{ ...dropped, ...change }]))).toEqual({ ok: false, error });
  });

  it('a bad one in a routed batch is a counted rejection (a gap), not silence', () => {
    const json = JSON.stringify(batch([{ ...dropped, line: -1 }]));
    const { routed, error } = batchFromText({ tabId: 1, frameId: -1, realm: 'r', first: 1, last: 1, json });
    expect(error).toBe('event 0: line must be a positive integer');
    expect(routed.dropped).toEqual({ from: 1, to: 1, reason: 'batchRejected' });
  });

  it("is the browser's word only in the background's reporter stream: a page's or a worker's batch holding one is rejected", () => {
    const json = JSON.stringify(batch([dropped]));
    expect(batchFromText({ tabId: 1, frameId: -1, realm: 'r', first: 1, last: 1, json }).error).toBeNull();
    for (const where of [{ frameId: 0 }, { frameId: 2, parentFrameId: 0 }, { frameId: -1, worker: { target: 'T', type: 'worker' as const, url: 'https://a.test/w.js' } }]) {
      const { routed, error } = batchFromText({ tabId: 1, realm: 'r', first: 1, last: 1, json, ...where });
      expect(error).toBe("a recorder's batch holds windowMessageDropped, which only the browser reports");
      expect(routed.dropped).toEqual({ from: 1, to: 1, reason: 'batchRejected' });
    }
  });
});

describe('parseBatch', () => {
  it('rejects text that is too long or not JSON', () => {
    expect(parseBatch('x'.repeat(11), 10)).toEqual({ ok: false, error: 'batch: 11 characters, more than 10' });
    expect(parseBatch('{', 10)).toMatchObject({ ok: false, error: expect.stringMatching(/^batch: not JSON/) });
  });
});

describe('batchFromText', () => {
  const where = { tabId: 1, frameId: 0, url: 'http://a/' };
  const text = (json: string, realm = 'r', first = 1, last = 3) => ({ ...where, realm, first, last, json });
  const good = JSON.stringify(batch([realmStarted, sent, received]));

  it('turns valid text into a routed batch', () => {
    expect(batchFromText(text(good))).toEqual({ routed: { ...where, batch: batch([realmStarted, sent, received]) }, error: null });
  });

  it.each([
    [text(good, 'other'), 'batch realm r does not match its envelope (other)'],
    [text(good, 'r', 1, 4), 'batch seqs do not match its envelope'],
    [text('{'), expect.stringMatching(/^batch: not JSON/)],
    [text(''), 'rejected by the background'],
  ])('makes a rejected batch a counted gap (%#)', (input, error) => {
    const result = batchFromText(input);
    expect(result.error).toEqual(error);
    expect(result.routed.batch.events).toEqual([]);
    expect(result.routed.dropped).toEqual({ from: input.first, to: input.last, reason: 'batchRejected' });
  });
});

describe('preview schema (every tag, its fields and nested nodes)', () => {
  const withPreview = (preview: unknown) => validateBatch(batch([{ ...received, seq: 1, preview }]));

  it.each([
    ['null', null],
    ['a number', -1.5],
    ['a boolean', false],
    ['a string', 'hi'],
    ['undefined', { $t: 'undefined' }],
    ['a special number', { $t: 'number', v: '-0' }],
    ['a bigint', { $t: 'bigint', v: '-123456789012345678901234567890' }],
    ['a cut string', { $t: 'string', v: 'abc', length: 1000 }],
    ['an object', { $t: 'object', entries: [['a', 1], ['b c', { $t: 'object', entries: [], more: 3 }]], more: 0 }],
    ['an array', { $t: 'array', items: [1, 'x', null], length: 12 }],
    ['a map with object keys', { $t: 'map', entries: [[{ $t: 'object', entries: [], more: 0 }, { $t: 'set', items: [1], size: 1 }]], size: 4 }],
    ['a date', { $t: 'date', v: 1_700_000_000_000 }],
    ['an invalid date (NaN, written as null)', { $t: 'date', v: null }],
    ['a regexp', { $t: 'regexp', source: 'a+', flags: 'gi' }],
    ['a regexp the recorder could not read', { $t: 'regexp' }],
    ['a boxed value', { $t: 'boxed', kind: 'Number', v: { $t: 'number', v: 'NaN' } }],
    ['an ArrayBuffer', { $t: 'arraybuffer', byteLength: 3, head: '0aff10' }],
    ['a detached ArrayBuffer', { $t: 'arraybuffer', byteLength: 0, head: '', detached: true }],
    ['a typed array', { $t: 'typedarray', kind: 'Float32Array', length: 2, byteLength: 8, head: '0000803f00000040' }],
    ['a Blob', { $t: 'blob', kind: 'Blob', size: 10, type: 'text/plain' }],
    ['a File', { $t: 'blob', kind: 'File', size: 10, type: '', name: 'a.txt', lastModified: 1_700_000_000_000 }],
    ['ImageData', { $t: 'imagedata', width: 2, height: 3 }],
    ['an error', { $t: 'error', name: 'TypeError', message: 'x' }],
    ['a platform object', { $t: 'platform', kind: 'MessagePort' }],
    ['a cycle', { $t: 'cycle', path: '$.a' }],
    ['a cut-off part', { $t: 'truncated', reason: 'unreached' }],
    ['an opaque part', { $t: 'opaque', kind: 'Proxy' }],
    ['a getter', { $t: 'accessor', key: 'x' }],
    ['an uncloneable value', { $t: 'uncloneable', kind: 'Function' }],
    ['a skipped preview', { $t: 'skipped', reason: 'load' }],
    ['an unreadable value', { $t: 'unreadable' }],
  ])('accepts %s', (_, preview) => {
    expect(withPreview(preview)).toMatchObject({ ok: true });
  });

  it.each([
    [{ $t: 'object', entries: 'x', more: 0 }, 'preview.entries must be an array of [key, value] pairs, not "x"'],
    [{ $t: 'object', entries: [['a']], more: 0 }, 'preview.entries[0] must be a [key, value] pair'],
    [{ $t: 'object', entries: [[1, 2]], more: 0 }, "preview.entries[0][0] must be a string (an object's key), not number"],
    [{ $t: 'object', entries: [['k', 'x'.repeat(20_000)]], more: 0 }, 'preview.entries[0][1] is a string longer than 16384 characters'],
    [{ $t: 'object', entries: [['x'.repeat(20_000), 1]], more: 0 }, 'preview.entries[0][0] is longer than 16384 characters'],
    [{ $t: 'object', entries: [] }, 'preview.more must be a non-negative integer, not undefined'],
    [{ $t: 'array', items: { 0: 1 }, length: 1 }, 'preview.items must be an array, not object'],
    [{ $t: 'array', items: [1, 2], length: 1 }, 'preview.length must be at least the number of items'],
    [{ $t: 'array', items: [], length: -1 }, 'preview.length must be a non-negative integer, not -1'],
    [{ $t: 'map', entries: [[1, 2, 3]], size: 1 }, 'preview.entries[0] must be a [key, value] pair'],
    [{ $t: 'map', entries: [[{ $t: 'nope' }, 2]], size: 1 }, 'preview.entries[0][0].$t "nope" is not a preview tag'],
    [{ $t: 'map', entries: {}, size: 0 }, 'preview.entries must be an array of [key, value] pairs, not object'],
    [{ $t: 'set', items: [1], size: '1' }, 'preview.size must be a non-negative integer, not "1"'],
    [{ $t: 'object', entries: [['a', { $t: 'array', items: [{ $t: 'map', entries: [[1, { $t: 'string', v: 'ab', length: 1 }]], size: 1 }], length: 1 }]], more: 0 },
      'preview.entries[0][1].items[0].entries[0][1].length must be at least the length of the recorded start'],
    [{ $t: 'number', v: 'NotANumber' }, 'preview.v must be one of NaN, Infinity, -Infinity, -0, not "NotANumber"'],
    [{ $t: 'bigint', v: '12x' }, 'preview.v must be decimal digits'],
    [{ $t: 'date', v: '2020' }, 'preview.v must be a time in milliseconds or null, not "2020"'],
    [{ $t: 'regexp', source: 1, flags: '' }, 'preview.source must be a string, not number'],
    [{ $t: 'boxed', kind: 'Symbol', v: 1 }, 'preview.kind must be one of Number, String, Boolean, BigInt, not "Symbol"'],
    [{ $t: 'boxed', kind: 'String', v: [1] }, 'preview.v is an array: containers are tagged objects ({ $t: "array", items, length })'],
    [{ $t: 'arraybuffer', byteLength: 1, head: 'zz' }, 'preview.head must be hex digits, two a byte'],
    [{ $t: 'arraybuffer', byteLength: 1, head: '', detached: 'yes' }, 'preview.detached must be true or false, not "yes"'],
    [{ $t: 'typedarray', kind: 'Uint8Array', length: 1, head: '00' }, 'preview.byteLength must be a non-negative integer, not undefined'],
    [{ $t: 'blob', kind: 'Image', size: 1, type: '' }, 'preview.kind must be one of Blob, File, not "Image"'],
    [{ $t: 'blob', kind: 'File', size: 1, type: '', lastModified: 'now' }, 'preview.lastModified must be a finite number, not "now"'],
    [{ $t: 'imagedata', width: 1.5, height: 1 }, 'preview.width must be a non-negative integer, not 1.5'],
    [{ $t: 'error', name: 'E' }, 'preview.message must be a string, not undefined'],
    [{ $t: 'platform', kind: null }, 'preview.kind must be a string, not null'],
    [{ $t: 'cycle' }, 'preview.path must be a string, not undefined'],
    [{ $t: 'truncated', reason: 'bored' }, 'preview.reason must be one of depth, budget, unreached, not "bored"'],
    [{ $t: 'skipped', reason: 'depth' }, 'preview.reason must be one of load, not "depth"'],
    [{ $t: 'accessor', key: {} }, 'preview.key must be a string, not object'],
    [{ $t: 'unreadable', why: 'x' }, 'preview has a field "why", which unreadable nodes do not have'],
    [{ $t: 'object', entries: [], more: 0, extra: { deep: 1 } }, 'preview has a field "extra", which object nodes do not have'],
    [{ $t: 7 }, 'preview must be a primitive or an object with a "$t" tag'],
    [[1, 2], 'preview is an array: containers are tagged objects ({ $t: "array", items, length })'],
  ])('rejects %j, naming where', (preview, message) => {
    expect(withPreview(preview)).toEqual({ ok: false, error: `event 0: ${message}` });
  });

  it('requires the preview of a receipt, and checks the optional one of a send', () => {
    const { preview: _, ...noPreview } = received;
    expect(validateBatch(batch([{ ...noPreview, seq: 1 }]))).toEqual({ ok: false, error: 'event 0: preview is missing' });
    expect(validateBatch(batch([{ ...received, seq: 1, preview: { $t: 'boxed', kind: 'Number' } }]))).toEqual({ ok: false, error: 'event 0: preview.v is missing' });
    expect(validateBatch(batch([{ ...sent, seq: 1, preview: { $t: 'set', items: 'x', size: 1 } }]))).toEqual({ ok: false, error: 'event 0: preview.items must be an array, not "x"' });
  });

  it('bounds the number of nodes in one preview', () => {
    const items = Array.from({ length: 10_001 }, (_, i) => i);
    expect(withPreview({ $t: 'array', items, length: items.length })).toEqual({ ok: false, error: 'event 0: preview.items[9999] has more than 10000 nodes' });
    expect(withPreview({ $t: 'array', items: items.slice(0, 9_000), length: 9_000 })).toMatchObject({ ok: true });
  });

  it('checks the transfer list by kind', () => {
    const withTransfer = (transfer: unknown) => validateBatch(batch([{ ...sent, seq: 1, transfer }]));
    expect(withTransfer([{ kind: 'ArrayBuffer', byteLength: 8 }, { kind: 'ImageBitmap' }, { kind: 'ArrayBuffer' }])).toMatchObject({ ok: true });
    expect(withTransfer([{ kind: 'MessagePort' }])).toEqual({ ok: false, error: 'event 0.transfer[0]: a MessagePort must name its port (a short string)' });
    expect(withTransfer([{ kind: 'ArrayBuffer', byteLength: -1 }])).toEqual({ ok: false, error: 'event 0.transfer[0]: byteLength must be a non-negative integer' });
    expect(withTransfer([{ kind: 'ImageBitmap', port: 'r:1' }])).toEqual({ ok: false, error: 'event 0.transfer[0]: port belongs to a MessagePort, not a ImageBitmap' });
    expect(withTransfer([{ kind: 5 }])).toEqual({ ok: false, error: 'event 0.transfer[0]: kind must be a string' });
  });

  it('checks sizes and child indexes as counts', () => {
    expect(validateBatch(batch([{ ...received, seq: 1, childIndex: -1 }]))).toEqual({ ok: false, error: 'event 0: childIndex must be a non-negative integer' });
    expect(validateBatch(batch([{ ...sent, seq: 1, size: 1.5 }]))).toEqual({ ok: false, error: 'event 0: size must be a non-negative integer' });
  });
});
