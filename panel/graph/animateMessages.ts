/**
 * Whether playing moves dots along the graph's edges (issue 11 §1): the playback bar's *Animate
 * messages* toggle (kept in the panel page's localStorage), and never when the system asks for reduced
 * motion (`prefers-reduced-motion: reduce`), whatever the toggle says.
 */
import { useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { storage, type StorageLike } from '../panelSettings';

const KEY = 'entangle.animateMessages';

/** The toggle as saved: on unless turned off ("false"). */
export function loadAnimateMessages(from: StorageLike | null = storage()): boolean {
  try {
    return from?.getItem(KEY) !== 'false';
  } catch {
    return true;
  }
}

export interface AnimateSetting {
  on: boolean;
  changed(on: boolean): void;
}

export function createAnimateSetting(to: StorageLike | null = storage()): StoreApi<AnimateSetting> {
  return createStore<AnimateSetting>((set) => ({
    on: loadAnimateMessages(to),
    changed(on) {
      try {
        to?.setItem(KEY, String(on));
      } catch {
        // Storage full or refused: the toggle still applies to this panel.
      }
      set({ on });
    },
  }));
}

/** The panel's one toggle (the bar sets it, the graph reads it). */
export const animateSetting = createAnimateSetting();

const REDUCED = '(prefers-reduced-motion: reduce)';

function subscribeReduced(onChange: () => void): () => void {
  const mq = globalThis.matchMedia?.(REDUCED);
  if (!mq) return () => {};
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

const reducedNow = (): boolean => globalThis.matchMedia?.(REDUCED).matches ?? false;

/** The system asks for reduced motion (follows changes of the setting while the panel is open). */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(subscribeReduced, reducedNow, () => false);
}

/** The toggle, whether reduced motion overrides it, and the outcome: dots drawn or not. */
export function useAnimateMessages(): { setting: boolean; reduced: boolean; on: boolean } {
  const setting = useStore(animateSetting, (s) => s.on);
  const reduced = useReducedMotion();
  return { setting, reduced, on: setting && !reduced };
}
