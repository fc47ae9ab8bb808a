/**
 * One-line text summaries of events (timeline event rows, search text, inspector). Pure functions returning plain strings:
 * the view renders them as React text, never as HTML.
 */
import type { EntangleEvent, Preview, TransferSummary } from '../model/protocol';

/** `p3` — a port's number within the realm that named it (`c1` for a channel; a made-up worker-side
 *  id as it is): the part of an id after its last colon, with `p` before a bare number. */
export function shortPort(id: string): string {
  const tail = id.slice(id.lastIndexOf(':') + 1);
  return /^\d+$/.test(tail) ? `p${tail}` : tail;
}

/** Longest preview text in a summary line. */
export const PREVIEW_CHARS = 120;

const IDENT = /^[A-Za-z_$][\w$]*$/;

function key(k: string): string {
  return IDENT.test(k) ? k : JSON.stringify(k);
}

/**
 * A short, JS-like rendering of a preview (`{a: 1, list: [1, 2, …+8]}`), cut at `max` characters.
 * Stops walking as soon as the text is long enough; tolerates malformed input.
 */
export function previewText(preview: Preview, max = PREVIEW_CHARS): string {
  let out = '';
  const full = (): boolean => out.length > max;
  const emit = (s: string): void => {
    out += s;
  };
  const list = <T>(items: readonly T[], each: (item: T) => void, more: number): void => {
    items.forEach((item, i) => {
      if (full()) return;
      if (i > 0) emit(', ');
      each(item);
    });
    if (more > 0 && !full()) emit(`${items.length > 0 ? ', ' : ''}…+${more}`);
  };

  const walk = (p: Preview): void => {
    if (full()) return;
    if (p === null || typeof p === 'boolean' || typeof p === 'number') return emit(String(p));
    if (typeof p === 'string') return emit(JSON.stringify(p));
    if (typeof p !== 'object' || typeof p.$t !== 'string') return emit('?');
    switch (p.$t) {
      case 'undefined':
        return emit('undefined');
      case 'number':
        return emit(String(p.v));
      case 'bigint':
        return emit(`${p.v}n`);
      case 'string':
        return emit(`${JSON.stringify(p.v).slice(0, -1)}…" (${p.length})`);
      case 'object':
        emit('{');
        list(p.entries ?? [], ([k, v]) => {
          emit(`${key(String(k))}: `);
          walk(v);
        }, p.more ?? 0);
        return emit('}');
      case 'array':
        emit('[');
        list(p.items ?? [], walk, (p.length ?? 0) - (p.items?.length ?? 0));
        return emit(']');
      case 'map':
        emit(`Map(${p.size}) {`);
        list(p.entries ?? [], ([k, v]) => {
          walk(k);
          emit(' => ');
          walk(v);
        }, (p.size ?? 0) - (p.entries?.length ?? 0));
        return emit('}');
      case 'set':
        emit(`Set(${p.size}) {`);
        list(p.items ?? [], walk, (p.size ?? 0) - (p.items?.length ?? 0));
        return emit('}');
      case 'date': {
        const d = new Date(p.v);
        return emit(Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString());
      }
      case 'regexp':
        return emit(`/${p.source}/${p.flags}`);
      case 'boxed':
        emit(`${p.kind}(`);
        walk(p.v);
        return emit(')');
      case 'arraybuffer':
        return emit(`ArrayBuffer(${p.byteLength})${p.detached ? ' detached' : ''}`);
      case 'typedarray':
        return emit(`${p.kind}(${p.length})`);
      case 'blob':
        return emit(`${p.kind}${p.name !== undefined ? ` ${JSON.stringify(p.name)}` : ''} (${bytes(p.size)}${p.type ? `, ${p.type}` : ''})`);
      case 'imagedata':
        return emit(`ImageData(${p.width}×${p.height})`);
      case 'error':
        return emit(`${p.name}: ${p.message}`);
      case 'platform':
        return emit(p.kind);
      case 'cycle':
        return emit(`[cycle ${p.path}]`);
      case 'truncated':
        return emit(p.reason === 'unreached' ? '(not reached)' : '…');
      case 'opaque':
        return emit(`(opaque ${p.kind})`);
      case 'accessor':
        return emit('(getter)');
      case 'uncloneable':
        return emit(`(uncloneable ${p.kind})`);
      case 'skipped':
        return emit('(preview skipped under load)');
      case 'unreadable':
        return emit('(unreadable)');
      default: {
        // Exhaustive at compile time; at run time a malformed node still renders.
        const unknownNode: never = p;
        void unknownNode;
        return emit('?');
      }
    }
  };

  walk(preview);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function transferText(transfer: readonly TransferSummary[]): string {
  return transfer
    .map((t) => {
      if ('port' in t && typeof t.port === 'string') return `${t.kind} ${t.port}`;
      if ('byteLength' in t && typeof t.byteLength === 'number') return `${t.kind} ${bytes(t.byteLength)}`;
      return t.kind;
    })
    .join(', ');
}

function sizeText(size: number, capped?: boolean): string {
  return `${bytes(size)}${capped ? '+' : ''}`;
}

/** The route-specific "where" of a message event. */
function where(e: { route: string; port?: string; partner?: string; channelName?: string; worker?: string }): string {
  switch (e.route) {
    case 'port':
      return e.partner !== undefined ? `${e.port ?? '?'} → ${e.partner}` : (e.port ?? '?');
    case 'window':
      return '';
    case 'broadcast':
      return e.channelName !== undefined ? `channel ${JSON.stringify(e.channelName)}` : '';
    case 'worker':
      return e.worker !== undefined ? `worker ${e.worker}` : '';
    default:
      return '';
  }
}

/** One line describing an event: route, ports, transfer kinds, error, outcome and a payload preview. */
export function summarize(e: EntangleEvent): string {
  const parts: string[] = [];
  switch (e.type) {
    case 'realmStarted':
      parts.push(e.kind, e.url);
      if (e.origin && !e.url.startsWith(e.origin)) parts.push(`(${e.origin})`);
      break;
    case 'channelCreated':
      parts.push(e.channel, `${e.port1} ⇄ ${e.port2}`);
      break;
    case 'messageSent':
      parts.push(e.route, where(e));
      if (e.transfer.length > 0) parts.push(`transfer [${transferText(e.transfer)}]`);
      if (e.size !== undefined) parts.push(sizeText(e.size, e.sizeCapped));
      if (e.outcome !== 'posted') parts.push(`⚠ ${e.outcome}`);
      if (e.error) parts.push(`✖ ${e.error.name}: ${e.error.message}${e.error.path !== undefined ? ` (at ${e.error.path})` : ''}`);
      if (e.preview !== undefined) parts.push(previewText(e.preview));
      break;
    case 'messageReceived':
      parts.push(e.route, where(e));
      if (e.route !== 'port' || e.origin) parts.push(`from ${e.origin || '(no origin)'}`);
      if (e.source !== undefined) parts.push(`(${e.source}${e.childIndex !== undefined ? ` #${e.childIndex}` : ''})`);
      if (e.ports.length > 0) parts.push(`ports [${e.ports.join(', ')}]`);
      if (e.size !== undefined) parts.push(sizeText(e.size, e.sizeCapped));
      parts.push(previewText(e.preview));
      break;
    case 'messageUndeserializable':
      parts.push(e.route, where(e), `from ${e.origin || '(no origin)'}`, '✖ messageerror: could not deserialize');
      break;
    case 'portStarted':
      parts.push(e.port, e.implicit ? 'started by onmessage' : 'started by start()');
      break;
    case 'portClosed':
      parts.push(e.port, 'closed');
      break;
    case 'workerCreated':
      parts.push(e.worker, e.workerType, e.url);
      if (e.sharedPort !== undefined) parts.push(`shared, port ${e.sharedPort}`);
      break;
    case 'broadcastChannelCreated':
      parts.push(e.bc, `channel ${JSON.stringify(e.channelName)}`);
      break;
    case 'broadcastChannelClosed':
      parts.push(e.bc, 'closed');
      break;
    case 'serviceWorkerFound':
      parts.push(e.worker, e.state, e.scriptURL);
      if (e.scope !== undefined) parts.push(`scope ${e.scope}`);
      break;
    case 'realmGone':
      parts.push(e.persisted ? 'put in the back/forward cache (it may come back)' : 'unloaded');
      break;
    case 'recorderFault':
      parts.push(`⚠ the recorder failed during a ${e.during}: ${e.message}`);
      break;
    case 'windowMessageDropped':
      parts.push(`⊘ dropped: targetOrigin ${e.targetOrigin} does not match the receiver's origin ${e.recipientOrigin}`);
      if (e.url !== undefined) parts.push(`at ${e.url}${e.line !== undefined ? `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : ''}`);
      break;
    default:
      return `unknown event ${JSON.stringify((e as { type?: unknown }).type)}`;
  }
  return parts.filter((p) => p !== '').join('  ');
}
