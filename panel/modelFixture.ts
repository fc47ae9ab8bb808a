/**
 * Hand-made models for the panel's tests: the views are tested on a given CaptureModel, without
 * running the correlator.
 */
import type { CaptureModel } from '../model/correlator';

export const ZERO_TOTALS: CaptureModel['totals'] = { sent: 0, delivered: 0, queued: 0, failed: 0, lost: 0, doomed: 0, inFlight: 0, ambiguous: 0, gaps: 0, missing: 0, events: 0, duplicates: 0, faults: 0 };

/** An empty model with `parts` in it. */
export function captureModel(parts: Partial<CaptureModel>): CaptureModel {
  return { realms: [], channels: [], ports: [], messages: [], gaps: [], totals: ZERO_TOTALS, ...parts };
}
