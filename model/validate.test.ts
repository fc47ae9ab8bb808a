import { describe, expect, it } from 'vitest';
import { batchFromText, parseBatch, validateBatch, validateEvent } from './validate';

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
    [batch([{ ...received, seq: 1, preview: { nope: 1 } }]), 'event 0: preview node must be a primitive, an array or a tagged object'],
    [batch([{ ...received, seq: 1, source: 'elsewhere' }]), 'event 0: source must be one of self, parent, top, opener, child, other, none'],
    [batch([{ ...realmStarted, url: 'x'.repeat(20_000) }]), 'event 0: url is longer than 16384 characters'],
  ])('rejects %j with a message naming the problem', (value, error) => {
    expect(validateBatch(value)).toEqual({ ok: false, error });
  });

  it('shares one frozen empty list among the events that move nothing, in batches and single events', () => {
    const parsed = parseBatch(JSON.stringify(batch([realmStarted, { ...sent, transfer: [] }, { ...received, ports: [] }])), 10_000);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [, s, r] = parsed.value.events as [unknown, { transfer: unknown[] }, { ports: unknown[] }];
    expect(s.transfer).toBe(r.ports);
    expect(Object.isFrozen(s.transfer)).toBe(true);
    const one = validateEvent(JSON.parse(JSON.stringify({ ...received, ports: [] })), 'records[0].event');
    expect(one.ok && (one.value as { ports: unknown[] }).ports).toBe(r.ports);
    // A list with something in it is the event's own.
    const own = validateEvent(JSON.parse(JSON.stringify(sent)), 'e');
    expect(own.ok && (own.value as { transfer: unknown[] }).transfer).not.toBe(r.ports);
    expect(own.ok && (own.value as { transfer: unknown[] }).transfer).toHaveLength(1);
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
