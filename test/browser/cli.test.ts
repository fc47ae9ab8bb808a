/**
 * `entangle record` end to end: the built CLI records the demo page through the extension and writes a
 * capture; bad input and a page that does not load give clear errors and exit codes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../model/capture';
import type { Summary } from '../../cli/summarize';
import { FIXTURES, startDemoServer, type DemoServer } from './harness';

const root = resolve(import.meta.dirname, '../..');

function entangle(args: string[], onStderr?: (soFar: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(root, 'cli/entangle.mjs'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
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

  it('summarizes the recorded demo: channels, custody of the port sent across origins, statuses', async () => {
    const out = join(dir, 'demo.json.gz');
    expect((await entangle(['record', server.url('/index.html'), '--out', out, '--idle', '1500'])).code).toBe(0);
    const r = await entangle(['summarize', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s).toMatchObject({ format: 'entangle-summary', version: 1, page: { url: server.url('/index.html') } });
    const top = s.realms.find((x) => x.kind === 'top')!;
    const cross = s.realms.find((x) => x.kind === 'iframe' && x.origin === server.originB)!;
    expect(cross.parent).toBe(top.id);
    // Scenario a: the top's first channel; port2 goes to the cross-origin frame, port1 stays.
    expect(s.channels.length).toBe(8);
    const [first] = s.channels;
    expect(first!.createdIn).toBe(top.id);
    const [port1, port2] = first!.ports;
    expect(s.ports.find((p) => p.id === port2)).toMatchObject({ entangledWith: port1, custody: [top.id, cross.id] });
    expect(s.ports.find((p) => p.id === port1)).toMatchObject({ entangledWith: port2, custody: [top.id] });
    // Delivered both ways over that channel.
    const onChannel = s.messages.filter((m) => m.route === 'port' && (m.fromPort === port1 || m.fromPort === port2));
    expect(onChannel.some((m) => m.fromRealm === top.id && m.toRealm === cross.id && m.status === 'delivered')).toBe(true);
    expect(onChannel.some((m) => m.fromRealm === cross.id && m.toRealm === top.id && m.status === 'delivered')).toBe(true);
    // The demo's deliberate DataCloneError is a failed message.
    expect(s.messages.some((m) => m.status === 'failed' && m.error?.name === 'DataCloneError')).toBe(true);
    expect(s.totals.failed).toBeGreaterThanOrEqual(3);
    // --check turns the failures into exit code 1, for CI.
    const checked = await entangle(['summarize', out, '--check']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('--check:');
  });

  it('summarize says what is wrong with a file it cannot read', async () => {
    const missing = await entangle(['summarize', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const bad = join(dir, 'bad-capture.json');
    writeFileSync(bad, '{"format":"something-else","version":1}');
    const r = await entangle(['summarize', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not an Entangle capture');
  });

  it('writes what was recorded when the browser crashes, and exits 1', async () => {
    // A "browser" that is Chromium killed hard once the recording is under way: when the test says so
    // (a marker file), not after a fixed time — a loaded machine took longer than that to start it.
    const crashing = join(dir, 'chromium-that-crashes.sh');
    const go = join(dir, 'crash-now');
    const chromium = process.env.ENTANGLE_CHROMIUM ?? '/usr/bin/chromium';
    writeFileSync(crashing, `#!/bin/sh\n"${chromium}" "$@" &\npid=$!\nn=0\nwhile [ ! -e "${go}" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done\nkill -9 $pid\nwait $pid\n`, { mode: 0o755 });
    const out = join(dir, 'crashed.json');
    let told = false;
    const r = await entangle(['record', server.url('/index.html'), '--out', out, '--duration', '60000', '--browser', crashing], (stderr) => {
      // "recording <url> (tab N)": the panel listens; the demo posts within its first second.
      if (told || !stderr.includes('recording ')) return;
      told = true;
      setTimeout(() => writeFileSync(go, ''), 2_000);
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('problem: the browser crashed or was closed');
    const read = await readCapture(readFileSync(out));
    if (!read.ok) throw new Error(read.error);
    expect(read.capture.problems).toContain('the browser crashed or was closed');
    expect(read.capture.records.length).toBeGreaterThan(0); // the demo posts within its first second
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

describe('entangle record on a hostile page', () => {
  let server: DemoServer;
  let dir: string;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    dir = mkdtempSync(join(tmpdir(), 'entangle-cli-hostile-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints page text escaped, stops a page that never goes quiet at --timeout (exit 3) and still writes the capture', async () => {
    const out = join(dir, 'hostile.json');
    const r = await entangle(['record', server.url('/cli-hostile.html'), '--out', out, '--timeout', '8000']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    // No escape, no bare CR, and no line the page wrote of its own.
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('capture written to'))).toEqual([`capture written to ${out}`]);
    expect(r.stdout).toContain('\\e[2K\\r\\ncapture written to /tmp/forged.json');
    expect(r.stdout).toContain('stopped by --timeout');
    const read = await readCapture(readFileSync(out));
    if (!read.ok) throw new Error(read.error);
    expect(read.capture.records.filter((x) => x.event.type === 'messageSent').length).toBeGreaterThan(10);
  });

  it('refuses a --out it cannot write before starting a browser', async () => {
    const out = join(dir, 'no-such-folder', 'x.json');
    const r = await entangle(['record', server.url('/cli-hostile.html'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not exist');
    expect(r.stderr).not.toContain('recording');
    expect(existsSync(out)).toBe(false);
  });
});
