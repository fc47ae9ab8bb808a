import { describe, expect, it } from 'vitest';
import { WORKER_NAME_CHARS } from '../model/protocol';
import { eventProblem } from '../model/validate';
import { ownerOf } from './workerGlobal';
import { takeBinding, workerKind, workerRealmStarted } from './workerStart';

/** A stand-in for a worker's global: an instance of classes named like the browser's. */
function globalOf(scope: 'DedicatedWorkerGlobalScope' | 'SharedWorkerGlobalScope' | 'ServiceWorkerGlobalScope' | 'Window'): object {
  const classes = {
    WorkerGlobalScope: class WorkerGlobalScope extends EventTarget {},
  };
  const base = scope === 'Window' ? EventTarget : classes.WorkerGlobalScope;
  const named = { [scope]: class extends base {} }[scope]!;
  return new named();
}

describe('workerKind', () => {
  it('tells the three kinds of worker global apart by their constructors', () => {
    expect(workerKind(globalOf('DedicatedWorkerGlobalScope'))).toBe('worker');
    expect(workerKind(globalOf('SharedWorkerGlobalScope'))).toBe('sharedworker');
    expect(workerKind(globalOf('ServiceWorkerGlobalScope'))).toBe('serviceworker');
  });
  it('is undefined for anything else, and runs no getter on the way', () => {
    expect(workerKind(globalOf('Window'))).toBeUndefined();
    expect(workerKind({})).toBeUndefined();
    let called = 0;
    const proto = Object.defineProperty({}, 'constructor', {
      get() {
        called++;
        return class DedicatedWorkerGlobalScope {};
      },
    });
    expect(workerKind(Object.create(proto))).toBeUndefined();
    expect(called).toBe(0);
  });
});

describe('takeBinding', () => {
  it('takes the function and deletes its name from the global', () => {
    const sent: unknown[] = [];
    const global: Record<string, unknown> = { other: 1 };
    global.__entangle_x = function (this: unknown, payload: string) {
      sent.push(payload);
    };
    const outlet = takeBinding(global, '__entangle_x');
    expect(outlet).toBeTypeOf('function');
    expect(Object.getOwnPropertyNames(global)).toEqual(['other']);
    outlet!('entangle1|r|1|1|{}');
    expect(sent).toEqual(['entangle1|r|1|1|{}']);
  });
  it('gives nothing, and changes nothing, when there is no such function', () => {
    const global: Record<string, unknown> = { __entangle_x: 'not a function' };
    expect(takeBinding(global, '__entangle_x')).toBeUndefined();
    expect(takeBinding(global, '__entangle_y')).toBeUndefined();
    expect(global).toEqual({ __entangle_x: 'not a function' });
  });
  it('never calls a getter the page could have put there', () => {
    let called = 0;
    const global = Object.defineProperty({}, '__entangle_x', {
      configurable: true,
      get() {
        called++;
        return () => undefined;
      },
    });
    expect(takeBinding(global, '__entangle_x')).toBeUndefined();
    expect(called).toBe(0);
  });
  it('swallows what the binding throws (the debugger went away)', () => {
    const global: Record<string, unknown> = {
      b() {
        throw new Error('gone');
      },
    };
    expect(() => takeBinding(global, 'b')!('x')).not.toThrow();
  });
});

describe('workerRealmStarted', () => {
  it('is a valid realmStarted, with the name cut like workerCreated’s', () => {
    const e = workerRealmStarted({ kind: 'worker', url: 'http://a.test/w.js', origin: 'http://a.test', name: 'n'.repeat(WORKER_NAME_CHARS + 5) }, 12.5);
    expect(e).toMatchObject({ type: 'realmStarted', kind: 'worker', url: 'http://a.test/w.js', origin: 'http://a.test', t: 12.5 });
    expect(e.name).toBe(`${'n'.repeat(WORKER_NAME_CHARS)}…`);
    expect(eventProblem({ ...e, seq: 1 }, 'e')).toBeUndefined();
  });
  it('has no name when the worker has none (a service worker, or an empty name)', () => {
    expect(workerRealmStarted({ kind: 'serviceworker', url: 'u', origin: 'o', name: undefined }, 1)).not.toHaveProperty('name');
    expect(workerRealmStarted({ kind: 'worker', url: 'u', origin: 'o', name: '' }, 1)).not.toHaveProperty('name');
  });
});

describe('ownerOf', () => {
  it('finds the prototype that owns an operation', () => {
    class Scope {
      postMessage(): void {}
    }
    class Dedicated extends Scope {}
    const g = new Dedicated();
    expect(ownerOf(g, 'postMessage')).toBe(Scope.prototype);
    expect(ownerOf(g, 'nothing')).toBeUndefined();
  });
});
