#!/usr/bin/env node
// Builds the Chrome MV3 extension into dist/chrome: every target of vite.config.ts, then the manifest.
import { build } from 'vite';
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'dist/chrome');
const targets = ['inject', 'content', 'background', 'panel', 'devtools', 'cli'];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const mode of targets) {
  await build({ configFile: resolve(root, 'vite.config.ts'), mode, logLevel: 'warn' });
}
const manifest = JSON.parse(readFileSync(resolve(root, 'manifest.json'), 'utf8'));
manifest.version = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version;
writeFileSync(resolve(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
cpSync(resolve(root, 'extension/icons'), resolve(out, 'icons'), { recursive: true });
console.log(`built ${out} and dist/cli/entangle.js`);
