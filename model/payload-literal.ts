/**
 * The payload literal syntax of *Edit and replay* (issue 11, "Send again"): a recorded payload as
 * editable text (`formatLiteral`), that text back as a plain data description (`parseLiteral`), and
 * the description made into a real value with saved constructors only (`buildValue`).
 *
 * Why a syntax of our own and not JavaScript: the page must get data, never code. The text is read
 * by a hand-written parser here in the panel (no eval, no Function, no library that evaluates), and
 * what crosses to the page is a JSON tree of tags that `buildValue` assembles.
 *
 * Grammar (whitespace and `//…`, `/* … *\/` comments anywhere between tokens; trailing commas allowed):
 *   value   := 'null' | 'true' | 'false' | 'undefined' | number | bigint | string | regexp
 *            | '[' (value ',')* ']' | '{' (key ':' value ',')* '}' | ['new'] call
 *   number  := '-'? ( decimal | '0x' hex | 'NaN' | 'Infinity' )      decimal: 12, 1.5, .5, 1e-7
 *   bigint  := '-'? ( digits | '0x' hex ) 'n'                         at most MAX_BIGINT_DIGITS digits
 *   string  := "…" | '…'   escapes: \n \t \r \b \f \v \0 \xHH \uHHHH \u{H…} \\ \" \' \/ (no others)
 *   regexp  := '/' body '/' flags                                     checked with the panel's RegExp
 *   key     := identifier | string | integer (0, 1, 42: no leading zeros)
 *   call    := 'Map(' [ '[' ( '[' value ',' value ']' ',' )* ']' ] ')'
 *            | 'Set(' [ '[' (value ',')* ']' ] ')'
 *            | 'Date(' ( isoString | number ) ')'                    Date(NaN) is an invalid date
 *            | 'Object(' number | string | boolean | bigint ')'      a boxed primitive
 *            | 'ArrayBuffer(' [ byteList ] ')' | 'DataView(' [ byteList ] ')'
 *            | TypedArray '(' [ '[' (element ',')* ']' | 'ArrayBuffer(' byteList ')' ] ')'
 *   byteList := '[' (integer 0…255 ',')* ']'      written 0x01, 0xff by formatLiteral
 *   TypedArray := Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array
 *              | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array
 * Typed array elements are numbers in the kind's range (bigints for the BigInt kinds). A typed array
 * over `ArrayBuffer([...])` gives its bytes directly: formatLiteral writes that form when the
 * elements would not give the same bytes back (a NaN with a payload). Bytes are little-endian, as in
 * every browser Chrome runs on.
 *
 * `<…>` is a placeholder formatLiteral writes for what the recording does not hold (`<…3 more items>`,
 * `<MessagePort>`): the parser rejects it by name, so a cut payload cannot be sent by mistake.
 *
 * The page-side contract (`buildValue`): the recorder calls it with a `Natives` bag it saved before
 * page scripts ran. It reads only the literal (plain JSON data) and that bag: every property is made
 * with the saved `defineProperty` and a null-prototype descriptor (assignment could run a setter the
 * page put on Object.prototype or Array.prototype, and a plain descriptor object could inherit a
 * `get`), Map and Set entries go in through the saved `set`/`add` with the saved `apply` (the page may
 * replace Map.prototype.set), strings are read by index, and no prototype method is called.
 */
import type { Preview } from './protocol';
import { MAX_STRING } from './validate-preview';

/** Longest text parseLiteral reads (characters): beyond it an error, not a long wait. */
export const MAX_LITERAL_CHARS = 10 * 1024 * 1024;
/** Deepest nesting of containers parseLiteral and buildValue accept (the parser recurses). */
export const MAX_LITERAL_DEPTH = 200;
/** Longest BigInt (digits): as long as any a preview can hold, far below what makes BigInt() slow. */
export const MAX_BIGINT_DIGITS = MAX_STRING;
/** The recorder cuts keys and RegExp sources to this many characters and adds `…`
 *  (inject/preview.ts PREVIEW_LIMITS.stringChars): such a string may be a cut one. */
const RECORDED_STRING_CHARS = 160;
/** A container's one-line form up to this width; longer ones get one item a line. */
const LINE_WIDTH = 72;
const INDENT = '  ';

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

const ELEMENTS: Record<TypedArrayKind, ElementType> = {
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
const TYPED_KINDS: readonly TypedArrayKind[] = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

/** Compared with `===` one by one: a page-controlled kind such as `__proto__` never indexes anything. */
function isTypedKind(kind: unknown): kind is TypedArrayKind {
  for (let i = 0; i < TYPED_KINDS.length; i++) if (TYPED_KINDS[i] === kind) return true;
  return false;
}

/** A hex digit's value, or -1, without String.prototype methods (buildValue runs in the page). */
function nibble(ch: string | undefined): number {
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

const HEX_DIGITS = '0123456789abcdef';
function byteHex(b: number): string {
  return HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
}

/** Panel side only (uses Uint8Array's methods freely). */
function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]);
  return bytes;
}
function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += byteHex(b);
  return s;
}

function readElement(view: DataView, kind: TypedArrayKind, at: number): number | bigint {
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
function writeElement(view: DataView, kind: TypedArrayKind, at: number, value: number | bigint): void {
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

// ---------------------------------------------------------------------------------------------------
// formatLiteral: preview → text

export interface FormattedLiteral {
  text: string;
  /** False when the preview lacks part of the payload: it cannot be replayed faithfully. */
  complete: boolean;
  /** Why not, one line each, without repeats. */
  reasons: string[];
}

/** The preview as editable literal text, saying what of it was not recorded. */
export function formatLiteral(preview: Preview): FormattedLiteral {
  const reasons: string[] = [];
  const text = format(preview, reasons);
  const unique = [...new Set(reasons)];
  return { text, complete: unique.length === 0, reasons: unique };
}

/** A placeholder the parser rejects by name (no `<`, `>` or line break inside). */
function gap(note: string): string {
  const clean = note.replace(/[<>\r\n\u2028\u2029]/g, ' ');
  return `<${clean.length > 60 ? `${clean.slice(0, 60)}…` : clean}>`;
}

function plural(n: number, one: string): string {
  return `${n} more ${n === 1 ? one : one === 'entry' ? 'entries' : `${one}s`}`;
}

function format(p: Preview, reasons: string[]): string {
  if (p === null || typeof p === 'boolean') return String(p);
  if (typeof p === 'number') return formatNumber(p);
  if (typeof p === 'string') return quote(p);
  switch (p.$t) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return p.v;
    case 'bigint':
      return `${p.v}n`;
    case 'string':
      reasons.push(`a string was recorded only in part (${p.v.length} of ${p.length} characters)`);
      return `${quote(p.v)} ${gap(`…${plural(p.length - p.v.length, 'character')}`)}`;
    case 'object':
      return formatObject(p, reasons);
    case 'array': {
      const parts = p.items.map((item) => format(item, reasons));
      if (p.length > p.items.length) parts.push(cutItems(p.length - p.items.length, 'item', 'an array', reasons));
      return container('[', parts, ']');
    }
    case 'map': {
      const parts = p.entries.map(([k, v]) => container('[', [format(k, reasons), format(v, reasons)], ']'));
      if (p.size > p.entries.length) parts.push(cutItems(p.size - p.entries.length, 'entry', 'a Map', reasons));
      return parts.length === 0 ? 'Map()' : `Map(${container('[', parts, ']')})`;
    }
    case 'set': {
      const parts = p.items.map((item) => format(item, reasons));
      if (p.size > p.items.length) parts.push(cutItems(p.size - p.items.length, 'item', 'a Set', reasons));
      return parts.length === 0 ? 'Set()' : `Set(${container('[', parts, ']')})`;
    }
    case 'date':
      return formatDate(p.v);
    case 'regexp':
      return formatRegExp(p, reasons);
    case 'boxed':
      return `Object(${format(p.v, reasons)})`;
    case 'arraybuffer':
      if (p.detached) return unrecorded('a detached ArrayBuffer cannot be sent again', 'detached ArrayBuffer', reasons);
      return `ArrayBuffer(${formatBytes(p.head, p.byteLength, reasons)})`;
    case 'typedarray':
      return formatTyped(p, reasons);
    case 'blob':
      return unrecorded(`a ${p.kind}'s contents are not recorded`, `${p.kind} of ${p.size} bytes`, reasons);
    case 'imagedata':
      return unrecorded("an ImageData's pixels are not recorded", `ImageData ${p.width}×${p.height}`, reasons);
    case 'error':
      return unrecorded('an Error cannot be replayed (its stack and cause are not recorded)', `${p.name}: ${p.message}`, reasons);
    case 'platform':
      return unrecorded(`a ${p.kind} cannot be made again`, p.kind, reasons);
    case 'cycle':
      return unrecorded(`a second reference to ${p.path} (the literal syntax has no shared or cyclic references)`, `reference to ${p.path}`, reasons);
    case 'truncated':
      return unrecorded(truncatedReason(p.reason), `…not recorded (${p.reason})`, reasons);
    case 'opaque':
      return unrecorded(`a ${p.kind} was not looked into (reading it could run page code)`, p.kind, reasons);
    case 'accessor':
      return unrecorded(`the getter ${p.key} was not called, so its value is unknown`, `getter ${p.key}`, reasons);
    case 'uncloneable':
      return unrecorded(`a ${p.kind} cannot be cloned`, p.kind, reasons);
    case 'skipped':
      return unrecorded('the payload was not recorded (over the recorder\'s preview budget)', 'not recorded', reasons);
    case 'unreadable':
      return unrecorded('a part of the payload could not be read', 'unreadable', reasons);
  }
}

function truncatedReason(reason: 'depth' | 'budget' | 'unreached'): string {
  switch (reason) {
    case 'depth':
      return 'the payload is nested deeper than the recorder looks';
    case 'budget':
      return 'the payload is larger than the recorder looks';
    case 'unreached':
      return 'the send failed before the browser reached this part';
  }
}

function unrecorded(reason: string, note: string, reasons: string[]): string {
  reasons.push(reason);
  return gap(note);
}

function cutItems(n: number, one: string, what: string, reasons: string[]): string {
  reasons.push(`${what} was recorded only in part (${plural(n, one)})`);
  return gap(`…${plural(n, one)}`);
}

function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n); // NaN, Infinity, -Infinity, 1e+21: all read back by the parser
}

function formatDate(v: number | null): string {
  if (v === null) return 'Date(NaN)';
  const d = new Date(v);
  // A time outside the Date range (a crafted capture) is written as the number the parser refuses.
  return Number.isNaN(d.getTime()) ? `Date(${formatNumber(v)})` : `Date(${quote(d.toISOString())})`;
}

/** A key or source that ends in `…` at the recorder's cut length may have been cut. */
function mayBeCut(s: string): boolean {
  return s.length === RECORDED_STRING_CHARS + 1 && s.endsWith('…');
}

function formatRegExp(p: { source?: string; flags?: string }, reasons: string[]): string {
  if (p.source === undefined || p.flags === undefined) return unrecorded('a RegExp could not be read', 'RegExp', reasons);
  const text = `/${p.source}/${p.flags}`;
  if (!mayBeCut(p.source)) return text;
  reasons.push('a RegExp\'s source may have been cut');
  return `${text} ${gap('…source cut')}`;
}

function formatObject(p: { entries: [string, Preview][]; more: number }, reasons: string[]): string {
  const parts = p.entries.map(([k, v]) => {
    let key = formatKey(k);
    if (mayBeCut(k)) {
      reasons.push('a key may have been cut');
      key += ` ${gap('…key cut')}`;
    }
    return `${key}: ${format(v, reasons)}`;
  });
  if (p.more > 0) parts.push(cutItems(p.more, 'key', 'an object', reasons));
  return container('{', parts, '}', ' ');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
function formatKey(k: string): string {
  return IDENTIFIER.test(k) ? k : quote(k);
}

/** One line when short, else one part a line (nested lines indented one step more). */
function container(open: string, parts: string[], close: string, pad = ''): string {
  if (parts.length === 0) return open + close;
  const flat = `${open}${pad}${parts.join(', ')}${pad}${close}`;
  if (flat.length <= LINE_WIDTH && !flat.includes('\n')) return flat;
  return `${open}\n${parts.map((part) => INDENT + part.replaceAll('\n', `\n${INDENT}`)).join(',\n')},\n${close}`;
}

/** Double-quoted; control characters, line separators and lone surrogates escaped so the text
 *  survives copy and paste unchanged. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && isLow(s.charCodeAt(i + 1))) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else out += quoteChar(s[i]!, c);
  }
  return `${out}"`;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };
function quoteChar(ch: string, c: number): string {
  const short = Object.hasOwn(SHORT_ESCAPES, ch) ? SHORT_ESCAPES[ch] : undefined;
  if (short !== undefined) return short;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `\\x${byteHex(c)}`;
  if (c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff)) return `\\u${c.toString(16).toUpperCase()}`;
  return ch;
}

/** `[0x01, 0xff]`, with a placeholder for bytes the recorder did not keep. */
function formatBytes(head: string, byteLength: number, reasons: string[]): string {
  const bytes = hexToBytes(head);
  const parts = Array.from(bytes, (b) => `0x${byteHex(b)}`);
  if (byteLength > bytes.length) parts.push(cutItems(byteLength - bytes.length, 'byte', 'a buffer', reasons));
  return container('[', parts, ']');
}

function formatTyped(p: { kind: string; byteLength: number; head: string }, reasons: string[]): string {
  if (p.kind === 'DataView') return `DataView(${formatBytes(p.head, p.byteLength, reasons)})`;
  if (!isTypedKind(p.kind)) return unrecorded(`a ${p.kind} cannot be written in the literal syntax`, `${p.kind} of ${p.byteLength} bytes`, reasons);
  const bytes = hexToBytes(p.head);
  const { size } = ELEMENTS[p.kind];
  const whole = bytes.length - (bytes.length % size);
  const elements = decodeElements(bytes.subarray(0, whole), p.kind);
  // Elements that do not give the same bytes back (a NaN with a payload) are written as bytes.
  if (elements === undefined) return `${p.kind}(ArrayBuffer(${formatBytes(p.head, p.byteLength, reasons)}))`;
  const parts = elements.map((e) => (typeof e === 'bigint' ? `${e}n` : formatNumber(e)));
  if (p.byteLength > whole) parts.push(cutItems(p.byteLength - whole, 'byte', `a ${p.kind}`, reasons));
  return `${p.kind}(${container('[', parts, ']')})`;
}

/** The elements of `bytes`, or undefined when writing them back would not give the same bytes. */
function decodeElements(bytes: Uint8Array, kind: TypedArrayKind): (number | bigint)[] | undefined {
  const { size } = ELEMENTS[kind];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const check = new DataView(new ArrayBuffer(size));
  const out: (number | bigint)[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const e = readElement(view, kind, at);
    // Written as the parser will write it back: a NaN as the plain NaN.
    writeElement(check, kind, 0, typeof e === 'number' && Number.isNaN(e) ? NaN : e);
    for (let j = 0; j < size; j++) if (check.getUint8(j) !== bytes[at + j]) return undefined;
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// parseLiteral: text → description

export type ParseResult = { ok: true; value: LiteralValue } | { ok: false; error: string; line: number; column: number };

/** A parse failure at `at` (an index into the text). */
class SyntaxFault {
  constructor(
    readonly message: string,
    readonly at: number,
  ) {}
}

/** Lines and columns are 1-based; columns count UTF-16 code units, as text areas do. */
function position(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: at - start + 1 };
}

/** Reads literal text. Never throws, never evaluates: a bad text gives its first error's place. */
export function parseLiteral(text: string): ParseResult {
  if (text.length > MAX_LITERAL_CHARS) {
    return { ok: false, error: `the text is longer than ${MAX_LITERAL_CHARS} characters`, ...position(text, MAX_LITERAL_CHARS) };
  }
  const parser = new Parser(text);
  try {
    return { ok: true, value: parser.document() };
  } catch (err) {
    // Anything else (a RangeError of the engine, say) is still an answer, not an exception.
    const fault = err instanceof SyntaxFault ? err : new SyntaxFault(`could not read the text (${String(err)})`, parser.at);
    return { ok: false, error: fault.message, ...position(text, fault.at) };
  }
}

const CONSTRUCTORS = new Set(['Map', 'Set', 'Date', 'Object', 'ArrayBuffer', 'DataView', ...TYPED_KINDS]);
const ISO_DATE = /^(?:\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/;
const WHITESPACE = /\s/;
/** A typed array's argument that is a buffer rather than a list of elements. */
const BUFFER_ARGUMENT = /(?:new\s+)?ArrayBuffer\b/y;
const IDENTIFIER_PART = /[\w$]/;

class Parser {
  at = 0;
  private depth = 0;

  constructor(private readonly s: string) {}

  document(): LiteralValue {
    this.space();
    if (this.at >= this.s.length) throw new SyntaxFault('the text is empty: expected a value', this.at);
    const value = this.value();
    this.space();
    if (this.s[this.at] === '<') this.placeholder();
    if (this.at < this.s.length) throw new SyntaxFault(`unexpected ${this.here()} after the value`, this.at);
    return value;
  }

  // -- tokens ----------------------------------------------------------------------------------------

  /** Skips whitespace and comments. */
  private space(): void {
    for (;;) {
      const ch = this.s[this.at];
      if (ch === undefined) return;
      if (WHITESPACE.test(ch)) this.at++;
      else if (ch === '/' && this.s[this.at + 1] === '/') this.lineComment();
      else if (ch === '/' && this.s[this.at + 1] === '*') this.blockComment();
      else return;
    }
  }

  private lineComment(): void {
    while (this.at < this.s.length && !isLineBreak(this.s[this.at]!)) this.at++;
  }

  private blockComment(): void {
    const end = this.s.indexOf('*/', this.at + 2);
    if (end < 0) throw new SyntaxFault('unterminated comment: no closing */', this.at);
    this.at = end + 2;
  }

  /** What stands at the cursor, for messages. */
  private here(): string {
    const ch = this.s[this.at];
    if (ch === undefined) return 'end of the text';
    const c = ch.charCodeAt(0);
    return c < 0x20 || WHITESPACE.test(ch) ? `character U+${c.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
  }

  private expect(ch: string, what: string): void {
    this.space();
    if (this.s[this.at] !== ch) this.unexpected(what);
    this.at++;
  }

  /** Fails at the cursor, naming a placeholder when that is what stands there. */
  private unexpected(expected: string): never {
    if (this.s[this.at] === '<') this.placeholder();
    throw new SyntaxFault(`expected ${expected}, found ${this.here()}`, this.at);
  }

  private placeholder(): never {
    let end = this.at + 1;
    while (end < this.s.length && end - this.at < 80 && this.s[end] !== '>' && !isLineBreak(this.s[end]!)) end++;
    const shown = this.s.slice(this.at, end + 1);
    throw new SyntaxFault(`${shown} stands for a part of the payload that was not recorded: replace it with a value, or remove it`, this.at);
  }

  private word(): string {
    const start = this.at;
    while (this.at < this.s.length && IDENTIFIER_PART.test(this.s[this.at]!)) this.at++;
    return this.s.slice(start, this.at);
  }

  // -- values ----------------------------------------------------------------------------------------

  private value(): LiteralValue {
    this.space();
    const ch = this.s[this.at];
    if (ch === undefined) throw new SyntaxFault('unexpected end of the text: expected a value', this.at);
    if (ch === '"' || ch === "'") return this.string();
    if (ch === '[') return { $t: 'array', items: this.list('[', ']', 'an array', () => this.value()) };
    if (ch === '{') return this.object();
    if (ch === '/') return this.regexp();
    if (ch === '-' || ch === '.' || (ch >= '0' && ch <= '9')) return this.number();
    if (ch === '<') this.placeholder();
    if (/[A-Za-z_$]/.test(ch)) return this.named();
    throw new SyntaxFault(`unexpected ${this.here()}: expected a value`, this.at);
  }

  /** A comma-separated list up to `close` (trailing comma allowed), one level deeper. */
  private list<T>(open: string, close: string, what: string, item: () => T): T[] {
    const start = this.at;
    this.enter(start);
    this.at++; // `open`
    const items: T[] = [];
    for (;;) {
      this.space();
      const ch = this.s[this.at];
      if (ch === close) break;
      if (ch === ',') throw new SyntaxFault(`an empty element in ${what}: write undefined if it is meant`, this.at);
      if (ch === undefined) this.unclosed(open, start);
      items.push(item());
      this.space();
      if (this.s[this.at] === ',') this.at++;
      else if (this.s[this.at] !== close) {
        if (this.at >= this.s.length) this.unclosed(open, start);
        this.unexpected(`"," or "${close}" in ${what}`);
      }
    }
    this.at++; // `close`
    this.depth--;
    return items;
  }

  private enter(at: number): void {
    if (++this.depth > MAX_LITERAL_DEPTH) throw new SyntaxFault(`nested deeper than ${MAX_LITERAL_DEPTH} levels`, at);
  }

  private unclosed(open: string, start: number): never {
    const { line, column } = position(this.s, start);
    throw new SyntaxFault(`unexpected end of the text: the "${open}" at line ${line}, column ${column} is not closed`, this.at);
  }

  private object(): LiteralValue {
    const seen = new Set<string>();
    const entries = this.list('{', '}', 'an object', (): [string, LiteralValue] => {
      const keyAt = this.at;
      const key = this.key();
      if (seen.has(key)) throw new SyntaxFault(`the key ${JSON.stringify(key)} appears twice`, keyAt);
      seen.add(key);
      this.expect(':', `":" after the key ${JSON.stringify(key)}`);
      return [key, this.value()];
    });
    return { $t: 'object', entries };
  }

  /** Any key is an own data key of the description: `__proto__` included (it is only a string here). */
  private key(): string {
    const ch = this.s[this.at]!;
    if (ch === '"' || ch === "'") return this.string();
    if (ch >= '0' && ch <= '9') {
      const start = this.at;
      const digits = this.word();
      if (!/^(?:0|[1-9]\d*)$/.test(digits)) throw new SyntaxFault(`a key made of digits must be an integer without leading zeros: quote ${JSON.stringify(digits)}`, start);
      return digits;
    }
    if (/[A-Za-z_$]/.test(ch)) return this.word();
    return this.unexpected('a key (a name, a quoted string or an integer)');
  }

  private string(): string {
    const quoteChar = this.s[this.at]!;
    const start = this.at++;
    let out = '';
    let chunk = this.at;
    for (;;) {
      const ch = this.s[this.at];
      if (ch === undefined || ch === '\n' || ch === '\r') throw new SyntaxFault(`unterminated string: no closing ${quoteChar} before the end of the ${ch === undefined ? 'text' : 'line'}`, start);
      if (ch === quoteChar) break;
      if (ch === '\\') {
        out += this.s.slice(chunk, this.at) + this.escape();
        chunk = this.at;
        continue;
      }
      const c = ch.charCodeAt(0);
      if (c >= 0xd800 && c <= 0xdfff) {
        if (c > 0xdbff || !isLow(this.s.charCodeAt(this.at + 1))) {
          throw new SyntaxFault(`a lone surrogate (U+${c.toString(16).toUpperCase()}) in the text: write it as \\u${c.toString(16).toUpperCase()} if it is meant`, this.at);
        }
        this.at++;
      }
      this.at++;
    }
    out += this.s.slice(chunk, this.at);
    this.at++;
    return out;
  }

  /** One escape at the cursor (a backslash); leaves the cursor after it. */
  private escape(): string {
    const start = this.at;
    const ch = this.s[this.at + 1];
    this.at += 2;
    switch (ch) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case '"': case "'": case '\\': case '/': return ch;
      case '0':
        if (/[0-9]/.test(this.s[this.at] ?? '')) throw new SyntaxFault('octal escapes are not allowed: use \\x or \\u', start);
        return '\0';
      case 'x': return String.fromCharCode(this.hexDigits(2, start));
      case 'u': return this.unicodeEscape(start);
      case undefined: throw new SyntaxFault('unterminated string: the text ends after a backslash', start);
      default: {
        const shown = isLineBreak(ch) ? 'a line break' : ch;
        throw new SyntaxFault(`invalid escape \\${shown}: the escapes are \\n \\t \\r \\b \\f \\v \\0 \\xHH \\uHHHH \\u{H…} \\\\ \\" \\' \\/`, start);
      }
    }
  }

  private hexDigits(n: number, start: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = nibble(this.s[this.at]);
      if (d < 0) throw new SyntaxFault(`invalid escape: expected ${n} hex digits`, start);
      v = v * 16 + d;
      this.at++;
    }
    return v;
  }

  private unicodeEscape(start: number): string {
    if (this.s[this.at] !== '{') return String.fromCharCode(this.hexDigits(4, start));
    this.at++;
    let v = 0;
    let digits = 0;
    for (; nibble(this.s[this.at]) >= 0; this.at++, digits++) {
      v = v * 16 + nibble(this.s[this.at]);
      if (v > 0x10ffff) throw new SyntaxFault('invalid escape: \\u{…} is beyond U+10FFFF', start);
    }
    if (digits === 0 || this.s[this.at] !== '}') throw new SyntaxFault('invalid escape: expected \\u{hex digits}', start);
    this.at++;
    return String.fromCodePoint(v);
  }

  private regexp(): LiteralValue {
    const start = this.at++;
    let inClass = false;
    for (;;) {
      const ch = this.s[this.at];
      if (ch === undefined || isLineBreak(ch)) throw new SyntaxFault('unterminated regular expression: no closing /', start);
      if (ch === '\\') {
        if (this.s[this.at + 1] === undefined || isLineBreak(this.s[this.at + 1]!)) throw new SyntaxFault('unterminated regular expression: no closing /', start);
        this.at += 2;
        continue;
      }
      if (ch === '/' && !inClass) break;
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      this.at++;
    }
    const source = this.s.slice(start + 1, this.at);
    this.at++;
    const flags = this.word();
    try {
      // Compiling a pattern runs no code of the text's: it is the check the page's RegExp would make.
      new RegExp(source, flags);
    } catch (err) {
      throw new SyntaxFault(`invalid regular expression /${source.length > 40 ? `${source.slice(0, 40)}…` : source}/${flags}: ${err instanceof Error ? err.message : String(err)}`, start);
    }
    return { $t: 'regexp', source, flags };
  }

  private number(): LiteralValue {
    const start = this.at;
    const negative = this.s[this.at] === '-';
    if (negative) this.at++;
    const ch = this.s[this.at];
    if (ch !== undefined && /[A-Za-z]/.test(ch)) return this.numberWord(negative, start);
    const body = this.numberBody(start);
    if (this.s[this.at] === 'n') {
      this.at++;
      this.noIdentifierAfter();
      return this.bigint(body, negative, start);
    }
    this.noIdentifierAfter();
    return numberValue(negative ? -Number(body) : Number(body));
  }

  private numberWord(negative: boolean, start: number): LiteralValue {
    const word = this.word();
    if (word === 'Infinity') return { $t: 'number', v: negative ? '-Infinity' : 'Infinity' };
    if (word === 'NaN') return { $t: 'number', v: 'NaN' };
    throw new SyntaxFault(`expected a number after "-", found "${word}"`, start);
  }

  /** Digits as written (hex with its 0x); the cursor after them. */
  private numberBody(start: number): string {
    const from = this.at;
    if (this.s[this.at] === '0' && (this.s[this.at + 1] === 'x' || this.s[this.at + 1] === 'X')) {
      this.at += 2;
      while (nibble(this.s[this.at]) >= 0) this.at++;
      if (this.at === from + 2) throw new SyntaxFault('expected hex digits after 0x', start);
      return this.s.slice(from, this.at);
    }
    const match = /\d*(?:\.\d*)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.at;
    const text = match.exec(this.s)![0];
    if (!/\d/.test(text.replace(/[eE].*/, ''))) throw new SyntaxFault(`expected a number, found ${this.here()}`, start);
    if (/^0\d/.test(text)) throw new SyntaxFault('a number cannot start with 0 followed by a digit', start);
    this.at += text.length;
    return text;
  }

  private noIdentifierAfter(): void {
    const ch = this.s[this.at];
    if (ch !== undefined && IDENTIFIER_PART.test(ch)) throw new SyntaxFault(`unexpected "${ch}" in a number`, this.at);
  }

  private bigint(body: string, negative: boolean, start: number): LiteralValue {
    if (!/^(?:\d+|0[xX][0-9a-fA-F]+)$/.test(body)) throw new SyntaxFault('a BigInt is an integer: no fraction or exponent', start);
    if (body.length > MAX_BIGINT_DIGITS) throw new SyntaxFault(`a BigInt longer than ${MAX_BIGINT_DIGITS} digits`, start);
    const v = BigInt(body); // a checked digit string: a conversion, nothing evaluated
    return { $t: 'bigint', v: (negative ? -v : v).toString() };
  }

  /** A keyword, or a constructor call. */
  private named(): LiteralValue {
    const start = this.at;
    let name = this.word();
    switch (name) {
      case 'null': return null;
      case 'true': return true;
      case 'false': return false;
      case 'undefined': return { $t: 'undefined' };
      case 'NaN': return { $t: 'number', v: 'NaN' };
      case 'Infinity': return { $t: 'number', v: 'Infinity' };
      case 'new':
        this.space();
        name = this.word();
        if (!CONSTRUCTORS.has(name)) throw new SyntaxFault(`"new" must be followed by one of ${[...CONSTRUCTORS].join(', ')}`, start);
        break;
    }
    if (!CONSTRUCTORS.has(name)) {
      throw new SyntaxFault(`unknown name "${name.length > 40 ? `${name.slice(0, 40)}…` : name}": a value is a literal, or one of ${[...CONSTRUCTORS].join(', ')}(…)`, start);
    }
    this.expect('(', `"(" after ${name}`);
    // Calls nest too (Object(Object(…)) is refused only once its argument is read).
    this.enter(start);
    const value = this.call(name);
    this.expect(')', `")" to close ${name}(`);
    this.depth--;
    return value;
  }

  private call(name: string): LiteralValue {
    this.space();
    const empty = this.s[this.at] === ')';
    switch (name) {
      case 'Map': return { $t: 'map', entries: empty ? [] : this.listArgument('Map', () => this.pair()) };
      case 'Set': return { $t: 'set', items: empty ? [] : this.listArgument('Set', () => this.value()) };
      case 'Date': return this.date();
      case 'Object': return this.boxed();
      case 'ArrayBuffer':
      case 'DataView': return { $t: 'bytes', kind: name, hex: empty ? '' : this.byteList(name) };
      default: return this.typed(name as TypedArrayKind, empty);
    }
  }

  /** `[ … ]` as a call's argument. */
  private listArgument<T>(what: string, item: () => T): T[] {
    if (this.s[this.at] !== '[') this.unexpected(`"[" (${what} takes a list)`);
    return this.list('[', ']', `a ${what}`, item);
  }

  private pair(): [LiteralValue, LiteralValue] {
    if (this.s[this.at] !== '[') this.unexpected('a [key, value] pair');
    const start = this.at;
    const pair = this.list('[', ']', 'a [key, value] pair', () => this.value());
    if (pair.length !== 2) throw new SyntaxFault(`a Map entry is a [key, value] pair, not ${pair.length} values`, start);
    return [pair[0]!, pair[1]!];
  }

  private date(): LiteralValue {
    const argAt = this.at;
    const arg = this.value();
    if (typeof arg === 'string') {
      const time = ISO_DATE.test(arg) ? Date.parse(arg) : NaN;
      if (Number.isNaN(time)) throw new SyntaxFault('a Date is written Date("2026-01-02T03:04:05.000Z") (UTC, ISO 8601) or Date(milliseconds)', argAt);
      return { $t: 'date', v: time };
    }
    if (isNumberWord(arg, 'NaN')) return { $t: 'date', v: null };
    const ms = typeof arg === 'number' ? arg : isNumberWord(arg, '-0') ? 0 : undefined;
    if (ms === undefined) throw new SyntaxFault('a Date takes an ISO string or a number of milliseconds', argAt);
    const time = new Date(ms).getTime();
    if (Number.isNaN(time)) throw new SyntaxFault(`${ms} is outside the range of a Date (±8.64e15 ms)`, argAt);
    return { $t: 'date', v: time };
  }

  private boxed(): LiteralValue {
    const argAt = this.at;
    const v = this.value();
    const kind = boxKind(v);
    if (kind === undefined) throw new SyntaxFault('Object(…) boxes a number, string, boolean or BigInt', argAt);
    return { $t: 'boxed', kind, v: v as LiteralPrimitive };
  }

  /** `[0x01, 255, …]`: integers 0…255, as hex. */
  private byteList(what: string): string {
    let hex = '';
    this.listArgument(what, () => {
      const at = this.at;
      const v = this.value();
      const b = typeof v === 'number' ? v : isNumberWord(v, '-0') ? 0 : undefined;
      if (b === undefined || !Number.isInteger(b) || b < 0 || b > 255) throw new SyntaxFault(`a byte is an integer from 0 to 255 (0x00 to 0xff), not ${describe(v)}`, at);
      hex += byteHex(b);
    });
    return hex;
  }

  private typed(kind: TypedArrayKind, empty: boolean): LiteralValue {
    if (empty) return { $t: 'bytes', kind, hex: '' };
    BUFFER_ARGUMENT.lastIndex = this.at;
    if (BUFFER_ARGUMENT.test(this.s)) return this.typedOverBuffer(kind);
    const bytes: number[] = [];
    const { size } = ELEMENTS[kind];
    const view = new DataView(new ArrayBuffer(size));
    this.listArgument(kind, () => {
      const at = this.at;
      writeElement(view, kind, 0, this.element(kind, at));
      for (let j = 0; j < size; j++) bytes.push(view.getUint8(j));
    });
    return { $t: 'bytes', kind, hex: bytesToHex(Uint8Array.from(bytes)) };
  }

  private typedOverBuffer(kind: TypedArrayKind): LiteralValue {
    const at = this.at;
    const buffer = this.value();
    if (buffer === null || typeof buffer !== 'object' || buffer.$t !== 'bytes' || buffer.kind !== 'ArrayBuffer') {
      throw new SyntaxFault(`${kind}(…) takes a list of elements or an ArrayBuffer([bytes])`, at);
    }
    const { size } = ELEMENTS[kind];
    if (buffer.hex.length / 2 % size !== 0) throw new SyntaxFault(`a ${kind} needs a multiple of ${size} bytes, not ${buffer.hex.length / 2}`, at);
    return { $t: 'bytes', kind, hex: buffer.hex };
  }

  /** One element, checked against the kind's type and range. */
  private element(kind: TypedArrayKind, at: number): number | bigint {
    const { type, min, max } = ELEMENTS[kind];
    const v = this.value();
    if (type === 'bigint') {
      if (v === null || typeof v !== 'object' || v.$t !== 'bigint') throw new SyntaxFault(`a ${kind} holds BigInts (12n), not ${describe(v)}`, at);
      const big = BigInt(v.v);
      if (big < min || big > max) throw new SyntaxFault(`${v.v}n is out of range for a ${kind} (${min} to ${max})`, at);
      return big;
    }
    const n = numberOf(v);
    if (n === undefined) throw new SyntaxFault(`a ${kind} holds numbers, not ${describe(v)}`, at);
    if (type === 'int' && (!Number.isInteger(n) || n < min || n > max)) {
      throw new SyntaxFault(`${formatNumber(n)} is out of range for a ${kind} (integers ${min} to ${max})`, at);
    }
    return n;
  }
}

function isLineBreak(ch: string): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
}

function numberValue(n: number): LiteralPrimitive {
  if (Number.isNaN(n)) return { $t: 'number', v: 'NaN' };
  if (n === Infinity) return { $t: 'number', v: 'Infinity' };
  if (n === -Infinity) return { $t: 'number', v: '-Infinity' };
  if (Object.is(n, -0)) return { $t: 'number', v: '-0' };
  return n;
}

function isNumberWord(v: LiteralValue, word: 'NaN' | 'Infinity' | '-Infinity' | '-0'): boolean {
  return v !== null && typeof v === 'object' && v.$t === 'number' && v.v === word;
}

/** A number value as a JS number, or undefined for anything else. */
function numberOf(v: LiteralValue): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || typeof v !== 'object' || v.$t !== 'number') return undefined;
  return v.v === '-0' ? -0 : Number(v.v);
}

function boxKind(v: LiteralValue): 'Number' | 'String' | 'Boolean' | 'BigInt' | undefined {
  if (typeof v === 'number') return 'Number';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  if (v === null) return undefined;
  if (v.$t === 'number') return 'Number';
  if (v.$t === 'bigint') return 'BigInt';
  return undefined;
}

/** A value's kind in a message. */
function describe(v: LiteralValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return String(v);
  switch (v.$t) {
    case 'undefined': return 'undefined';
    case 'number': return v.v;
    case 'bigint': return `${v.v}n`;
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'map': return 'a Map';
    case 'set': return 'a Set';
    case 'date': return 'a Date';
    case 'regexp': return 'a RegExp';
    case 'boxed': return 'a boxed primitive';
    case 'bytes': return `a ${v.kind}`;
  }
}

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
