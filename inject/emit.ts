/**
 * The recorder's only way out of the page: batches of events, as JSON strings in CustomEvents
 * dispatched on a detached element that only the content relay holds.
 *
 * Handshake: both scripts run at document_start, before any page script, in an order the browser
 * does not promise. Each makes a detached node and announces it once as the `relatedTarget` of a
 * `load` MouseEvent on the document (model/bridge.ts says why `load`: the window, which a same-origin
 * parent may hold from before this document existed, is not on its path). If the relay was first it
 * hears the recorder's announcement and binds; if the recorder was first it hears the relay's and
 * hands its node over on the relay's node (`entangle:hello`), where no page script can listen. Once
 * bound, nothing travels through the document again, so the page can neither see nor forge a batch.
 */
import { BATCH, BOUND, CONFIG, encodeEnvelope, HANDSHAKE, HELLO, RELAY_NODE, RECORDER_NODE } from '../model/bridge';
import { PROTOCOL_VERSION, type EntangleEvent, type RealmId } from '../model/protocol';
import { REPLAY_COMMAND, REPLAY_RESULT, type ReplayCommand, type ReplayResult } from '../model/replay';
import {
  apply,
  addEventListener,
  createElement,
  dispatchEvent,
  errorIsError,
  eventGetters,
  getOwnPropertyDescriptor,
  getter,
  hasOwn,
  jsonParse,
  jsonStringify,
  NativeCustomEvent,
  now,
  objectKeys,
  NativeMouseEvent,
  put,
  read,
  removeEventListener,
  setTimeoutNative,
  inheritedString,
} from './natives';
import { bounded, stringOr } from './preview';
import { nativeIsSafe, quote, writeJson } from './serialize';

const objectProto = Object.prototype;
const relatedTargetGetter = getter(MouseEvent.prototype, 'relatedTarget');
const localNameGetter = getter(Element.prototype, 'localName');

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
  private readonly node: Element;
  /** The queued events, in slots that exist as own elements from the start: storing into one never
   *  reaches an index setter the page put on Array.prototype. Serialized once per batch. */
  private readonly slots: unknown[] = newSlots(FLUSH_AT);
  private queued = 0;
  /** The seq of the first queued event. */
  private first = 0;
  private seq = 0;
  private timer = false;
  private bound = false;
  /** The document is leaving (pagehide, freeze): no timer may fire again, so every event goes out
   *  at once (the page's own pagehide/unload handlers may still post after the recorder's). */
  private immediate = false;
  /** Carries out a replay command (inject/replay.ts), once the instrumentation has set it. */
  commands: ((command: ReplayCommand) => ReplayResult) | undefined = undefined;

  constructor(readonly realm: RealmId, private readonly doc: Document) {
    this.node = apply(createElement, doc, [RECORDER_NODE]) as Element;
    apply(addEventListener, this.node, [BOUND, () => (this.bound = true)]);
    apply(addEventListener, this.node, [CONFIG, (e: Event) => this.configReceived(e)]);
    apply(addEventListener, this.node, [REPLAY_COMMAND, (e: Event) => this.commandReceived(e)]);
    // The relay may announce itself later (it starts second): its announcement is the first `load`
    // MouseEvent on the document whose related node is a relay's. Listening stops once bound, and a
    // second relay node is never answered (only one relay runs in a document).
    const onRelay = (e: Event): void => {
      const relay = relayNode(e);
      if (!relay) return;
      apply(removeEventListener, doc, [HANDSHAKE, onRelay, true]);
      if (!this.bound) apply(dispatchEvent, relay, [mouseEvent(HELLO, this.node)]);
    };
    apply(addEventListener, doc, [HANDSHAKE, onRelay, true]);
    apply(dispatchEvent, doc, [mouseEvent(HANDSHAKE, this.node)]);
    if (this.bound) apply(removeEventListener, doc, [HANDSHAKE, onRelay, true]);
  }

  private configReceived(e: Event): void {
    try {
      const c = jsonParse(read(eventGetters.detail, e) as string) as Partial<RecorderConfig>;
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
   * A replay command from the relay (docs/replay.md): carried out at once, and its result dispatched
   * back on the same node before the relay's dispatch returns. The relay checked the command's shape
   * (model/replay.ts); the JSON is parsed with the saved parser, and only own members are read.
   */
  private commandReceived(e: Event): void {
    let result: ReplayResult;
    try {
      const command = jsonParse(read(eventGetters.detail, e) as string) as ReplayCommand;
      result = this.commands && typeof command === 'object' && command !== null && hasOwn(command, 'do') ? this.commands(command) : { outcome: 'refused', reason: 'the recorder cannot replay here' };
    } catch {
      result = { outcome: 'refused', reason: 'a malformed command' };
    }
    const detail = nativeIsSafe() ? (jsonStringify(result) as string) : writeJson(result);
    apply(dispatchEvent, this.node, [new NativeCustomEvent(REPLAY_RESULT, { __proto__: null, detail } as CustomEventInit)]);
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
    if (this.queued >= FLUSH_AT || this.immediate) this.flush();
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
   * Nothing but the realm's start was ever recorded. A document leaving in that state did nothing worth
   * reporting — typically the initial `about:blank` of a frame, replaced by the frame's first
   * navigation — so it records no `realmGone`, and while leaving its start is not sent on its own (the
   * relay does the same with a start it already has: extension/content.ts). Should it record
   * something after all, its start goes out with it.
   */
  get idle(): boolean {
    return this.seq === 1;
  }

  flush(): void {
    if (this.queued === 0 || (this.immediate && this.idle)) return;
    // The JSON of a Batch `{ v, realm, events }`, as JSON.stringify would write it; the check for page
    // hooks is made now, when the serializer runs (serialize.ts).
    const native = nativeIsSafe();
    const slots = this.slots;
    const n = this.queued;
    let first = this.first;
    this.queued = 0;
    let events = '';
    for (let i = 0; i < n; i++) {
      let json = native ? (jsonStringify(slots[i]) as string) : writeJson(slots[i]);
      if (json.length > MAX_EVENT_CHARS) json = oversized(slots[i] as Record<string, unknown>, json.length, native);
      slots[i] = 0;
      const seq = this.first + i;
      if (events !== '' && events.length + json.length > BATCH_CHARS) {
        this.dispatch(first, seq - 1, events);
        first = seq;
        events = '';
      }
      events += `${events === '' ? '' : ','}${json}`;
    }
    this.dispatch(first, this.first + n - 1, events);
  }

  /** Sends one batch of the events `first..last`, already serialized and joined. */
  private dispatch(first: number, last: number, events: string): void {
    const json = `{"v":${PROTOCOL_VERSION},"realm":${quote(this.realm)},"events":[${events}]}`;
    // Until a relay is bound there is nobody to hear it: batches go out anyway (they are harmless
    // on a detached element) so numbering stays contiguous and the relay's gap report is honest.
    const detail = encodeEnvelope(this.realm, first, last, json);
    apply(dispatchEvent, this.node, [new NativeCustomEvent(BATCH, { __proto__: null, detail } as CustomEventInit)]);
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
  const fault = {
    type: 'recorderFault',
    seq: event.seq,
    t: event.t,
    during: 'record',
    message: `a ${bounded(stringOr(event.type), 40)} event of ${chars} characters was left out: more than the ${MAX_EVENT_CHARS} one event may take`,
  };
  return native ? (jsonStringify(fault) as string) : writeJson(fault);
}

/** A MouseEvent carrying `node`. The init dictionary has no prototype: the browser reads every member
 *  (`bubbles`, `view`…), and one missing would otherwise be looked up on the page's Object.prototype. */
function mouseEvent(type: string, node: Element): MouseEvent {
  return new NativeMouseEvent(type, { __proto__: null, relatedTarget: node } as MouseEventInit);
}

/** The relay's node carried by a handshake event, read through native getters only. */
function relayNode(e: Event): Element | undefined {
  const node = read(relatedTargetGetter, e);
  return node !== null && node !== undefined && read(localNameGetter, node) === RELAY_NODE ? (node as Element) : undefined;
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
