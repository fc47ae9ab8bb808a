#!/usr/bin/env node
// Cost on every site: the page heap a chatty page costs with Entangle installed and no panel open.
// A page posts N messages through one MessageChannel (bench/page.html's `run`), in three tabs:
//   without   — Chromium without the extension (the page's own cost);
//   unwatched — with the extension, a tab no panel ever inspected (the relay keeps only the document's
//               first and last events, UNWATCHED_* in model/relay.ts);
//   inspected — with the extension, a tab a panel inspected and closed before the page posted (the
//               relay keeps the full bound, RELAY_BUFFER_*: what every tab cost before the small bound).
// The relay's buffer lives in the content script's isolated world, which shares the page's V8 isolate
// (one per renderer main thread): `Runtime.getHeapUsage` on the page's target, after
// `HeapProfiler.collectGarbage`, counts the main world and the isolated world together. Printed: the
// used heap after load, after the burst, and the growth, in MB; the median of the runs. Nothing asserted.
// Usage: node bench/unwatched.mjs [messages=100000] [runs=3] [kind=object|string]   (after `npm run build`)
import { resolve } from 'node:path';
import { findInspectedTab, launchChromium } from '../scripts/browser.mjs';
import { startDemoServer } from '../demo/serve.mjs';

const args = process.argv.slice(2);
const MESSAGES = Number(args[0] ?? 100_000);
const RUNS = Number(args[1] ?? 3);
const KIND = args[2] ?? 'object';
const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function usedHeap(page) {
  const cdp = await page.createCDPSession();
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

const server = await startDemoServer({ dir: resolve(import.meta.dirname) });
const withExt = await launchChromium({ extension: true });
const without = await launchChromium({ extension: false });
try {
  const helper = await withExt.browser.newPage();
  await helper.goto(`chrome-extension://${withExt.extensionId}/panel.html`);

  /** One fresh tab of `mode`: heap after load, heap after the burst. */
  async function measure(mode, run) {
    const session = mode === 'without' ? without : withExt;
    const page = await session.browser.newPage();
    await page.goto(server.url(`/page.html?${mode}-${run}`));
    if (mode !== 'without') {
      await page.evaluate(() => new MessageChannel().port1.postMessage('wake')); // the relay connects
      const tabId = await findInspectedTab(helper, `${mode}-${run}`);
      if (tabId === null) throw new Error('the benchmark tab has no relay');
      if (mode === 'inspected') {
        const panel = await withExt.browser.newPage();
        await panel.goto(`chrome-extension://${withExt.extensionId}/panel.html?tabId=${tabId}`);
        const end = Date.now() + 15_000;
        while (Date.now() < end && (await panel.evaluate(() => window.__entangle?.store.getState().total ?? 0)) === 0) await sleep(100);
        await panel.close();
      }
      await sleep(300); // the background's answer to the relay's hello (small or full bound)
    }
    const loaded = await usedHeap(page);
    await page.evaluate((n, k) => window.run(n, k), MESSAGES, KIND);
    await sleep(500); // the recorder's last batches reach the relay
    const after = await usedHeap(page);
    await page.close();
    return { loaded, after };
  }

  console.log(`Chromium: ${await withExt.browser.version()}  messages: ${MESSAGES} (${KIND} payload)  runs: ${RUNS}`);
  const modes = ['without', 'unwatched', 'inspected'];
  const results = Object.fromEntries(modes.map((m) => [m, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const mode of modes) {
      const r = await measure(mode, run);
      results[mode].push(r);
      console.log(`run ${run + 1} ${mode.padEnd(9)}  heap after load ${(r.loaded / MB).toFixed(1).padStart(6)} MB  after the burst ${(r.after / MB).toFixed(1).padStart(6)} MB  growth ${((r.after - r.loaded) / MB).toFixed(1).padStart(6)} MB`);
    }
  }
  console.log('');
  for (const mode of modes) {
    const growth = median(results[mode].map((r) => r.after - r.loaded));
    const after = median(results[mode].map((r) => r.after));
    console.log(`median ${mode.padEnd(9)}  heap after the burst ${(after / MB).toFixed(1).padStart(6)} MB  growth ${(growth / MB).toFixed(1).padStart(6)} MB`);
  }
} finally {
  await withExt.close();
  await without.close();
  await server.close();
}
