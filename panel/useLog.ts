/**
 * React bindings for the log store. Views read the store through these hooks only.
 *
 * Batches can arrive hundreds of times a second; `useLogVersion` re-renders at most every
 * VIEW_UPDATE_MS, on an animation frame (and not at all while the panel is hidden), then the component reads `store.getState()`.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { LogState, LogStore } from './store';

/** Selects a slice of the store, re-rendering on every change of that slice (zustand's `useStore`). */
export function useLog<T>(store: LogStore, selector: (state: LogState) => T): T {
  return useStore(store, selector);
}

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

/** The store's `version`, updated at most every VIEW_UPDATE_MS. Read `store.getState()` after it. */
export function useLogVersion(store: LogStore): number {
  const subscribe = useCallback(
    (notify: () => void) => {
      let pending = false;
      let live = true;
      const unsubscribe = store.subscribe(() => {
        if (pending) return;
        pending = true;
        schedule(() => {
          pending = false;
          if (live) notify();
        });
      });
      return () => {
        live = false;
        unsubscribe();
      };
    },
    [store],
  );
  return useSyncExternalStore(subscribe, () => store.getState().version);
}
