/**
 * Facts about a realm the inspector works out from the recording: whether a frame is cross-origin to
 * its parent, and how a worker was created. Pure.
 */
import type { RealmModel } from '../model/correlator';
import type { LogEntry } from './store';

export type OriginRelation = 'same-origin' | 'cross-origin' | 'cross-origin (opaque origin)';

/** A frame's origin against its parent's; null when either is unknown. An opaque origin (`null`: a
 *  sandboxed frame, a data: URL) is cross-origin to every other, itself included. */
export function originRelation(realm: Pick<RealmModel, 'origin'>, parent: Pick<RealmModel, 'origin'> | undefined): OriginRelation | null {
  const a = realm.origin;
  const b = parent?.origin;
  if (a === undefined || b === undefined || a === '' || b === '') return null;
  if (a === 'null' || b === 'null') return 'cross-origin (opaque origin)';
  return a === b ? 'same-origin' : 'cross-origin';
}

export interface WorkerCreation {
  url: string;
  workerType: 'classic' | 'module';
  /** The `name` option it was given (undefined: none, or an older recorder). */
  name?: string;
}

/** The `workerCreated` event of the worker `id` among the entries held, if it is still held. */
export function workerCreation(entries: Iterable<LogEntry>, id: string): WorkerCreation | undefined {
  for (const { event } of entries) {
    if (event.type !== 'workerCreated' || event.worker !== id) continue;
    return event.name !== undefined ? { url: event.url, workerType: event.workerType, name: event.name } : { url: event.url, workerType: event.workerType };
  }
  return undefined;
}
