/**
 * Shared by the real-browser tests of recording inside workers: a fixture page's own result, and
 * turning "Record inside workers" on in a panel as a user does.
 */
import type { Page } from 'puppeteer-core';
import { launch, openPanel, tabIdOf, waitFor, type Session } from './harness';

/** What a fixture page computed (window.__result once window.__done), or its own failure thrown. */
export async function pageResult<T>(page: Page): Promise<T> {
  // Polled by time, not by animation frames: the page may be a background tab (the panel's is in front).
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __done?: boolean; __error?: string };
      return w.__done === true || w.__error !== undefined;
    },
    { polling: 100 },
  );
  const { result, error } = await page.evaluate(() => {
    const w = window as unknown as { __result?: unknown; __error?: string };
    return { result: w.__result, error: w.__error };
  });
  if (error !== undefined) throw new Error(`the fixture page failed by itself: ${error}`);
  return result as T;
}

/** What each fixture page computes without Entangle (one browser with no extension, the pages in
 *  turn in one tab): what a run with Entangle must compute too. */
export async function resultsWithoutEntangle(urls: readonly string[]): Promise<unknown[]> {
  const plain = await launch({ extension: false });
  try {
    const page = await plain.browser.newPage();
    const results: unknown[] = [];
    for (const url of urls) {
      await page.goto(url);
      results.push(await pageResult(page));
    }
    return results;
  } finally {
    await plain.close();
  }
}

/** Turns "Record inside workers" on in the panel's settings (remembered per origin: it may be on
 *  already), found by role and name as a user would. */
export async function turnOnWorkers(panel: Page): Promise<void> {
  const name = '::-p-aria([name="Record inside workers"][role="checkbox"])';
  let box = await panel.$(name);
  if (!box) {
    // The settings open from the toolbar's Settings button.
    await (await panel.waitForSelector('::-p-aria([name="Settings"][role="button"])'))!.click();
    box = await panel.waitForSelector(name, { timeout: 10_000 });
  }
  if (!(await box!.evaluate((el) => (el as HTMLInputElement).checked))) await box!.click();
  await waitFor('the setting on', async () => (await box!.evaluate((el) => (el as HTMLInputElement).checked)) || undefined);
  // The box is checked at once; the background attaches to the tab after it (and only then sees the
  // page's requests, a shared worker's script among them): wait until the panel says it records.
  await waitFor('the panel to say it records inside workers', async () =>
    (await panel.$eval('[data-testid="workers-status"]', (el) => el.textContent ?? '')).startsWith('Recording inside workers') || undefined,
  );
}

/** A tab on the fixtures' holding page `holdUrl` with its panel, "Record inside workers" turned on
 *  there (the setting is per origin and must be on before the workers start). */
export async function tabRecordingInside(session: Session, holdUrl: string): Promise<{ page: Page; panel: Page }> {
  const background = await openPanel(session);
  const page = await session.browser.newPage();
  await page.goto(holdUrl);
  const panel = await openPanel(session, await tabIdOf(background, new URL(holdUrl).pathname));
  await background.close();
  await turnOnWorkers(panel);
  return { page, panel };
}
