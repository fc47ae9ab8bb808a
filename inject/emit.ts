/**
 * The recorder's batches: events numbered, queued, serialized by the recorder's own serializer and
 * sent as batch envelopes (model/bridge.ts) through an outlet — in a document the detached node only
 * the content relay holds (documentOutlet.ts), in a worker the debugger's binding (worker.ts).
 */
import { encodeEnvelope } from '../model/bridge';
import { PROTOCOL_VERSION, type EntangleEvent, type RealmId } from '../model/protocol';
import type { ReplayCommand, ReplayResult } from '../model/replay';
import { errorIsError, getOwnPropertyDescriptor, hasOwn, jsonParse, jsonStringify, mathRound, now, objectKeys, put, setTimeoutNative, inheritedString } from './natives';
import { bounded, stringOr } from './preview';
import { nativeIsSafe, quote, writeJson } from './serialize';

const objectProto = Object.prototype;

/** Events queued before a flush is forced (a page posting in a tight loop never yields to a timer). */
const FLUSH_AT = 512;
const FLUSH_DELAY_MS = 15;
/**
 * Most characters one event may take once serialized. Previews bound every string they hold, but an
 * event also carries text the page wrote (an error's message, a stack): one too big has its preview,
 * stack and error text cut down, or is replaced by a `recorderFault` saying so, under its own seq —
 * never taking its neighbours with it (docs/security.md).
 */
export const MAX_EVENT_CHARS = 256 * 1024;
/** A batch is sent before its events reach this many characters, well within what the relay accepts
 *  (MAX_BATCH_CHARS), whatever the events queued. */
export const BATCH_CHARS = 4 * 1024 * 1024;

export interface RecorderConfig {
  captureStacks: boolean;
  /** Payload previews per second a realm makes at most; receipts beyond it carry `{ $t: 'skipped' }`. */
  previewsPerSecond: number;
}

export const DEFAULT_PREVIEWS_PER_SECOND = 2_000;

/** An event before the emitter numbers it. */
export type Unnumbered = EntangleEvent extends infer E ? (E extends EntangleEvent ? Omit<E, 'seq'> : never) : never;

export class Emitter {
  readonly config: RecorderConfig = { captureStacks: false, previewsPerSecond: DEFAULT_PREVIEWS_PER_SECOND };
  /** The queued events, in slots that exist as own elements from the start: storing into one never
   *  reaches an index setter the page put on Array.prototype. Serialized once per batch. */
  private readonly slots: unknown[] = newSlots(FLUSH_AT);
  private queued = 0;
  /** The seq of the first queued event. */
  private first = 0;
  private seq = 0;
  private timer = false;
  /** The document is leaving (pagehide, freeze): no timer may fire again, so every event goes out
   *  at once (the page's own pagehide/unload handlers may still post after the recorder's). */
  private immediate = false;
  /** Carries out a replay command (inject/replay.ts), once the instrumentation has set it. */
  commands: ((command: ReplayCommand) => ReplayResult) | undefined = undefined;

  private readonly send: (envelope: string) => void;

  /** `outlet` connects the emitter to what carries its batches out (documentOutlet.ts in a document,
   *  a debugger binding in a worker) and gives the function that sends one batch envelope. */
  constructor(
    readonly realm: RealmId,
    outlet: (emitter: Emitter) => (envelope: string) => void,
    /** The document is a frame's initial about:blank (see `idle`). */
    readonly initialBlank = false,
  ) {
    this.send = outlet(this);
  }

  /** Someone hears the outlet (the relay bound to the document's node). */
  private heard = false;

  /**
   * The realm's start goes out as soon as someone hears it (but an initial about:blank's, which is
   * usually replaced within a few milliseconds and then never matters): its relay then connects while
   * the frame still exists, so the background can look up the frame's place in the tree even when the
   * page removes the frame at once (as ad slots are).
   */
  private startAtOnce(): boolean {
    return this.heard && !this.initialBlank;
  }

  /** The outlet is heard from now on (documentOutlet: the relay bound). What waits goes out if it is the start. */
  outletHeard(): void {
    this.heard = true;
    if (this.queued > 0 && this.first === 1 && this.startAtOnce()) this.flush();
  }

  /** Settings from the extension (JSON of a RecorderConfig, possibly partial). */
  configure(json: unknown): void {
    // Text only: the parser would make text of anything else by calling its own toString.
    if (typeof json !== 'string') return;
    try {
      const c = jsonParse(json) as Partial<RecorderConfig>;
      if (typeof c !== 'object' || c === null) return;
      // Own members only: a missing one would be read from the page's Object.prototype.
      if (hasOwn(c, 'captureStacks') && typeof c.captureStacks === 'boolean') this.config.captureStacks = c.captureStacks;
      if (hasOwn(c, 'previewsPerSecond') && typeof c.previewsPerSecond === 'number' && c.previewsPerSecond >= 0) {
        this.config.previewsPerSecond = c.previewsPerSecond;
      }
    } catch {
      /* a malformed config changes nothing */
    }
  }

  /**
   * A replay command (docs/replay.md) as JSON: carried out at once; its result as JSON. The relay
   * checked the command's shape (model/replay.ts); the JSON is parsed with the saved parser (text
   * only: it would make text of anything else by calling its own toString), and only own members are
   * read.
   */
  command(json: unknown): string {
    let result: ReplayResult = { outcome: 'refused', reason: 'a malformed command' };
    try {
      if (typeof json === 'string') {
        const command = jsonParse(json) as ReplayCommand;
        result = this.commands && typeof command === 'object' && command !== null && hasOwn(command, 'do') ? this.commands(command) : { outcome: 'refused', reason: 'the recorder cannot replay here' };
      }
    } catch {
      /* a malformed command */
    }
    return nativeIsSafe() ? (jsonStringify(result) as string) : writeJson(result);
  }

  now(): number {
    return now();
  }

  /** The seq of the event recorded last. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Numbers `event` and queues it as JSON. `event` must be the recorder's own plain object, made
   *  with own data properties only (serialize.ts); it is not read again. */
  record(event: Unnumbered): void {
    // (`event.seq = n` would call a `seq` setter the page put on Object.prototype: when there is none —
    // the usual case, checked without running page code — the plain store is safe, and cheaper.)
    if (getOwnPropertyDescriptor(objectProto, 'seq') === undefined) (event as unknown as { seq: number }).seq = ++this.seq;
    else put(event, 'seq', ++this.seq);
    if (this.queued === 0) this.first = this.seq;
    this.slots[this.queued++] = event;
    if (this.queued >= FLUSH_AT || this.immediate || (this.seq === 1 && this.startAtOnce())) this.flush();
    else if (!this.timer) {
      this.timer = true;
      setTimeoutNative(() => {
        this.timer = false;
        this.flush();
      }, FLUSH_DELAY_MS);
    }
  }

  /** Records that recording failed, instead of losing the event silently. Never throws. */
  fault(during: string, err: unknown): void {
    try {
      this.record({ type: 'recorderFault', t: this.now(), during, message: describe(err) });
    } catch {
      /* nothing more can be done without disturbing the page */
    }
  }

  /** From now on each event is flushed as it is recorded (`true`), or batched again (`false`: the
   *  document came back from the back/forward cache, or resumed). Flushes what is queued. */
  setLeaving(on: boolean): void {
    this.immediate = on;
    this.flush();
  }

  /**
   * A frame's initial `about:blank`, replaced by the frame's first navigation, that recorded nothing
   * but its start: leaving in that state it did nothing worth reporting, so it records no `realmGone`,
   * and while leaving its start is not sent on its own (the relay does the same with a start it
   * already has: extension/content.ts). Should it record something after all, its start goes out with
   * it. Any other document that recorded only its start still matters: its only act may have been a
   * `window.postMessage`, which is recorded where it is received, and names this realm as the sender.
   */
  get idle(): boolean {
    return this.seq === 1 && this.initialBlank;
  }

  flush(): void {
    if (this.queued === 0 || (this.immediate && this.idle)) return;
    // A ShapedBatch (model/protocol.ts), as JSON.stringify would write it; the check for page hooks is
    // made now, when the serializer runs (serialize.ts).
    const native = nativeIsSafe();
    const slots = this.slots;
    const n = this.queued;
    this.queued = 0;
    let batch = new ShapedText(this.first);
    for (let i = 0; i < n; i++) {
      const event = slots[i] as Record<string, unknown>;
      slots[i] = 0;
      // The shape is the event without its time and number (own data properties of the recorder's
      // own object: these stores reach no setter of the page).
      const t = event.t as number;
      event.t = 0;
      event.seq = 0;
      let json = native ? (jsonStringify(event) as string) : writeJson(event);
      if (json.length > MAX_EVENT_CHARS) json = oversized(event, json.length, native);
      if (!batch.empty && batch.chars + json.length > BATCH_CHARS) {
        this.dispatch(batch);
        batch = new ShapedText(this.first + i);
      }
      batch.add(json, t);
    }
    this.dispatch(batch);
  }

  /** Sends one batch, its events already serialized. */
  private dispatch(batch: ShapedText): void {
    const json = `{"v":${PROTOCOL_VERSION},"form":"shapes","realm":${quote(this.realm)},"first":${batch.first},"shapes":[${batch.shapes}],"of":[${batch.of}],"t":[${batch.times}]}`;
    this.send(encodeEnvelope(this.realm, batch.first, batch.first + batch.count - 1, json));
  }
}

/** Shapes of this many characters or more are not looked up (they are large previews, rarely
 *  repeated, and a look-up would copy them into the engine's string table). */
const SHAPE_LOOKUP_CHARS = 4096;

/** The text of one ShapedBatch being written: each distinct shape once, and per event its shape's
 *  index and its time. */
class ShapedText {
  shapes = '';
  of = '';
  times = '';
  count = 0;
  chars = 0;
  private shapeCount = 0;
  /** Shape JSON → index (no prototype: a look-up reads nothing of the page's). */
  private readonly index = { __proto__: null } as unknown as Record<string, number | undefined>;
  /** The time the reader will have for the last event: the next difference is taken from it, so
   *  rounding never accumulates. */
  private time = 0;

  constructor(readonly first: number) {}

  get empty(): boolean {
    return this.count === 0;
  }

  add(json: string, t: number): void {
    let k = json.length < SHAPE_LOOKUP_CHARS ? this.index[json] : undefined;
    if (k === undefined) {
      k = this.shapeCount++;
      if (json.length < SHAPE_LOOKUP_CHARS) this.index[json] = k;
      this.shapes += this.shapes === '' ? json : `,${json}`;
      this.chars += json.length + 1;
    }
    let time: number;
    if (this.count === 0) {
      this.time = t;
      time = t;
    } else {
      // Milliseconds rounded to microseconds, finer than any browser's clock reports to a page.
      time = mathRound((t - this.time) * 1000) / 1000;
      this.time = this.time + time;
    }
    const sep = this.count === 0 ? '' : ',';
    this.of += `${sep}${k}`;
    this.times += `${sep}${time}`;
    this.chars += 16;
    this.count++;
  }
}

/**
 * The JSON of an event too big to send as it is (MAX_EVENT_CHARS): the same event with its preview
 * replaced by a truncation mark, its stack dropped and its error's text cut short; failing that, a
 * `recorderFault` in its place, under the same seq. The event is the recorder's own plain object.
 */
function oversized(event: Record<string, unknown>, chars: number, native: boolean): string {
  const slim: Record<string, unknown> = {};
  const keys = objectKeys(event);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === 'stack') continue;
    let value = event[key];
    if (key === 'preview') value = TOO_LARGE;
    else if (key === 'error' && typeof value === 'object' && value !== null) {
      const e = value as Record<string, unknown>;
      value = { name: bounded(stringOr(e.name)), message: bounded(stringOr(e.message)) };
    }
    put(slim, key, value);
  }
  const json = native ? (jsonStringify(slim) as string) : writeJson(slim);
  if (json.length <= MAX_EVENT_CHARS) return json;
  // A shape, as the event was: its time and number go beside it (ShapedText).
  const fault = {
    type: 'recorderFault',
    seq: 0,
    t: 0,
    during: 'record',
    message: `a ${bounded(stringOr(event.type), 40)} event of ${chars} characters was left out: more than the ${MAX_EVENT_CHARS} one event may take`,
  };
  return native ? (jsonStringify(fault) as string) : writeJson(fault);
}

const TOO_LARGE = { $t: 'truncated', reason: 'budget' };

/** An array whose `n` elements exist as own data properties (made at document_start, before page code). */
function newSlots(n: number): unknown[] {
  const slots: unknown[] = [];
  for (let i = 0; i < n; i++) put(slots, i, 0);
  return slots;
}

/** `Name: message` of a genuine Error (read through descriptors: no getter, no Proxy trap runs),
 *  else the value's type. */
function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null || !errorIsError || !errorIsError(err)) return typeof err;
  const name = inheritedString(err, 'name');
  const message = inheritedString(err, 'message');
  return message === '' ? name : name === '' ? message : `${name}: ${message}`;
}
