/**
 * Wraps the messaging APIs of one realm (a window, or a worker recorded from the inside) and turns
 * what passes through them into events. What only a window has is in windowReceipts.ts, what only a
 * worker's global has in workerGlobal.ts.
 *
 * Rules (DESIGN.md, "Fidelity"): the original is called with the same `this` and arguments, its
 * result is returned and its exception rethrown as the very same object; the recorder never starts
 * a port, never delays or posts a message, and observes receipts with capture listeners added before
 * any page listener (listeners do not start ports). Recording code never throws into the page.
 */
import { WORKER_NAME_CHARS, type ErrorSummary, type PortId, type Route, type SendOutcome, type TransferSummary } from '../model/protocol';
import { afterCall as afterCallOf, disguise, replaceConstructor, replaceSetter, replaceValue } from './disguise';
import type { Emitter } from './emit';
import {
  apply,
  addEventListener,
  eventGetters,
  getOwnPropertyDescriptor,
  getPrototypeOf,
  errorIsError,
  getter,
  isArray,
  NativeMap,
  mapSet,
  NativeURL,
  NativeWeakMap,
  constructorNames,
  read,
  weakMapGet,
  weakMapSet,
  append,
  dataValue,
  hasOwn,
  isData,
  put,
  arg,
  inheritedString,
} from './natives';
import { instrumentBroadcastChannel } from './broadcast';
import { cloneCulprit, serializedBeforeError } from './cloneError';
import { bounded, bufferFacts, ERROR_MESSAGE_CHARS, previewSent, previewUnserialized, previewValue, type BufferFacts, type PreviewResult } from './preview';
import { instrumentServiceWorker } from './serviceWorker';
import { Replayer } from './replay';
import { sendingStack } from './sendStack';
import { restack } from './stack';
import { instrumentWindowReceipts } from './windowReceipts';

export interface PortState {
  id: PortId;
  partner: PortState | undefined;
  started: boolean;
  closed: boolean;
  /** Transferred to another realm: this object is now a neutered husk. */
  gone: boolean;
  /** The other end lives where the recorder cannot see (a worker): preview at the sender. */
  previewAtSend: boolean;
  /** What each receipt on it says of it, made once: a port in a flood receives thousands of messages.
   *  (An own property from the start: assigning one the object lacks would reach a setter the page
   *  put on Object.prototype.) */
  receipt: { fields: { port: PortId }; from: ReceiptFrom } | undefined;
}

/** Where a send's payload is measured: `preview` here (the receiver is not instrumented), or
 *  `receiver` (an instrumented receiver previews it; the sender measures only a send that will never
 *  be received: one that threw or went nowhere). */
export type Measure = 'preview' | 'receiver';

export interface SendContext {
  route: Route;
  port?: PortState;
  message: unknown;
  measure: Measure;
  transfer: TransferSummary[];
  /** The ports in the transfer list, which a successful send moves away. */
  transferred: PortState[];
  fields: Record<string, unknown>;
  /** Set by `context` when the payload will be previewed at the sender whatever happens (the receiver
   *  is not instrumented) and the budget allowed it; the preview itself is made after the call. */
  preview?: true;
  /** The browser will not serialize the payload (a send on a closed or transferred port returns
   *  before): no walk is protected by its serializer. */
  unserialized?: boolean;
  /** What the transfer list's ArrayBuffers held, read before the call (which detaches them); only
   *  when a preview may follow. */
  buffers?: Map<object, BufferFacts>;
  stack?: string;
  /** The object the send was called on, and the recorder's wrapper that was called: kept for a replay. */
  sender?: object;
  post?: Fn;
}

type Fn = (...args: never[]) => unknown;


/** `list.includes(item)` without the page's Array.prototype. */
function holds<T>(list: readonly T[], item: T): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === item) return true;
  return false;
}

/** The native getters a receipt is read with: MessageEvent's, or a service worker's
 *  ExtendableMessageEvent's (whose getters refuse a MessageEvent, and the other way round). */
export interface MessageGetters {
  data: ((this: unknown) => unknown) | undefined;
  origin: ((this: unknown) => unknown) | undefined;
  ports: ((this: unknown) => unknown) | undefined;
}

/** Where a receipt came from, as far as what it carries is concerned. Every member is required: one
 *  missing would be looked up on the page's Object.prototype. */
export interface ReceiptFrom {
  /** The receiving port (route `port`): ports arriving over one whose other end is not instrumented
   *  come from there too. */
  port: PortState | undefined;
  /** The sender is not instrumented (a worker seen from the outside): ports that arrive preview at
   *  their sends, since their other ends live there. */
  uninstrumented: boolean;
  /** Undefined: MessageEvent's. */
  getters: MessageGetters | undefined;
}

/** A receipt from an instrumented sender, read as a MessageEvent. */
export const FROM_INSTRUMENTED: ReceiptFrom = { port: undefined, uninstrumented: false, getters: undefined };

/** What a realm remembers of its sends for a replay (inject/replay.ts; windows only). */
export interface SendMemory {
  /** While a replay's send runs: the id of the original, which the recorded send carries. */
  readonly replaying: string | undefined;
  remember(seq: number, route: Route, sender: object, post: Fn): void;
}

export interface RealmOptions {
  /** What a relative worker script URL resolves against (`document.baseURI`; a worker's `location.href`). */
  baseURL(): string;
  /** The workers this realm starts are recorded from the inside: their receipts measure what is sent
   *  to them (measure `receiver`), and ports that come from them are not previewed at their sends. */
  workersInstrumented: boolean;
}

/**
 * What the modules that instrument one more messaging source (`broadcast.ts`, `serviceWorker.ts`,
 * `windowReceipts.ts`, `workerGlobal.ts`) share with the core: identities, listening, the send
 * wrapper and the receipt recorder.
 */
export interface RecorderApi {
  /** The realm's global: a Window, or a worker's global scope. */
  global: typeof globalThis;
  emitter: Emitter;
  /** The realm-local state of a MessagePort object (made, and listened to, on first sight). */
  portState(port: object): PortState;
  /** The state of a port the recorder has seen already; undefined for anything else. */
  knownPort(port: object): PortState | undefined;
  /** Set once by a realm that can replay its sends (a window): consulted on every send. */
  memory: SendMemory | undefined;
  /** Adds the recorder's capture listeners for `message` and `messageerror` (they start nothing). */
  listen(target: object, handler: (e: Event) => void): void;
  /** A data property of a plain object, read without calling a getter. */
  dataField(obj: unknown, key: string): unknown;
  /** The value if it is a genuine array, else undefined. */
  asList(v: unknown): unknown[] | undefined;
  wrapSend(
    target: object | undefined,
    key: string,
    prepare: (self: unknown, args: unknown[]) => SendContext | undefined,
    outcome: (ctx: SendContext) => SendOutcome,
  ): void;
  /** The context of a send, read before the call (transfer list, stack, whether to preview). */
  context(route: Route, message: unknown, transferList: unknown[] | undefined, measure: Measure, fields: Record<string, unknown>, port?: PortState): SendContext;
  /** Records a `message`/`messageerror` event seen by one of the recorder's listeners. */
  received(e: Event, route: Route, fields: Record<string, unknown>, from?: ReceiptFrom): void;
  /** Wraps an event handler so that a recording failure becomes a `recorderFault`, never a page error. */
  guarded(fn: (e: Event) => void): (e: Event) => void;
  /** A native getter of MessageEvent/Event, called on an event the recorder's own listener got. */
  eventField(e: Event, key: 'currentTarget' | 'source' | 'type'): unknown;
  /** The name of the nearest constructor on `v`'s prototype chain, read through descriptors only. */
  kindOf(v: object): string;
  now(): number;
}

/** A window realm: the core, window receipts, and replays (docs/replay.md). */
export function instrument(win: Window & typeof globalThis, emitter: Emitter): void {
  const api = instrumentRealm(win, emitter, { baseURL: () => win.document.baseURI, workersInstrumented: false });
  // Send again: a port that was closed or moved away cannot send.
  const replayer = new Replayer(emitter.realm, win, () => emitter.lastSeq, () => emitter.now(), (route, sender) => {
    if (route !== 'port') return undefined;
    const s = api.knownPort(sender);
    if (s === undefined) return 'not a port the recorder knows';
    if (s.gone) return 'the sending port was transferred away';
    if (s.closed) return 'the sending port was closed';
    return undefined;
  });
  api.memory = replayer;
  emitter.commands = (command) => replayer.run(command);
  instrumentWindowReceipts(api, win, replayer);
}

/**
 * The name a SharedWorker was given, as the browser converted its second argument (a string, or
 * options whose `name` it read): undefined when that cannot be known without running page code (a
 * getter, an object to stringify, options that are not a plain object, which may inherit a name).
 * `objectProto` is the realm's `Object.prototype`, taken before page scripts ran.
 */
export function sharedWorkerName(init: unknown, objectProto: object): string | undefined {
  const primitive = (v: unknown): string | undefined =>
    v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? `${v}` : undefined;
  if (init === null || typeof init !== 'object') return init === null ? '' : primitive(init);
  const d = getOwnPropertyDescriptor(init, 'name');
  if (d) return isData(d) ? primitive(d.value) : undefined;
  // No name of its own: an ordinary object inherits none (unless the page put one on Object.prototype).
  const proto = getPrototypeOf(init);
  return (proto === objectProto || proto === null) && getOwnPropertyDescriptor(objectProto, 'name') === undefined ? '' : undefined;
}

/** The messaging APIs every realm has (a window's or a worker's global): ports, channels, workers,
 *  BroadcastChannel, `navigator.serviceWorker`. */
export function instrumentRealm(global: typeof globalThis, emitter: Emitter, options: RealmOptions): RecorderApi {
  const realm = emitter.realm;
  let portCount = 0;
  let channelCount = 0;
  let workerCount = 0;
  const ports = new NativeWeakMap<object, PortState>();
  const workers = new NativeWeakMap<object, string>();

  const channelPort1 = getter(global.MessageChannel?.prototype, 'port1');
  const channelPort2 = getter(global.MessageChannel?.prototype, 'port2');
  const sharedWorkerPort = getter((global as { SharedWorker?: { prototype: object } }).SharedWorker?.prototype, 'port');
  const abByteLength = getter(ArrayBuffer.prototype, 'byteLength');
  const domExceptionName = getter(global.DOMException?.prototype, 'name');
  const domExceptionMessage = getter(global.DOMException?.prototype, 'message');
  const urlHref = getter(NativeURL.prototype, 'href');
  const messagePortProto = global.MessagePort?.prototype;
  const arrayBufferProto = ArrayBuffer.prototype;

  const kindOf = (v: object): string => constructorNames(v, 1)[0] ?? 'Object';
  const objectProto = global.Object.prototype;

  /** A window's replays (SendMemory); none in a worker. */
  let memory: SendMemory | undefined;

  // ── identities ────────────────────────────────────────────────────────────

  function portState(port: object): PortState {
    let s = apply(weakMapGet, ports, [port]) as PortState | undefined;
    if (!s) {
      s = { id: `${realm}:${++portCount}`, partner: undefined, started: false, closed: false, gone: false, previewAtSend: false, receipt: undefined };
      apply(weakMapSet, ports, [port, s]);
      listen(port, onPortEvent);
    }
    return s;
  }

  function isPort(v: unknown): v is object {
    if (typeof v !== 'object' || v === null) return false;
    if (apply(weakMapGet, ports, [v]) !== undefined) return true;
    // A port from another realm has another MessagePort.prototype: known by its constructor's name.
    return getPrototypeOf(v) === messagePortProto || kindOf(v) === 'MessagePort';
  }

  function listen(target: object, handler: (e: Event) => void): void {
    apply(addEventListener, target, ['message', handler, true]);
    apply(addEventListener, target, ['messageerror', handler, true]);
  }

  // ── reading arguments without running page code ───────────────────────────

  /** A data property of a plain options object; accessors and inherited values are not read. */
  function dataField(obj: unknown, key: string): unknown {
    if (typeof obj !== 'object' || obj === null) return undefined;
    return dataValue(getOwnPropertyDescriptor(obj, key));
  }

  function asList(v: unknown): unknown[] | undefined {
    return isArray(v) ? (v as unknown[]) : undefined;
  }

  /** Reads the transfer list once, before the call: its summary, and the ports it names (which
   *  the call will move away). */
  function readTransfer(list: unknown[] | undefined): { transfer: TransferSummary[]; ports: PortState[]; buffers: object[] } {
    const transfer: TransferSummary[] = [];
    const ports: PortState[] = [];
    const buffers: object[] = [];
    if (!list) return { transfer, ports, buffers };
    const n = dataField(list, 'length') as number;
    for (let i = 0; i < n; i++) {
      const d = getOwnPropertyDescriptor(list, `${i}`);
      // A getter the browser calls (once) when it reads the list: not called here, so not known.
      if (d && !isData(d)) {
        append(transfer, { kind: 'accessor' });
        continue;
      }
      const item = d ? d.value : undefined;
      if (typeof item !== 'object' || item === null) append(transfer, { kind: typeof item });
      else if (isPort(item)) {
        const s = portState(item);
        append(ports, s);
        append(transfer, { kind: 'MessagePort', port: s.id });
      } else if (getPrototypeOf(item) === arrayBufferProto) {
        append(transfer, { kind: 'ArrayBuffer', byteLength: read(abByteLength, item) as number });
        append(buffers, item);
      } else append(transfer, { kind: kindOf(item) });
    }
    return { transfer, ports, buffers };
  }

  function errorSummary(err: unknown): ErrorSummary {
    if (typeof err !== 'object' || err === null) return { name: typeof err, message: '' };
    const n = read(domExceptionName, err);
    if (typeof n === 'string') return { name: n, message: (read(domExceptionMessage, err) as string) ?? '' };
    // Page code threw it (a getter during serialization, say). Read only a genuine Error, through
    // descriptors: a thrown Proxy would run its traps.
    if (!errorIsError || !errorIsError(err)) return { name: 'Object', message: '' };
    return { name: inheritedString(err, 'name'), message: inheritedString(err, 'message') };
  }

  // ── sends ─────────────────────────────────────────────────────────────────

  /** Wraps a send method: `prepare` reads what it needs before the call (a transfer detaches its
   *  items), `outcome` decides what became of a send that did not throw. */
  function wrapSend(
    target: object | undefined,
    key: string,
    prepare: (self: unknown, args: unknown[]) => SendContext | undefined,
    outcome: (ctx: SendContext) => SendOutcome,
  ): void {
    if (!target) return;
    replaceValue(target, key, (original) => {
      const handler = {
        // (No prototype: a trap this handler lacks, `get` say, would be looked up on the page's Object.prototype.)
        __proto__: null,
        apply(fn, self, args: unknown[]) {
          let ctx: SendContext | undefined;
          try {
            ctx = prepare(self, args);
            if (ctx && typeof self === 'object' && self !== null) {
              ctx.sender = self;
              // (This very wrapper, defined below before any call: what a send remembers for a replay.)
              ctx.post = wrapped;
            }
          } catch (err) {
            emitter.fault('send', err);
            ctx = undefined;
          }
          let result: unknown;
          try {
            result = apply(fn, self, args);
          } catch (err) {
            restack(err, handler.apply);
            if (ctx) {
              try {
                sent(ctx, 'posted', errorSummary(err));
              } catch (fault) {
                emitter.fault('send', fault);
              }
            }
            throw err;
          }
          if (ctx) {
            try {
              sent(ctx, outcome(ctx), undefined);
            } catch (err) {
              emitter.fault('send', err);
            }
          }
          return result;
        },
      } as ProxyHandler<Fn>;
      const wrapped: Fn = disguise(original, handler);
      return wrapped;
    });
  }

  /**
   * Read before the call: the transfer list (the call moves its items), the stack, and whether the
   * sender will preview. The preview itself is made after the call (see `sent`). On the hot path (a
   * port send to an instrumented receiver, nothing amiss) nothing more is read than the transfer list.
   */
  function context(route: Route, message: unknown, transferList: unknown[] | undefined, measure: Measure, fields: Record<string, unknown>, port?: PortState): SendContext {
    const unserialized = port !== undefined && (port.closed || port.gone);
    const { transfer, ports: transferred, buffers } = readTransfer(transferList);
    // Every field an own property from the start: assigning one later then calls no setter the page
    // put on Object.prototype, and reading one absent reads no getter there.
    const ctx: SendContext = {
      route,
      port,
      message,
      measure,
      transfer,
      transferred,
      fields,
      preview: undefined,
      unserialized: unserialized ? true : undefined,
      buffers: undefined,
      stack: emitter.config.captureStacks ? sendingStack() : undefined,
      sender: undefined,
      post: undefined,
    };
    // A preview may follow the call: the receiver is not instrumented, or the message will not be
    // received (to a closed partner, or doomed: known now). Then the buffers the call will detach are
    // read now. (A send that throws is not known before the call, but it detaches nothing.)
    const partner = port?.partner;
    const mayPreview = measure === 'preview' || (partner !== undefined && (partner.closed || holds(transferred, partner)));
    if (mayPreview && buffers.length > 0) {
      const facts = new NativeMap<object, BufferFacts>();
      for (let i = 0; i < buffers.length; i++) apply(mapSet, facts, [buffers[i], bufferFacts(buffers[i]!)]);
      ctx.buffers = facts;
    }
    if (measure === 'preview' && previewAllowed(nowMs())) ctx.preview = true;
    return ctx;
  }

  /**
   * Records a send, after the call. The payload is previewed here when the receiver will not (it is
   * not instrumented, or the message will never arrive: those get a preview whatever the budget), and
   * only as far as the browser's serializer went: a Proxy anywhere in a payload makes it throw without
   * calling a trap, so after a send it serialized none is reachable through data properties, and a
   * walk reads descriptors only (docs/recording.md, "Never runs page code").
   */
  function sent(ctx: SendContext, outcome: SendOutcome, error: ErrorSummary | undefined): void {
    if (!error) {
      for (let i = 0; i < ctx.transferred.length; i++) {
        const p = ctx.transferred[i]!;
        p.gone = true;
        // The port's other end now lives where the sent message goes: not instrumented, so its
        // partner here previews at send (also for a port sent on to there over such a port).
        if (ctx.measure === 'preview' && p.partner) p.partner.previewAtSend = true;
      }
    }
    // Fields added below with `put`: an assignment would call a setter the page put on Object.prototype.
    const ev: Record<string, unknown> = { type: 'messageSent', t: nowMs(), route: ctx.route, ...ctx.fields, transfer: ctx.transfer, outcome };
    let p: PreviewResult | undefined;
    if (error) p = failedPreview(ctx, error);
    else if (ctx.unserialized) p = previewUnserialized(ctx.message);
    else if (ctx.preview || outcome !== 'posted') p = previewSent(ctx.message, ctx.buffers, false);
    else if (ctx.measure === 'preview') put(ev, 'preview', SKIPPED);
    if (p) {
      // An opaque payload was not walked: it has no size to tell.
      const opaque = typeof p.preview === 'object' && p.preview !== null && hasOwn(p.preview, '$t') && p.preview.$t === 'opaque';
      if (!opaque) put(ev, 'size', p.size);
      put(ev, 'preview', p.preview);
      if (p.sizeCapped && !opaque) put(ev, 'sizeCapped', true);
    }
    if (error) {
      // The page writes an error's text (a thrown Error; Chromium quotes a refused function's source
      // in a DataCloneError): bounded like a preview's strings, once it has been read in full above.
      put(error, 'name', bounded(error.name));
      put(error, 'message', bounded(error.message, ERROR_MESSAGE_CHARS));
      if (error.culprit !== undefined) put(error, 'culprit', bounded(error.culprit));
      put(ev, 'error', error);
    }
    if (ctx.stack !== undefined) put(ev, 'stack', ctx.stack);
    if (memory !== undefined && memory.replaying !== undefined) put(ev, 'replayOf', memory.replaying);
    emitter.record(ev as never);
    if (!error && outcome === 'posted' && ctx.sender !== undefined && ctx.post !== undefined && memory !== undefined) memory.remember(emitter.lastSeq, ctx.route, ctx.sender, ctx.post);
  }

  /** The preview of a send that threw, and where the value it could not clone sits (`error.path`). */
  function failedPreview(ctx: SendContext, error: ErrorSummary): PreviewResult {
    if (error.name !== 'DataCloneError') return previewUnserialized(ctx.message);
    if (serializedBeforeError(error.message)) return previewSent(ctx.message, undefined, false);
    const culprit = cloneCulprit(error.message);
    // No value named (a transfer-list error, raised before serialization): nothing vouches for it.
    if (culprit === undefined) return previewUnserialized(ctx.message);
    put(error, 'culprit', culprit);
    // A Proxy: the walk could not tell it from an object, and reaching it would run its traps.
    if (culprit === 'Proxy') return { preview: { $t: 'opaque', kind: 'Proxy' }, size: 0, sizeCapped: true };
    const p = previewSent(ctx.message, undefined, true);
    if (p.culprit && p.culprit.kind === culprit) put(error, 'path', p.culprit.path);
    return p;
  }

  const nowMs = (): number => emitter.now();

  // MessagePort.prototype.postMessage(message, transfer) / (message, { transfer })
  wrapSend(
    messagePortProto,
    'postMessage',
    (self, args) => {
      if (!isPort(self)) return undefined;
      const s = portState(self);
      const opt = arg(args, 1);
      const list = asList(opt) ?? asList(dataField(opt, 'transfer'));
      const fields: Record<string, unknown> = s.partner ? { port: s.id, partner: s.partner.id } : { port: s.id };
      return context('port', arg(args, 0), list, s.previewAtSend ? 'preview' : 'receiver', fields, s);
    },
    (ctx) => {
      const s = ctx.port!;
      if (s.closed || s.gone) return 'portClosed';
      if (s.partner && holds(ctx.transferred, s.partner)) return 'doomed';
      if (s.partner && s.partner.closed) return 'partnerClosed';
      return 'posted';
    },
  );

  // window.postMessage is deliberately NOT wrapped. The browser takes the message's `source` and
  // `origin` from the incumbent realm: the realm of the last script function on the stack. A wrapper
  // in this realm would become that function, so a same-origin frame calling this window's
  // postMessage would see its messages arrive with `event.source` set to this window. Window
  // messages are recorded where they are delivered (`messageReceived`, route `window`), with the
  // sender named by `source`.

  // Worker.prototype.postMessage: previewed here unless the worker is recorded from the inside.
  const workerMeasure: Measure = options.workersInstrumented ? 'receiver' : 'preview';
  wrapSend(
    global.Worker?.prototype,
    'postMessage',
    (self, args) => {
      const id = apply(weakMapGet, workers, [self as object]) as string | undefined;
      const opt = arg(args, 1);
      const list = asList(opt) ?? asList(dataField(opt, 'transfer'));
      return context('worker', arg(args, 0), list, workerMeasure, id ? { worker: id } : {});
    },
    () => 'posted',
  );

  // ── receipts ──────────────────────────────────────────────────────────────

  // Previews are the recorder's main cost. Under a flood of messages they are rationed (a token bucket
  // refilled at previewsPerSecond, holding at most one second's worth): every receipt is still
  // recorded, but one over the budget says its preview was skipped rather than slowing the page.
  let tokens = emitter.config.previewsPerSecond;
  let refilledAt = 0;
  function previewAllowed(t: number): boolean {
    const rate = emitter.config.previewsPerSecond;
    tokens += ((t - refilledAt) * rate) / 1000;
    refilledAt = t;
    if (tokens > rate) tokens = rate;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
  const SKIPPED = { $t: 'skipped', reason: 'load' } as const;

  // In our own listener the event is a genuine MessageEvent (or, with `from.getters`, the kind of
  // event those getters belong to): its native getters cannot throw.
  const ev = eventGetters as { [K in keyof typeof eventGetters]: NonNullable<(typeof eventGetters)[K]> };
  const get = (g: (this: unknown) => unknown, e: Event): unknown => apply(g, e, []);

  function received(e: Event, route: Route, fields: Record<string, unknown>, from: ReceiptFrom = FROM_INSTRUMENTED): void {
    // An event a page script dispatched itself (`port.dispatchEvent(new MessageEvent(…))`) is not a
    // message: nothing was sent, and as a receipt it would take a real send's place in a port's FIFO
    // pairing. (`isTrusted` is an own, unforgeable property of every event.)
    if (!e.isTrusted) return;
    const g = (from.getters ?? ev) as { [K in keyof MessageGetters]: NonNullable<MessageGetters[K]> };
    const origin = get(g.origin, e) as string;
    if (get(ev.type, e) === 'messageerror') {
      emitter.record({ type: 'messageUndeserializable', t: nowMs(), route, origin, ...fields } as never);
      return;
    }
    const arrived = get(g.ports, e) as readonly object[];
    const port = from.port;
    const fromUninstrumented = from.uninstrumented || (port !== undefined && port.previewAtSend);
    const ids: PortId[] = [];
    for (let i = 0; i < arrived.length; i++) {
      const s = portState(arrived[i]!);
      if (fromUninstrumented) s.previewAtSend = true;
      append(ids, s.id);
    }
    const t = nowMs();
    if (!previewAllowed(t)) {
      emitter.record({ type: 'messageReceived', t, route, origin, ...fields, ports: ids, preview: SKIPPED } as never);
      return;
    }
    const p = previewValue(get(g.data, e), true);
    const event: Record<string, unknown> = { type: 'messageReceived', t, route, origin, ...fields, ports: ids, size: p.size, preview: p.preview };
    if (p.sizeCapped) put(event, 'sizeCapped', true);
    emitter.record(event as never);
  }

  function guarded(fn: (e: Event) => void): (e: Event) => void {
    return (e) => {
      try {
        fn(e);
      } catch (err) {
        emitter.fault('receipt', err);
      }
    };
  }

  const onPortEvent = guarded((e) => {
    const s = portState(get(ev.currentTarget, e) as object);
    const r = (s.receipt ??= { fields: { port: s.id }, from: { port: s, uninstrumented: false, getters: undefined } });
    received(e, 'port', r.fields, r.from);
  });
  const fromWorker: ReceiptFrom = { port: undefined, uninstrumented: !options.workersInstrumented, getters: undefined };
  const onWorkerEvent = guarded((e) => {
    const id = apply(weakMapGet, workers, [get(ev.currentTarget, e) as object]) as string | undefined;
    received(e, 'worker', id ? { worker: id } : {}, fromWorker);
  });

  // ── constructors ──────────────────────────────────────────────────────────

  replaceConstructor(global, 'MessageChannel', (err) => emitter.fault('channel', err), (channel) => {
    const s1 = portState(read(channelPort1, channel) as object);
    const s2 = portState(read(channelPort2, channel) as object);
    s1.partner = s2;
    s2.partner = s1;
    emitter.record({ type: 'channelCreated', t: nowMs(), channel: `${realm}:c${++channelCount}`, port1: s1.id, port2: s2.id } as never);
  });

  /** A worker's script URL as the constructor resolved it (a string or a URL object; anything else
   *  the browser stringified, which is not redone here: it could run page code). */
  function scriptURL(spec: unknown): string {
    if (typeof spec === 'string') {
      try {
        return read(urlHref, new NativeURL(spec, options.baseURL())) as string;
      } catch {
        return spec;
      }
    }
    if (typeof spec === 'object' && spec !== null && kindOf(spec) === 'URL') return read(urlHref, spec) as string;
    return '';
  }

  /** The `workerCreated` fields of a constructor's arguments and the `name` (self.name inside) the
   *  caller read from them. Options are read as own data properties: no getter of the page runs twice. */
  function creation(args: readonly unknown[], name: unknown): { url: string; workerType: 'classic' | 'module'; name?: string } {
    const workerType = dataField(arg(args, 1), 'type') === 'module' ? 'module' : 'classic';
    const named = typeof name === 'string' && name !== '' ? { name: bounded(name, WORKER_NAME_CHARS) } : {};
    return { url: scriptURL(arg(args, 0)), workerType, ...named };
  }

  replaceConstructor(global, 'Worker', (err) => emitter.fault('worker', err), (worker, args) => {
    const id = `${realm}:w${++workerCount}`;
    apply(weakMapSet, workers, [worker, id]);
    listen(worker, onWorkerEvent);
    emitter.record({ type: 'workerCreated', t: nowMs(), worker: id, ...creation(args, dataField(arg(args, 1), 'name')) } as never);
  });

  // A SharedWorker sends and receives nothing itself: its `port` does, whose partner the browser puts
  // in the shared worker's `connect` event. The port is recorded now, so that the model can pair it
  // with that connect (model/shared-worker-link.ts); its sends are previewed here unless the worker is
  // recorded from the inside.
  replaceConstructor(global, 'SharedWorker', (err) => emitter.fault('worker', err), (worker, args) => {
    const port = read(sharedWorkerPort, worker);
    if (!isPort(port)) return;
    const s = portState(port);
    s.previewAtSend = !options.workersInstrumented;
    // Which worker it connected to is its script and name: a name this cannot tell without running
    // page code is not guessed, and the creation not recorded (its port is, when used).
    const name = sharedWorkerName(arg(args, 1), objectProto);
    if (name === undefined) return;
    emitter.record({ type: 'workerCreated', t: nowMs(), worker: `${realm}:w${++workerCount}`, ...creation(args, name), sharedPort: s.id } as never);
  });


  // ── port lifecycle ────────────────────────────────────────────────────────

  function started(port: unknown, implicit: boolean): void {
    if (!isPort(port)) return;
    const s = portState(port);
    if (s.started || s.gone) return;
    s.started = true;
    emitter.record({ type: 'portStarted', t: nowMs(), port: s.id, implicit } as never);
  }

  const afterCall = (onCall: (self: unknown) => void) => afterCallOf(onCall, (err) => emitter.fault('lifecycle', err));

  if (messagePortProto) {
    replaceValue(messagePortProto, 'start', afterCall((self) => started(self, false)));
    replaceSetter(messagePortProto, 'onmessage', afterCall((self) => started(self, true)));
    replaceValue(
      messagePortProto,
      'close',
      afterCall((self) => {
        if (!isPort(self)) return;
        const s = portState(self);
        if (s.closed || s.gone) return;
        s.closed = true;
        emitter.record({ type: 'portClosed', t: nowMs(), port: s.id } as never);
      }),
    );
  }

  const api: RecorderApi = {
    global,
    emitter,
    portState,
    knownPort: (port) => apply(weakMapGet, ports, [port]) as PortState | undefined,
    get memory() {
      return memory;
    },
    set memory(m) {
      memory = m;
    },
    listen,
    dataField,
    asList,
    wrapSend,
    context,
    received,
    guarded,
    eventField: (e, key) => get(ev[key], e),
    kindOf,
    now: nowMs,
  };
  instrumentBroadcastChannel(api);
  instrumentServiceWorker(api);
  return api;
}
