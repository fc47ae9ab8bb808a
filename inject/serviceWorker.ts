/**
 * Service workers, seen from the page (the service worker itself is not instrumented):
 * `ServiceWorker.prototype.postMessage` is recorded as a send on route `worker`, previewed here, and
 * the messages a service worker posts to this client (`message` on `navigator.serviceWorker`) as
 * receipts on route `worker`. Each ServiceWorker object gets a local id (`realm:sN`), announced by
 * `serviceWorkerFound` (script URL and state) the first time it is seen, and again once its scope is
 * known or its state changes.
 */
import { disguise } from './disguise';
import type { ReceiptFrom, RecorderApi } from './instrument';
import { apply, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, getter, NativeWeakMap, read, weakMapGet, weakMapSet, addEventListener, arg } from './natives';

// Captured at document_start, before any page script can replace them.
const swProto = globalThis.ServiceWorker?.prototype;
const sw = {
  scriptURL: getter(swProto, 'scriptURL'),
  state: getter(swProto, 'state'),
};
const regProto = globalThis.ServiceWorkerRegistration?.prototype;
const reg = {
  scope: getter(regProto, 'scope'),
  active: getter(regProto, 'active'),
  waiting: getter(regProto, 'waiting'),
  installing: getter(regProto, 'installing'),
};
const getRegistrations = globalThis.ServiceWorkerContainer?.prototype.getRegistrations;
const promiseThen = Promise.prototype.then;
const arrayProto = Array.prototype;
const objectProto = Object.prototype;
const nav = globalThis.navigator;

interface WorkerState {
  id: string;
  scope?: string;
}

type Fn = (...args: never[]) => unknown;

export function instrumentServiceWorker(api: RecorderApi): void {
  const { global, emitter } = api;
  if (!swProto) return;
  const workers = new NativeWeakMap<object, WorkerState>();
  const containers = new NativeWeakMap<object, true>();
  let count = 0;
  // (A worker's navigator is a WorkerNavigator: `navigator.serviceWorker` exists in some workers.)
  const navProto = (global.Navigator ?? (global as { WorkerNavigator?: typeof Navigator }).WorkerNavigator)?.prototype;
  const d = navProto ? getOwnPropertyDescriptor(navProto, 'serviceWorker') : undefined;
  /** The native getter of `navigator.serviceWorker` (the page's reads go through the wrapper below). */
  const originalContainerGetter = d?.get as ((this: unknown) => unknown) | undefined;

  function found(worker: object, s: WorkerState): void {
    const scriptURL = read(sw.scriptURL, worker);
    const state = read(sw.state, worker);
    emitter.record({
      type: 'serviceWorkerFound',
      t: api.now(),
      worker: s.id,
      scriptURL: typeof scriptURL === 'string' ? scriptURL : '',
      state: typeof state === 'string' ? state : '',
      ...(s.scope !== undefined ? { scope: s.scope } : {}),
    });
  }

  /** The id of a ServiceWorker object (announced on first sight); undefined for anything else. */
  function idOf(v: unknown): string | undefined {
    if (typeof v !== 'object' || v === null) return undefined;
    let s = apply(weakMapGet, workers, [v]) as WorkerState | undefined;
    if (s) return s.id;
    // The native getter's brand check: a ServiceWorker of this realm, nothing else (no page code runs).
    if (typeof read(sw.scriptURL, v) !== 'string') return undefined;
    s = { id: `${emitter.realm}:s${++count}`, scope: undefined }; // (`scope` own: set later without a setter)
    apply(weakMapSet, workers, [v, s]);
    found(v, s);
    const state = s;
    // `statechange` listeners change nothing for the page (the event is fired either way).
    apply(addEventListener, v, ['statechange', api.guarded(() => found(v, state)), true]);
    findScope(v, s);
    return s.id;
  }

  /**
   * The scope is only reachable through a registration, which only promises give. Runs no page code:
   * the native `getRegistrations` and `Promise.prototype.then`, with the promise's species lookup cut
   * short (an own `constructor: undefined` on our own promise: `then` then makes a plain %Promise%),
   * and not at all when a `then` on the array's prototypes would make the browser's resolution of
   * the result call page code. Both handlers swallow everything: an exception in them would reject
   * the derived promise and fire `unhandledrejection` on the page.
   */
  function findScope(worker: object, s: WorkerState): void {
    if (!getRegistrations || !nav) return;
    if (getPrototypeOf(arrayProto) !== objectProto) return;
    if (getOwnPropertyDescriptor(arrayProto, 'then') || getOwnPropertyDescriptor(objectProto, 'then')) return;
    const container = read(originalContainerGetter, nav);
    if (typeof container !== 'object' || container === null) return;
    let promise: unknown;
    try {
      promise = apply(getRegistrations, container, []);
    } catch {
      return;
    }
    if (typeof promise !== 'object' || promise === null) return;
    // (A descriptor without a prototype: `get`/`set` are not looked up on the page's Object.prototype.)
    defineProperty(promise, 'constructor', { __proto__: null, value: undefined, writable: true, enumerable: false, configurable: true } as PropertyDescriptor);
    const onList = (list: unknown): void => {
      try {
        const regs = api.asList(list);
        if (!regs) return;
        const n = api.dataField(regs, 'length') as number;
        for (let i = 0; i < n; i++) {
          const r = api.dataField(regs, `${i}`);
          if (read(reg.active, r) !== worker && read(reg.waiting, r) !== worker && read(reg.installing, r) !== worker) continue;
          const scope = read(reg.scope, r);
          if (typeof scope !== 'string') return;
          s.scope = scope;
          found(worker, s);
          return;
        }
      } catch (err) {
        emitter.fault('serviceWorker', err);
      }
    };
    const onFailed = (): void => undefined;
    try {
      apply(promiseThen, promise, [onList, onFailed]);
    } catch {
      /* the scope stays unknown */
    }
  }

  // ServiceWorker.prototype.postMessage(message, transfer) / (message, { transfer }): the service
  // worker is not instrumented, so the payload is previewed here, and ports sent to it are previewed
  // at their senders from now on (route `worker` does that in the core).
  api.wrapSend(
    swProto,
    'postMessage',
    (self, args) => {
      const id = idOf(self);
      const opt = arg(args, 1);
      const list = api.asList(opt) ?? api.asList(api.dataField(opt, 'transfer'));
      return api.context('worker', arg(args, 0), list, 'preview', id ? { worker: id } : {});
    },
    () => 'posted',
  );

  // Receipts: what a service worker posts to this client (`client.postMessage`) arrives on the
  // container, with the ServiceWorker as `event.source`. (A service worker may not be recorded from
  // the inside: ports that come from one preview at their sends.)
  const fromServiceWorker: ReceiptFrom = { port: undefined, uninstrumented: true, getters: undefined };
  const onContainerEvent = api.guarded((e) => {
    const id = idOf(api.eventField(e, 'source'));
    api.received(e, 'worker', id ? { worker: id } : {}, fromServiceWorker);
  });
  function attach(container: unknown): void {
    if (typeof container !== 'object' || container === null) return;
    if (apply(weakMapGet, containers, [container])) return;
    apply(weakMapSet, containers, [container, true]);
    api.listen(container, onContainerEvent);
  }

  // The container is reached only through `navigator.serviceWorker`. Reading it here would create it
  // early, and throws in opaque origins; instead its getter is wrapped, so the page's own first read
  // attaches the capture listeners before the page can add any. (Listeners do not enable the client
  // message queue: only `onmessage` and `startMessages()` do.)
  if (navProto && d && typeof d.get === 'function') {
    const wrapped = disguise(d.get as Fn, {
      __proto__: null,
      apply(fn, self, args) {
        const container = apply(fn, self, args);
        try {
          attach(container);
        } catch (err) {
          emitter.fault('serviceWorker', err);
        }
        return container;
      },
    } as ProxyHandler<Fn>);
    defineProperty(navProto, 'serviceWorker', { ...d, get: wrapped });
  }
}
