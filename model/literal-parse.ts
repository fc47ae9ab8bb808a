/** parseLiteral: payload literal text → LiteralValue, with line/column errors (model/payload-literal.ts). */
import { ELEMENTS, MAX_BIGINT_DIGITS, MAX_LITERAL_CHARS, MAX_LITERAL_DEPTH, TYPED_KINDS, byteHex, bytesToHex, formatNumber, isLow, nibble, writeElement, type LiteralPrimitive, type LiteralValue, type TypedArrayKind } from './literal-value';

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
    const text = (negative ? -v : v).toString();
    // Hex is shorter than its decimal: the bound is on the text that crosses (a preview's bound).
    if (text.length > MAX_BIGINT_DIGITS) throw new SyntaxFault(`a BigInt longer than ${MAX_BIGINT_DIGITS} digits in decimal, its sign included`, start);
    return { $t: 'bigint', v: text };
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

