/**
 * The browser's side of recording inside workers, for the background: `chrome.debugger` as a
 * DebuggerApi, and the worker recorder's bundle.
 */
import browser from 'webextension-polyfill';
import type { DebuggerApi } from './workerDebugger';

/** `chrome.debugger`, or null where there is none (Firefox has no debugging protocol for extensions).
 *  (Commands to a worker's own session, `sessionId`, need Chrome 125.) */
export function chromeDebugger(): DebuggerApi | null {
  const api = (globalThis as { chrome?: typeof chrome }).chrome?.debugger;
  if (typeof api?.attach !== 'function' || typeof api.sendCommand !== 'function') return null;
  return {
    attach: (target, version) => api.attach(target, version),
    detach: (target) => api.detach(target),
    sendCommand: (target, method, params) => api.sendCommand(target, method, params as { [key: string]: unknown } | undefined),
    onEvent: api.onEvent,
    onDetach: api.onDetach as unknown as DebuggerApi['onDetach'],
  };
}

export const WORKER_RECORDER = 'inject-worker.js';

let bundle: Promise<string> | null = null;

/** The worker recorder (dist/chrome/inject-worker.js), read once from the extension's own files. */
export function workerRecorderBundle(): Promise<string> {
  bundle ??= fetch(browser.runtime.getURL(WORKER_RECORDER)).then((r) => {
    if (!r.ok) throw new Error(`${WORKER_RECORDER}: ${r.status} ${r.statusText}`);
    return r.text();
  });
  // A failed read is tried again next time.
  bundle.catch(() => (bundle = null));
  return bundle;
}
