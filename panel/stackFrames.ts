/**
 * Parses a recorded sending stack (`MessageSent.stack`, an `Error().stack` minus its first line and the
 * recorder's own frames) into frames the inspector can link to their source. Pure: no DOM, no
 * extension APIs. Formats: Chromium/V8 (`    at fn (url:line:col)`, `    at url:line:col`, with
 * `async `/`new ` prefixes) and Firefox/Safari (`fn@url:line:col`). Anything else is kept as text.
 */

export interface StackFrame {
  /** The line as recorded, trimmed. */
  text: string;
  /** Function name as the engine printed it (`Foo.bar`, `new Foo`, `async run`), when there is one. */
  fn?: string;
  /** Source location (1-based line and column, as printed), when the frame has one that can be opened. */
  url?: string;
  line?: number;
  column?: number;
}

/** `url:line:col` at the end of a location string. */
const LOCATION = /^(.*):(\d+):(\d+)$/;
/** V8: `at fn (location)`; the location may itself contain parentheses (eval frames). */
const V8_NAMED = /^at (.+?) \((.*)\)$/;
const V8_BARE = /^at (.*)$/;
/** Firefox / Safari: `fn@url:line:col` (fn may be empty). */
const GECKO = /^([^@]*)@(.*)$/;

function location(s: string): Pick<StackFrame, 'url' | 'line' | 'column'> | null {
  // `eval at g (url:1:2), <anonymous>:1:1`, `native`, `<anonymous>`: nothing to open.
  if (s.startsWith('eval at ') || s.includes(', <anonymous>')) return null;
  const m = LOCATION.exec(s);
  if (!m) return null;
  const url = m[1]!;
  const line = Number(m[2]);
  const column = Number(m[3]);
  if (url === '' || url === '<anonymous>' || url === 'native' || !Number.isSafeInteger(line) || !Number.isSafeInteger(column) || line < 1) return null;
  return { url, line, column: Math.max(column, 1) };
}

/** One stack line as a frame (`text` only when it names no source location). */
export function parseFrame(raw: string): StackFrame {
  const text = raw.trim();
  const named = V8_NAMED.exec(text);
  if (named) {
    const loc = location(named[2]!);
    return loc ? { text, fn: named[1]!, ...loc } : { text, fn: named[1]! };
  }
  const bare = V8_BARE.exec(text);
  if (bare) {
    const loc = location(bare[1]!);
    return loc ? { text, ...loc } : { text };
  }
  const gecko = GECKO.exec(text);
  if (gecko) {
    const loc = location(gecko[2]!);
    if (loc) return gecko[1] ? { text, fn: gecko[1], ...loc } : { text, ...loc };
  }
  return { text };
}

/** The frames of a stack string, top first; blank lines and an `Error` header line are left out. */
export function parseStack(stack: string | undefined): StackFrame[] {
  if (typeof stack !== 'string') return [];
  const out: StackFrame[] = [];
  for (const line of stack.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t === 'Error') continue;
    out.push(parseFrame(t));
  }
  return out;
}

/** `url:line:col` of a frame with a location, else ''. */
export function frameLocation(f: StackFrame): string {
  return f.url !== undefined ? `${f.url}:${f.line ?? 0}:${f.column ?? 0}` : '';
}

/** The last path segment of a URL (what DevTools shows for a frame), or the URL when it has none. */
export function fileName(url: string): string {
  const noQuery = url.replace(/[?#].*$/, '');
  const seg = noQuery.slice(noQuery.lastIndexOf('/') + 1);
  return seg !== '' ? seg : url;
}
