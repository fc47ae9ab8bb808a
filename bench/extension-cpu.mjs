// CPU time from Linux /proc: the extension's own threads (bench/overhead.mjs, issue 12), the pages' main threads and the whole machine (bench/churn.mjs).
// A service worker target has no Performance domain over CDP (Chromium 156: "'Performance.getMetrics'
// wasn't found"), so its CPU time is read from Linux's per-thread counters instead: the renderer
// Chromium starts with --extension-process hosts the extension's service worker on a thread named
// "ServiceWorker thread" (and the extension's pages on its main thread). Pages are measured with CDP.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime in ms of a process (its exited threads included) or of one thread (a thread's name
 *  may hold spaces and parentheses: parse after the last ')'). */
function cpuMs(statPath) {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

const threadName = (pid, tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();

/**
 * CPU time so far (ms) of the extension renderer(s): the service worker's thread (with its id, so that a
 * restarted worker is not subtracted from its predecessor), the main thread (the extension's pages) and
 * the whole process; and of the browser process (all of it, not only its work for the extension). Null when /proc or the extension process cannot be read (not Linux, process gone).
 * @param {import('puppeteer-core').CDPSession} browserSession a session on the browser target
 */
export async function extensionThreadCpu(browserSession) {
  try {
    const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
    const pids = processInfo
      .filter((p) => p.type === 'renderer')
      .map((p) => p.id)
      // A zygote-forked renderer rewrites its command line into one space-separated string.
      .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/).includes('--extension-process'));
    if (pids.length === 0) return null;
    let serviceWorker = null;
    let mainThread = 0;
    let process = 0;
    for (const pid of pids) {
      process += cpuMs(`/proc/${pid}/stat`);
      mainThread += cpuMs(`/proc/${pid}/task/${pid}/stat`);
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          if (!threadName(pid, tid).startsWith('ServiceWorker')) continue;
          const ms = cpuMs(`/proc/${pid}/task/${tid}/stat`);
          serviceWorker = { ms: (serviceWorker?.ms ?? 0) + ms, tid: `${serviceWorker ? `${serviceWorker.tid}+` : ''}${pid}/${tid}` };
        } catch {
          // a pool thread that ended between the listing and the read
        }
      }
    }
    // The browser process routes every extension message between the relays, the worker and the panel.
    const browser = (processInfo.find((p) => p.type === 'browser')?.cpuTime ?? NaN) * 1000;
    return { serviceWorker, mainThread, process, browser };
  } catch {
    return null;
  }
}

/** after − before of extensionThreadCpu readings; a field is null when it cannot be compared. */
export function extensionCpuDelta(before, after) {
  if (!before || !after) return { serviceWorker: null, mainThread: null, process: null, browser: null };
  const sameWorker = before.serviceWorker && after.serviceWorker && before.serviceWorker.tid === after.serviceWorker.tid;
  return {
    serviceWorker: sameWorker ? after.serviceWorker.ms - before.serviceWorker.ms : null,
    mainThread: after.mainThread - before.mainThread,
    process: after.process - before.process,
    browser: after.browser - before.browser,
  };
}

/**
 * CPU time so far (ms) of the main threads of the browser's renderers that are not the extension's:
 * the pages' threads (a renderer's main thread has the process's own id). Beside the wall-clock
 * ratio, which on a small shared machine counts the time the page waited for a core while the
 * extension's processes (or anything else) ran, this is the page thread's own work. Null when /proc
 * cannot be read.
 * @param {import('puppeteer-core').CDPSession} browserSession a session on the browser target
 */
export async function pageThreadCpu(browserSession) {
  try {
    const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
    let ms = 0;
    for (const p of processInfo) {
      if (p.type !== 'renderer') continue;
      try {
        if (readFileSync(`/proc/${p.id}/cmdline`, 'utf8').split(/[\0 ]/).includes('--extension-process')) continue;
        ms += cpuMs(`/proc/${p.id}/task/${p.id}/stat`);
      } catch {
        // a renderer that exited between the listing and the read
      }
    }
    return ms;
  } catch {
    return null;
  }
}

/** CPU time (ms) the whole machine spent busy so far (Linux /proc/stat: user, nice, system, irq,
 *  softirq; not idle, iowait or steal, nor guest time, which user already counts), or null. */
export function machineBusyMs() {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq;
    return Number.isFinite(busy) ? (busy * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
