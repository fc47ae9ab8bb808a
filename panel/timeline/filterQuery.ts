/**
 * The timeline's filter language, as in DevTools' Network panel. Pure (no React, no DOM).
 *
 *   status:failed,lost -route:window from:top "two words" /ping|pong/ size:>1k
 *
 * - Terms are separated by spaces; a row must match every term. `-term` excludes what matches it.
 * - A bare word or a "quoted string" is searched for in a row's text (case-insensitive; the same text the
 *   filter has always searched: previews, routes, realms, ports, channel names, statuses, errors).
 * - `/…/` is a regular expression over that text (case-insensitive; no spaces inside: use `\s`).
 * - `key:value` terms look at one property of a message (see KEYS). A comma-separated list of values
 *   matches any of them (`status:failed,lost`); a quoted value may hold spaces (`from:"iframe a.test"`).
 *
 * Bad input never throws: a term that cannot be understood (`size:>abc`, `status:nope`, an invalid
 * regular expression) is left out of the filter and reported as a hint with its position, for the
 * filter bar to show. An unknown key (`foo:bar`) is searched as text, with a note saying so (except a
 * URL's scheme, `https://…`, which is plain text).
 *
 * Cost: `parseQuery` is per keystroke (the text is short); `compileQuery` does the per-query work once
 * (which realms, ports and channels match) so that testing a message is a few set look-ups and compares
 * with no allocation; a message's `type` is worked out once per MessageModel and kept.
 */
import type { MessageModel, MessageStatus, RealmModel } from '../../model/correlator';
import type { PortId, RealmId, Route } from '../../model/protocol';
import type { ModelIndex } from '../modelIndex';
import { payloadSummary } from '../payloadSummary';
import { realmKindName, realmNamesOf } from '../realmNames';
import { shortPort } from '../summary';
import type { Searchable } from './rows';

// ── keys ─────────────────────────────────────────────────────────────────────

export const FILTER_KEYS = ['status', 'route', 'from', 'to', 'port', 'channel', 'type', 'size', 'is', 'has'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface KeyInfo {
  /** What the key matches, for the autocomplete list and the README. */
  description: string;
  /** An example value. */
  example: string;
}

export const KEYS: Readonly<Record<FilterKey, KeyInfo>> = {
  status: { description: 'delivered, queued, in-flight, failed, lost, doomed, dropped-origin, or ambiguous', example: 'failed,lost' },
  route: { description: 'port, window, worker or broadcast', example: 'window' },
  from: { description: 'the sending realm: its name, kind, origin or id (or unknown)', example: 'top' },
  to: { description: 'a receiving realm: its name, kind, origin or id', example: 'iframe' },
  port: { description: 'a port sent on, received on or transferred: its id or short name (p3), exactly', example: 'p3' },
  channel: { description: 'a BroadcastChannel name (part of it) or a MessageChannel id (c1)', example: 'updates' },
  type: { description: "the payload's discriminating value (its type, method, action…)", example: 'SYN' },
  size: { description: 'payload size compared with >, <, >=, <=, = (units b, k, m)', example: '>1k' },
  is: { description: 'error (failed, lost, doomed, dropped-origin) or ambiguous', example: 'error' },
  has: { description: 'transfer, port (a transferred port), error or preview', example: 'transfer' },
};

const STATUS_WORDS: Readonly<Record<string, MessageStatus | 'ambiguous'>> = {
  delivered: 'delivered',
  queued: 'queued',
  'in-flight': 'in-flight',
  inflight: 'in-flight',
  failed: 'failed',
  lost: 'lost',
  doomed: 'doomed',
  'dropped-origin': 'dropped-origin',
  dropped: 'dropped-origin',
  ambiguous: 'ambiguous',
};
/** Every status a `status:` term takes, as suggested. */
export const STATUS_VALUES: readonly string[] = ['delivered', 'queued', 'in-flight', 'failed', 'lost', 'doomed', 'dropped-origin', 'ambiguous'];

const ROUTE_WORDS: Readonly<Record<Route, true>> = { port: true, window: true, worker: true, broadcast: true };
export const ROUTE_VALUES: readonly Route[] = ['port', 'window', 'worker', 'broadcast'];

export const IS_VALUES = ['error', 'ambiguous'] as const;
export const HAS_VALUES = ['transfer', 'port', 'error', 'preview'] as const;
type IsValue = (typeof IS_VALUES)[number];
type HasValue = (typeof HAS_VALUES)[number];

export const SIZE_EXAMPLES: readonly string[] = ['>1k', '>=64k', '<100b', '>1m'];

/** Realm kinds as a `from:`/`to:` value matches them (by kind only: `from:top` is not `laptop.test`). */
const KIND_WORDS: Readonly<Record<string, RealmModel['kind']>> = {
  top: 'top',
  iframe: 'iframe',
  popup: 'popup',
  worker: 'worker',
  sharedworker: 'sharedworker',
  'shared-worker': 'sharedworker',
  'shared worker': 'sharedworker',
  serviceworker: 'serviceworker',
  'service-worker': 'serviceworker',
  'service worker': 'serviceworker',
};

export function isFilterKey(k: string): k is FilterKey {
  return (FILTER_KEYS as readonly string[]).includes(k);
}

// ── the syntax tree ──────────────────────────────────────────────────────────

export type SizeOp = '>' | '<' | '>=' | '<=' | '=';

/** What a key term asks, its value understood. */
export type KeyTest =
  | { key: 'status'; statuses: ReadonlyArray<MessageStatus | 'ambiguous'> }
  | { key: 'route'; routes: readonly Route[] }
  | { key: 'from' | 'to' | 'port' | 'channel' | 'type'; values: readonly string[] }
  | { key: 'size'; op: SizeOp; bytes: number }
  | { key: 'is'; values: readonly IsValue[] }
  | { key: 'has'; values: readonly HasValue[] };

interface TermBase {
  /** Where the term is in the query: [start, end), the `-` included. */
  start: number;
  end: number;
  negated: boolean;
}

export type QueryTerm =
  | (TermBase & { kind: 'text'; /** lower case */ text: string })
  | (TermBase & { kind: 'regex'; source: string; re: RegExp })
  | (TermBase & { kind: 'key'; key: FilterKey; /** the value as written (unquoted) */ value: string; test: KeyTest });

export interface QueryHint {
  start: number;
  end: number;
  message: string;
  /** `error`: the term is left out of the filter. `note`: it applies, read as the note says. */
  severity: 'error' | 'note';
}

export interface ParsedQuery {
  source: string;
  terms: readonly QueryTerm[];
  hints: readonly QueryHint[];
}

// ── tokens ───────────────────────────────────────────────────────────────────

interface Token {
  start: number;
  end: number;
  negated: boolean;
  /** Where the body starts (after `-`). */
  body: number;
  /** A `key:` before the value (as written, lower-cased), and where its value starts. */
  key?: string;
  valueStart: number;
  /** The value (or bare text), unquoted. */
  value: string;
  quoted: boolean;
  /** A quote was opened and not closed. */
  open: boolean;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const KEY_AT = /[A-Za-z][A-Za-z-]*:/y;

/** Reads a quoted string from `src[i]` (a `"`): its text (with `\"` and `\\` unescaped) and end. */
function readQuoted(src: string, i: number): { text: string; end: number; open: boolean } {
  let text = '';
  let j = i + 1;
  while (j < src.length) {
    const c = src[j] as string;
    if (c === '\\' && j + 1 < src.length) {
      text += src[j + 1];
      j += 2;
      continue;
    }
    if (c === '"') return { text, end: j + 1, open: false };
    text += c;
    j++;
  }
  return { text, end: j, open: true };
}

function readBare(src: string, i: number): number {
  let j = i;
  while (j < src.length && !isSpace(src[j])) j++;
  return j;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && isSpace(src[i])) i++;
    if (i >= src.length) break;
    const start = i;
    const negated = src[i] === '-' && i + 1 < src.length && !isSpace(src[i + 1]);
    if (negated) i++;
    const body = i;
    KEY_AT.lastIndex = i;
    const key = KEY_AT.exec(src);
    let tok: Token;
    if (src[i] === '"') {
      const q = readQuoted(src, i);
      tok = { start, end: q.end, negated, body, valueStart: body, value: q.text, quoted: true, open: q.open };
    } else if (key) {
      const valueStart = i + key[0].length;
      if (src[valueStart] === '"') {
        const q = readQuoted(src, valueStart);
        tok = { start, end: q.end, negated, body, key: key[0].slice(0, -1).toLowerCase(), valueStart, value: q.text, quoted: true, open: q.open };
      } else {
        const end = readBare(src, valueStart);
        tok = { start, end, negated, body, key: key[0].slice(0, -1).toLowerCase(), valueStart, value: src.slice(valueStart, end), quoted: false, open: false };
      }
    } else {
      const end = readBare(src, i);
      tok = { start, end, negated, body, valueStart: body, value: src.slice(body, end), quoted: false, open: false };
    }
    out.push(tok);
    i = tok.end;
  }
  return out;
}

// ── parsing ──────────────────────────────────────────────────────────────────

const SIZE = /^(>=|<=|>|<|=)?(\d+(?:\.\d+)?)(b|k|kb|kib|m|mb|mib)?$/i;

/** `>1k` → { op: '>', bytes: 1024 } (k = 1024 bytes, as the timeline's sizes are written); null if not a size. */
export function parseSize(v: string): { op: SizeOp; bytes: number } | null {
  const m = SIZE.exec(v.trim());
  if (!m) return null;
  const n = Number(m[2]);
  const unit = (m[3] ?? 'b').toLowerCase()[0];
  const bytes = unit === 'k' ? n * 1024 : unit === 'm' ? n * 1024 * 1024 : n;
  return { op: (m[1] ?? '=') as SizeOp, bytes };
}

const list = (v: string, quoted: boolean): string[] =>
  (quoted ? [v] : v.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');

const oneOf = (words: readonly string[]): string => words.join(', ');

/** A key term's value understood, or the hint saying why not. */
function keyTest(key: FilterKey, tok: Token): KeyTest | string {
  const values = list(tok.value, tok.quoted);
  if (values.length === 0) return `${key}: needs a value, e.g. ${key}:${KEYS[key].example}`;
  switch (key) {
    case 'status': {
      const statuses: Array<MessageStatus | 'ambiguous'> = [];
      for (const v of values) {
        const s = STATUS_WORDS[v];
        if (s === undefined) return `Unknown status "${v}": use ${oneOf(STATUS_VALUES)}`;
        statuses.push(s);
      }
      return { key, statuses };
    }
    case 'route': {
      const routes: Route[] = [];
      for (const v of values) {
        if (!Object.hasOwn(ROUTE_WORDS, v)) return `Unknown route "${v}": use ${oneOf(ROUTE_VALUES)}`;
        routes.push(v as Route);
      }
      return { key, routes };
    }
    case 'is': {
      for (const v of values) if (!(IS_VALUES as readonly string[]).includes(v)) return `Unknown is:${v}: use ${oneOf(IS_VALUES)}`;
      return { key, values: values as IsValue[] };
    }
    case 'has': {
      for (const v of values) if (!(HAS_VALUES as readonly string[]).includes(v)) return `Unknown has:${v}: use ${oneOf(HAS_VALUES)}`;
      return { key, values: values as HasValue[] };
    }
    case 'size': {
      const s = parseSize(tok.value);
      if (s === null) return `size: expects a comparison and a number of bytes, e.g. size:>1k, size:<=512b, size:=64 (units b, k, m)`;
      return { key, ...s };
    }
    case 'from':
    case 'to':
    case 'port':
    case 'channel':
    case 'type':
      return { key, values };
  }
}

/** Parses a filter query. Never throws; what it cannot use is in `hints`. */
export function parseQuery(source: string): ParsedQuery {
  const terms: QueryTerm[] = [];
  const hints: QueryHint[] = [];
  for (const tok of tokenize(source)) {
    const base = { start: tok.start, end: tok.end, negated: tok.negated };
    if (tok.open) hints.push({ start: tok.start, end: tok.end, message: 'A quote is not closed: read to the end', severity: 'note' });
    if (tok.key !== undefined) {
      if (isFilterKey(tok.key)) {
        const test = keyTest(tok.key, tok);
        if (typeof test === 'string') hints.push({ ...base, message: test, severity: 'error' });
        else terms.push({ ...base, kind: 'key', key: tok.key, value: tok.value, test });
        continue;
      }
      // Not a key: the whole term is text. A URL (`https://a.test`) is plainly meant as text.
      const text = source.slice(tok.body, tok.end);
      if (!tok.value.startsWith('//')) {
        hints.push({ ...base, message: `"${tok.key}:" is not a filter key; searched as text. Keys: ${FILTER_KEYS.join(', ')}`, severity: 'note' });
      }
      terms.push({ ...base, kind: 'text', text: (tok.quoted ? `${tok.key}:${tok.value}` : text).toLowerCase() });
      continue;
    }
    const v = tok.value;
    if (!tok.quoted && v.length > 2 && v.startsWith('/') && v.endsWith('/')) {
      const body = v.slice(1, -1);
      try {
        // `m`: ^ and $ match at each field (the search text's fields are separated by newlines).
        terms.push({ ...base, kind: 'regex', source: body, re: new RegExp(body, 'im') });
      } catch (e) {
        hints.push({ ...base, message: `Invalid regular expression: ${e instanceof Error ? e.message : String(e)}`, severity: 'error' });
      }
      continue;
    }
    // Nothing to search for: an empty quote, a `-` alone.
    if (v === '' || (!tok.quoted && v === '-')) continue;
    terms.push({ ...base, kind: 'text', text: v.toLowerCase() });
  }
  return { source, terms, hints };
}

// ── matching ─────────────────────────────────────────────────────────────────

export interface CompiledQuery {
  /** The text and regex terms over a row's lower-case search text; null when there are none. */
  text: ((row: Searchable) => boolean) | null;
  /** The key terms over a message; null when there are none. */
  message: ((m: MessageModel) => boolean) | null;
  /**
   * What key terms leave of the rows that are not messages (events, faults, gaps), which have no
   * status, route or payload: `all` (no key terms), `problems` (only `is:error`: recorder faults and
   * gaps stay, as with *Errors only*), `none`.
   */
  others: 'all' | 'problems' | 'none';
}

/** Per message, its type as shown (one string per message: an object with the lower-case form too
 *  was 100,000 objects more in a large capture's heap; types repeat, so their lower case is kept apart). */
const typeCache = new WeakMap<MessageModel, string>();
/** Lower case of the types seen (few distinct ones); cleared when a page's made-up types grow it. */
const lowerTypes = new Map<string, string>();
const LOWER_TYPES_KEPT = 4096;

function typeOf(m: MessageModel): string {
  let t = typeCache.get(m);
  if (t === undefined) {
    // A tiny `max`: only the lead is wanted, not the rest of the line (which costs most).
    t = m.preview === undefined ? '' : (payloadSummary(m.preview, undefined, 1).type ?? '');
    typeCache.set(m, t);
  }
  return t;
}

/** The message's `type` as the Message column shows it (`messageSummary(m).type`), "" for none. Kept
 *  per message object: the correlator reuses settled messages between models. */
export function messageTypeText(m: MessageModel): string {
  return typeOf(m);
}

/** `messageTypeText`, lower case (as the `type:` term compares it). */
export function messageType(m: MessageModel): string {
  const raw = typeOf(m);
  let lower = lowerTypes.get(raw);
  if (lower === undefined) {
    if (lowerTypes.size >= LOWER_TYPES_KEPT) lowerTypes.clear();
    lower = raw.toLowerCase();
    lowerTypes.set(raw, lower);
  }
  return lower;
}

/** A cached test over string ids (realms, ports): each distinct id is tested once per query. */
function cached(test: (id: string) => boolean): (id: string) => boolean {
  const seen = new Map<string, boolean>();
  return (id) => {
    let r = seen.get(id);
    if (r === undefined) {
      r = test(id);
      seen.set(id, r);
    }
    return r;
  };
}

function realmTest(values: readonly string[], index: ModelIndex): { realm: (id: RealmId) => boolean; unknown: boolean } {
  const names = realmNamesOf(index.realms);
  const one = (v: string, id: RealmId): boolean => {
    const r = index.realms.get(id);
    const kind = KIND_WORDS[v];
    if (kind !== undefined) return r?.kind === kind;
    if (v === 'unknown' && r?.kind === 'unknown') return true;
    return (
      id.toLowerCase().startsWith(v) ||
      names.name(id).toLowerCase().includes(v) ||
      (r !== undefined && (realmKindName(r.kind) === v || (r.origin ?? '').toLowerCase().includes(v) || (r.url ?? '').toLowerCase().includes(v)))
    );
  };
  return { realm: cached((id) => values.some((v) => one(v, id))), unknown: values.includes('unknown') };
}

function portTest(values: readonly string[], index: ModelIndex): (id: PortId) => boolean {
  // Exact: a substring of an id (`p1` in `top1:3`) would match ports at random.
  const one = (v: string, id: string): boolean => id.toLowerCase() === v || shortPort(id).toLowerCase() === v;
  // A port is named by any local id it had (the inspector shows them); messages carry logical ids.
  const logical = new Set<PortId>();
  for (const [local, log] of index.logicalPort) if (values.some((v) => one(v, local))) logical.add(log);
  return cached((id) => logical.has(id) || values.some((v) => one(v, id)));
}

function channelTest(values: readonly string[], index: ModelIndex): (m: MessageModel) => boolean {
  const idMatch = (id: string): boolean => values.some((v) => id.toLowerCase() === v || shortPort(id).toLowerCase() === v);
  const ports = new Set<PortId>();
  for (const c of index.channels.values()) if (idMatch(c.id)) for (const p of c.ports) ports.add(p);
  for (const p of index.ports.values()) if (p.channel !== undefined && idMatch(p.channel)) ports.add(p.id);
  const name = cached((n) => values.some((v) => n.toLowerCase().includes(v)));
  return (m) =>
    (m.channelName !== undefined && name(m.channelName)) ||
    (m.fromPort !== undefined && ports.has(m.fromPort)) ||
    (m.toPort !== undefined && ports.has(m.toPort));
}

function isError(s: MessageStatus): boolean {
  return s === 'failed' || s === 'lost' || s === 'doomed' || s === 'dropped-origin';
}

function sizeCompare(op: SizeOp, bytes: number): (n: number) => boolean {
  switch (op) {
    case '>':
      return (n) => n > bytes;
    case '<':
      return (n) => n < bytes;
    case '>=':
      return (n) => n >= bytes;
    case '<=':
      return (n) => n <= bytes;
    case '=':
      return (n) => n === bytes;
  }
}

/** A test over a message for one key term (negation applied by the caller). */
function keyMatcher(t: KeyTest, index: ModelIndex): (m: MessageModel) => boolean {
  switch (t.key) {
    case 'status': {
      const statuses = new Set<MessageStatus | 'ambiguous'>(t.statuses);
      const ambiguous = statuses.has('ambiguous');
      return (m) => statuses.has(m.status) || (ambiguous && m.ambiguous);
    }
    case 'route': {
      const routes = new Set<Route>(t.routes);
      return (m) => routes.has(m.route);
    }
    case 'from': {
      const { realm, unknown } = realmTest(t.values, index);
      return (m) => (m.fromRealm !== undefined ? realm(m.fromRealm) : unknown);
    }
    case 'to': {
      const { realm } = realmTest(t.values, index);
      return (m) => {
        if (m.toRealm !== undefined && realm(m.toRealm)) return true;
        const ds = m.deliveries;
        if (ds !== undefined) for (const d of ds) if (realm(d.toRealm)) return true;
        return false;
      };
    }
    case 'port': {
      const port = portTest(t.values, index);
      return (m) => {
        if ((m.fromPort !== undefined && port(m.fromPort)) || (m.toPort !== undefined && port(m.toPort))) return true;
        for (const x of m.transfers) if (x.port !== undefined && port(x.port)) return true;
        return false;
      };
    }
    case 'channel':
      return channelTest(t.values, index);
    case 'type': {
      const types = new Set(t.values);
      return (m) => types.has(messageType(m));
    }
    case 'size': {
      const cmp = sizeCompare(t.op, t.bytes);
      return (m) => m.size !== undefined && cmp(m.size);
    }
    case 'is': {
      const error = t.values.includes('error');
      const ambiguous = t.values.includes('ambiguous');
      return (m) => (error && isError(m.status)) || (ambiguous && m.ambiguous);
    }
    case 'has': {
      const v = new Set<HasValue>(t.values);
      const transfer = v.has('transfer');
      const port = v.has('port');
      const error = v.has('error');
      const preview = v.has('preview');
      return (m) =>
        (transfer && m.transfers.length > 0) ||
        (port && m.transfers.some((x) => x.port !== undefined)) ||
        (error && m.error !== undefined) ||
        (preview && m.preview !== undefined);
    }
  }
}

/** Does the query ask for errors only (a positive `is:error`)? The *Errors only* toggle reads this. */
export function hasErrorTerm(q: ParsedQuery): boolean {
  return q.terms.some((t) => t.kind === 'key' && !t.negated && t.test.key === 'is' && t.test.values.includes('error'));
}

/** Compiles a parsed query against a model's index: the per-query work, done once. */
export function compileQuery(q: ParsedQuery, index: ModelIndex): CompiledQuery {
  const texts: Array<(s: Searchable) => boolean> = [];
  const keys: Array<(m: MessageModel) => boolean> = [];
  let problemsOnly = true;
  for (const t of q.terms) {
    switch (t.kind) {
      case 'text': {
        const needle = t.text;
        texts.push(t.negated ? (s) => !s.includes(needle) : (s) => s.includes(needle));
        break;
      }
      case 'regex': {
        const re = t.re;
        texts.push(t.negated ? (s) => !re.test(s.text()) : (s) => re.test(s.text()));
        break;
      }
      case 'key': {
        const test = keyMatcher(t.test, index);
        keys.push(t.negated ? (m) => !test(m) : test);
        if (t.negated || t.test.key !== 'is' || !t.test.values.includes('error')) problemsOnly = false;
        break;
      }
    }
  }
  return {
    text: all(texts),
    message: all(keys),
    others: keys.length === 0 ? 'all' : problemsOnly ? 'problems' : 'none',
  };
}

/** Every test must pass; null when there is none. Small arities unrolled (the common case: 1 or 2). */
function all<T>(tests: Array<(x: T) => boolean>): ((x: T) => boolean) | null {
  const [a, b] = tests;
  if (tests.length === 0 || a === undefined) return null;
  if (tests.length === 1) return a;
  if (tests.length === 2 && b !== undefined) return (x) => a(x) && b(x);
  return (x) => {
    for (let i = 0; i < tests.length; i++) if (!(tests[i] as (x: T) => boolean)(x)) return false;
    return true;
  };
}

const parsedMemo = new Map<string, ParsedQuery>();

/** `parseQuery`, remembering the last few texts (the filter bar and the rows parse the same text). */
export function parsedQuery(source: string): ParsedQuery {
  let q = parsedMemo.get(source);
  if (!q) {
    q = parseQuery(source);
    if (parsedMemo.size >= 16) parsedMemo.delete(parsedMemo.keys().next().value as string);
    parsedMemo.set(source, q);
  }
  return q;
}

// ── editing the query (toggles, "filter by this value", autocomplete) ───────

/** A value as written in a query: quoted (`"` and `\` escaped) when empty, when it holds spaces,
 *  quotes, backslashes or commas, when it starts with `-` (a negation) or `/` (a regex), or `always`
 *  (a realm's name, whose words must stay one value). */
export function quoteValue(v: string, always = false): string {
  if (!always && v !== '' && !/[\s"'\\,]/.test(v) && !/^[-/]/.test(v)) return v;
  return `"${v.replace(/["\\]/g, '\\$&')}"`;
}

/** The values of the positive (not negated) terms of `key` in the query, lower case. */
export function positiveValues(q: ParsedQuery, key: FilterKey): string[] {
  const out: string[] = [];
  for (const t of q.terms) if (t.kind === 'key' && t.key === key && !t.negated) out.push(...list(t.value, false));
  return out;
}

/** `text` with `term` added at its end (a space between). */
export function appendTerm(text: string, term: string): string {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed === '' ? term : `${trimmed} ${term}`;
}

/** `text` without [start, end), and the spaces that leaves doubled. */
function cutOut(text: string, start: number, end: number): string {
  return `${text.slice(0, start).replace(/\s+$/, '')} ${text.slice(end).replace(/^\s+/, '')}`.trim();
}

/**
 * Turns one value of a list key on or off in the query, as a toggle does: off when a positive term of
 * `key` lists it (removed from the list; the term goes when it is left empty), else added to the first
 * positive term of `key` (`status:failed` → `status:failed,lost`) or as a new term at the end.
 */
export function toggleValue(text: string, key: FilterKey, value: string): string {
  const q = parseQuery(text);
  const v = value.toLowerCase();
  const terms = q.terms.filter((t): t is Extract<QueryTerm, { kind: 'key' }> => t.kind === 'key' && t.key === key && !t.negated);
  for (const t of terms) {
    const values = list(t.value, false);
    if (!values.includes(v)) continue;
    const left = values.filter((x) => x !== v);
    if (left.length === 0) return cutOut(text, t.start, t.end);
    return `${text.slice(0, t.start)}${key}:${left.join(',')}${text.slice(t.end)}`;
  }
  const first = terms[0];
  if (first) return `${text.slice(0, first.end)},${value}${text.slice(first.end)}`;
  return appendTerm(text, `${key}:${value}`);
}

/** The term a cell's context menu adds: `key:value`, or `-key:value` to hide what matches. */
export function termFor(key: FilterKey, value: string, negated = false): string {
  return `${negated ? '-' : ''}${key}:${quoteValue(value)}`;
}

// ── autocomplete ─────────────────────────────────────────────────────────────

/** What the caret is in: a key being typed, or a value of a key. [from, to) is what a pick replaces. */
export type CompletionContext =
  | { kind: 'key'; prefix: string; from: number; to: number }
  | { kind: 'value'; key: FilterKey; prefix: string; from: number; to: number };

/** The completion context at `caret` in `text`, or null where nothing is to complete (a quoted text, a regex). */
export function completionAt(text: string, caret: number): CompletionContext | null {
  const tok = tokenize(text).find((t) => t.start <= caret && caret <= t.end);
  if (!tok) return { kind: 'key', prefix: '', from: caret, to: caret };
  if (caret < tok.body) return null;
  if (tok.key !== undefined && caret >= tok.valueStart) {
    if (!isFilterKey(tok.key)) return null;
    if (tok.quoted) {
      const inside = text.slice(tok.valueStart + 1, Math.max(tok.valueStart + 1, caret));
      return { kind: 'value', key: tok.key, prefix: inside.toLowerCase(), from: tok.valueStart, to: tok.end };
    }
    // In a list, the item at the caret.
    const before = text.slice(tok.valueStart, caret);
    const from = tok.valueStart + before.lastIndexOf(',') + 1;
    const next = text.indexOf(',', caret);
    const to = next >= 0 && next < tok.end ? next : tok.end;
    return { kind: 'value', key: tok.key, prefix: text.slice(from, caret).toLowerCase(), from, to };
  }
  if (tok.key !== undefined) {
    // In the key itself: replace it, its colon included.
    return { kind: 'key', prefix: text.slice(tok.body, caret).toLowerCase(), from: tok.body, to: tok.valueStart };
  }
  if (tok.quoted) return null;
  const prefix = text.slice(tok.body, caret);
  if (!/^[A-Za-z-]*$/.test(prefix)) return null;
  return { kind: 'key', prefix: prefix.toLowerCase(), from: tok.body, to: tok.end };
}

export interface Suggestion {
  /** What the list shows (`status:`, `delivered`, `iframe a.test/f.html`). */
  label: string;
  /** What a pick writes in place of the context's [from, to). */
  insert: string;
  /** A key's description. */
  detail?: string;
  /** A key (more is to be typed after it) or a value (a space follows it). */
  kind: 'key' | 'value';
}

/** Most suggestions listed. */
export const MAX_SUGGESTIONS = 40;

/** The suggestions for a context; `values(key)` gives the values a key can take in the current model. */
export function suggestions(ctx: CompletionContext, values: (key: FilterKey) => readonly string[]): Suggestion[] {
  if (ctx.kind === 'key') {
    return FILTER_KEYS.filter((k) => k.startsWith(ctx.prefix)).map((k) => ({ label: `${k}:`, insert: `${k}:`, detail: KEYS[k].description, kind: 'key' as const }));
  }
  const all = values(ctx.key);
  const starts = all.filter((v) => v.toLowerCase().startsWith(ctx.prefix));
  // Names and types match anywhere too (after those that start so); fixed words only by their start.
  const anywhere = ctx.key === 'from' || ctx.key === 'to' || ctx.key === 'channel' || ctx.key === 'type' || ctx.key === 'port';
  const contains = ctx.prefix === '' || !anywhere ? [] : all.filter((v) => !v.toLowerCase().startsWith(ctx.prefix) && v.toLowerCase().includes(ctx.prefix));
  return [...starts, ...contains]
    .slice(0, MAX_SUGGESTIONS)
    .filter((v) => v.toLowerCase() !== ctx.prefix || ctx.prefix === '')
    .map((v) => ({ label: v, insert: quoteValue(v), kind: 'value' as const }));
}

/** The text after a pick, and where the caret goes. A value is followed by a space (the next term). */
export function applySuggestion(text: string, ctx: CompletionContext, s: Suggestion): { text: string; caret: number } {
  const before = text.slice(0, ctx.from) + s.insert;
  const after = text.slice(ctx.to);
  if (s.kind === 'key') return { text: before + after, caret: before.length };
  // Inside a list (a comma follows): no space.
  if (after.startsWith(',')) return { text: before + after, caret: before.length };
  const sep = after.startsWith(' ') ? '' : ' ';
  return { text: before + sep + after, caret: before.length + 1 };
}

/** Messages looked at (the latest) for the values of `type:` and `channel:` suggestions. */
export const SUGGEST_SCAN = 2_000;

/** The values suggested for a key in a model: fixed lists, or what the model holds (realm names and
 *  kinds, port and channel ids, channel names and types seen in the latest messages). */
export function suggestedValues(key: FilterKey, messages: readonly MessageModel[], index: ModelIndex): string[] {
  switch (key) {
    case 'status':
      return [...STATUS_VALUES];
    case 'route':
      return [...ROUTE_VALUES];
    case 'is':
      return [...IS_VALUES];
    case 'has':
      return [...HAS_VALUES];
    case 'size':
      return [...SIZE_EXAMPLES];
    case 'from':
    case 'to': {
      const names = realmNamesOf(index.realms);
      const kinds = new Set<string>();
      const named: string[] = [];
      for (const r of index.realms.values()) {
        if (r.kind !== 'unknown') kinds.add(r.kind);
        const n = names.name(r.id);
        // A `top` realm's name is its kind: listed once.
        if (!KIND_WORDS[n]) named.push(n);
      }
      return [...kinds, ...named, ...(key === 'from' ? ['unknown'] : [])];
    }
    case 'port':
      return [...index.ports.keys()];
    case 'channel': {
      const out = new Set<string>();
      for (let i = messages.length - 1, n = 0; i >= 0 && n < SUGGEST_SCAN; i--, n++) {
        const c = (messages[i] as MessageModel).channelName;
        if (c !== undefined) out.add(c);
      }
      for (const id of index.channels.keys()) out.add(id);
      return [...out];
    }
    case 'type': {
      const counts = new Map<string, number>();
      for (let i = messages.length - 1, n = 0; i >= 0 && n < SUGGEST_SCAN; i--, n++) {
        const t = messageTypeText(messages[i] as MessageModel);
        if (t !== '') counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
    }
  }
}

const typesWarmed = new WeakMap<readonly MessageModel[], number>();

/**
 * Works out the `type` of `messages` ahead of a `type:` term, for at most `budgetMs`; true when every
 * message has it. The filter bar calls it in idle time after the rows' search text (as `warmSearchText`):
 * a first `type:` over 100,000 messages would otherwise summarise every payload at once.
 */
export function warmMessageTypes(messages: readonly MessageModel[], budgetMs: number, now: () => number = () => performance.now()): boolean {
  const until = now() + budgetMs;
  let i = typesWarmed.get(messages) ?? 0;
  while (i < messages.length) {
    const end = Math.min(messages.length, i + 256);
    for (; i < end; i++) messageType(messages[i] as MessageModel);
    if (now() >= until) break;
  }
  typesWarmed.set(messages, i);
  return i >= messages.length;
}
