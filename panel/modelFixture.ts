/**
 * Hand-made model parts for the panel's tests: the views are tested on a given CaptureModel, without
 * running the correlator. Each maker fills the fields a test does not care about.
 */
import type { CaptureModel, DeliveryModel, MessageModel, RealmModel } from '../model/correlator';

export function realmModel(id: string, kind: RealmModel['kind'] = 'top', extra: Partial<RealmModel> = {}): RealmModel {
  return { id, kind, url: `https://a.test/${id}`, origin: 'https://a.test', instrumented: kind !== 'serviceworker' && kind !== 'worker', events: 1, gaps: 0, missing: 0, faults: 0, ...extra };
}

/** One receipt of a broadcast, `seq` places it (time base `t0`). */
export function deliveryModel(toRealm: string, seq: number, t0 = 100, extra: Partial<DeliveryModel> = {}): DeliveryModel {
  return { toRealm, bc: `${toRealm}:b1`, receivedAt: t0 + seq, latency: 0.5, receipt: { realm: toRealm, seq, index: seq }, ...extra };
}

export function messageModel(m: Partial<MessageModel> & Pick<MessageModel, 'id'>): MessageModel {
  return { route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...m };
}

export const ZERO_TOTALS: CaptureModel['totals'] = { sent: 0, delivered: 0, queued: 0, failed: 0, lost: 0, doomed: 0, inFlight: 0, ambiguous: 0, gaps: 0, missing: 0, events: 0, duplicates: 0, faults: 0 };

export function captureModel(parts: Partial<CaptureModel>): CaptureModel {
  return { realms: [], channels: [], ports: [], messages: [], gaps: [], totals: ZERO_TOTALS, ...parts };
}
