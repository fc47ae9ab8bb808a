import { describe, expect, it } from 'vitest';
import type { Preview } from '../model/protocol';
import { previewText, summarize } from './summary';

describe('previewText', () => {
  it('renders every preview kind compactly', () => {
    const p: Preview = {
      $t: 'object',
      entries: [
        ['a', 1],
        ['needs quote', 'x'],
        ['u', { $t: 'undefined' }],
        ['n', { $t: 'number', v: 'NaN' }],
        ['b', { $t: 'bigint', v: '12' }],
        ['l', { $t: 'array', items: [true, null], length: 5 }],
      ],
      more: 2,
    };
    expect(previewText(p, 500)).toBe('{a: 1, "needs quote": "x", u: undefined, n: NaN, b: 12n, l: [true, null, …+3], …+2}');
    expect(previewText({ $t: 'map', entries: [['k', { $t: 'set', items: [1], size: 1 }]], size: 1 })).toBe('Map(1) {"k" => Set(1) {1}}');
    expect(previewText({ $t: 'blob', kind: 'File', name: 'a.txt', size: 2048, type: 'text/plain' })).toBe('File "a.txt" (2.0 kB, text/plain)');
    expect(previewText({ $t: 'error', name: 'TypeError', message: 'boom' })).toBe('TypeError: boom');
    expect(previewText({ $t: 'string', v: 'abc', length: 9000 })).toBe('"abc…" (9000)');
    expect(previewText({ $t: 'date', v: 0 })).toBe('1970-01-01T00:00:00.000Z');
  });

  it('cuts long previews at 120 characters', () => {
    const long: Preview = { $t: 'array', items: Array.from({ length: 200 }, (_, i) => i), length: 200 };
    const text = previewText(long);
    expect(text.length).toBe(120);
    expect(text.endsWith('…')).toBe(true);
  });

  it('survives malformed input', () => {
    expect(previewText({ $t: 'nope' } as unknown as Preview)).toBe('?');
    expect(previewText({ $t: 'object' } as unknown as Preview)).toBe('{}');
  });
});

describe('summarize', () => {
  it('names route, ports, transfer, outcome, error and preview of a send', () => {
    const line = summarize({
      type: 'messageSent',
      seq: 3,
      t: 1,
      route: 'port',
      port: 'r:1',
      partner: 'r:2',
      transfer: [{ kind: 'MessagePort', port: 'r:2' }, { kind: 'ArrayBuffer', byteLength: 16 }],
      size: 40,
      outcome: 'doomed',
      error: { name: 'DataCloneError', message: 'could not be cloned' },
      preview: { $t: 'object', entries: [['id', 1]], more: 0 },
    });
    expect(line).toBe('port  r:1 → r:2  transfer [MessagePort r:2, ArrayBuffer 16 B]  40 B  ⚠ doomed  ✖ DataCloneError: could not be cloned  {id: 1}');
  });

  it('summarises receipts and lifecycle events', () => {
    expect(summarize({ type: 'messageReceived', seq: 1, t: 1, route: 'window', origin: 'https://b.test', ports: ['r:4'], size: 2, preview: 'hi' })).toBe(
      'window  from https://b.test  ports [r:4]  2 B  "hi"',
    );
    expect(
      summarize({ type: 'messageReceived', seq: 1, t: 1, route: 'window', origin: 'https://c.test', source: 'child', childIndex: 1, ports: [], size: 1, preview: null }),
    ).toBe('window  from https://c.test  (child #1)  1 B  null');
    expect(summarize({ type: 'portStarted', seq: 1, t: 1, port: 'r:1', implicit: true })).toBe('r:1  started by onmessage');
    expect(summarize({ type: 'channelCreated', seq: 1, t: 1, channel: 'c1', port1: 'r:1', port2: 'r:2' })).toBe('c1  r:1 ⇄ r:2');
  });
});

describe('the events and previews issue 9 added', () => {
  it('summarizes BroadcastChannel objects, service workers and documents going away', () => {
    expect(summarize({ type: 'broadcastChannelCreated', seq: 1, t: 0, bc: 'r:b1', channelName: 'sync' })).toBe('r:b1  channel "sync"');
    expect(summarize({ type: 'broadcastChannelClosed', seq: 2, t: 0, bc: 'r:b1' })).toBe('r:b1  closed');
    expect(summarize({ type: 'serviceWorkerFound', seq: 3, t: 0, worker: 'r:s1', scriptURL: 'https://a.test/sw.js', state: 'activated', scope: 'https://a.test/' })).toBe(
      'r:s1  activated  https://a.test/sw.js  scope https://a.test/',
    );
    expect(summarize({ type: 'realmGone', seq: 4, t: 0, persisted: false })).toBe('unloaded');
    expect(summarize({ type: 'realmGone', seq: 5, t: 0, persisted: true })).toBe('put in the back/forward cache (it may come back)');
  });

  it('says where a clone failed, and what was not reached or not looked at', () => {
    const line = summarize({
      type: 'messageSent',
      seq: 6,
      t: 0,
      route: 'port',
      port: 'r:1',
      transfer: [],
      outcome: 'posted',
      error: { name: 'DataCloneError', message: 'could not be cloned', path: 'payload.f', culprit: 'Function' },
      preview: { $t: 'object', entries: [['f', { $t: 'uncloneable', kind: 'Function' }], ['g', { $t: 'truncated', reason: 'unreached' }], ['p', { $t: 'opaque', kind: 'Proxy' }]], more: 0 },
    });
    expect(line).toBe('port  r:1  ✖ DataCloneError: could not be cloned (at payload.f)  {f: (uncloneable Function), g: (not reached), p: (opaque Proxy)}');
  });
});
