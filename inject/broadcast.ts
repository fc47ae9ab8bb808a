/**
 * BroadcastChannel: every BroadcastChannel object of this realm gets a local id (`realm:bN`), recorded
 * when it is constructed (`broadcastChannelCreated`) and closed (`broadcastChannelClosed`), and named
 * on its sends (`messageSent`, route `broadcast`) and on what it receives. The ids are what lets the
 * correlator match a post with its receipts: an object never receives its own posts, and each other
 * open object of the same name and origin receives each post exactly once.
 */
import { disguise, replaceConstructor, replaceValue } from './disguise';
import type { RecorderApi } from './instrument';
import { apply, getter, NativeWeakMap, put, read, weakMapGet, weakMapSet, arg } from './natives';

interface ChannelState {
  id: string;
  closed: boolean;
}

type Fn = (...args: never[]) => unknown;

export function instrumentBroadcastChannel(api: RecorderApi): void {
  const { global, emitter } = api;
  const proto = global.BroadcastChannel?.prototype;
  if (!proto) return;
  const broadcastName = getter(proto, 'name');
  const channels = new NativeWeakMap<object, ChannelState>();
  let count = 0;

  const stateOf = (self: unknown): ChannelState | undefined =>
    typeof self === 'object' && self !== null ? (apply(weakMapGet, channels, [self]) as ChannelState | undefined) : undefined;

  /** The fields that name a BroadcastChannel object: its channel name, and its id when it is ours. */
  function fieldsOf(self: unknown): Record<string, unknown> {
    // (`put`, not assignments: a setter the page put on Object.prototype would be called.)
    const fields: Record<string, unknown> = {};
    const name = read(broadcastName, self);
    if (typeof name === 'string') put(fields, 'channelName', name);
    const s = stateOf(self);
    if (s) put(fields, 'bc', s.id);
    return fields;
  }

  api.wrapSend(proto, 'postMessage', (self, args) => api.context('broadcast', arg(args, 0), undefined, 'receiver', fieldsOf(self)), () => 'posted');

  const onBroadcastEvent = api.guarded((e) => api.received(e, 'broadcast', fieldsOf(api.eventField(e, 'currentTarget'))));

  replaceConstructor(global, 'BroadcastChannel', (err) => emitter.fault('channel', err), (channel) => {
    const s: ChannelState = { id: `${emitter.realm}:b${++count}`, closed: false };
    apply(weakMapSet, channels, [channel, s]);
    api.listen(channel, onBroadcastEvent);
    const name = read(broadcastName, channel);
    emitter.record({ type: 'broadcastChannelCreated', t: api.now(), bc: s.id, channelName: typeof name === 'string' ? name : '' });
  });

  // close(): after the original returns (a wrong `this` throws the page's TypeError before anything
  // is recorded); a second close changes nothing, so it is recorded once.
  replaceValue(proto, 'close', (original: Fn) =>
    disguise(original, {
      __proto__: null,
      apply(fn, self, args) {
        const result = apply(fn, self, args);
        try {
          const s = stateOf(self);
          if (s && !s.closed) {
            s.closed = true;
            emitter.record({ type: 'broadcastChannelClosed', t: api.now(), bc: s.id });
          }
        } catch (err) {
          emitter.fault('lifecycle', err);
        }
        return result;
      },
    } as ProxyHandler<Fn>),
  );
}
