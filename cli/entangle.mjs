#!/usr/bin/env node
// The `entangle` command: runs the CLI that `npm run build` writes to dist/cli (see cli/main.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const built = resolve(import.meta.dirname, '../dist/cli/entangle.js');
if (!existsSync(built)) {
  console.error('entangle: the CLI is not built yet. Run `npm run build` in the Entangle folder first.');
  process.exit(2);
}
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
