// Where Chromium is and how to start it on these machines (see ../shared/notes/browser-testing.md).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const EXTENSION_DIR = resolve(import.meta.dirname, '..', 'dist/chrome');

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** `ENTANGLE_CHROMIUM` wins; otherwise the usual install locations. Null when none exists. */
export function findChromium() {
  const fromEnv = process.env.ENTANGLE_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export const INSTALL_HINT =
  'No Chromium found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`) or point ENTANGLE_CHROMIUM at a Chromium/Chrome binary.';

/** Flags without which Chromium stalls or dials out on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function extensionArgs(dir = EXTENSION_DIR) {
  return [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`];
}
