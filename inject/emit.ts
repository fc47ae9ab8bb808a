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
import { PROTOCOL_VERSION, type Batch, type EntangleEvent, type RealmId } from '../model/protocol';
import {
  apply,
  addEventListener,
  createElement,
  dispatchEvent,
  eventGetters,
  jsonParse,
  NativeError,
  jsonStringify,
  NativeCustomEvent,
  now,
  NativeMouseEvent,
  read,
  removeEventListener,
  setTimeoutNative,
} from './natives';


const errorToString = Error.prototype.toString;

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
  private queue: EntangleEvent[] = [];
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
    apply(dispatchEvent, this.doc, [new NativeMouseEvent(HELLO, { relatedTarget: this.node })]);
  }

  private configReceived(e: Event): void {
    try {
      const c = jsonParse(read(eventGetters.detail, e) as string) as Partial<RecorderConfig>;
      if (typeof c.captureStacks === 'boolean') this.config.captureStacks = c.captureStacks;
      if (typeof c.previewsPerSecond === 'number' && c.previewsPerSecond >= 0) this.config.previewsPerSecond = c.previewsPerSecond;
    } catch {
      /* a malformed config changes nothing */
    }
  }

  now(): number {
    return now();
  }

  record(event: Unnumbered): void {
    (event as EntangleEvent).seq = ++this.seq;
    const q = this.queue;
    q[q.length] = event as EntangleEvent;
    if (q.length >= FLUSH_AT || this.immediate) this.flush();
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
      const message = err instanceof NativeError ? apply(errorToString, err, []) : typeof err;
      this.record({ type: 'recorderFault', t: this.now(), during, message: message as string });
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
    if (this.queue.length === 0 || (this.immediate && this.idle)) return;
    const events = this.queue;
    const batch: Batch = { v: PROTOCOL_VERSION, realm: this.realm, events };
    this.queue = [];
    // Until a relay is bound there is nobody to hear it: batches go out anyway (they are harmless
    // on a detached element) so numbering stays contiguous and the relay's gap report is honest.
    const detail = encodeEnvelope(this.realm, events[0]!.seq, events[events.length - 1]!.seq, jsonStringify(batch));
    apply(dispatchEvent, this.node, [new NativeCustomEvent(BATCH, { detail })]);
  }
}
