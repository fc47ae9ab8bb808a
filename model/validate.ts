/**
 * Checks a batch that arrived from the page's main world before anything else trusts it.
 *
 * The relay cannot tell a well-behaved recorder from a hostile page that found a way to talk to it,
 * so every field is checked for type and size, and a failure names what was wrong and where.
 */
import { DROPPED_STACK_CHARS, DROPPED_URL_CHARS, EVENT_TYPES, PROTOCOL_VERSION, type Batch, type EntangleEvent, type Route } from './protocol';
import { MAX_BATCH_CHARS, MAX_BATCH_EVENTS, type RoutedBatchText } from './relay';
import type { RoutedBatch } from './protocol';
import { MAX_STRING, previewProblem } from './validate-preview';
import { parseMessageId } from './replay';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

const ROUTES: readonly Route[] = ['port', 'window', 'worker', 'broadcast'];
const OUTCOMES = ['posted', 'doomed', 'portClosed', 'partnerClosed'];
/** The optional string fields of a send, and of a receipt (or an undeserializable one). */
const SENT_STRINGS = ['port', 'partner', 'channelName', 'worker', 'client', 'bc', 'stack'] as const;
const RECEIVED_STRINGS = ['port', 'channelName', 'worker', 'client', 'bc'] as const;
const WINDOW_RELATIONS = ['self', 'parent', 'top', 'opener', 'child', 'other', 'none'];
const REALM_KINDS = ['top', 'iframe', 'popup', 'worker', 'sharedworker', 'serviceworker'];
const eventTypes = new Set<string>(EVENT_TYPES);
const canonicalType = new Map<string, EntangleEvent['type']>(EVENT_TYPES.map((t) => [t, t]));
/** The one empty port or transfer list every event that moves nothing shares (frozen: never written). */
const NOTHING: never[] = Object.freeze([]) as never[];

/**
 * Once an event has passed the checks, shares in place the values most events repeat. Parsed JSON gives
 * every event its own copy of its type string and of its empty port or transfer list: in a log of
 * 200,000 events, 400,000 objects that each major garbage collection walks (bench/panel.mjs).
 */
function shareRepeated(e: Record<string, unknown>): void {
  e.type = canonicalType.get(e.type as string);
  if (Array.isArray(e.transfer) && e.transfer.length === 0) e.transfer = NOTHING;
  if (Array.isArray(e.ports) && e.ports.length === 0) e.ports = NOTHING;
}

class Invalid extends Error {}

/**
 * Where a checked value is, for an error message: text, or an object that gives it only when a check
 * fails (a capture's reader checks 200,000 events; their location strings, made up front, were most of
 * the garbage it made).
 */
export type Where = string | { toString(): string };

function fail(where: Where, what: string): never {
  throw new Invalid(`${String(where)}: ${what}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, where: Where, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'string') fail(where, `${key} must be a string`);
  if (v.length > MAX_STRING) fail(where, `${key} is longer than ${MAX_STRING} characters`);
}

/** An optional message id (`realm#seq`, as MessageModel.id). */
function messageId(o: Record<string, unknown>, key: string, where: Where): void {
  const v = o[key];
  if (v === undefined) return;
  if (typeof v !== 'string' || parseMessageId(v) === null) fail(where, `${key} must be a message id (realm#seq)`);
}

/** Longest origin a `windowMessageDropped` may name: an origin is a scheme, a host and a port. */
export const ORIGIN_CHARS = 2_048;

function bounded(o: Record<string, unknown>, key: string, max: number, where: Where): void {
  const v = o[key];
  if (typeof v !== 'string') fail(where, `${key} must be a string`);
  if (v.length > max) fail(where, `${key} is longer than ${max} characters`);
}

/** An optional 1-based line or column. */
function position(o: Record<string, unknown>, key: string, where: Where): void {
  const v = o[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(where, `${key} must be a positive integer`);
}

function num(o: Record<string, unknown>, key: string, where: Where, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, `${key} must be a finite number`);
}

function bool(o: Record<string, unknown>, key: string, where: Where, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'boolean') fail(where, `${key} must be a boolean`);
}

function oneOf(o: Record<string, unknown>, key: string, allowed: readonly string[], where: Where): void {
  if (!allowed.includes(o[key] as string)) fail(where, `${key} must be one of ${allowed.join(', ')}`);
}

function stringList(o: Record<string, unknown>, key: string, where: Where): void {
  const v = o[key];
  if (!Array.isArray(v)) fail(where, `${key} must be an array`);
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string' || s.length > 256) fail(where, `${key}[${i}] must be a short string`);
  }
}

/** A payload preview: its full schema (model/validate-preview.ts). */
function preview(v: unknown, where: Where): void {
  const problem = previewProblem(v);
  if (problem !== undefined) fail(where, problem);
}

/** A non-negative safe integer (sizes, indexes), when present or required. */
function count(o: Record<string, unknown>, key: string, where: Where, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (!isCount(v)) fail(where, `${key} must be a non-negative integer`);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** TransferSummary: a MessagePort names its port; an ArrayBuffer its size, when it could be read. */
function transferList(o: Record<string, unknown>, where: Where): void {
  const v = o.transfer;
  if (!Array.isArray(v)) fail(where, 'transfer must be an array');
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    if (!isRecord(t)) fail(where, `transfer[${i}] must be an object`);
    const problem = transferProblem(t);
    if (problem !== undefined) fail(`${String(where)}.transfer[${i}]`, problem);
  }
}

/** What is wrong with one transferred thing, or undefined (its location is made only on failure). */
function transferProblem(t: Record<string, unknown>): string | undefined {
  if (typeof t.kind !== 'string') return 'kind must be a string';
  if (t.kind.length > 256) return 'kind is longer than 256 characters';
  if (t.kind === 'MessagePort') {
    if (typeof t.port !== 'string' || t.port.length === 0 || t.port.length > 256) return 'a MessagePort must name its port (a short string)';
  } else if (t.port !== undefined) return `port belongs to a MessagePort, not a ${t.kind}`;
  if (t.byteLength !== undefined && t.kind !== 'ArrayBuffer') return `byteLength belongs to an ArrayBuffer, not a ${t.kind}`;
  if (t.byteLength !== undefined && !isCount(t.byteLength)) return 'byteLength must be a non-negative integer';
  return undefined;
}

function event(e: unknown, where: Where): void {
  if (!isRecord(e)) fail(where, 'not an object');
  if (!eventTypes.has(e.type as string)) {
    // Never String(e.type): an object with a hostile toString would throw here.
    fail(where, typeof e.type === 'string' ? `unknown type ${JSON.stringify(e.type.slice(0, 40))}` : `type must be a string, not ${typeof e.type}`);
  }
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) fail(where, 'seq must be a positive integer');
  num(e, 't', where);
  const type = e.type as EntangleEvent['type'];
  switch (type) {
    case 'realmStarted':
      oneOf(e, 'kind', REALM_KINDS, where);
      str(e, 'url', where);
      str(e, 'origin', where);
      str(e, 'name', where, true);
      if (e.protocol !== PROTOCOL_VERSION) fail(where, `protocol must be ${PROTOCOL_VERSION}`);
      return;
    case 'channelCreated':
      str(e, 'channel', where);
      str(e, 'port1', where);
      str(e, 'port2', where);
      return;
    case 'messageSent':
      oneOf(e, 'route', ROUTES, where);
      oneOf(e, 'outcome', OUTCOMES, where);
      for (let i = 0; i < SENT_STRINGS.length; i++) str(e, SENT_STRINGS[i]!, where, true);
      messageId(e, 'replayOf', where);
      transferList(e, where);
      count(e, 'size', where, true);
      bool(e, 'sizeCapped', where, true);
      if (e.preview !== undefined) preview(e.preview, where);
      if (e.error !== undefined) {
        if (!isRecord(e.error)) fail(where, 'error must be an object');
        const at = `${String(where)}.error`;
        str(e.error, 'name', at);
        str(e.error, 'message', at);
        str(e.error, 'path', at, true);
        str(e.error, 'culprit', at, true);
      }
      return;
    case 'messageReceived':
      oneOf(e, 'route', ROUTES, where);
      for (let i = 0; i < RECEIVED_STRINGS.length; i++) str(e, RECEIVED_STRINGS[i]!, where, true);
      messageId(e, 'replayOf', where);
      str(e, 'origin', where);
      if (e.source !== undefined) oneOf(e, 'source', WINDOW_RELATIONS, where);
      count(e, 'childIndex', where, true);
      stringList(e, 'ports', where);
      count(e, 'size', where, true);
      bool(e, 'sizeCapped', where, true);
      preview(e.preview, where);
      return;
    case 'messageUndeserializable':
      oneOf(e, 'route', ROUTES, where);
      for (let i = 0; i < RECEIVED_STRINGS.length; i++) str(e, RECEIVED_STRINGS[i]!, where, true);
      str(e, 'origin', where);
      return;
    case 'portStarted':
      str(e, 'port', where);
      bool(e, 'implicit', where);
      return;
    case 'portClosed':
      str(e, 'port', where);
      return;
    case 'workerCreated':
      str(e, 'worker', where);
      str(e, 'url', where);
      oneOf(e, 'workerType', ['classic', 'module'], where);
      str(e, 'name', where, true);
      str(e, 'sharedPort', where, true);
      return;
    case 'broadcastChannelCreated':
      str(e, 'bc', where);
      str(e, 'channelName', where);
      return;
    case 'broadcastChannelClosed':
      str(e, 'bc', where);
      return;
    case 'serviceWorkerFound':
      str(e, 'worker', where);
      str(e, 'scriptURL', where);
      str(e, 'state', where);
      str(e, 'scope', where, true);
      return;
    case 'realmGone':
      bool(e, 'persisted', where);
      return;
    case 'recorderFault':
      str(e, 'during', where);
      str(e, 'message', where);
      return;
    case 'windowMessageDropped':
      bounded(e, 'targetOrigin', ORIGIN_CHARS, where);
      bounded(e, 'recipientOrigin', ORIGIN_CHARS, where);
      if (e.url !== undefined) bounded(e, 'url', DROPPED_URL_CHARS, where);
      position(e, 'line', where);
      position(e, 'column', where);
      if (e.stack !== undefined) bounded(e, 'stack', DROPPED_STACK_CHARS, where);
      return;
  }
}

/** Checks one event: what is wrong, prefixed with `where` (e.g. `records[12].event`), or undefined. A
 *  valid event is changed in place: it shares its type string and an empty port or transfer list with
 *  other events. (No result object: a capture's reader checks 200,000 events.) */
export function eventProblem(value: unknown, where: Where): string | undefined {
  try {
    event(value, where);
    shareRepeated(value as Record<string, unknown>);
    return undefined;
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    throw err;
  }
}

/** Validates a parsed batch in either wire form (WireBatch): shape, sizes, and contiguous numbering
 *  within the batch. Its valid events are changed in place as eventProblem says; a shaped batch is
 *  read into its events. */
export function validateBatch(value: unknown): Validated<Batch> {
  try {
    if (!isRecord(value)) fail('batch', 'not an object');
    if (value.v !== PROTOCOL_VERSION) fail('batch', `unsupported protocol version ${JSON.stringify(value.v)}`);
    if (typeof value.realm !== 'string' || value.realm.length === 0 || value.realm.length > 64) fail('batch', 'realm must be a short string');
    if (value.form === 'shapes') {
      const batch: Batch = { v: PROTOCOL_VERSION, realm: value.realm, events: shapedEvents(value) };
      return { ok: true, value: batch };
    }
    if (value.form !== undefined) fail('batch', 'form must be "shapes", or absent (events)');
    const events = value.events;
    if (!Array.isArray(events) || events.length === 0) fail('batch', 'events must be a non-empty array');
    if (events.length > MAX_BATCH_EVENTS) fail('batch', `more than ${MAX_BATCH_EVENTS} events`);
    events.forEach((e, i) => {
      event(e, `event ${i}`);
      shareRepeated(e as Record<string, unknown>);
    });
    for (let i = 1; i < events.length; i++) {
      if (events[i].seq !== events[i - 1].seq + 1) fail(`event ${i}`, `seq ${events[i].seq} does not follow ${events[i - 1].seq}`);
    }
    return { ok: true, value: value as unknown as Batch };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * The events of a ShapedBatch (model/protocol.ts): event `i` is shape `of[i]` numbered `first + i`, at
 * the time `t` gives. Each shape is checked once, as the first event that has it (which it becomes);
 * the others are copies of it with their own time and number, sharing its values — nothing in the
 * panel writes into an event's values.
 */
/** Most fields a shape may have (an event of the protocol has at most about twenty). */
export const MAX_SHAPE_FIELDS = 48;

function shapedEvents(value: Record<string, unknown>): EntangleEvent[] {
  const { first, shapes, of, t } = value;
  if (!Number.isSafeInteger(first) || (first as number) < 1) fail('batch', 'first must be a positive integer');
  if (!Array.isArray(of) || of.length === 0) fail('batch', 'of must be a non-empty array');
  if (of.length > MAX_BATCH_EVENTS) fail('batch', `more than ${MAX_BATCH_EVENTS} events`);
  if (!Number.isSafeInteger((first as number) + of.length)) fail('batch', 'first must be a positive integer');
  if (!Array.isArray(t) || t.length !== of.length) fail('batch', 't must hold one time per event');
  if (!Array.isArray(shapes) || shapes.length === 0 || shapes.length > of.length) fail('batch', 'shapes must be a non-empty array, no longer than of');
  const checked: (Record<string, unknown> | undefined)[] = new Array(shapes.length);
  const events: EntangleEvent[] = new Array(of.length);
  let time = 0;
  for (let i = 0; i < of.length; i++) {
    const k = of[i];
    if (!Number.isSafeInteger(k) || k < 0 || k >= shapes.length) fail(`event ${i}`, 'of must name a shape');
    const d = t[i];
    if (typeof d !== 'number') fail(`event ${i}`, 't must be a number');
    time = i === 0 ? d : time + d;
    if (!Number.isFinite(time)) fail(`event ${i}`, 't must be a finite number');
    const seq = (first as number) + i;
    const shape = checked[k as number];
    if (shape === undefined) {
      const s = shapes[k as number] as unknown;
      if (!isRecord(s)) fail(`shape ${k}`, 'not an object');
      if (s.t !== 0 || s.seq !== 0) fail(`shape ${k}`, 't and seq must be 0');
      // Each event of the shape copies its fields: unbounded, a forged batch of one shape with a
      // million fields would make 5,000 copies of them from 8 MB of text.
      if (Object.keys(s).length > MAX_SHAPE_FIELDS) fail(`shape ${k}`, `more than ${MAX_SHAPE_FIELDS} fields`);
      s.t = time;
      s.seq = seq;
      event(s, `event ${i}`);
      shareRepeated(s);
      checked[k as number] = s;
      events[i] = s as unknown as EntangleEvent;
    } else {
      const e = { ...shape };
      e.t = time;
      e.seq = seq;
      events[i] = e as unknown as EntangleEvent;
    }
  }
  return events;
}

/** Parses and validates the JSON text of a batch. */
export function parseBatch(json: string, maxChars: number): Validated<Batch> {
  if (json.length > maxChars) return { ok: false, error: `batch: ${json.length} characters, more than ${maxChars}` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `batch: not JSON (${(err as Error).message})` };
  }
  return validateBatch(value);
}

/**
 * Parses and validates the text of a routed batch against its envelope. A batch that fails becomes
 * an empty batch whose seq range is a `batchRejected` gap, so the loss is counted, never silent.
 */
export function batchFromText(routed: RoutedBatchText): { routed: RoutedBatch; error: string | null } {
  const { json, realm, first, last, ...where } = routed;
  let error: string | null = json === '' ? 'rejected by the background' : null;
  if (error === null) {
    const parsed = parseBatch(json, MAX_BATCH_CHARS);
    if (!parsed.ok) error = parsed.error;
    else {
      const { events } = parsed.value;
      if (parsed.value.realm !== realm) error = `batch realm ${parsed.value.realm} does not match its envelope (${realm})`;
      else if (events[0]!.seq !== first || events[events.length - 1]!.seq !== last) error = 'batch seqs do not match its envelope';
      // Only the background's reporter (no frame, no worker) tells of dropped window messages: a page's
      // or a worker's batch that does is forging the browser's word.
      else if ((where.frameId !== -1 || where.worker !== undefined) && events.some((e) => e.type === 'windowMessageDropped')) error = "a recorder's batch holds windowMessageDropped, which only the browser reports";
      else return { routed: { ...where, batch: parsed.value }, error: null };
    }
  }
  return {
    routed: { ...where, batch: { v: PROTOCOL_VERSION, realm, events: [] }, dropped: { from: first, to: last, reason: 'batchRejected' } },
    error,
  };
}
