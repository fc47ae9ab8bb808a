/** `npm start` without a display (or a browser) must say why it cannot launch and what to do. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const start = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });

describe('npm start when it cannot launch a browser', () => {
  it('explains how to load the extension by hand when there is no display', () => {
    const r = start({ ENTANGLE_NO_LAUNCH: '1' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('not launching a browser');
    expect(r.stdout).toContain('Load unpacked');
    expect(r.stdout).toContain(resolve(root, 'dist/chrome'));
    expect(r.stdout).toContain('npm run demo:serve');
    expect(r.stdout).toContain('xvfb-run npm start');
  });

  it('says how to install Chromium when none is found', () => {
    const r = start({ ENTANGLE_CHROMIUM: '/nonexistent/chromium', DISPLAY: ':99' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('apt-get install chromium');
  });
});
