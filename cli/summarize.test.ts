import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeFile } from './summarize';

const fixtures = resolve(import.meta.dirname, '../test/fixtures/captures');

describe('captures saved by earlier code', () => {
  // demo-9e783ee.json: the demo page recorded by `entangle record` at commit 9e783ee (2026-12-07),
  // the last build before the recorder's batches crossed as shapes; its summary by that build's CLI.
  // The wire form changed, the capture format did not: today's reader must say the same of it.
  it('summarizes the demo capture of 9e783ee as that build did', async () => {
    const then = JSON.parse(readFileSync(resolve(fixtures, 'demo-9e783ee.summary.json'), 'utf8')) as unknown;
    expect(await summarizeFile(resolve(fixtures, 'demo-9e783ee.json'))).toEqual(then);
  });
});
