import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from './serve.mjs';

describe('the demo server serves only regular files inside its folder', () => {
  const base = mkdtempSync(join(tmpdir(), 'entangle-serve-'));
  const served = join(base, 'served');
  const outside = join(base, 'secret.txt');
  let server: DemoServer;

  beforeAll(async () => {
    mkdirSync(join(served, 'sub'), { recursive: true });
    writeFileSync(join(served, 'page.html'), '<p>page</p>');
    writeFileSync(join(served, 'sub', 'index.html'), '<p>sub</p>');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, join(served, 'leak.txt'));
    symlinkSync(base, join(served, 'up'));
    symlinkSync(join(served, 'page.html'), join(served, 'alias.html'));
    server = await startDemoServer({ dir: served });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(base, { recursive: true, force: true });
  });

  const get = async (path: string): Promise<[number, string]> => {
    const res = await fetch(server.url(path));
    return [res.status, await res.text()];
  };

  it('serves its files and folders', async () => {
    expect(await get('/page.html')).toEqual([200, '<p>page</p>']);
    expect(await get('/sub/')).toEqual([200, '<p>sub</p>']);
  });

  it('follows a link that stays inside', async () => {
    expect(await get('/alias.html')).toEqual([200, '<p>page</p>']);
  });

  it('does not follow a link out of its folder, to a file or through a folder', async () => {
    expect((await get('/leak.txt'))[0]).toBe(404);
    expect((await get('/up/secret.txt'))[0]).toBe(404);
    // Out and back in is a file inside: served.
    expect(await get('/up/served/page.html')).toEqual([200, '<p>page</p>']);
  });

  it('does not climb out with .. or its encoding', async () => {
    expect((await get('/../secret.txt'))[0]).toBe(404);
    expect((await get('/%2e%2e/secret.txt'))[0]).toBe(404);
  });
});
