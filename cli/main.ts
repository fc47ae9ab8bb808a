/**
 * The `entangle` command line: `record` a page into a capture file, `summarize` a capture.
 * Built by Vite (`--mode cli`) to dist/cli/entangle.js; cli/entangle.mjs runs it.
 */
import { access, constants, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relayBounds, writeCapture, writeCaptureGzip, type CaptureInput } from '../model/capture';
import { version as VERSION } from '../package.json';
import { DEFAULT_TIMEOUT_MS, record, type Recording } from './record';
import { summarizeFile, type Summary } from './summarize';
import { forTerminal } from './terminal';

export const HELP = `entangle — record and summarize cross-context messaging

Usage:
  entangle record <url> [--out FILE] [--duration MS | --idle MS] [--timeout MS] [--browser PATH] [--workers]
      Loads <url> in headless Chromium with the Entangle extension and records it through the
      extension (recorder → relay → background → panel). Stops after --duration ms, or once no
      event arrived for --idle ms after the page loaded (default 1000), and in any case after
      --timeout ms in all (default ${DEFAULT_TIMEOUT_MS}): a page that never goes quiet stops there. Writes a capture file
      (--out, default entangle-capture.json; a name ending in .gz is gzip-compressed) and prints
      a short summary. Chromium: --browser, else ENTANGLE_CHROMIUM, else /usr/bin/chromium and the
      usual places. --workers turns "Record inside workers" on for the URL's origin first: the
      recorder also runs inside the page's workers, through the browser's debugging protocol.
  entangle summarize <FILE> [--check]
      Reads a capture (plain or gzip), matches sends with receipts, and prints the model as JSON:
      realms, channels, ports (with custody), messages (with status, and a plain-words reason when
      ambiguous, not delivered or with no known sender), totals. Every documented key is present,
      null when unknown. See docs/capture-format.md. With --check, exits 1 when any message failed, stayed queued, was lost,
      doomed or dropped for its targetOrigin (for CI).
  entangle help
      This text.

Page text (URLs, titles, error messages) is printed with control characters escaped.

Exit codes: record: 0 recorded; 1 the page did not load or the browser crashed; 3 --timeout ended the
recording (in both cases what was recorded is still written). summarize: 0 printed; 1 --check found
problems. Both: 2 bad arguments (a --out that cannot be written is found before recording), an
unreadable capture, or no Chromium.`;

function fail(message: string): number {
  console.error(`entangle: ${forTerminal(message)}`);
  return 2;
}

function positiveInt(value: string | undefined, name: string): number | undefined | Error {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : new Error(`${name} must be a whole number of milliseconds, got ${value}`);
}

function summaryLines(r: Recording): string[] {
  const byType = new Map<string, number>();
  const errors = new Map<string, number>();
  for (const { event } of r.records) {
    byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    if (event.type === 'messageSent' && event.error) {
      const key = `${event.error.name}: ${event.error.message}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
  const realms = new Set(r.records.map((x) => x.realm)).size;
  const lines = [`${forTerminal(r.page.url)}: ${r.records.length} events from ${realms} realm${realms === 1 ? '' : 's'}`];
  lines.push(`  ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ') || 'no messaging observed'}`);
  if (r.gaps.length > 0) lines.push(`  gaps: ${r.gaps.length} (${r.gaps.reduce((n, g) => n + g.to - g.from + 1, 0)} events missing)`);
  for (const [e, n] of errors) lines.push(`  failed ×${n}: ${forTerminal(e)}`);
  for (const p of r.problems) lines.push(`  problem: ${forTerminal(p)}`);
  if (r.timedOut) lines.push('  stopped by --timeout: the page had not gone quiet');
  return lines;
}

async function recordCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, duration: { type: 'string' }, idle: { type: 'string' }, timeout: { type: 'string' }, browser: { type: 'string' }, workers: { type: 'boolean' } },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) return fail('record takes exactly one URL (see `entangle help`)');
  const durationMs = positiveInt(values.duration, '--duration');
  const idleMs = positiveInt(values.idle, '--idle');
  if (durationMs instanceof Error) return fail(durationMs.message);
  if (idleMs instanceof Error) return fail(idleMs.message);
  if (durationMs !== undefined && idleMs !== undefined) return fail('give --duration or --idle, not both');
  const timeoutMs = positiveInt(values.timeout, '--timeout');
  if (timeoutMs instanceof Error) return fail(timeoutMs.message);
  if (timeoutMs === 0) return fail('--timeout must be more than 0');
  const out = values.out ?? 'entangle-capture.json';
  const unwritable = await whyNotWritable(out);
  if (unwritable) return fail(`cannot write the capture to ${out}: ${unwritable}`);
  let recording: Recording;
  try {
    recording = await record({ url: positionals[0]!, durationMs, idleMs, timeoutMs, browser: values.browser, workers: values.workers === true, log: (l) => console.error(forTerminal(l)) });
  } catch (err) {
    return fail((err as Error).message);
  }
  const capture: CaptureInput = {
    generator: { name: 'entangle', version: VERSION },
    page: recording.page,
    records: recording.records,
    gaps: recording.gaps,
    bounds: relayBounds(),
    ...(recording.problems.length > 0 ? { problems: recording.problems } : {}),
  };
  await writeFile(out, out.endsWith('.gz') ? await writeCaptureGzip(capture) : writeCapture(capture));
  for (const line of summaryLines(recording)) console.log(line);
  console.log(`capture written to ${forTerminal(out)}`);
  return recording.problems.length > 0 ? 1 : recording.timedOut ? 3 : 0;
}

/** Why `out` cannot be written, checked before the browser starts (so no recording is lost at the end). */
async function whyNotWritable(out: string): Promise<string | null> {
  const path = resolve(out);
  const dir = dirname(path);
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is not a folder`;
  } catch {
    return `the folder ${dir} does not exist`;
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    return `the folder ${dir} is not writable`;
  }
  try {
    if ((await stat(path)).isDirectory()) return `${path} is a folder`;
  } catch {
    /* does not exist yet: fine */
  }
  return null;
}

async function summarizeCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { check: { type: 'boolean' } } });
  } catch (err) {
    return fail((err as Error).message);
  }
  if (parsed.positionals.length !== 1) return fail('summarize takes exactly one capture file (see `entangle help`)');
  let summary: Summary;
  try {
    summary = await summarizeFile(parsed.positionals[0]!);
  } catch (err) {
    return fail((err as Error).message);
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (!parsed.values.check) return 0;
  const { failed, queued, lost, doomed, droppedOrigin } = summary.totals;
  const problems = failed + queued + lost + doomed + droppedOrigin;
  if (problems > 0) console.error(`entangle: --check: ${failed} failed, ${queued} queued, ${lost} lost, ${doomed} doomed, ${droppedOrigin} dropped for their targetOrigin`);
  return problems > 0 ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'record':
      return recordCommand(rest);
    case 'summarize':
      return summarizeCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return command === undefined ? 2 : 0;
    default:
      return fail(`unknown command ${JSON.stringify(command)} (see \`entangle help\`)`);
  }
}
