/**
 * `entangle record <url>`: loads a page in headless Chromium with the built extension and records it
 * through the same path a user has — recorder → content relay → background → the panel page — then
 * hands back the panel's event log. The log is copied out of the panel as it grows, so a page that
 * fails to load or a browser that crashes still leaves what was recorded before.
 */
import type { Page } from 'puppeteer-core';
import type { LogGap, LogRecord } from '../model/log';
import { launchChromium, type ChromiumSession } from '../scripts/browser.mjs';
import { settingOrigin, WORKERS_KEY, withWorkerOrigin } from '../extension/workerSetting';

export interface RecordOptions {
  url: string;
  /** Stop this long after the page loaded (ms). */
  durationMs?: number;
  /** Stop once no event arrived for this long after the page loaded (ms); the default when no duration. */
  idleMs?: number;
  /** Give up waiting for the page to load after this long (ms). */
  loadTimeoutMs?: number;
  /** Stop recording after this long in all, whatever the page does (ms; from the browser's start). */
  timeoutMs?: number;
  /** Chromium binary (else ENTANGLE_CHROMIUM or the usual places). */
  browser?: string;
  /** Turn "Record inside workers" on for the URL's origin before loading it (issue 13). */
  workers?: boolean;
  /** Progress lines (to stderr in the CLI). */
  log?: (line: string) => void;
}

export interface Recording {
  page: { url: string; title?: string };
  records: LogRecord[];
  gaps: LogGap[];
  /** What went wrong, if anything: the recording holds what was captured before. */
  problems: string[];
  /** The overall limit (`timeoutMs`) ended the recording: the page never went quiet, or its duration was longer. */
  timedOut?: boolean;
}

/** The overall limit when none is given: a page that never goes quiet does not record forever. */
export const DEFAULT_TIMEOUT_MS = 60_000;

const POLL_MS = 250;

/** Copies the panel store's new entries (by arrival index) into `into`; returns the store's gaps. */
async function pull(panel: Page, into: LogRecord[], from: { index: number }): Promise<LogGap[]> {
  const { entries, gaps, next } = await panel.evaluate((start: number) => {
    type Entry = { index: number; realm: string; tabId: number; frameId: number; event: unknown };
    type Info = { parentFrameId?: number; documentUrl?: string; opener?: { tabId: number; frameId: number } };
    type State = {
      log: { length: number; start: number; end: number; byIndex(i: number): Entry | undefined };
      realms: Map<string, Info>;
      gaps: { realm: string; from: number; to: number; reason: string }[];
    };
    const s = (window as unknown as { __entangle: { store: { getState(): State } } }).__entangle.store.getState();
    const out: unknown[] = [];
    for (let i = Math.max(start, s.log.start); i < s.log.end; i++) {
      const e = s.log.byIndex(i);
      if (!e) continue;
      const info = s.realms.get(e.realm);
      out.push({
        realm: e.realm,
        tabId: e.tabId,
        frameId: e.frameId,
        ...(info?.parentFrameId !== undefined ? { parentFrameId: info.parentFrameId } : {}),
        ...(info?.documentUrl !== undefined ? { url: info.documentUrl } : {}),
        ...(info?.opener !== undefined ? { opener: info.opener } : {}),
        event: e.event,
      });
    }
    return { entries: out, gaps: s.gaps, next: s.log.end };
  }, from.index);
  for (const e of entries as LogRecord[]) into.push(e);
  from.index = next;
  return gaps as LogGap[];
}

/** Turns the setting on for the URL's origin, in the extension's storage (as the panel's checkbox
 *  does): the background attaches as soon as the tab starts loading that origin with a panel on it. */
async function recordInsideWorkers(extensionPage: Page, url: string): Promise<void> {
  const origin = settingOrigin(url);
  if (origin === null) throw new Error(`--workers: no origin to turn it on for in ${url}`);
  const stored = await extensionPage.evaluate(async (key: string) => (await chrome.storage.local.get(key))[key] as unknown, WORKERS_KEY);
  const next = withWorkerOrigin(stored, origin, true);
  await extensionPage.evaluate(async (key: string, value: Record<string, true>) => chrome.storage.local.set({ [key]: value }), WORKERS_KEY, next);
}

function checkUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a URL: ${url}`;
  }
  return ['http:', 'https:', 'file:'].includes(parsed.protocol) ? null : `unsupported URL scheme ${parsed.protocol} (http, https or file)`;
}

export async function record(options: RecordOptions): Promise<Recording> {
  const say = options.log ?? (() => undefined);
  const bad = checkUrl(options.url);
  if (bad) throw new Error(bad);
  if (options.browser) process.env.ENTANGLE_CHROMIUM = options.browser;

  const recording: Recording = { page: { url: options.url }, records: [], gaps: [], problems: [] };
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let session: ChromiumSession | null = null;
  let crashed = false;
  let closing = false;
  try {
    session = await launchChromium({ extension: true });
    session.browser.on('disconnected', () => (crashed = !closing));
    const { browser, extensionId } = session;

    // Open the page from an extension page, which learns its tab id (no `tabs` permission needed),
    // and attach the panel to that tab before the page runs anything.
    const opener = await browser.newPage();
    await opener.goto(`chrome-extension://${extensionId}/panel.html`);
    if (options.workers) await recordInsideWorkers(opener, options.url);
    const tabId = await opener.evaluate(async () => (await chrome.tabs.create({ url: 'about:blank#entangle-record', active: true })).id!);
    const panel = await browser.newPage();
    await panel.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}`);
    await panel.waitForFunction(() => Boolean((window as unknown as { __entangle?: unknown }).__entangle));
    const target = await browser.waitForTarget((t) => t.type() === 'page' && t.url() === 'about:blank#entangle-record', { timeout: 10_000 });
    const page = (await target.page())!;
    say(`recording ${options.url} (tab ${tabId})`);

    const from = { index: 0 };
    try {
      await page.goto(options.url, { waitUntil: 'load', timeout: Math.max(1, Math.min(options.loadTimeoutMs ?? 30_000, deadline - Date.now())) });
    } catch (err) {
      recording.problems.push(`the page did not load: ${err instanceof Error ? err.message : String(err)}`);
    }
    const landed = page.url();
    const loaded = !landed.startsWith('about:blank') && !landed.startsWith('chrome-error:');
    recording.page = loaded ? { url: landed, title: await page.title().catch(() => '') } : { url: options.url };

    const started = Date.now();
    let lastCount = -1;
    let quietSince = Date.now();
    const idleMs = options.idleMs ?? 1_000;
    while (!crashed) {
      recording.gaps = await pull(panel, recording.records, from);
      if (recording.records.length !== lastCount) {
        lastCount = recording.records.length;
        quietSince = Date.now();
      }
      if (options.durationMs !== undefined ? Date.now() - started >= options.durationMs : Date.now() - quietSince >= idleMs) break;
      if (Date.now() >= deadline) {
        recording.timedOut = true;
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch (err) {
    if (crashed) recording.problems.push('the browser crashed or was closed');
    else recording.problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    if (crashed && !recording.problems.some((p) => p.includes('crashed'))) recording.problems.push('the browser crashed or was closed');
    closing = true;
    await session?.close();
  }
  return recording;
}
