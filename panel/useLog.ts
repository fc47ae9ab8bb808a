/**
 * React bindings for the log store. Views read the store through these hooks only.
 *
 * Batches can arrive hundreds of times a second; `useLogVersion` re-renders at most every
 * VIEW_UPDATE_MS, on an animation frame (and not at all while the panel is hidden); every view of a
 * store then reads the same model for that tick through `shownModel`.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { CaptureModel } from '../model/correlator';
import type { LogStore } from './store';

/** Any small vanilla store (e.g. the connection status). */
export function useVanilla<S>(store: StoreApi<S>): S {
  return useStore(store);
}

/** Longest a view waits to show new events: ten updates a second keep a live list readable and leave
 *  the CPU to the inspected page (the panel shares the machine with it). */
export const VIEW_UPDATE_MS = 100;

const schedule: (cb: () => void) => void =
  typeof requestAnimationFrame === 'function'
    ? (cb) => void setTimeout(() => requestAnimationFrame(cb), VIEW_UPDATE_MS)
    : (cb) => void setTimeout(cb, VIEW_UPDATE_MS);

/**
 * What the views show of one store: its version and capture model as of the last view tick. Every
 * view of the store reads the same snapshot, and a render for another reason (a scroll, a selection)
 * reuses it instead of pulling the newest model — which, during a flood, cost a model build and a
 * rows pass per scroll frame and fed a scroll → render → scroll loop in the timeline.
 */
interface ViewClock {
  version: number;
  model: CaptureModel | null;
  listeners: Set<() => void>;
  pending: boolean;
  unsubscribe: (() => void) | null;
}

const clocks = new WeakMap<LogStore, ViewClock>();

function clockOf(store: LogStore): ViewClock {
  let c = clocks.get(store);
  if (!c) {
    c = { version: store.getState().version, model: null, listeners: new Set(), pending: false, unsubscribe: null };
    clocks.set(store, c);
  }
  return c;
}

function publish(store: LogStore, c: ViewClock): void {
  const version = store.getState().version;
  if (version === c.version) return;
  c.version = version;
  c.model = null;
  for (const notify of [...c.listeners]) notify();
}

function subscribeClock(store: LogStore, notify: () => void): () => void {
  const c = clockOf(store);
  c.listeners.add(notify);
  if (!c.unsubscribe) {
    // Changes made while no view listened are shown at once.
    publish(store, c);
    c.unsubscribe = store.subscribe(() => {
      if (c.pending) return;
      c.pending = true;
      schedule(() => {
        c.pending = false;
        publish(store, c);
      });
    });
  }
  return () => {
    c.listeners.delete(notify);
    if (c.listeners.size === 0) {
      c.unsubscribe?.();
      c.unsubscribe = null;
    }
  };
}

/** The store's `version` as of the last view tick (at most every VIEW_UPDATE_MS). */
export function useLogVersion(store: LogStore): number {
  const subscribe = useCallback((notify: () => void) => subscribeClock(store, notify), [store]);
  return useSyncExternalStore(subscribe, () => clockOf(store).version);
}

/** The capture model the views show: built once per view tick, shared by every view of the store. */
export function shownModel(store: LogStore): CaptureModel {
  const c = clockOf(store);
  return (c.model ??= store.getState().model());
}
