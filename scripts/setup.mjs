#!/usr/bin/env node
// Set-up that `npm start` and `npm test` run first, so each works on a fresh machine:
// npm dependencies from the lockfile, and a Chromium (Debian's package, when we may install it).
// Dependency-free: it runs before node_modules exists.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { findChromium, INSTALL_HINT } from './chromium.mjs';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, env = {}) => execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

const marker = resolve(root, 'node_modules/.package-lock.json');
const lock = resolve(root, 'package-lock.json');
if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
  console.log('setup: installing npm dependencies from package-lock.json');
  // Test tools must never fetch a browser of their own: Debian's Chromium is used instead.
  run('npm ci --no-audit --no-fund', { PUPPETEER_SKIP_DOWNLOAD: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' });
}

if (!findChromium()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  const sudo = isRoot ? '' : existsSync('/usr/bin/sudo') ? 'sudo -n ' : null;
  if (hasApt && sudo !== null && process.env.ENTANGLE_NO_INSTALL !== '1') {
    console.log(`setup: installing Debian's chromium (${sudo ? 'with sudo' : 'as root'})`);
    try {
      run(`${sudo}apt-get update -qq && ${sudo}apt-get install -y -qq chromium`, { DEBIAN_FRONTEND: 'noninteractive' });
    } catch {
      /* reported below */
    }
  }
  if (!findChromium()) {
    console.error(`setup: ${INSTALL_HINT}`);
    process.exit(1);
  }
}
