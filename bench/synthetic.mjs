// A synthetic but realistic event log for panel benchmarks: one top page with REALMS-1 iframes; each
// iframe gets a carrier port from the top by window.postMessage, then the top creates channels and hands
// one port of each to an iframe over its carrier (recorded port transfers), and MESSAGES messages flow
// over the channels both ways (send + receipt each, small object payloads, a few failures and a few
// messages left queued on never-started ports). Events carry what the recorder records: a port send to
// an instrumented receiver has no preview (the receipt has it). Records are in arrival order: each realm's events in
// batches, in the order the batches were flushed, as the panel receives them.
// Usage: import { syntheticLog } from './synthetic.mjs'; syntheticLog({ messages, ports, realms })

const PROTOCOL = 1;

export function syntheticLog({ messages = 100_000, ports = 1_000, realms = 50, batch = 200 } = {}) {
  let t = 1_700_000_000_000;
  const queues = new Map();
  const seqs = new Map();
  const frames = new Map();
  const emit = (realm, event) => {
    const seq = (seqs.get(realm) ?? 0) + 1;
    seqs.set(realm, seq);
    const [frameId, parentFrameId, url] = frames.get(realm);
    const q = queues.get(realm) ?? [];
    queues.set(realm, q);
    q.push({ realm, tabId: 1, frameId, parentFrameId, url, event: { ...event, seq, t: (t += 0.05) } });
  };
  const top = 'top';
  frames.set(top, [0, -1, 'https://app.test/']);
  emit(top, { type: 'realmStarted', kind: 'top', url: 'https://app.test/', origin: 'https://app.test', protocol: PROTOCOL });
  const iframes = [];
  for (let i = 1; i < realms; i++) {
    const id = `ifr${i}`;
    const origin = i % 2 ? 'https://app.test' : 'https://widgets.test';
    frames.set(id, [i, 0, `${origin}/widget/${i}`]);
    iframes.push(id);
    emit(id, { type: 'realmStarted', kind: 'iframe', url: `${origin}/widget/${i}`, origin, protocol: PROTOCOL });
  }

  // Carriers: a channel per iframe, port2 sent by window.postMessage (no send recorded for window).
  const local = new Map(); // iframe -> next local port number
  const nextLocal = (realm) => {
    const n = (local.get(realm) ?? 0) + 1;
    local.set(realm, n);
    return `${realm}:${n}`;
  };
  let topPort = 0;
  let channel = 0;
  const newChannel = () => {
    const c = `${top}:c${++channel}`;
    const p1 = `${top}:${++topPort}`;
    const p2 = `${top}:${++topPort}`;
    emit(top, { type: 'channelCreated', channel: c, port1: p1, port2: p2 });
    return [p1, p2];
  };
  const carriers = new Map();
  for (const id of iframes) {
    // Frames load one after another, tens of milliseconds apart, as on a real page. (Carriers handed to
    // many frames within the correlator's clock-skew allowance cannot be told apart without recorded
    // window sends: see docs/correlation.md.)
    t += 30;
    const [p1] = newChannel();
    emit(top, { type: 'portStarted', port: p1, implicit: true });
    const arrived = nextLocal(id);
    emit(id, { type: 'messageReceived', route: 'window', origin: 'https://app.test', source: 'parent', ports: [arrived], preview: { $t: 'object', entries: [['type', 'connect']], more: 0 }, size: 20 });
    emit(id, { type: 'portStarted', port: arrived, implicit: true });
    carriers.set(id, [p1, arrived]);
  }

  // Work channels: port1 stays in the top, port2 travels to an iframe over its carrier.
  const pairs = [];
  const channels = Math.max(1, Math.floor(ports / 2) - iframes.length);
  for (let k = 0; k < channels; k++) {
    const id = iframes[k % iframes.length];
    const [carrierTop, carrierIfr] = carriers.get(id);
    const [p1, p2] = newChannel();
    emit(top, { type: 'portStarted', port: p1, implicit: true });
    emit(top, { type: 'messageSent', route: 'port', port: carrierTop, transfer: [{ kind: 'MessagePort', port: p2 }], outcome: 'posted' });
    const arrived = nextLocal(id);
    emit(id, { type: 'messageReceived', route: 'port', port: carrierIfr, origin: '', ports: [arrived], preview: { $t: 'object', entries: [['type', 'channel'], ['n', k]], more: 0 }, size: 32 });
    // Every 97th channel's iframe end is never started: its messages stay queued.
    if (k % 97 !== 96) emit(id, { type: 'portStarted', port: arrived, implicit: true });
    pairs.push([p1, id, arrived, k % 97 !== 96]);
  }

  const ops = ['render', 'update', 'fetch', 'ack', 'resize', 'log'];
  for (let i = 0; i < messages; i++) {
    const [p1, id, arrived, started] = pairs[i % pairs.length];
    const fromTop = i % 3 !== 2 || !started;
    const preview = { $t: 'object', entries: [['id', i], ['op', ops[i % ops.length]], ['payload', { $t: 'array', length: 3, items: [i % 7, `item-${i % 1000}`, i % 2 === 0] }]], more: 0 };
    if (i % 1000 === 999) {
      // A failed send: a function in the payload.
      emit(fromTop ? top : id, { type: 'messageSent', route: 'port', port: fromTop ? p1 : arrived, transfer: [], outcome: 'posted', error: { name: 'DataCloneError', message: "Failed to execute 'postMessage' on 'MessagePort': () => {} could not be cloned." } });
      continue;
    }
    const [s, sp, r, rp] = fromTop ? [top, p1, id, arrived] : [id, arrived, top, p1];
    // As the recorder does: an instrumented receiver previews and measures the payload, the send
    // carries neither (only a send that can never reach its receiver is previewed where it is sent).
    emit(s, { type: 'messageSent', route: 'port', port: sp, transfer: [], outcome: 'posted', ...(fromTop && !started ? { preview, size: 64 } : {}) });
    if (fromTop && !started) continue;
    emit(r, { type: 'messageReceived', route: 'port', port: rp, origin: '', ports: [], preview, size: 64 });
  }

  // Arrival order: each realm's events in batches (at most `batch` events or 15 ms, as the recorder
  // flushes), the batches of all realms in the order they were flushed.
  const batches = [];
  for (const q of queues.values()) {
    let cur = [];
    for (const rec of q) {
      if (cur.length > 0 && (cur.length >= batch || rec.event.t - cur[0].event.t > 15)) {
        batches.push(cur);
        cur = [];
      }
      cur.push(rec);
    }
    if (cur.length > 0) batches.push(cur);
  }
  batches.sort((a, b) => a[a.length - 1].event.t - b[b.length - 1].event.t);
  const out = batches.flat();
  return out;
}
