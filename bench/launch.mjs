// Chromium with the extension built into any folder (a copy of an older dist/chrome, say), for
// benchmarks that compare two builds side by side. scripts/browser.mjs's launchChromium loads
// dist/chrome only; this mirrors it with the folder as a parameter.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { chromiumCommand, findExtensionId } from '../scripts/browser.mjs';
import { CHROMIUM_ARGS, EXTENSION_DIR, extensionArgs, findChromium, INSTALL_HINT } from '../scripts/chromium.mjs';

/** Chromium (headless, over a pipe, fresh profile) with the extension from `dir` (null: none).
 *  `userPriority`: at a user's thread priorities (scripts/browser.mjs chromiumCommand). */
export async function launchWithExtension(dir = EXTENSION_DIR, { userPriority = false } = {}) {
  const chromium = findChromium();
  if (!chromium) throw new Error(INSTALL_HINT);
  const extensionDir = dir === null ? null : resolve(dir);
  if (extensionDir !== null && !existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`${extensionDir} holds no built extension`);
  const profile = mkdtempSync(join(tmpdir(), 'entangle-bench-'));
  const { executablePath, priority } = chromiumCommand(chromium, profile, userPriority);
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    enableExtensions: extensionDir !== null,
    userDataDir: profile,
    args: [...CHROMIUM_ARGS, ...(extensionDir !== null ? extensionArgs(extensionDir) : [])],
    // Not attached to the service worker, as in scripts/browser.mjs (an attached worker restarts paused).
    targetFilter: (t) => t.type() !== 'service_worker',
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // left in the temp folder
    }
  };
  try {
    const extensionId = extensionDir !== null ? await findExtensionId(browser) : null;
    return { browser, extensionId, extensionDir, priority, close };
  } catch (err) {
    await close();
    throw err;
  }
}
