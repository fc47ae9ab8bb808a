/**
 * Entry of the recorder in a worker's global (built to dist/chrome/inject-worker.js, an IIFE with no
 * exports). The extension evaluates it through the debugging protocol while the worker is paused
 * before its first statement, with its global in place (extension/workerDebugger.ts), inside a
 * function that supplies the free name ENTANGLE_BINDING: the name of the binding function the
 * debugger put on the global, the recorder's only way out. ENTANGLE_CONFIG, when supplied the same
 * way, is the relay's CONFIG detail (a RecorderConfig as JSON). ENTANGLE_LATE, supplied only when the
 * recorder joins a shared worker that was already running (extension/sharedWorkers.ts), is the note
 * recorded right after the realm's start ("recorded from …"), so the gap before it is never silent.
 */
import { installToStringDisguise } from './disguise';
import { Emitter } from './emit';
import { instrumentRealm } from './instrument';
import { randomId } from './natives';
import { instrumentWorkerGlobal } from './workerGlobal';
import { lateNote, takeBinding, workerKind, workerRealmStarted } from './workerStart';

declare const ENTANGLE_BINDING: unknown;
declare const ENTANGLE_CONFIG: unknown;
declare const ENTANGLE_LATE: unknown;

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
  // (A free name no enclosing function supplies is looked up on the global: only a string counts.)
  if (typeof ENTANGLE_LATE === 'string') emitter.record(lateNote(ENTANGLE_LATE, emitter.now()));
  installToStringDisguise();
  const api = instrumentRealm(global, emitter, { baseURL: () => url, workersInstrumented: true });
  instrumentWorkerGlobal(api, kind);
}

try {
  start();
} catch {
  // A recorder that cannot start must leave the worker exactly as it was.
}
