/**
 * Clear in the real panel, on the demo page, in Chromium with the built extension: a port that moved to
 * the cross-origin iframe before the clear (by window.postMessage, joined by inference in the panel)
 * still has its traffic matched after it — the send with its receipt, the echo with its send — rather
 * than shown as never delivered beside receipts from nowhere. Then the log is saved as a capture and
 * opened again: the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launch, openPanel, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

interface PortMessage {
  id: string;
  status: string;
  ambiguous: boolean;
  fromRealm?: string;
  toRealm?: string;
}

/** The port messages of a store's model that carried no port (`which`: the live store or an opened capture's). */
function portMessages(panel: Page, which: 'live' | 'capture'): Promise<PortMessage[]> {
  return panel.evaluate((w) => {
    type M = { messages: (PortMessage & { route: string; transfers: unknown[] })[] };
    type Store = { getState(): { model(): M } };
    const e = (window as unknown as { __entangle: { store: Store; capture(): { store: Store } | null } }).__entangle;
    const store = w === 'live' ? e.store : e.capture()?.store;
    const m = store?.getState().model();
    return (m?.messages ?? [])
      .filter((x) => x.route === 'port' && x.transfers.length === 0)
      .map(({ id, status, ambiguous, fromRealm, toRealm }) => ({ id, status, ambiguous, fromRealm, toRealm }));
  }, which);
}

/** The demo's top realm and its cross-origin iframe's, as the live model knows them. */
function demoRealms(panel: Page): Promise<{ top: string[]; cross: string[] }> {
  return panel.evaluate(() => {
    type M = { realms: { id: string; kind: string; url?: string }[] };
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): M } } } }).__entangle.store.getState().model();
    return {
      top: m.realms.filter((r) => r.kind === 'top').map((r) => r.id),
      cross: m.realms.filter((r) => r.kind === 'iframe' && r.url?.includes('/frame-cross.html')).map((r) => r.id),
    };
  });
}

describe('Clear, with a port that moved to another realm before it', () => {
  let server: DemoServer;
  let session: Session;
  let page: Page;
  let panel: Page;

  beforeAll(async () => {
    server = await startDemoServer();
    session = await launch();
    page = await session.browser.newPage();
    await page.goto(server.url('/index.html'));
    await page.waitForFunction(() => (window as unknown as { __demoDone?: boolean }).__demoDone === true);
    const tabId = await tabIdOf(await openPanel(session), server.originA);
    panel = await openPanel(session, tabId);
    await panel.setViewport({ width: 1200, height: 800 });
    await panel.bringToFront();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  /** Sends `value` on the test's own channel (port2 in the cross-origin iframe) and waits for its echo. */
  const echoed = (value: string): Promise<void> =>
    page.evaluate(
      (v) =>
        new Promise<void>((resolve) => {
          const w = window as unknown as { __kept?: MessageChannel };
          if (!w.__kept) {
            w.__kept = new MessageChannel();
            const frame = document.getElementById('frame-cross') as HTMLIFrameElement;
            frame.contentWindow!.postMessage({ type: 'connect' }, '*', [w.__kept.port2]);
          }
          w.__kept.port1.onmessage = (e: MessageEvent) => {
            if ((e.data as { value?: unknown } | null)?.value === v) resolve();
          };
          w.__kept.port1.postMessage(v);
        }),
      value,
    );

  it('matches the traffic after the clear, in the live log and in a capture saved then', async () => {
    // The demo's own traffic first out of the way (its failed and queued sends), so that the log
    // before the clear under test holds this test's channel alone.
    await panel.click('[data-testid="clear"]');
    await waitFor('the demo cleared', async () => ((await portMessages(panel, 'live')).length === 0 ? true : undefined));
    await echoed('before');
    // The panel has seen the port arrive in the iframe and the traffic over it.
    const before = await waitFor('the traffic before the clear in the panel', async () => {
      const m = await portMessages(panel, 'live');
      // The iframe's greeting, 'before' and its echo.
      return m.length === 3 && m.every((x) => x.status === 'delivered') ? m : undefined;
    });
    // The realms from the model's realms, not from the first message: the iframe's greeting and the
    // top's send reach the log in either order.
    const realms = await demoRealms(panel);
    expect(realms.top).toHaveLength(1);
    expect(realms.cross).toHaveLength(1);
    const [top, cross] = [realms.top[0]!, realms.cross[0]!];
    // The top's send, the greeting and the echo (in any order).
    expect(before.map((x) => `${x.fromRealm}→${x.toRealm}`).sort()).toEqual([`${top}→${cross}`, `${cross}→${top}`, `${cross}→${top}`].sort());
    await panel.click('[data-testid="clear"]');
    await waitFor('the cleared log', async () => ((await portMessages(panel, 'live')).length === 0 ? true : undefined));

    await echoed('after');
    const after = await waitFor('the send and its echo after the clear', async () => {
      const m = await portMessages(panel, 'live');
      // (The echo's send may reach the panel before the batch with its receipt: wait for that too.)
      return m.length === 2 && m.every((x) => x.status !== 'in-flight') ? m : undefined;
    });
    // The send first, then its echo, whatever order the two realms' batches arrived in.
    const topFirst = (m: PortMessage[]): PortMessage[] => [...m].sort((x, y) => Number(x.fromRealm !== top) - Number(y.fromRealm !== top));
    expect(topFirst(after).map((x) => [x.status, x.ambiguous, x.fromRealm, x.toRealm])).toEqual([
      ['delivered', false, top, cross],
      ['delivered', false, cross, top],
    ]);

    // Saved now and opened again: the capture starts after the clear and still knows the scene.
    const opened = await panel.evaluate(async () => {
      const e = (window as unknown as { __entangle: { savedCaptureBytes(): Promise<Uint8Array>; openCaptureBytes(b: Uint8Array, n: string): Promise<void> } }).__entangle;
      await e.openCaptureBytes(await e.savedCaptureBytes(), 'after-clear.json.gz');
    });
    expect(opened).toBeUndefined();
    expect(topFirst(await portMessages(panel, 'capture')).map((x) => [x.status, x.ambiguous, x.fromRealm, x.toRealm])).toEqual(
      topFirst(after).map((x) => [x.status, x.ambiguous, x.fromRealm, x.toRealm]),
    );
  });
});
