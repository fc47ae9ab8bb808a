/**
 * `entangle record` end to end: the built CLI records the demo page through the extension and writes a
 * capture; bad input and a page that does not load give clear errors and exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../model/capture';
import { startDemoServer, type DemoServer } from './harness';

const root = resolve(import.meta.dirname, '../..');

function entangle(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(root, 'cli/entangle.mjs'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('entangle record', () => {
  let server: DemoServer;
  let dir: string;

  beforeAll(async () => {
    server = await startDemoServer();
    dir = mkdtempSync(join(tmpdir(), 'entangle-cli-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the demo page through the extension into a capture file', async () => {
    const out = join(dir, 'demo.json');
    const r = await entangle(['record', server.url('/index.html'), '--out', out, '--idle', '1500']);
    expect(r.stderr).toContain('recording');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 realms');
    expect(r.stdout).toContain('DataCloneError');
    const read = await readCapture(readFileSync(out));
    if (!read.ok) throw new Error(read.error);
    const capture = read.capture;
    expect(capture).toMatchObject({ generator: { name: 'entangle' }, page: { url: server.url('/index.html') } });
    const kinds = capture.records.flatMap((r: { event: { type: string; kind?: string } }) => (r.event.type === 'realmStarted' ? [r.event.kind] : [])).sort();
    expect(kinds).toEqual(['iframe', 'iframe', 'top']);
    expect(capture.records.some((r) => r.event.type === 'messageSent' && r.event.error?.name === 'DataCloneError')).toBe(true);
  });

  it('rejects a bad URL with exit code 2 and writes nothing', async () => {
    const out = join(dir, 'bad.json');
    const r = await entangle(['record', 'not a url', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('entangle: not a URL: not a url');
    expect(existsSync(out)).toBe(false);
  });

  it('says so when the page does not load, exits 1, and still writes the capture', async () => {
    const out = join(dir, 'unloaded.json');
    const r = await entangle(['record', 'http://127.0.0.1:1/', '--out', out, '--idle', '200']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('problem: the page did not load');
    const read = await readCapture(readFileSync(out));
    expect(read).toMatchObject({ ok: true, capture: { records: [], problems: [expect.stringContaining('the page did not load')] } });
  });
});
