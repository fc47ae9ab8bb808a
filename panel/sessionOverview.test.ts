import { describe, expect, it } from 'vitest';
import type { MessageModel, PortModel, RealmModel } from '../model/correlator';
import { ZERO_TOTALS, captureModel } from './modelFixture';
import { OVERVIEW_REALMS, overviewOf } from './sessionOverview';

const realm = (id: string, extra: Partial<RealmModel> = {}): RealmModel => ({ id, kind: 'iframe', parent: 'top', url: `https://${id}.test/`, instrumented: true, events: 1, gaps: 0, missing: 0, faults: 0, ...extra });
const msg = (id: string, extra: Partial<MessageModel>): MessageModel => ({ id, route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...extra });
const port = (id: string, holder: string): PortModel => ({ id, custody: [{ realm: holder, from: 0, via: 'created', started: false, closed: false }], started: false, closed: false });

describe('overviewOf', () => {
  it('names what went wrong, most severe first, each with how to show it', () => {
    const m = captureModel({
      realms: [realm('top', { kind: 'top', parent: undefined }), realm('a', { untrusted: 'inheritedWindow' })],
      ports: [port('a:1', 'a'), port('a:2', 'a')],
      messages: [
        msg('top#1', { status: 'queued', fromRealm: 'top', toPort: 'a:1' }),
        msg('top#2', { status: 'queued', fromRealm: 'top', toPort: 'a:1' }),
        msg('top#3', { status: 'queued', fromRealm: 'top', toPort: 'a:2' }),
        msg('top#4', { status: 'lost', fromRealm: 'top' }),
        msg('top#5', { status: 'delivered', fromRealm: 'top', toRealm: 'a' }),
        msg('browser-1#1', { status: 'dropped-origin', route: 'window', fromRealm: 'top', dropped: { targetOrigin: 'https://x.test', recipientOrigin: 'https://a.test' } }),
      ],
      totals: { ...ZERO_TOTALS, sent: 6, delivered: 1, queued: 3, lost: 1, droppedOrigin: 1, gaps: 1, missing: 7 },
    });
    const o = overviewOf(m);
    expect(o.findings.map((f) => [f.severity, f.text, f.show])).toEqual([
      ['error', "1 window message dropped by the browser: the targetOrigin did not match the receiver's origin", { filter: 'status:dropped-origin' }],
      ['error', '1 message lost: sent to a port that was closed or went nowhere', { filter: 'status:lost' }],
      ['warning', '2 messages waiting at port p1 in ⚠ iframe a.test: it was never started (no onmessage, no start())', { focus: { kind: 'port', id: 'a:1' } }],
      ['warning', '1 message waiting at port p2 in ⚠ iframe a.test: it was never started (no onmessage, no start())', { focus: { kind: 'port', id: 'a:2' } }],
      ['warning', '7 events missing in 1 gap: the statuses around them may be incomplete', { filter: 'is:error' }],
      ['warning', '⚠ iframe a.test: its recording cannot be vouched for', { focus: { kind: 'realm', id: 'a' } }],
    ]);
    expect(o.realms.map((r) => [r.name, r.sent, r.received])).toEqual([
      ['top', 6, 0],
      ['⚠ iframe a.test', 0, 1],
    ]);
    expect(overviewOf(m)).toBe(o);
  });

  it('lists the busiest realms only', () => {
    const realms = [realm('top', { kind: 'top', parent: undefined }), ...Array.from({ length: 20 }, (_, i) => realm(`f${i}`))];
    const messages = realms.map((r, i) => msg(`${r.id}#1`, { route: 'window', fromRealm: r.id, toRealm: 'top', id: `m${i}` }));
    const o = overviewOf(captureModel({ realms, messages, totals: { ...ZERO_TOTALS, sent: messages.length, delivered: messages.length } }));
    expect(o.realms).toHaveLength(OVERVIEW_REALMS);
    expect(o.realms[0]?.name).toBe('top');
    expect(o.moreRealms).toBe(realms.length - OVERVIEW_REALMS);
    expect(o.findings).toEqual([]);
  });
});
