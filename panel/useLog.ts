/**
 * React bindings for the log store. Views read the store through these hooks only.
 *
 * Batches can arrive hundreds of times a second; `useLogVersion` re-renders at most every
 * VIEW_UPDATE_MS, on an animation frame (and not at all while the panel is hidden); every view of a
 * store then reads the same model for that tick through `shownModel`.
 */
import { startTransition, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { CaptureModel } from '../model/correlator';
import type { LogStore } from './store';

/** Any small vanilla store (e.g. the connection status). */
export function useVanilla<S>(store: StoreApi<S>): S {
  return useStore(store);
}

/** Shortest wait between view updates: ten a second keep a live list readable and leave the CPU to
 *  the inspected page (the panel shares the machine with it). */
export const VIEW_UPDATE_MS = 100;
/** After a view tick, the views rest this many times what the tick took (from its model build until
 *  the panel was idle again) before the next, within VIEW_UPDATE_MS..VIEW_UPDATE_MAX_MS. With a large
 *  log a tick costs far more than a few milliseconds (the model, the rows, the overview and the graph
 *  each pass over every message): ten of them a second took most of a core from the inspected page
 *  during a flood (issue 12). Resting in proportion keeps the views' share of the CPU at about a
 *  third, whatever the log's size. */
export const VIEW_REST_PER_COST = 2;
export const VIEW_UPDATE_MAX_MS = 1_000;

/** The wait before the next tick, given what the last one took. */
export function viewRestMs(lastTickMs: number): number {
  return Math.min(VIEW_UPDATE_MAX_MS, Math.max(VIEW_UPDATE_MS, VIEW_REST_PER_COST * lastTickMs));
}

const schedule: (ms: number, cb: () => void) => void =
  typeof requestAnimationFrame === 'function'
    ? (ms, cb) => void setTimeout(() => requestAnimationFrame(cb), ms)
    : (ms, cb) => void setTimeout(cb, ms);

/** Calls `cb` once the panel has nothing else to do (the views' sliced render included). */
const whenIdle: (cb: () => void) => void =
  typeof requestIdleCallback === 'function' ? (cb) => void requestIdleCallback(cb, { timeout: VIEW_UPDATE_MAX_MS }) : (cb) => void setTimeout(cb, 0);

/**
 * What the views show of one store: a model per view tick, built once (in the tick's own task, not
 * inside a render) and read by every view of the store for that tick — a render for another reason
 * (a scroll, a selection) reuses it instead of pulling the newest model, which, during a flood, cost
 * a model build and a rows pass per scroll frame and fed a scroll → render → scroll loop.
 *
 * Views re-render for a tick in a React transition, which React renders in slices of a few
 * milliseconds with the panel's events (a click, a scroll) in between: a page that churns frames
 * changes every view at once, and one synchronous render of them all was a task of several hundred
 * milliseconds (issue 14). Each view renders the tick's version from its own state, so every view in
 * one render reads the same model (`shownModel(store, version)`), even when a newer tick arrives while
 * a sliced render is under way.
 */
interface ViewClock {
  version: number;
  /** The models of the last ticks, by version (a render under way may still read an older one). */
  models: Map<number, CaptureModel>;
  listeners: Set<() => void>;
  pending: boolean;
  unsubscribe: (() => void) | null;
  /** What the last tick took, until the panel was idle again (ms). */
  lastTickMs: number;
}

/** Ticks whose model stays readable: a sliced render that started a few ticks ago still finds its own. */
const KEPT_TICKS = 4;

const clocks = new WeakMap<LogStore, ViewClock>();

function clockOf(store: LogStore): ViewClock {
  let c = clocks.get(store);
  if (!c) {
    c = { version: store.getState().version, models: new Map(), listeners: new Set(), pending: false, unsubscribe: null, lastTickMs: 0 };
    clocks.set(store, c);
  }
  return c;
}

function publish(store: LogStore, c: ViewClock): void {
  const version = store.getState().version;
  if (version === c.version) return;
  const start = performance.now();
  c.version = version;
  c.models.set(version, store.getState().model());
  for (const v of c.models.keys()) if (c.models.size > KEPT_TICKS && v !== version) c.models.delete(v);
  const listeners = [...c.listeners];
  startTransition(() => {
    for (const notify of listeners) notify();
  });
  whenIdle(() => {
    c.lastTickMs = performance.now() - start;
  });
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
      schedule(viewRestMs(c.lastTickMs), () => {
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

/** The store's `version` as of the last view tick this view has rendered (ticks at most every
 *  VIEW_UPDATE_MS; rendered in a transition). Pass it to `shownModel`. */
export function useLogVersion(store: LogStore): number {
  const [version, setVersion] = useState(() => clockOf(store).version);
  useEffect(() => {
    const c = clockOf(store);
    const notify = (): void => setVersion(c.version);
    const unsubscribe = subscribeClock(store, notify);
    // A tick between this view's render and now.
    if (c.version !== version) notify();
    return unsubscribe;
    // Subscribed once per store: `version` above is only this render's, to catch a tick missed since.
  }, [store]);
  return version;
}

/** The capture model the views show at `version` (useLogVersion): built once per view tick, shared
 *  by every view of the store. Without a version: the newest tick's. */
export function shownModel(store: LogStore, version?: number): CaptureModel {
  const c = clockOf(store);
  let model = (version !== undefined ? c.models.get(version) : undefined) ?? c.models.get(c.version);
  if (!model) {
    model = store.getState().model();
    c.models.set(c.version, model);
  }
  return model;
}
