/**
 * Only the extension's own pages may subscribe to a tab's batches: a content-script context (what a
 * compromised renderer can speak for) asking for another tab's traffic gets nothing. The content
 * script's world is reached through the DevTools protocol (its execution context on the page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, inContentScript, launch, openPanel, startDemoServer, tabIdOf, type DemoServer, type Session } from './harness';

describe('panel subscriptions', () => {
  let server: DemoServer;
  let session: Session;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('a content script asking for another tab’s batches gets none; the panel page gets them', async () => {
    const victim = await session.browser.newPage();
    await victim.goto(server.url('/burst.html'));
    await victim.evaluate(() => (window as unknown as { burst: (n: number) => Promise<number> }).burst(50));
    const victimTab = await tabIdOf(await openPanel(session), 'burst.html');
    const attacker = await session.browser.newPage();
    await attacker.goto(server.url('/recording.html'));
    // Subscribes as a panel would, from the attacker page's content-script world, and keeps what comes.
    const heard = (await inContentScript(
      attacker,
      `new Promise((resolve) => {
        const got = [];
        let closed = false;
        const port = chrome.runtime.connect({ name: 'entangle-panel' });
        port.onMessage.addListener((m) => got.push(m.kind));
        port.onDisconnect.addListener(() => { closed = true; });
        port.postMessage({ kind: 'subscribe', tabId: ${victimTab}, have: {} });
        setTimeout(() => resolve({ got, closed }), 1500);
      })`,
    )) as { got: string[]; closed: boolean };
    expect(heard).toEqual({ got: [], closed: true });
    // The extension's own page, asking the same, is answered.
    const panel = await openPanel(session);
    const batches = await panel.evaluate(
      (tabId) =>
        new Promise<number>((resolve) => {
          let n = 0;
          const port = chrome.runtime.connect({ name: 'entangle-panel' });
          port.onMessage.addListener((m: { kind: string }) => {
            if (m.kind === 'batch') n++;
          });
          port.postMessage({ kind: 'subscribe', tabId, have: {} });
          setTimeout(() => resolve(n), 1500);
        }),
      victimTab,
    );
    expect(batches).toBeGreaterThan(0);
  });
});
