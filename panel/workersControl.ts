/**
 * "Record inside workers" as the panel shows it: the background's state for the inspected tab
 * (WorkersState, on the panel's port) and a way to switch it. The live connection (connection.ts)
 * publishes its control here, so the settings bar finds it without being handed it: one panel page
 * inspects one tab; a capture file has none (null).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WorkersState } from '../model/relay';

export interface WorkersControl {
  /** Null until the background said (an older background never does). */
  state: StoreApi<WorkersState | null>;
  setOn(on: boolean): void;
}

export const liveWorkersControl: StoreApi<WorkersControl | null> = createStore<WorkersControl | null>()(() => null);

/** The sentence under the checkbox: what the recording does now, and why not when it does not. */
export function workersStatusText(state: WorkersState): string {
  switch (state.status) {
    case 'unavailable':
      return 'This browser lets no extension run code inside workers: workers are seen from the outside (the messages the page sends them and receives from them).';
    case 'off':
      return state.origin === null ? 'Not available for this page (only http, https and file pages).' : `Off for ${state.origin}.`;
    case 'starting':
      return 'Starting…';
    case 'recording': {
      const n = state.recorded;
      return `Recording inside workers: ${n} worker${n === 1 ? '' : 's'} so far.`;
    }
    case 'stopped':
      return `stopped: ${state.reason ?? 'the browser ended the debugging session'}. Switch it off and on to try again.`;
  }
}
