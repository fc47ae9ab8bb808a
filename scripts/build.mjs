#!/usr/bin/env node
// Builds the Chrome MV3 extension into dist/chrome: every target of vite.config.ts, then the manifest.
import { build } from 'vite';
import { appendFileSync, cpSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'dist/chrome');
const targets = ['inject', 'content', 'background', 'panel', 'devtools', 'cli'];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const mode of targets) {
  await build({ configFile: resolve(root, 'vite.config.ts'), mode, logLevel: 'warn' });
}
await buildWorkerRecorder();
const manifest = JSON.parse(readFileSync(resolve(root, 'manifest.json'), 'utf8'));
manifest.version = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version;
writeFileSync(resolve(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
cpSync(resolve(root, 'extension/icons'), resolve(out, 'icons'), { recursive: true });
console.log(`built ${out} and dist/cli/entangle.js`);

/**
 * The recorder for a worker's global (inject/worker.ts → dist/chrome/inject-worker.js): a classic IIFE
 * with no exports, minified like inject.js. It reads the free name ENTANGLE_BINDING, which the
 * background supplies around it when it evaluates it in a worker (extension/workerDebugger.ts).
 * Evaluated code has no URL of its own: the `sourceURL` comment gives it an extension URL, so its
 * frames are left out of the stacks the recorder captures (instrument.ts drops every line naming an
 * extension URL), and DevTools lists it by that name. (V8 reads the comment wherever it sits in the
 * evaluated text.)
 */
async function buildWorkerRecorder() {
  await build({
    configFile: false,
    root,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: out,
      emptyOutDir: false,
      minify: process.env.ENTANGLE_NO_MINIFY ? false : true,
      sourcemap: false,
      target: 'es2022',
      lib: { entry: resolve(root, 'inject/worker.ts'), formats: ['iife'], name: '__entangle_worker', fileName: () => 'inject-worker.js' },
    },
  });
  appendFileSync(resolve(out, 'inject-worker.js'), '\n//# sourceURL=chrome-extension://entangle/inject-worker.js\n');
}
