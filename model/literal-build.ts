/** buildValue: a LiteralValue made into a value with saved constructors only (model/payload-literal.ts). */
import { MAX_LITERAL_DEPTH, TYPED_KINDS, isTypedKind, nibble, type LiteralPrimitive, type LiteralValue, type TypedArrayKind } from './literal-value';

// ---------------------------------------------------------------------------------------------------
// buildValue: description → value (page side)

type TypedArrayConstructor = new (buffer: ArrayBuffer) => ArrayBufferView;

/** What buildValue may use, saved by the recorder before page scripts ran (see the header). */
export interface Natives {
  apply: typeof Reflect.apply;
  defineProperty: typeof Reflect.defineProperty;
  isArray: (v: unknown) => v is unknown[];
  /** Boxes a primitive: `Object(1)`. */
  Object: (v: unknown) => object;
  BigInt: (v: string) => bigint;
  Map: MapConstructor;
  mapSet: Map<unknown, unknown>['set'];
  Set: SetConstructor;
  setAdd: Set<unknown>['add'];
  Date: DateConstructor;
  RegExp: RegExpConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  DataView: DataViewConstructor;
  Uint8Array: Uint8ArrayConstructor;
  typedArrays: Record<TypedArrayKind, TypedArrayConstructor>;
}

/** The natives of `g` as they are now: the recorder calls this before any page script runs. */
export function realmNatives(g: typeof globalThis = globalThis): Natives {
  const typedArrays = {} as Record<TypedArrayKind, TypedArrayConstructor>;
  for (const kind of TYPED_KINDS) typedArrays[kind] = g[kind] as TypedArrayConstructor;
  return {
    apply: g.Reflect.apply,
    defineProperty: g.Reflect.defineProperty,
    isArray: g.Array.isArray,
    Object: g.Object as (v: unknown) => object,
    BigInt: g.BigInt,
    Map: g.Map,
    mapSet: g.Map.prototype.set,
    Set: g.Set,
    setAdd: g.Set.prototype.add,
    Date: g.Date,
    RegExp: g.RegExp,
    ArrayBuffer: g.ArrayBuffer,
    DataView: g.DataView,
    Uint8Array: g.Uint8Array,
    typedArrays,
  };
}

export type BuildResult = { ok: true; value: unknown } | { ok: false; error: string };

class BuildFault {
  constructor(readonly message: string) {}
}

/**
 * The real value a literal describes, made with `natives` only. Checks the literal as it goes (it
 * crossed from the panel): a malformed one gives an error, never an exception.
 */
export function buildValue(literal: LiteralValue, natives: Natives): BuildResult {
  try {
    return { ok: true, value: build(literal, natives, 0) };
  } catch (err) {
    // Not String(err): an engine error's toString is the page's to replace.
    return { ok: false, error: err instanceof BuildFault ? err.message : 'the browser refused a part of the value' };
  }
}

/** An own, enumerable data property, whatever the key (a null-prototype descriptor: see header). */
function put(natives: Natives, target: object, key: string, value: unknown): void {
  natives.defineProperty(target, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

function list(v: unknown, natives: Natives, what: string): unknown[] {
  if (!natives.isArray(v)) throw new BuildFault(`${what} must be a list`);
  return v;
}

function build(v: LiteralValue, natives: Natives, depth: number): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (typeof v !== 'object') throw new BuildFault(`not a literal: ${typeof v}`);
  if (depth > MAX_LITERAL_DEPTH) throw new BuildFault(`nested deeper than ${MAX_LITERAL_DEPTH} levels`);
  switch (v.$t) {
    case 'undefined': return undefined;
    case 'number': return buildNumber(v.v);
    case 'bigint': return natives.BigInt(v.v);
    case 'object': return buildObject(v.entries, natives, depth);
    case 'array': return buildArray(v.items, natives, depth);
    case 'map': return buildMap(v.entries, natives, depth);
    case 'set': return buildSet(v.items, natives, depth);
    case 'date': return new natives.Date(v.v === null ? NaN : v.v);
    case 'regexp': return new natives.RegExp(v.source, v.flags);
    case 'boxed': return buildBoxed(v.kind, v.v, natives, depth);
    case 'bytes': return buildBytes(v.kind, v.hex, natives);
    default: throw new BuildFault('not a literal: an unknown tag');
  }
}

function buildNumber(word: string): number {
  switch (word) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case '-0': return -0;
    default: throw new BuildFault('not a number word');
  }
}

function buildObject(entries: [string, LiteralValue][], natives: Natives, depth: number): object {
  const out = {};
  const list_ = list(entries, natives, 'an object\'s entries');
  for (let i = 0; i < list_.length; i++) {
    const pair = list(list_[i], natives, 'an entry');
    if (typeof pair[0] !== 'string') throw new BuildFault('an object\'s key must be a string');
    put(natives, out, pair[0], build(pair[1] as LiteralValue, natives, depth + 1));
  }
  return out;
}

function buildArray(items: LiteralValue[], natives: Natives, depth: number): unknown[] {
  const out: unknown[] = [];
  const list_ = list(items, natives, 'an array\'s items');
  for (let i = 0; i < list_.length; i++) put(natives, out, `${i}`, build(list_[i] as LiteralValue, natives, depth + 1));
  return out;
}

function buildMap(entries: [LiteralValue, LiteralValue][], natives: Natives, depth: number): Map<unknown, unknown> {
  const out = new natives.Map();
  const list_ = list(entries, natives, 'a Map\'s entries');
  for (let i = 0; i < list_.length; i++) {
    const pair = list(list_[i], natives, 'a Map entry');
    natives.apply(natives.mapSet, out, [build(pair[0] as LiteralValue, natives, depth + 1), build(pair[1] as LiteralValue, natives, depth + 1)]);
  }
  return out;
}

function buildSet(items: LiteralValue[], natives: Natives, depth: number): Set<unknown> {
  const out = new natives.Set();
  const list_ = list(items, natives, 'a Set\'s items');
  for (let i = 0; i < list_.length; i++) natives.apply(natives.setAdd, out, [build(list_[i] as LiteralValue, natives, depth + 1)]);
  return out;
}

function buildBoxed(kind: string, v: LiteralPrimitive, natives: Natives, depth: number): object {
  const inner = build(v, natives, depth + 1);
  const expected = kind === 'Number' ? 'number' : kind === 'String' ? 'string' : kind === 'Boolean' ? 'boolean' : kind === 'BigInt' ? 'bigint' : undefined;
  if (expected === undefined || typeof inner !== expected) throw new BuildFault('a boxed value of the wrong kind');
  return natives.Object(inner);
}

function buildBytes(kind: string, hex: string, natives: Natives): object {
  if (typeof hex !== 'string' || hex.length % 2 !== 0) throw new BuildFault('bytes must be hex digits, two a byte');
  const buffer = new natives.ArrayBuffer(hex.length / 2);
  const bytes = new natives.Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i++) {
    const hi = nibble(hex[2 * i]);
    const lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw new BuildFault('bytes must be hex digits, two a byte');
    bytes[i] = hi * 16 + lo;
  }
  if (kind === 'ArrayBuffer') return buffer;
  if (kind === 'DataView') return new natives.DataView(buffer);
  if (!isTypedKind(kind)) throw new BuildFault('not a typed array kind');
  return new natives.typedArrays[kind](buffer);
}

