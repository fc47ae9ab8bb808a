/** formatLiteral: a recorded preview as payload literal text (model/payload-literal.ts). */
import { ELEMENTS, byteHex, formatNumber, hexToBytes, isLow, isTypedKind, readElement, writeElement, type TypedArrayKind } from './literal-value';
import { PREVIEW_STRING_CHARS, type Preview } from './protocol';

/** The recorder cuts keys and RegExp sources to this many characters and adds `…`
 *  (PREVIEW_STRING_CHARS): such a string may be a cut one. */
const RECORDED_STRING_CHARS = PREVIEW_STRING_CHARS;
/** A container's one-line form up to this width; longer ones get one item a line. */
const LINE_WIDTH = 72;
const INDENT = '  ';
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

