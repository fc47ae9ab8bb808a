import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../model/bridge';
import { MAX_BATCH_CHARS, MAX_BATCH_EVENTS } from '../model/relay';
import { WorkerStream, workerPlace } from './workerStream';

const place = { target: 'T1', type: 'worker' as const, url: 'https://a.test/w.js' };
const envelope = (first: number, last: number, realm = 'w1') => encodeEnvelope(realm, first, last, `{"seqs":[${first},${last}]}`);
const tinyBounds = { full: { events: 4, chars: 1_000_000 }, head: { events: 2, chars: 1_000_000 }, tail: { events: 2, chars: 1_000_000 } };

describe('a worker’s stream of batches', () => {
  it('routes a batch like a frame relay’s, with frameId -1 and the worker’s place', () => {
    const s = new WorkerStream(7, place);
    expect(s.accept(envelope(1, 3))).toEqual({ routed: { tabId: 7, frameId: -1, worker: place, realm: 'w1', first: 1, last: 3, json: '{"seqs":[1,3]}' } });
    expect(s.realm).toBe('w1');
  });

  it('carries the popup opener when the tab has one', () => {
    const s = new WorkerStream(7, place, () => ({ tabId: 2, frameId: 0 }));
    expect(s.accept(envelope(1, 1))).toMatchObject({ routed: { opener: { tabId: 2, frameId: 0 } } });
  });

  it('refuses what a relay refuses: a bad envelope, too large, another realm, too many events, a repeat', () => {
    const s = new WorkerStream(7, place);
    expect(s.accept('garbage')).toHaveProperty('error');
    expect(s.accept(encodeEnvelope('w1', 1, 1, 'x'.repeat(MAX_BATCH_CHARS)))).toHaveProperty('error');
    expect(s.accept(envelope(1, 2))).toHaveProperty('routed');
    expect(s.accept(envelope(3, 3, 'other'))).toEqual({ error: 'a batch of realm other from the worker of realm w1' });
    expect(s.accept(envelope(3, 3 + MAX_BATCH_EVENTS))).toHaveProperty('error');
    expect(s.accept(envelope(2, 4))).toHaveProperty('error');
    expect(s.accept(envelope(3, 4))).toHaveProperty('routed');
  });

  it('counts the seqs of batches it refused as a gap before the next one, then and on a resend', () => {
    const s = new WorkerStream(7, place);
    s.accept(envelope(1, 2));
    expect(s.accept(envelope(3, 3 + MAX_BATCH_EVENTS))).toHaveProperty('error');
    const next = s.accept(envelope(4 + MAX_BATCH_EVENTS, 4 + MAX_BATCH_EVENTS));
    const gap = { from: 3, to: 3 + MAX_BATCH_EVENTS, reason: 'batchRejected' };
    expect(next).toMatchObject({ routed: { dropped: gap } });
    expect(s.batchesAfter(2).map((b) => b.dropped)).toEqual([gap]);
  });

  it('resends what a panel lacks, within its bound, the overflow as a counted gap', () => {
    const s = new WorkerStream(7, place, undefined, tinyBounds);
    for (let i = 1; i <= 6; i++) s.accept(envelope(i, i));
    expect(s.batchesAfter(4).map((b) => b.first)).toEqual([5, 6]);
    const all = s.batchesAfter(0);
    expect(all.map((b) => b.first)).toEqual([3, 4, 5, 6]);
    expect(all[0]!.dropped).toEqual({ from: 1, to: 2, reason: 'relayBufferFull' });
  });

  it('names the worker kinds in the model’s words, and a nested worker’s parent', () => {
    const t = { sessionId: 's', targetId: 'T', url: 'u' };
    expect(workerPlace({ ...t, type: 'worker' })).toEqual({ target: 'T', type: 'worker', url: 'u' });
    expect(workerPlace({ ...t, type: 'service_worker' }).type).toBe('serviceworker');
    expect(workerPlace({ ...t, type: 'shared_worker' }).type).toBe('sharedworker');
    expect(workerPlace({ ...t, type: 'worker', parentSessionId: 'p', parentTargetId: 'P' })).toEqual({ target: 'T', type: 'worker', url: 'u', parent: 'P' });
  });
});
