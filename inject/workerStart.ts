/**
 * The first steps of the recorder in a worker's global (worker.ts), kept apart so they can be tested
 * without a worker: which kind of worker this is, the way out (the debugger's binding), and the
 * realm's start.
 */
import { PROTOCOL_VERSION, WORKER_NAME_CHARS, type RealmStarted } from '../model/protocol';
import { apply, constructorNames, dataValue, deleteProperty, getOwnPropertyDescriptor, put } from './natives';
import { bounded } from './preview';
import type { WorkerKind } from './workerGlobal';

const SCOPES: readonly (readonly [string, WorkerKind])[] = [
  ['DedicatedWorkerGlobalScope', 'worker'],
  ['SharedWorkerGlobalScope', 'sharedworker'],
  ['ServiceWorkerGlobalScope', 'serviceworker'],
];

/** The kind of worker whose global `global` is, from the constructors on its prototype chain (read
 *  through descriptors); undefined for anything else (a window, a worklet). */
export function workerKind(global: object): WorkerKind | undefined {
  const names = constructorNames(global, 4);
  for (let i = 0; i < names.length; i++) for (let j = 0; j < SCOPES.length; j++) if (names[i] === SCOPES[j]![0]) return SCOPES[j]![1];
  return undefined;
}

/**
 * The function the debugger put on the global as `name` (Runtime.addBinding), taken and deleted at
 * once: the page's first statement finds no such name. Gives the outlet that sends one batch envelope
 * through it (an outlet never throws: a batch that cannot leave must not become the page's
 * exception); undefined when there is no such function.
 */
export function takeBinding(global: object, name: string): ((envelope: string) => void) | undefined {
  const binding = dataValue(getOwnPropertyDescriptor(global, name));
  if (typeof binding !== 'function') return undefined;
  deleteProperty(global, name);
  return (envelope) => {
    try {
      apply(binding as (payload: string) => void, undefined, [envelope]);
    } catch {
      /* the debugger is gone: the batch is lost, as the extension knows */
    }
  };
}

/** What is known of the worker when the recorder starts in it (read before any page code runs). */
export interface WorkerFacts {
  kind: WorkerKind;
  url: string;
  origin: string;
  /** `self.name` (a dedicated or shared worker's); anything else for none. */
  name: unknown;
}

export function workerRealmStarted(facts: WorkerFacts, t: number): Omit<RealmStarted, 'seq'> {
  const started: Omit<RealmStarted, 'seq'> = { type: 'realmStarted', t, kind: facts.kind, url: facts.url, origin: facts.origin, protocol: PROTOCOL_VERSION };
  if (typeof facts.name === 'string' && facts.name !== '') put(started, 'name', bounded(facts.name, WORKER_NAME_CHARS));
  return started;
}
