import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HELP, main } from './main';

describe('entangle record: arguments checked before any browser starts', () => {
  let dir: string;
  let errors: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'entangle-main-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());
  const run = async (args: string[]): Promise<number> => {
    errors = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    return main(args);
  };

  it('a --out in a folder that does not exist fails at once, with exit code 2', async () => {
    const out = join(dir, 'missing', 'capture.json');
    expect(await run(['record', 'http://127.0.0.1:9/', '--out', out])).toBe(2);
    expect(errors).toEqual([`entangle: cannot write the capture to ${out}: the folder ${join(dir, 'missing')} does not exist`]);
  });

  it('a --out that is a folder fails at once', async () => {
    expect(await run(['record', 'http://127.0.0.1:9/', '--out', dir])).toBe(2);
    expect(errors[0]).toContain('is a folder');
  });

  it('--timeout takes a positive whole number of milliseconds', async () => {
    expect(await run(['record', 'http://127.0.0.1:9/', '--timeout', '0'])).toBe(2);
    expect(await run(['record', 'http://127.0.0.1:9/', '--timeout', 'soon'])).toBe(2);
    expect(errors[0]).toContain('--timeout must be a whole number');
  });

  it('help documents the overall limit and its default', () => {
    expect(HELP).toContain('--timeout MS');
    expect(HELP).toContain('default 60000');
    expect(HELP).toContain('3 --timeout ended the');
  });
});
