/**
 * A bounded preview and size estimate of a structured-clone value, made without running page code.
 *
 * Receiving side (`trusted`): `event.data` is a fresh structured-clone copy, so every own property is
 * a data property and every prototype is an intrinsic; direct reads are safe and fast.
 * Sending side: the value is the page's own object graph, which may hold getters; the walk reads
 * property descriptors and never calls a getter (an accessor is shown as such). It cannot see a Proxy
 * either (nothing in JavaScript tells one apart without calling a trap), so the sender walks only
 * what the browser's own serializer has already visited: after a send it serialized (a Proxy there
 * would have made it throw), or up to the value a `DataCloneError` names (`previewSent`,
 * `stopAtUncloneable`). See docs/recording.md, "Never runs page code".
 */
import { PREVIEW_STRING_CHARS, PREVIEW_TEXT_MAX, type Preview } from '../model/protocol';
import {
  apply,
  getOwnPropertyDescriptor,
  getOwnPropertyNames,
  getPrototypeOf,
  getter,
  isArray,
  mapGet,
  mapSet,
  NativeMap,
  NativeUint8Array,
  objectKeys,
  constructorNames,
  read,
  stringSlice,
  hasOwn,
  isData,
  uncurry,
  inheritedString,
  functionToString,
  stringCharCodeAt,
} from './natives';
import { originalOf } from './disguise';

/**
 * Every string a preview holds — keys, constructor names and paths included — is cut to this many
 * characters (and marked with `…`): one huge key must not make its event, and the batch it travels
 * in, too big to send (the relay refuses a batch over MAX_BATCH_CHARS whole).
 */
export function bounded(s: string, max: number = PREVIEW_LIMITS.stringChars): string {
  return s.length > max ? `${apply(stringSlice, s, [0, max]) as string}…` : s;
}

/** A getter's result when it is a string (a failed brand check gives undefined), else ''. */
export function stringOr(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A getter's result when it is a finite number, else 0 (JSON would write NaN as null). */
function numberOr(v: unknown): number {
  return typeof v === 'number' && v === v && v !== Infinity && v !== -Infinity ? v : 0;
}

/** An error's message is worth more of its characters than a payload string. */
export const ERROR_MESSAGE_CHARS = 1_024;

export const PREVIEW_LIMITS = {
  depth: 4,
  keys: 16,
  items: 10,
  stringChars: PREVIEW_STRING_CHARS,
  headBytes: 32,
  /** Nodes the preview describes; the size walk goes on to `sizeNodes`. */
  previewNodes: 80,
  sizeNodes: 5_000,
} as const;

type Kind =
  | 'object'
  | 'array'
  | 'map'
  | 'set'
  | 'date'
  | 'regexp'
  | 'arraybuffer'
  | 'typedarray'
  | 'dataview'
  | 'blob'
  | 'file'
  | 'imagedata'
  | 'error'
  | 'Number'
  | 'String'
  | 'Boolean'
  | 'BigInt';

const g = globalThis as unknown as Record<string, { prototype: object } | undefined>;
const kinds = new NativeMap<object, Kind>();
const typedArrayNames = new NativeMap<object, string>();
function kindOf(name: string, kind: Kind): void {
  const proto = g[name]?.prototype;
  if (proto) apply(mapSet, kinds, [proto, kind]);
}
kindOf('Object', 'object');
kindOf('Array', 'array');
kindOf('Map', 'map');
kindOf('Set', 'set');
kindOf('Date', 'date');
kindOf('RegExp', 'regexp');
kindOf('ArrayBuffer', 'arraybuffer');
kindOf('DataView', 'dataview');
kindOf('Blob', 'blob');
kindOf('File', 'file');
kindOf('ImageData', 'imagedata');
kindOf('Number', 'Number');
kindOf('String', 'String');
kindOf('Boolean', 'Boolean');
kindOf('BigInt', 'BigInt');
for (const e of ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'DOMException']) {
  kindOf(e, 'error');
}
for (const t of [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]) {
  const proto = g[t]?.prototype;
  if (proto) {
    apply(mapSet, kinds, [proto, 'typedarray']);
    apply(mapSet, typedArrayNames, [proto, t]);
  }
}

/** `s.charCodeAt(i)` without the page's String.prototype. */
const charCodeAt = uncurry(String.prototype.charCodeAt) as (s: string, i: number) => number;
const typedArrayProto = getPrototypeOf(NativeUint8Array.prototype) ?? undefined;
const get = {
  mapSize: getter(Map.prototype, 'size'),
  setSize: getter(Set.prototype, 'size'),
  abByteLength: getter(ArrayBuffer.prototype, 'byteLength'),
  abDetached: getter(ArrayBuffer.prototype, 'detached'),
  taLength: getter(typedArrayProto, 'length'),
  taByteLength: getter(typedArrayProto, 'byteLength'),
  taByteOffset: getter(typedArrayProto, 'byteOffset'),
  taBuffer: getter(typedArrayProto, 'buffer'),
  dvByteLength: getter(DataView.prototype, 'byteLength'),
  dvByteOffset: getter(DataView.prototype, 'byteOffset'),
  dvBuffer: getter(DataView.prototype, 'buffer'),
  blobSize: getter(globalThis.Blob?.prototype, 'size'),
  blobType: getter(globalThis.Blob?.prototype, 'type'),
  fileName: getter(globalThis.File?.prototype, 'name'),
  fileLastModified: getter(globalThis.File?.prototype, 'lastModified'),
  imageWidth: getter(globalThis.ImageData?.prototype, 'width'),
  imageHeight: getter(globalThis.ImageData?.prototype, 'height'),
  reSource: getter(RegExp.prototype, 'source'),
  reFlags: getter(RegExp.prototype, 'flags'),
};
const bigintToString = BigInt.prototype.toString;
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const dateGetTime = Date.prototype.getTime;
const elementSizes = new NativeMap<string, number>();
for (const [name, n] of [
  ['Int8Array', 1], ['Uint8Array', 1], ['Uint8ClampedArray', 1], ['Int16Array', 2], ['Uint16Array', 2], ['Float16Array', 2],
  ['Int32Array', 4], ['Uint32Array', 4], ['Float32Array', 4], ['Float64Array', 8], ['BigInt64Array', 8], ['BigUint64Array', 8],
] as const) {
  apply(mapSet, elementSizes, [name, n]);
}
const valueOf: Record<string, (this: unknown) => unknown> = {
  Number: Number.prototype.valueOf,
  String: String.prototype.valueOf,
  Boolean: Boolean.prototype.valueOf,
  BigInt: BigInt.prototype.valueOf,
};

export interface PreviewResult {
  preview: Preview;
  size: number;
  sizeCapped: boolean;
}

/** What was read of a transferred ArrayBuffer before the send detached it. */
export interface BufferFacts {
  byteLength: number;
  head: string;
}

interface Walk {
  trusted: boolean;
  nodes: number;
  capped: boolean;
  size: number;
  seen: Map<object, string>;
  /** Buffers of the transfer list, read before the call (the call detaches them). */
  buffers?: Map<object, BufferFacts>;
  /** A failed send: stop at the first value structured clone refuses; nothing after it is read. */
  stopAtUncloneable: boolean;
  /** Set once the walk stopped (at the culprit, or at a getter before it): the rest is `unreached`. */
  stopped: boolean;
  /** The culprit, when the walk found it before any getter. */
  culprit?: { path: string; kind: string };
}

const HEX = '0123456789abcdef';
function hexHead(buffer: unknown, offset: number, length: number): string {
  const n = length < PREVIEW_LIMITS.headBytes ? length : PREVIEW_LIMITS.headBytes;
  if (n <= 0) return '';
  try {
    const bytes = new NativeUint8Array(buffer as ArrayBuffer, offset, n);
    let s = '';
    for (let i = 0; i < n; i++) {
      const b = bytes[i] as number;
      s += HEX[b >> 4]! + HEX[b & 15]!;
    }
    return s;
  } catch {
    return '';
  }
}

/** Platform objects structured clone knows (serializable or transferable), by interface name. */
const PLATFORM = new NativeMap<string, true>();
for (const name of [
  'MessagePort', 'ImageBitmap', 'OffscreenCanvas', 'ReadableStream', 'WritableStream', 'TransformStream',
  'VideoFrame', 'AudioData', 'CryptoKey', 'FileList', 'FileSystemHandle', 'FileSystemFileHandle',
  'FileSystemDirectoryHandle', 'DOMMatrix', 'DOMMatrixReadOnly', 'DOMPoint', 'DOMPointReadOnly', 'DOMRect',
  'DOMRectReadOnly', 'DOMQuad', 'RTCCertificate', 'RTCDataChannel', 'RTCEncodedAudioFrame',
  'RTCEncodedVideoFrame', 'MediaStreamTrack', 'MediaSourceHandle', 'EncodedAudioChunk', 'EncodedVideoChunk',
  'GPUCompilationInfo', 'GPUCompilationMessage', 'MIDIAccess', 'WebTransportReceiveStream', 'WebTransportSendStream',
]) {
  apply(mapSet, PLATFORM, [name, true]);
}
/** Objects structured clone refuses: DOM nodes and windows (by name: objects of another realm). */
const UNCLONEABLE = new NativeMap<string, true>();
for (const name of ['Node', 'Window', 'WindowProxy', 'Location', 'EventTarget', 'Event', 'WeakMap', 'WeakSet', 'WeakRef', 'Promise', 'FinalizationRegistry', 'Symbol']) {
  apply(mapSet, UNCLONEABLE, [name, true]);
}

/**
 * The names on this realm's global before any page script ran (names only: see nativeProtosOf). A
 * page's own classes are not among them (they did not exist yet), so `window.App = class {}` later
 * does not make App's instances look like host objects.
 */
const GLOBAL_NAMES_AT_START: readonly string[] = getOwnPropertyNames(globalThis);

let nativeProtos: Map<object, string> | null = null;

/**
 * The prototypes of this realm's own global constructors (`HTMLDivElement`, `WeakMap`, `Promise`,
 * `Event`…): an object that inherits from one of them and is not a clonable kind is something
 * structured clone refuses (a host object, or an exotic built-in). Page classes are cloned as plain
 * objects.
 *
 * Made the first time a preview needs it (a class instance, a DOM node…), not at the realm's start:
 * reading a global constructor's descriptor makes the browser build that interface object, and doing
 * it for the ~1,000 of a window cost every frame of every site about 5 ms before its first script
 * (bench/churn.mjs's frames, docs/recording.md). By then the page may have replaced a global: a name
 * counts only while its value is still the native function of that name, which the native
 * `Function.prototype.toString` prints as `function Name() { [native code] }` (a page's class, bound
 * function or Proxy prints otherwise, and no trap of a Proxy is reached); the recorder's own wrappers
 * count as their originals.
 */
function nativeProtosOf(): Map<object, string> {
  if (nativeProtos !== null) return nativeProtos;
  const protos = new NativeMap<object, string>();
  for (let i = 0; i < GLOBAL_NAMES_AT_START.length; i++) {
    const name = GLOBAL_NAMES_AT_START[i]!;
    const c = apply(stringCharCodeAt, name, [0]) as number;
    if (c < 65 || c > 90) continue; // constructors only (capitalised)
    try {
      const d = getOwnPropertyDescriptor(globalThis, name);
      const value: unknown = isData(d) ? d.value : undefined;
      if (typeof value !== 'function') continue;
      const ctor = originalOf(value) ?? value;
      if (apply(functionToString, ctor, []) !== `function ${name}() { [native code] }`) continue;
      const pd = getOwnPropertyDescriptor(ctor, 'prototype');
      const proto: unknown = isData(pd) ? pd.value : undefined;
      if (typeof proto === 'object' && proto !== null && apply(mapGet, kinds, [proto]) === undefined) apply(mapSet, protos, [proto, name]);
    } catch {
      /* not readable as a constructor */
    }
  }
  return (nativeProtos = protos);
}

/** Most entries or items one level of a preview shows. */
const SHOWN_MAX = 16;
if (PREVIEW_LIMITS.keys > SHOWN_MAX || PREVIEW_LIMITS.items > SHOWN_MAX) throw new Error('preview.ts: SHOWN_MAX is below a preview limit');

/**
 * A fresh array whose SHOWN_MAX elements exist as own data properties (an array literal): what a
 * level shows is stored by index and the array cut to its count at the end (`length` is its own
 * property). Neither reaches an index setter the page put on Array.prototype, as a store past the
 * end would, and both cost far less than defining each element (`append`), which was the largest
 * part of a receiver's preview (bench/recorder-micro.mjs).
 */
function shownSlots(): unknown[] {
  // prettier-ignore
  return [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
}

/** Stands for a getter the walk refused to call. */
const ACCESSOR = {};

/** An own property's value as a structured clone would copy it, read without calling a getter. */
function ownValue(w: Walk, obj: object, key: string): unknown {
  if (w.trusted) return (obj as Record<string, unknown>)[key];
  const d = getOwnPropertyDescriptor(obj, key);
  if (!d) return undefined;
  return isData(d) ? d.value : ACCESSOR;
}

/** `parent` and `seg` name the value's place; the path string is built only for objects (cycles). */
function walk(w: Walk, value: unknown, depth: number, parent: string, seg: string | number, emit: boolean): Preview {
  if (w.stopped) return UNREACHED;
  w.nodes++;
  if (w.nodes > PREVIEW_LIMITS.sizeNodes) {
    w.capped = true;
    return { $t: 'truncated', reason: 'budget' };
  }
  if (emit && w.nodes > PREVIEW_LIMITS.previewNodes) emit = false;
  switch (typeof value) {
    case 'string': {
      w.size += 4 + value.length;
      if (value.length <= PREVIEW_LIMITS.stringChars) return value;
      return { $t: 'string', v: apply(stringSlice, value, [0, PREVIEW_LIMITS.stringChars]) as string, length: value.length };
    }
    case 'number':
      w.size += 9;
      if (value !== value) return { $t: 'number', v: 'NaN' };
      if (value === Infinity) return { $t: 'number', v: 'Infinity' };
      if (value === -Infinity) return { $t: 'number', v: '-Infinity' };
      if (value === 0 && 1 / value < 0) return { $t: 'number', v: '-0' };
      return value;
    case 'boolean':
      w.size += 1;
      return value;
    case 'undefined':
      w.size += 1;
      return { $t: 'undefined' };
    case 'bigint': {
      w.size += 9;
      // Past the nodes a preview shows, only counted: no digits made (a huge one costs its conversion).
      if (!emit) return { $t: 'truncated', reason: 'budget' };
      // Whole (a replay needs every digit), up to what the extension accepts: beyond it, one
      // value would have cost its whole batch (a rejected batch is a gap).
      const digits = apply(bigintToString, value, []) as string;
      if (digits.length > PREVIEW_TEXT_MAX) return { $t: 'truncated', reason: 'budget' };
      return { $t: 'bigint', v: digits };
    }
    case 'symbol':
      return refused(w, parent, seg, 'Symbol');
    case 'function':
      return refused(w, parent, seg, 'Function');
    case 'object':
      break;
  }
  if (value === null) {
    w.size += 1;
    return null;
  }
  const obj = value as object;
  const path = pathOf(parent, seg);
  const prior = apply(mapGet, w.seen, [obj]) as string | undefined;
  if (prior !== undefined) return { $t: 'cycle', path: prior };
  apply(mapSet, w.seen, [obj, path]);
  if (depth >= PREVIEW_LIMITS.depth) emit = false;

  let proto: object | null;
  try {
    proto = getPrototypeOf(obj);
  } catch {
    proto = null;
  }
  const kind = proto === null ? 'object' : (apply(mapGet, kinds, [proto]) as Kind | undefined);
  w.size += 8;
  switch (kind) {
    case 'object':
    case 'error':
      return kind === 'error' ? errorPreview(w, obj) : objectPreview(w, obj, depth, path, emit);
    case 'array':
      return arrayPreview(w, obj as unknown[], depth, path, emit);
    case 'map': {
      const entries = (emit ? shownSlots() : []) as [Preview, Preview][];
      let shown = 0;
      let i = 0;
      apply(mapForEach, obj, [
        (v: unknown, k: unknown) => {
          const show = emit && i < PREVIEW_LIMITS.items;
          const pk = walk(w, k, depth + 1, path, `<key ${i}>`, show);
          const pv = walk(w, v, depth + 1, path, `<value ${i}>`, show);
          if (show) entries[shown++] = [pk, pv];
          i++;
        },
      ]);
      entries.length = shown;
      return { $t: 'map', entries, size: read(get.mapSize, obj) as number };
    }
    case 'set': {
      const items = (emit ? shownSlots() : []) as Preview[];
      let shown = 0;
      let i = 0;
      apply(setForEach, obj, [
        (v: unknown) => {
          const show = emit && i < PREVIEW_LIMITS.items;
          const pv = walk(w, v, depth + 1, path, `<item ${i}>`, show);
          if (show) items[shown++] = pv;
          i++;
        },
      ]);
      items.length = shown;
      return { $t: 'set', items, size: read(get.setSize, obj) as number };
    }
    case 'date':
      return { $t: 'date', v: apply(dateGetTime, obj, []) as number };
    case 'regexp':
      // (An object that only inherits from RegExp.prototype fails the getters' brand checks: ''.)
      return { $t: 'regexp', source: bounded(stringOr(read(get.reSource, obj))), flags: bounded(stringOr(read(get.reFlags, obj))) };
    case 'arraybuffer': {
      const known = w.buffers ? (apply(mapGet, w.buffers, [obj]) as BufferFacts | undefined) : undefined;
      if (known) {
        w.size += known.byteLength;
        return { $t: 'arraybuffer', byteLength: known.byteLength, head: emit ? known.head : '' };
      }
      // A detached buffer outside the transfer list: structured clone refuses it.
      if (w.stopAtUncloneable && read(get.abDetached, obj) === true) return refused(w, parent, seg, 'ArrayBuffer');
      const byteLength = (read(get.abByteLength, obj) as number | undefined) ?? 0;
      w.size += byteLength;
      return { $t: 'arraybuffer', byteLength, head: emit ? hexHead(obj, 0, byteLength) : '' };
    }
    case 'typedarray': {
      const name = (apply(mapGet, typedArrayNames, [proto]) as string | undefined) ?? 'TypedArray';
      const known = w.buffers ? (apply(mapGet, w.buffers, [read(get.taBuffer, obj) as object]) as BufferFacts | undefined) : undefined;
      if (known) {
        // Its buffer was transferred (now detached): shown as a view of the whole buffer, as read
        // before the call (the view's own offset and length read 0 once detached).
        w.size += known.byteLength;
        const per = (apply(mapGet, elementSizes, [name]) as number | undefined) ?? 1;
        return { $t: 'typedarray', kind: name, length: (known.byteLength / per) | 0, byteLength: known.byteLength, head: emit ? known.head : '' };
      }
      const byteLength = (read(get.taByteLength, obj) as number | undefined) ?? 0;
      w.size += byteLength;
      return {
        $t: 'typedarray',
        kind: name,
        length: (read(get.taLength, obj) as number | undefined) ?? 0,
        byteLength,
        head: emit ? hexHead(read(get.taBuffer, obj), read(get.taByteOffset, obj) as number, byteLength) : '',
      };
    }
    case 'dataview': {
      const byteLength = (read(get.dvByteLength, obj) as number | undefined) ?? 0;
      w.size += byteLength;
      return {
        $t: 'typedarray',
        kind: 'DataView',
        length: byteLength,
        byteLength,
        head: emit ? hexHead(read(get.dvBuffer, obj), read(get.dvByteOffset, obj) as number, byteLength) : '',
      };
    }
    case 'blob':
    case 'file': {
      const size = (read(get.blobSize, obj) as number | undefined) ?? 0;
      const type = bounded(stringOr(read(get.blobType, obj)));
      if (kind !== 'file') return { $t: 'blob', kind: 'Blob', size, type };
      return { $t: 'blob', kind: 'File', size, type, name: bounded(stringOr(read(get.fileName, obj))), lastModified: numberOr(read(get.fileLastModified, obj)) };
    }
    case 'imagedata': {
      const width = numberOr(read(get.imageWidth, obj));
      const height = numberOr(read(get.imageHeight, obj));
      w.size += width * height * 4;
      return { $t: 'imagedata', width, height };
    }
    case 'Number':
    case 'String':
    case 'Boolean':
    case 'BigInt':
      return { $t: 'boxed', kind, v: walk(w, apply(valueOf[kind]!, obj, []), depth + 1, path, '<value>', emit) };
    case undefined:
      return isArray(obj) ? arrayPreview(w, obj as unknown[], depth, path, emit) : foreignPreview(w, obj, proto, depth, parent, seg, emit);
  }
}

const UNREACHED: Preview = { $t: 'truncated', reason: 'unreached' };

/** A key that reads as `.key` (no RegExp: its methods are the page's to replace). */
function isIdentifier(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = charCodeAt(s, i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return s.length > 0;
}
/** `parent.key`, `parent["odd key"]`, `parent[3]`, `parent.<key 0>` (Map keys/values, Set items). */
function pathOf(parent: string, seg: string | number): string {
  if (typeof seg === 'number') return `${parent}[${seg}]`;
  if (seg === '') return parent;
  seg = bounded(seg);
  if (charCodeAt(seg, 0) === 60 /* < */ || isIdentifier(seg)) return `${parent}.${seg}`;
  return `${parent}[${jsonQuote(seg)}]`;
}
function jsonQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

/** A value structured clone refuses. A failed send's walk stops at the first one (the browser did). */
function refused(w: Walk, parent: string, seg: string | number, kind: string): Preview {
  if (w.stopAtUncloneable) {
    w.stopped = true;
    w.culprit = { path: pathOf(parent, seg), kind };
  }
  return { $t: 'uncloneable', kind };
}

/** A getter in a failed send's payload: the browser called it and cloned what it returned, which the
 *  recorder cannot see; the culprit may lie there, so the walk stops without naming a path. */
function accessorMet(w: Walk, key: string): Preview {
  if (w.stopAtUncloneable) w.stopped = true;
  return { $t: 'accessor', key };
}

/** An object whose prototype is not one of this realm's clonable intrinsics: a platform object
 *  (MessagePort, ImageBitmap, CryptoKey…), a DOM node or another object structured clone refuses, an
 *  object from another realm, or a class instance, which structured clone copies as a plain object
 *  (own enumerable properties, prototype dropped). */
function foreignPreview(w: Walk, obj: object, proto: object | null, depth: number, parent: string, seg: string | number, emit: boolean): Preview {
  const path = pathOf(parent, seg);
  const names = constructorNames(obj);
  const nearest = bounded(names[0] ?? 'Object');
  if (apply(mapGet, PLATFORM, [nearest])) return { $t: 'platform', kind: nearest };
  // This realm's own built-ins and host interfaces, by prototype identity (a page class may be named
  // anything): the nearest one on the chain decides.
  for (let p = proto; p; p = getPrototypeOf(p)) {
    // Object.prototype, or a subclass of a clonable built-in (cloned as one, shown as an object).
    if (apply(mapGet, kinds, [p]) !== undefined) break;
    const native = apply(mapGet, nativeProtosOf(), [p]) as string | undefined;
    if (native !== undefined) {
      if (apply(mapGet, PLATFORM, [native])) return { $t: 'platform', kind: nearest };
      return refused(w, parent, seg, nearest);
    }
  }
  for (let i = 0; i < names.length; i++) {
    if (apply(mapGet, UNCLONEABLE, [names[i]])) return refused(w, parent, seg, nearest);
  }
  return objectPreview(w, obj, depth, path, emit);
}

function objectPreview(w: Walk, obj: object, depth: number, path: string, emit: boolean): Preview {
  const keys = objectKeys(obj);
  // (Nothing is stored when the level is not shown: no slots for it.)
  const entries = (emit ? shownSlots() : []) as [string, Preview][];
  let shown = 0;
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const key = bounded(keys[i] as string);
    const show = emit && i < PREVIEW_LIMITS.keys;
    if (w.stopped) {
      // Past a failed send's culprit: keys are named (the object itself was visited), values not read.
      if (show) entries[shown++] = [key, UNREACHED];
      continue;
    }
    w.size += (keys[i] as string).length + 2;
    const got = ownValue(w, obj, keys[i] as string);
    const child: Preview = got === ACCESSOR ? accessorMet(w, key) : walk(w, got, depth + 1, path, key, show);
    if (show) entries[shown++] = [key, child];
    if (w.capped) break;
  }
  if (!emit && depth >= PREVIEW_LIMITS.depth) return { $t: 'truncated', reason: 'depth' };
  entries.length = shown;
  return { $t: 'object', entries, more: n - shown };
}

function arrayPreview(w: Walk, arr: unknown[], depth: number, path: string, emit: boolean): Preview {
  const items = (emit ? shownSlots() : []) as Preview[];
  let shown = 0;
  let length: number;
  if (w.trusted) {
    // A structured-clone copy: a genuine array of plain data (holes read as undefined, as cloned).
    length = arr.length;
    for (let i = 0; i < length; i++) {
      const show = emit && i < PREVIEW_LIMITS.items;
      // (A clone keeps holes: one is read as undefined, not through Array.prototype.)
      const child = walk(w, hasOwn(arr, i) ? arr[i] : undefined, depth + 1, path, i, show);
      if (show) items[shown++] = child;
      if (w.capped) break;
    }
  } else {
    const d = getOwnPropertyDescriptor(arr, 'length');
    length = (isData(d) ? d.value : 0) as number;
    for (let i = 0; i < length; i++) {
      const show = emit && i < PREVIEW_LIMITS.items;
      if (w.stopped) {
        if (show) items[shown++] = UNREACHED;
        else break;
        continue;
      }
      const got = ownValue(w, arr, `${i}`);
      const child: Preview = got === ACCESSOR ? accessorMet(w, `${i}`) : walk(w, got, depth + 1, path, i, show);
      if (show) items[shown++] = child;
      if (w.capped) break;
    }
  }
  if (!emit && depth >= PREVIEW_LIMITS.depth) return { $t: 'truncated', reason: 'depth' };
  items.length = shown;
  return { $t: 'array', items, length };
}

function errorPreview(w: Walk, obj: object): Preview {
  // The clone reads name/message through the prototype chain, and so does this, by descriptors only
  // (also on the receiving side: a copy's `name` is inherited, from a prototype the page may have
  // given a getter).
  const message = inheritedString(obj, 'message');
  w.size += message.length;
  return { $t: 'error', name: bounded(inheritedString(obj, 'name')), message: bounded(message, ERROR_MESSAGE_CHARS) };
}

function newWalk(trusted: boolean): Walk {
  // Every field an own property from the start: a later assignment then calls no inherited setter.
  return { trusted, nodes: 0, capped: false, size: 0, seen: new NativeMap(), buffers: undefined, stopAtUncloneable: false, stopped: false, culprit: undefined };
}

/** Preview and size of `value`. `trusted`: the value is a fresh structured-clone copy (receiver). */
export function previewValue(value: unknown, trusted: boolean): PreviewResult {
  const w = newWalk(trusted);
  try {
    return { preview: walk(w, value, 0, '$', '', true), size: w.size, sizeCapped: w.capped };
  } catch {
    // A hostile sender-side object (a Proxy whose traps throw, say): say so rather than lose the event.
    return { preview: { $t: 'unreadable' }, size: w.size, sizeCapped: true };
  }
}

export interface SentPreview extends PreviewResult {
  /** With `stopAtUncloneable`: the first value structured clone refuses, when reached before any getter. */
  culprit?: { path: string; kind: string };
}

/**
 * Preview of a payload at the sender, made AFTER the send (see the file comment for why). `buffers`:
 * the transfer list's ArrayBuffers as read before the call detached them. `stopAtUncloneable`: the
 * send threw a `DataCloneError` naming a value: walk in structured-clone order and read nothing past
 * the first value the clone refuses (the browser stopped there; what follows was never checked).
 */
export function previewSent(value: unknown, buffers: Map<object, BufferFacts> | undefined, stopAtUncloneable: boolean): SentPreview {
  const w = newWalk(false);
  w.buffers = buffers;
  w.stopAtUncloneable = stopAtUncloneable;
  try {
    const preview = walk(w, value, 0, '$', '', true);
    // `culprit` always own: the caller's read of it must not reach Object.prototype.
    const culprit = w.culprit ? { path: `payload${apply(stringSlice, w.culprit.path, [1]) as string}`, kind: w.culprit.kind } : undefined;
    return { preview, size: w.size, sizeCapped: w.capped, culprit };
  } catch {
    return { preview: { $t: 'unreadable' }, size: w.size, sizeCapped: true };
  }
}

/** What a transferred ArrayBuffer holds, read before the call moves it. */
export function bufferFacts(buffer: object): BufferFacts {
  const byteLength = (read(get.abByteLength, buffer) as number | undefined) ?? 0;
  return { byteLength, head: hexHead(buffer, 0, byteLength) };
}

/**
 * A payload the browser did not serialize (a send on a closed or transferred port, or one refused
 * before serialization: a bad transfer list, a closed BroadcastChannel…). Nothing vouches that it
 * holds no Proxy, and no walk can tell one apart without calling a trap: primitives are shown, an
 * object is `opaque` (by `Array.isArray`, which calls no trap).
 */
export function previewUnserialized(value: unknown): PreviewResult {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    if (typeof value === 'function') return { preview: { $t: 'uncloneable', kind: 'Function' }, size: 0, sizeCapped: false };
    let kind = 'Object';
    try {
      if (isArray(value)) kind = 'Array';
    } catch {
      kind = 'Proxy'; // a revoked Proxy: isArray throws on it, and on nothing else
    }
    return { preview: { $t: 'opaque', kind }, size: 0, sizeCapped: true };
  }
  return previewValue(value, false);
}
