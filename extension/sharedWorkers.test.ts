/**
 * The shared-worker attachment's protocol sequence (docs/recording.md, "Shared workers: what the
 * browser allows"), against a recording of chrome.debugger's calls; the test plays the browser.
 */
import { describe, expect, it } from 'vitest';
import { MISSED_START, SharedWorkers, isWorkerScriptRequest, type DebuggerTargetInfo, type ScriptRequest, type SharedWorkerApi, type SharedWorkerClient } from './sharedWorkers';
import type { WorkerTarget } from './workerDebugger';

type Source = { tabId?: number; targetId?: string; sessionId?: string };
type Listener = (source: Source, method: string, params?: unknown) => void;

const URL_ = 'https://a.test/shared.js';
const ID = 'T1';
const sharedTarget: DebuggerTargetInfo = { id: ID, type: 'worker', url: URL_, title: 'hub', attached: false };

function recordedApi(targets: DebuggerTargetInfo[] = [sharedTarget], answer: (method: string) => unknown = () => ({})) {
  const calls: string[] = [];
  const listeners = new Set<Listener>();
  const detachListeners = new Set<(s: Source, reason: string) => void>();
  const api: SharedWorkerApi = {
    attach: async (t) => void calls.push(`attach ${t.targetId}`),
    detach: async (t) => void calls.push(`detach ${t.targetId}`),
    sendCommand: async (t, method, params) => {
      const p = params as { instrumentation?: string; expression?: string } | undefined;
      calls.push(`${t.targetId} ${method}${p?.instrumentation ? ` ${p.instrumentation}` : ''}`);
      const a = answer(method);
      if (a instanceof Error) throw a;
      return a;
    },
    getTargets: async () => targets,
    onEvent: { addListener: (fn) => listeners.add(fn), removeListener: (fn) => listeners.delete(fn) },
    onDetach: { addListener: (fn) => detachListeners.add(fn), removeListener: (fn) => detachListeners.delete(fn) },
  };
  const emit = (method: string, params: unknown = {}): void => {
    for (const l of [...listeners]) l({ targetId: ID }, method, params);
  };
  return { api, calls, emit, listeners, detachListeners };
}

function client(tabId: number) {
  const seen: string[] = [];
  const batches: [WorkerTarget, string][] = [];
  const c: SharedWorkerClient = {
    tabId,
    events: {
      workerRecorded: (t) => seen.push(`recorded ${t.type} ${t.url}`),
      workerUnrecorded: (t, why) => seen.push(`unrecorded ${t.url}: ${why}`),
      batch: (t, e) => batches.push([t, e]),
      workerGone: (t) => seen.push(`gone ${t.url}`),
      ended: (why) => seen.push(`ended ${why}`),
      windowMessageDropped: () => undefined,
    } as SharedWorkerClient['events'],
  };
  return { c, seen, batches };
}

const request = (requestId: string, url = URL_): ScriptRequest => ({ requestId, documentURL: url, loaderId: '', type: 'Script', request: { url } });
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function setUp(targets?: DebuggerTargetInfo[], answer?: (method: string) => unknown) {
  const r = recordedApi(targets, answer);
  const shared = new SharedWorkers(r.api, async () => ({ bundle: 'void 0', config: '{}' }), () => NOW);
  return { ...r, shared };
}

describe('isWorkerScriptRequest', () => {
  it('is a worker main script: its own document, no loader, a script', () => {
    expect(isWorkerScriptRequest(request('x'))).toBe(true);
    expect(isWorkerScriptRequest({ ...request('x'), loaderId: 'L1' })).toBe(false);
    expect(isWorkerScriptRequest({ ...request('x'), documentURL: 'https://a.test/page.html' })).toBe(false);
    expect(isWorkerScriptRequest({ ...request('x'), type: 'Fetch' })).toBe(false);
  });
});

describe('SharedWorkers', () => {
  it("attaches to the shared worker whose target id is the script request's id, and sets the breakpoint before its first statement", async () => {
    const { shared, calls } = setUp();
    shared.scriptRequested(client(1).c, request(ID));
    await settle();
    expect(calls).toEqual([`attach ${ID}`, `${ID} Debugger.enable`, `${ID} Debugger.setInstrumentationBreakpoint beforeScriptExecution`]);
  });

  it('runs the recorder at the pause before the main script, then disables the debugger; batches reach the client', async () => {
    const { shared, calls, emit } = setUp();
    const { c, seen } = client(1);
    shared.scriptRequested(c, request(ID));
    await settle();
    calls.length = 0;
    emit('Debugger.paused', { reason: 'instrumentation' });
    await settle();
    // The binding only now, while the worker is held: no page code can see it arrive.
    expect(calls).toEqual([`${ID} Runtime.addBinding`, `${ID} Runtime.evaluate`, `${ID} Debugger.disable`]);
    expect(seen).toEqual([`recorded shared_worker ${URL_}`]);
  });

  it('hands the binding calls of its own binding to the client, as a shared_worker target, from the first one', async () => {
    const expressions: string[] = [];
    let answerEvaluate: () => void = () => undefined;
    const r = recordedApi();
    const sendCommand = r.api.sendCommand;
    r.api.sendCommand = async (t, method, params) => {
      const e = (params as { expression?: string } | undefined)?.expression;
      if (e) {
        expressions.push(e);
        // The recorder's first batch comes before its evaluation is answered.
        await new Promise<void>((resolve) => (answerEvaluate = resolve));
      }
      return sendCommand(t, method, params);
    };
    const shared = new SharedWorkers(r.api, async () => ({ bundle: 'void 0' }), () => NOW);
    const { c, batches } = client(1);
    shared.scriptRequested(c, request(ID));
    await settle();
    r.emit('Debugger.paused', { reason: 'instrumentation' });
    await settle();
    const name = /ENTANGLE_BINDING = "([^"]+)"/.exec(expressions[0]!)![1]!;
    r.emit('Runtime.bindingCalled', { name, payload: '{"batch":1}' });
    answerEvaluate();
    await settle();
    r.emit('Runtime.bindingCalled', { name, payload: '{"batch":2}' });
    r.emit('Runtime.bindingCalled', { name: 'someone else', payload: 'x' });
    expect(batches.map(([t, p]) => [t.type, t.targetId, t.sessionId, t.title, p])).toEqual([
      ['shared_worker', ID, `shared:${ID}`, 'hub', '{"batch":1}'],
      ['shared_worker', ID, `shared:${ID}`, 'hub', '{"batch":2}'],
    ]);
  });

  it('does not record a start whose script was parsed before the breakpoint was in (any script), and says so; no binding is added', async () => {
    const r = recordedApi(undefined);
    const sendCommand = r.api.sendCommand;
    r.api.sendCommand = async (t, method, params) => {
      // A redirected main script: another URL than the request's.
      if (method === 'Debugger.enable') r.emit('Debugger.scriptParsed', { url: 'https://a.test/moved/shared.js' });
      return sendCommand(t, method, params);
    };
    const shared = new SharedWorkers(r.api, async () => ({ bundle: 'void 0' }), () => NOW);
    const { c, seen } = client(1);
    shared.scriptRequested(c, request(ID));
    await settle();
    expect(r.calls.slice(3)).toEqual([`${ID} Debugger.disable`]);
    expect(r.calls.some((x) => x.includes('addBinding') || x.includes('evaluate'))).toBe(false);
    expect(seen).toEqual([`unrecorded ${URL_}: ${MISSED_START}`]);
    // A pause after that is not ours to keep.
    r.calls.length = 0;
    r.emit('Debugger.paused', { reason: 'instrumentation' });
    await settle();
    expect(r.calls).toEqual([`${ID} Debugger.resume`]);
  });

  it('drops a target lookup that answers after its tab stopped recording: nothing is attached for it', async () => {
    let answer: (t: DebuggerTargetInfo[]) => void = () => undefined;
    const r = recordedApi();
    r.api.getTargets = () => new Promise((resolve) => (answer = resolve));
    const shared = new SharedWorkers(r.api, async () => ({ bundle: 'void 0' }), () => NOW);
    const { c } = client(1);
    shared.scriptRequested(c, request(ID));
    shared.clientGone(c);
    answer([sharedTarget]);
    await settle();
    expect(r.calls).toEqual([]);
    expect(r.listeners.size).toBe(0);
  });

  it('leaves alone requests that are no shared worker: a service worker, an unlisted target, a page load', async () => {
    const sw: DebuggerTargetInfo = { id: 'S1', type: 'worker', url: 'https://a.test/sw.js', title: 'Service Worker https://a.test/sw.js', attached: false };
    const { shared, calls } = setUp([sw]);
    shared.scriptRequested(client(1).c, request('S1', 'https://a.test/sw.js'));
    shared.scriptRequested(client(1).c, request('D1', 'https://a.test/dedicated.js'));
    shared.scriptRequested(client(1).c, { ...request(ID), loaderId: 'L' });
    await settle();
    expect(calls).toEqual([]);
  });

  it('a worker that cannot be attached runs unrecorded, said to its client', async () => {
    const r = recordedApi();
    r.api.attach = async () => {
      throw new Error('Another debugger is already attached to the target with id: T1.');
    };
    const shared = new SharedWorkers(r.api, async () => ({ bundle: 'void 0' }));
    const { c, seen } = client(1);
    shared.scriptRequested(c, request(ID));
    await settle();
    expect(seen).toEqual([`unrecorded ${URL_}: Another debugger is already attached to the target with id: T1.`]);
  });

  it('one attachment for two tabs: both get its batches; it is detached when the last one goes', async () => {
    const expressions: string[] = [];
    const r = recordedApi();
    const sendCommand = r.api.sendCommand;
    r.api.sendCommand = async (t, method, params) => {
      const e = (params as { expression?: string } | undefined)?.expression;
      if (e) expressions.push(e);
      return sendCommand(t, method, params);
    };
    const shared = new SharedWorkers(r.api, async () => ({ bundle: 'void 0' }));
    const one = client(1);
    const two = client(2);
    shared.scriptRequested(one.c, request(ID));
    await settle();
    r.emit('Debugger.paused', { reason: 'instrumentation' });
    await settle();
    shared.scriptRequested(two.c, request(ID));
    await settle();
    expect(r.calls.filter((x) => x.startsWith('attach'))).toEqual([`attach ${ID}`]);
    expect(two.seen).toEqual([`recorded shared_worker ${URL_}`]);
    const name = /ENTANGLE_BINDING = "([^"]+)"/.exec(expressions[0]!)![1]!;
    r.emit('Runtime.bindingCalled', { name, payload: 'p1' });
    expect([one.batches.length, two.batches.length]).toEqual([1, 1]);
    shared.clientGone(one.c);
    expect(one.seen.at(-1)).toBe(`gone ${URL_}`);
    expect(r.calls.filter((x) => x.startsWith('detach'))).toEqual([]);
    shared.clientGone(two.c);
    expect(r.calls.filter((x) => x.startsWith('detach'))).toEqual([`detach ${ID}`]);
    expect(r.listeners.size).toBe(0);
  });

  it('stays attached when the worker ends, and records its next start from the first statement (it waits for the debugger)', async () => {
    const { shared, calls, emit, api } = setUp(undefined, (method) => (method === 'Debugger.setInstrumentationBreakpoint' && calls.filter((x) => x.includes('setInstrumentation')).length > 1 ? new Error('Instrumentation breakpoint is already enabled.') : {}));
    const bindings: string[] = [];
    const sendCommand = api.sendCommand;
    api.sendCommand = (t, method, params) => {
      if (method === 'Runtime.addBinding') bindings.push((params as { name: string }).name);
      return sendCommand(t, method, params);
    };
    const { c, seen } = client(1);
    shared.scriptRequested(c, request(ID));
    await settle();
    emit('Debugger.paused', { reason: 'instrumentation' });
    await settle();
    emit('Inspector.targetCrashed');
    expect(seen).toEqual([`recorded shared_worker ${URL_}`, `gone ${URL_}`]);
    calls.length = 0;
    emit('Inspector.targetReloadedAfterCrash');
    await settle();
    expect(calls).toEqual([`${ID} Debugger.enable`, `${ID} Debugger.setInstrumentationBreakpoint beforeScriptExecution`, `${ID} Runtime.runIfWaitingForDebugger`]);
    emit('Debugger.paused', { reason: 'instrumentation' });
    await settle();
    expect(calls.slice(3)).toEqual([`${ID} Runtime.addBinding`, `${ID} Runtime.evaluate`, `${ID} Debugger.disable`]);
    expect(seen.at(-1)).toBe(`recorded shared_worker ${URL_}`);
    // The same binding name both times: the session puts it on each new global, and each start's
    // recorder takes it off (a new name would leave the old one on the global for the page).
    expect(new Set(bindings)).toEqual(new Set([bindings[0]]));
    expect(bindings).toHaveLength(2);
  });

  it('detaches a worker that ended with no client left, so that its next start does not wait for anyone', async () => {
    const { shared, calls, emit } = setUp();
    const { c } = client(1);
    shared.scriptRequested(c, request(ID));
    await settle();
    shared.clientGone(c);
    expect(calls.at(-1)).toBe(`detach ${ID}`);
    calls.length = 0;
    emit('Inspector.targetCrashed');
    expect(calls).toEqual([]);
  });
});
