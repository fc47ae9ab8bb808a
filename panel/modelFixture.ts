/**
 * Hand-made models for the panel's tests: the views are tested on a given CaptureModel, without
 * running the correlator.
 */
import type { CaptureModel, PortModel, RealmModel } from '../model/correlator';

export const ZERO_TOTALS: CaptureModel['totals'] = { sent: 0, delivered: 0, queued: 0, failed: 0, lost: 0, doomed: 0, droppedOrigin: 0, inFlight: 0, ambiguous: 0, gaps: 0, missing: 0, events: 0, duplicates: 0, faults: 0 };

/** An empty model with `parts` in it. */
export function captureModel(parts: Partial<CaptureModel>): CaptureModel {
  return { realms: [], channels: [], ports: [], messages: [], gaps: [], totals: ZERO_TOTALS, ...parts };
}

/** A realm of a model (an iframe of `top` unless `extra` says otherwise). */
export function realmModel(id: string, extra: Partial<RealmModel> = {}): RealmModel {
  return { id, kind: 'iframe', parent: 'top', url: `https://${id}.test/`, instrumented: true, events: 1, gaps: 0, missing: 0, faults: 0, ...extra };
}

/** A started port of `channel` that `holder` made and still holds, entangled with `partner`. */
export function heldPort(id: string, holder: string, partner: string, channel: string): PortModel {
  return { id, custody: [{ realm: holder, from: 0, via: 'created', started: true, closed: false }], started: true, closed: false, channel, entangledWith: partner };
}
