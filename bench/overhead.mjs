#!/usr/bin/env node
// Recorder overhead: 100,000 messages through one MessageChannel until the last receipt, with the
// extension loaded and a panel connected versus the same Chromium without the extension. Runs are
// interleaved (with/without, then without/with) and the median of the pairs' throughput ratios is
// printed. Target: ratio ≥ 0.90 for both payloads.
// Usage: node bench/overhead.mjs [pairs] [messages] [--ignore-data]   (--ignore-data: the receiver never
// reads event.data, so without the extension the browser never deserializes the payloads at all;
// --no-panel: no panel connected, so the relays only buffer: the recorder's cost in the page alone)
import { resolve } from 'node:path';
import { findInspectedTab, launchChromium } from '../scripts/browser.mjs';
import { startDemoServer } from '../demo/serve.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const IGNORE_DATA = process.argv.includes('--ignore-data');
const NO_PANEL = process.argv.includes('--no-panel');
const PAIRS = Number(args[0] ?? 7);
const MESSAGES = Number(args[1] ?? 100_000);
const KINDS = ['string', 'object'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const server = await startDemoServer({ dir: resolve(import.meta.dirname) });
const url = server.url(IGNORE_DATA ? '/page.html?ignoreData' : '/page.html');
const withExt = await launchChromium({ extension: true });
const without = await launchChromium({ extension: false });
try {
  const id = withExt.extensionId;
  const pageWith = await withExt.browser.newPage();
  await pageWith.goto(url);
  const pageWithout = await without.browser.newPage();
  await pageWithout.goto(url);

  // Connect a panel to the benchmark tab, as a user would have it open.
  const helper = await withExt.browser.newPage();
  await helper.goto(`chrome-extension://${id}/panel.html`);
  await pageWith.evaluate(() => new MessageChannel().port1.postMessage('wake')); // makes the relay connect
  const tabId = await findInspectedTab(helper, '/page.html');
  if (tabId === null) throw new Error('the benchmark tab has no relay');
  const panel = await withExt.browser.newPage();
  if (!NO_PANEL) await panel.goto(`chrome-extension://${id}/panel.html?tabId=${tabId}`);
  const panelTotal = () => (NO_PANEL ? Promise.resolve(Infinity) : panel.evaluate(() => window.__entangle.store.getState().total));
  const drained = async (expected) => {
    const end = Date.now() + 60_000;
    while (Date.now() < end && (await panelTotal()) < expected) await new Promise((r) => setTimeout(r, 100));
    return (await panelTotal()) >= expected;
  };

  console.log(`Chromium: ${await withExt.browser.version()}  messages per run: ${MESSAGES}  pairs: ${PAIRS}  receiver reads event.data: ${IGNORE_DATA ? 'no' : 'yes'}  panel connected: ${NO_PANEL ? 'no' : 'yes'}`);
  for (const kind of KINDS) console.log(`payload ${kind}: ${await pageWith.evaluate((k) => window.payloadSize(k), kind)} bytes as JSON`);
  // Warm-up of both, not counted.
  for (const kind of KINDS) {
    await pageWith.evaluate((n, k) => window.run(n, k), 10_000, kind);
    await pageWithout.evaluate((n, k) => window.run(n, k), 10_000, kind);
  }
  let expected = await panelTotal();
  const results = Object.fromEntries(KINDS.map((k) => [k, []]));
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const kind of KINDS) {
      await drained(expected);
      expected = (await panelTotal()) + MESSAGES * 2;
      const order = pair % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
      const ms = {};
      for (const which of order) {
        const page = which === 'with' ? pageWith : pageWithout;
        ms[which] = await page.evaluate((n, k) => window.run(n, k), MESSAGES, kind);
      }
      const ratio = ms.without / ms.with; // throughput with / without
      results[kind].push({ ...ms, ratio });
      console.log(
        `pair ${pair + 1} ${kind.padEnd(6)}  with ${(MESSAGES / ms.with * 1000).toFixed(0).padStart(7)} msg/s  ` +
          `without ${(MESSAGES / ms.without * 1000).toFixed(0).padStart(7)} msg/s  ratio ${ratio.toFixed(3)}`,
      );
    }
  }
  const complete = await drained(expected);
  if (!NO_PANEL) console.log(`panel received every event: ${complete ? 'yes' : 'NO'} (${await panelTotal()} events in its store since start)`);
  console.log('');
  for (const kind of KINDS) {
    const m = median(results[kind].map((r) => r.ratio));
    console.log(`median throughput ratio (with/without), ${kind}: ${m.toFixed(3)}  target ≥ 0.90: ${m >= 0.9 ? 'met' : `missed by ${(0.9 - m).toFixed(3)}`}`);
  }
} finally {
  await withExt.close();
  await without.close();
  await server.close();
}
