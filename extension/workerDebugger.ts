/**
 * Recording inside workers (issue 13) through the browser's debugging protocol: attaches to the
 * inspected tab, has the browser attach to each of its workers as it starts (paused before its
 * first statement), runs the worker recorder there and lets the worker go on; the recorder's batches
 * come back as binding calls. What the browser allows and why it is done this way:
 * docs/recording.md, "Running the recorder inside workers". While attached it also listens to the
 * browser's log of the tab and of its out-of-process frames (`Log.enable`) for the one thing a page
 * cannot see there: a `window.postMessage` dropped for its `targetOrigin` (extension/originDropEntry.ts).
 *
 * No extension API is imported here: the background hands in `chrome.debugger` (DebuggerApi), so the
 * lifecycle can be driven from a test with the real browser's API or a recording of its calls.
 */

import { dropReportOf, type DropReport } from './originDropEntry';
import type { ScriptRequest, SharedWorkerClient, SharedWorkers } from './sharedWorkers';

/** The part of `chrome.debugger` used here (Chrome 125+: child sessions by `sessionId`). */
export interface DebuggerApi {
  attach(target: { tabId: number }, version: string): Promise<void>;
  detach(target: { tabId: number }): Promise<void>;
  sendCommand(target: DebuggeeSession, method: string, params?: object): Promise<unknown>;
  onEvent: { addListener(fn: EventListenerFn): void; removeListener(fn: EventListenerFn): void };
  onDetach: { addListener(fn: DetachListenerFn): void; removeListener(fn: DetachListenerFn): void };
}

export interface DebuggeeSession {
  tabId?: number;
  sessionId?: string;
}

type EventListenerFn = (source: DebuggeeSession, method: string, params?: unknown) => void;
type DetachListenerFn = (source: DebuggeeSession, reason: string) => void;

export type WorkerTargetType = 'worker' | 'service_worker' | 'shared_worker';

/** A worker the browser attached us to. */
export interface WorkerTarget {
  sessionId: string;
  targetId: string;
  type: WorkerTargetType;
  url: string;
  /** The session of the worker that started it (a nested worker); none for the tab's own. */
  parentSessionId?: string;
  /** That worker's target id. */
  parentTargetId?: string;
  /** The protocol's id of the frame that started it (TargetInfo.parentFrameId; seen in Chromium 156
   *  for a dedicated worker of a page: the page's own target id). Not a webNavigation frame id. */
  parentFrameId?: string;
  /** The worker's `name` option, which the protocol gives as the target's title (else its URL). */
  title?: string;
}

/** The worker recorder (dist/chrome/inject-worker.js) and the settings it starts with. */
export interface WorkerRecorderSource {
  bundle: string;
  /** The recorder's CONFIG as the content relay hands it to a page's recorder (a JSON string). */
  config?: string;
}

export interface WorkerRecordingEvents {
  /** The recorder runs in the worker (its first statement has not run yet). */
  workerRecorded(target: WorkerTarget): void;
  /** The recorder in the worker could not be started: the worker runs unrecorded. */
  workerUnrecorded(target: WorkerTarget, reason: string): void;
  /** A batch envelope from the worker's recorder (model/bridge.ts), as the recorder wrote it. */
  batch(target: WorkerTarget, envelope: string): void;
  workerGone(target: WorkerTarget): void;
  /** The browser dropped a window message of the tab for its `targetOrigin` (it said so in its log);
   *  `session` is the log's (none: the tab's own), which hands earlier entries again when enabled. */
  windowMessageDropped(report: DropReport, session: string | undefined): void;
  /** The attachment ended without `stop()`: the user cancelled the browser's debugging bar, the tab
   *  closed or navigated to a page the extension may not debug, or DevTools took the tab. */
  ended(reason: string): void;
}

const PROTOCOL_VERSION = '1.3';
const AUTO_ATTACH = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };
/** The tab's requests, for its shared workers' script requests (extension/sharedWorkers.ts); no
 *  bodies kept. */
const NETWORK_EVENTS_ONLY = { maxTotalBufferSize: 0, maxResourceBufferSize: 0 };
const WORKER_TYPES: readonly string[] = ['worker', 'service_worker', 'shared_worker'] satisfies WorkerTargetType[];

interface AttachedToTarget {
  sessionId: string;
  targetInfo: { targetId: string; type: string; url: string; parentFrameId?: string; title?: string };
  waitingForDebugger: boolean;
}

interface Paused {
  reason: string;
}

interface BindingCalled {
  name: string;
  payload: string;
}

/** A name for the binding no page can guess before it is gone (it is deleted before page code runs). */
export function bindingName(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(random() * 0x1_0000_0000).toString(36);
  return `__entangle_${s}`;
}

/** The expression that starts the recorder in a worker: its bundle (an IIFE reading the free names
 *  ENTANGLE_BINDING and, when defined, ENTANGLE_CONFIG) inside a function that supplies them, so
 *  nothing is put on the worker's global. */
export function recorderExpression(bundle: string, binding: string, config?: string): string {
  const configLine = config === undefined ? '' : ` const ENTANGLE_CONFIG = ${JSON.stringify(config)};`;
  return `(() => { const ENTANGLE_BINDING = ${JSON.stringify(binding)};${configLine}\n${bundle}\n})()`;
}

export class TabWorkerRecording {
  private readonly workers = new Map<string, WorkerTarget>();
  /** Sessions of the tab's out-of-process frames (their log is theirs: `Log.enable` on each). */
  private readonly frames = new Set<string>();
  /** Sessions whose recorder has been started (the instrumentation pause comes once per worker start). */
  private readonly started = new Set<string>();
  /** Per session, which start of the worker this is (a service worker stops and starts again on the
   *  same session): what an earlier start's pending answers do must not touch a later one. */
  private readonly starts = new Map<string, number>();
  private readonly binding = bindingName();
  private attached = false;
  private stopping = false;
  /** This tab as a user of shared workers (they are attached once for all tabs, by target id). */
  private readonly sharedClient: SharedWorkerClient;

  constructor(
    readonly tabId: number,
    private readonly api: DebuggerApi,
    private readonly recorder: () => Promise<WorkerRecorderSource>,
    private readonly events: WorkerRecordingEvents,
    private readonly shared?: SharedWorkers,
  ) {
    this.sharedClient = { tabId, events };
  }

  /** Attaches to the tab; throws what the browser said when it cannot (another debugger, a page the
   *  extension may not debug, a tab that is gone). */
  async start(): Promise<void> {
    this.api.onEvent.addListener(this.onEvent);
    this.api.onDetach.addListener(this.onDetach);
    try {
      await this.api.attach({ tabId: this.tabId }, PROTOCOL_VERSION);
      this.attached = true;
      // Stopped while the browser attached: let go at once.
      if (this.stopping) throw new Error('stopped while attaching');
      await this.api.sendCommand({ tabId: this.tabId }, 'Target.setAutoAttach', AUTO_ATTACH);
      // (Not awaited: the log is an extra; without it the workers are recorded all the same.)
      void this.api.sendCommand({ tabId: this.tabId }, 'Log.enable').catch(() => undefined);
      // A shared worker is not auto-attached: its script request is how it is found. Awaited: until
      // the browser reports requests, a page's new shared worker goes unseen, and the panel must not
      // say it records yet (a page loaded at once lost its shared worker in a loaded test run).
      if (this.shared) await this.api.sendCommand({ tabId: this.tabId }, 'Network.enable', NETWORK_EVENTS_ONLY).catch(() => undefined);
    } catch (err) {
      this.stopping = false;
      await this.stop();
      throw err;
    }
  }

  /** Detaches (the browser's debugging bar goes away). Workers already recorded keep their recorder
   *  until they end, but its batches have nowhere to go: the panel shows them as gone from then on. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.api.onEvent.removeListener(this.onEvent);
    this.api.onDetach.removeListener(this.onDetach);
    for (const w of this.workers.values()) this.events.workerGone(w);
    this.workers.clear();
    this.frames.clear();
    this.shared?.clientGone(this.sharedClient);
    if (this.attached) {
      this.attached = false;
      await this.api.detach({ tabId: this.tabId }).catch(() => undefined);
    }
  }

  private readonly onDetach: DetachListenerFn = (source, reason) => {
    if (source.tabId !== this.tabId || source.sessionId !== undefined) return;
    this.attached = false;
    void this.stop().then(() => this.events.ended(reason));
  };

  private readonly onEvent: EventListenerFn = (source, method, params) => {
    if (source.tabId !== this.tabId || this.stopping) return;
    switch (method) {
      case 'Target.attachedToTarget':
        this.targetAttached(source.sessionId, params as AttachedToTarget);
        return;
      case 'Target.detachedFromTarget': {
        const id = (params as { sessionId: string }).sessionId;
        const w = this.workers.get(id);
        this.workers.delete(id);
        this.started.delete(id);
        this.starts.delete(id);
        this.frames.delete(id);
        if (w) this.events.workerGone(w);
        return;
      }
      case 'Debugger.paused':
        if (source.sessionId !== undefined) this.paused(source.sessionId, params as Paused);
        return;
      case 'Inspector.targetCrashed':
        // A service worker stopped (told to, or by the browser): its realm is gone; the session stays
        // for its next start.
        this.startEnded(source.sessionId);
        return;
      case 'Inspector.targetReloadedAfterCrash': {
        // Started again while attached. It waits for the debugger (this session asked for that when it
        // attached), so it must be let go, or the page's service worker never answers again; and this
        // start can be recorded whole, as a realm of its own (sharedWorkers.ts does the same).
        const w = this.startEnded(source.sessionId);
        if (!w) return;
        this.started.delete(w.sessionId);
        this.arm(w.sessionId, w);
        return;
      }
      case 'Runtime.bindingCalled': {
        const w = source.sessionId === undefined ? undefined : this.workers.get(source.sessionId);
        const call = params as BindingCalled;
        if (w && call.name === this.binding && typeof call.payload === 'string') this.events.batch(w, call.payload);
        return;
      }
      case 'Network.requestWillBeSent':
        // (Only the tab's and its frames' sessions have the Network domain on.)
        this.shared?.scriptRequested(this.sharedClient, params as ScriptRequest);
        return;
      case 'Log.entryAdded': {
        // The tab's own session, or one of its frames': a worker has no window to post to.
        if (source.sessionId !== undefined && !this.frames.has(source.sessionId)) return;
        const report = dropReportOf(params);
        if (report) this.events.windowMessageDropped(report, source.sessionId);
        return;
      }
    }
  };

  /** The worker's current start ended (it stopped, or it starts again): its realm is gone, and what
   *  that start still has pending will do nothing. The worker, when the session is one of a worker. */
  private startEnded(sessionId: string | undefined): WorkerTarget | undefined {
    const w = sessionId === undefined ? undefined : this.workers.get(sessionId);
    if (!w) return undefined;
    this.starts.set(w.sessionId, this.startOf(w.sessionId) + 1);
    this.events.workerGone(w);
    return w;
  }

  /** Which start of the worker on this session is the current one (0: its first). */
  private startOf(sessionId: string): number {
    return this.starts.get(sessionId) ?? 0;
  }

  /** Whether `start` (startOf when it began) is still the worker's current start. */
  private current(sessionId: string, start: number): boolean {
    return this.workers.has(sessionId) && this.startOf(sessionId) === start;
  }

  private send(sessionId: string, method: string, params?: object): Promise<unknown> {
    return this.api.sendCommand({ tabId: this.tabId, sessionId }, method, params);
  }

  /**
   * A new target, paused before it runs anything. A worker gets the instrumentation breakpoint (its
   * global does not exist yet: the recorder waits for the pause before its first statement) and
   * auto-attach for the workers it starts; anything else (an out-of-process frame, which has its own
   * relay) gets auto-attach for its own workers and is let go at once. The commands are sent together,
   * not one after the other's answer: a service worker answers nothing until it runs.
   */
  private targetAttached(parentSessionId: string | undefined, a: AttachedToTarget): void {
    const { sessionId, targetInfo } = a;
    if (!WORKER_TYPES.includes(targetInfo.type)) {
      // (A frame's workers attach through the frame's own session when it is out of process.)
      void this.send(sessionId, 'Target.setAutoAttach', AUTO_ATTACH).catch(() => undefined);
      if (targetInfo.type === 'iframe') {
        this.frames.add(sessionId);
        void this.send(sessionId, 'Log.enable').catch(() => undefined);
        if (this.shared) void this.send(sessionId, 'Network.enable', NETWORK_EVENTS_ONLY).catch(() => undefined);
      }
      void this.send(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
      return;
    }
    const parent = parentSessionId === undefined ? undefined : this.workers.get(parentSessionId);
    const target: WorkerTarget = {
      sessionId,
      targetId: targetInfo.targetId,
      type: targetInfo.type as WorkerTargetType,
      url: targetInfo.url,
      ...(parent ? { parentSessionId: parent.sessionId, parentTargetId: parent.targetId } : {}),
      ...(typeof targetInfo.parentFrameId === 'string' ? { parentFrameId: targetInfo.parentFrameId } : {}),
      ...(typeof targetInfo.title === 'string' ? { title: targetInfo.title } : {}),
    };
    this.workers.set(sessionId, target);
    if (!a.waitingForDebugger) {
      // Already running when the recording started (auto-attach reports the workers that exist): its
      // start is past, and a recorder put in now would see only part of what it does.
      this.started.add(sessionId);
      void this.send(sessionId, 'Target.setAutoAttach', AUTO_ATTACH).catch(() => undefined);
      this.events.workerUnrecorded(target, 'it was already running when the recording started');
      return;
    }
    this.arm(sessionId, target);
  }

  /** Sets the instrumentation breakpoint on a worker waiting for the debugger, and lets it start: its
   *  first statement stops there (see `paused`). */
  private arm(sessionId: string, target: WorkerTarget): void {
    const start = this.startOf(sessionId);
    const steps = [
      this.send(sessionId, 'Debugger.enable'),
      // (Still set when a start the worker stopped in left the domain on: the breakpoint holds.)
      this.send(sessionId, 'Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptExecution' }).catch((err: unknown) => {
        if (!/already enabled/i.test(messageOf(err))) throw err;
      }),
      this.send(sessionId, 'Target.setAutoAttach', AUTO_ATTACH),
      this.send(sessionId, 'Runtime.runIfWaitingForDebugger'),
    ];
    Promise.all(steps).catch((err: unknown) => {
      // An earlier start's answer, or recorded or told of already (the worker went on while a
      // command was pending): nothing to undo.
      if (!this.current(sessionId, start) || this.started.has(sessionId)) return;
      // The worker must not stay paused because of us.
      void this.send(sessionId, 'Debugger.disable').catch(() => undefined);
      void this.send(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
      this.events.workerUnrecorded(target, messageOf(err));
    });
  }

  /** The worker stopped before its first statement: the recorder goes in, then the worker goes on
   *  (disabling the domain resumes it and drops the breakpoint). Any other pause is not ours to
   *  keep: resumed. */
  private paused(sessionId: string, p: Paused): void {
    const target = this.workers.get(sessionId);
    if (!target || p.reason !== 'instrumentation' || this.started.has(sessionId)) {
      void this.send(sessionId, 'Debugger.resume').catch(() => undefined);
      return;
    }
    this.started.add(sessionId);
    const start = this.startOf(sessionId);
    // (The binding is added now, with the global in place: probes saw it work there.)
    void Promise.all([this.recorder(), this.send(sessionId, 'Runtime.addBinding', { name: this.binding })])
      .then(([{ bundle, config }]) => this.send(sessionId, 'Runtime.evaluate', { expression: recorderExpression(bundle, this.binding, config), silent: true }))
      .then((result) => {
        if (!this.current(sessionId, start)) return;
        const thrown = (result as { exceptionDetails?: { exception?: { description?: string }; text?: string } }).exceptionDetails;
        if (thrown) this.events.workerUnrecorded(target, thrown.exception?.description ?? thrown.text ?? 'the recorder threw');
        else this.events.workerRecorded(target);
      })
      .catch((err: unknown) => {
        if (this.current(sessionId, start)) this.events.workerUnrecorded(target, messageOf(err));
      })
      // (Not for a start that ended meanwhile: the next one's breakpoint is set on the same session.)
      .finally(() => {
        if (this.current(sessionId, start)) void this.send(sessionId, 'Debugger.disable').catch(() => undefined);
      });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
