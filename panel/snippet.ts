/**
 * "Copy as postMessage(…)": turns a payload preview back into JavaScript source that rebuilds the value
 * as closely as the recording allows, wrapped in the postMessage call of the message's route. Pure.
 *
 * What the preview does not hold (bytes past the recorded head, Blob contents, platform objects, cycles,
 * values cut by the preview's bounds) is said in a comment next to a stand-in value, so the source still
 * parses. Strings are escaped with JSON.stringify; comments never contain a line break or an early comment end.
 */
import type { MessageModel, TransferModel } from '../model/correlator';
import type { Preview, Route, WindowRelation } from '../model/protocol';

/** Lines longer than this are broken, one item per line. */
const WIDTH = 72;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const ERROR_CTORS = new Set(['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError']);
const TYPED_ARRAYS = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
]);

/** A block comment safe for any text: no line terminators, no early end. */
export function comment(text: string): string {
  const safe = String(text)
    .replace(/\*\//g, '*\\/')
    .replace(/\r\n|[\n\r\u2028\u2029]/g, ' ');
  return `/* ${safe} */`;
}

/** `undefined` standing in for something the recording cannot rebuild. */
function standIn(why: string): string {
  return `undefined ${comment(why)}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function propertyKey(k: string): string {
  // A literal `__proto__: v` (quoted or not) sets the prototype; structured clone made an own property.
  if (k === '__proto__') return '["__proto__"]';
  return IDENT.test(k) ? k : JSON.stringify(k);
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** Hex pairs of a preview's `head`. */
function headBytes(head: unknown): string[] {
  return typeof head === 'string' ? (head.match(/[0-9a-f]{2}/gi) ?? []).map((b) => b.toLowerCase()) : [];
}

/** A Uint8Array of `byteLength` bytes whose first bytes are `head`, and what is missing. */
function uint8(head: unknown, byteLength: number): { expr: string; note?: string } {
  const bytes = headBytes(head);
  const total = Number.isSafeInteger(byteLength) && byteLength >= 0 ? byteLength : bytes.length;
  const list = `[${bytes.map((b) => `0x${b}`).join(', ')}]`;
  if (bytes.length >= total) return { expr: `new Uint8Array(${list})` };
  if (bytes.length === 0) return { expr: `new Uint8Array(${total})`, note: `${plural(total, 'byte')}, contents not recorded` };
  return {
    expr: `Object.assign(new Uint8Array(${total}), ${list})`,
    note: `first ${bytes.length} of ${plural(total, 'byte')} recorded; the rest are zeros here`,
  };
}

function regexpLiteral(source: string, flags: string): string {
  const safeFlags = /^[dgimsuvy]*$/.test(flags);
  let literal = safeFlags && source !== '' && !/[\n\r\u2028\u2029]/.test(source);
  if (literal) {
    // An unescaped `/` would end the literal early: fall back to the constructor.
    for (let i = 0; i < source.length; i++) {
      if (source[i] === '\\') i++;
      else if (source[i] === '/') {
        literal = false;
        break;
      }
    }
  }
  if (literal) {
    try {
      new RegExp(source, flags);
    } catch {
      literal = false;
    }
  }
  return literal ? `/${source}/${flags}` : `new RegExp(${JSON.stringify(source)}, ${JSON.stringify(flags)})`;
}

/** Items of a container, inline when short, else one per line at `indent` + 2. */
function list(open: string, items: string[], close: string, indent: string, pad = false): string {
  if (items.length === 0) return `${open}${close}`;
  const sp = pad ? ' ' : '';
  const inline = `${open}${sp}${items.join(', ')}${sp}${close}`;
  if (inline.length + indent.length <= WIDTH && !inline.includes('\n')) return inline;
  const inner = `${indent}  `;
  return `${open}\n${items.map((it) => `${inner}${it}`).join(',\n')}\n${indent}${close}`;
}

function arr<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

/** JavaScript source that rebuilds `p`; `indent` is the indentation of the line it starts on. */
export function previewToJs(p: Preview, indent = ''): string {
  if (p === null) return 'null';
  if (typeof p === 'boolean') return String(p);
  if (typeof p === 'number') return numberText(p);
  if (typeof p === 'string') return JSON.stringify(p);
  if (typeof p !== 'object' || typeof (p as { $t?: unknown }).$t !== 'string') return standIn('unrecognised preview node');
  const inner = `${indent}  `;
  switch (p.$t) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return p.v === 'NaN' || p.v === 'Infinity' || p.v === '-Infinity' || p.v === '-0' ? p.v : standIn(`number ${String(p.v)}`);
    case 'bigint':
      return /^-?\d+$/.test(String(p.v)) ? `${p.v}n` : standIn(`bigint ${String(p.v)}`);
    case 'string': {
      const v = String(p.v);
      const more = (p.length ?? v.length) - v.length;
      return more > 0 ? `${JSON.stringify(v)} ${comment(`… ${plural(more, 'more char')} not recorded (${plural(p.length, 'char')} in all)`)}` : JSON.stringify(v);
    }
    case 'object': {
      const items = arr(p.entries).map(([k, v]) => `${propertyKey(String(k))}: ${previewToJs(v, inner)}`);
      if ((p.more ?? 0) > 0) items.push(comment(`… ${plural(p.more, 'more key')} not recorded`));
      return list('{', items, '}', indent, true);
    }
    case 'array': {
      const shown = arr(p.items);
      const items = shown.map((v) => previewToJs(v, inner));
      const more = (p.length ?? shown.length) - shown.length;
      if (more > 0) items.push(comment(`… ${plural(more, 'more item')} not recorded (length ${p.length})`));
      return list('[', items, ']', indent);
    }
    case 'map': {
      const entries = arr(p.entries);
      const items = entries.map(([k, v]) => list('[', [previewToJs(k, `${inner}  `), previewToJs(v, `${inner}  `)], ']', inner));
      const more = (p.size ?? entries.length) - entries.length;
      if (more > 0) items.push(comment(`… ${plural(more, 'more entry', 'more entries')} not recorded (size ${p.size})`));
      return items.length === 0 ? 'new Map()' : `new Map(${list('[', items, ']', indent)})`;
    }
    case 'set': {
      const shown = arr(p.items);
      const items = shown.map((v) => previewToJs(v, inner));
      const more = (p.size ?? shown.length) - shown.length;
      if (more > 0) items.push(comment(`… ${plural(more, 'more item')} not recorded (size ${p.size})`));
      return items.length === 0 ? 'new Set()' : `new Set(${list('[', items, ']', indent)})`;
    }
    case 'date': {
      const v = typeof p.v === 'number' ? p.v : Number.NaN;
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? 'new Date(NaN)' : `new Date(${numberText(v)}) ${comment(d.toISOString())}`;
    }
    case 'regexp':
      return regexpLiteral(String(p.source), String(p.flags ?? ''));
    case 'boxed': {
      const v = previewToJs(p.v, indent);
      switch (p.kind) {
        case 'Number':
        case 'String':
        case 'Boolean':
          return `new ${p.kind}(${v})`;
        case 'BigInt':
          return `Object(${v})`;
      }
      return standIn('boxed value');
    }
    case 'arraybuffer': {
      if (p.detached) return `new ArrayBuffer(0) ${comment('a detached ArrayBuffer (already transferred)')}`;
      const u = uint8(p.head, p.byteLength);
      return `${u.expr}.buffer${u.note !== undefined ? ` ${comment(u.note)}` : ''}`;
    }
    case 'typedarray': {
      const kind = String(p.kind);
      if (!TYPED_ARRAYS.has(kind)) return standIn(`${kind}(${p.length})`);
      const u = uint8(p.head, p.byteLength);
      const note = u.note !== undefined ? ` ${comment(u.note)}` : '';
      if (kind === 'Uint8Array') return `${u.expr}${note}`;
      return `new ${kind}(${u.expr}.buffer)${note}`;
    }
    case 'blob': {
      const contents = `[${comment(`${plural(p.size ?? 0, 'byte')}, contents not recorded`)}]`;
      if (p.kind === 'File') {
        const opts = [`type: ${JSON.stringify(String(p.type ?? ''))}`];
        if (typeof p.lastModified === 'number' && Number.isFinite(p.lastModified)) opts.push(`lastModified: ${p.lastModified}`);
        return `new File(${contents}, ${JSON.stringify(String(p.name ?? ''))}, { ${opts.join(', ')} })`;
      }
      return `new Blob(${contents}, { type: ${JSON.stringify(String(p.type ?? ''))} })`;
    }
    case 'imagedata':
      return `new ImageData(${Number(p.width) || 1}, ${Number(p.height) || 1}) ${comment('pixels not recorded')}`;
    case 'error': {
      const name = String(p.name);
      const msg = JSON.stringify(String(p.message ?? ''));
      if (name === 'AggregateError') return `new AggregateError([], ${msg})`;
      if (ERROR_CTORS.has(name)) return `new ${name}(${msg})`;
      return `Object.assign(new Error(${msg}), { name: ${JSON.stringify(name)} })`;
    }
    case 'platform':
      return standIn(`${String(p.kind)}: a platform object, not reproducible from the recording${p.kind === 'MessagePort' ? ' (put the port here and in the transfer list)' : ''}`);
    case 'cycle':
      return standIn(`cycle: the same object as ${String(p.path)}`);
    case 'truncated':
      return standIn(
        p.reason === 'depth'
          ? '… not recorded: nested too deep'
          : p.reason === 'unreached'
            ? '… not reached: the browser stopped cloning at the value above'
            : '… not recorded: preview budget used up',
      );
    case 'opaque':
      return standIn(`${String(p.kind)}: not looked at (reading it could run page code)`);
    case 'accessor':
      return standIn(`getter ${JSON.stringify(String(p.key))}: not called by the recorder`);
    case 'uncloneable': {
      const kind = String(p.kind);
      if (kind === 'Function') return `() => {} ${comment('a function: postMessage throws DataCloneError')}`;
      if (kind === 'Symbol') return `Symbol() ${comment('a symbol: postMessage throws DataCloneError')}`;
      return standIn(`${kind}: cannot be cloned (postMessage throws DataCloneError)`);
    }
    case 'skipped':
      return standIn('payload not recorded: over the preview budget');
    case 'unreadable':
      return standIn('could not be read by the recorder');
    default: {
      const unknownNode: never = p;
      void unknownNode;
      return standIn('unrecognised preview node');
    }
  }
}

// ── the call ────────────────────────────────────────────────────────────────

export interface SnippetTarget {
  route: Route;
  /** Whether the recorded side is the sender (a recorded send); false: known from its receipt only. */
  sent: boolean;
  /** Route `window`: the receiving realm's origin (the target origin to use). */
  targetOrigin?: string;
  /** Route `window`: how the sender relates to the receiver (MessageReceived.source). */
  source?: WindowRelation;
  /** Route `broadcast`. */
  channelName?: string;
  transfers?: readonly TransferModel[];
}

/** Who the sender called postMessage on, seen from the sender, by how the receiver saw the sender. */
function windowTarget(source: WindowRelation | undefined): string {
  switch (source) {
    case 'child':
      return 'parent';
    case 'parent':
    case 'top':
      return 'iframe.contentWindow';
    case 'opener':
      return 'popup';
    case 'other':
      return 'targetWindow';
    case 'self':
    case 'none':
    case undefined:
      return 'window';
  }
}

function transferArg(transfers: readonly TransferModel[] | undefined): string | undefined {
  if (!transfers || transfers.length === 0) return undefined;
  const what = transfers.map((t) => (t.port !== undefined ? `${t.kind} ${t.port}` : t.byteLength !== undefined ? `${t.kind} (${plural(t.byteLength, 'byte')})` : t.kind));
  return `[${comment(`transfer: ${what.join(', ')}`)}]`;
}

/** `preview` as the postMessage call that would send it on `target`'s route. */
export function postMessageSnippet(preview: Preview, target: SnippetTarget): string {
  const value = previewToJs(preview);
  const transfer = transferArg(target.transfers);
  const args = (...rest: (string | undefined)[]): string => [value, ...rest].filter((a): a is string => a !== undefined).join(', ');
  switch (target.route) {
    case 'port':
      return `port.postMessage(${args(transfer)});`;
    case 'window': {
      const origin = target.targetOrigin && target.targetOrigin !== 'null' ? target.targetOrigin : '*';
      return `${windowTarget(target.source)}.postMessage(${args(JSON.stringify(origin), transfer)});`;
    }
    case 'worker':
      return target.sent ? `worker.postMessage(${args(transfer)});` : `${comment('inside the worker')} self.postMessage(${args(transfer)});`;
    case 'broadcast': {
      const open = target.channelName !== undefined ? `const channel = new BroadcastChannel(${JSON.stringify(target.channelName)});\n` : '';
      return `${open}channel.postMessage(${value});`;
    }
  }
}

/** The snippet for a message of the model. */
export function messageSnippet(m: MessageModel, preview: Preview, extra: { targetOrigin?: string; source?: WindowRelation } = {}): string {
  const target: SnippetTarget = { route: m.route, sent: m.send !== undefined, transfers: m.transfers };
  if (m.channelName !== undefined) target.channelName = m.channelName;
  if (extra.targetOrigin !== undefined) target.targetOrigin = extra.targetOrigin;
  if (extra.source !== undefined) target.source = extra.source;
  return postMessageSnippet(preview, target);
}
