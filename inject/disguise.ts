/**
 * Wrapping a built-in without the page being able to tell: a Proxy keeps `name`, `length`,
 * `prototype`, constructibility and `new.target`; `Function.prototype.toString` is taught to print
 * the original's native source for every wrapper (itself included).
 */
import { apply, construct, defineProperty, getOwnPropertyDescriptor, hasOwn, NativeProxy, NativeWeakMap, weakMapGet, weakMapSet } from './natives';
import { restack } from './stack';

type Fn = (...args: never[]) => unknown;
const originals = new NativeWeakMap<object, Fn>();

/** An own trap of `h`, read without reaching its prototype. */
function trap<T extends object, K extends keyof ProxyHandler<T>>(h: ProxyHandler<T>, key: K): ProxyHandler<T>[K] {
  const d = getOwnPropertyDescriptor(h, key);
  return d !== undefined && hasOwn(d, 'value') ? (d.value as ProxyHandler<T>[K]) : undefined;
}

/**
 * The handler a wrapper gets: every trap an own property (undefined for the default behaviour), so the
 * engine never looks a trap the wrapper does not define up on the page's Object.prototype (a `get`
 * put there would run on `new MessageChannel()`…) — and the handler stays an ordinary object, which
 * the engine calls faster than a null-prototype one (measured: bench/overhead.mjs, no panel).
 */
function completeHandler<T extends object>(h: ProxyHandler<T>): ProxyHandler<T> {
  return {
    apply: trap(h, 'apply'),
    construct: trap(h, 'construct'),
    defineProperty: trap(h, 'defineProperty'),
    deleteProperty: trap(h, 'deleteProperty'),
    get: trap(h, 'get'),
    getOwnPropertyDescriptor: trap(h, 'getOwnPropertyDescriptor'),
    getPrototypeOf: trap(h, 'getPrototypeOf'),
    has: trap(h, 'has'),
    isExtensible: trap(h, 'isExtensible'),
    ownKeys: trap(h, 'ownKeys'),
    preventExtensions: trap(h, 'preventExtensions'),
    set: trap(h, 'set'),
    setPrototypeOf: trap(h, 'setPrototypeOf'),
  };
}

/** The function a wrapper of the recorder's stands for (undefined for any other value). */
export function originalOf(fn: unknown): Fn | undefined {
  return typeof fn === 'function' ? (apply(weakMapGet, originals, [fn]) as Fn | undefined) : undefined;
}

export function disguise<T extends Fn>(original: T, handler: ProxyHandler<T>): T {
  const wrapper = new NativeProxy(original, completeHandler(handler));
  apply(weakMapSet, originals, [wrapper, original]);
  return wrapper;
}

const nativeToString = Function.prototype.toString;
// Handlers have no prototype: a trap one lacks (`get`, `has`…) would be looked up on the page's
// Object.prototype (a `get` there would run on `Wrapper.prototype`, `new Wrapper()`…).
const toStringHandler = {
  __proto__: null,
  apply(target, thisArg, args) {
    const original = apply(weakMapGet, originals, [thisArg]) as Fn | undefined;
    try {
      return apply(target, original ?? thisArg, args);
    } catch (err) {
      restack(err, toStringHandler.apply); // `requires that 'this' be a Function`, without our frame
      throw err;
    }
  },
} as ProxyHandler<Fn>;
const toStringWrapper = disguise(nativeToString, toStringHandler);

/**
 * A maker for replaceValue/replaceSetter: the wrapper calls the original as is (same `this` and
 * arguments, its result returned, its exception rethrown as the same object with the wrapper's frame
 * cut from the stack), then `after(self)`, whose exceptions go to `fault`, never to the page.
 */
export function afterCall(after: (self: unknown) => void, fault: (err: unknown) => void): (original: Fn) => Fn {
  return (original) => {
    const handler = {
      // (No prototype: a trap this handler lacks, `get` say, would be looked up on the page's Object.prototype.)
      __proto__: null,
      apply(fn, self, args) {
        let result: unknown;
        try {
          result = apply(fn, self, args);
        } catch (err) {
          restack(err, handler.apply);
          throw err;
        }
        try {
          after(self);
        } catch (err) {
          fault(err);
        }
        return result;
      },
    } as ProxyHandler<Fn>;
    return disguise(original, handler);
  };
}

export function installToStringDisguise(): void {
  const d = getOwnPropertyDescriptor(Function.prototype, 'toString');
  if (d) defineProperty(Function.prototype, 'toString', { ...d, value: toStringWrapper });
}

/** Replaces a data property's function value, keeping its attributes. */
export function replaceValue(target: object, key: string, make: (original: Fn) => Fn): boolean {
  const d = getOwnPropertyDescriptor(target, key);
  if (!d || typeof d.value !== 'function') return false;
  return defineProperty(target, key, { ...d, value: make(d.value as Fn) });
}

/** Replaces an accessor's setter, keeping its getter and attributes. */
export function replaceSetter(target: object, key: string, make: (original: Fn) => Fn): boolean {
  const d = getOwnPropertyDescriptor(target, key);
  if (!d || typeof d.set !== 'function') return false;
  return defineProperty(target, key, { ...d, set: make(d.set as Fn) });
}

/** Wraps a constructor and points `prototype.constructor` at the wrapper, so
 *  `new X().constructor === X` still holds. */
export function replaceConstructor(
  global: object,
  key: string,
  onError: (err: unknown) => void,
  onConstructed: (instance: object, args: unknown[]) => void,
): boolean {
  const d = getOwnPropertyDescriptor(global, key);
  const original = d?.value as (Fn & { prototype: object }) | undefined;
  if (!d || typeof original !== 'function') return false;
  const handler = {
    __proto__: null,
    construct(target, args, newTarget) {
      let instance: object;
      try {
        instance = construct(target, args, newTarget) as object;
      } catch (err) {
        restack(err, handler.construct); // `Failed to construct 'Worker'…`, without our frame
        throw err;
      }
      try {
        onConstructed(instance, args);
      } catch (err) {
        onError(err); // recording must never disturb the page
      }
      return instance;
    },
  } as ProxyHandler<Fn & { prototype: object }>;
  const wrapper = disguise(original, handler);
  const proto = original.prototype;
  const c = getOwnPropertyDescriptor(proto, 'constructor');
  if (c) defineProperty(proto, 'constructor', { ...c, value: wrapper });
  return defineProperty(global, key, { ...d, value: wrapper });
}
