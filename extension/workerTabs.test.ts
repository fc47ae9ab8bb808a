/**
 * When the background attaches to a tab's workers and when it lets go (issue 13), against a
 * recording of the debugger calls; the real browser's side is test/browser/workers.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { encodeEnvelope } from '../model/bridge';
import type { BackgroundToPanel } from '../model/relay';
import type { DebuggeeSession, DebuggerApi } from './workerDebugger';
import { WorkerTabs, type StoppedRecord } from './workerTabs';

const TAB = 7;
const A = 'https://a.test';
type Listener = (source: DebuggeeSession, method: string, params?: unknown) => void;
type DetachListener = (source: DebuggeeSession, reason: string) => void;

function fakeBrowser({ attachError }: { attachError?: string } = {}) {
  const calls: string[] = [];
  const listeners = new Set<Listener>();
  const detachListeners = new Set<DetachListener>();
  const api: DebuggerApi = {
    attach: async (t) => {
      calls.push(`attach ${t.tabId}`);
      if (attachError) throw new Error(attachError);
    },
    detach: async (t) => void calls.push(`detach ${t.tabId}`),
    sendCommand: async (s, method) => {
      // (The log of the tab, for dropped window messages, is workerDebugger.test.ts's.)
      if (s.sessionId === undefined && method !== 'Log.enable') calls.push(`tab ${method}`);
      return {};
    },
    onEvent: { addListener: (fn) => listeners.add(fn), removeListener: (fn) => listeners.delete(fn) },
    onDetach: { addListener: (fn) => detachListeners.add(fn), removeListener: (fn) => detachListeners.delete(fn) },
  };
  const emit = (sessionId: string | undefined, method: string, params: unknown): void => {
    for (const l of listeners) l({ tabId: TAB, ...(sessionId ? { sessionId } : {}) }, method, params);
  };
  const detachedByBrowser = (reason: string): void => {
    for (const l of detachListeners) l({ tabId: TAB }, reason);
  };
  return { api, calls, emit, detachedByBrowser };
}

function background(api: DebuggerApi | null, { url = `${A}/page.html`, stored = {} as unknown } = {}) {
  const panels = new Map<number, number>();
  const told: BackgroundToPanel[] = [];
  const saved: [string, boolean][] = [];
  let stoppedRecord: StoppedRecord = {};
  const tabs = new WorkerTabs({
    api,
    recorder: async () => ({ bundle: 'void 0' }),
    saveSetting: async (origin, on) => void saved.push([origin, on]),
    topUrl: async () => url,
    hasPanels: (tabId) => (panels.get(tabId) ?? 0) > 0,
    toSessionPanels: (_, m) => void told.push(m),
    toTabPanels: (_, m) => void told.push(m),
    opener: () => undefined,
    stoppedArea: { load: async () => stored, save: (v) => void (stoppedRecord = v) },
  });
  const subscribe = async (have: Record<string, number> = {}): Promise<BackgroundToPanel[]> => {
    panels.set(TAB, (panels.get(TAB) ?? 0) + 1);
    const own: BackgroundToPanel[] = [];
    await tabs.panelSubscribed(TAB, (m) => void own.push(m), have);
    await tabs.settled();
    return own;
  };
  const unsubscribe = async (): Promise<void> => {
    panels.set(TAB, (panels.get(TAB) ?? 1) - 1);
    tabs.panelsChanged(TAB);
    await tabs.settled();
  };
  return { tabs, told, saved, subscribe, unsubscribe, stopped: () => stoppedRecord };
}

const attached = (sessionId: string, url: string) => ({ sessionId, targetInfo: { targetId: `t-${sessionId}`, type: 'worker', url }, waitingForDebugger: true });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('recording inside a tab’s workers', () => {
  it('does not attach while the setting is off, and says so', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set(['https://other.test']));
    const own = await bg.subscribe();
    expect(b.calls).toEqual([]);
    expect(own).toEqual([{ kind: 'workers', state: { status: 'off', origin: A, on: false, recorded: 0, unrecorded: [] } }]);
  });

  it('attaches while a panel is subscribed and the setting is on for the top origin, and detaches when the last panel goes', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    await bg.subscribe();
    expect(b.calls).toEqual([`attach ${TAB}`, 'tab Target.setAutoAttach']);
    expect(bg.tabs.state(TAB)).toMatchObject({ status: 'recording', on: true });
    await bg.unsubscribe();
    expect(b.calls.at(-1)).toBe('tab Target.setAutoAttach');
    await bg.unsubscribe();
    expect(b.calls.at(-1)).toBe(`detach ${TAB}`);
  });

  it('attaches when the panel switches it on (and remembers it for the origin), detaches when switched off', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    await bg.subscribe();
    await bg.tabs.setOn(TAB, true);
    await bg.tabs.settled();
    expect(b.calls).toEqual([`attach ${TAB}`, 'tab Target.setAutoAttach']);
    expect(bg.told.at(-1)).toMatchObject({ kind: 'workers', state: { status: 'recording', on: true } });
    await bg.tabs.setOn(TAB, false);
    await bg.tabs.settled();
    expect(b.calls.at(-1)).toBe(`detach ${TAB}`);
    expect(bg.saved).toEqual([
      [A, true],
      [A, false],
    ]);
    expect(bg.told.at(-1)).toMatchObject({ kind: 'workers', state: { status: 'off', on: false } });
  });

  it('follows the top document: detaches for an origin where it is off, attaches before the load of one where it is on', async () => {
    const b = fakeBrowser();
    const bg = background(b.api, { url: 'about:blank' });
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    expect(b.calls).toEqual([]);
    bg.tabs.topNavigating(TAB, `${A}/next.html`);
    await bg.tabs.settled();
    expect(b.calls).toEqual([`attach ${TAB}`, 'tab Target.setAutoAttach']);
    bg.tabs.topCommitted(TAB, `${A}/next.html`);
    bg.tabs.topCommitted(TAB, 'https://b.test/');
    await bg.tabs.settled();
    expect(b.calls.at(-1)).toBe(`detach ${TAB}`);
    expect(bg.tabs.state(TAB)).toMatchObject({ status: 'off', origin: 'https://b.test', on: false });
  });

  it('reports an attachment the browser ended as stopped, with the reason, and does not attach again by itself', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    b.detachedByBrowser('canceled_by_user');
    await settle();
    await bg.tabs.settled();
    expect(bg.told.at(-1)).toEqual({ kind: 'workers', state: { status: 'stopped', reason: 'canceled_by_user', origin: A, on: true, recorded: 0, unrecorded: [] } });
    expect(bg.stopped()).toEqual({ [TAB]: { origin: A, reason: 'canceled_by_user' } });
    // A panel subscribing again, the setting read again: still stopped.
    await bg.unsubscribe();
    await bg.subscribe();
    bg.tabs.settingChanged(new Set([A]));
    await bg.tabs.settled();
    expect(b.calls.filter((c) => c.startsWith('attach'))).toHaveLength(1);
    // The user switches it off and on: it attaches again.
    await bg.tabs.setOn(TAB, false);
    await bg.tabs.setOn(TAB, true);
    await bg.tabs.settled();
    expect(b.calls.filter((c) => c.startsWith('attach'))).toHaveLength(2);
    expect(bg.tabs.state(TAB)).toMatchObject({ status: 'recording' });
  });

  it('stays stopped after a restart of the background (the stopped state is kept)', async () => {
    const b = fakeBrowser();
    const bg = background(b.api, { stored: { [TAB]: { origin: A, reason: 'canceled_by_user' } } });
    bg.tabs.settingChanged(new Set([A]));
    const own = await bg.subscribe();
    expect(b.calls).toEqual([]);
    expect(own[0]).toMatchObject({ state: { status: 'stopped', reason: 'canceled_by_user' } });
  });

  it('says why it could not attach, as stopped', async () => {
    const b = fakeBrowser({ attachError: 'Cannot access a chrome:// URL' });
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    expect(bg.tabs.state(TAB)).toMatchObject({ status: 'stopped', reason: 'could not attach: Cannot access a chrome:// URL' });
  });

  it('is unavailable without a debugging API, and never attaches', async () => {
    const bg = background(null);
    bg.tabs.settingChanged(new Set([A]));
    expect(await bg.subscribe()).toEqual([{ kind: 'workers', state: { status: 'unavailable' } }]);
  });

  it('routes the workers’ batches to the panels, gives a panel subscribing again what it lacks, and says when a worker is gone', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    b.emit(undefined, 'Target.attachedToTarget', attached('s1', `${A}/w.js`));
    await settle();
    b.emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    await settle();
    const binding = (bg.tabs as unknown as { tabs: Map<number, { recording: { binding: string } }> }).tabs.get(TAB)!.recording.binding;
    for (const [first, last] of [
      [1, 2],
      [3, 5],
    ]) b.emit('s1', 'Runtime.bindingCalled', { name: binding, payload: encodeEnvelope('w1', first!, last!, '{}') });
    const batches = bg.told.filter((m) => m.kind === 'batch');
    expect(batches.map((m) => m.kind === 'batch' && [m.routed.frameId, m.routed.worker, m.routed.first])).toEqual([
      [-1, { target: 't-s1', type: 'worker', url: `${A}/w.js` }, 1],
      [-1, { target: 't-s1', type: 'worker', url: `${A}/w.js` }, 3],
    ]);
    expect(bg.tabs.state(TAB)).toMatchObject({ recorded: 1 });
    const again = await bg.subscribe({ w1: 2 });
    expect(again.filter((m) => m.kind === 'batch').map((m) => m.kind === 'batch' && m.routed.first)).toEqual([3]);
    b.emit(undefined, 'Target.detachedFromTarget', { sessionId: 's1' });
    expect(bg.told.at(-1)).toEqual({ kind: 'workerGone', realm: 'w1', target: 't-s1' });
    // A gone worker's batches stay for panels that come later, with its end.
    const late = await bg.subscribe();
    expect(late.map((m) => m.kind)).toEqual(['workers', 'batch', 'batch', 'workerGone']);
  });

  const dropText = (wrong: string) => `Failed to execute 'postMessage' on 'DOMWindow': The target origin provided ('${wrong}') does not match the recipient window's origin ('${A}').`;
  const dropEntry = (wrong: string, timestamp: number) => ({ entry: { source: 'security', level: 'warning', text: dropText(wrong), timestamp, url: `${A}/page.html`, lineNumber: 4 } });
  const routedOf = (told: BackgroundToPanel[]) => told.flatMap((m) => (m.kind === 'batch' ? [m.routed] : []));
  const eventsOf = (told: BackgroundToPanel[]) => routedOf(told).flatMap((r) => (JSON.parse(r.json) as { events: { seq: number; targetOrigin: string; t: number }[] }).events);

  it("routes the browser's reports of dropped window messages as a reporter's batches, again to a panel that lacks them, and anew for a new page", async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000));
    b.emit(undefined, 'Log.entryAdded', { entry: { source: 'network', level: 'error', text: 'Failed to load resource', timestamp: 1_001 } });
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://y.test', 1_002));
    // Reports close together: one batch.
    const routed = await vi.waitFor(() => {
      const r = routedOf(bg.told);
      expect(r).toHaveLength(1);
      return r;
    });
    expect(routed.map((r) => [r.frameId, r.worker, r.first, r.last])).toEqual([[-1, undefined, 1, 2]]);
    const reporter = routed[0]!.realm;
    expect(reporter).toMatch(/^browser-/);
    expect(JSON.parse(routed[0]!.json)).toEqual({
      v: 1,
      realm: reporter,
      events: [
        { type: 'windowMessageDropped', seq: 1, t: 1_000, targetOrigin: 'https://x.test', recipientOrigin: A, url: `${A}/page.html`, line: 5 },
        { type: 'windowMessageDropped', seq: 2, t: 1_002, targetOrigin: 'https://y.test', recipientOrigin: A, url: `${A}/page.html`, line: 5 },
      ],
    });
    const again = await bg.subscribe({ [reporter]: 1 });
    expect(again.flatMap((m) => (m.kind === 'batch' ? [[m.routed.realm, m.routed.first, m.routed.last]] : []))).toEqual([[reporter, 1, 2]]);
    // One still waiting when the new page commits goes out at once, the old page's reporter's last.
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://w.test', 1_450));
    bg.tabs.topCommitted(TAB, `${A}/next.html`, 1_500);
    expect(routedOf(bg.told).map((r) => [r.realm, r.first, r.last])).toEqual([
      [reporter, 1, 2],
      [reporter, 3, 3],
    ]);
    // A report of the old page that arrives after the commit is the old page's: not the new reporter's start.
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://z.test', 1_400));
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://z.test', 2_000));
    const next = await vi.waitFor(() => {
      const r = routedOf(bg.told);
      expect(r).toHaveLength(3);
      return r[2]!;
    });
    expect([next.realm !== reporter, next.first, next.last]).toEqual([true, 1, 1]);
  });

  it('a burst of drops is a few batches, numbered without a hole; one that waits goes out when the tab closes', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    for (let i = 0; i < 1_200; i++) b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000 + i));
    // (FLUSH_AT reports make a batch at once; the rest wait for the timer, or for the tab to close.)
    bg.tabs.tabClosed(TAB);
    const routed = routedOf(bg.told);
    expect(routed.map((r) => [r.first, r.last])).toEqual([
      [1, 512],
      [513, 1_024],
      [1_025, 1_200],
    ]);
    expect(eventsOf(bg.told).map((e) => e.seq)).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 1));
  });

  it('the entries the browser hands again when it attaches again are not reported again; new ones are, even when they say the same', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    b.emit(undefined, 'Target.attachedToTarget', { sessionId: 'f1', targetInfo: { targetId: 'frame-1', type: 'iframe', url: `${A}/frame.html` }, waitingForDebugger: false });
    // Two real drops at one instant from one call site, and one in an out-of-process frame.
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000));
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000));
    b.emit('f1', 'Log.entryAdded', dropEntry('https://f.test', 1_001));
    await vi.waitFor(() => expect(eventsOf(bg.told)).toHaveLength(3));
    // Off and on again: the tab's log and the frame's hand everything again, then something new.
    await bg.tabs.setOn(TAB, false);
    await bg.tabs.settled();
    await bg.tabs.setOn(TAB, true);
    await bg.tabs.settled();
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000));
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000));
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://y.test', 3_000));
    b.emit(undefined, 'Target.attachedToTarget', { sessionId: 'f2', targetInfo: { targetId: 'frame-1', type: 'iframe', url: `${A}/frame.html` }, waitingForDebugger: false });
    b.emit('f2', 'Log.entryAdded', dropEntry('https://f.test', 1_001));
    // The same frame attached again within the attachment (a new session): its log hands it again too.
    b.emit(undefined, 'Target.attachedToTarget', { sessionId: 'f3', targetInfo: { targetId: 'frame-1', type: 'iframe', url: `${A}/frame.html` }, waitingForDebugger: false });
    b.emit('f3', 'Log.entryAdded', dropEntry('https://f.test', 1_001));
    b.emit(undefined, 'Log.entryAdded', dropEntry('https://x.test', 1_000));
    await vi.waitFor(() => expect(eventsOf(bg.told)).toHaveLength(5));
    expect(eventsOf(bg.told).map((e) => [e.seq, e.targetOrigin, e.t])).toEqual([
      [1, 'https://x.test', 1_000],
      [2, 'https://x.test', 1_000],
      [3, 'https://f.test', 1_001],
      [4, 'https://y.test', 3_000],
      [5, 'https://x.test', 1_000],
    ]);
    expect(new Set(routedOf(bg.told).map((r) => r.realm)).size).toBe(1);
  });

  it('detaches when the tab closes', async () => {
    const b = fakeBrowser();
    const bg = background(b.api);
    bg.tabs.settingChanged(new Set([A]));
    await bg.subscribe();
    bg.tabs.tabClosed(TAB);
    await settle();
    await settle();
    expect(b.calls.at(-1)).toBe(`detach ${TAB}`);
  });
});
