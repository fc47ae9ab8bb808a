#!/usr/bin/env node
// Worker start delay with "Record inside workers" (issue 13): the worker is held before its first
// statement while the extension puts the recorder in (debugger auto-attach, instrumentation pause,
// evaluate, resume). Measures, in one browser with the built extension, the time from `new Worker` to
// the worker's first statement for WORKERS workers started one after the other (classic, then module),
// first with the setting off, then on (the panel open on the tab, the setting switched on through its
// checkbox), then off again; prints medians and the 90th percentile. Prints figures; asserts nothing.
//
// Usage (after `npm run build`): node bench/worker-start.mjs [workers]
import { resolve } from 'node:path';
import { findInspectedTab, launchChromium } from '../scripts/browser.mjs';
import { startDemoServer } from '../demo/serve.mjs';

const WORKERS = Number(process.argv[2] ?? 30);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const session = await launchChromium({ extension: true });
const server = await startDemoServer({ dir: resolve(import.meta.dirname) });
try {
  const page = await session.browser.newPage();
  await page.goto(server.url('/worker-start.html'));
  const panelUrl = `chrome-extension://${session.extensionId}/panel.html`;
  const panel = await session.browser.newPage();
  await panel.goto(panelUrl);
  const tabId = await findInspectedTab(panel, '/worker-start.html');
  if (tabId === null) throw new Error('the bench page has no relay');
  await panel.goto(`${panelUrl}?tabId=${tabId}`);
  await panel.waitForFunction(() => Boolean(window.__entangle));

  const box = async () => {
    let el = await panel.$('::-p-aria([name="Record inside workers"][role="checkbox"])');
    if (!el) {
      await (await panel.waitForSelector('::-p-aria([name="Settings"][role="button"])')).click();
      el = await panel.waitForSelector('::-p-aria([name="Record inside workers"][role="checkbox"])');
    }
    return el;
  };
  const status = () => panel.$eval('[data-testid="workers-status"]', (el) => el.textContent ?? '');
  const setting = async (on) => {
    await panel.bringToFront();
    const el = await box();
    if ((await el.evaluate((e) => e.checked)) !== on) await el.click();
    const want = on ? /^Recording inside workers/ : /^Off for /;
    for (let i = 0; i < 200 && !want.test(await status()); i++) await new Promise((r) => setTimeout(r, 50));
    if (!want.test(await status())) throw new Error(`the setting did not turn ${on ? 'on' : 'off'}: "${await status()}"`);
  };
  const measure = async (label) => {
    const out = {};
    for (const type of ['classic', 'module']) {
      await page.evaluate((t) => window.startDelays(3, t), type); // warm-up (caches, compile)
      out[type] = await page.evaluate((n, t) => window.startDelays(n, t), WORKERS, type);
    }
    console.log(`  ${label.padEnd(34)} classic: median ${fmt(quantile(out.classic, 0.5))}, p90 ${fmt(quantile(out.classic, 0.9))}   module: median ${fmt(quantile(out.module, 0.5))}, p90 ${fmt(quantile(out.module, 0.9))}`);
    return out;
  };

  console.log(`worker start delay (new Worker → first statement), ${WORKERS} workers each, one after the other:`);
  await setting(false);
  const off = await measure('setting off');
  await setting(true);
  const on = await measure('Record inside workers on');
  await setting(false);
  const offAgain = await measure('setting off again');
  const med = (xs) => quantile(xs, 0.5);
  for (const type of ['classic', 'module']) {
    const base = (med(off[type]) + med(offAgain[type])) / 2;
    console.log(`  ${type}: the recorder's hold adds ${fmt(med(on[type]) - base)} to the median start (${(med(on[type]) / base).toFixed(1)}× the setting off)`);
  }
} finally {
  await session.close();
  await server.close();
}
