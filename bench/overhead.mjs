#!/usr/bin/env node
// Recorder overhead: N messages through one MessageChannel until the last receipt, with the
// extension loaded and a panel connected versus the same Chromium without the extension. Runs are
// interleaved (the order turns each pair) and the median of the pairs' throughput ratios is printed.
// Target: ratio ≥ 0.90 for both payloads (issue 12).
// Usage: node bench/overhead.mjs [pairs=7] [messages=100000] [options]
//   --ignore-data   the receiver never reads event.data, so without the extension the browser never
//                   deserializes the payloads at all
//   --no-panel      no panel connected, so the relays only buffer: the recorder's cost in the page alone
//   --large         also a ~100 KB payload (400 table rows; --large-messages N per run, default 5,000)
//   --kinds a,b     only these payloads (string, object, large)
//   --dist DIR      the extension measured (default dist/chrome)
//   --user-priority Chromium at a user's thread priorities (none above nice 0) when run as root: see
//                   chromiumCommand in scripts/browser.mjs and bench/README.md
//   --compare DIR   also an older build (a copy of dist/chrome) in a browser of its own, interleaved with
//                   the others: its ratios are printed beside the measured build's (same run, same noise);
//                   may be given more than once
//   --profile DIR   after the pairs, one more run of each payload in each browser under the CDP profiler
//                   of the page's thread: DIR/<build>-<payload>.cpuprofile and the time by part and function
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { findInspectedTab } from '../scripts/browser.mjs';
import { EXTENSION_DIR } from '../scripts/chromium.mjs';
import { startDemoServer } from '../demo/serve.mjs';
import { extensionCpuDelta, extensionThreadCpu, pageThreadCpu } from './extension-cpu.mjs';
import { launchWithExtension } from './launch.mjs';
import { formatSummary, profilePage, saveProfile, summarizeProfile } from './cpu-profile.mjs';

const argv = process.argv.slice(2);
const VALUED = new Set(['--dist', '--compare', '--profile', '--kinds', '--large-messages']);
const flagValue = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const args = argv.filter((a, i) => !a.startsWith('--') && !VALUED.has(argv[i - 1]));
const IGNORE_DATA = argv.includes('--ignore-data');
const NO_PANEL = argv.includes('--no-panel');
const PRIORITY = { userPriority: argv.includes('--user-priority') };
const PAIRS = Number(args[0] ?? 7);
const MESSAGES = Number(args[1] ?? 100_000);
const LARGE_MESSAGES = Number(flagValue('--large-messages') ?? 5_000);
const KINDS = flagValue('--kinds')?.split(',') ?? ['string', 'object', ...(argv.includes('--large') ? ['large'] : [])];
const DIST = resolve(flagValue('--dist') ?? EXTENSION_DIR);
/** Every `--compare DIR` (each a build of its own, named after its folder). */
const COMPARE = argv.flatMap((a, i) => (a === '--compare' && argv[i + 1] ? [argv[i + 1]] : []));
const PROFILE_DIR = flagValue('--profile');
const messagesOf = (kind) => (kind === 'large' ? LARGE_MESSAGES : MESSAGES);

const fmt = (ms) => (ms === null || ms === undefined ? 'n/a' : Math.round(ms).toLocaleString('en-US'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await startDemoServer({ dir: resolve(import.meta.dirname) });
const url = server.url(IGNORE_DATA ? '/page.html?ignoreData' : '/page.html');

/** A browser with a build of the extension, its benchmark tab, and (unless --no-panel) a panel on it. */
async function extensionSetup(name, dir) {
  const launched = await launchWithExtension(dir, PRIORITY);
  const { browser, extensionId: id } = launched;
  const page = await browser.newPage();
  await page.goto(url);
  const helper = await browser.newPage();
  await helper.goto(`chrome-extension://${id}/panel.html`);
  await page.evaluate(() => new MessageChannel().port1.postMessage('wake')); // makes the relay connect
  const tabId = await findInspectedTab(helper, '/page.html');
  if (tabId === null) throw new Error(`${name}: the benchmark tab has no relay`);
  const panel = await browser.newPage();
  if (!NO_PANEL) await panel.goto(`chrome-extension://${id}/panel.html?tabId=${tabId}`);
  const browserSession = await browser.target().createCDPSession();
  const panelTotal = () => (NO_PANEL ? Promise.resolve(Infinity) : panel.evaluate(() => window.__entangle.store.getState().total));
  const setup = {
    name,
    dir,
    launched,
    page,
    panel,
    panelTotal,
    expected: 0,
    results: Object.fromEntries(KINDS.map((k) => [k, []])),
    cpu: Object.fromEntries(KINDS.map((k) => [k, []])),
    /** Waits (60 s at most) until the panel holds `expected` events. */
    async drained() {
      const end = Date.now() + 60_000;
      while (Date.now() < end && (await panelTotal()) < setup.expected) await sleep(100);
      return (await panelTotal()) >= setup.expected;
    },
    // CPU time of the extension's own threads and of the page's and panel's main threads (TaskDuration).
    async cpuReading() {
      return {
        extension: await extensionThreadCpu(browserSession),
        panel: NO_PANEL ? null : await taskMs(panel),
        page: await taskMs(page),
        pageCpu: await pageThreadCpu(browserSession),
      };
    },
  };
  return setup;
}
const taskMs = async (page) => (await page.metrics()).TaskDuration * 1000;
const cpuDelta = (before, after) => ({
  ...extensionCpuDelta(before.extension, after.extension),
  panel: before.panel === null ? null : after.panel - before.panel,
  page: after.page - before.page,
  pageCpu: before.pageCpu === null || after.pageCpu === null ? null : after.pageCpu - before.pageCpu,
});

const setups = [await extensionSetup('with', DIST)];
for (const dir of COMPARE) setups.push(await extensionSetup(COMPARE.length === 1 ? 'before' : basename(resolve(dir)), resolve(dir)));
const without = await launchWithExtension(null, PRIORITY);
const withoutSession = await without.browser.target().createCDPSession();
try {
  const pageWithout = await without.browser.newPage();
  await pageWithout.goto(url);
  const run = (page, kind) => page.evaluate((n, k) => window.run(n, k), messagesOf(kind), kind);

  console.log(
    `Chromium: ${await without.browser.version()}  messages per run: ${KINDS.map((k) => `${k} ${messagesOf(k)}`).join(', ')}  pairs: ${PAIRS}  ` +
      `receiver reads event.data: ${IGNORE_DATA ? 'no' : 'yes'}  panel connected: ${NO_PANEL ? 'no' : 'yes'}  ` +
      `thread priorities: ${without.priority === 'user' ? "a user's" : 'as launched'}`,
  );
  for (const s of setups) console.log(`build "${s.name}": ${s.dir}`);
  for (const kind of KINDS) console.log(`payload ${kind}: ${await pageWithout.evaluate((k) => window.payloadSize(k), kind)} bytes as JSON`);
  // Warm-up of every browser, not counted.
  for (const kind of KINDS) {
    for (const s of setups) await s.page.evaluate((n, k) => window.run(n, k), Math.min(10_000, messagesOf(kind)), kind);
    await pageWithout.evaluate((n, k) => window.run(n, k), Math.min(10_000, messagesOf(kind)), kind);
  }
  for (const s of setups) s.expected = await s.panelTotal();
  const withoutResults = Object.fromEntries(KINDS.map((k) => [k, []]));
  const pageWithoutCpu = Object.fromEntries(KINDS.map((k) => [k, []]));
  const pageThreadWithout = Object.fromEntries(KINDS.map((k) => [k, []]));

  for (let pair = 0; pair < PAIRS; pair++) {
    for (const kind of KINDS) {
      const n = messagesOf(kind);
      for (const s of setups) {
        await s.drained();
        s.expected = (await s.panelTotal()) + n * 2;
      }
      // Every browser once per pair; the order turns from pair to pair.
      const names = ['without', ...setups.map((s) => s.name)];
      const order = names.map((_, i) => names[(i + pair) % names.length]);
      const ms = {};
      const readings = {};
      for (const which of order) {
        const s = setups.find((x) => x.name === which);
        if (s) {
          const before = await s.cpuReading();
          ms[which] = await run(s.page, kind);
          readings[which] = [before, await s.cpuReading()];
        } else {
          const before = await taskMs(pageWithout);
          const cpuBefore = await pageThreadCpu(withoutSession);
          ms.without = await run(pageWithout, kind);
          pageWithoutCpu[kind].push((await taskMs(pageWithout)) - before);
          const cpuAfter = await pageThreadCpu(withoutSession);
          pageThreadWithout[kind].push(cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore);
        }
      }
      withoutResults[kind].push(ms.without);
      let line = `pair ${pair + 1} ${kind.padEnd(6)}  without ${((n / ms.without) * 1000).toFixed(0).padStart(7)} msg/s`;
      for (const s of setups) {
        const ratio = ms.without / ms[s.name]; // throughput with / without
        s.results[kind].push({ ms: ms[s.name], ratio });
        line += `  ${s.name} ${((n / ms[s.name]) * 1000).toFixed(0).padStart(7)} msg/s ratio ${ratio.toFixed(3)}`;
      }
      console.log(line);
      const per100k = (x) => (x === null || x === undefined ? null : (x * 100_000) / n);
      for (const s of setups) {
        // The next pair waits for the same drain; waiting here lets the reading close the window.
        const pairDrained = NO_PANEL ? false : await s.drained();
        const [before, afterBurst] = readings[s.name];
        const burst = cpuDelta(before, afterBurst);
        const untilDrained = pairDrained ? cpuDelta(before, await s.cpuReading()) : null;
        const withoutCpu = pageThreadWithout[kind].at(-1);
        // The page thread's CPU without / with: the ratio the page's own work would give on idle cores.
        const cpuRatio = burst.pageCpu && withoutCpu ? withoutCpu / burst.pageCpu : null;
        s.cpu[kind].push({ burst, untilDrained, cpuRatio });
        console.log(
          `        ${s.name.padEnd(7)} ms per 100,000, burst: service worker ${fmt(per100k(burst.serviceWorker))} CPU, panel ${fmt(per100k(burst.mainThread))} CPU / ` +
            `${fmt(per100k(burst.panel))} TaskDuration, page TaskDuration ${fmt(per100k(burst.page))} (without ${fmt(per100k(pageWithoutCpu[kind].at(-1)))}), ` +
            `page thread CPU ${fmt(per100k(burst.pageCpu))} (without ${fmt(per100k(withoutCpu))}, ratio ${cpuRatio === null ? 'n/a' : cpuRatio.toFixed(3)})` +
            (untilDrained ? `; until drained: service worker ${fmt(per100k(untilDrained.serviceWorker))} CPU, panel ${fmt(per100k(untilDrained.mainThread))} CPU` : ''),
        );
      }
    }
  }
  for (const s of setups) {
    const complete = await s.drained();
    if (!NO_PANEL) console.log(`${s.name}: panel received every event: ${complete ? 'yes' : 'NO'} (${await s.panelTotal()} events in its store since start)`);
  }
  console.log('');
  for (const kind of KINDS) {
    const spread = (xs) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
    for (const s of setups) {
      const ratios = s.results[kind].map((r) => r.ratio);
      const m = median(ratios);
      const target = NO_PANEL ? 0.95 : 0.9;
      console.log(
        `median throughput ratio (with/without), ${kind}, ${s.name}: ${m.toFixed(3)} (pairs ${spread(ratios)})  target ≥ ${target}: ${m >= target ? 'met' : `missed by ${(target - m).toFixed(3)}`}`,
      );
      const cpuRatios = s.cpu[kind].map((c) => c.cpuRatio).filter((x) => x !== null);
      if (cpuRatios.length) console.log(`  page thread CPU ratio (without/with), ${kind}, ${s.name}: ${median(cpuRatios).toFixed(3)} (pairs ${spread(cpuRatios)})`);
    }
    const w = withoutResults[kind];
    // The machine's noise: how far the runs without Entangle strayed from their median.
    const mw = median(w);
    console.log(`  runs without Entangle, ${kind}: median ${fmt(mw)} ms, ${(((Math.min(...w) - mw) / mw) * 100).toFixed(0)} % / +${(((Math.max(...w) - mw) / mw) * 100).toFixed(0)} %`);
  }
  console.log('');
  for (const s of setups) {
    for (const kind of KINDS) {
      const per100k = (x) => (x * 100_000) / messagesOf(kind);
      const med = (pick) => {
        const xs = s.cpu[kind].map(pick).filter((x) => x !== null && x !== undefined);
        return xs.length ? fmt(per100k(median(xs))) : 'n/a';
      };
      // Thread CPU from /proc; TaskDuration is the wall time of a page's tasks, which on a busy machine
      // counts time the thread waited for a core, so it is printed beside the CPU figures, not as one.
      const line = (window, pick) =>
        `${s.name}: extension CPU per 100,000 messages, ${kind}, ${window}: service worker ${med((c) => pick(c)?.serviceWorker)} ms, ` +
        `panel ${med((c) => pick(c)?.mainThread)} ms (thread CPU; the panel shares the extension renderer's main thread with an idle helper page), ` +
        `whole extension renderer ${med((c) => pick(c)?.process)} ms, browser process ${med((c) => pick(c)?.browser)} ms; ` +
        `panel TaskDuration ${med((c) => pick(c)?.panel)} ms`;
      console.log(line('during the burst', (c) => c.burst));
      if (!NO_PANEL) console.log(line('burst start until the panel holds every event', (c) => c.untilDrained));
      const pw = pageWithoutCpu[kind];
      const pt = pageThreadWithout[kind].filter((x) => x !== null);
      console.log(
        `${s.name}: page main thread per 100,000 messages, ${kind}, during the burst: TaskDuration with Entangle ${med((c) => c.burst.page)} ms, without ${pw.length ? fmt(per100k(median(pw))) : 'n/a'} ms; ` +
          `thread CPU with ${med((c) => c.burst.pageCpu)} ms, without ${pt.length ? fmt(per100k(median(pt))) : 'n/a'} ms`,
      );
    }
  }

  if (PROFILE_DIR) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    for (const kind of KINDS) {
      for (const [name, page] of [...setups.map((s) => [s.name, s.page]), ['without', pageWithout]]) {
        const s = setups.find((x) => x.name === name);
        if (s) {
          await s.drained();
          s.expected = (await s.panelTotal()) + messagesOf(kind) * 2;
        }
        // The panel's thread too, from the burst's start until it holds every event.
        const panelProfile = s && !NO_PANEL ? profilePage(s.panel, () => sleep(50).then(() => s.drained())) : null;
        const { profile, result } = await profilePage(page, () => run(page, kind));
        const file = join(PROFILE_DIR, `${name}-${kind}.cpuprofile`);
        saveProfile(file, profile);
        console.log(`\nprofile of the page's thread, ${name}, ${kind} (${fmt(result)} ms for ${messagesOf(kind)} messages under the profiler): ${file}`);
        for (const l of formatSummary(summarizeProfile(profile))) console.log(l);
        if (panelProfile) {
          const { profile: pp } = await panelProfile;
          const panelFile = join(PROFILE_DIR, `${name}-${kind}-panel.cpuprofile`);
          saveProfile(panelFile, pp);
          console.log(`profile of the panel's thread, ${name}, ${kind}, until it held every event: ${panelFile}`);
          for (const l of formatSummary(summarizeProfile(pp))) console.log(l);
        }
      }
    }
  }
} finally {
  for (const s of setups) await s.launched.close();
  await without.close();
  await server.close();
}
