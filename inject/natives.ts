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
export const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const getPrototypeOf = Reflect.getPrototypeOf;
export const objectKeys = Object.keys;
export const getOwnPropertyNames = Object.getOwnPropertyNames;
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
export const NativeMouseEvent = MouseEvent;
export const dispatchEvent = EventTarget.prototype.dispatchEvent;
export const addEventListener = EventTarget.prototype.addEventListener;
export const removeEventListener = EventTarget.prototype.removeEventListener;
export const createElement = Document.prototype.createElement;

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
      if (c && 'value' in c && typeof c.value === 'function') {
        const n = getOwnPropertyDescriptor(c.value as object, 'name');
        if (n && 'value' in n && typeof n.value === 'string') names[names.length] = n.value;
      }
    }
  } catch {
    /* a revoked Proxy, say: what was read is all there is */
  }
  return names;
}
