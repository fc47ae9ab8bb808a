// The long tasks of one page's main thread in a Chromium performance trace, each with its wall time and
// the thread's CPU time during it (the trace's `dur` and `tdur`). On a machine whose cores are all busy
// (bench/churn.mjs: the churning page keeps one of this machine's two cores busy by itself) a task's
// wall time is mostly time spent waiting for a core; its CPU time is what the page's own work costs.
//
// Usage: node bench/traceTasks.mjs TRACE_FILE [URL_PART] [--over MS]
//   URL_PART picks the page (default: the panel, `/panel.html`); --over: tasks longer than this (default 50 ms).
// The trace is read whole (JSON.parse): a trace file over V8's string limit (≈512 MB) cannot be read.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The main thread's tasks over `overMs` in the trace, longest first: { wallMs, cpuMs, atMs }. */
export function longTasks(traceFile, urlPart = '/panel.html', overMs = 50) {
  const raw = JSON.parse(readFileSync(traceFile, 'utf8'));
  const events = raw.traceEvents ?? raw;
  // The renderer process of the page: the browser names each frame's process when tracing starts.
  let pid;
  for (const e of events) {
    if (e.name !== 'TracingStartedInBrowser') continue;
    pid = e.args?.data?.frames?.find((f) => String(f.url).includes(urlPart))?.processId;
    if (pid !== undefined) break;
  }
  if (pid === undefined) throw new Error(`no frame of ${urlPart} in the trace`);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error(`no main thread for process ${pid} in the trace`);
  const tasks = events.filter((e) => e.pid === pid && e.tid === main.tid && e.name === 'RunTask' && e.ph === 'X' && e.dur > overMs * 1000);
  let start = Infinity;
  for (const e of events) if (e.pid === pid && typeof e.ts === 'number' && e.ts > 0 && e.ts < start) start = e.ts;
  return tasks.map((e) => ({ wallMs: e.dur / 1000, cpuMs: (e.tdur ?? NaN) / 1000, atMs: (e.ts - start) / 1000 })).sort((a, b) => b.wallMs - a.wallMs);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, part] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--over');
  if (file === undefined) {
    console.error('usage: node bench/traceTasks.mjs TRACE_FILE [URL_PART] [--over MS]');
    process.exit(2);
  }
  const overAt = process.argv.indexOf('--over');
  const tasks = longTasks(file, part ?? '/panel.html', overAt > 0 ? Number(process.argv[overAt + 1]) : 50);
  for (const t of tasks) console.log(`${t.wallMs.toFixed(0).padStart(6)} ms wall  ${t.cpuMs.toFixed(0).padStart(5)} ms CPU  at ${(t.atMs / 1000).toFixed(1)} s`);
}
