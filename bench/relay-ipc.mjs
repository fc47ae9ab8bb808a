#!/usr/bin/env node
// What the content relay's hand-over to the background costs the page's thread (issue 12): in the
// relay's own isolated world of a page (found over CDP by its name, "Entangle"), a port to the
// extension posts batch messages shaped as the relay's (`{kind:'batch', realm, first, last, json}`)
// of 512 events of 157 characters each (one skipped receipt, repeated), and variants: the same call
// with a one-character `json`, a `json` of the same length without quotes, half the length, and
// JSON.stringify of the message alone. Prints ms per call (3 rounds, a pause between). Asserts nothing.
// Usage: node bench/relay-ipc.mjs [extension dir = dist/chrome]
import { resolve } from 'node:path';
import { startDemoServer } from '../demo/serve.mjs';
import { EXTENSION_DIR } from '../scripts/chromium.mjs';
import { launchWithExtension } from './launch.mjs';

const server = await startDemoServer({ dir: resolve(import.meta.dirname) });
const launched = await launchWithExtension(process.argv[2] ?? EXTENSION_DIR);
try {
  const page = await launched.browser.newPage();
  const cdp = await page.createCDPSession();
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  await page.goto(server.url('/page.html'));
  await new Promise((r) => setTimeout(r, 500));
  const relayWorld = contexts.find((c) => c.auxData?.type === 'isolated' && c.name === 'Entangle');
  if (!relayWorld) throw new Error('the relay world was not found');
  const probe = async () => {
    const port = globalThis.chrome.runtime.connect({ name: 'bench-relay-ipc' });
    const event = '{"type":"messageReceived","t":1733480000000.123,"route":"port","origin":"","port":"abc:2","ports":[],"preview":{"$t":"skipped","reason":"load"},"seq":12345}';
    const n = 512;
    const json = `{"v":1,"realm":"abc","events":[${Array(n).fill(event).join(',')}]}`;
    // The same events in the wire form the recorder writes (model/protocol.ts ShapedBatch).
    const shape = event.replace('"t":1733480000000.123', '"t":0').replace('"seq":12345', '"seq":0');
    const shaped = `{"v":1,"form":"shapes","realm":"abc","first":1,"shapes":[${shape}],"of":[${Array(n).fill(0).join(',')}],"t":[1733480000000.123${',0.1'.repeat(n - 1)}]}`;
    const batch = (text) => ({ kind: 'batch', realm: 'abc', first: 1, last: n, json: text });
    const variants = {
      [`batch of ${n} events (${json.length} characters)`]: batch(json),
      [`the same in shapes (${shaped.length} characters)`]: batch(shaped),
      'one-character json': batch('x'),
      'same length, no quotes': batch('x'.repeat(json.length)),
      'half the length': batch(json.slice(0, json.length >> 1)),
      'JSON.stringify of the batch message only': null,
    };
    const out = {};
    for (let round = 0; round < 3; round++) {
      for (const [name, message] of Object.entries(variants)) {
        await new Promise((r) => setTimeout(r, 500));
        const t0 = performance.now();
        if (message) for (let i = 0; i < 100; i++) port.postMessage(message);
        else for (let i = 0; i < 100; i++) JSON.stringify(batch(json));
        (out[name] ??= []).push(((performance.now() - t0) / 100).toFixed(3));
      }
    }
    port.disconnect();
    return out;
  };
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression: `(${probe})()`, contextId: relayWorld.id, awaitPromise: true, returnByValue: true });
  if (exceptionDetails) throw new Error(exceptionDetails.text);
  console.log('ms per call on the page thread (3 rounds):');
  for (const [name, ms] of Object.entries(result.value)) console.log(`  ${name.padEnd(48)} ${ms.join('  ')}`);
} finally {
  await launched.close();
  await server.close();
}
