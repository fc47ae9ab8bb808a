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
import { extensionCpuDelta, extensionThreadCpu } from './extension-cpu.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const IGNORE_DATA = process.argv.includes('--ignore-data');
const NO_PANEL = process.argv.includes('--no-panel');
const PAIRS = Number(args[0] ?? 7);
const MESSAGES = Number(args[1] ?? 100_000);
const KINDS = ['string', 'object'];

const fmt = (ms) => (ms === null || ms === undefined ? 'n/a' : Math.round(ms).toLocaleString('en-US'));
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

  // CPU time of the extension's own threads and of the pages' main threads (TaskDuration), for the
  // runs with Entangle: during the burst, and from its start until the panel holds every event.
  const browserSession = await withExt.browser.target().createCDPSession();
  const taskMs = async (page) => (await page.metrics()).TaskDuration * 1000;
  const cpuReading = async () => ({
    extension: await extensionThreadCpu(browserSession),
    panel: NO_PANEL ? null : await taskMs(panel),
    page: await taskMs(pageWith),
  });
  const cpuDelta = (before, after) => ({
    ...extensionCpuDelta(before.extension, after.extension),
    panel: before.panel === null ? null : after.panel - before.panel,
    page: after.page - before.page,
  });
  const per100k = (ms) => (ms === null ? null : (ms * 100_000) / MESSAGES);
  const cpu = Object.fromEntries(KINDS.map((k) => [k, []]));

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
      let cpuBefore, cpuAfterBurst, pageWithoutMs;
      for (const which of order) {
        const page = which === 'with' ? pageWith : pageWithout;
        const before = which === 'with' ? await cpuReading() : await taskMs(pageWithout);
        ms[which] = await page.evaluate((n, k) => window.run(n, k), MESSAGES, kind);
        if (which === 'with') [cpuBefore, cpuAfterBurst] = [before, await cpuReading()];
        else pageWithoutMs = (await taskMs(pageWithout)) - before;
      }
      const ratio = ms.without / ms.with; // throughput with / without
      results[kind].push({ ...ms, ratio });
      console.log(
        `pair ${pair + 1} ${kind.padEnd(6)}  with ${(MESSAGES / ms.with * 1000).toFixed(0).padStart(7)} msg/s  ` +
          `without ${(MESSAGES / ms.without * 1000).toFixed(0).padStart(7)} msg/s  ratio ${ratio.toFixed(3)}`,
      );
      // The next pair waits for the same drain; waiting here lets the reading close the window.
      const pairDrained = NO_PANEL ? false : await drained(expected);
      const burst = cpuDelta(cpuBefore, cpuAfterBurst);
      const untilDrained = pairDrained ? cpuDelta(cpuBefore, await cpuReading()) : null;
      cpu[kind].push({ burst, untilDrained, pageWithout: pageWithoutMs });
      console.log(
        `        ms per 100,000, burst: service worker ${fmt(per100k(burst.serviceWorker))} CPU, panel ${fmt(per100k(burst.mainThread))} CPU / ` +
          `${fmt(per100k(burst.panel))} TaskDuration, page TaskDuration with ${fmt(per100k(burst.page))} / without ${fmt(per100k(pageWithoutMs))}` +
          (untilDrained
            ? `; until drained: service worker ${fmt(per100k(untilDrained.serviceWorker))} CPU, panel ${fmt(per100k(untilDrained.mainThread))} CPU`
            : ''),
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
  console.log('');
  const med = (kind, pick) => {
    const xs = cpu[kind].map(pick).filter((x) => x !== null && x !== undefined);
    return xs.length ? fmt(per100k(median(xs))) : 'n/a';
  };
  // Thread CPU from /proc; TaskDuration is the wall time of a page's tasks, which on a busy machine
  // counts time the thread waited for a core, so it is printed beside the CPU figures, not as one.
  for (const kind of KINDS) {
    const line = (window, pick) =>
      `extension CPU per 100,000 messages, ${kind}, ${window}: service worker ${med(kind, (c) => pick(c)?.serviceWorker)} ms, ` +
      `panel ${med(kind, (c) => pick(c)?.mainThread)} ms (thread CPU; the panel shares the extension renderer's main thread with an idle helper page), ` +
      `whole extension renderer ${med(kind, (c) => pick(c)?.process)} ms, browser process ${med(kind, (c) => pick(c)?.browser)} ms; ` +
      `panel TaskDuration ${med(kind, (c) => pick(c)?.panel)} ms`;
    console.log(line('during the burst', (c) => c.burst));
    if (!NO_PANEL) console.log(line('burst start until the panel holds every event', (c) => c.untilDrained));
    console.log(`page main thread per 100,000 messages, ${kind}, during the burst: TaskDuration with Entangle ${med(kind, (c) => c.burst.page)} ms, without ${med(kind, (c) => c.pageWithout)} ms`);
  }
} finally {
  await withExt.close();
  await without.close();
  await server.close();
}
