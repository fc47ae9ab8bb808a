/**
 * The worker attachment's protocol sequence (docs/recording.md, "Running the recorder inside
 * workers"): what is sent to whom and when, against a recording of the calls. Whether the browser
 * then runs the recorder is for the real-browser tests.
 */
import { describe, expect, it } from 'vitest';
import { TabWorkerRecording, bindingName, recorderExpression, type DebuggeeSession, type DebuggerApi, type WorkerTarget } from './workerDebugger';

type Listener = (source: DebuggeeSession, method: string, params?: unknown) => void;
type DetachListener = (source: DebuggeeSession, reason: string) => void;

const TAB = 7;

/** chrome.debugger as a log of calls; the test plays the browser's events. */
function recordedApi(answer: (method: string, session: DebuggeeSession) => unknown = () => ({})) {
  const calls: string[] = [];
  const listeners = new Set<Listener>();
  const detachListeners = new Set<DetachListener>();
  const api: DebuggerApi = {
    attach: async (t) => void calls.push(`attach ${t.tabId}`),
    detach: async (t) => void calls.push(`detach ${t.tabId}`),
    sendCommand: async (s, method, params) => {
      calls.push(`${s.sessionId ?? 'tab'} ${method}${params && 'instrumentation' in params ? ` ${String(params.instrumentation)}` : ''}`);
      const a = answer(method, s);
      if (a instanceof Error) throw a;
      return a;
    },
    onEvent: { addListener: (fn) => listeners.add(fn), removeListener: (fn) => listeners.delete(fn) },
    onDetach: { addListener: (fn) => detachListeners.add(fn), removeListener: (fn) => detachListeners.delete(fn) },
  };
  const emit = (sessionId: string | undefined, method: string, params: unknown): void => {
    for (const l of listeners) l({ tabId: TAB, ...(sessionId ? { sessionId } : {}) }, method, params);
  };
  return { api, calls, emit, listeners, detachListeners };
}

function recording(api: DebuggerApi) {
  const seen: string[] = [];
  const batches: [WorkerTarget, string][] = [];
  const r = new TabWorkerRecording(TAB, api, async () => ({ bundle: 'void 0' }), {
    workerRecorded: (t) => seen.push(`recorded ${t.url}`),
    workerUnrecorded: (t, why) => seen.push(`unrecorded ${t.url}: ${why}`),
    batch: (t, e) => batches.push([t, e]),
    workerGone: (t) => seen.push(`gone ${t.url}`),
    windowMessageDropped: (report) => seen.push(`dropped ${report.targetOrigin} → ${report.recipientOrigin}`),
    ended: (why) => seen.push(`ended ${why}`),
  });
  return { r, seen, batches };
}

const attached = (sessionId: string, type: string, url: string) => ({ sessionId, targetInfo: { targetId: `t-${sessionId}`, type, url }, waitingForDebugger: true });
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A new service worker `s1` at https://a.test/sw.js, attached and paused at its start, the recorder's
 *  commands answered. */
async function swAtItsPause(emit: (sessionId: string | undefined, method: string, params: unknown) => void): Promise<void> {
  emit(undefined, 'Target.attachedToTarget', attached('s1', 'service_worker', 'https://a.test/sw.js'));
  await settle();
  emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
  await settle();
  await settle();
}

describe('TabWorkerRecording', () => {
  it('attaches to the tab, asks for its workers paused at start, and reads its log', async () => {
    const { api, calls } = recordedApi();
    await recording(api).r.start();
    expect(calls).toEqual([`attach ${TAB}`, 'tab Target.setAutoAttach', 'tab Log.enable']);
  });

  it('reads the log of an out-of-process frame too, and reports a window message dropped for its targetOrigin from the tab or a frame only', async () => {
    const { api, calls, emit } = recordedApi();
    const { r, seen } = recording(api);
    await r.start();
    calls.length = 0;
    emit(undefined, 'Target.attachedToTarget', attached('f1', 'iframe', 'https://b.test/frame.html'));
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'worker', 'https://a.test/w.js'));
    await settle();
    expect(calls.filter((c) => c.startsWith('f1'))).toEqual(['f1 Target.setAutoAttach', 'f1 Log.enable', 'f1 Runtime.runIfWaitingForDebugger']);
    expect(calls.filter((c) => c.endsWith('Log.enable'))).toEqual(['f1 Log.enable']);
    const entry = (wrong: string) => ({
      entry: {
        source: 'security',
        level: 'warning',
        text: `Failed to execute 'postMessage' on 'DOMWindow': The target origin provided ('${wrong}') does not match the recipient window's origin ('https://b.test').`,
        timestamp: 1_000,
      },
    });
    emit(undefined, 'Log.entryAdded', entry('https://tab.test'));
    emit('f1', 'Log.entryAdded', entry('https://frame.test'));
    emit('s1', 'Log.entryAdded', entry('https://worker.test'));
    emit('unknown', 'Log.entryAdded', entry('https://unknown.test'));
    emit(undefined, 'Log.entryAdded', { entry: { source: 'security', level: 'error', text: 'Refused to frame …', timestamp: 1 } });
    expect(seen.filter((s) => s.startsWith('dropped'))).toEqual(['dropped https://tab.test → https://b.test', 'dropped https://frame.test → https://b.test']);
    emit(undefined, 'Target.detachedFromTarget', { sessionId: 'f1' });
    emit('f1', 'Log.entryAdded', entry('https://gone.test'));
    expect(seen.filter((s) => s.startsWith('dropped'))).toHaveLength(2);
  });

  it('stops a new worker before its first statement, not at its start, and lets it run', async () => {
    const { api, calls, emit } = recordedApi();
    const { r } = recording(api);
    await r.start();
    calls.length = 0;
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'worker', 'https://a.test/w.js'));
    await settle();
    // No Runtime.evaluate while the worker waits for the debugger: its global does not exist yet.
    expect(calls).toEqual(['s1 Debugger.enable', 's1 Debugger.setInstrumentationBreakpoint beforeScriptExecution', 's1 Target.setAutoAttach', 's1 Runtime.runIfWaitingForDebugger']);
  });

  it('runs the recorder at the instrumentation pause, then disables the debugger (which resumes the worker)', async () => {
    const { api, calls, emit } = recordedApi();
    const { r, seen } = recording(api);
    await r.start();
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'worker', 'https://a.test/w.js'));
    await settle();
    calls.length = 0;
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    await settle();
    expect(calls).toEqual(['s1 Runtime.addBinding', 's1 Runtime.evaluate', 's1 Debugger.disable']);
    expect(seen).toEqual(['recorded https://a.test/w.js']);
    // A later pause (the page's own `debugger;` cannot be one: the domain is off; anything else) is resumed.
    calls.length = 0;
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    expect(calls).toEqual(['s1 Debugger.resume']);
  });

  it('a service worker stopped and started again while attached is let go and recorded again, as a realm of its own', async () => {
    const { api, calls, emit } = recordedApi();
    const { r, seen } = recording(api);
    await r.start();
    await swAtItsPause(emit);
    expect(seen).toEqual(['recorded https://a.test/sw.js']);
    // Stopped: its realm is gone; the session stays.
    emit('s1', 'Inspector.targetCrashed', {});
    expect(seen.at(-1)).toBe('gone https://a.test/sw.js');
    // Started again: it waits for this session, which must arm it again and let it go.
    calls.length = 0;
    emit('s1', 'Inspector.targetReloadedAfterCrash', {});
    await settle();
    expect(calls).toEqual(['s1 Debugger.enable', 's1 Debugger.setInstrumentationBreakpoint beforeScriptExecution', 's1 Target.setAutoAttach', 's1 Runtime.runIfWaitingForDebugger']);
    calls.length = 0;
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    await settle();
    expect(calls).toEqual(['s1 Runtime.addBinding', 's1 Runtime.evaluate', 's1 Debugger.disable']);
    expect(seen.filter((x) => x.startsWith('recorded'))).toHaveLength(2);
  });

  it('a start whose recorder was still going in when the worker stopped and started again does not touch the new start', async () => {
    let finishEvaluate: () => void = () => undefined;
    let evaluations = 0;
    const { api, calls, emit } = recordedApi((method) => {
      if (method === 'Runtime.evaluate' && ++evaluations === 1) return new Promise((done) => (finishEvaluate = () => done({})));
      // The restart finds the breakpoint still set (the first start never disabled the domain).
      if (method === 'Debugger.setInstrumentationBreakpoint' && evaluations === 1) return new Error('Instrumentation breakpoint is already enabled.');
      return {};
    });
    const { r, seen } = recording(api);
    await r.start();
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'service_worker', 'https://a.test/sw.js'));
    await settle();
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    emit('s1', 'Inspector.targetCrashed', {});
    emit('s1', 'Inspector.targetReloadedAfterCrash', {});
    await settle();
    calls.length = 0;
    // The first start's evaluation answers now: it neither reports nor disables the debugger.
    finishEvaluate();
    await settle();
    await settle();
    expect(calls).toEqual([]);
    // (Gone at the stop and at the new start: the background takes the second as a no-op.)
    expect(seen.filter((x) => !x.startsWith('gone'))).toEqual([]);
    // The new start pauses and is recorded.
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    await settle();
    expect(calls).toEqual(['s1 Runtime.addBinding', 's1 Runtime.evaluate', 's1 Debugger.disable']);
    expect(seen.filter((x) => !x.startsWith('gone'))).toEqual(['recorded https://a.test/sw.js']);
  });

  it('a command that fails after the worker was recorded changes nothing (no second report, nothing resumed)', async () => {
    let reject: (err: Error) => void = () => undefined;
    const { api, calls, emit } = recordedApi((method, session) => (method === 'Target.setAutoAttach' && session.sessionId === 's1' ? new Promise((_, no) => (reject = no)) : {}));
    const { r, seen } = recording(api);
    await r.start();
    await swAtItsPause(emit);
    calls.length = 0;
    reject(new Error('the worker stopped'));
    await settle();
    expect(seen).toEqual(['recorded https://a.test/sw.js']);
    expect(calls).toEqual([]);
  });

  it('lets a frame target go at once, asking only for its own workers (an out-of-process frame starts them) and its log', async () => {
    const { api, calls, emit } = recordedApi();
    await recording(api).r.start();
    calls.length = 0;
    emit(undefined, 'Target.attachedToTarget', attached('f1', 'iframe', 'https://b.test/'));
    await settle();
    expect(calls).toEqual(['f1 Target.setAutoAttach', 'f1 Log.enable', 'f1 Runtime.runIfWaitingForDebugger']);
  });

  it('leaves a worker that was already running unrecorded and undisturbed (no debugger domain in it)', async () => {
    const { api, calls, emit } = recordedApi();
    const { r, seen } = recording(api);
    await r.start();
    calls.length = 0;
    emit(undefined, 'Target.attachedToTarget', { ...attached('s1', 'worker', 'w.js'), waitingForDebugger: false });
    await settle();
    expect(calls).toEqual(['s1 Target.setAutoAttach']);
    expect(seen).toEqual(['unrecorded w.js: it was already running when the recording started']);
  });

  it('names the parent worker of a nested worker, and no parent for a frame’s worker', async () => {
    const { api, emit } = recordedApi();
    const { r, batches } = recording(api);
    await r.start();
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'worker', 'outer.js'));
    emit('s1', 'Target.attachedToTarget', attached('s2', 'worker', 'inner.js'));
    emit(undefined, 'Target.attachedToTarget', attached('f1', 'iframe', 'https://b.test/'));
    emit('f1', 'Target.attachedToTarget', attached('s3', 'worker', 'framed.js'));
    await settle();
    const name = (r as unknown as { binding: string }).binding;
    for (const s of ['s1', 's2', 's3']) emit(s, 'Runtime.bindingCalled', { name, payload: s });
    expect(batches.map(([t]) => [t.url, t.parentTargetId])).toEqual([
      ['outer.js', undefined],
      ['inner.js', 't-s1'],
      ['framed.js', undefined],
    ]);
  });

  it('lets go of the tab when it was stopped while the browser attached', async () => {
    let attachDone!: () => void;
    const a = recordedApi();
    a.api.attach = (t) => new Promise<void>((resolve) => (attachDone = () => (a.calls.push(`attach ${t.tabId}`), resolve())));
    const { r } = recording(a.api);
    const started = r.start();
    await r.stop();
    attachDone();
    await expect(started).rejects.toThrow('stopped while attaching');
    expect(a.calls).toEqual([`attach ${TAB}`, `detach ${TAB}`]);
  });

  it('says when the recorder threw, and the worker still runs', async () => {
    const { api, calls, emit } = recordedApi((m) => (m === 'Runtime.evaluate' ? { exceptionDetails: { text: 'Uncaught', exception: { description: 'TypeError: x' } } } : {}));
    const { r, seen } = recording(api);
    await r.start();
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'worker', 'w.js'));
    await settle();
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    await settle();
    expect(seen).toEqual(['unrecorded w.js: TypeError: x']);
    expect(calls.at(-1)).toBe('s1 Debugger.disable');
  });

  it('passes on batches from its binding in known workers only', async () => {
    const { api, emit } = recordedApi();
    const { r, batches } = recording(api);
    await r.start();
    emit(undefined, 'Target.attachedToTarget', attached('s1', 'service_worker', 'sw.js'));
    await settle();
    emit('s1', 'Debugger.paused', { reason: 'instrumentation' });
    await settle();
    const name = (r as unknown as { binding: string }).binding;
    emit('s1', 'Runtime.bindingCalled', { name, payload: 'envelope-1' });
    emit('s1', 'Runtime.bindingCalled', { name: 'another', payload: 'forged' });
    emit('s9', 'Runtime.bindingCalled', { name, payload: 'unknown session' });
    emit('s1', 'Runtime.bindingCalled', { name, payload: 42 });
    expect(batches.map(([t, e]) => `${t.type} ${e}`)).toEqual(['service_worker envelope-1']);
  });

  it('detaches on stop, and reports a detach it did not ask for (the user cancelled the bar)', async () => {
    const a = recordedApi();
    const one = recording(a.api);
    await one.r.start();
    a.emit(undefined, 'Target.attachedToTarget', attached('s1', 'worker', 'w.js'));
    await settle();
    await one.r.stop();
    expect(a.calls.at(-1)).toBe(`detach ${TAB}`);
    expect(one.seen).toEqual(['gone w.js']);
    expect(a.listeners.size).toBe(0);

    const b = recordedApi();
    const two = recording(b.api);
    await two.r.start();
    for (const l of b.detachListeners) l({ tabId: TAB }, 'canceled_by_user');
    await settle();
    expect(two.seen).toEqual(['ended canceled_by_user']);
    expect(b.calls).not.toContain(`detach ${TAB}`);
  });
});

describe('the recorder expression', () => {
  it('hands the binding name to the bundle without a global', () => {
    const e = recorderExpression('globalThis.out = ENTANGLE_BINDING; globalThis.config = typeof ENTANGLE_CONFIG;', '__entangle_x');
    const g: Record<string, unknown> = {};
    new Function('globalThis', e)(g);
    expect(g).toEqual({ out: '__entangle_x', config: 'undefined' });
  });

  it('hands the recorder settings to the bundle as the JSON text a page recorder gets', () => {
    const config = JSON.stringify({ captureStacks: true, previewsPerSecond: 5 });
    const e = recorderExpression('globalThis.config = JSON.parse(ENTANGLE_CONFIG);', 'b', config);
    const g: Record<string, unknown> = {};
    new Function('globalThis', e)(g);
    expect(g).toEqual({ config: { captureStacks: true, previewsPerSecond: 5 } });
  });

  it('makes binding names no page can guess', () => {
    const names = new Set(Array.from({ length: 100 }, () => bindingName()));
    expect(names.size).toBe(100);
    for (const n of names) expect(n).toMatch(/^__entangle_[0-9a-z]+$/);
  });
});
