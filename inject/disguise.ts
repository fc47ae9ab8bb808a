/**
 * Wrapping a built-in without the page being able to tell: a Proxy keeps `name`, `length`,
 * `prototype`, constructibility and `new.target`; `Function.prototype.toString` is taught to print
 * the original's native source for every wrapper (itself included).
 */
import { apply, construct, defineProperty, getOwnPropertyDescriptor, NativeProxy, NativeWeakMap, weakMapGet, weakMapSet } from './natives';
import { restack } from './stack';

type Fn = (...args: never[]) => unknown;
const originals = new NativeWeakMap<object, Fn>();

export function disguise<T extends Fn>(original: T, handler: ProxyHandler<T>): T {
  const wrapper = new NativeProxy(original, handler);
  apply(weakMapSet, originals, [wrapper, original]);
  return wrapper;
}

const nativeToString = Function.prototype.toString;
const toStringHandler: ProxyHandler<Fn> = {
  apply(target, thisArg, args) {
    const original = apply(weakMapGet, originals, [thisArg]) as Fn | undefined;
    try {
      return apply(target, original ?? thisArg, args);
    } catch (err) {
      restack(err, toStringHandler.apply); // `requires that 'this' be a Function`, without our frame
      throw err;
    }
  },
};
const toStringWrapper = disguise(nativeToString, toStringHandler);

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
  const handler: ProxyHandler<Fn & { prototype: object }> = {
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
  };
  const wrapper = disguise(original, handler);
  const proto = original.prototype;
  const c = getOwnPropertyDescriptor(proto, 'constructor');
  if (c) defineProperty(proto, 'constructor', { ...c, value: wrapper });
  return defineProperty(global, key, { ...d, value: wrapper });
}
