/**
 * Entry of the recorder in a worker's global (built to dist/chrome/inject-worker.js, an IIFE with no
 * exports). The extension evaluates it through the debugging protocol while the worker is paused
 * before its first statement, with its global in place (extension/workerDebugger.ts), inside a
 * function that supplies the free name ENTANGLE_BINDING: the name of the binding function the
 * debugger put on the global, the recorder's only way out. ENTANGLE_CONFIG, when supplied the same
 * way, is the relay's CONFIG detail (a RecorderConfig as JSON).
 */
import { installToStringDisguise } from './disguise';
import { Emitter } from './emit';
import { instrumentRealm } from './instrument';
import { randomId } from './natives';
import { instrumentWorkerGlobal } from './workerGlobal';
import { takeBinding, workerKind, workerRealmStarted } from './workerStart';

declare const ENTANGLE_BINDING: unknown;
declare const ENTANGLE_CONFIG: unknown;

function start(): void {
  if (typeof ENTANGLE_BINDING !== 'string') return;
  const global = globalThis;
  const kind = workerKind(global);
  if (kind === undefined) return;
  const outlet = takeBinding(global, ENTANGLE_BINDING);
  if (outlet === undefined) return;
  const emitter = new Emitter(randomId(), () => outlet);
  emitter.outletHeard();
  if (typeof ENTANGLE_CONFIG === 'string') emitter.configure(ENTANGLE_CONFIG);
  // (No page code has run yet: plain reads of the global are the browser's own.)
  const url = global.location.href;
  const g = global as unknown as { origin: string; name?: unknown };
  emitter.record(workerRealmStarted({ kind, url, origin: g.origin, name: g.name }, emitter.now()));
  installToStringDisguise();
  const api = instrumentRealm(global, emitter, { baseURL: () => url, workersInstrumented: true });
  instrumentWorkerGlobal(api, kind);
}

try {
  start();
} catch {
  // A recorder that cannot start must leave the worker exactly as it was.
}
