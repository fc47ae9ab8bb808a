// What a minimal recorder costs a page (issue 12): 100,000 small strings through one MessageChannel in
// Chromium without the extension, three ways in turn, four rounds: the native postMessage; a wrapper
// that only times the native call (`nowOnly`); and a wrapper that also makes an event object per send
// and per receipt (a capture listener) and sends them as JSON in a CustomEvent per 512 (`work`), about
// the least a JS recorder can do. Prints the send loop's and the whole run's time. Asserts nothing.
// Usage: node bench/minimal-recorder.mjs
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
const page = await browser.newPage();
await page.goto('data:text/html,<title>x</title>');
const res = await page.evaluate(async () => {
  const native = MessagePort.prototype.postMessage;
  const apply = Reflect.apply;
  let q = []; let seq = 0; let sendNs = 0;
  const node = document.createElement('div');
  node.addEventListener('x', () => {});
  const flush = () => { const s = JSON.stringify(q); q = []; node.dispatchEvent(new CustomEvent('x', { detail: s })); };
  const record = (e) => { e.seq = ++seq; q.push(e); if (q.length >= 512) flush(); };
  const modes = {
    direct: () => native,
    work: () => function postMessage(...args) {
      const ctx = { port: 'r:1', partner: 'r:2' };
      const t = performance.now();
      const r = apply(native, this, args);
      sendNs += performance.now() - t;
      record({ type: 'messageSent', t: performance.now(), route: 'port', ...ctx, transfer: [], outcome: 'posted' });
      return r;
    },
    nowOnly: () => function postMessage(...args) {
      const t = performance.now();
      const r = apply(native, this, args);
      sendNs += performance.now() - t;
      return r;
    },
  };
  const run = (mode, n) => new Promise((resolve) => {
    MessagePort.prototype.postMessage = modes[mode]();
    sendNs = 0;
    const { port1, port2 } = new MessageChannel();
    let got = 0;
    const t0 = performance.now(); let tSent;
    port2.addEventListener('message', (e) => { if (mode === 'work') record({ type: 'messageReceived', t: performance.now(), route: 'port', port: 'r:2', origin: e.origin, ports: [], preview: { $t: 'skipped', reason: 'load' } }); }, true);
    port2.onmessage = (e) => { globalThis.__sink = e.data; if (++got === n) { resolve([mode, tSent - t0, performance.now() - t0, sendNs]); port1.close(); port2.close(); } };
    for (let i = 0; i < n; i++) port1.postMessage('hello, entangled world');
    tSent = performance.now();
  });
  const out = [];
  for (let r = 0; r < 4; r++) for (const m of ['direct', 'nowOnly', 'work']) out.push(await run(m, 100000));
  MessagePort.prototype.postMessage = native;
  return out;
});
for (const [m, s, t, n] of res) console.log(m.padEnd(7), 'send loop', s.toFixed(0), 'ms  total', t.toFixed(0), 'ms  inside native', n.toFixed(0));
await browser.close();
