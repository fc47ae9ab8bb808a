/**
 * `chrome.debugger` as the SharedWorkerApi (attachments by target id, and the browser's list of
 * targets, where shared workers appear); null where the browser has no debugging protocol for
 * extensions (Firefox).
 */
import type { SharedWorkerApi } from './sharedWorkers';

export function chromeSharedWorkerApi(): SharedWorkerApi | null {
  const api = (globalThis as { chrome?: typeof chrome }).chrome?.debugger;
  if (typeof api?.attach !== 'function' || typeof api.getTargets !== 'function') return null;
  return {
    attach: (target, version) => api.attach(target, version),
    detach: (target) => api.detach(target),
    sendCommand: (target, method, params) => api.sendCommand(target, method, params as { [key: string]: unknown } | undefined),
    getTargets: () => api.getTargets(),
    onEvent: api.onEvent as unknown as SharedWorkerApi['onEvent'],
    onDetach: api.onDetach as unknown as SharedWorkerApi['onDetach'],
  };
}
