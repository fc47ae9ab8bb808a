/**
 * The timeline's rows say what the model now says: an unknown sender reads *unknown* (never a realm
 * that did not send), a broadcast is one row with its receivers, and filters follow suit. Hand-made
 * models only (types from the model, no correlator at run time).
 */
import { describe, expect, it } from 'vitest';
import type { CaptureModel, DeliveryModel, MessageModel, RealmModel } from '../../model/correlator';
import { EventLog } from '../eventLog';
import { indexOf } from '../modelIndex';
import type { LogEntry } from '../store';
import { EMPTY_FILTER, type Focus, type TimelineFilter } from '../viewState';
import { buildRows, endpoints, filterRows, messageSearchText } from './rows';

const realm = (id: string, kind: RealmModel['kind'], extra: Partial<RealmModel> = {}): RealmModel => ({
  id,
  kind,
  url: `https://a.test/${id}`,
  instrumented: kind !== 'serviceworker',
  events: 1,
  gaps: 0,
  missing: 0,
  faults: 0,
  ...extra,
});

const delivery = (toRealm: string, seq: number, extra: Partial<DeliveryModel> = {}): DeliveryModel => ({
  toRealm,
  bc: `${toRealm}:b1`,
  receivedAt: 100 + seq,
  latency: 0.5,
  receipt: { realm: toRealm, seq, index: seq },
  ...extra,
});

const msg = (m: Partial<MessageModel> & Pick<MessageModel, 'id'>): MessageModel => ({ route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...m });

/** Top T opened popup P and has iframes A and B; A broadcasts to B and P; a window message from outside. */
function scene(): CaptureModel {
  const messages = [
    msg({ id: 'A#2', route: 'broadcast', fromRealm: 'A', channelName: 'sync', sentAt: 1, receivedAt: 101, deliveries: [delivery('B', 1), delivery('P', 2, { failed: true })] }),
    msg({ id: 'A#3', route: 'broadcast', fromRealm: 'A', toRealm: 'B', channelName: 'sync', sentAt: 2, receivedAt: 103, deliveries: [delivery('B', 3)] }),
    msg({ id: 'T#4', route: 'window', toRealm: 'T', receivedAt: 5, senderUnknown: 'sourceOutsideTab', preview: 'hi' }),
    msg({ id: 'B#9', route: 'broadcast', toRealm: 'B', channelName: 'sync', receivedAt: 6, senderUnknown: 'broadcastUnmatched' }),
  ];
  return {
    realms: [realm('T', 'top'), realm('A', 'iframe', { parent: 'T' }), realm('B', 'iframe', { parent: 'T' }), realm('P', 'popup', { parent: 'T' }), realm('T:s1', 'serviceworker', { parent: 'T' })],
    channels: [],
    ports: [],
    messages,
    gaps: [],
    totals: { sent: 4, delivered: 4, queued: 0, failed: 0, lost: 0, doomed: 0, droppedOrigin: 0, inFlight: 0, ambiguous: 0, gaps: 0, missing: 0, events: 0, duplicates: 0, faults: 0 },
  };
}

const f = (patch: Partial<TimelineFilter> = {}): TimelineFilter => ({ ...EMPTY_FILTER, ...patch });

function shownIds(model: CaptureModel, filter: TimelineFilter, focus: Focus | null = null): string[] {
  const rows = filterRows(buildRows(model, new EventLog<LogEntry>(10), false), filter, focus, indexOf(model)).rows;
  return rows.flatMap((r) => (r.kind === 'message' ? [r.message.id] : []));
}

describe('timeline rows: unknown senders and broadcasts', () => {
  it('an unknown sender reads "unknown", marked as such, with the reason in its tooltip', () => {
    const model = scene();
    const e = endpoints(model.messages[2] as MessageModel, indexOf(model).realms);
    expect(e.from).toEqual({ text: 'unknown', title: 'sender unknown: sent from a window outside the recording', unknown: true });
    expect(e.text).toBe('unknown → top');
    // A known sender is not marked.
    expect(endpoints(model.messages[0] as MessageModel, indexOf(model).realms).from.unknown).toBe(false);
  });

  it('a broadcast with several receipts says how many, and lists them by realm in the tooltip', () => {
    const model = scene();
    const realms = indexOf(model).realms;
    const many = endpoints(model.messages[0] as MessageModel, realms);
    expect(many.to.text).toBe('2 receivers › “sync”');
    // Named in the list, with their ids and URLs (the list is a tooltip).
    expect(many.to.title.split('\n')).toEqual(['2 receivers on “sync”:', '  iframe a.test/B (B https://a.test/B)', '  popup a.test/P (P https://a.test/P) (messageerror)']);
    expect(endpoints(model.messages[1] as MessageModel, realms).to.text).toBe('iframe a.test/B › “sync”');
  });

  it('the realm filter matches a broadcast where it was delivered, and never matches a realm on a side it was not', () => {
    const model = scene();
    expect(shownIds(model, f({ realm: 'P' }))).toEqual(['A#2']);
    expect(shownIds(model, f({ realm: 'B' }))).toEqual(['A#2', 'A#3', 'B#9']);
    expect(shownIds(model, f({ realm: 'A' }))).toEqual(['A#2', 'A#3']);
    // T only received T#4: its unknown sender is not T, nor anyone else.
    expect(shownIds(model, f({ realm: 'T' }))).toEqual(['T#4']);
    expect(shownIds(model, f(), { kind: 'realm', id: 'P' })).toEqual(['A#2']);
  });

  it('search finds a broadcast by any of its receivers, and an unknown sender by its reason', () => {
    const model = scene();
    const realms = indexOf(model).realms;
    expect(messageSearchText(model.messages[0] as MessageModel, realms)).toContain('https://a.test/p');
    expect(shownIds(model, f({ text: 'unknown sender' }))).toEqual(['T#4', 'B#9']);
    expect(shownIds(model, f({ text: 'sourceOutsideTab' }))).toEqual(['T#4']);
  });
});

describe('timeline rows: a service worker realm in focus', () => {
  it('shows the serviceWorkerFound events of its script, recorded by the page that found it', () => {
    const model = scene();
    const id = 'serviceworker:https://a.test/sw.js';
    model.realms.push(realm(id, 'serviceworker', { parent: 'T', url: 'https://a.test/sw.js' }));
    const log = new EventLog<LogEntry>(10);
    const found = (seq: number, scriptURL: string): LogEntry => ({
      index: seq - 1,
      realm: 'T',
      frameId: 0,
      tabId: 1,
      event: { type: 'serviceWorkerFound', seq, t: seq, worker: `T:s${seq}`, scriptURL, state: 'activated' },
    });
    log.push(found(1, 'https://a.test/sw.js'));
    log.push(found(2, 'https://a.test/other-sw.js'));
    const rows = filterRows(buildRows(model, log, true), f({ showEvents: true }), { kind: 'realm', id }, indexOf(model)).rows;
    const events = rows.flatMap((r) => (r.kind === 'event' ? [r.entry.event.seq] : []));
    expect(events).toEqual([1]);
  });
});
