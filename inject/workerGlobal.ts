/**
 * What only a worker's global has, recorded from the inside (issue 13):
 * - a dedicated worker: `self.postMessage` (to its owner) is a send, and a `message`/`messageerror`
 *   on `self` (from its owner) a receipt, both on route `worker` with `worker: WORKER_SELF`. The
 *   owner is recorded too, so the receiver measures (as on a port whose other end is instrumented);
 * - a service worker: a `message` on `self` (an ExtendableMessageEvent) is a receipt naming the
 *   client that posted (`client`: its URL), and `Client.prototype.postMessage` (WindowClient's too,
 *   the same method) a send naming the client posted to;
 * - a shared worker: each `connect` on its global (a page ran `new SharedWorker()`) is a receipt on
 *   route `worker` with `worker: SHARED_WORKER_CONNECT`, carrying the worker's end of that page's
 *   `SharedWorker.port`: the port is known, and listened to, before the page's `onconnect` runs;
 * - a dedicated or shared worker that closes itself (`self.close()`) gets its last events out at
 *   once: no timer of a closing worker fires again.
 */
import { SHARED_WORKER_CONNECT, WORKER_SELF } from '../model/protocol';
import { afterCall, replaceValue } from './disguise';
import { FROM_INSTRUMENTED, type MessageGetters, type ReceiptFrom, type RecorderApi } from './instrument';
import { addEventListener, apply, arg, getOwnPropertyDescriptor, getPrototypeOf, getter, read } from './natives';

export type WorkerKind = 'worker' | 'sharedworker' | 'serviceworker';

export function instrumentWorkerGlobal(api: RecorderApi, kind: WorkerKind): void {
  switch (kind) {
    case 'worker':
      instrumentDedicated(api);
      flushOnClose(api);
      return;
    case 'sharedworker':
      instrumentSharedConnect(api);
      flushOnClose(api);
      return;
    case 'serviceworker':
      instrumentServiceWorkerGlobal(api);
      return;
  }
}

/** The object on `obj`'s prototype chain (itself included) that owns `key`: where a global's
 *  operations live (DedicatedWorkerGlobalScope.prototype…), read through descriptors only. */
export function ownerOf(obj: object, key: string): object | undefined {
  for (let o: object | null = obj; o; o = getPrototypeOf(o)) if (getOwnPropertyDescriptor(o, key)) return o;
  return undefined;
}

function instrumentDedicated(api: RecorderApi): void {
  const { global } = api;
  // One object for every message: fields are only spread into events, never changed.
  const fields: Record<string, unknown> = { worker: WORKER_SELF };
  // self.postMessage(message, transfer) / (message, { transfer }). A call on anything but the global
  // (which throws) is not a send to the owner: not recorded.
  api.wrapSend(
    ownerOf(global, 'postMessage'),
    'postMessage',
    (self, args) => {
      if (self !== undefined && self !== null && self !== global) return undefined;
      const opt = arg(args, 1);
      const list = api.asList(opt) ?? api.asList(api.dataField(opt, 'transfer'));
      return api.context('worker', arg(args, 0), list, 'receiver', fields);
    },
    () => 'posted',
  );
  api.listen(
    global,
    api.guarded((e) => api.received(e, 'worker', fields, FROM_INSTRUMENTED)),
  );
}

function instrumentServiceWorkerGlobal(api: RecorderApi): void {
  const { global } = api;
  const g = global as unknown as { ExtendableMessageEvent?: { prototype: object }; Client?: { prototype: object } };
  const extendable = g.ExtendableMessageEvent?.prototype;
  const getters: MessageGetters & { source: ((this: unknown) => unknown) | undefined } = {
    data: getter(extendable, 'data'),
    origin: getter(extendable, 'origin'),
    ports: getter(extendable, 'ports'),
    source: getter(extendable, 'source'),
  };
  // The client (a page) is recorded too: arrived ports keep measuring at their receivers.
  const fromClient: ReceiptFrom = { port: undefined, uninstrumented: false, getters };
  const clientProto = g.Client?.prototype;
  const clientUrl = getter(clientProto, 'url');
  /** A Client's URL, read with its native getter; undefined for anything else. */
  const urlOf = (client: unknown): string | undefined => {
    const url = read(clientUrl, client);
    return typeof url === 'string' ? url : undefined;
  };

  api.listen(
    global,
    api.guarded((e) => {
      // The browser's messages are ExtendableMessageEvents; a MessageEvent the page dispatched
      // itself is read as one (the getters of the one refuse the other).
      if (read(getters.ports, e) === undefined) {
        api.received(e, 'worker', {}, FROM_INSTRUMENTED);
        return;
      }
      const url = urlOf(read(getters.source, e));
      api.received(e, 'worker', url !== undefined ? { client: url } : {}, fromClient);
    }),
  );
  // Client.prototype.postMessage(message, transfer) / (message, { transfer }): the page side records
  // the receipt (on `navigator.serviceWorker`), so the receiver measures.
  api.wrapSend(
    clientProto,
    'postMessage',
    (self, args) => {
      const url = urlOf(self);
      if (url === undefined) return undefined;
      const opt = arg(args, 1);
      const list = api.asList(opt) ?? api.asList(api.dataField(opt, 'transfer'));
      return api.context('worker', arg(args, 0), list, 'receiver', { client: url });
    },
    () => 'posted',
  );
}

/** A capture listener for `connect` on the shared worker's global, added before any page code, so
 *  the recorder meets each connecting port first (a `connect` is a MessageEvent: its native getters
 *  read it). It starts nothing: a port is started by the page's `onmessage` or `start()`. */
function instrumentSharedConnect(api: RecorderApi): void {
  const fields: Record<string, unknown> = { worker: SHARED_WORKER_CONNECT };
  apply(addEventListener, api.global, ['connect', api.guarded((e) => api.received(e, 'worker', fields, FROM_INSTRUMENTED)), true]);
}

/** `close()` on a dedicated or shared worker's global: whatever is queued, and every event from
 *  then on (the current task still runs), goes out at once. */
function flushOnClose(api: RecorderApi): void {
  const { global, emitter } = api;
  const owner = ownerOf(global, 'close');
  if (!owner) return;
  replaceValue(
    owner,
    'close',
    afterCall(
      () => emitter.setLeaving(true),
      (err) => emitter.fault('lifecycle', err),
    ),
  );
}
