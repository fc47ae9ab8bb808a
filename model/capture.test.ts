import { describe, expect, it } from 'vitest';
import { CAPTURE_VERSION, DEFAULT_MAX_BYTES, readCapture, relayBounds, writeCapture, writeCaptureGzip, type CaptureInput } from './capture';
import type { LogGap, LogRecord } from './log';
import type { EntangleEvent } from './protocol';

const top = { tabId: 7, frameId: 0, parentFrameId: -1, url: 'http://127.0.0.1:8000/' };
const child = { tabId: 7, frameId: 3, parentFrameId: 0, url: 'http://localhost:8001/frame.html' };
const events: Record<string, EntangleEvent> = {
  realmStarted: { type: 'realmStarted', seq: 1, t: 1000.25, kind: 'top', url: 'http://127.0.0.1:8000/', origin: 'http://127.0.0.1:8000', protocol: 1 },
  channelCreated: { type: 'channelCreated', seq: 2, t: 1001, channel: 'a:c1', port1: 'a:1', port2: 'a:2' },
  sent: { type: 'messageSent', seq: 3, t: 1002, route: 'port', port: 'a:1', partner: 'a:2', transfer: [{ kind: 'MessagePort', port: 'a:2' }, { kind: 'ArrayBuffer', byteLength: 8 }], outcome: 'posted' },
  received: {
    type: 'messageReceived',
    seq: 2,
    t: 1003,
    route: 'window',
    origin: 'http://127.0.0.1:8000',
    source: 'parent',
    ports: ['b:1'],
    size: 40,
    // A payload key "__proto__" is a string inside an array in a preview: legitimate, and harmless.
    preview: { $t: 'object', entries: [['__proto__', { $t: 'map', entries: [[1, 'x']], size: 1 }], ['n', { $t: 'bigint', v: '12' }]], more: 0 },
  },
};
const records: LogRecord[] = [
  { realm: 'a', ...top, event: events.realmStarted! },
  { realm: 'b', ...child, event: { ...events.realmStarted!, url: child.url, kind: 'iframe', origin: 'http://localhost:8001' } as EntangleEvent },
  { realm: 'a', ...top, event: events.channelCreated! },
  { realm: 'a', ...top, event: events.sent! },
  // seq 2 of b never arrived before seq 5: a gap (listed in gaps)
  { realm: 'b', ...child, event: { ...events.received!, seq: 5 } as EntangleEvent },
  { realm: 'b', ...child, event: { type: 'portClosed', seq: 6, t: 1004, port: 'b:1' } },
];
const gaps: LogGap[] = [{ realm: 'b', from: 2, to: 4, reason: 'relayBufferFull' }];
const input: CaptureInput = {
  createdAt: '2025-01-31T12:00:00.000Z',
  generator: { name: 'entangle', version: '0.1.0' },
  page: { url: 'http://127.0.0.1:8000/', title: 'Demo' },
  records,
  gaps,
  bounds: { ...relayBounds(), previewsPerSecond: 2000 },
  problems: ['the page did not finish loading in 30000 ms'],
};

/** A valid capture's JSON value, to break one field at a time. */
function valid(): Record<string, unknown> {
  return JSON.parse(writeCapture(input)) as Record<string, unknown>;
}

async function errorOf(value: unknown, maxBytes?: number): Promise<string> {
  const text = typeof value === 'string' || value instanceof Uint8Array ? value : JSON.stringify(value);
  const result = await readCapture(text, maxBytes === undefined ? {} : { maxBytes });
  if (result.ok) throw new Error('read a capture that should have failed');
  return result.error;
}

async function gzip(chunks: Iterable<Uint8Array>): Promise<Uint8Array> {
  const stream = new CompressionStream('gzip');
  const writing = (async () => {
    const writer = stream.writable.getWriter();
    for (const c of chunks) await writer.write(c as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  const out = new Uint8Array(await new Response(stream.readable).arrayBuffer());
  await writing;
  return out;
}

describe('round trip', () => {
  it('writes JSON that reads back to the same log', async () => {
    const text = writeCapture(input);
    const result = await readCapture(text);
    expect(result).toEqual({ ok: true, fileVersion: 1, capture: { ...input, createdAt: '2025-01-31T12:00:00.000Z' } });
    if (!result.ok) return;
    expect(result.capture.records).toEqual(records);
    expect(result.capture.gaps).toEqual(gaps);
    // Writing what was read gives the same text.
    expect(writeCapture(result.capture)).toBe(text);
  });

  it('writes a realm\'s parentFrameId and url once, and reads them back on every record', async () => {
    const text = writeCapture(input);
    const lines = text.split('\n').filter((l) => l.startsWith('{"realm":"a"'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('"url":"http://127.0.0.1:8000/"');
    for (const l of lines.slice(1)) {
      expect(l).not.toContain('"url":"http');
      expect(l).not.toContain('parentFrameId');
    }
    // A record the frame facts are missing from has its realm's (they do not change for a realm).
    const bare = await readCapture(writeCapture({ ...input, records: [records[0]!, { realm: 'a', tabId: 7, frameId: 0, event: events.sent! }] }));
    expect(bare.ok && bare.capture.records[1]).toMatchObject({ parentFrameId: -1, url: 'http://127.0.0.1:8000/' });
  });

  it('writes gzip that reads back to the same log', async () => {
    const bytes = await writeCaptureGzip(input);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const result = await readCapture(bytes);
    expect(result).toMatchObject({ ok: true, capture: { records, gaps } });
  });

  it('reads the JSON as bytes, with or without a byte order mark', async () => {
    const text = writeCapture(input);
    const bytes = new TextEncoder().encode(text);
    expect(await readCapture(bytes)).toMatchObject({ ok: true, capture: { records } });
    expect(await readCapture(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]))).toMatchObject({ ok: true, capture: { records } });
    expect(await readCapture(`\ufeff${text}`)).toMatchObject({ ok: true, capture: { records } });
  });

  it('starts with format and version, and puts one record per line', () => {
    const lines = writeCapture(input).trimEnd().split('\n');
    expect(lines[0]).toBe('{"format":"entangle-capture","version":1,');
    expect(lines.filter((l) => l.startsWith('{"realm":'))).toHaveLength(records.length + gaps.length);
  });

  it('writes a log without a page, gaps, bounds or problems, and defaults createdAt to now', async () => {
    const before = Date.now();
    const text = writeCapture({ generator: { name: 'entangle', version: '0.1.0' }, page: { url: '' }, records: [] });
    const result = await readCapture(text);
    expect(result).toMatchObject({ ok: true, capture: { page: { url: '' }, records: [], gaps: [] } });
    if (!result.ok) return;
    expect(Date.parse(result.capture.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(result.capture).not.toHaveProperty('bounds');
    expect(result.capture).not.toHaveProperty('problems');
  });

  it('ignores fields it does not know and keeps only the known ones', async () => {
    const file = valid();
    file.comment = 'hand-edited';
    (file.records as Record<string, unknown>[])[0]!.note = 'x';
    const result = await readCapture(JSON.stringify(file));
    expect(result).toMatchObject({ ok: true, capture: { records } });
    if (!result.ok) return;
    expect(result.capture).not.toHaveProperty('comment');
    expect(result.capture.records[0]).not.toHaveProperty('note');
  });

  describe('context: what came before a log saved part-way', () => {
    // A log saved after a clear: b's start and its port's arrival were cut; the context keeps them.
    const scene: LogRecord[] = [{ realm: 'b', ...child, event: { ...events.realmStarted!, seq: 1, url: child.url, kind: 'iframe', origin: 'http://localhost:8001' } as EntangleEvent }];
    const later: LogRecord[] = [{ realm: 'b', ...child, event: { type: 'portClosed', seq: 9, t: 1009, port: 'b:1' } }];
    const join = { from: { id: 'a:2', realm: 'a', observed: true, t: 1001, seq: 2 }, to: { id: 'b:1', realm: 'b', observed: true, t: 1003, seq: 5 }, via: 'port' as const, leftT: 1002, evidence: [{ realm: 'a', seq: 3 }, { realm: 'b', seq: 5 }] };
    const withContext: CaptureInput = { ...input, records: later, gaps: [], context: { records: scene, joins: [join], pairsCut: [{ port: 'a:1', receipts: 1, sends: 0 }] } };

    it('writes it and reads it back; a file without one reads without one', async () => {
      const read = await readCapture(writeCapture(withContext));
      expect(read.ok && read.capture.context).toEqual({ records: scene, joins: [join], pairsCut: [{ port: 'a:1', receipts: 1, sends: 0 }] });
      const plain = await readCapture(writeCapture({ ...withContext, context: { records: [], joins: [], pairsCut: [] } }));
      expect(plain.ok && plain.capture.context).toBeUndefined();
    });

    it.each([
      ['a message in it', { records: [{ ...later[0]!, event: { ...events.sent!, seq: 1 } }], joins: [] }, 'context.records[0].event: messageSent does not set the scene'],
      ['a record not before its realm\'s first', { records: [{ ...later[0]!, event: { type: 'portStarted', seq: 9, t: 1, port: 'b:1', implicit: true } }], joins: [] }, "seq 9 of realm \"b\" is not before the realm's first record (9)"],
      ['a step by an unknown way', { records: [], joins: [{ ...join, via: 'teleport' }] }, 'context.joins[0]: via must be one of created, port, window, worker, unknown'],
      ['a step without its evidence list', { records: [], joins: [{ ...join, evidence: 'x' }] }, 'context.joins[0]: evidence must be an array of at most 2 events'],
      ['a step from nowhere', { records: [], joins: [{ ...join, from: { ...join.from, t: 'soon' } }] }, 'context.joins[0].from: t must be a finite number'],
      ['a made-up port id that is not one', { records: [], joins: [{ ...join, to: { ...join.to, observed: false } }] }, 'context.joins[0].to: a port not observed must have a made-up id'],
      ['a negative count of pairs cut', { records: [], joins: [], pairsCut: [{ port: 'a:1', receipts: -1, sends: 0 }] }, 'context.pairsCut[0]: receipts must be a non-negative integer'],
      ['not an object', [], 'context must be an object'],
    ])('refuses %s', async (_, context, error) => {
      const file = JSON.parse(writeCapture(withContext)) as Record<string, unknown>;
      file.context = context;
      expect(await errorOf(file)).toContain(error);
    });
  });

  it('refuses to write a capture it could not read back', () => {
    const bad = { ...input, records: [{ ...records[0]!, event: { ...events.realmStarted!, seq: 0 } }] };
    expect(() => writeCapture(bad)).toThrow('cannot write capture: records[0].event: seq must be a positive integer');
    expect(() => writeCapture({ ...input, createdAt: 'yesterday' })).toThrow('cannot write capture: createdAt must be an ISO 8601 date and time');
    expect(() => writeCapture({ ...input, createdAt: new Date(NaN) })).toThrow('cannot write capture: createdAt must be an ISO 8601 date and time');
    expect(() => writeCapture({ ...input, records: [{ ...records[0]!, extra: JSON.parse('{"__proto__":1}') as unknown } as LogRecord] })).toThrow(
      'cannot write capture: records[0].extra: key "__proto__" is not allowed',
    );
  });

  it('walks only own keys of what it writes: an inherited key is not the capture’s', () => {
    const inherits = Object.create(JSON.parse('{"__proto__":{"deep":1}}') as object) as object;
    expect(() => writeCapture({ ...input, records: [{ ...records[0]!, extra: inherits } as LogRecord] })).not.toThrow();
  });
});

describe('reading fails with a message naming the problem and where', () => {
  it('wrong format', async () => {
    expect(await errorOf({ format: 'x', version: 1 })).toBe('not an Entangle capture (format is "x")');
    expect(await errorOf({ version: 1 })).toBe('not an Entangle capture (no "format" field)');
    expect(await errorOf([1, 2])).toBe('not an Entangle capture (not a JSON object)');
    expect(await errorOf('"entangle-capture"')).toBe('not an Entangle capture (not a JSON object)');
  });

  it('unknown version', async () => {
    expect(await errorOf({ ...valid(), version: 7 })).toBe('capture version 7 is newer than this reader (reads 1)');
    expect(CAPTURE_VERSION).toBe(1);
    expect(await errorOf({ ...valid(), version: '1' })).toBe('capture version must be a positive integer (is "1")');
    expect(await errorOf({ ...valid(), version: 0 })).toBe('capture version must be a positive integer (is 0)');
    expect(await errorOf({ ...valid(), version: 1.5 })).toBe('capture version must be a positive integer (is 1.5)');
    const { version: _version, ...noVersion } = valid();
    expect(await errorOf(noVersion)).toBe('capture has no version');
  });

  it('event N malformed', async () => {
    const file = valid();
    const recs = file.records as Record<string, unknown>[];
    recs[2] = { ...recs[2], event: { ...events.channelCreated, seq: 0 } };
    expect(await errorOf(file)).toBe('records[2].event: seq must be a positive integer');

    recs[2] = { ...recs[2], event: { ...events.channelCreated, type: 'bogus' } };
    expect(await errorOf(file)).toBe('records[2].event: unknown type "bogus"');

    const f2 = valid();
    const r2 = f2.records as Record<string, unknown>[];
    r2[3] = { ...r2[3], event: { ...events.sent, transfer: [{ kind: 7 }] } };
    expect(await errorOf(f2)).toBe('records[3].event.transfer[0]: kind must be a string');

    const f3 = valid();
    (f3.records as Record<string, unknown>[]).push({ realm: 'a', ...top, event: { ...events.sent, seq: 3 } });
    expect(await errorOf(f3)).toBe('records[6].event: seq 3 of realm "a" does not follow 3 (a realm\'s seqs only increase)');

    const f4 = valid();
    (f4.records as unknown[])[1] = 'x';
    expect(await errorOf(f4)).toBe('records[1] must be an object');
  });

  it('an event built to make a validator throw is reported, not thrown', async () => {
    const file = valid();
    (file.records as Record<string, unknown>[])[0] = { realm: 'a', ...top, event: { type: { toString: 1 }, seq: 1, t: 1 } };
    expect(await errorOf(file)).toMatch(/^records\[0\]\.event: (unknown type|type must be a string|not a valid event)/);
  });

  it.each<[string, (file: Record<string, unknown>) => void, string]>([
    ['createdAt', (f) => (f.createdAt = 'last week'), 'createdAt must be an ISO 8601 date and time (like "2025-01-31T12:00:00.000Z")'],
    ['generator', (f) => (f.generator = { name: '', version: '1' }), 'generator.name must be a non-empty string of at most 256 characters'],
    ['page', (f) => (f.page = { title: 'x' }), 'page.url must be a string'],
    ['records', (f) => (f.records = {}), 'records must be an array'],
    ['gaps', (f) => (f.gaps = null), 'gaps must be an array'],
    ['gap range', (f) => (f.gaps = [{ realm: 'b', from: 4, to: 2, reason: 'unknown' }]), 'gaps[0]: to (2) is before from (4)'],
    ['gap reason', (f) => (f.gaps = [{ realm: 'b', from: 2, to: 2, reason: 'lost' }]), 'gaps[0]: reason must be one of relayBufferFull, batchRejected, unwatched, unknown'],
    ['record realm', (f) => ((f.records as Record<string, unknown>[])[4]!.realm = ''), 'records[4]: realm must be a string of 1 to 64 characters'],
    ['record frameId', (f) => ((f.records as Record<string, unknown>[])[4]!.frameId = -2), 'records[4]: frameId must be a non-negative integer'],
    ['record url', (f) => ((f.records as Record<string, unknown>[])[4]!.url = 'u'.repeat(20_000)), 'records[4].url is longer than 16384 characters'],
    ['bounds name', (f) => (f.bounds = { 'no spaces': 1 }), 'bounds: "no spaces" is not a valid name (a letter, then up to 63 letters, digits, _ . -)'],
    ['bounds value', (f) => (f.bounds = { relayBufferEvents: '50000' }), 'bounds.relayBufferEvents must be a finite number'],
    ['problems', (f) => (f.problems = [1]), 'problems[0] must be a string'],
  ])('%s', async (_name, breakIt, error) => {
    const file = valid();
    breakIt(file);
    expect(await errorOf(file)).toBe(error);
  });

  it('not JSON, with the line and column of the fault', async () => {
    expect(await errorOf('{"format":"entangle-capture",\n"version": 1,\n  "records": [}')).toMatch(/^not JSON: .+ \(line 3, column 15\)$/);
    expect(await errorOf('{"format":')).toMatch(/^not JSON: .+ \(line 1, column 11\)$/);
    expect(await errorOf('{"format": "entangle-capture", "version": 1, "page": {"url": "a\tb"}}')).toMatch(/^not JSON: .+ \(line 1, column 64\)$/);
    expect(await errorOf('{"a": [1, 2, 3], "b": tru }')).toMatch(/^not JSON: .+ \(line 1, column 26\)$/);
    expect(await errorOf('{"a": 1} x')).toMatch(/^not JSON: .+ \(line 1, column 10\)$/);
  });

  it('not text, empty', async () => {
    expect(await errorOf(new Uint8Array([0xff, 0xfe, 0x7b, 0x00]))).toBe('not UTF-8 text (neither JSON nor gzip)');
    expect(await errorOf(new Uint8Array(0))).toBe('file is empty');
    expect(await errorOf('')).toBe('file is empty');
  });

  it('file too large: rejected by its size, before parsing', async () => {
    const huge = `{"format":"entangle-capture","version":1,"page":{"url":"${'x'.repeat(100 * 1024 * 1024)}"}}`;
    expect(await errorOf(huge)).toBe(`file is ${huge.length} bytes, more than the limit of 64 MiB`);
    expect(await errorOf(new Uint8Array(DEFAULT_MAX_BYTES + 1))).toBe('file is 67108865 bytes, more than the limit of 64 MiB');
    const text = writeCapture(input);
    expect(await errorOf(text, 1000)).toBe(`file is ${text.length} bytes, more than the limit of 1000 bytes`);
    // Multi-byte characters count as their UTF-8 bytes.
    expect(await errorOf('é'.repeat(600), 1024)).toBe('file is 1200 bytes, more than the limit of 1 KiB');
  });

  it('gzip corrupt: right magic bytes, garbage after them', async () => {
    const garbage = new Uint8Array([0x1f, 0x8b, ...Array.from({ length: 60 }, (_, i) => (i * 37) & 0xff)]);
    expect(await errorOf(garbage)).toMatch(/^gzip data is corrupt \(.+\)$/);
    // A flipped byte in the trailer: the checksum does not match.
    const bytes = await writeCaptureGzip(input);
    const flipped = bytes.slice();
    flipped[flipped.length - 6]! ^= 0xff;
    expect(await errorOf(flipped)).toMatch(/^gzip data is corrupt \(.+\)$/);
  });

  it('gzip truncated', async () => {
    const bytes = await writeCaptureGzip(input);
    expect(await errorOf(bytes.slice(0, bytes.length - 12))).toMatch(/^gzip data is truncated \(.+\)$/);
    expect(await errorOf(bytes.slice(0, 12))).toMatch(/^gzip data is truncated \(.+\)$/);
  });

  it('gzip holding text that is not UTF-8', async () => {
    expect(await errorOf(await gzip([new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])]))).toBe('gzip data is not UTF-8 text');
    // A character cut by the end of the data: not UTF-8 either (the decoder's last call says so).
    expect(await errorOf(await gzip([new Uint8Array([0x22, 0xe2, 0x82])]))).toBe('gzip data is not UTF-8 text');
  });

  it('gzip text is decoded across the pieces it decompresses in: characters cut between two are whole', async () => {
    // Several hundred KiB of three-byte characters: decompressed in pieces whose ends fall inside some.
    const euros = '€'.repeat(300_000);
    const text = `{"format":"not-entangle","x":"${euros}"}`;
    const piece = (a: number, b: number) => new TextEncoder().encode(text).slice(a, b);
    const whole = new TextEncoder().encode(text).length;
    // Given to the compressor cut inside a character too.
    const error = await errorOf(await gzip([piece(0, 100_001), piece(100_001, whole)]));
    expect(error).not.toMatch(/UTF-8/);
    expect(error).toBe(await errorOf(text));
  });

  it('gzip holding something other than a capture', async () => {
    expect(await errorOf(await gzip([new TextEncoder().encode('hello')]))).toMatch(/^not JSON: /);
    expect(await errorOf(await gzip([]))).toBe('gzip data is empty');
  });

  it('gzip bomb: 200 MiB of zeros stops at the limit', async () => {
    const MiB = new Uint8Array(1024 * 1024);
    const bomb = await gzip(Array.from({ length: 200 }, () => MiB));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await errorOf(bomb)).toBe('gzip data expands to more than the limit of 64 MiB');
    expect(await errorOf(bomb, 2 * 1024 * 1024)).toBe('gzip data expands to more than the limit of 2 MiB');
  }, 20_000);
});

describe('hostile files', () => {
  it('__proto__ keys are refused and pollute nothing', async () => {
    const text = writeCapture(input);
    const cases: [string, string][] = [
      [text.replace('{"format"', '{"__proto__":{"polluted":true},"format"'), '(top level): key "__proto__" is not allowed'],
      [text.replace('"page":{', '"page":{"__proto__":{"polluted":true},'), 'page: key "__proto__" is not allowed'],
      [text.replace('"bounds":{', '"bounds":{"__proto__":{"polluted":true},'), 'bounds: key "__proto__" is not allowed'],
      [text.replace('"event":{"type":"portClosed"', '"event":{"__proto__":{"polluted":true},"type":"portClosed"'), 'records[5].event: key "__proto__" is not allowed'],
      [text.replace('"ports":["b:1"]', '"ports":["b:1"],"x":[{"__proto__":{"polluted":true}}]'), 'records[4].event.x[0]: key "__proto__" is not allowed'],
      // Inside a preview (walked by the event validator, not twice).
      [text.replace('"preview":{"$t":"object",', '"preview":{"$t":"object","__proto__":{"polluted":true},'), 'records[4].event: preview has a field "__proto__", which object nodes do not have'],
      // A "preview" on an event that has none is not the validator's: the reader's own walk sees it.
      [text.replace('"event":{"type":"portClosed"', '"event":{"preview":{"__proto__":{"polluted":true}},"type":"portClosed"'), 'records[5].event.preview: key "__proto__" is not allowed'],
    ];
    for (const [hostile, error] of cases) {
      expect(hostile).not.toBe(text);
      expect(await errorOf(hostile)).toBe(error);
    }
    // constructor/prototype keys are only data.
    const ctor = await readCapture(text.replace('"page":{', '"page":{"constructor":{"prototype":{"polluted":true}},'));
    expect(ctor.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('deep nesting is refused, wherever it is', async () => {
    const depth = 100_000;
    expect(await errorOf('['.repeat(depth) + ']'.repeat(depth))).toBe('nesting too deep: more than 64 levels at [0][0][0][0][0][0]…[0]');
    const deep = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const text = writeCapture(input).replace('"ports":["b:1"]', `"ports":["b:1"],"extra":${deep}`);
    expect(await errorOf(text)).toBe('nesting too deep: more than 64 levels at records[4].event.extra.a.a….a');
    // Within the overall bound, previews are still bounded by the event validator.
    let preview: unknown = 1;
    for (let i = 0; i < 20; i++) preview = { $t: 'array', items: [preview], length: 1 };
    const file = valid();
    (file.records as Record<string, unknown>[])[4] = { realm: 'b', ...child, event: { ...events.received, seq: 5, preview } };
    expect(await errorOf(file)).toMatch(/^records\[4\]\.event: preview\.items\[0\].*… ?.*is nested deeper than 24 levels$/);
  });

  it('a file of 100 MB of strings is refused quickly', async () => {
    const strings = `{"format":"entangle-capture","version":1,"problems":[${`"${'s'.repeat(1000)}",`.repeat(100_000)}""]}`;
    expect(await errorOf(new TextEncoder().encode(strings))).toBe(`file is ${strings.length} bytes, more than the limit of 64 MiB`);
  });

  it('rejects bad maxBytes', async () => {
    expect(await errorOf(writeCapture(input), 0)).toBe('maxBytes must be a positive integer');
  });
});

describe('capture: untrusted realms', () => {
  it("keeps a realm's untrusted mark on every record, and rejects an unknown one", async () => {
    const marked: CaptureInput = { ...input, records: records.map((r) => (r.realm === 'b' ? { ...r, untrusted: 'inheritedWindow' as const } : r)) };
    const read = await readCapture(writeCapture(marked));
    if (!read.ok) throw new Error(read.error);
    expect(read.capture.records.filter((r) => r.realm === 'b').map((r) => r.untrusted)).toEqual(['inheritedWindow', 'inheritedWindow', 'inheritedWindow']);
    expect(read.capture.records.filter((r) => r.realm === 'a').every((r) => r.untrusted === undefined)).toBe(true);
    const bad = JSON.parse(writeCapture(marked)) as { records: Record<string, unknown>[] };
    bad.records[1]!.untrusted = 'trustMe';
    expect(await errorOf(bad)).toMatch(/untrusted must be one of inheritedWindow/);
  });
});

describe('capture: window messages the browser dropped', () => {
  const dropped: EntangleEvent = {
    type: 'windowMessageDropped',
    seq: 1,
    t: 1005,
    targetOrigin: 'https://wrong.example',
    recipientOrigin: 'http://localhost:8001',
    url: 'http://127.0.0.1:8000/',
    line: 3,
    column: 9,
    stack: '    at send (http://127.0.0.1:8000/:3:9)',
  };
  const report: LogRecord = { realm: 'browser-7', tabId: 7, frameId: -1, event: dropped };

  it("keeps the browser's reports (frame -1: the browser is no frame)", async () => {
    const read = await readCapture(writeCapture({ ...input, records: [...records, report] }));
    if (!read.ok) throw new Error(read.error);
    expect(read.capture.records.at(-1)).toEqual(report);
  });

  it('rejects a malformed one, and frame -1 for any other event', async () => {
    const bad = JSON.parse(writeCapture({ ...input, records: [...records, report] })) as { records: Record<string, unknown>[] };
    (bad.records[6]!.event as Record<string, unknown>).recipientOrigin = 5;
    expect(await errorOf(bad)).toMatch(/records\[6\]\.event: recipientOrigin must be a string/);
    const notDropped = JSON.parse(writeCapture(input)) as { records: Record<string, unknown>[] };
    notDropped.records[5]!.frameId = -1;
    expect(await errorOf(notDropped)).toMatch(/records\[5\]: frameId must be a non-negative integer/);
  });
});
