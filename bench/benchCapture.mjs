// The synthetic capture the panel benchmarks open (bench/synthetic.mjs, written as a gzip capture file by
// the panel's own writer, model/capture.ts, bundled into a temporary ES module as bench/correlator.mjs does).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { syntheticLog } from './synthetic.mjs';

/** The gzip bytes of a capture of `messages` messages over `ports` ports and `realms` realms, and how
 *  many events it holds. */
export async function benchCapture({ messages, ports, realms }) {
  const tmp = mkdtempSync(join(tmpdir(), 'entangle-bench-'));
  let writeCaptureGzip;
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      build: { lib: { entry: resolve(import.meta.dirname, '../model/capture.ts'), formats: ['es'], fileName: 'capture' }, outDir: tmp, emptyOutDir: true, minify: false },
    });
    ({ writeCaptureGzip } = await import(pathToFileURL(join(tmp, 'capture.js')).href));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const records = syntheticLog({ messages, ports, realms });
  const bytes = await writeCaptureGzip({ generator: { name: 'entangle-bench', version: '0' }, page: { url: 'https://app.test/' }, records });
  return { bytes, events: records.length };
}

/** Hands the capture's bytes to the panel page or frame `target` (not timed: in the product they come
 *  from a file picker). */
export async function handCapture(target, bytes) {
  await target.evaluate(async (b64) => {
    const bin = atob(b64);
    const u8 = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    window.__captureBytes = u8;
  }, Buffer.from(bytes).toString('base64'));
}

/**
 * Opens the handed capture through the panel's own open path in `target` (a page or a frame): ms to
 * the store (`parsed`) and to the first frame that shows timeline rows and the graph (`shown`), the JS
 * heap then (Chromium's performance.memory: it tells which of two modes the browser is in,
 * docs/panel.md "Two modes, per browser") and the model's counts.
 */
export function openCaptureOnce(target) {
  return target.evaluate(async () => {
    const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const t0 = performance.now();
    await window.__entangle.openCaptureBytes(window.__captureBytes, 'bench.json.gz');
    const opened = performance.now();
    for (;;) {
      await nextFrame();
      if (document.querySelector('[data-testid="timeline-row"]') && document.querySelector('[data-testid="graph-realm"]')) break;
      if (performance.now() - t0 > 60_000) throw new Error('no rows after 60 s');
    }
    const shown = performance.now();
    const m = window.__entangle.capture().store.getState().model();
    const heap = performance.memory?.totalJSHeapSize ?? NaN;
    return { parsed: opened - t0, shown: shown - t0, heap, messages: m.totals.sent, realms: m.realms.length, ports: m.ports.length, delivered: m.totals.delivered, queued: m.totals.queued, failed: m.totals.failed };
  });
}
