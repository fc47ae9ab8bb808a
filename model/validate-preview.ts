/**
 * Checks a payload preview against the full `Preview` schema of model/protocol.ts: every tag's fields,
 * their types and bounds, and every nested node. The views (panel/PreviewTree.tsx, panel/summary.ts,
 * panel/snippet.ts) walk previews assuming that shape, so a node that passes here cannot make them
 * throw: `{ $t: 'object', entries: 'x' }` once blanked the whole panel.
 *
 * Hot path: every receipt carries a preview, and a full log is 200,000 events. So one recursive
 * function, no closures or allocations on the way down, and the place of a failure is assembled only
 * when one is found (each container adds its step while the error unwinds).
 *
 * Strict: a node holds exactly its tag's fields (the recorder names them; the page's keys are data
 * inside `entries`). An unknown field is rejected rather than carried: nothing would look at it, and
 * only what is checked is bounded (capture.ts relies on this walk to bound a preview's nesting).
 * A new tag or field in the protocol needs its case here.
 */
import { PREVIEW_TEXT_MAX } from './protocol';

/** Longest string anywhere in a preview (keys included). */
export const MAX_STRING = PREVIEW_TEXT_MAX;
/** Deepest JSON nesting below a preview's root (the wrapping arrays of entries and items count). */
export const MAX_PREVIEW_DEPTH = 24;
/** Most nodes in one preview: the recorder emits about a hundred; the inspector draws a row per node. */
export const MAX_PREVIEW_NODES = 10_000;

const NUMBER_WORDS = ['NaN', 'Infinity', '-Infinity', '-0'];
const BOXED_KINDS = ['Number', 'String', 'Boolean', 'BigInt'];
const BLOB_KINDS = ['Blob', 'File'];
const TRUNCATED_REASONS = ['depth', 'budget', 'unreached'];
const SKIPPED_REASONS = ['load'];
const BIGINT = /^-?\d+$/;

/** A BigInt's text as it crosses (a preview's `v`, a replay literal's): decimal digits, sign included
 *  within MAX_STRING characters. */
export function isBigIntText(v: unknown): boolean {
  return typeof v === 'string' && v.length <= MAX_STRING && BIGINT.test(v);
}
/** Two lowercase hex digits a recorded byte (inject/preview.ts `hexHead`). */
const HEX = /^(?:[0-9a-f]{2})*$/;

/** The fields each tag's node may hold (`$t` included), for the message naming an unknown one. */
const FIELDS: Record<string, readonly string[]> = {
  undefined: [],
  number: ['v'],
  bigint: ['v'],
  string: ['v', 'length'],
  object: ['entries', 'more'],
  array: ['items', 'length'],
  map: ['entries', 'size'],
  set: ['items', 'size'],
  date: ['v'],
  regexp: ['source', 'flags'],
  boxed: ['kind', 'v'],
  arraybuffer: ['byteLength', 'head', 'detached'],
  typedarray: ['kind', 'length', 'byteLength', 'head'],
  blob: ['kind', 'size', 'type', 'name', 'lastModified'],
  imagedata: ['width', 'height'],
  error: ['name', 'message'],
  platform: ['kind'],
  cycle: ['path'],
  truncated: ['reason'],
  opaque: ['kind'],
  accessor: ['key'],
  uncloneable: ['kind'],
  skipped: ['reason'],
  unreadable: [],
};

/** A failure: `path` (from the preview's root, e.g. `.entries[2][1].items`) grows as it unwinds. */
class Bad {
  constructor(
    public path: string,
    readonly what: string,
  ) {}
}

/** Nodes left in the current preview's budget (one walk at a time: validation is synchronous). */
let budget = 0;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function str(o: Record<string, unknown>, key: string): void {
  const v = o[key];
  if (typeof v !== 'string') throw new Bad(`.${key}`, `must be a string, not ${show(v)}`);
  if (v.length > MAX_STRING) throw new Bad(`.${key}`, `is longer than ${MAX_STRING} characters`);
}

/** An optional string: 1 if present (a field to count), 0 if absent. */
function optStr(o: Record<string, unknown>, key: string): number {
  if (o[key] === undefined) return 0;
  str(o, key);
  return 1;
}

/** A count (length, size, byteLength…): a non-negative safe integer. */
function count(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Bad(`.${key}`, `must be a non-negative integer, not ${typeof v === 'number' ? v : show(v)}`);
  return v;
}

function optCount(o: Record<string, unknown>, key: string): number {
  if (o[key] === undefined) return 0;
  count(o, key);
  return 1;
}

function optNumber(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`.${key}`, `must be a finite number, not ${show(v)}`);
  return 1;
}

function oneOf(o: Record<string, unknown>, key: string, allowed: readonly string[]): void {
  const v = o[key];
  if (typeof v !== 'string' || !allowed.includes(v)) throw new Bad(`.${key}`, `must be one of ${allowed.join(', ')}, not ${show(v)}`);
}

function hex(o: Record<string, unknown>, key: string): void {
  str(o, key);
  if (!HEX.test(o[key] as string)) throw new Bad(`.${key}`, 'must be hex digits, two a byte');
}

/** `items`: an array of previews, each a step deeper (the array itself is one level). */
function list(o: Record<string, unknown>, key: string, depth: number): number {
  const items = o[key];
  if (!Array.isArray(items)) throw new Bad(`.${key}`, `must be an array, not ${show(items)}`);
  let i = 0;
  try {
    for (; i < items.length; i++) node(items[i], depth + 2);
  } catch (err) {
    if (err instanceof Bad) err.path = `.${key}[${i}]${err.path}`;
    throw err;
  }
  return items.length;
}

/** `entries`: an array of [key, value] pairs; the key a string (objects) or any preview (maps). */
function pairs(o: Record<string, unknown>, depth: number, keyIsString: boolean): number {
  const entries = o.entries;
  if (!Array.isArray(entries)) throw new Bad('.entries', `must be an array of [key, value] pairs, not ${show(entries)}`);
  let i = 0;
  let part = '';
  try {
    for (; i < entries.length; i++) {
      const pair: unknown = entries[i];
      if (!Array.isArray(pair) || pair.length !== 2) throw new Bad('', 'must be a [key, value] pair');
      part = '[0]';
      const k: unknown = pair[0];
      if (keyIsString) {
        if (typeof k !== 'string') throw new Bad('', `must be a string (an object's key), not ${show(k)}`);
        if (k.length > MAX_STRING) throw new Bad('', `is longer than ${MAX_STRING} characters`);
      } else node(k, depth + 3);
      part = '[1]';
      node(pair[1], depth + 3);
      part = '';
    }
  } catch (err) {
    if (err instanceof Bad) err.path = `.entries[${i}]${part}${err.path}`;
    throw err;
  }
  return entries.length;
}

function node(v: unknown, depth: number): void {
  if (--budget < 0) throw new Bad('', `has more than ${MAX_PREVIEW_NODES} nodes`);
  switch (typeof v) {
    case 'string':
      if (v.length > MAX_STRING) throw new Bad('', `is a string longer than ${MAX_STRING} characters`);
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new Bad('', 'is a non-finite number');
      return;
    case 'boolean':
      return;
    case 'object':
      if (v === null) return;
      break;
    case 'undefined':
      throw new Bad('', 'is missing');
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new Bad('', `is ${show(v)}, not a preview`);
  }
  if (depth > MAX_PREVIEW_DEPTH) throw new Bad('', `is nested deeper than ${MAX_PREVIEW_DEPTH} levels`);
  if (!isRecord(v)) throw new Bad('', 'is an array: containers are tagged objects ({ $t: "array", items, length })');
  const tag = v.$t;
  if (typeof tag !== 'string') throw new Bad('', 'must be a primitive or an object with a "$t" tag');
  /** Fields present, `$t` included: any other key is unknown. */
  let fields = 1;
  switch (tag) {
    case 'undefined':
    case 'unreadable':
      break;
    case 'number':
      oneOf(v, 'v', NUMBER_WORDS);
      fields++;
      break;
    case 'bigint':
      str(v, 'v');
      if (!BIGINT.test(v.v as string)) throw new Bad('.v', 'must be decimal digits');
      fields++;
      break;
    case 'string': {
      str(v, 'v');
      if (count(v, 'length') < (v.v as string).length) throw new Bad('.length', 'must be at least the length of the recorded start');
      fields += 2;
      break;
    }
    case 'object':
      pairs(v, depth, true);
      count(v, 'more');
      fields += 2;
      break;
    case 'array':
      if (count(v, 'length') < list(v, 'items', depth)) throw new Bad('.length', 'must be at least the number of items');
      fields += 2;
      break;
    case 'map':
      if (count(v, 'size') < pairs(v, depth, false)) throw new Bad('.size', 'must be at least the number of entries');
      fields += 2;
      break;
    case 'set':
      if (count(v, 'size') < list(v, 'items', depth)) throw new Bad('.size', 'must be at least the number of items');
      fields += 2;
      break;
    case 'date':
      // An invalid Date's time is NaN, which JSON writes as null.
      if (v.v !== null && (typeof v.v !== 'number' || !Number.isFinite(v.v))) throw new Bad('.v', `must be a time in milliseconds or null, not ${show(v.v)}`);
      fields++;
      break;
    case 'regexp':
      // Absent when the recorder's read failed (an object that only inherits from RegExp.prototype).
      fields += optStr(v, 'source') + optStr(v, 'flags');
      break;
    case 'boxed':
      oneOf(v, 'kind', BOXED_KINDS);
      try {
        node(v.v, depth + 1);
      } catch (err) {
        if (err instanceof Bad) err.path = `.v${err.path}`;
        throw err;
      }
      fields += 2;
      break;
    case 'arraybuffer':
      count(v, 'byteLength');
      hex(v, 'head');
      if (v.detached !== undefined) {
        if (typeof v.detached !== 'boolean') throw new Bad('.detached', `must be true or false, not ${show(v.detached)}`);
        fields++;
      }
      fields += 2;
      break;
    case 'typedarray':
      str(v, 'kind');
      count(v, 'length');
      count(v, 'byteLength');
      hex(v, 'head');
      fields += 4;
      break;
    case 'blob':
      oneOf(v, 'kind', BLOB_KINDS);
      count(v, 'size');
      // `type`, `name`, `lastModified`: absent when the recorder's read failed (see regexp).
      fields += 2 + optStr(v, 'type') + optStr(v, 'name') + optNumber(v, 'lastModified');
      break;
    case 'imagedata':
      fields += optCount(v, 'width') + optCount(v, 'height');
      break;
    case 'error':
      str(v, 'name');
      str(v, 'message');
      fields += 2;
      break;
    case 'platform':
    case 'opaque':
    case 'uncloneable':
      str(v, 'kind');
      fields++;
      break;
    case 'cycle':
      str(v, 'path');
      fields++;
      break;
    case 'accessor':
      str(v, 'key');
      fields++;
      break;
    case 'truncated':
      oneOf(v, 'reason', TRUNCATED_REASONS);
      fields++;
      break;
    case 'skipped':
      oneOf(v, 'reason', SKIPPED_REASONS);
      fields++;
      break;
    default:
      throw new Bad('.$t', `${show(tag)} is not a preview tag`);
  }
  let keys = 0;
  for (const k in v) if (Object.hasOwn(v, k)) keys++;
  if (keys !== fields) {
    const known = FIELDS[tag]!;
    const extra = Object.keys(v).find((k) => k !== '$t' && !known.includes(k)) ?? '?';
    throw new Bad('', `has a field ${show(extra)}, which ${tag} nodes do not have`);
  }
}

/** A long path (a deep preview) with its middle cut out. */
function shorten(path: string): string {
  return path.length > 100 ? `${path.slice(0, 50)}…${path.slice(-40)}` : path;
}

/**
 * What is wrong with `value` as a preview, or undefined when nothing is: the message names the
 * place, `preview.entries[2][1].items must be an array, not "x"`, with `name` for the root.
 */
export function previewProblem(value: unknown, name = 'preview'): string | undefined {
  budget = MAX_PREVIEW_NODES;
  try {
    node(value, 0);
    return undefined;
  } catch (err) {
    if (err instanceof Bad) return `${name}${shorten(err.path)} ${err.what}`;
    throw err;
  }
}
