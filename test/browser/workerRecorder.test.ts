/**
 * The worker recorder (dist/chrome/inject-worker.js) in real workers, without the extension: this
 * test does over puppeteer's CDP session what extension/workerDebugger.ts does over chrome.debugger
 * (auto-attach paused, instrumentation pause before the first statement, binding, evaluate, go on),
 * and checks the batches that come back with the background's own decoder and validator.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindingName, recorderExpression } from '../../extension/workerDebugger';
import { decodeEnvelope } from '../../model/bridge';
import { WORKER_SELF, type EntangleEvent, type RealmStarted } from '../../model/protocol';
import { MAX_BATCH_CHARS } from '../../model/relay';
import { batchFromText } from '../../model/validate';
import { FIXTURES, launch, startDemoServer, waitFor, type DemoServer, type Session } from './harness';

const BUNDLE = resolve(import.meta.dirname, '../../dist/chrome/inject-worker.js');
const AUTO_ATTACH = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };
const WORKER_TYPES = ['worker', 'service_worker', 'shared_worker'];

interface AttachedToTarget {
  sessionId: string;
  targetInfo: { targetId: string; type: string; url: string };
}

/** Records the workers of one page from the inside, as TabWorkerRecording does. */
class PageWorkerRecording {
  readonly binding = bindingName();
  /** Realm id → its events, in seq order, checked by the real validator as they arrive. */
  readonly realms = new Map<string, EntangleEvent[]>();
  /** Worker session id → what the protocol said of it (parent: the session of the worker that started it). */
  readonly workers = new Map<string, { url: string; type: string; parent?: string }>();
  readonly problems: string[] = [];

  private constructor(
    private readonly cdp: CDPSession,
    private readonly bundle: string,
    /** The relay's CONFIG detail, supplied to the recorder as ENTANGLE_CONFIG. */
    private readonly config: string | undefined,
  ) {}

  static async start(page: Page, bundle: string, config?: string): Promise<PageWorkerRecording> {
    const cdp = await page.createCDPSession();
    const recording = new PageWorkerRecording(cdp, bundle, config);
    recording.watch(cdp, undefined);
    await cdp.send('Target.setAutoAttach', AUTO_ATTACH);
    return recording;
  }

  /** The events of the realm whose realmStarted has this URL. */
  eventsAt(url: string): EntangleEvent[] | undefined {
    for (const events of this.realms.values()) {
      const start = events[0];
      if (start?.type === 'realmStarted' && start.url === url) return events;
    }
    return undefined;
  }

  private watch(session: CDPSession, parent: string | undefined): void {
    session.on('Target.attachedToTarget', (a: AttachedToTarget) => {
      const child = session.connection()!.session(a.sessionId)!;
      if (!WORKER_TYPES.includes(a.targetInfo.type)) {
        void child.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
        return;
      }
      this.workers.set(a.sessionId, { url: a.targetInfo.url, type: a.targetInfo.type, ...(parent !== undefined ? { parent } : {}) });
      this.setUpWorker(child, a.sessionId);
    });
  }

  private setUpWorker(child: CDPSession, sessionId: string): void {
    let started = false;
    child.on('Debugger.paused', (p: { reason: string }) => {
      if (p.reason !== 'instrumentation' || started) {
        void child.send('Debugger.resume').catch(() => undefined);
        return;
      }
      started = true;
      void (async () => {
        await child.send('Runtime.addBinding', { name: this.binding });
        const expression = recorderExpression(this.bundle, this.binding, this.config);
        const r = await child.send('Runtime.evaluate', { expression, silent: true });
        if (r.exceptionDetails) this.problems.push(`the recorder threw in ${sessionId}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      })()
        .catch((err: unknown) => this.problems.push(`starting the recorder in ${sessionId}: ${String(err)}`))
        .finally(() => void child.send('Debugger.disable').catch(() => undefined));
    });
    child.on('Runtime.bindingCalled', (call: { name: string; payload: string }) => {
      if (call.name === this.binding) this.batch(call.payload);
    });
    this.watch(child, sessionId);
    // Pipelined, as the extension sends them: the worker is let go only after the others.
    void Promise.all([
      child.send('Debugger.enable'),
      child.send('Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptExecution' }),
      child.send('Target.setAutoAttach', AUTO_ATTACH),
      child.send('Runtime.runIfWaitingForDebugger'),
    ]).catch((err: unknown) => this.problems.push(`setting up ${sessionId}: ${String(err)}`));
  }

  private batch(payload: string): void {
    const envelope = decodeEnvelope(payload, MAX_BATCH_CHARS);
    if ('error' in envelope) {
      this.problems.push(`envelope: ${envelope.error}`);
      return;
    }
    const { routed, error } = batchFromText({ tabId: 1, frameId: -1, ...envelope });
    if (error !== null) {
      this.problems.push(`batch of ${envelope.realm}: ${error}`);
      return;
    }
    const events = this.realms.get(envelope.realm) ?? [];
    if (envelope.first !== events.length + 1) this.problems.push(`${envelope.realm}: batch ${envelope.first}..${envelope.last} after seq ${events.length}`);
    events.push(...routed.batch.events);
    this.realms.set(envelope.realm, events);
  }

  async stop(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}

/** The first event of `type` in `events` that has every field of `fields`. */
function find<T extends EntangleEvent['type']>(events: EntangleEvent[] | undefined, type: T, fields: Record<string, unknown> = {}): Extract<EntangleEvent, { type: T }> | undefined {
  return events?.find((e) => e.type === type && Object.entries(fields).every(([k, v]) => JSON.stringify((e as unknown as Record<string, unknown>)[k]) === JSON.stringify(v))) as
    | Extract<EntangleEvent, { type: T }>
    | undefined;
}

describe('the worker recorder, run in workers through the debugging protocol', () => {
  let server: DemoServer;
  let session: Session;
  let bundle: string;
  const at = (file: string): string => server.url(`/worker-recorder/${file}`);

  /** A fresh page of the fixture, recorded or not; `run` is one of page.js's scenarios. */
  async function scenario(run: string, recorded: boolean, config?: string): Promise<{ result: unknown; recording?: PageWorkerRecording; page: Page }> {
    const page = await session.browser.newPage();
    await page.goto(at('index.html'));
    const recording = recorded ? await PageWorkerRecording.start(page, bundle, config) : undefined;
    const result = await page.evaluate((name) => (window as unknown as Record<string, () => Promise<unknown>>)[name]!(), run);
    return { result, page, ...(recording ? { recording } : {}) };
  }

  beforeAll(async () => {
    bundle = readFileSync(BUNDLE, 'utf8');
    server = await startDemoServer({ dir: FIXTURES });
    session = await launch({ extension: false });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('records a comlink-style worker: the port it is given arrives, starts, receives and answers', async () => {
    const { result, recording } = await scenario('portRpc', true);
    expect(result).toEqual({ answer: 42 });
    const events = await waitFor('the worker’s answer on the port', async () => {
      const events = recording!.eventsAt(at('rpc.js'));
      return find(events, 'messageSent', { route: 'port' }) ? events : undefined;
    });
    const realm = events[0] as RealmStarted;
    expect(realm).toMatchObject({ seq: 1, type: 'realmStarted', kind: 'worker', origin: server.originA });
    expect(realm).not.toHaveProperty('name');
    const receipt = find(events, 'messageReceived', { route: 'worker', worker: WORKER_SELF });
    expect(receipt?.ports).toHaveLength(1);
    const port = receipt!.ports[0]!;
    expect(receipt?.preview).toMatchObject({ $t: 'object' });
    expect(find(events, 'portStarted', { port, implicit: true })).toBeDefined();
    expect(find(events, 'messageReceived', { route: 'port', port })?.preview).toEqual({ $t: 'object', entries: [['n', 21]], more: 0 });
    // The page's end is recorded too: the worker does not preview what it sends there.
    const answer = find(events, 'messageSent', { route: 'port', port, outcome: 'posted' });
    expect(answer).toBeDefined();
    expect(answer).not.toHaveProperty('preview');
    expect(answer).not.toHaveProperty('stack'); // (captureStacks is off unless configured)
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('applies ENTANGLE_CONFIG when supplied: with captureStacks, a send’s stack is the worker’s own', async () => {
    const { recording } = await scenario('portRpc', true, JSON.stringify({ captureStacks: true }));
    const answer = await waitFor('the worker’s answer on the port', async () => find(recording!.eventsAt(at('rpc.js')), 'messageSent', { route: 'port' }));
    expect(answer.stack).toContain(at('rpc.js'));
    // The recorder's own frames (its sourceURL is an extension URL) are left out.
    expect(answer.stack).not.toContain('inject-worker.js');
    expect(answer.stack).not.toContain('<anonymous>');
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('records a module worker (its name, and self.postMessage to its owner)', async () => {
    const { result, recording } = await scenario('moduleWorker', true);
    expect(result).toEqual({ greeting: 'module ready', name: 'the module' });
    const events = await waitFor('the module worker’s send', async () => {
      const events = recording!.eventsAt(at('module.mjs'));
      return find(events, 'messageSent') ? events : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'realmStarted', kind: 'worker', name: 'the module' });
    const sent = find(events, 'messageSent', { route: 'worker', worker: WORKER_SELF, outcome: 'posted' });
    expect(sent).toBeDefined();
    expect(sent).not.toHaveProperty('preview');
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('records a nested worker: workerCreated inside its parent, and its own realm', async () => {
    const { result, recording } = await scenario('nestedWorker', true);
    expect(result).toEqual({ from: 'outer', inner: 'hi from inner' });
    const [outer, inner] = await waitFor('both workers’ sends', async () => {
      const outer = recording!.eventsAt(at('outer.js'));
      const inner = recording!.eventsAt(at('inner.js'));
      return find(outer, 'messageSent', { worker: WORKER_SELF }) && find(inner, 'messageSent') ? [outer!, inner!] : undefined;
    });
    const created = find(outer, 'workerCreated', { url: at('inner.js') });
    expect(created).toMatchObject({ workerType: 'classic', name: 'inner' });
    expect(find(outer, 'messageReceived', { route: 'worker', worker: created!.worker })?.preview).toBe('hi from inner');
    expect(inner[0]).toMatchObject({ type: 'realmStarted', kind: 'worker', name: 'inner' });
    expect(find(inner, 'messageSent', { route: 'worker', worker: WORKER_SELF })).toBeDefined();
    // The protocol saw the nested worker as the outer one's child.
    const sessions = [...recording!.workers.entries()];
    const outerSession = sessions.find(([, w]) => w.url === at('outer.js'))?.[0];
    expect(sessions.find(([, w]) => w.url === at('inner.js'))?.[1].parent).toBe(outerSession);
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('records a BroadcastChannel used inside a worker', async () => {
    const { result, recording } = await scenario('broadcastWorker', true);
    expect(result).toEqual({ from: 'worker' });
    const events = await waitFor('the worker’s broadcast', async () => {
      const events = recording!.eventsAt(at('broadcast.js'));
      return find(events, 'broadcastChannelClosed') ? events : undefined;
    });
    const created = find(events, 'broadcastChannelCreated', { channelName: 'worker-recorder' });
    expect(created).toBeDefined();
    expect(find(events, 'messageSent', { route: 'broadcast', channelName: 'worker-recorder', bc: created!.bc, outcome: 'posted' })).toBeDefined();
    expect(find(events, 'broadcastChannelClosed', { bc: created!.bc })).toBeDefined();
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('records a service worker: the client’s message with its port, the answer on it, and client.postMessage', async () => {
    const { result, recording } = await scenario('serviceWorkerRpc', true);
    expect(result).toEqual([{ echo: { q: 1 } }, { reply: { q: 1 } }]);
    const events = await waitFor('the service worker’s sends', async () => {
      const events = recording!.eventsAt(at('sw.js'));
      return find(events, 'messageSent', { route: 'worker' }) && find(events, 'messageSent', { route: 'port' }) ? events : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'realmStarted', kind: 'serviceworker', origin: server.originA });
    const receipt = find(events, 'messageReceived', { route: 'worker', client: at('index.html') });
    expect(receipt?.preview).toEqual({ $t: 'object', entries: [['q', 1]], more: 0 });
    expect(receipt?.ports).toHaveLength(1);
    const port = receipt!.ports[0]!;
    expect(find(events, 'messageSent', { route: 'port', port, outcome: 'posted' })).not.toHaveProperty('preview');
    expect(find(events, 'messageSent', { route: 'worker', client: at('index.html'), outcome: 'posted' })).toBeDefined();
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('gets the last events of a worker that closes itself out at once', async () => {
    const { result, recording } = await scenario('closingWorker', true);
    expect(result).toBe('bye');
    const sent = await waitFor('the closing worker’s send', async () => find(recording!.eventsAt(at('closing.js')), 'messageSent', { route: 'worker', worker: WORKER_SELF }));
    expect(sent.outcome).toBe('posted');
    expect(recording!.problems).toEqual([]);
    await recording!.stop();
  });

  it('leaves the worker as it was: the same observations with and without the recorder', async () => {
    const [withRecorder, without] = await Promise.all([scenario('fidelityWorker', true), scenario('fidelityWorker', false)]);
    const a = withRecorder.result as Record<string, unknown>;
    const b = without.result as Record<string, unknown>;
    // The recorder really ran in the first worker.
    const events = await waitFor('the fidelity worker’s realm', async () => {
      const events = withRecorder.recording!.eventsAt(at('fidelity.js'));
      return find(events, 'messageSent', { route: 'worker', worker: WORKER_SELF, outcome: 'posted' }) ? events : undefined;
    });
    expect(find(events, 'messageSent', { route: 'port', outcome: 'portClosed' })).toBeDefined();
    expect(find(events, 'messageSent', { route: 'worker', worker: WORKER_SELF })?.error ?? find(events, 'messageSent', { error: { name: 'DataCloneError' } })).toBeDefined();
    expect(withRecorder.recording!.problems).toEqual([]);

    expect(a.entangleNames).toEqual([]);
    expect(a.namesAtStart).toEqual(b.namesAtStart);
    expect(a.namesAtEnd).toEqual(b.namesAtEnd);
    expect(a.closedPortReturns).toBe('undefined');
    expect(a.errors).toEqual(b.errors);
    expect((b.errors as Record<string, { name?: string }>).selfFunctionPayload?.name).toBe('DataCloneError');
    expect(a.wrappers).toEqual(b.wrappers);
    expect((b.wrappers as Record<string, { source: string }>).selfPostMessage?.source).toContain('[native code]');
    expect(a.constructorKept).toBe(true);
    expect(a.descriptors).toEqual(b.descriptors);
    expect(a.heardWithoutStart).toBe(0);
    expect(a).toEqual(b);
    await withRecorder.recording!.stop();
  });
});
