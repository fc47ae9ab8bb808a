import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../model/protocol';
import { originRelation, workerCreation } from './realmFacts';
import type { LogEntry } from './store';

describe('originRelation', () => {
  it("compares a frame's origin with its parent's", () => {
    expect(originRelation({ origin: 'https://a.test' }, { origin: 'https://a.test' })).toBe('same-origin');
    expect(originRelation({ origin: 'https://b.test' }, { origin: 'https://a.test' })).toBe('cross-origin');
    expect(originRelation({ origin: 'http://a.test' }, { origin: 'https://a.test' })).toBe('cross-origin');
  });
  it('calls an opaque origin cross-origin, even to another opaque one', () => {
    expect(originRelation({ origin: 'null' }, { origin: 'https://a.test' })).toBe('cross-origin (opaque origin)');
    expect(originRelation({ origin: 'null' }, { origin: 'null' })).toBe('cross-origin (opaque origin)');
  });
  it('does not guess when an origin is unknown', () => {
    expect(originRelation({}, { origin: 'https://a.test' })).toBeNull();
    expect(originRelation({ origin: 'https://a.test' }, undefined)).toBeNull();
  });
});

describe('workerCreation', () => {
  const entry = (index: number, event: LogEntry['event']): LogEntry => ({ index, realm: 'A', frameId: 0, tabId: 1, event });
  it("finds the worker's creation among the entries", () => {
    const entries = [
      entry(0, { type: 'realmStarted', seq: 1, t: 1, kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION }),
      entry(1, { type: 'workerCreated', seq: 2, t: 2, worker: 'A:w1', url: 'https://a.test/w.js', workerType: 'module' }),
    ];
    expect(workerCreation(entries, 'A:w1')).toEqual({ url: 'https://a.test/w.js', workerType: 'module' });
    expect(workerCreation(entries, 'A:w2')).toBeUndefined();
  });
});
