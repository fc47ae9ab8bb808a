#!/usr/bin/env node
// `npm start`: serve the demo on two loopback origins and open it in a fresh Chromium window with the
// built extension (dist/chrome) loaded and DevTools open. When the browser exits, the server stops and
// the temporary profile is removed.
//
// Without a display (Linux with neither DISPLAY nor WAYLAND_DISPLAY), or with ENTANGLE_NO_LAUNCH=1, it
// does not launch anything: it prints how to load the extension by hand and exits with code 2.
// Set ENTANGLE_CHROMIUM to use another Chromium/Chrome binary.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findChromium, CHROMIUM_ARGS, extensionArgs, INSTALL_HINT, EXTENSION_DIR } from './chromium.mjs';
import { startDemoServer } from '../demo/serve.mjs';

const root = join(import.meta.dirname, '..');

function manualInstructions(reason) {
  const demoServe = 'npm run demo:serve';
  return [
    `Entangle: not launching a browser — ${reason}.`,
    '',
    'To try Entangle by hand in Chromium or Chrome:',
    '  1. Build the extension (if not done yet):  npm run build',
    '  2. Open chrome://extensions and switch on "Developer mode" (top right).',
    `  3. Click "Load unpacked" and choose:  ${EXTENSION_DIR}`,
    `  4. Serve the demo page:  ${demoServe}   (node demo/serve.mjs; prints the demo URL,`,
    '     http://127.0.0.1:<port>/index.html, with a cross-origin iframe on http://localhost:<port>)',
    '  5. Open that demo URL in a tab, open DevTools (F12 / Ctrl+Shift+I) and pick the "Entangle" panel;',
    '     reload the page to record it from the start.',
    '',
    'For a virtual display on Linux:  xvfb-run npm start',
  ].join('\n');
}

function noLaunchReason() {
  if (process.env.ENTANGLE_NO_LAUNCH === '1') return 'ENTANGLE_NO_LAUNCH=1 is set';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  }
  return null;
}

async function main() {
  const reason = noLaunchReason();
  if (reason) {
    console.log(manualInstructions(reason));
    return 2;
  }
  const chromium = findChromium();
  if (!chromium) {
    console.error(INSTALL_HINT);
    return 2;
  }
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    console.error(`No built extension at ${relative(process.cwd(), EXTENSION_DIR) || EXTENSION_DIR}. Run \`npm run build\` first (or \`npm start\`, which builds).`);
    return 2;
  }

  const server = await startDemoServer();
  const demoUrl = server.url('/index.html');
  const profile = mkdtempSync(join(tmpdir(), 'entangle-profile-'));
  const args = [
    ...CHROMIUM_ARGS,
    ...extensionArgs(EXTENSION_DIR),
    `--user-data-dir=${profile}`,
    '--auto-open-devtools-for-tabs',
    '--new-window',
    demoUrl,
  ];

  let cleanedUp = false;
  const cleanUp = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    await server.close().catch(() => undefined);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
    } catch (err) {
      console.error(`Could not remove the temporary profile ${profile}: ${err.message}`);
    }
  };

  console.log('Entangle demo');
  console.log(`  extension: ${EXTENSION_DIR}`);
  console.log(`  origin A:  ${server.originA}`);
  console.log(`  origin B:  ${server.originB}`);
  console.log(`  demo page: ${demoUrl}`);
  console.log(`  browser:   ${chromium}`);
  console.log(`  profile:   ${profile} (temporary, removed on exit)`);
  console.log('DevTools opens with the tab: pick the "Entangle" panel and reload the page to record from the start.');
  console.log('Close the browser window (or press Ctrl-C here) to stop.');

  const child = spawn(chromium, args, { stdio: ['ignore', 'inherit', 'pipe'], cwd: root });
  // Pass Chromium's stderr through, minus the harmless noise it prints on machines without a session
  // bus and the Debian wrapper's `[: ...: unexpected operator`.
  const NOISE = /ERROR:dbus\/|unexpected operator|Fontconfig error|ERROR:.*(?:gcm|viz_main_impl|gpu_init|sandbox_linux)/;
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line && !NOISE.test(line)) process.stderr.write(line + '\n');
  });

  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const code = await new Promise((resolve) => {
    child.once('error', (err) => {
      console.error(`Could not start ${chromium}: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (exitCode, signal) => {
      console.log(`Browser exited (${signal ? `signal ${signal}` : `code ${exitCode}`}); stopping the demo server.`);
      resolve(0);
    });
  });
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  await cleanUp();
  return code;
}

process.exitCode = await main();
