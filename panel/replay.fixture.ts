/** A live top realm with one started port, and messages it sent on it: what the replay tests share. */
import type { CaptureModel, MessageModel, PortModel, RealmModel } from '../model/correlator';
import { ZERO_TOTALS } from './modelFixture';

export const replayRealm = (id = 'top', over: Partial<RealmModel> = {}): RealmModel => ({ id, kind: 'top', instrumented: true, tabId: 7, frameId: 0, origin: 'http://a.test', events: 1, gaps: 0, missing: 0, faults: 0, ...over });
export const replayPort = (over: Partial<PortModel> = {}): PortModel => ({ id: 'top:1', custody: [{ realm: 'top', localId: 'top:1', from: 0, via: 'created', started: true, closed: false }], started: true, closed: false, ...over });

/** Message `top#seq`, sent on port top:1 at `sentAt`, delivered; its preview is `seq`. */
export const sentMessage = (seq: number, sentAt: number, over: Partial<MessageModel> = {}): MessageModel => ({
  id: `top#${seq}`,
  route: 'port',
  fromRealm: 'top',
  fromPort: 'top:1',
  status: 'delivered',
  ambiguous: false,
  transfers: [],
  preview: seq,
  sentAt,
  send: { realm: 'top', seq, index: seq },
  ...over,
});

export function replayModel(messages: MessageModel[], realms: RealmModel[] = [replayRealm()], ports: PortModel[] = [replayPort()]): CaptureModel {
  return { realms, ports, channels: [], messages, gaps: [], totals: ZERO_TOTALS };
}
