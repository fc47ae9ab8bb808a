/**
 * The recorder's only way out of the page: batches of events, as JSON strings in CustomEvents
 * dispatched on a detached element that only the content relay holds.
 *
 * Handshake: the element travels once as the `relatedTarget` of a MouseEvent dispatched on the
 * document. Both scripts run at document_start, before any page script, in an order the browser
 * does not promise, so whichever starts second completes it: the recorder announces itself
 * (`entangle:hello`), and if nobody answers it waits for the relay's `entangle:ready`. Once bound,
 * nothing travels through the document again, so the page can neither see nor forge a batch.
 */
import { BATCH, BOUND, CONFIG, encodeEnvelope, HELLO, READY } from '../model/bridge';
import { PROTOCOL_VERSION, type EntangleEvent, type RealmId } from '../model/protocol';
import {
  apply,
  addEventListener,
  createElement,
  dispatchEvent,
  errorIsError,
  eventGetters,
  getOwnPropertyDescriptor,
  hasOwn,
  jsonParse,
  jsonStringify,
  NativeCustomEvent,
  now,
  NativeMouseEvent,
  put,
  read,
  removeEventListener,
  setTimeoutNative,
  inheritedString,
} from './natives';
import { nativeIsSafe, quote, writeJson } from './serialize';

const objectProto = Object.prototype;

/** Events queued before a flush is forced (a page posting in a tight loop never yields to a timer). */
const FLUSH_AT = 512;
const FLUSH_DELAY_MS = 15;

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

  constructor(readonly realm: RealmId, private readonly doc: Document) {
    this.node = apply(createElement, doc, ['entangle-relay']) as Element;
    apply(addEventListener, this.node, [BOUND, () => (this.bound = true)]);
    apply(addEventListener, this.node, [CONFIG, (e: Event) => this.configReceived(e)]);
    this.announce();
    if (!this.bound) {
      const onReady = (): void => {
        this.announce();
        if (this.bound) apply(removeEventListener, doc, [READY, onReady, true]);
      };
      apply(addEventListener, doc, [READY, onReady, true]);
    }
  }

  private announce(): void {
    // The init dictionary has no prototype: the browser reads every member (`bubbles`, `view`…), and
    // one missing would otherwise be looked up on the page's Object.prototype.
    apply(dispatchEvent, this.doc, [new NativeMouseEvent(HELLO, { __proto__: null, relatedTarget: this.node } as MouseEventInit)]);
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

  now(): number {
    return now();
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
    let events = '';
    for (let i = 0; i < this.queued; i++) {
      events += `${i === 0 ? '' : ','}${native ? (jsonStringify(slots[i]) as string) : writeJson(slots[i])}`;
      slots[i] = 0;
    }
    const json = `{"v":${PROTOCOL_VERSION},"realm":${quote(this.realm)},"events":[${events}]}`;
    const first = this.first;
    this.queued = 0;
    // Until a relay is bound there is nobody to hear it: batches go out anyway (they are harmless
    // on a detached element) so numbering stays contiguous and the relay's gap report is honest.
    const detail = encodeEnvelope(this.realm, first, this.seq, json);
    apply(dispatchEvent, this.node, [new NativeCustomEvent(BATCH, { __proto__: null, detail } as CustomEventInit)]);
  }
}

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
