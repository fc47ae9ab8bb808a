/**
 * Recording inside shared workers (issue 13). A shared worker belongs to no one page, so the tab's
 * auto-attach never reports it (docs/recording.md, "Shared workers: what the browser allows"). What
 * the browser does give, on the tab's own session with `Network.enable`: the worker's main script
 * request (`Network.requestWillBeSent` with `documentURL` equal to the request's URL, `type: 'Script'`,
 * no loader id), whose request id is the shared worker's target id, sent while the script is still
 * being fetched. The worker is attached by that target id (`chrome.debugger.attach({ targetId })`),
 * given the instrumentation breakpoint, and:
 * - when the pause comes before its main script runs, the recorder goes in there, exactly as in a
 *   dedicated worker;
 * - when a script was parsed before the breakpoint was in place (a fast or cached fetch: attaching
 *   races the worker's start), this start of the worker is not recorded, and the panel lists it as
 *   such with the reason (never a silent gap). A recorder that joined a running worker would take
 *   natives the page may already have replaced, and could run its code; and its binding would be on
 *   the global for the page to see while it arrived. The binding is only added at the pause.
 * The attachment stays while a client tab does: the worker's next start (all its pages went, then one
 * came back) waits for the debugger (`Inspector.targetReloadedAfterCrash`) and is let go with the
 * breakpoint set, so it is recorded from its first statement. The binding keeps its name across
 * starts: the protocol puts a session's bindings on each new global, and each start's recorder takes
 * the name off before any page code (a new name per start would leave the old ones there).
 *
 * A shared worker is one attachment for the whole extension, whichever tabs use it: each tab whose
 * recording saw its script requested is a client, and gets its batches through the tab's own
 * WorkerRecordingEvents (a WorkerTarget of type `shared_worker`). No extension API is imported here.
 */
import { recorderExpression, bindingName, type WorkerRecorderSource, type WorkerRecordingEvents, type WorkerTarget } from './workerDebugger';

/** The part of `chrome.debugger` used for shared workers: attachments by target id. */
export interface SharedWorkerApi {
  attach(target: { targetId: string }, version: string): Promise<void>;
  detach(target: { targetId: string }): Promise<void>;
  sendCommand(target: { targetId: string }, method: string, params?: object): Promise<unknown>;
  getTargets(): Promise<DebuggerTargetInfo[]>;
  onEvent: { addListener(fn: TargetEventFn): void; removeListener(fn: TargetEventFn): void };
  onDetach: { addListener(fn: TargetDetachFn): void; removeListener(fn: TargetDetachFn): void };
}

/** `chrome.debugger.TargetInfo`: shared and service workers are listed with `type: 'worker'`,
 *  dedicated workers not at all. */
export interface DebuggerTargetInfo {
  id: string;
  type: string;
  url: string;
  title: string;
  attached: boolean;
  tabId?: number;
}

type TargetEventFn = (source: { tabId?: number; targetId?: string; sessionId?: string }, method: string, params?: unknown) => void;
type TargetDetachFn = (source: { tabId?: number; targetId?: string }, reason: string) => void;

/** A tab recording that may use shared workers: their batches go to its events. */
export interface SharedWorkerClient {
  tabId: number;
  events: WorkerRecordingEvents;
}

/** `Network.requestWillBeSent`, the fields read here. */
export interface ScriptRequest {
  requestId: string;
  documentURL?: string;
  loaderId?: string;
  type?: string;
  request: { url: string };
}

const PROTOCOL_VERSION = '1.3';
/** Why a shared worker's start is not recorded when its script ran before it could be held. */
export const MISSED_START = 'it was already running when Entangle found it (its script arrived too fast to be held before its first statement); a later start usually is recorded';
/** Shared workers' streams are keyed apart from the tab's protocol sessions. */
const SESSION_PREFIX = 'shared:';

/** The request for a worker's main script: its document is itself, and no frame loads it. */
export function isWorkerScriptRequest(r: ScriptRequest): boolean {
  return r.type === 'Script' && r.loaderId === '' && r.documentURL === r.request.url;
}

type Phase = 'attaching' | 'waiting' | 'starting' | 'running' | 'ended';

interface SharedWorker {
  target: WorkerTarget;
  clients: Set<SharedWorkerClient>;
  phase: Phase;
  /** A script was parsed before the breakpoint's answer: this start runs (or ran) unrecorded. */
  parsedBeforeBreakpoint: boolean;
  breakpointSet: boolean;
  binding: string;
}

export class SharedWorkers {
  private readonly workers = new Map<string, SharedWorker>();
  private listening = false;
  /** Tab recordings that stopped: a target lookup still under way for one of them is dropped. */
  private readonly goneClients = new WeakSet<SharedWorkerClient>();

  constructor(
    private readonly api: SharedWorkerApi,
    private readonly recorder: () => Promise<WorkerRecorderSource>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A tab's session saw a request; a shared worker's main script makes `client` one of its users. */
  scriptRequested(client: SharedWorkerClient, request: ScriptRequest): void {
    if (!isWorkerScriptRequest(request)) return;
    const known = this.workers.get(request.requestId);
    if (known) return this.addClient(known, client);
    void this.api
      .getTargets()
      .then((targets) => {
        if (this.goneClients.has(client)) return;
        const t = targets.find((x) => x.id === request.requestId && x.type === 'worker');
        // A service worker's script is requested the same way: it is the tab's auto-attach's own.
        if (!t || t.title.startsWith('Service Worker ')) return;
        const again = this.workers.get(t.id);
        if (again) return this.addClient(again, client);
        // (Another client of the protocol, DevTools or a test driver, may be attached too: the
        // browser refuses only a second extension, and attach() then says so.)
        this.attach(t, client);
      })
      .catch(() => undefined);
  }

  /** The tab's recording stopped: its shared workers no longer report to it; one with no client
   *  left is detached (a worker waiting for the debugger goes on). */
  clientGone(client: SharedWorkerClient): void {
    this.goneClients.add(client);
    for (const w of [...this.workers.values()]) {
      if (!w.clients.delete(client)) continue;
      if (w.phase !== 'ended' && w.phase !== 'attaching') client.events.workerGone(w.target);
      if (w.clients.size === 0) this.release(w);
    }
  }

  private addClient(w: SharedWorker, client: SharedWorkerClient): void {
    if (w.clients.has(client)) return;
    w.clients.add(client);
    if (w.phase === 'running') client.events.workerRecorded(w.target);
  }

  private attach(info: DebuggerTargetInfo, client: SharedWorkerClient): void {
    const w: SharedWorker = { target: targetOf(info), clients: new Set([client]), phase: 'attaching', parsedBeforeBreakpoint: false, breakpointSet: false, binding: bindingName() };
    this.workers.set(info.id, w);
    this.listen();
    this.api.attach({ targetId: info.id }, PROTOCOL_VERSION).then(
      () => {
        if (this.workers.get(info.id) !== w) return void this.api.detach({ targetId: info.id }).catch(() => undefined);
        // Its last client went while it was being attached.
        if (w.clients.size === 0) return this.release(w);
        this.arm(w, false);
      },
      (err: unknown) => {
        this.forget(w);
        for (const c of w.clients) c.events.workerUnrecorded(w.target, messageOf(err));
      },
    );
  }

  /** Breakpoint before the first statement, and (a worker waiting for the debugger) let go; sent
   *  together: a worker that has not started answers nothing until it does. (The binding comes at the
   *  pause: startRecorder.) */
  private arm(w: SharedWorker, waiting: boolean): void {
    w.phase = 'waiting';
    w.parsedBeforeBreakpoint = false;
    w.breakpointSet = false;
    const steps = [
      this.send(w, 'Debugger.enable'),
      this.send(w, 'Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptExecution' }).then(
        () => (w.breakpointSet = true),
        // Still set from the worker's previous life (the session outlived it).
        (err: unknown) => {
          if (!/already enabled/i.test(messageOf(err))) throw err;
          w.breakpointSet = true;
        },
      ),
      ...(waiting ? [this.send(w, 'Runtime.runIfWaitingForDebugger')] : []),
    ];
    Promise.all(steps).then(
      () => {
        // A script was parsed before the breakpoint was in: no pause will come before it runs.
        if (w.phase === 'waiting' && w.parsedBeforeBreakpoint) this.missedStart(w);
      },
      (err: unknown) => {
        if (w.phase !== 'waiting') return;
        void this.send(w, 'Debugger.disable').catch(() => undefined);
        if (waiting) void this.send(w, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
        this.unrecorded(w, messageOf(err));
      },
    );
  }

  private readonly onEvent: TargetEventFn = (source, method, params) => {
    const id = source.targetId;
    const w = id === undefined || source.sessionId !== undefined ? undefined : this.workers.get(id);
    if (!w) return;
    switch (method) {
      case 'Debugger.scriptParsed': {
        // Any script of its own (its main script may have been redirected, or be an import of it).
        const url = (params as { url?: unknown }).url;
        if (w.phase === 'waiting' && !w.breakpointSet && typeof url === 'string' && url !== '') w.parsedBeforeBreakpoint = true;
        return;
      }
      case 'Debugger.paused':
        if ((params as { reason?: unknown }).reason === 'instrumentation' && w.phase === 'waiting') {
          if (w.parsedBeforeBreakpoint) this.missedStart(w);
          else this.startRecorder(w);
        } else void this.send(w, 'Debugger.resume').catch(() => undefined);
        return;
      case 'Runtime.bindingCalled': {
        const call = params as { name?: unknown; payload?: unknown };
        // (The recorder's first batch may come while its evaluation is still being answered.)
        const live = w.phase === 'starting' || w.phase === 'running';
        if (live && call.name === w.binding && typeof call.payload === 'string') for (const c of w.clients) c.events.batch(w.target, call.payload);
        return;
      }
      case 'Inspector.targetCrashed':
        // The worker ended (its last page went); the attachment outlives it.
        this.ended(w);
        if (w.clients.size === 0) this.release(w);
        return;
      case 'Inspector.targetReloadedAfterCrash':
        // Started again while attached: it waits for the debugger, so this start is whole (the same
        // binding name: the session put it on the new global, and the recorder takes it off).
        this.arm(w, true);
        return;
    }
  };

  private readonly onDetach: TargetDetachFn = (source) => {
    const w = source.targetId === undefined ? undefined : this.workers.get(source.targetId);
    if (!w) return;
    this.ended(w);
    this.forget(w);
  };

  /** The recorder goes in at the pause before the first statement (its binding added there, so no
   *  page code ever sees it); then the debugger is disabled, which resumes the worker and drops the
   *  breakpoint. */
  private startRecorder(w: SharedWorker): void {
    w.phase = 'starting';
    void Promise.all([this.recorder(), this.send(w, 'Runtime.addBinding', { name: w.binding })])
      .then(([{ bundle, config }]) => this.send(w, 'Runtime.evaluate', { expression: recorderExpression(bundle, w.binding, config), silent: true }))
      .then((result) => {
        if (w.phase !== 'starting') return;
        const thrown = (result as { exceptionDetails?: { exception?: { description?: string }; text?: string } }).exceptionDetails;
        if (thrown) return this.unrecorded(w, thrown.exception?.description ?? thrown.text ?? 'the recorder threw');
        w.phase = 'running';
        for (const c of w.clients) c.events.workerRecorded(w.target);
      })
      .catch((err: unknown) => {
        if (w.phase === 'starting') this.unrecorded(w, messageOf(err));
      })
      .finally(() => {
        void this.send(w, 'Debugger.disable').catch(() => undefined);
      });
  }

  /** This start of the worker ran a script before the breakpoint was in: not recorded (see the module
   *  comment), said so to its tabs; the debugger lets it go on, and the attachment stays for its next
   *  start. */
  private missedStart(w: SharedWorker): void {
    void this.send(w, 'Debugger.disable').catch(() => undefined);
    this.unrecorded(w, MISSED_START);
  }

  /** This start of the worker goes unrecorded: its tabs are told why. */
  private unrecorded(w: SharedWorker, why: string): void {
    w.phase = 'ended';
    for (const c of w.clients) c.events.workerUnrecorded(w.target, why);
  }

  private ended(w: SharedWorker): void {
    const wasRecorded = w.phase === 'running' || w.phase === 'starting';
    w.phase = 'ended';
    if (wasRecorded) for (const c of w.clients) c.events.workerGone(w.target);
  }

  private release(w: SharedWorker): void {
    this.forget(w);
    void this.api.detach({ targetId: w.target.targetId }).catch(() => undefined);
  }

  private forget(w: SharedWorker): void {
    if (this.workers.get(w.target.targetId) === w) this.workers.delete(w.target.targetId);
    if (this.workers.size === 0 && this.listening) {
      this.listening = false;
      this.api.onEvent.removeListener(this.onEvent);
      this.api.onDetach.removeListener(this.onDetach);
    }
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.api.onEvent.addListener(this.onEvent);
    this.api.onDetach.addListener(this.onDetach);
  }

  private send(w: SharedWorker, method: string, params?: object): Promise<unknown> {
    return this.api.sendCommand({ targetId: w.target.targetId }, method, params);
  }
}

function targetOf(t: DebuggerTargetInfo): WorkerTarget {
  return { sessionId: `${SESSION_PREFIX}${t.id}`, targetId: t.id, type: 'shared_worker', url: t.url, ...(t.title !== '' && t.title !== t.url ? { title: t.title } : {}) };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
