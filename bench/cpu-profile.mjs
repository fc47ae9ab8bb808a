// A CPU profile of one page's thread (CDP Profiler on the page target: the V8 isolate of the page's
// renderer main thread, so the recorder's main world, the relay's isolated world and the page's own
// script all appear in it) and where its time went, by function and by part.
import { writeFileSync } from 'node:fs';

/** Profiles `work()` on `page`'s thread; the profile (CDP `Profiler.Profile`). */
export async function profilePage(page, work, intervalUs = 200) {
  const cdp = await page.createCDPSession();
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await cdp.send('Profiler.start');
    const result = await work();
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.send('Profiler.disable');
    return { profile, result };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export function saveProfile(path, profile) {
  writeFileSync(path, JSON.stringify(profile));
}

/** The part of the extension or page a frame belongs to, by its script's URL. */
function partOf(url, name) {
  if (url.endsWith('/inject.js')) return 'recorder (inject.js)';
  if (url.endsWith('/content.js')) return 'relay (content.js)';
  if (url.startsWith('chrome-extension://')) return 'extension, other';
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)' || name === '(idle)' || name === '(root)') return name;
  if (url === '') return 'native (no script)';
  return 'page';
}

/**
 * Self time by function (name, script, line) and by part, in ms and % of the profiled time (idle
 * left out of the %). `top`: how many functions.
 */
export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map();
  const parts = new Map();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const file = callFrame.url.slice(callFrame.url.lastIndexOf('/') + 1);
    const part = partOf(callFrame.url, name);
    if (part !== '(idle)') busy += us;
    const key = `${name}  ${file}${file ? `:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}` : ''}`;
    fns.set(key, { us: (fns.get(key)?.us ?? 0) + us, part });
    parts.set(part, (parts.get(part) ?? 0) + us);
  }
  const pct = (us) => (busy > 0 ? (us * 100) / busy : 0);
  return {
    busyMs: busy / 1000,
    parts: [...parts].filter(([p]) => p !== '(idle)').sort((a, b) => b[1] - a[1]).map(([part, us]) => ({ part, ms: us / 1000, pct: pct(us) })),
    functions: [...fns].filter(([, f]) => f.part !== '(idle)').sort((a, b) => b[1].us - a[1].us).slice(0, top).map(([fn, f]) => ({ fn, part: f.part, ms: f.us / 1000, pct: pct(f.us) })),
  };
}

/** The summary as lines of text. */
export function formatSummary(summary) {
  const lines = [`  busy ${summary.busyMs.toFixed(0)} ms (idle left out); by part:`];
  for (const p of summary.parts) lines.push(`    ${p.pct.toFixed(1).padStart(5)} %  ${p.ms.toFixed(0).padStart(6)} ms  ${p.part}`);
  lines.push('  by function (self time):');
  for (const f of summary.functions) lines.push(`    ${f.pct.toFixed(1).padStart(5)} %  ${f.ms.toFixed(0).padStart(6)} ms  ${f.fn}  [${f.part}]`);
  return lines;
}
