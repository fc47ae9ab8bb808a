// Starting Chromium with the built extension, shared by the tests, the benchmark and (later) the CLI.
// (Separate from chromium.mjs, which must load before node_modules exists.)
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, EXTENSION_DIR, extensionArgs, findChromium, INSTALL_HINT } from './chromium.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Removes a browser profile folder. A browser that crashed or was killed leaves processes that may
 * still write into it for a moment (removal then fails with ENOTEMPTY): retried, and a folder that
 * still cannot go is left in the temp folder rather than failing what used the browser.
 */
function removeProfile(profile) {
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch {
    // left behind in the system's temp folder
  }
}

const SETPRIV = '/usr/bin/setpriv';

/**
 * A launcher for `chromium` without the privilege to raise its threads' priority, when this process
 * runs as root (these machines do; a user's browser never does: Chromium refuses to run as root
 * without --no-sandbox). As root, Chromium gives its browser process's and GPU process's main threads
 * nice -8, five times the CPU share of everything else at nice 0, and on a machine the inspected page
 * keeps busy the panel then waits for a core several times longer than on a user's machine. A user
 * (RLIMIT_NICE 0) cannot go below nice 0: the launcher drops CAP_SYS_NICE, so Chromium's requests fail
 * as they do for a user. Null when not root or when setpriv(1) is missing.
 */
function userPriorityLauncher(chromium, dir) {
  if (process.getuid?.() !== 0 || !existsSync(SETPRIV)) return null;
  const path = join(dir, 'chromium-as-user.sh');
  writeFileSync(path, `#!/bin/sh\nexec ${SETPRIV} --inh-caps=-sys_nice --bounding-set=-sys_nice '${chromium.replaceAll("'", "'\\''")}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** What to start for `chromium` (the launcher, when `userPriority` asks for one and it can be made,
 *  in `dir`), and at which thread priorities it then runs: 'user' or 'as launched'. */
export function chromiumCommand(chromium, dir, userPriority) {
  const launcher = userPriority ? userPriorityLauncher(chromium, dir) : null;
  const user = launcher !== null || (userPriority && process.getuid?.() !== 0);
  return { executablePath: launcher ?? chromium, priority: user ? 'user' : 'as launched' };
}

/**
 * Puppeteer starts Chromium with --disable-renderer-backgrounding, which a user's browser does not
 * have. With it, in many of the browsers started (5 of 8 over four runs of the panel benchmark), V8
 * collected the panel's garbage as for a hidden tab ("optimize for memory") and opening a big capture
 * took up to about twice as long; without it, in none (docs/panel.md, "Two modes, per browser"). Likely
 * reason: the extension's renderer, started in the background for its service worker, is not told it
 * is in the foreground once the panel joins it. Pass `rendererBackgrounding: true` to drop that one
 * flag when measuring (Puppeteer's other defaults stay); tests keep it, so that a page of theirs behind
 * another is not lowered in priority as a background renderer.
 */
export function backgroundingArgs(rendererBackgrounding) {
  return rendererBackgrounding ? { ignoreDefaultArgs: ['--disable-renderer-backgrounding'] } : {};
}

/**
 * Chromium (headless, over a pipe, fresh profile), with the extension from dist/chrome or without.
 * `userPriority`: run it at the thread priorities a user's browser gets (`userPriorityLauncher`); the
 * session says whether it could (`priority`: 'user' or 'as launched'). `rendererBackgrounding`: see
 * `backgroundingArgs`.
 */
export async function launchChromium({ extension = true, devtools = false, userPriority = false, rendererBackgrounding = false } = {}) {
  const chromium = findChromium();
  if (!chromium) throw new Error(INSTALL_HINT);
  if (extension && !existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('dist/chrome is missing: run `npm run build` first');
  const profile = mkdtempSync(join(tmpdir(), 'entangle-chromium-'));
  const { executablePath, priority } = chromiumCommand(chromium, profile, userPriority);
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    enableExtensions: extension,
    handleDevToolsAsPage: devtools,
    userDataDir: profile,
    args: [...CHROMIUM_ARGS, ...(extension ? extensionArgs() : [])],
    // Puppeteer must not attach to the service worker: a worker it attached to starts paused on
    // every restart, which is exactly what the relay tests exercise.
    targetFilter: (t) => t.type() !== 'service_worker',
    ...backgroundingArgs(rendererBackgrounding),
  });
  try {
    const extensionId = extension ? await findExtensionId(browser) : null;
    return {
      browser,
      extensionId,
      priority,
      async close() {
        await browser.close().catch(() => undefined);
        removeProfile(profile);
      },
    };
  } catch (err) {
    await browser.close().catch(() => undefined);
    removeProfile(profile);
    throw err;
  }
}

/** The extension's id, read from its service worker's URL (raw CDP: puppeteer does not attach to it). */
export async function findExtensionId(browser) {
  const cdp = await browser.target().createCDPSession();
  try {
    for (let i = 0; i < 150; i++) {
      const { targetInfos } = await cdp.send('Target.getTargets');
      const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://') && t.url.endsWith('/background.js'));
      if (sw) return new URL(sw.url).host;
      await sleep(100);
    }
  } finally {
    await cdp.detach().catch(() => undefined);
  }
  throw new Error('the Entangle extension did not start (no service worker after 15 s)');
}

/** The newest tab whose relays report a URL containing `urlPart`, asked of the background from an
 *  extension page; null when none appears within `timeoutMs`. */
export async function findInspectedTab(extensionPage, urlPart, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const tabs = await extensionPage.evaluate(() => globalThis.chrome.runtime.sendMessage({ kind: 'inspectableTabs' })).catch(() => []);
    const match = tabs.filter((t) => t.urls.some((u) => u.includes(urlPart))).sort((a, b) => b.tabId - a.tabId)[0];
    if (match) return match.tabId;
    await sleep(100);
  }
  return null;
}
