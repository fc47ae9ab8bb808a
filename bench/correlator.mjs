#!/usr/bin/env node
// Correlator throughput: a synthetic log of N messages (default 100,000: 200,000+ events) between a
// top window and an iframe over three channels (one handed over by window.postMessage, two by port
// transfers), both directions, batches of each realm arriving interleaved as the panel gets them.
// Prints the time to append the whole log in live-sized batches, the cost per batch early and late in
// the log (appending must not slow down as the log grows), and the time to build the model.
// Target: ≤ 2 s for 100,000 messages. Nothing is asserted.
// Usage: node bench/correlator.mjs [messages] [batchSize]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

const MESSAGES = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 200);

// Bundle the TypeScript model into a temporary ES module (vite is already a dependency).
const out = mkdtempSync(join(tmpdir(), 'entangle-bench-'));
await build({
  configFile: false,
  logLevel: 'silent',
  build: {
    lib: { entry: resolve(import.meta.dirname, '../model/correlator.ts'), formats: ['es'], fileName: 'correlator' },
    outDir: out,
    emptyOutDir: true,
    minify: false,
  },
});
const { createCorrelator } = await import(pathToFileURL(join(out, 'correlator.js')).href);
rmSync(out, { recursive: true, force: true });

// ── the log ──
function makeLog(n) {
  let t = 1_700_000_000_000;
  const queues = { top: [], ifr: [] };
  const seqs = { top: 0, ifr: 0 };
  const frames = { top: [0, -1], ifr: [3, 0] };
  const emit = (realm, event) => {
    const [frameId, parentFrameId] = frames[realm];
    queues[realm].push({ realm, tabId: 1, frameId, parentFrameId, event: { ...event, seq: ++seqs[realm], t: (t += 0.05) } });
  };
  const started = (realm) => emit(realm, { type: 'realmStarted', kind: realm === 'top' ? 'top' : 'iframe', url: `https://a.test/${realm}`, origin: 'https://a.test', protocol: 1 });
  started('top');
  started('ifr');
  emit('top', { type: 'channelCreated', channel: 'top:c1', port1: 'top:1', port2: 'top:2' });
  emit('top', { type: 'portStarted', port: 'top:1', implicit: true });
  emit('ifr', { type: 'messageReceived', route: 'window', origin: 'https://a.test', source: 'parent', ports: ['ifr:1'], preview: 'init', size: 6 });
  emit('ifr', { type: 'portStarted', port: 'ifr:1', implicit: true });
  // Two more channels whose second ports travel over the first.
  const pairs = [['top:1', 'ifr:1']];
  for (let c = 2; c <= 3; c++) {
    const p1 = `top:${2 * c - 1}`;
    const p2 = `top:${2 * c}`;
    const arrived = `ifr:${c}`;
    emit('top', { type: 'channelCreated', channel: `top:c${c}`, port1: p1, port2: p2 });
    emit('top', { type: 'portStarted', port: p1, implicit: true });
    emit('top', { type: 'messageSent', route: 'port', port: 'top:1', partner: 'top:2', transfer: [{ kind: 'MessagePort', port: p2 }], outcome: 'posted' });
    emit('ifr', { type: 'messageReceived', route: 'port', port: 'ifr:1', origin: '', ports: [arrived], preview: 'port', size: 6 });
    emit('ifr', { type: 'portStarted', port: arrived, implicit: true });
    pairs.push([p1, arrived]);
  }
  const preview = { $t: 'object', entries: [['id', 0], ['op', 'call']], more: 0 };
  for (let i = 0; i < n; i++) {
    const [topPort, ifrPort] = pairs[i % 3];
    const fromTop = i % 4 !== 3;
    const [s, r, sp, rp] = fromTop ? ['top', 'ifr', topPort, ifrPort] : ['ifr', 'top', ifrPort, topPort];
    emit(s, { type: 'messageSent', route: 'port', port: sp, transfer: [], outcome: 'posted' });
    emit(r, { type: 'messageReceived', route: 'port', port: rp, origin: '', ports: [], preview, size: 24 });
  }
  // Arrival order: each realm's events in batches of BATCH, the two realms' batches alternating.
  const batches = [];
  const a = queues.top;
  const b = queues.ifr;
  for (let i = 0; i < Math.max(a.length, b.length); i += BATCH) {
    if (i < a.length) batches.push(a.slice(i, i + BATCH));
    if (i < b.length) batches.push(b.slice(i, i + BATCH));
  }
  return batches;
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

function run() {
  const batches = makeLog(MESSAGES);
  const events = batches.reduce((n, b) => n + b.length, 0);
  const c = createCorrelator();
  const perBatch = [];
  const t0 = performance.now();
  for (const batch of batches) {
    const s = performance.now();
    c.append(batch);
    perBatch.push(performance.now() - s);
  }
  const t1 = performance.now();
  const model = c.model();
  const t2 = performance.now();
  // A live redraw: the panel calls model() after each few batches; settled messages are reused.
  const live = createCorrelator();
  const redraws = [];
  for (let i = 0; i < batches.length; i++) {
    live.append(batches[i]);
    if (i % 10 === 9) {
      const s = performance.now();
      live.model();
      redraws.push(performance.now() - s);
    }
  }
  const tenth = Math.max(1, Math.floor(perBatch.length / 10));
  return {
    events,
    append: t1 - t0,
    model: t2 - t1,
    early: median(perBatch.slice(0, tenth)),
    late: median(perBatch.slice(-tenth)),
    redrawLate: median(redraws.slice(-Math.max(1, Math.floor(redraws.length / 10)))),
    totals: model.totals,
  };
}

run(); // warm-up (JIT)
const runs = [run(), run(), run()];
const r = runs.sort((x, y) => x.append + x.model - (y.append + y.model))[1];
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`correlator: ${MESSAGES.toLocaleString('en')} messages, ${r.events.toLocaleString('en')} events, batches of ${BATCH} (median of 3 runs after a warm-up)`);
console.log(`  append all batches: ${ms(r.append)}   model(): ${ms(r.model)}   total: ${ms(r.append + r.model)}   (target ≤ 2000 ms)`);
console.log(`  median append per batch: first tenth ${r.early.toFixed(3)} ms, last tenth ${r.late.toFixed(3)} ms`);
console.log(`  model() on a live redraw (every 10 batches), last tenth of the log: ${r.redrawLate.toFixed(1)} ms (first build of the whole log: ${ms(r.model)})`);
console.log(`  totals: ${JSON.stringify(r.totals)}`);
