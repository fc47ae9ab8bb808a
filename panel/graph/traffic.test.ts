/**
 * The graph's counts at a moment of a playback, made from the playback's checkpoints (`noteMoment`),
 * are the counts of that moment's model made afresh: messages after the checkpoint, and the ones
 * before it that were not settled yet at that moment (in flight, queued, a broadcast half delivered).
 */
import { describe, expect, it } from 'vitest';
import type { CaptureModel, MessageModel, PortModel, RealmModel } from '../../model/correlator';
import { createPlayback } from '../../model/playback';
import { captureModel } from '../modelFixture';
import { TRAFFIC_CHECKPOINT, noteMoment, trafficOf, type Traffic } from './traffic';

const realm = (id: string, extra: Partial<RealmModel> = {}): RealmModel => ({ id, kind: 'iframe', parent: 'top', url: `https://${id}.test/`, instrumented: true, events: 1, gaps: 0, missing: 0, faults: 0, ...extra });
const port = (id: string, holder: string, partner: string, startedAt: number): PortModel => ({
  id,
  custody: [{ realm: holder, from: 0, via: 'created', started: true, startedAt, closed: false }],
  started: true,
  closed: false,
  channel: 'top:c1',
  entangledWith: partner,
});

/** Port messages top → frame received long after they were sent (the frame starts its port late, so
 *  they wait queued first), some failed; window messages; broadcasts delivered one realm at a time. */
function session(n: number): CaptureModel {
  const messages: MessageModel[] = [];
  for (let i = 0; i < n; i++) {
    const base = { id: `m${i}`, ambiguous: false, transfers: [], sentAt: i };
    if (i % 10 === 3) messages.push({ ...base, route: 'window', status: 'delivered', fromRealm: 'top', toRealm: 'ifr', receivedAt: i + 1 });
    else if (i % 10 === 5)
      messages.push({ ...base, route: 'broadcast', status: 'delivered', fromRealm: 'top', deliveries: [{ toRealm: 'ifr', receivedAt: i + 2 }, { toRealm: 'other', receivedAt: i + 900 }] as MessageModel['deliveries'] });
    else if (i % 10 === 7) messages.push({ ...base, route: 'port', status: 'failed', fromRealm: 'top', fromPort: 'top:1' });
    else messages.push({ ...base, route: 'port', status: 'delivered', fromRealm: 'top', toRealm: 'ifr', fromPort: i % 2 ? 'top:1' : undefined, toPort: 'ifr:1', receivedAt: i + 1500 });
  }
  return captureModel({
    realms: [realm('top', { kind: 'top', parent: undefined }), realm('ifr'), realm('other')],
    channels: [{ id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'ifr:1'] }],
    ports: [port('top:1', 'top', 'ifr:1', 0), port('ifr:1', 'ifr', 'top:1', n * 0.6)],
    messages,
  });
}

/** Counts by port id and route, without the zero route entries a count taken back leaves. */
function plain(t: Traffic): unknown {
  const ports = [...t.portIndex].map(([id, i]) => [id, t.out[i], t.inOnly[i], t.queued[i], t.failed[i]]);
  const routes = [...t.routes].flatMap(([from, byTo]) => [...byTo].filter(([, c]) => c.some((x) => x !== 0)).map(([to, c]) => [from, to, ...c]));
  return { ports, routes: routes.sort() };
}

describe('trafficOf at a moment of a playback', () => {
  it('equals the counts made afresh, at every kind of moment', () => {
    const n = 3 * TRAFFIC_CHECKPOINT + 17;
    const p = createPlayback(session(n));
    let queuedSeen = 0;
    let unsettledBeforeCheckpoint = 0;
    for (const index of [-1, 0, 5, TRAFFIC_CHECKPOINT - 1, TRAFFIC_CHECKPOINT, TRAFFIC_CHECKPOINT + 700, 2 * TRAFFIC_CHECKPOINT + 3, n - 2, n - 1]) {
      const at = p.atMessage(index);
      noteMoment(at, p);
      const fresh = trafficOf({ ...at });
      expect(plain(trafficOf(at)), `at message ${index}`).toEqual(plain(fresh));
      queuedSeen += fresh.queued.reduce((a, b) => a + b, 0);
      for (let i = 0; i < Math.floor(at.messages.length / TRAFFIC_CHECKPOINT) * TRAFFIC_CHECKPOINT; i++) if (at.messages[i] !== p.messages[i]) unsettledBeforeCheckpoint++;
    }
    // The moments tested include messages not yet settled, before a checkpoint, and queued ones.
    expect(unsettledBeforeCheckpoint).toBeGreaterThan(0);
    expect(queuedSeen).toBeGreaterThan(0);
  });

  it('the whole model and a model not of a playback are counted afresh', () => {
    const m = session(50);
    const t = trafficOf(m);
    expect(t.out[t.portIndex.get('top:1')!]).toBe(m.messages.filter((x) => x.fromPort === 'top:1').length);
  });
});
