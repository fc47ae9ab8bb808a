/**
 * The payload literal's data description (LiteralValue) and the byte helpers its three parts share
 * (model/payload-literal.ts says what the syntax is and why).
 */
import { MAX_STRING } from './validate-preview';

/** Longest text parseLiteral reads (characters): beyond it an error, not a long wait. */
export const MAX_LITERAL_CHARS = 10 * 1024 * 1024;
/** Deepest nesting of containers parseLiteral and buildValue accept (the parser recurses). */
export const MAX_LITERAL_DEPTH = 200;
/** Longest BigInt (characters of its decimal text, sign included): as long as any a preview can hold
 *  (so a replay of it is recorded like the original), far below what makes BigInt() slow. */
export const MAX_BIGINT_DIGITS = MAX_STRING;
// ---------------------------------------------------------------------------------------------------
// The description

export type TypedArrayKind =
  | 'Int8Array'
  | 'Uint8Array'
  | 'Uint8ClampedArray'
  | 'Int16Array'
  | 'Uint16Array'
  | 'Int32Array'
  | 'Uint32Array'
  | 'Float32Array'
  | 'Float64Array'
  | 'BigInt64Array'
  | 'BigUint64Array';
export type ByteKind = TypedArrayKind | 'ArrayBuffer' | 'DataView';

export type LiteralPrimitive =
  | null
  | boolean
  /** Finite and not -0: JSON keeps it exactly. */
  | number
  | string
  | { $t: 'undefined' }
  | { $t: 'number'; v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { $t: 'bigint'; v: string };

/**
 * A value as parsed: plain JSON (tags in `$t`, page keys only inside `entries`, so a key such as
 * `__proto__` or `$t` is never a field of the description).
 */
export type LiteralValue =
  | LiteralPrimitive
  | { $t: 'object'; entries: [string, LiteralValue][] }
  | { $t: 'array'; items: LiteralValue[] }
  | { $t: 'map'; entries: [LiteralValue, LiteralValue][] }
  | { $t: 'set'; items: LiteralValue[] }
  /** Milliseconds since the epoch; null for an invalid Date. */
  | { $t: 'date'; v: number | null }
  | { $t: 'regexp'; source: string; flags: string }
  | { $t: 'boxed'; kind: 'Number' | 'String' | 'Boolean' | 'BigInt'; v: LiteralPrimitive }
  /** The bytes of an ArrayBuffer, a DataView or a typed array (a fresh buffer of exactly them). */
  | { $t: 'bytes'; kind: ByteKind; hex: string };

interface ElementType {
  size: number;
  type: 'int' | 'float' | 'bigint';
  min: number | bigint;
  max: number | bigint;
}

export const ELEMENTS: Record<TypedArrayKind, ElementType> = {
  Int8Array: { size: 1, type: 'int', min: -128, max: 127 },
  Uint8Array: { size: 1, type: 'int', min: 0, max: 255 },
  Uint8ClampedArray: { size: 1, type: 'int', min: 0, max: 255 },
  Int16Array: { size: 2, type: 'int', min: -32768, max: 32767 },
  Uint16Array: { size: 2, type: 'int', min: 0, max: 65535 },
  Int32Array: { size: 4, type: 'int', min: -2147483648, max: 2147483647 },
  Uint32Array: { size: 4, type: 'int', min: 0, max: 4294967295 },
  Float32Array: { size: 4, type: 'float', min: -Infinity, max: Infinity },
  Float64Array: { size: 8, type: 'float', min: -Infinity, max: Infinity },
  BigInt64Array: { size: 8, type: 'bigint', min: -(2n ** 63n), max: 2n ** 63n - 1n },
  BigUint64Array: { size: 8, type: 'bigint', min: 0n, max: 2n ** 64n - 1n },
};
/** A plain array (not `Object.keys(ELEMENTS)`): buildValue walks it in the page by index. */
export const TYPED_KINDS: readonly TypedArrayKind[] = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

/** Compared with `===` one by one: a page-controlled kind such as `__proto__` never indexes anything. */
export function isTypedKind(kind: unknown): kind is TypedArrayKind {
  for (let i = 0; i < TYPED_KINDS.length; i++) if (TYPED_KINDS[i] === kind) return true;
  return false;
}

/** A hex digit's value, or -1, without String.prototype methods (buildValue runs in the page). */
export function nibble(ch: string | undefined): number {
  if (ch === undefined) return -1;
  if (ch >= '0' && ch <= '9') return +ch;
  switch (ch) {
    case 'a': case 'A': return 10;
    case 'b': case 'B': return 11;
    case 'c': case 'C': return 12;
    case 'd': case 'D': return 13;
    case 'e': case 'E': return 14;
    case 'f': case 'F': return 15;
    default: return -1;
  }
}

export const HEX_DIGITS = '0123456789abcdef';
export function byteHex(b: number): string {
  return HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
}

/** Panel side only (uses Uint8Array's methods freely). */
export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]);
  return bytes;
}
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += byteHex(b);
  return s;
}

export function readElement(view: DataView, kind: TypedArrayKind, at: number): number | bigint {
  switch (kind) {
    case 'Int8Array': return view.getInt8(at);
    case 'Uint8Array':
    case 'Uint8ClampedArray': return view.getUint8(at);
    case 'Int16Array': return view.getInt16(at, true);
    case 'Uint16Array': return view.getUint16(at, true);
    case 'Int32Array': return view.getInt32(at, true);
    case 'Uint32Array': return view.getUint32(at, true);
    case 'Float32Array': return view.getFloat32(at, true);
    case 'Float64Array': return view.getFloat64(at, true);
    case 'BigInt64Array': return view.getBigInt64(at, true);
    case 'BigUint64Array': return view.getBigUint64(at, true);
  }
}

/** `value` is already range-checked (or a float, which any number is). */
export function writeElement(view: DataView, kind: TypedArrayKind, at: number, value: number | bigint): void {
  switch (kind) {
    case 'Int8Array': return view.setInt8(at, Number(value));
    case 'Uint8Array':
    case 'Uint8ClampedArray': return view.setUint8(at, Number(value));
    case 'Int16Array': return view.setInt16(at, Number(value), true);
    case 'Uint16Array': return view.setUint16(at, Number(value), true);
    case 'Int32Array': return view.setInt32(at, Number(value), true);
    case 'Uint32Array': return view.setUint32(at, Number(value), true);
    case 'Float32Array': return view.setFloat32(at, Number(value), true);
    case 'Float64Array': return view.setFloat64(at, Number(value), true);
    case 'BigInt64Array': return view.setBigInt64(at, BigInt(value), true);
    case 'BigUint64Array': return view.setBigUint64(at, BigInt(value), true);
  }
}

/** A number as the literal writes it (-0 kept; NaN, Infinity and 1e+21 read back as they are). */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n); // NaN, Infinity, -Infinity, 1e+21: all read back by the parser
}

/** A UTF-16 low surrogate. */
export function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
