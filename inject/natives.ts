/**
 * Every built-in the recorder relies on, captured before any page script runs (document_start).
 *
 * The page may later replace `JSON`, `CustomEvent`, `dispatchEvent`, `addEventListener`,
 * `Object.keys`… with its own: the recorder must neither break nor call page code, so it only ever
 * uses these copies, called through `apply`.
 */

export const apply = Reflect.apply;
export const construct = Reflect.construct;
export const defineProperty = Reflect.defineProperty;
export const deleteProperty = Reflect.deleteProperty;
export const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const getPrototypeOf = Reflect.getPrototypeOf;
export const objectKeys = Object.keys;
export const hasOwn = Object.hasOwn;
const bind = Function.prototype.bind;
const call = Function.prototype.call;
/** `f(this, ...args)` for a method `f`, called without any lookup the page could intercept (the
 *  bound `call` is the intrinsic one, captured here; faster than `apply` with an arguments array). */
export function uncurry<F extends (...args: never[]) => unknown>(f: F): (self: unknown, ...args: unknown[]) => unknown {
  return apply(bind, call, [f]) as (self: unknown, ...args: unknown[]) => unknown;
}

/**
 * Own data properties, made without running page code. An assignment `obj.key = v` (or
 * `arr[arr.length] = v`, `push`) where `obj` has no own `key` looks `key` up the prototype chain and
 * calls a setter the page put on Object.prototype or Array.prototype. `defineProperty` does not;
 * its descriptor has no prototype, so reading the descriptor finds nothing of the page's either.
 * (Assigning to a property the object already owns as a writable data property is safe.)
 */
const DATA = { __proto__: null, value: undefined as unknown, writable: true, enumerable: true, configurable: true };
export function put(obj: object, key: string | number, value: unknown): void {
  DATA.value = value;
  defineProperty(obj, key, DATA as PropertyDescriptor);
  DATA.value = undefined;
}
/** `arr.push(v)`, without the page's Array.prototype. */
export function append(arr: unknown[], value: unknown): void {
  put(arr, arr.length, value);
}
/** `args[i]`, reading nothing past the end (that would be looked up on the page's Array.prototype). */
export function arg(args: readonly unknown[], i: number): unknown {
  return i < args.length ? args[i] : undefined;
}
/** The value of a data property descriptor; undefined for none or an accessor (`'value' in d` would
 *  be true for an accessor when the page puts a `value` on Object.prototype, and `d.value` run its getter). */
export function dataValue(d: PropertyDescriptor | undefined): unknown {
  return d !== undefined && hasOwn(d, 'value') ? d.value : undefined;
}
/** An own data property of `d`, by descriptor: true for a data descriptor. */
export function isData(d: PropertyDescriptor | undefined): d is PropertyDescriptor {
  return d !== undefined && hasOwn(d, 'value');
}

/**
 * A string property as a property read would find it along the prototype chain (an Error's `name` and
 * `message`, say), by descriptors only: a getter found first, or a non-string, gives ''. Never for a
 * Proxy (its traps would run): callers check the object first.
 */
export function inheritedString(obj: object, key: string): string {
  for (let o: object | null = obj; o; o = getPrototypeOf(o)) {
    const d = getOwnPropertyDescriptor(o, key);
    if (d) return isData(d) && typeof d.value === 'string' ? d.value : '';
  }
  return '';
}
export const getOwnPropertyNames = Object.getOwnPropertyNames;
export const functionToString = Function.prototype.toString;
export const stringCharCodeAt = String.prototype.charCodeAt;
/** `Error.isError`: true for genuine Error objects only, false for a Proxy, without calling a trap
 *  (so a thrown value can be read through descriptors only when it is one). */
export const errorIsError = (Error as { isError?: (v: unknown) => boolean }).isError;
export const captureStackTrace = (Error as { captureStackTrace?: (target: object, ctor?: unknown) => void }).captureStackTrace;
export const isArray = Array.isArray;
export const jsonStringify = JSON.stringify;
export const jsonParse = JSON.parse;
export const NativeProxy = Proxy;
export const NativeWeakMap = WeakMap;
export const NativeMap = Map;
export const NativeURL = URL;
export const NativeError = Error;
export const NativeUint8Array = Uint8Array;
const mathRandom = Math.random;
export const mathRound = Math.round;
const numberToString = Number.prototype.toString;
export const stringSlice = String.prototype.slice;

const weakMapProto = WeakMap.prototype;
export const weakMapGet = weakMapProto.get;
export const weakMapSet = weakMapProto.set;
const mapProto = Map.prototype;
export const mapGet = mapProto.get;
export const mapSet = mapProto.set;

export const setTimeoutNative = setTimeout;
// (Through `performance`'s own prototype: Performance.prototype in a browser, and in test environments too.)
const performanceNow = (getPrototypeOf(performance) as Performance).now;
const perf = performance;
const timeOrigin = performance.timeOrigin;

export const NativeCustomEvent = CustomEvent;
// (Absent in a worker's global: the document outlet is not used there.)
export const NativeMouseEvent: typeof MouseEvent | undefined = globalThis.MouseEvent;
export const dispatchEvent = EventTarget.prototype.dispatchEvent;
export const addEventListener = EventTarget.prototype.addEventListener;
export const removeEventListener = EventTarget.prototype.removeEventListener;
export const createElement: Document['createElement'] | undefined = globalThis.Document?.prototype.createElement;

/** The native getter of `proto[key]`, for reading platform objects without touching page overrides. */
export function getter(proto: object | undefined, key: string): ((this: unknown) => unknown) | undefined {
  if (!proto) return undefined;
  const d = getOwnPropertyDescriptor(proto, key);
  return d?.get as ((this: unknown) => unknown) | undefined;
}

/** Calls a captured getter on `target`; undefined when the getter is missing or the brand check fails. */
export function read(get: ((this: unknown) => unknown) | undefined, target: unknown): unknown {
  if (!get) return undefined;
  try {
    return apply(get, target, []);
  } catch {
    return undefined;
  }
}

export const eventGetters = {
  currentTarget: getter(Event.prototype, 'currentTarget'),
  type: getter(Event.prototype, 'type'),
  data: getter(globalThis.MessageEvent?.prototype, 'data'),
  origin: getter(globalThis.MessageEvent?.prototype, 'origin'),
  ports: getter(globalThis.MessageEvent?.prototype, 'ports'),
  source: getter(globalThis.MessageEvent?.prototype, 'source'),
  detail: getter(CustomEvent.prototype, 'detail'),
};

export function now(): number {
  return timeOrigin + (apply(performanceNow, perf, []) as number);
}

export function randomId(): string {
  let s = '';
  for (let i = 0; i < 2; i++) s += apply(numberToString, (mathRandom() * 2 ** 32) >>> 0, [36]) as string;
  return s;
}

/**
 * The names of the constructors along `obj`'s prototype chain, nearest first, read through property
 * descriptors only. (Object.prototype.toString would read Symbol.toStringTag, which a page class may
 * define as a getter: page code the browser itself would not run.)
 */
export function constructorNames(obj: object, max = 16): string[] {
  const names: string[] = [];
  let p: object | null;
  try {
    p = getPrototypeOf(obj);
    for (let depth = 0; p && depth < max; depth++, p = getPrototypeOf(p)) {
      const c = getOwnPropertyDescriptor(p, 'constructor');
      if (isData(c) && typeof c.value === 'function') {
        const n = getOwnPropertyDescriptor(c.value as object, 'name');
        if (isData(n) && typeof n.value === 'string') append(names, n.value);
      }
    }
  } catch {
    /* a revoked Proxy, say: what was read is all there is */
  }
  return names;
}
