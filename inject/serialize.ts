/**
 * JSON for the recorder's own batches, written without reaching any hook the page can install.
 *
 * The native `JSON.stringify` (even a copy saved at document_start) looks up `toJSON` on every object
 * and array through the prototype chain: a `toJSON` the page puts on Object.prototype or
 * Array.prototype would be called with the batch (realm id, seqs) and could return forged events. So:
 *
 * - When neither prototype holds a `toJSON` (of any kind) and Array.prototype still inherits from
 *   Object.prototype directly, the native serializer reaches nothing of the page's: the recorder's
 *   objects are plain, with own data properties only and arrays without holes (see `put` in
 *   natives.ts), so every other read it makes is of an own property. That is the fast path, and the
 *   check runs no page code (descriptors of ordinary objects), with nothing running in between.
 * - Otherwise `writeJson` below: own enumerable keys (`Object.keys`), own elements up to the own
 *   `length`, strings escaped exactly as JSON.stringify does (well-formed: lone surrogates as \uXXXX),
 *   numbers as JSON does (non-finite as null), `undefined` properties left out and array holes or
 *   undefined items as null. It never reads a property a prototype could answer.
 */
import { getOwnPropertyDescriptor, getPrototypeOf, hasOwn, isArray, jsonStringify, objectKeys, uncurry } from './natives';

const charCodeAt = uncurry(String.prototype.charCodeAt) as (s: string, i: number) => number;
const slice = uncurry(String.prototype.slice) as (s: string, a: number, b?: number) => string;
const numberToString = uncurry(Number.prototype.toString) as (n: number, radix: number) => string;
const objectProto = Object.prototype;
const arrayProto = Array.prototype;

/** No page hook is reachable by the native JSON.stringify on the recorder's own objects. */
export function nativeIsSafe(): boolean {
  return (
    getPrototypeOf(arrayProto) === objectProto &&
    getOwnPropertyDescriptor(objectProto, 'toJSON') === undefined &&
    getOwnPropertyDescriptor(arrayProto, 'toJSON') === undefined
  );
}

/** JSON text of `value`, one of the recorder's own objects (events, batches, previews). */
export function stringify(value: unknown): string {
  return nativeIsSafe() ? (jsonStringify(value) as string) : writeJson(value);
}

const ESCAPES: string[] = [];
for (let c = 0; c < 32; c++) ESCAPES[c] = `\\u00${c < 16 ? '0' : ''}${c.toString(16)}`;
ESCAPES[8] = '\\b';
ESCAPES[9] = '\\t';
ESCAPES[10] = '\\n';
ESCAPES[12] = '\\f';
ESCAPES[13] = '\\r';

function hex4(c: number): string {
  const h = numberToString(c, 16);
  return `\\u${h.length === 4 ? '' : slice('0000', h.length)}${h}`;
}

/** `s` as a JSON string literal, exactly as JSON.stringify writes it. */
export function quote(s: string): string {
  const n = s.length;
  let i = 0;
  // Fast path: nothing to escape (the common case), scanned by char code.
  for (; i < n; i++) {
    const c = charCodeAt(s, i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) break;
  }
  if (i === n) return `"${s}"`;
  let out = '"';
  let from = 0;
  for (; i < n; i++) {
    const c = charCodeAt(s, i);
    let esc: string | undefined;
    if (c < 32) esc = ESCAPES[c];
    else if (c === 34) esc = '\\"';
    else if (c === 92) esc = '\\\\';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed pair is kept; a lone surrogate is escaped.
      if (c <= 0xdbff && i + 1 < n) {
        const d = charCodeAt(s, i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          continue;
        }
      }
      esc = hex4(c);
    } else continue;
    if (i > from) out += slice(s, from, i);
    out += esc;
    from = i + 1;
  }
  if (from < n) out += slice(s, from, n);
  return `${out}"`;
}

/** JSON.stringify's output for plain data, reading own properties only. */
export function writeJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** undefined: nothing to write (an undefined, function or symbol value, left out of an object). */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // Number::toString, as JSON writes it (−0 as 0); NaN and ±Infinity as null.
      return value === value && value !== Infinity && value !== -Infinity ? `${value}` : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return isArray(value) ? writeArray(value as unknown[]) : writeObject(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      // Never in an event (previews carry a bigint as a string); JSON.stringify would throw.
      return undefined;
  }
}

function writeArray(arr: unknown[]): string {
  const n = arr.length; // an array's own `length`
  let out = '[';
  for (let i = 0; i < n; i++) {
    if (i > 0) out += ',';
    out += (hasOwn(arr, i) ? write(arr[i]) : undefined) ?? 'null';
  }
  return `${out}]`;
}

function writeObject(obj: object): string {
  const keys = objectKeys(obj);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Own and enumerable (Object.keys); read as a data property only, never through a getter.
    const d = getOwnPropertyDescriptor(obj, key);
    if (d === undefined || !hasOwn(d, 'value')) continue;
    const v = write(d.value);
    if (v === undefined) continue;
    out += `${first ? '' : ','}${quote(key)}:${v}`;
    first = false;
  }
  return `${out}}`;
}
