/**
 * A one-line summary of a message's payload for the timeline's Message column, from its preview.
 * Pure (no DOM, no React); bounded work per call (it stops once the line is long enough).
 *
 * When the payload is an object with a well-known discriminating key — `type`, `method`, `action`,
 * `kind`, `event`, `cmd`, … (see LEAD_KEYS) — its value comes first (`lead`, shown bold) and is the
 * message's `type` (what the filter language's `type:` matches); the other keys follow, compactly:
 * `SYN {participantId: "b95…"}`. RPC shapes have their own leads: a JSON-RPC request's `method`, a
 * reply's `result` / `error` (`{id, result}`), penpal's calls as `CALL multiply(2, 3)`. A generic
 * envelope (broadcast-channel's `{type: "message", data: {…}}`, `{payload: {…}}`) is looked into once.
 * A JSON string holding such an object is read as one. Binary and platform values are short tokens
 * (`ArrayBuffer 8 B`, `MessagePort`); the transfer list, when given, is a token of its own
 * (`⇄ port p2`). Other payloads read as the preview text does.
 *
 * What the libraries the fixtures use send (test/fixtures/libs, node_modules): penpal 7
 * `{namespace: "penpal", channel, type: "SYN" | "ACK1" | "ACK2" | "CALL" | "REPLY" | "DESTROY", …}`
 * (and penpal ≤ 6 `{penpal: "syn" | "ack" | "call" | "reply", …}`); broadcast-channel
 * `{time, type: "message" | "internal", data}`; workbox-window `{type: "GET_VERSION"}` or the page's
 * own object; comlink `{id, type: "GET" | "SET" | "APPLY" | …, path, argumentList}` and replies
 * `{id, type: "RAW" | "HANDLER", value}`.
 */
import type { Preview } from '../model/protocol';
import { bytes, previewText, shortPort } from './summary';

export interface PayloadSummary {
  /** The discriminating value, shown first and bold (`SYN`). */
  lead?: string;
  /** The rest of the payload, compact (`{participantId: "b95…"}`), or the whole payload without a lead. */
  rest: string;
  /** What `type:` filters on: the lead's value (`result` / `error` for an RPC reply). */
  type?: string;
  /** The transfer list as a token (`⇄ port p2, ArrayBuffer 8 B`), when one was given and is not empty. */
  transfer?: string;
}

/** What the summary needs of a transfer-list item (model TransferModel / protocol TransferSummary). */
export interface TransferLike {
  kind: string;
  port?: string;
  byteLength?: number;
}

/** Longest summary (lead and rest together), in characters. */
export const SUMMARY_CHARS = 120;

/** Keys whose string value says what a message is, in order of precedence. */
export const LEAD_KEYS: readonly string[] = [
  'type',
  'method',
  'action',
  'kind',
  'event',
  'cmd',
  'command',
  'op',
  'messageType',
  'msgType',
  'topic',
  'penpal',
  'name',
];

/** Keys that only say which library or protocol sent the message (the same on each of its messages):
 *  left out of the rest when a lead was found. The inspector shows them. */
const MARKER_KEYS = new Set(['namespace', 'jsonrpc']);

/** Lead values that say nothing of the message but that it is one: look into the envelope instead. */
const GENERIC_LEADS = new Set(['message', 'msg']);

/** Keys of an envelope around the real message. */
const ENVELOPE_KEYS: readonly string[] = ['data', 'payload', 'message', 'msg', 'detail', 'body'];

/** Longest lead value; longer strings are data, not a discriminator. */
const LEAD_MAX = 64;

/** Strings that look like generated ids (uuids, hex): shown as their first characters. */
const ID_LIKE = /^[0-9a-f][0-9a-f-]{15,}$/i;
const ID_CHARS = 3;
/** Longest string value shown whole inside the rest. */
const STRING_CHARS = 40;
/** Longest JSON string read as an object (longer ones are shown as strings). */
const JSON_CHARS = 4000;

type ObjectPreview = Extract<Preview, { $t: 'object' }>;

function isObjectPreview(p: Preview | undefined): p is ObjectPreview {
  return typeof p === 'object' && p !== null && p.$t === 'object' && Array.isArray(p.entries);
}

/** Entries looked at for keys (the recorder describes 16 at most; a capture file could hold more). */
const KEYS_SCANNED = 64;

/** The value of `key` among the first entries of `o`. */
function get(o: ObjectPreview, key: string): Preview | undefined {
  const n = Math.min(o.entries.length, KEYS_SCANNED);
  for (let i = 0; i < n; i++) {
    const e = o.entries[i] as [string, Preview];
    if (e[0] === key) return e[1];
  }
  return undefined;
}

function has(o: ObjectPreview, key: string): boolean {
  return get(o, key) !== undefined || o.entries.slice(0, KEYS_SCANNED).some((e) => e[0] === key);
}

/** A value that can be a lead: a short one-line string (for `name`, one without spaces: a name of a
 *  person or a thing is data, a name of an event is not). */
function leadValue(v: Preview | undefined, key: string): string | undefined {
  if (typeof v !== 'string' || v === '' || v.length > LEAD_MAX || /[\n\r]/.test(v)) return undefined;
  if (key === 'name' && /\s/.test(v)) return undefined;
  return v;
}

function findLead(o: ObjectPreview): { key: string; value: string } | undefined {
  for (const key of LEAD_KEYS) {
    const value = leadValue(get(o, key), key);
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const keyText = (k: string): string => (IDENT.test(k) ? k : JSON.stringify(k));

/** A compact rendering, stopping once `out` holds more than `max` characters. */
class Writer {
  out = '';
  /** `compact`: ids cut to their first characters and long strings cut (the rest after a lead); without
   *  it, strings read as in the preview text. */
  constructor(
    readonly max: number,
    readonly compact = true,
  ) {}
  get full(): boolean {
    return this.out.length > this.max;
  }
  emit(s: string): void {
    this.out += s;
  }
  string(s: string): void {
    if (!this.compact) return this.emit(JSON.stringify(s));
    if (ID_LIKE.test(s)) return this.emit(`"${s.slice(0, ID_CHARS)}${'…'}"`);
    if (s.length > STRING_CHARS) return this.emit(`${JSON.stringify(s.slice(0, STRING_CHARS - 1)).slice(0, -1)}…"`);
    this.emit(JSON.stringify(s));
  }
  /** Entries of an object, as `{a: 1, b: 2}`, without the keys in `skip`. */
  entries(o: ObjectPreview, skip?: (key: string, value: Preview) => boolean): void {
    this.emit('{');
    let n = 0;
    for (const [k, v] of o.entries) {
      if (this.full) break;
      if (skip?.(k, v)) continue;
      if (n++ > 0) this.emit(', ');
      this.emit(`${keyText(String(k))}: `);
      this.value(v);
    }
    if ((o.more ?? 0) > 0 && !this.full) this.emit(`${n > 0 ? ', ' : ''}…+${o.more}`);
    this.emit('}');
  }
  items(items: readonly Preview[], more: number): void {
    this.emit('[');
    items.forEach((v, i) => {
      if (this.full) return;
      if (i > 0) this.emit(', ');
      this.value(v);
    });
    if (more > 0 && !this.full) this.emit(`${items.length > 0 ? ', ' : ''}…+${more}`);
    this.emit(']');
  }
  value(p: Preview): void {
    if (this.full) return;
    if (typeof p === 'string') return this.string(p);
    if (typeof p !== 'object' || p === null) return this.emit(String(p));
    if (p.$t === 'object') return this.entries(p);
    if (p.$t === 'array') return this.items(p.items ?? [], (p.length ?? 0) - (p.items?.length ?? 0));
    if (p.$t === 'string') return this.emit(`${JSON.stringify(p.v.slice(0, STRING_CHARS - 1)).slice(0, -1)}…"`);
    // Binary and platform values as tokens; the other kinds of node as the preview text writes them.
    this.emit(binaryToken(p) ?? previewText(p, this.max));
  }
}

/** Binary and platform values as short tokens; undefined for other nodes. */
function binaryToken(p: Preview): string | undefined {
  if (typeof p !== 'object' || p === null) return undefined;
  if (p.$t === 'arraybuffer') return `ArrayBuffer ${bytes(p.byteLength)}${p.detached ? ' detached' : ''}`;
  if (p.$t === 'typedarray') return `${p.kind} ${bytes(p.byteLength)}`;
  if (p.$t === 'blob') return `${p.kind}${p.name !== undefined ? ` ${JSON.stringify(p.name)}` : ''} ${bytes(p.size)}`;
  if (p.$t === 'imagedata') return `ImageData ${p.width}×${p.height}`;
  if (p.$t === 'platform') return p.kind;
  return undefined;
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s;
}

/** The transfer list as one token: `⇄ port p2, ArrayBuffer 8 B`. */
export function transferToken(transfers: readonly TransferLike[]): string | undefined {
  if (transfers.length === 0) return undefined;
  const items = transfers.map((t) => {
    if (t.port !== undefined) return `port ${shortPort(t.port)}`;
    if (t.byteLength !== undefined) return `${t.kind} ${bytes(t.byteLength)}`;
    return t.kind;
  });
  return `⇄ ${items.join(', ')}`;
}

/** A JSON value as a preview (bounded: the string it came from is). */
function fromJson(v: unknown, depth = 0): Preview {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (depth > 4) return { $t: 'truncated', reason: 'depth' };
  if (Array.isArray(v)) return { $t: 'array', items: v.slice(0, 20).map((x) => fromJson(x, depth + 1)), length: v.length };
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return { $t: 'object', entries: entries.slice(0, 20).map(([k, x]) => [k, fromJson(x, depth + 1)]), more: Math.max(0, entries.length - 20) };
  }
  return { $t: 'undefined' };
}

/** A string that holds a JSON object (`'{"type":"resize",…}'`), as that object. */
function jsonObject(s: string): ObjectPreview | undefined {
  if (s.length > JSON_CHARS || s.length < 2 || s[0] !== '{' || s[s.length - 1] !== '}') return undefined;
  try {
    const v = fromJson(JSON.parse(s));
    return isObjectPreview(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A penpal-style call, `multiply(2, 3)`: a method path or name with its arguments. */
function callText(o: ObjectPreview, w: Writer): boolean {
  const path = get(o, 'methodPath');
  const name = get(o, 'methodName');
  const args = get(o, 'args');
  if (typeof args !== 'object' || args === null || args.$t !== 'array') return false;
  let method: string | undefined;
  if (typeof name === 'string') method = name;
  else if (typeof path === 'object' && path !== null && path.$t === 'array' && path.items.every((x) => typeof x === 'string')) method = path.items.join('.');
  if (method === undefined) return false;
  w.emit(`${method}(`);
  args.items.forEach((v, i) => {
    if (w.full) return;
    if (i > 0) w.emit(', ');
    w.value(v);
  });
  const more = args.length - args.items.length;
  if (more > 0 && !w.full) w.emit(`${args.items.length > 0 ? ', ' : ''}…+${more}`);
  w.emit(')');
  return true;
}

const CALL_KEYS = new Set(['methodPath', 'methodName', 'args']);

/** The summary of an object with a lead: the rest without the lead's key, markers or undefined values. */
function withLead(o: ObjectPreview, lead: { key: string; value: string }, type: string, max: number): PayloadSummary {
  const w = new Writer(max);
  const call = callText(o, w);
  const skip = (k: string, v: Preview): boolean =>
    k === lead.key ||
    MARKER_KEYS.has(k) ||
    (typeof v === 'object' && v !== null && v.$t === 'undefined') ||
    (call && CALL_KEYS.has(k));
  const left = o.entries.some(([k, v]) => !skip(k, v)) || (o.more ?? 0) > 0;
  if (left) {
    if (call) w.emit(' ');
    w.entries(o, skip);
  }
  return { lead: lead.value, rest: cut(w.out, Math.max(0, max - lead.value.length - 1)), type };
}

/** The lead of an object, looking once into a generic envelope. */
function summarizeObject(o: ObjectPreview, max: number, depth: number): PayloadSummary | undefined {
  const lead = findLead(o);
  if (lead !== undefined && !GENERIC_LEADS.has(lead.value)) return withLead(o, lead, lead.value, max);
  if (depth === 0) {
    for (const key of ENVELOPE_KEYS) {
      const inner = get(o, key);
      const innerObject = isObjectPreview(inner) ? inner : typeof inner === 'string' ? jsonObject(inner) : undefined;
      if (innerObject === undefined) continue;
      const s = summarizeObject(innerObject, max, depth + 1);
      if (s?.lead !== undefined) return s;
    }
  }
  if (lead !== undefined) return withLead(o, lead, lead.value, max);
  // RPC replies: `{id, result}` / `{id, error}` (JSON-RPC's, with `jsonrpc: "2.0"`, and look-alikes).
  if (has(o, 'id')) {
    for (const key of ['result', 'error']) {
      if (has(o, key)) return withLead(o, { key: '', value: key }, key, max);
    }
  }
  return undefined;
}

/**
 * The one-line summary of a payload (see the module comment). `transfers`, when given, become the
 * `transfer` token. At most about `max` characters of lead and rest.
 */
export function payloadSummary(preview: Preview | undefined, transfers?: readonly TransferLike[], max = SUMMARY_CHARS): PayloadSummary {
  const transfer = transfers !== undefined ? transferToken(transfers) : undefined;
  const done = (s: PayloadSummary): PayloadSummary => (transfer !== undefined ? { ...s, transfer } : s);
  if (preview === undefined) return done({ rest: '' });
  try {
    const object = isObjectPreview(preview) ? preview : typeof preview === 'string' ? jsonObject(preview) : undefined;
    if (object !== undefined) {
      const s = summarizeObject(object, max, 0);
      if (s !== undefined) return done(s);
    }
    // A port handed over as the payload itself and in the transfer list: the token says it.
    if (transfer !== undefined && typeof preview === 'object' && preview !== null && preview.$t === 'platform' && preview.kind === 'MessagePort') {
      return done({ rest: '' });
    }
    const token = binaryToken(preview);
    if (token !== undefined) return done({ rest: token });
    if (isObjectPreview(preview) || (typeof preview === 'object' && preview !== null && preview.$t === 'array')) {
      const w = new Writer(max, false);
      w.value(preview);
      return done({ rest: cut(w.out, max) });
    }
    return done({ rest: previewText(preview, max) });
  } catch {
    // A malformed preview (validation should have stopped it): a mark rather than a broken timeline.
    return done({ rest: '?' });
  }
}
