#!/usr/bin/env node
// Bundles bench/recorder-micro.ts (the recorder's own modules, as the extension's build does) and runs it.
import { rmSync } from 'node:fs';
import { rolldown } from 'rolldown';
import { resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';

const out = resolve(tmpdir(), `entangle-recorder-micro-${process.pid}.mjs`);
const bundle = await rolldown({ input: resolve(import.meta.dirname, 'recorder-micro.ts'), platform: 'node', logLevel: 'silent' });
await bundle.write({ file: out, format: 'esm' });
try {
  await import(pathToFileURL(out).href);
} finally {
  rmSync(out, { force: true });
}
