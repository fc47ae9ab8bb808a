/**
 * Test data (not shipped): a top page and an iframe whose ports moved between them, fed to a log store
 * batch by batch as the background delivers them. top:c1's port2 goes to the iframe by
 * window.postMessage (joined by inference); top:c2's port2 rides over it (joined by the recorded send
 * and receipt); then traffic flows on top:c2. Shared by the store and capture-file tests.
 */
import { latencyOf } from '../model/model-types';
import { PROTOCOL_VERSION, type EntangleEvent, type RoutedBatch } from '../model/protocol';
import type { LogStore } from './store';

const top = (events: EntangleEvent[]): RoutedBatch => ({ tabId: 7, frameId: 0, parentFrameId: -1, url: 'https://a.test/', batch: { v: PROTOCOL_VERSION, realm: 'top', events } });
const ifr = (events: EntangleEvent[]): RoutedBatch => ({ tabId: 7, frameId: 3, parentFrameId: 0, url: 'https://a.test/ifr', batch: { v: PROTOCOL_VERSION, realm: 'ifr', events } });
const start = (seq: number, port: string): EntangleEvent => ({ type: 'portStarted', seq, t: 1000 + seq, port, implicit: true });

/** The realms start, the ports move: top seqs 1–6, iframe seqs 1–5. */
export function portsMoved(store: LogStore): void {
  const s = store.getState();
  s.batchReceived(top([
    { type: 'realmStarted', seq: 1, t: 1001, kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION },
    { type: 'channelCreated', seq: 2, t: 1002, channel: 'top:c1', port1: 'top:1', port2: 'top:2' },
    start(3, 'top:1'),
  ]));
  s.batchReceived(ifr([
    { type: 'realmStarted', seq: 1, t: 1001, kind: 'iframe', url: 'https://a.test/ifr', origin: 'https://a.test', protocol: PROTOCOL_VERSION },
    { type: 'messageReceived', seq: 2, t: 1004, route: 'window', origin: 'https://a.test', source: 'parent', ports: ['ifr:1'], preview: 'connect' },
    start(3, 'ifr:1'),
  ]));
  s.batchReceived(top([
    { type: 'channelCreated', seq: 4, t: 1005, channel: 'top:c2', port1: 'top:3', port2: 'top:4' },
    start(5, 'top:3'),
    { type: 'messageSent', seq: 6, t: 1006, route: 'port', port: 'top:1', transfer: [{ kind: 'MessagePort', port: 'top:4' }], outcome: 'posted' },
  ]));
  s.batchReceived(ifr([{ type: 'messageReceived', seq: 4, t: 1007, route: 'port', port: 'ifr:1', origin: '', ports: ['ifr:2'], preview: 'port' }, start(5, 'ifr:2')]));
}

/** `n` sends from top:3 and their receipts on ifr:2, from top seq `topSeq` and iframe seq `ifrSeq`. */
export function trafficOnMovedPort(store: LogStore, n: number, topSeq: number, ifrSeq: number): void {
  for (let i = 0; i < n; i++) {
    const t = 1000 + topSeq + i;
    store.getState().batchReceived(top([{ type: 'messageSent', seq: topSeq + i, t, route: 'port', port: 'top:3', transfer: [], outcome: 'posted' }]));
    store.getState().batchReceived(ifr([{ type: 'messageReceived', seq: ifrSeq + i, t: t + 0.5, route: 'port', port: 'ifr:2', origin: '', ports: [], preview: i }]));
  }
}

/** The port messages of the model that carried nothing, as "status fromRealm:fromPort → toRealm:toPort" (each once). */
export function portRoutes(store: LogStore): string[] {
  const plain = store.getState().model().messages.filter((x) => x.route === 'port' && x.transfers.length === 0);
  return [...new Set(plain.map((x) => `${x.status} ${x.fromRealm}:${x.fromPort} → ${x.toRealm}:${x.toPort}`))];
}

/** The latencies of the port messages matched send with receipt: trafficOnMovedPort's receipts come
 *  0.5 ms after their own sends, so a pair that is one off shows as another figure. */
export function pairedLatencies(store: LogStore): number[] {
  return [...new Set(store.getState().model().messages.filter((x) => x.send && x.receipt && x.transfers.length === 0).map((x) => latencyOf(x) ?? NaN))];
}

/** A send from top:3 and, apart, its receipt on ifr:2 (trafficOnMovedPort's timing). */
export const sendOnMovedPort = (store: LogStore, seq: number): void =>
  store.getState().batchReceived(top([{ type: 'messageSent', seq, t: 1000 + seq, route: 'port', port: 'top:3', transfer: [], outcome: 'posted' }]));
export const receiptOnMovedPort = (store: LogStore, seq: number, sentSeq: number): void =>
  store.getState().batchReceived(ifr([{ type: 'messageReceived', seq, t: 1000.5 + sentSeq, route: 'port', port: 'ifr:2', origin: '', ports: [], preview: sentSeq }]));
