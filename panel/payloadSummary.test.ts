import { describe, expect, it } from 'vitest';
import type { Preview } from '../model/protocol';
import { LEAD_KEYS, payloadSummary, SUMMARY_CHARS, transferToken } from './payloadSummary';

/** A plain object as a preview, as the recorder would describe it. */
function pv(v: unknown): Preview {
  if (v === undefined) return { $t: 'undefined' };
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return { $t: 'array', items: v.map(pv), length: v.length };
  if (typeof v === 'object' && '$t' in (v as object)) return v as Preview;
  return { $t: 'object', entries: Object.entries(v as object).map(([k, x]) => [k, pv(x)]), more: 0 };
}

const text = (s: { lead?: string; rest: string }): string => [s.lead, s.rest].filter((x) => x !== undefined && x !== '').join(' ');

describe('payloadSummary', () => {
  it("leads with penpal's handshake type and shortens its random ids", () => {
    const syn = payloadSummary(pv({ namespace: 'penpal', channel: undefined, type: 'SYN', participantId: 'b95d3a1c-7e0f-4c2a-9a51-0d6e2f3b4c5d' }));
    expect(syn).toEqual({ lead: 'SYN', rest: '{participantId: "b95…"}', type: 'SYN' });
    expect(text(payloadSummary(pv({ namespace: 'penpal', channel: undefined, type: 'ACK2' })))).toBe('ACK2');
    expect(payloadSummary(pv({ namespace: 'penpal', type: 'ACK2' }))).toEqual({ lead: 'ACK2', rest: '', type: 'ACK2' });
  });

  it('writes penpal calls as calls, and its replies with their value', () => {
    const call = payloadSummary(
      pv({ namespace: 'penpal', channel: undefined, type: 'CALL', id: '0c4e5a2b-aaaa-bbbb-cccc-ddddeeeeffff', methodPath: ['multiply'], args: [2, 3] }),
    );
    expect(call).toEqual({ lead: 'CALL', rest: 'multiply(2, 3) {id: "0c4…"}', type: 'CALL' });
    const reply = payloadSummary(pv({ namespace: 'penpal', channel: undefined, type: 'REPLY', callId: '0c4e5a2b-aaaa-bbbb-cccc-ddddeeeeffff', value: 6 }));
    expect(text(reply)).toBe('REPLY {callId: "0c4…", value: 6}');
    // penpal 6 and older: `{penpal: "call", methodName, args}`.
    const old = payloadSummary(pv({ penpal: 'call', id: 3, methodName: 'api.add', args: [1, 2] }));
    expect(old).toEqual({ lead: 'call', rest: 'api.add(1, 2) {id: 3}', type: 'call' });
    expect(payloadSummary(pv({ penpal: 'syn' })).type).toBe('syn');
  });

  it('takes the first well-known key in order of precedence', () => {
    expect(LEAD_KEYS.slice(0, 7)).toEqual(['type', 'method', 'action', 'kind', 'event', 'cmd', 'command']);
    expect(payloadSummary(pv({ method: 'getUser', type: 'request', x: 1 }))).toEqual({ lead: 'request', rest: '{method: "getUser", x: 1}', type: 'request' });
    for (const key of ['method', 'action', 'kind', 'event', 'cmd', 'name']) {
      expect(payloadSummary(pv({ n: 1, [key]: 'go' })), key).toEqual({ lead: 'go', rest: '{n: 1}', type: 'go' });
    }
    // workbox-window's own messages, and the page's own object sent through it.
    expect(payloadSummary(pv({ type: 'GET_VERSION' }))).toEqual({ lead: 'GET_VERSION', rest: '', type: 'GET_VERSION' });
    expect(text(payloadSummary(pv({ kind: 'question', n: 2 })))).toBe('question {n: 2}');
  });

  it('does not take data for a discriminator', () => {
    // A person's name, a long string, a number, a multi-line string: not leads.
    expect(payloadSummary(pv({ name: 'Ada Lovelace', age: 36 })).lead).toBeUndefined();
    expect(payloadSummary(pv({ type: 'x'.repeat(65) })).lead).toBeUndefined();
    expect(payloadSummary(pv({ type: 3, v: 1 })).lead).toBeUndefined();
    expect(payloadSummary(pv({ type: 'a\nb' })).lead).toBeUndefined();
    expect(payloadSummary(pv({ type: '' })).lead).toBeUndefined();
    // Without a lead, the preview as the timeline showed it: strings whole.
    expect(payloadSummary(pv({ name: 'Ada Lovelace', token: 'b95d3a1c-7e0f-4c2a-9a51-0d6e2f3b4c5d' }))).toEqual({
      rest: '{name: "Ada Lovelace", token: "b95d3a1c-7e0f-4c2a-9a51-0d6e2f3b4c5d"}',
    });
  });

  it('reads JSON-RPC requests, replies and errors', () => {
    expect(payloadSummary(pv({ jsonrpc: '2.0', method: 'eth_call', params: [1], id: 7 }))).toEqual({ lead: 'eth_call', rest: '{params: [1], id: 7}', type: 'eth_call' });
    expect(payloadSummary(pv({ jsonrpc: '2.0', id: 7, result: 42 }))).toEqual({ lead: 'result', rest: '{id: 7, result: 42}', type: 'result' });
    expect(payloadSummary(pv({ id: 7, error: { code: -32601, message: 'nope' } }))).toEqual({
      lead: 'error',
      rest: '{id: 7, error: {code: -32601, message: "nope"}}',
      type: 'error',
    });
    // An id alone is no reply.
    expect(payloadSummary(pv({ id: 7, value: 1 })).lead).toBeUndefined();
  });

  it('reads comlink-like messages by their type', () => {
    const get = payloadSummary(pv({ id: 'abc', type: 'GET', path: ['counter'] }));
    expect(get).toEqual({ lead: 'GET', rest: '{id: "abc", path: ["counter"]}', type: 'GET' });
    expect(payloadSummary(pv({ id: 'abc', type: 'RAW', value: 1 })).type).toBe('RAW');
  });

  it("looks into a generic envelope once: broadcast-channel's {type: 'message', data}", () => {
    const bc = payloadSummary(pv({ time: 1712345678901000, type: 'message', data: { kind: 'question', id: 1, from: 'a' } }));
    expect(bc).toEqual({ lead: 'question', rest: '{id: 1, from: "a"}', type: 'question' });
    // An envelope without a lead inside keeps its own generic lead.
    expect(payloadSummary(pv({ type: 'message', data: 5 }))).toEqual({ lead: 'message', rest: '{data: 5}', type: 'message' });
    // No lead outside: the envelope keys are looked into.
    expect(payloadSummary(pv({ source: 'devtools', payload: { event: 'update', id: 2 } }))).toEqual({ lead: 'update', rest: '{id: 2}', type: 'update' });
    // Only once.
    expect(payloadSummary(pv({ data: { data: { type: 'deep' } } })).lead).toBeUndefined();
  });

  it('reads a JSON string that holds such an object', () => {
    expect(payloadSummary('{"type":"resize","height":240}')).toEqual({ lead: 'resize', rest: '{height: 240}', type: 'resize' });
    expect(payloadSummary('{"not json')).toEqual({ rest: '"{\\"not json"' });
    expect(payloadSummary('{"a":1}')).toEqual({ rest: '"{\\"a\\":1}"' });
    expect(payloadSummary('hello')).toEqual({ rest: '"hello"' });
  });

  it('writes binary and platform values as short tokens', () => {
    expect(payloadSummary({ $t: 'arraybuffer', byteLength: 8, head: '' })).toEqual({ rest: 'ArrayBuffer 8 B' });
    expect(payloadSummary({ $t: 'arraybuffer', byteLength: 8, head: '', detached: true }).rest).toBe('ArrayBuffer 8 B detached');
    expect(payloadSummary({ $t: 'typedarray', kind: 'Uint8Array', length: 4, byteLength: 4, head: '' }).rest).toBe('Uint8Array 4 B');
    expect(payloadSummary({ $t: 'blob', kind: 'File', size: 2048, type: 'text/plain', name: 'a.txt' }).rest).toBe('File "a.txt" 2.0 kB');
    expect(payloadSummary({ $t: 'platform', kind: 'ImageBitmap' }).rest).toBe('ImageBitmap');
    expect(text(payloadSummary(pv({ type: 'frame', buf: { $t: 'arraybuffer', byteLength: 1024, head: '' }, port: { $t: 'platform', kind: 'MessagePort' } })))).toBe(
      'frame {buf: ArrayBuffer 1.0 kB, port: MessagePort}',
    );
  });

  it('gives the transfer list as a token of its own', () => {
    expect(transferToken([])).toBeUndefined();
    expect(transferToken([{ kind: 'MessagePort', port: 'abc:2' }, { kind: 'ArrayBuffer', byteLength: 8 }, { kind: 'ImageBitmap' }])).toBe(
      '⇄ port p2, ArrayBuffer 8 B, ImageBitmap',
    );
    expect(payloadSummary(pv({ type: 'connect' }), [{ kind: 'MessagePort', port: 'abc:2' }])).toEqual({
      lead: 'connect',
      rest: '',
      type: 'connect',
      transfer: '⇄ port p2',
    });
    // A port sent as the payload itself: the token says it all.
    expect(payloadSummary({ $t: 'platform', kind: 'MessagePort' }, [{ kind: 'MessagePort', port: 'abc:2' }])).toEqual({ rest: '', transfer: '⇄ port p2' });
    expect(payloadSummary(undefined, [])).toEqual({ rest: '' });
  });

  it('reads other payloads as the preview text does', () => {
    expect(payloadSummary('ping')).toEqual({ rest: '"ping"' });
    expect(payloadSummary(42)).toEqual({ rest: '42' });
    expect(payloadSummary(null)).toEqual({ rest: 'null' });
    expect(payloadSummary({ $t: 'undefined' })).toEqual({ rest: 'undefined' });
    expect(payloadSummary(pv([1, 'a', { b: 2 }]))).toEqual({ rest: '[1, "a", {b: 2}]' });
    expect(payloadSummary({ $t: 'map', size: 1, entries: [['k', 1]] })).toEqual({ rest: 'Map(1) {"k" => 1}' });
    expect(payloadSummary({ $t: 'object', entries: [['a', 1]], more: 3 })).toEqual({ rest: '{a: 1, …+3}' });
    expect(payloadSummary(undefined)).toEqual({ rest: '' });
  });

  it('stays within its length however large the payload, and stops walking early', () => {
    const big: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) big[`key${i}`] = i;
    let visited = 0;
    const counting = pv({ type: 'bulk', ...big }) as { $t: 'object'; entries: [string, Preview][]; more: number };
    // Count how many entries the summary looks at (through the keys it reads).
    counting.entries = counting.entries.map(([k, v]) => {
      const entry = [k, v] as [string, Preview];
      return new Proxy(entry, {
        get(t, p, r) {
          if (p === '1') visited++;
          return Reflect.get(t, p, r) as unknown;
        },
      });
    });
    const s = payloadSummary(counting);
    expect(s.lead).toBe('bulk');
    expect(s.lead!.length + 1 + s.rest.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    expect(s.rest.endsWith('…')).toBe(true);
    // Keys are looked for among the first entries only; the rest stops after about max / 10 entries.
    expect(visited).toBeLessThan(200);
    const plain = payloadSummary(pv(big));
    expect(plain.rest.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    expect(payloadSummary('x'.repeat(10_000)).rest.length).toBeLessThanOrEqual(SUMMARY_CHARS);
    expect(payloadSummary(pv({ type: 't', s: 'y'.repeat(500) })).rest).toBe(`{s: "${'y'.repeat(39)}…"}`);
    expect(text(payloadSummary(pv({ type: 't' }), undefined, 10))).toBe('t');
  });

  it('never throws on malformed previews from the wire', () => {
    const bad = [
      { $t: 'object' },
      { $t: 'object', entries: 'x' },
      { $t: 'array' },
      { $t: 'nope' },
      { $t: 'object', entries: [['type', 'x'], ['v', { $t: 'array', items: null, length: 3 }]], more: 0 },
      { $t: 'object', entries: [['methodPath', { $t: 'array', items: [1] }], ['args', { $t: 'array', items: [] }], ['type', 'CALL']], more: 0 },
    ] as unknown as Preview[];
    for (const p of bad) expect(() => payloadSummary(p, [{ kind: 'MessagePort', port: 'r:1' }])).not.toThrow();
  });
});
