/**
 * "Record inside workers" (issue 13) with the built extension: switched on in the panel by its
 * accessible name, the recorder runs inside a dedicated worker the page starts and its events reach
 * the panel as a worker realm; switched off, the extension lets go of the tab. With the real DevTools
 * open on the same tab, attaching disturbs neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchChromium } from '../../scripts/browser.mjs';
import { record } from '../../cli/record';
import { FIXTURES, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

interface WorkerRealm {
  realm: string;
  frameId: number;
  kind?: string;
  url?: string;
  gone: boolean;
  events: number;
}

/** The panel store's realms recorded from inside a worker (frameId -1). */
async function workerRealms(panel: Page): Promise<WorkerRealm[]> {
  return panel.evaluate(() => {
    type Info = { realm: string; frameId: number; kind?: string; url?: string; gone: boolean; events: number };
    const w = window as unknown as { __entangle: { store: { getState(): { realms: Map<string, Info> } } } };
    return [...w.__entangle.store.getState().realms.values()].filter((r) => r.frameId === -1).map(({ realm, frameId, kind, url, gone, events }) => ({ realm, frameId, kind, url, gone, events }));
  });
}

/**
 * Whether the extension's debugger is attached to the tab: a command of its own reaches the tab only
 * then (`chrome.debugger.getTargets()` says `attached` for any client, and puppeteer is one).
 */
async function debuggerAttached(extensionPage: Page, tabId: number): Promise<boolean> {
  return extensionPage.evaluate(
    (id) =>
      chrome.debugger.sendCommand({ tabId: id }, 'Target.getTargetInfo').then(
        () => true,
        () => false,
      ),
    tabId,
  );
}

/** Has DevTools' front end evaluate an expression in the page through its own connection (DevTools'
 *  internal SDK, as devtools.test.ts reaches its InspectorView; passed as source text for Vitest). */
async function evaluateInDevTools(dt: Page, expression: string): Promise<unknown> {
  return dt.evaluate(`(async () => {
    const SDK = await import('devtools://devtools/bundled/core/sdk/sdk.js');
    const target = SDK.TargetManager.TargetManager.instance().primaryPageTarget();
    const answer = await target.runtimeAgent().invoke_evaluate({ expression: ${JSON.stringify(expression)}, returnByValue: true });
    return answer.result ? answer.result.value : answer.getError();
  })()`);
}

/** How many `workerCreated` records (the page side's view of `new Worker`) the panel's log holds. */
async function workersCreated(panel: Page): Promise<number> {
  return panel.evaluate(() => {
    type Log = { length: number; at(i: number): { event: { type: string } } };
    const log = (window as unknown as { __entangle: { store: { getState(): { log: Log } } } }).__entangle.store.getState().log;
    let created = 0;
    for (let i = 0; i < log.length; i++) if (log.at(i).event.type === 'workerCreated') created++;
    return created;
  });
}

/** Waits for a worker realm not among `known` (ids) to show events in the panel. */
async function newWorkerRealm(panel: Page, known: WorkerRealm[]): Promise<WorkerRealm> {
  const ids = new Set(known.map((r) => r.realm));
  return waitFor('a new worker realm with events in the panel', async () => (await workerRealms(panel)).find((r) => !ids.has(r.realm) && r.events > 1));
}

const checkbox = (panel: Page) => panel.waitForSelector('::-p-aria(Record inside workers)');
const workersStatus = (panel: Page) => panel.$eval('[data-testid="workers-status"]', (el) => el.textContent ?? '');
const startWorker = (page: Page) => page.evaluate(() => (window as unknown as { startWorker(): Promise<unknown> }).startWorker());

describe('recording inside workers', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let panel: Page;
  let extensionPage: Page;
  let tabId: number;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launchChromium({ extension: true, devtools: true });
    page = await session.browser.newPage();
    await page.goto(server.url('/workers/page.html'));
    extensionPage = await openPanel(session);
    tabId = await tabIdOf(extensionPage, server.originA);
    panel = await openPanel(session, tabId);
    // (The toolbar's settings button, as the settings test opens it.)
    await (await panel.waitForSelector('::-p-aria([name="Settings"][role="button"])'))!.click();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('is off by default: no attach, and a worker is seen from the outside only', async () => {
    const box = await checkbox(panel);
    expect(await box!.evaluate((el) => (el as HTMLInputElement).checked)).toBe(false);
    expect(await workersStatus(panel)).toBe(`Off for ${server.originA}.`);
    expect(await panel.$eval('.workers-setting', (el) => el.textContent ?? '')).toContain('“started debugging this browser” bar');
    expect(await startWorker(page)).toEqual(['echo', 'ping']);
    expect(await debuggerAttached(extensionPage, tabId)).toBe(false);
    expect(await workerRealms(panel)).toEqual([]);
  });

  it('switched on in the panel, records inside the worker the page starts next', async () => {
    await (await checkbox(panel))!.click();
    await waitFor('the panel to say it records inside workers', async () => (await workersStatus(panel)).startsWith('Recording inside workers'));
    expect(await debuggerAttached(extensionPage, tabId)).toBe(true);
    expect(await startWorker(page)).toEqual(['echo', 'ping']);
    const [realm] = await waitFor('a worker realm with events in the panel', async () => {
      const realms = await workerRealms(panel);
      return realms.some((r) => r.kind === 'worker' && r.events > 1) ? realms : undefined;
    });
    expect(realm).toMatchObject({ frameId: -1, kind: 'worker', gone: false });
    expect(realm!.url).toBe(server.url('/workers/worker.js'));
    expect(await workersStatus(panel)).toMatch(/^Recording inside workers: [1-9]\d* workers? so far\.$/);
  });

  it('remembers the setting for the origin', async () => {
    const stored = await extensionPage.evaluate(async () => (await chrome.storage.local.get('recordInsideWorkers')).recordInsideWorkers as unknown);
    expect(stored).toEqual({ [server.originA]: true });
  });

  it('keeps recording inside the workers of the next document of the same origin (a reload)', async () => {
    const before = await workerRealms(panel);
    await page.reload();
    expect(await startWorker(page)).toEqual(['echo', 'ping']);
    expect(await newWorkerRealm(panel, before)).toMatchObject({ kind: 'worker', url: server.url('/workers/worker.js') });
    expect(await workersStatus(panel)).toMatch(/^Recording inside workers/);
  });

  it('switched off, lets go of the tab and records no more inside workers', async () => {
    await (await checkbox(panel))!.click();
    await waitFor('the panel to say it is off', async () => (await workersStatus(panel)).startsWith('Off'));
    await waitFor('the debugger detached from the tab', async () => !(await debuggerAttached(extensionPage, tabId)));
    const before = await workerRealms(panel);
    const created = await workersCreated(panel);
    expect(await startWorker(page)).toEqual(['echo', 'ping']);
    // The page's own recorder saw the new worker, whose echo came back: a recorded worker's first
    // batch would have come before that.
    await waitFor('the page recorder’s record of the new worker', async () => (await workersCreated(panel)) > created);
    expect((await workerRealms(panel)).map((r) => r.realm)).toEqual(before.map((r) => r.realm));
  });

  it('attaches with the real DevTools open on the same tab, and both keep working', async () => {
    const dt = await page.openDevTools();
    await waitFor('DevTools connected to the page', async () => (await evaluateInDevTools(dt, '6 * 7').catch(() => undefined)) === 42);
    await panel.bringToFront();
    await (await checkbox(panel))!.click();
    await waitFor('the panel to say it records inside workers', async () => (await workersStatus(panel)).startsWith('Recording inside workers'));
    const before = await workerRealms(panel);
    expect(await startWorker(page)).toEqual(['echo', 'ping']);
    await newWorkerRealm(panel, before);
    // DevTools still reaches the page through its own connection.
    expect(await evaluateInDevTools(dt, 'document.title')).toBe('Workers recorded from the inside');
    expect(await debuggerAttached(extensionPage, tabId)).toBe(true);
    await dt.close();
    expect(await workersStatus(panel)).toMatch(/^Recording inside workers/);
    await (await checkbox(panel))!.click();
    await waitFor('the debugger detached from the tab', async () => !(await debuggerAttached(extensionPage, tabId)));
  });
});

describe('entangle record --workers', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The realms recorded from inside a worker: frameId -1, and their `realmStarted`. */
  const workerStarts = (records: { frameId: number; event: { type: string } }[]) =>
    records.filter((r) => r.frameId === -1 && r.event.type === 'realmStarted').map((r) => r.event as unknown as { kind: string; url: string });

  it('records inside the worker a page starts at load, and only with the flag', async () => {
    const url = server.url('/workers/onload.html');
    const withWorkers = await record({ url, workers: true, idleMs: 1_000 });
    expect(withWorkers.problems).toEqual([]);
    expect(workerStarts(withWorkers.records)).toEqual([expect.objectContaining({ kind: 'worker', url: server.url('/workers/worker.js') })]);
    const without = await record({ url, idleMs: 1_000 });
    expect(without.problems).toEqual([]);
    expect(without.records.some((r) => r.event.type === 'workerCreated')).toBe(true);
    expect(workerStarts(without.records)).toEqual([]);
  });
});
