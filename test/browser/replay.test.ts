/**
 * Send again (issue 11 §2, docs/replay.md) on the demo page, in Chromium with the built extension:
 * a port message and a window message into the cross-origin iframe replayed from the inspector, each
 * received by the page's own listener (its own counters) and shown as a replay (`replayOf`, the ↻
 * mark); a Map payload edited and replayed; a truncated payload refused with its reason; and a page
 * that dispatches look-alike commands and calls into whatever it can reach gets nothing posted, and
 * hears nothing of a real replay. Controls are found by role and name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { demoPanel, launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';

const aria = (role: string, name: string): string => `::-p-aria([name="${name}"][role="${role}"])`;

interface Msg {
  id: string;
  route: string;
  fromRealm?: string;
  toRealm?: string;
  preview?: unknown;
  replayOf?: string;
  status: string;
  /** A broadcast's receipts: where each went. */
  deliveries?: { toRealm: string; failed?: boolean }[];
}
interface Realm {
  id: string;
  url?: string;
  kind: string;
}

const model = (panel: Page): Promise<{ messages: Msg[]; realms: Realm[] }> =>
  panel.evaluate(() => {
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): { messages: Msg[]; realms: Realm[] } } } } }).__entangle.store.getState().model();
    return {
      messages: m.messages.map((x) => ({ id: x.id, route: x.route, fromRealm: x.fromRealm, toRealm: x.toRealm, preview: x.preview, replayOf: x.replayOf, status: x.status, deliveries: x.deliveries?.map((d) => ({ toRealm: d.toRealm, failed: d.failed })) })),
      realms: m.realms.map((r) => ({ id: r.id, url: r.url, kind: r.kind })),
    };
  });

const select = (panel: Page, id: string): Promise<void> =>
  panel.evaluate((id) => {
    (window as unknown as { __entangle: { view: { getState(): { selected(s: { kind: 'message'; id: string }): void } } } }).__entangle.view.getState().selected({ kind: 'message', id });
  }, id);

/** The ↻ mark on the timeline row of message `id`, a replay of `original` (the row brought into view by
 *  selecting it; found by its label: the accessibility tree Chromium builds for the grid does not list
 *  the mark): the mark's text. */
async function replayMark(panel: Page, id: string, original: string): Promise<string> {
  await select(panel, id);
  const mark = await panel.waitForSelector(`[data-testid="timeline-row"][data-id="${id}"] [role="img"][aria-label="replay of ${original}"]`);
  return mark!.evaluate((el) => (el.textContent ?? '').trim());
}

const replayStatus = (panel: Page): Promise<string> =>
  panel.evaluate(() => document.querySelector('section[aria-label="send again"] [role="status"]')?.textContent ?? '');

/** An object preview's `type` entry. */
function typeOf(preview: unknown): string | undefined {
  const entry = entryOf(preview, 'type');
  return typeof entry === 'string' ? entry : undefined;
}

/** An object preview's `key` entry, as previewed. */
function entryOf(preview: unknown, key: string): unknown {
  const p = preview as { $t?: string; entries?: [unknown, unknown][] } | undefined;
  if (p?.$t !== 'object') return undefined;
  return p.entries?.find(([k]) => k === key)?.[1];
}

/** Adds message `id` to the selection, as a Ctrl-click on its row does. */
const toggle = (panel: Page, id: string): Promise<void> =>
  panel.evaluate((id) => {
    (window as unknown as { __entangle: { view: { getState(): { selectionToggled(id: string): void } } } }).__entangle.view.getState().selectionToggled(id);
  }, id);

/**
 * Selects message `id` and presses the inspector's *Replay message*. The first test of the file pressed
 * it straight after the panel first showed the demo, and in 3 of about 40 runs on 2026-12-07 the
 * button was never found clickable in 30 s (cause not found; the other tests, and the same test
 * repeated, pressed it at once). So: tries of 5 s, each selecting again, and what the panel shows is
 * logged for every failed try.
 */
async function pressReplay(panel: Page, id: string): Promise<void> {
  await waitFor('Replay message pressed', async () => {
    await select(panel, id);
    try {
      await panel.locator(aria('button', 'Replay message')).setTimeout(5_000).click();
      return true;
    } catch {
      const shown = await panel.evaluate(() =>
        [...document.querySelectorAll('button')]
          .filter((b) => b.textContent?.trim() === 'Replay message')
          .map((b) => `${b.disabled ? 'disabled' : 'enabled'}, "${b.title}", ${JSON.stringify(b.getBoundingClientRect())}`)
          .join('; '),
      );
      console.warn(`Replay message not pressed in 5 s; the buttons so labelled: ${shown || 'none'}`);
      return undefined;
    }
  }, 30_000);
}

const selectionStatus = (panel: Page): Promise<string> =>
  panel.evaluate(() => document.querySelector('section[aria-label="replay selection"] [role="status"][aria-label="Replay progress"]')?.textContent ?? '');

describe('send again on the demo page', () => {
  let server: DemoServer;
  let session: Session;
  let panel: Page;
  let page: Page;
  let cross: Frame;
  let top: Realm;

  const counters = (): Promise<{ echoes: number; notes: number }> =>
    cross.evaluate(() => {
      const w = window as unknown as { __echoes?: number; __notes?: number };
      return { echoes: w.__echoes ?? 0, notes: w.__notes ?? 0 };
    });

  beforeAll(async () => {
    server = await startDemoServer();
    session = await launch();
    panel = await demoPanel(session, server);
    page = (await session.browser.pages()).find((p) => p.url().startsWith(server.originA) && p.url().includes('index.html'))!;
    cross = await waitFor('the cross-origin iframe', async () => page.frames().find((f) => f.url().startsWith(server.originB)));
    // What the page hears of the channel's names: nothing, before or after a replay.
    await page.evaluate(() => {
      const heard: string[] = [];
      (window as unknown as { __heard: string[] }).__heard = heard;
      for (const type of ['entangle:replay', 'entangle:replayed', 'entangle:hello', 'entangle:bound', 'entangle:config']) {
        for (const target of [window, document]) target.addEventListener(type, () => heard.push(type), true);
      }
    });
    top = await waitFor('the demo in the panel', async () => {
      const m = await model(panel);
      const realm = m.realms.find((r) => r.kind === 'top' && r.url?.startsWith(server.originA));
      return realm && m.messages.some((x) => x.fromRealm === realm.id && x.route === 'port' && (x.preview as { $t?: string })?.$t === 'map') ? realm : undefined;
    });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  const mapMessage = async (): Promise<Msg> => (await model(panel)).messages.find((x) => x.fromRealm === top.id && x.route === 'port' && (x.preview as { $t?: string })?.$t === 'map' && x.replayOf === undefined)!;

  it('replays a port message into the cross-origin iframe, received by its own listener and shown as a replay', async () => {
    const original = await mapMessage();
    const before = await counters();
    await pressReplay(panel, original.id);
    await waitFor('the replay sent', async () => /^Sent again as /.test(await replayStatus(panel)));
    await waitFor('the page received it', async () => (await counters()).echoes === before.echoes + 1);
    const replay = await waitFor('the replay in the log', async () => (await model(panel)).messages.find((x) => x.replayOf === original.id));
    expect(replay).toMatchObject({ route: 'port', fromRealm: top.id, status: 'delivered' });
    // Its row (brought into view by selecting it) carries the ↻ mark, and the inspector says of what.
    await select(panel, replay.id);
    // (By its label: the accessibility tree Chromium builds for the grid does not list the mark.)
    await panel.waitForSelector(`[data-testid="timeline-row"] [role="img"][aria-label="replay of ${original.id}"]`);
    await panel.waitForSelector(aria('button', `↻ ${original.id}`));
  });

  it('replays a window message into the cross-origin iframe from the top page, with the receiver as targetOrigin', async () => {
    // (The demo's own button, clicked from the page: its tab is behind the panel's.)
    await page.evaluate(() => document.getElementById('send-note')!.click());
    const note = await waitFor('the note in the log', async () => (await model(panel)).messages.find((x) => x.route === 'window' && typeOf(x.preview) === 'note' && x.replayOf === undefined));
    expect(note.fromRealm).toBe(top.id);
    const before = await counters();
    await select(panel, note.id);
    await panel.locator(aria('button', 'Replay message')).click();
    await waitFor('the replay sent', async () => (await replayStatus(panel)) === 'Sent again.');
    await waitFor('the page received it', async () => (await counters()).notes === before.notes + 1);
    const replay = await waitFor('the replay in the log', async () => (await model(panel)).messages.find((x) => x.replayOf === note.id));
    expect(replay).toMatchObject({ route: 'window', fromRealm: top.id, toRealm: note.toRealm, replayOf: note.id });
    expect(replay.id).not.toBe(note.id);
    // Its receipt in the iframe (the counter above) is in the log: delivered.
    const delivered = await waitFor('the replay delivered', async () => (await model(panel)).messages.find((x) => x.id === replay.id && x.status === 'delivered'));
    expect(delivered).toMatchObject({ route: 'window', toRealm: note.toRealm, replayOf: note.id });
    // Shown as a replay: the ↻ mark on its row, and the inspector says of what.
    expect(await replayMark(panel, replay.id, note.id)).toBe('↻');
    await panel.waitForSelector(aria('button', `↻ ${note.id}`));
  });

  it('edits a Map payload and replays it; bad text is refused with its position', async () => {
    const original = await mapMessage();
    await select(panel, original.id);
    await panel.locator(aria('button', 'Edit and replay')).click();
    const box = aria('textbox', 'Payload to send');
    await panel.waitForSelector(box);
    expect(await panel.$eval(box, (el) => (el as HTMLTextAreaElement).value)).toMatch(/^Map\(\[\["answer", 42\]\]\)$/);
    const setText = (text: string) =>
      panel.$eval(
        box,
        (el, text) => {
          const area = el as HTMLTextAreaElement;
          Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(area, text);
          area.dispatchEvent(new Event('input', { bubbles: true }));
        },
        text,
      );
    await setText('Map([["answer", 42], ["again"');
    await panel.locator(aria('button', 'Send edited payload')).click();
    expect(await panel.$eval('[role="alert"]', (el) => el.textContent ?? '')).toMatch(/^line 1, column \d+: /);
    const before = await counters();
    await setText('Map([["answer", 42], ["again", true]])');
    await panel.locator(aria('button', 'Send edited payload')).click();
    await waitFor('the page received it', async () => (await counters()).echoes === before.echoes + 1);
    expect(await cross.evaluate(() => document.getElementById('frame-log')!.textContent)).toContain('echo Map(2)');
    const replays = await waitFor('the edited replay in the log', async () => {
      const found = (await model(panel)).messages.filter((x) => x.replayOf === original.id && (x.preview as { size?: number })?.size === 2);
      return found.length > 0 ? found : undefined;
    });
    expect(replays[0]).toMatchObject({ route: 'port', status: 'delivered' });
  });

  it('refuses, with its reason, a payload that was not captured whole', async () => {
    const big = (await model(panel)).messages.find((x) => x.route === 'port' && typeOf(x.preview) === 'big')!;
    expect(big).toBeDefined();
    await select(panel, big.id);
    const button = await panel.waitForSelector(aria('button', 'Replay message'));
    expect(await button!.evaluate((el) => (el as HTMLButtonElement).disabled)).toBe(true);
    expect(await button!.evaluate((el) => (el as HTMLButtonElement).title)).toMatch(/not captured whole: a string was recorded only in part/);
  });

  it('replays a worker message: the worker\'s own listener answers it, and it is shown as a replay', async () => {
    const ping = (await model(panel)).messages.find((x) => x.route === 'worker' && x.fromRealm === top.id && typeOf(x.preview) === 'ping' && entryOf(x.preview, 'n') === 1 && x.replayOf === undefined)!;
    expect(ping).toBeDefined();
    const pongs = async (): Promise<number> => (await model(panel)).messages.filter((x) => x.route === 'worker' && x.toRealm === top.id && typeOf(x.preview) === 'pong' && entryOf(x.preview, 'n') === 1 && entryOf(x.preview, 'via') === undefined).length;
    const before = await pongs();
    await select(panel, ping.id);
    await panel.locator(aria('button', 'Replay message')).click();
    await waitFor('the replay sent', async () => /^Sent again as /.test(await replayStatus(panel)));
    // The demo worker's own onmessage answered the replayed ping with a pong, which the page's own listener got.
    await waitFor('the worker answered', async () => (await pongs()) === before + 1);
    const replay = await waitFor('the replay in the log', async () => (await model(panel)).messages.find((x) => x.replayOf === ping.id));
    expect(replay).toMatchObject({ route: 'worker', fromRealm: top.id });
    await select(panel, replay.id);
    await panel.waitForSelector(`[data-testid="timeline-row"] [role="img"][aria-label="replay of ${ping.id}"]`);
  });

  it('replays a broadcast: the same-origin iframe\'s own listener answers it, and it is shown as a replay', async () => {
    // A channel of the page's that stays open (the demo closes its own after each run), and the
    // answers of the iframe's listener it hears.
    await page.evaluate(() => {
      const w = window as unknown as { __bc: BroadcastChannel; __bcAnswers: number };
      w.__bcAnswers = 0;
      w.__bc = new BroadcastChannel('entangle-demo');
      w.__bc.onmessage = (e: MessageEvent) => {
        if ((e.data as { type?: string; run?: number })?.type === 'bc-from-same' && (e.data as { run?: number }).run === 99) w.__bcAnswers++;
      };
      w.__bc.postMessage({ type: 'bc-from-top', run: 99 });
    });
    const answers = (): Promise<number> => page.evaluate(() => (window as unknown as { __bcAnswers: number }).__bcAnswers);
    await waitFor('the iframe answered the first broadcast', async () => (await answers()) === 1);
    const original = await waitFor('the broadcast in the log', async () => (await model(panel)).messages.find((x) => x.route === 'broadcast' && x.fromRealm === top.id && typeOf(x.preview) === 'bc-from-top' && entryOf(x.preview, 'run') === 99 && x.replayOf === undefined));
    await pressReplay(panel, original.id);
    await waitFor('the replay sent', async () => /^Sent again as /.test(await replayStatus(panel)));
    await waitFor('the iframe answered the replay', async () => (await answers()) === 2);
    const replay = await waitFor('the replay in the log', async () => (await model(panel)).messages.find((x) => x.replayOf === original.id));
    expect(replay).toMatchObject({ route: 'broadcast', fromRealm: top.id, replayOf: original.id });
    expect(replay.id).not.toBe(original.id);
    // Its receipt in the same-origin iframe (whose listener answered it) is in the log: a delivery.
    const same = (await model(panel)).realms.find((r) => r.kind === 'iframe' && r.url?.includes('frame-same.html'))!;
    expect(same).toBeDefined();
    const delivered = await waitFor('the replay delivered to the iframe', async () => (await model(panel)).messages.find((x) => x.id === replay.id && x.deliveries?.some((d) => d.toRealm === same.id && d.failed !== true)));
    expect(delivered.deliveries!.length).toBeGreaterThanOrEqual(1);
    // Shown as a replay: the ↻ mark on its row, and the inspector says of what.
    expect(await replayMark(panel, replay.id, original.id)).toBe('↻');
    await panel.waitForSelector(aria('button', `↻ ${original.id}`));
  });

  it('replays a selection of 3 in their recorded order, whatever order they were picked in', async () => {
    const m = await model(panel);
    const sent = (pick: (p: { $t?: string; kind?: string }) => boolean) => m.messages.find((x) => x.route === 'port' && x.fromRealm === top.id && x.replayOf === undefined && pick((x.preview ?? {}) as { $t?: string; kind?: string }))!;
    const map = sent((p) => p.$t === 'map');
    const date = sent((p) => p.$t === 'date');
    const typed = sent((p) => p.$t === 'typedarray' && p.kind === 'Uint16Array');
    expect([map, date, typed].every((x) => x !== undefined)).toBe(true);
    const before = await counters();
    // Picked last first: with Ctrl held on the rows in view, as a user would (Ctrl/Shift-click itself
    // is unit-tested in panel/timeline/Timeline.test.tsx).
    await select(panel, typed.id);
    for (const x of [map, date]) {
      const row = await panel.$(`[data-testid="timeline-row"][data-id="${x.id}"]`);
      if (row) {
        await panel.keyboard.down('Control');
        await row.click();
        await panel.keyboard.up('Control');
      } else {
        await toggle(panel, x.id); // scrolled out of the virtualized grid
      }
    }
    await panel.waitForSelector(aria('heading', '3 messages selected'));
    await panel.locator(aria('combobox', 'Replay pace')).fill('b2b');
    await panel.locator(aria('button', 'Replay selection')).click();
    await waitFor('the sequence sent', async () => (await selectionStatus(panel)) === 'Sent 3 of 3.');
    await waitFor('the iframe echoed all three', async () => (await counters()).echoes === before.echoes + 3);
    // The iframe's own log, in the order its listener ran.
    const lines = await cross.evaluate(() => [...document.querySelectorAll('#frame-log li')].map((li) => li.textContent ?? ''));
    expect(lines.slice(-3)).toEqual(['echo Map(1)', 'echo Date', 'echo Uint16Array(3)']);
    const replays = await waitFor('the replays in the log', async () => {
      const found = (await model(panel)).messages.filter((x) => [map.id, date.id, typed.id].includes(x.replayOf ?? '') && x.status === 'delivered');
      return found.length >= 3 ? found : undefined;
    });
    expect(replays.slice(-3).map((x) => x.replayOf)).toEqual([map.id, date.id, typed.id]);
  });

  it('refuses, with its reason, a message whose port moved away; and a selection that holds it', async () => {
    await page.evaluate(() => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {};
      port2.postMessage({ type: 'before-move' });
      const same = document.querySelector<HTMLIFrameElement>('iframe[src*="frame-same"]')!;
      // The iframe's own listener greets on a port it is given: that traffic is what tells the
      // correlator which port moved (docs/correlation.md, "Ports that arrive without a recorded send").
      same.contentWindow!.postMessage({ type: 'connect' }, location.origin, [port2]);
      (window as unknown as { __keep: unknown }).__keep = port1;
    });
    const moved = await waitFor('the send in the log', async () => (await model(panel)).messages.find((x) => x.route === 'port' && typeOf(x.preview) === 'before-move'));
    await select(panel, moved.id);
    const reason = /the sending port moved away to another realm/;
    // (Once the log holds the port's arrival in the iframe.)
    const title = (): Promise<string> => panel.$eval(aria('button', 'Replay message'), (el) => ((el as HTMLButtonElement).disabled ? (el as HTMLButtonElement).title : 'enabled'));
    await waitFor('the replay refused', async () => reason.test(await title())).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; the button says: ${await title()}; ${JSON.stringify(moved)}`);
    });
    expect(await panel.$eval('section[aria-label="send again"]', (el) => el.textContent ?? '')).toMatch(reason);
    await toggle(panel, (await mapMessage()).id);
    const button = await panel.waitForSelector(aria('button', 'Replay selection'));
    expect(await button!.evaluate((el) => (el as HTMLButtonElement).disabled)).toBe(true);
    expect(await button!.evaluate((el) => (el as HTMLButtonElement).title)).toBe(`Cannot replay ${moved.id}: the sending port moved away to another realm`);
  });

  it("the recorder refuses, by what it knows, a port it saw carried away, when asked past the panel's check", async () => {
    // Carried by a recorded send (a port's postMessage; a window.postMessage's transfer the recorder
    // cannot see: docs/recording.md), to a port of the same realm.
    await page.evaluate(() => {
      const carrier = new MessageChannel();
      const carried = new MessageChannel();
      carrier.port2.onmessage = () => {};
      carried.port1.onmessage = () => {};
      carried.port2.postMessage({ type: 'before-carry' });
      carrier.port1.postMessage({ type: 'carry' }, [carried.port2]);
      (window as unknown as { __carried: unknown }).__carried = [carrier, carried];
    });
    const sent = await waitFor('the send in the log', async () => (await model(panel)).messages.find((x) => x.route === 'port' && typeOf(x.preview) === 'before-carry'));
    await waitFor('the carrying send in the log', async () => (await model(panel)).messages.some((x) => x.route === 'port' && typeOf(x.preview) === 'carry'));
    // Asked by the panel page's own runtime messaging, as its transport asks.
    const answer = await panel.evaluate(
      async (id: string, realmId: string) => {
        const m = (window as unknown as { __entangle: { store: { getState(): { model(): { realms: { id: string; tabId?: number; frameId?: number }[] } } } } }).__entangle.store.getState().model();
        const realm = m.realms.find((r) => r.id === realmId)!;
        const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime;
        const payload = { $t: 'object', entries: [['type', 'after-carry']] };
        return runtime.sendMessage({ kind: 'replayRequested', tabId: realm.tabId, frameId: realm.frameId, realm: realmId, original: id, route: 'port', payload });
      },
      sent.id,
      sent.fromRealm!,
    );
    expect(answer).toEqual({ outcome: 'refused', reason: 'the sending port was transferred away' });
  });

  it('posts nothing for a page that forges commands, and lets it hear nothing of a real replay', async () => {
    // During the real replays above the page heard no event of the channel.
    expect(await page.evaluate(() => (window as unknown as { __heard: string[] }).__heard)).toEqual([]);
    const original = await mapMessage();
    const seq = Number(original.id.slice(original.id.lastIndexOf('#') + 1));
    const replaysBefore = (await model(panel)).messages.filter((x) => x.replayOf !== undefined).length;
    const got = await page.evaluate(
      async (realm: string, seq: number) => {
        // The page's own channel, with a send of its own to aim at.
        const { port1, port2 } = new MessageChannel();
        let received = 0;
        port2.onmessage = () => received++;
        port1.postMessage('own');
        await new Promise((r) => setTimeout(r, 100));
        const commands = [
          { do: 'replay', original: `${realm}#${seq}`, route: 'port', payload: 'forged' },
          { kind: 'replay', realm, original: `${realm}#${seq}`, route: 'port', payload: 'forged' },
        ];
        const names = ['entangle:replay', 'entangle:hello', 'entangle:config', 'entangle:batch', 'load'];
        const fakeRelay = document.createElement('entangle-relay');
        const fakeRecorder = document.createElement('entangle-recorder');
        for (const command of commands) {
          const detail = JSON.stringify(command);
          for (const target of [window, document, document.documentElement, fakeRelay, fakeRecorder, ...document.querySelectorAll('*')]) {
            for (const name of names) {
              target.dispatchEvent(new CustomEvent(name, { detail }));
              target.dispatchEvent(new MouseEvent(name, { relatedTarget: fakeRelay }));
              target.dispatchEvent(new MouseEvent(name, { relatedTarget: fakeRecorder }));
            }
          }
          window.postMessage(command, '*');
          port1.postMessage({ ...command, sneaky: true });
        }
        // Whatever a page can reach: globals with the extension's name.
        const reachable = Object.getOwnPropertyNames(window).filter((k) => /entangle|replay/i.test(k) && k !== '__heard' && k !== 'ENTANGLE_DEMO');
        await new Promise((r) => setTimeout(r, 500));
        return { received, reachable };
      },
      top.id,
      seq,
    );
    // Its own send, and its two forged payloads sent by itself on its own port: nothing more.
    expect(got).toEqual({ received: 3, reachable: [] });
    // The page's own three sends are in the log (so the recording went on), and no replay among them.
    await waitFor('the page\'s own sends in the log', async () => (await model(panel)).messages.filter((x) => x.fromRealm === top.id && typeOf(x.preview) === undefined && x.route === 'port' && x.status === 'delivered').length >= 3);
    expect((await model(panel)).messages.filter((x) => x.replayOf !== undefined).length).toBe(replaysBefore);
  });
});
