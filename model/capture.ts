/**
 * Capture files: the event log and what is needed to rebuild the model, as versioned JSON,
 * optionally gzip-compressed. The format is documented in docs/capture-format.md.
 *
 * Reading trusts nothing: a capture may come from anywhere (a bug report, a hostile page's author).
 * Every step is bounded — the input size, the decompressed size, the nesting depth, every string —
 * and a failure is a message that names the problem and where it is, never an exception.
 *
 * The reader reads every version ever written: `readCapture` dispatches on the file's version and
 * migrates what it read to the newest in-memory form (`Capture`). A new version adds a case to
 * `fromFile`, a reader for its JSON form and a migration from the previous in-memory form.
 *
 * Pure TypeScript: gzip goes through the web-standard CompressionStream / DecompressionStream, so it
 * runs the same in the panel, in a worker and in Node (18+).
 */
import { CUSTODY_VIAS, type CustodyVia, type CutPairs, type JoinEnd, type PortJoin } from './model-types';
import { CONTEXT_BOUND, CONTEXT_JOINS_BOUND, CONTEXT_TYPES, type LogContext, type LogGap, type LogRecord } from './log';
import { assertNever, UNTRUSTED_REASONS, type EntangleEvent, type FrameRef, type UntrustedReason, type WorkerPlace } from './protocol';
import { MAX_BATCH_CHARS, MAX_BATCH_EVENTS, RELAY_BUFFER_CHARS, RELAY_BUFFER_EVENTS } from './relay';
import { eventProblem, type Where } from './validate';

/** The value of every capture's `format` field. */
export const CAPTURE_FORMAT = 'entangle-capture';
/** The version `writeCapture` writes, and the newest one `readCapture` reads. */
export const CAPTURE_VERSION = 1;
/** Every version this reader reads (all of them, from 1 to CAPTURE_VERSION). */
type FileVersion = 1;

const MiB = 1024 * 1024;
/** Default bound on the JSON text of a capture (also on the decompressed size of a gzip file). */
export const DEFAULT_MAX_BYTES = 64 * MiB;
/** Deepest nesting of arrays and objects in a capture (a preview is at most 25 levels; see validate.ts). */
export const MAX_NESTING = 64;

const MAX_STRING = 16_384;
const MAX_SHORT = 256;
const MAX_REALM = 64;
const MAX_PROBLEMS = 1_000;
const MAX_BOUNDS = 64;
const GAP_REASONS: readonly LogGap['reason'][] = ['relayBufferFull', 'batchRejected', 'unwatched', 'unknown'];
const BOUND_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The program that wrote a capture. */
export interface CaptureGenerator {
  /** `entangle` for the extension and the command-line tool. */
  name: string;
  version: string;
}

/** The top page that was recorded (`url` empty when there was none, e.g. a log built by hand). */
export interface CapturePage {
  url: string;
  title?: string;
}

/** The recorder and relay bounds in force while recording, by name (advisory: see relayBounds). */
export type CaptureBounds = Record<string, number>;

/** A version-1 capture in memory. */
export interface CaptureV1 {
  /** When the capture was written, ISO 8601 (`2025-01-31T12:00:00.000Z`). */
  createdAt: string;
  generator: CaptureGenerator;
  page: CapturePage;
  /** Sequence numbers that will never arrive (known losses). */
  gaps: LogGap[];
  /** The event log in arrival order. */
  records: LogRecord[];
  /** What came before the records when the log was saved part-way (after a clear, or once a bound had
   *  evicted its start): the scene they play in. Optional: files without it read as before. */
  context?: LogContext;
  bounds?: CaptureBounds;
  /** What went wrong while recording, if anything (the capture holds what was recorded before). */
  problems?: string[];
}

/** A capture in memory, in the newest version's form: what `readCapture` returns for a file of any version. */
export type Capture = CaptureV1;

/** What `writeCapture` needs: a capture, with `createdAt` defaulting to now. */
export type CaptureInput = Omit<Capture, 'createdAt' | 'gaps'> & { createdAt?: string | Date; gaps?: LogGap[] };

export interface ReadOptions {
  /** Most bytes of JSON text accepted, before and after decompression (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
}

/** `fileVersion`: the version the file was written in (`capture` is always in the newest form). */
export type ReadResult = { ok: true; capture: Capture; fileVersion: number } | { ok: false; error: string };

/** The bounds of the content relay (model/relay.ts), to record in a capture's `bounds`. */
export function relayBounds(): CaptureBounds {
  return {
    relayBufferEvents: RELAY_BUFFER_EVENTS,
    relayBufferChars: RELAY_BUFFER_CHARS,
    maxBatchChars: MAX_BATCH_CHARS,
    maxBatchEvents: MAX_BATCH_EVENTS,
  };
}

// ---------------------------------------------------------------------------------------------------
// Writing

/**
 * The JSON text of a capture in the newest version. The input is validated exactly as a reader would
 * validate it (a capture that is written can be read back); an invalid input throws an Error naming
 * the problem. One record per line, so a capture can be read with `grep`, `head` and a diff.
 * The size is not bounded here: a capture bigger than a reader's limit needs a larger `maxBytes`.
 */
export function writeCapture(input: CaptureInput): string {
  const when = input.createdAt ?? new Date();
  // An invalid Date has no ISO form: write something the check below rejects with its message.
  const createdAt = typeof when === 'string' ? when : Number.isNaN(when.getTime()) ? 'Invalid Date' : when.toISOString();
  const capture: Capture = {
    createdAt,
    generator: input.generator,
    page: input.page,
    gaps: input.gaps ?? [],
    records: input.records,
    ...(input.context !== undefined && (input.context.records.length > 0 || input.context.joins.length > 0 || input.context.pairsCut.length > 0) ? { context: input.context } : {}),
    ...(input.bounds !== undefined ? { bounds: input.bounds } : {}),
    ...(input.problems !== undefined ? { problems: input.problems } : {}),
  };
  let clean: Capture;
  try {
    checkNesting(capture);
    clean = readV1(capture as unknown as Record<string, unknown>);
  } catch (err) {
    if (err instanceof CaptureError) throw new Error(`cannot write capture: ${err.message}`);
    throw err;
  }
  const field = (key: string, value: unknown): string => `${JSON.stringify(key)}:${JSON.stringify(value)},\n`;
  const lines = (items: readonly unknown[]): string => (items.length === 0 ? '[]' : `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]`);
  return (
    `{"format":${JSON.stringify(CAPTURE_FORMAT)},"version":${CAPTURE_VERSION},\n` +
    field('createdAt', clean.createdAt) +
    field('generator', clean.generator) +
    field('page', clean.page) +
    (clean.bounds !== undefined ? field('bounds', clean.bounds) : '') +
    (clean.problems !== undefined ? field('problems', clean.problems) : '') +
    (clean.context !== undefined
      ? `"context":{"records":${lines(recordsForFile(clean.context.records))},\n"joins":${lines(clean.context.joins)},\n"pairsCut":${lines(clean.context.pairsCut)}},\n`
      : '') +
    `"gaps":${lines(clean.gaps)},\n` +
    `"records":${lines(recordsForFile(clean.records))}}\n`
  );
}

/** `writeCapture`, gzip-compressed (a `.json.gz` file). */
export async function writeCaptureGzip(input: CaptureInput): Promise<Uint8Array> {
  const text = new TextEncoder().encode(writeCapture(input));
  const chunks: Uint8Array[] = [];
  const reader = streamOf(text).pipeThrough(new CompressionStream('gzip')).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return concat(chunks, chunks.reduce((n, c) => n + c.byteLength, 0));
}

// ---------------------------------------------------------------------------------------------------
// Reading

/**
 * Reads a capture of any version from its bytes (JSON or gzip-compressed JSON, told apart by the gzip
 * magic bytes) or its text. Never throws: a failure is `{ ok: false, error }` with a message naming
 * the problem and where it is.
 */
export async function readCapture(input: Uint8Array | string, options: ReadOptions = {}): Promise<ReadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new CaptureError('maxBytes must be a positive integer');
    let text: string;
    if (typeof input === 'string') {
      // eslint-disable-next-line no-control-regex
      const size = /[^\u0000-\u007f]/.test(input) ? utf8Length(input) : input.length;
      if (size === 0) throw new CaptureError('file is empty');
      if (size > maxBytes) throw new CaptureError(`file is ${size} bytes, more than the limit of ${formatBytes(maxBytes)}`);
      text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    } else {
      if (input.byteLength === 0) throw new CaptureError('file is empty');
      if (input.byteLength > maxBytes) throw new CaptureError(`file is ${input.byteLength} bytes, more than the limit of ${formatBytes(maxBytes)}`);
      text = input[0] === GZIP_MAGIC[0] && input[1] === GZIP_MAGIC[1] ? await gunzipText(input, maxBytes) : decodeUtf8(input);
    }
    const value = parseJson(text);
    checkNesting(value);
    const { capture, fileVersion } = fromFile(value);
    return { ok: true, capture, fileVersion };
  } catch (err) {
    if (err instanceof CaptureError) return { ok: false, error: err.message };
    // Not expected (every check above throws CaptureError), but a reader must never throw.
    return { ok: false, error: `cannot read capture: ${err instanceof Error ? err.message : String(err)}` };
  }
}

class CaptureError extends Error {}

function fail(message: string): never {
  throw new CaptureError(message);
}

/** Dispatches on the file's format and version; every version is migrated to the newest form. */
function fromFile(value: unknown): { capture: Capture; fileVersion: FileVersion } {
  if (!isObject(value)) fail('not an Entangle capture (not a JSON object)');
  if (!Object.hasOwn(value, 'format')) fail('not an Entangle capture (no "format" field)');
  if (value.format !== CAPTURE_FORMAT) fail(`not an Entangle capture (format is ${show(value.format)})`);
  if (!Object.hasOwn(value, 'version')) fail('capture has no version');
  const version = value.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) fail(`capture version must be a positive integer (is ${show(version)})`);
  if (version > CAPTURE_VERSION) fail(`capture version ${version} is newer than this reader (reads ${CAPTURE_VERSION === 1 ? '1' : `1 to ${CAPTURE_VERSION}`})`);
  const fileVersion = version as FileVersion;
  switch (fileVersion) {
    case 1:
      return { capture: readV1(value), fileVersion };
    default:
      return assertNever(fileVersion, 'capture version');
  }
}

/** Reads and validates the version-1 form. The result holds fresh objects with only the known fields
 *  (events are kept as parsed, after validation). */
function readV1(file: Record<string, unknown>): CaptureV1 {
  const createdAt = file.createdAt;
  if (typeof createdAt !== 'string' || createdAt.length > 64 || !ISO_DATE_TIME.test(createdAt) || !Number.isFinite(Date.parse(createdAt))) {
    fail('createdAt must be an ISO 8601 date and time (like "2025-01-31T12:00:00.000Z")');
  }

  const generator = object(file.generator, 'generator');
  const name = shortString(generator.name, 'generator.name', 1);
  const version = shortString(generator.version, 'generator.version', 0);

  const page = object(file.page, 'page');
  const url = string(page.url, 'page.url');
  const title = page.title === undefined ? undefined : string(page.title, 'page.title');

  const capture: CaptureV1 = {
    createdAt,
    generator: { name, version },
    page: title === undefined ? { url } : { url, title },
    gaps: gapsOf(file.gaps),
    records: recordsOf(file.records, 'records'),
  };
  if (file.context !== undefined) capture.context = contextOf(file.context, capture.records);

  if (file.bounds !== undefined) {
    const bounds = object(file.bounds, 'bounds');
    const entries = Object.keys(bounds).map((key): [string, number] => {
      if (!BOUND_NAME.test(key)) fail(`bounds: ${show(key)} is not a valid name (a letter, then up to 63 letters, digits, _ . -)`);
      const v = bounds[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`bounds.${key} must be a finite number`);
      return [key, v];
    });
    if (entries.length > MAX_BOUNDS) fail(`bounds has more than ${MAX_BOUNDS} entries`);
    capture.bounds = Object.fromEntries(entries);
  }

  if (file.problems !== undefined) {
    const problems = file.problems;
    if (!Array.isArray(problems)) fail('problems must be an array of strings');
    if (problems.length > MAX_PROBLEMS) fail(`problems has more than ${MAX_PROBLEMS} entries`);
    capture.problems = problems.map((p, i) => string(p, `problems[${i}]`));
  }
  return capture;
}

function gapsOf(value: unknown): LogGap[] {
  if (!Array.isArray(value)) fail('gaps must be an array');
  return value.map((item, i): LogGap => {
    const where = `gaps[${i}]`;
    const g = object(item, where);
    const realm = realmOf(g.realm, where);
    if (!isSeq(g.from)) fail(`${where}: from must be a positive integer`);
    if (!isSeq(g.to)) fail(`${where}: to must be a positive integer`);
    if (g.to < g.from) fail(`${where}: to (${g.to}) is before from (${g.from})`);
    if (!GAP_REASONS.includes(g.reason as LogGap['reason'])) fail(`${where}: reason must be one of ${GAP_REASONS.join(', ')}`);
    return { realm, from: g.from, to: g.to, reason: g.reason as LogGap['reason'] };
  });
}

/** `context`: its records may only set the scene (CONTEXT_TYPES), and come before each realm's first
 *  record in `records` (they are what was cut before it). */
function contextOf(value: unknown, records: readonly LogRecord[]): LogContext {
  const c = object(value, 'context');
  if (!Array.isArray(c.records) || c.records.length > CONTEXT_BOUND) fail(`context.records must be an array of at most ${CONTEXT_BOUND.toLocaleString('en-US')} records`);
  const scene = recordsOf(c.records, 'context.records');
  const first = new Map<string, number>();
  // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (!first.has(r.realm)) first.set(r.realm, r.event.seq);
  }
  scene.forEach((r, i) => {
    if (!CONTEXT_TYPES.has(r.event.type)) fail(`context.records[${i}].event: ${r.event.type} does not set the scene (only ${[...CONTEXT_TYPES].join(', ')})`);
    const before = first.get(r.realm);
    if (before !== undefined && r.event.seq >= before) fail(`context.records[${i}].event: seq ${r.event.seq} of realm ${show(r.realm)} is not before the realm's first record (${before})`);
  });
  if (!Array.isArray(c.joins) || c.joins.length > CONTEXT_JOINS_BOUND) fail(`context.joins must be an array of at most ${CONTEXT_JOINS_BOUND.toLocaleString('en-US')} steps`);
  const pairs = c.pairsCut ?? [];
  if (!Array.isArray(pairs) || pairs.length > CONTEXT_JOINS_BOUND) fail(`context.pairsCut must be an array of at most ${CONTEXT_JOINS_BOUND.toLocaleString('en-US')} ports`);
  return { records: scene, joins: c.joins.map((j, i) => joinOf(j, `context.joins[${i}]`)), pairsCut: pairs.map((p, i) => cutPairsOf(p, `context.pairsCut[${i}]`)) };
}

function cutPairsOf(value: unknown, where: string): CutPairs {
  const p = object(value, where);
  const port = shortString(p.port, `${where}.port`, 1);
  for (const k of ['receipts', 'sends'] as const) {
    const n = p[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(`${where}: ${k} must be a non-negative integer`);
  }
  return { port, receipts: p.receipts as number, sends: p.sends as number };
}

function joinOf(value: unknown, where: string): PortJoin {
  const j = object(value, where);
  if (!CUSTODY_VIAS.includes(j.via as CustodyVia)) fail(`${where}: via must be one of ${CUSTODY_VIAS.join(', ')}`);
  if (!Array.isArray(j.evidence) || j.evidence.length > 2) fail(`${where}: evidence must be an array of at most 2 events`);
  const join: PortJoin = {
    from: joinEndOf(j.from, `${where}.from`),
    to: joinEndOf(j.to, `${where}.to`),
    via: j.via as CustodyVia,
    evidence: j.evidence.map((e, k) => {
      const ref = object(e, `${where}.evidence[${k}]`);
      const realm = realmOf(ref.realm, `${where}.evidence[${k}]`);
      if (!isSeq(ref.seq)) fail(`${where}.evidence[${k}]: seq must be a positive integer`);
      return { realm, seq: ref.seq };
    }),
  };
  for (const flag of ['inferred', 'confirmed', 'ambiguous'] as const) {
    if (j[flag] === undefined) continue;
    if (typeof j[flag] !== 'boolean') fail(`${where}: ${flag} must be true or false`);
    if (j[flag]) join[flag] = true;
  }
  if (j.leftT !== undefined) {
    if (typeof j.leftT !== 'number' || !Number.isFinite(j.leftT)) fail(`${where}: leftT must be a finite number`);
    join.leftT = j.leftT;
  }
  return join;
}

function joinEndOf(value: unknown, where: string): JoinEnd {
  const e = object(value, where);
  const id = shortString(e.id, `${where}.id`, 1);
  const realm = realmOf(e.realm, where);
  if (typeof e.observed !== 'boolean') fail(`${where}: observed must be true or false`);
  // A port Entangle never saw has a made-up id, `<realm>:?<n>` (model/correlator.ts).
  if (!e.observed && !/:\?\d{1,6}$/.test(id)) fail(`${where}: a port not observed must have a made-up id ("<realm>:?<n>")`);
  if (typeof e.t !== 'number' || !Number.isFinite(e.t)) fail(`${where}: t must be a finite number`);
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 0) fail(`${where}: seq must be a non-negative integer`);
  return { id, realm, observed: e.observed, t: e.t, seq: e.seq };
}

/** A record's place in the file (`records[12]`, or a part of it), made into text only for an error. */
class RecordPlace {
  index = 0;
  constructor(
    private readonly list: string,
    private readonly part = '',
  ) {}
  toString(): string {
    return `${this.list}[${this.index}]${this.part}`;
  }
}

function recordsOf(value: unknown, name: 'records' | 'context.records'): LogRecord[] {
  if (!Array.isArray(value)) fail(`${name} must be an array`);
  /** Per realm, the seq of its latest record: a realm's events arrive in order, each at most once. */
  const lastSeq = new Map<string, number>();
  /** Per realm, the frame facts of its latest record: a record that omits them has the same. */
  const lastFrame = new Map<string, { parentFrameId: number | undefined; url: string | undefined; worker: WorkerPlace | undefined }>();
  // The record's location, as text only when a check fails (see Where).
  const where = new RecordPlace(name);
  const eventWhere = new RecordPlace(name, '.event');
  return value.map((item, i): LogRecord => {
    where.index = eventWhere.index = i;
    const r = object(item, where);
    const realm = realmOf(r.realm, where);
    const tabId = r.tabId;
    if (typeof tabId !== 'number' || !Number.isSafeInteger(tabId) || tabId < -1) fail(`${where}: tabId must be an integer (-1 or more)`);
    const frame = lastFrame.get(realm);
    const worker = r.worker === undefined ? frame?.worker : workerPlace(r.worker, `${where}.worker`);
    const frameId = r.frameId;
    // A worker recorded from the inside is no frame: its records say -1. Nor is the browser, which
    // reports the window messages it dropped (windowMessageDropped): -1 or a frame.
    const noFrame = worker === undefined && frameId === -1 && isObject(r.event) && r.event.type === 'windowMessageDropped';
    if (worker !== undefined ? frameId !== -1 : !noFrame && (typeof frameId !== 'number' || !Number.isSafeInteger(frameId) || frameId < 0)) {
      fail(worker !== undefined ? `${where}: frameId of a worker's record must be -1` : `${where}: frameId must be a non-negative integer`);
    }
    if (r.parentFrameId !== undefined && (typeof r.parentFrameId !== 'number' || !Number.isSafeInteger(r.parentFrameId) || r.parentFrameId < -1)) {
      fail(`${where}: parentFrameId must be an integer (-1 or more)`);
    }
    const parentFrameId = (r.parentFrameId as number | undefined) ?? frame?.parentFrameId;
    const url = r.url === undefined ? frame?.url : string(r.url, `${where}.url`);
    if (!frame) lastFrame.set(realm, { parentFrameId, url, worker });
    else {
      frame.parentFrameId = parentFrameId;
      frame.url = url;
      frame.worker = worker;
    }

    // The relay's per-event checks, one event at a time (a capture's seqs may jump; a batch's may not).
    // Capture version 1 holds wire-protocol version 1 events: when the protocol changes, this reader
    // must keep checking version-1 events (see docs/capture-format.md, Versioning).
    const problem = eventProblem(r.event, eventWhere);
    if (problem !== undefined) fail(problem);
    const event = r.event as EntangleEvent;

    const before = lastSeq.get(realm);
    if (before !== undefined && event.seq <= before) fail(`${where}.event: seq ${event.seq} of realm ${show(realm)} does not follow ${before} (a realm's seqs only increase)`);
    lastSeq.set(realm, event.seq);

    const record: LogRecord = { realm, tabId, frameId: frameId as number, event };
    if (worker !== undefined) record.worker = worker;
    if (parentFrameId !== undefined) record.parentFrameId = parentFrameId;
    if (url !== undefined) record.url = url;
    if (r.opener !== undefined) record.opener = frameRef(r.opener, `${where}.opener`);
    if (r.untrusted !== undefined) {
      if (!UNTRUSTED_REASONS.includes(r.untrusted as UntrustedReason)) fail(`${where}.untrusted must be one of ${UNTRUSTED_REASONS.join(', ')}`);
      record.untrusted = r.untrusted as UntrustedReason;
    }
    return record;
  });
}

/**
 * The records as written: `parentFrameId` and `url` only where they differ from the realm's previous
 * record (the reader carries them forward). The URL on every record was a fifth of a capture's size.
 */
function recordsForFile(records: readonly LogRecord[]): unknown[] {
  const last = new Map<string, LogRecord>();
  return records.map((r) => {
    const prev = last.get(r.realm);
    last.set(r.realm, r);
    if (prev && prev.parentFrameId === r.parentFrameId && prev.url === r.url && prev.worker?.target === r.worker?.target && (r.parentFrameId !== undefined || r.url !== undefined || r.worker !== undefined)) {
      // A popup's records keep their opener, an untrusted realm's its reason, on every record (small, and rare).
      return {
        realm: r.realm,
        tabId: r.tabId,
        frameId: r.frameId,
        ...(r.opener ? { opener: r.opener } : {}),
        ...(r.untrusted ? { untrusted: r.untrusted } : {}),
        event: r.event,
      };
    }
    return r;
  });
}

// ---------------------------------------------------------------------------------------------------
// Field checks

/** Where a worker recorded from the inside runs (LogRecord.worker). */
function workerPlace(v: unknown, where: string): WorkerPlace {
  const o = object(v, where);
  const place: WorkerPlace = {
    target: shortString(o.target, `${where}.target`, 1),
    type: o.type === 'worker' || o.type === 'sharedworker' || o.type === 'serviceworker' ? o.type : fail(`${where}.type must be worker, sharedworker or serviceworker`),
    url: string(o.url, `${where}.url`),
  };
  if (o.parent !== undefined) place.parent = shortString(o.parent, `${where}.parent`, 1);
  return place;
}

/** A popup record's opener frame (LogRecord.opener). */
function frameRef(v: unknown, where: string): FrameRef {
  const o = object(v, where);
  const { tabId, frameId } = o;
  if (typeof tabId !== 'number' || !Number.isSafeInteger(tabId) || tabId < -1) fail(`${where}.tabId must be an integer (-1 or more)`);
  if (typeof frameId !== 'number' || !Number.isSafeInteger(frameId) || frameId < 0) fail(`${where}.frameId must be a non-negative integer`);
  return { tabId, frameId };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, where: Where): Record<string, unknown> {
  if (!isObject(v)) fail(`${where} must be an object`);
  return v;
}

function string(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(`${where} must be a string`);
  if (v.length > MAX_STRING) fail(`${where} is longer than ${MAX_STRING} characters`);
  return v;
}

function shortString(v: unknown, where: string, min: number): string {
  if (typeof v !== 'string' || v.length < min || v.length > MAX_SHORT) fail(`${where} must be a ${min > 0 ? 'non-empty ' : ''}string of at most ${MAX_SHORT} characters`);
  return v;
}

function realmOf(v: unknown, where: Where): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_REALM) fail(`${where}: realm must be a string of 1 to ${MAX_REALM} characters`);
  return v;
}

function isSeq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

/** A value for a message: JSON, cut short. */
function show(v: unknown): string {
  const text = v === undefined ? 'undefined' : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// ---------------------------------------------------------------------------------------------------
// Hostile input

/**
 * Walks the parsed value: fails on nesting deeper than MAX_NESTING (JSON.parse in V8 parses any depth,
 * but every recursive consumer after it — JSON.stringify, structuredClone, a view — would overflow its
 * stack) and on `__proto__` keys (JSON.parse makes them own properties, which is harmless until someone
 * merges the object with Object.assign or a deep copy). Recursive, since the depth it goes to is that
 * bound, and allocating nothing per node (a 100,000-message capture has about a million).
 */
function checkNesting(root: unknown): void {
  if (typeof root !== 'object' || root === null) return;
  /** keys[d]: where the node at depth d is in its parent (keys[0], the root's, is unused). */
  const keys: (string | number)[] = [''];
  const label = (key: string | number): string =>
    typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key).slice(0, 40)}]`;
  /** The path of the node at `depth` (and of its child `last`), shortened in the middle. */
  const path = (depth: number, last?: string | number): string => {
    const parts = keys.slice(1, depth + 1);
    if (last !== undefined) parts.push(last);
    const labels = parts.map(label);
    const shown = labels.length > 8 ? [...labels.slice(0, 6), '…', ...labels.slice(-1)] : labels;
    return shown.join('').replace(/^\./, '') || '(top level)';
  };
  const child = (node: object, depth: number, key: string | number, value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    // An event's preview (most of a capture's nodes) is walked by the event validator, which bounds its
    // depth and rejects "__proto__" keys in it: not walked twice.
    if (key === 'preview' && depth === 3 && keys[3] === 'event' && keys[1] === 'records' && previewValidated(node)) return;
    if (depth + 1 >= MAX_NESTING) fail(`nesting too deep: more than ${MAX_NESTING} levels at ${path(depth, key)}`);
    keys[depth + 1] = key;
    walk(value, depth + 1);
  };
  const walk = (node: object, depth: number): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) child(node, depth, i, node[i]);
      return;
    }
    // Own enumerable keys, as Object.keys gives them (writeCapture walks objects its caller built).
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (key === '__proto__') fail(`${path(depth)}: key "__proto__" is not allowed`);
      child(node, depth, key, (node as Record<string, unknown>)[key]);
    }
  };
  walk(root, 0);
}

/** Event types whose `preview` the event validator walks (depth bound, "__proto__" keys). */
function previewValidated(event: object): boolean {
  const type = (event as { type?: unknown }).type;
  return type === 'messageSent' || type === 'messageReceived';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // Engines whose JSON.parse recurses report deep nesting as a RangeError (InternalError in Firefox).
    if (err instanceof RangeError || (err instanceof Error && err.name === 'InternalError')) fail(`nesting too deep: more than ${MAX_NESTING} levels`);
    const message = err instanceof Error ? err.message : String(err);
    // eslint-disable-next-line no-control-regex
    const cleaned = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 200);
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : syntaxErrorAt(text);
    fail(`not JSON: ${cleaned}${position >= 0 ? ` (${lineColumn(text, position)})` : ''}`);
  }
}

/**
 * Where the first JSON syntax error in `text` is (-1: none found). Only used to say where a parse
 * failed when the engine's message does not (V8 names the position for some errors, not all).
 * A scanner, not a parser: it builds nothing and does not recurse.
 */
function syntaxErrorAt(text: string): number {
  const closers: string[] = [];
  let i = 0;
  let state: 'value' | 'key' | 'after' = 'value';
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  /** Each helper moves past its token and answers true, or stops at the fault and answers false. */
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    for (i++; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) return false;
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) return false;
      }
    }
    return false;
  };
  const word = (w: string): boolean => {
    for (const c of w) {
      if (text[i] !== c) return false;
      i++;
    }
    return true;
  };
  const digits = (): boolean => {
    if (!isDigit(text[i])) return false;
    while (isDigit(text[i])) i++;
    return true;
  };
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  for (;;) {
    skipSpace();
    if (state === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        closers.push(c === '{' ? '}' : ']');
        i++;
        skipSpace();
        if (text[i] === closers[closers.length - 1]) {
          closers.pop();
          i++;
          state = 'after';
        } else state = c === '{' ? 'key' : 'value';
        continue;
      }
      const ok = c === '"' ? string() : c === 't' ? word('true') : c === 'f' ? word('false') : c === 'n' ? word('null') : number();
      if (!ok) return i;
      state = 'after';
    } else if (state === 'key') {
      if (!string()) return i;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
    } else {
      const closer = closers[closers.length - 1];
      if (closer === undefined) return i < text.length ? i : -1;
      if (text[i] === ',') {
        i++;
        state = closer === '}' ? 'key' : 'value';
      } else if (text[i] === closer) {
        closers.pop();
        i++;
      } else return i;
    }
  }
}

function lineColumn(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // Strips a leading byte order mark; `fatal`: invalid UTF-8 fails rather than becoming U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('not UTF-8 text (neither JSON nor gzip)');
  }
}

/**
 * Decompresses gzip data into its UTF-8 text, failing as soon as the output passes `maxBytes` (a gzip
 * bomb stops there). Each piece is decoded as it comes: the decompressed bytes (tens of megabytes for a
 * large capture) are never copied into one buffer first.
 */
async function gunzipText(input: Uint8Array, maxBytes: number): Promise<string> {
  const reader = streamOf(input).pipeThrough(new DecompressionStream('gzip')).getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts: string[] = [];
  let size = 0;
  const decoded = async (bytes?: Uint8Array): Promise<string> => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      await reader.cancel().catch(() => undefined);
      return fail('gzip data is not UTF-8 text');
    }
  };
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/end of (file|stream|input)|truncated|incomplete/i.test(message)) fail(`gzip data is truncated (${message})`);
      fail(`gzip data is corrupt (${message})`);
    }
    if (result.done) break;
    size += result.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      fail(`gzip data expands to more than the limit of ${formatBytes(maxBytes)}`);
    }
    parts.push(await decoded(result.value));
  }
  if (size === 0) fail('gzip data is empty');
  parts.push(await decoded());
  return parts.join('');
}

function streamOf(bytes: Uint8Array): ReadableStream<BufferSource> {
  return new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(bytes as Uint8Array<ArrayBuffer>);
      controller.close();
    },
  });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Bytes of `text` in UTF-8 (a lone surrogate counts 3, as TextEncoder writes U+FFFD). */
function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 4 bytes for 2 code units
      i++;
    } else n += 2;
  }
  return n;
}

function formatBytes(n: number): string {
  if (n % MiB === 0) return `${n / MiB} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
