/**
 * When the background records inside a tab's workers (issue 13): while at least one panel is
 * subscribed for the tab and "Record inside workers" is on for the origin of its top document, one
 * TabWorkerRecording (extension/workerDebugger.ts) is attached to it. It is stopped (detached) when the
 * setting goes off, the tab's last panel goes, the tab closes, or the top document moves to an origin
 * where the setting is off. An attachment that ends without being asked to (the user cancelled the
 * browser's debugging bar, the tab went to a page that cannot be debugged) is reported as `stopped`
 * and not retried, even after a restart of the background (`StoppedRecord` is kept in
 * storage.session), until the user switches the setting on again or the top document moves to
 * another origin: re-attaching by itself would bring the bar back as fast as the user dismisses it.
 *
 * The workers' batches are routed to the session's panels like a frame relay's (WorkerStream), and
 * kept within a bound for panels that subscribe again; so are the browser's reports of the tab's window
 * messages dropped for their `targetOrigin` (OriginDropStream, one per top document, across
 * attachments). No extension API is used here: the background
 * hands everything in (WorkerTabsHost), so the whole lifecycle runs in unit tests.
 */
import type { FrameRef, RealmId } from '../model/protocol';
import { WORKERS_UNRECORDED_LISTED, type BackgroundToPanel, type WorkersState, type WorkersStatus } from '../model/relay';
import { settingOrigin } from './workerSetting';
import { TabWorkerRecording, type DebuggerApi, type WorkerRecorderSource, type WorkerRecordingEvents, type WorkerTarget } from './workerDebugger';
import { WorkerStream, workerPlace } from './workerStream';
import type { SharedWorkers } from './sharedWorkers';
import { OriginDropStream } from './originDropStream';

export interface WorkerTabsHost {
  /** `chrome.debugger`; null where the browser has no debugging protocol for extensions (Firefox). */
  api: DebuggerApi | null;
  recorder(): Promise<WorkerRecorderSource>;
  /** The shared workers' attachments, one for all tabs (null where `api` is). */
  sharedWorkers?: SharedWorkers | null;
  saveSetting(origin: string, on: boolean): Promise<void>;
  /** The URL of the tab's top document, as the browser knows it now. */
  topUrl(tabId: number): Promise<string | undefined>;
  hasPanels(tabId: number): boolean;
  /** To every panel showing the tab's realms (its own, and those of the tabs up its opener chain). */
  toSessionPanels(tabId: number, message: BackgroundToPanel): void;
  /** To the tab's own panels (the setting is theirs). */
  toTabPanels(tabId: number, message: BackgroundToPanel): void;
  /** The frame that opened the tab, when it is a popup (its batches carry it, like a relay's). */
  opener(tabId: number): FrameRef | undefined;
  /** Where the `stopped` states are kept across restarts of the background (storage.session). */
  stoppedArea: { load(): Promise<unknown>; save(value: StoppedRecord): void };
}

/** Per tab id: the origin whose recording stopped by itself, and why. */
export type StoppedRecord = Record<string, { origin: string; reason: string }>;

/** Ended workers whose batches are kept per tab for panels that subscribe again. */
const GONE_WORKERS_KEPT = 20;

interface TabState {
  tabId: number;
  /** The top document's origin as the setting knows it (null: the setting cannot apply). */
  origin: string | null;
  recording: TabWorkerRecording | null;
  status: WorkersStatus;
  recorded: number;
  unrecorded: { url: string; reason: string }[];
  /** Live workers' streams, by protocol session. */
  streams: Map<string, WorkerStream>;
  gone: WorkerStream[];
  /** The browser's reports of the top document's dropped window messages, from the first one on. */
  drops: OriginDropStream | null;
  /** When the tab's top document last committed (epoch ms, the browser's stamp): a drop the browser
   *  reports from before it is the old page's, whose realms a panel has retired. */
  committedAt: number;
  /** Changes to the tab's recording happen one after the other (attaching takes a while). */
  queue: Promise<void>;
}

export class WorkerTabs {
  private readonly tabs = new Map<number, TabState>();
  private origins = new Set<string>();
  private stopped: StoppedRecord = {};
  private readonly ready: Promise<void>;
  /** Numbers the attachments: a log session is named by its attachment and its session id. */
  private attachments = 0;

  constructor(private readonly host: WorkerTabsHost) {
    this.ready = host.stoppedArea
      .load()
      .then((value) => {
        if (typeof value !== 'object' || value === null) return;
        for (const [tab, s] of Object.entries(value as Record<string, unknown>)) {
          const { origin, reason } = (s ?? {}) as { origin?: unknown; reason?: unknown };
          if (typeof origin === 'string' && typeof reason === 'string') this.stopped[tab] = { origin, reason };
        }
      })
      .catch(() => undefined);
  }

  /** The origins where the setting is on (from storage: at start and on every change). */
  settingChanged(origins: Set<string>): void {
    this.origins = origins;
    for (const tab of this.tabs.values()) this.reconcile(tab);
  }

  /** A panel of `tabId` subscribed: `send` reaches that panel only. */
  async panelSubscribed(tabId: number, send: (message: BackgroundToPanel) => void, have: Record<RealmId, number>): Promise<void> {
    await this.ready;
    const api = this.host.api;
    if (!api) return send({ kind: 'workers', state: { status: 'unavailable' } });
    let tab = this.tabs.get(tabId);
    if (!tab) {
      tab = this.newTab(tabId, settingOrigin(await this.host.topUrl(tabId).catch(() => undefined)));
      // (Another subscription may have made it while the URL was asked.)
      tab = this.tabs.get(tabId) ?? (this.tabs.set(tabId, tab), tab);
    }
    send({ kind: 'workers', state: this.stateOf(tab) });
    const has = (realm: string | null): number => (realm !== null && Object.hasOwn(have, realm) ? have[realm]! : 0);
    for (const stream of [...tab.gone, ...tab.streams.values()]) for (const routed of stream.batchesAfter(has(stream.realm))) send({ kind: 'batch', routed });
    for (const stream of tab.gone) if (stream.realm !== null) send({ kind: 'workerGone', realm: stream.realm, target: stream.place.target });
    if (tab.drops) for (const routed of tab.drops.batchesAfter(has(tab.drops.realm))) send({ kind: 'batch', routed });
    this.reconcile(tab);
  }

  /** A panel of `tabId` went (the background counts what is left). */
  panelsChanged(tabId: number): void {
    const tab = this.tabs.get(tabId);
    if (tab) this.reconcile(tab);
  }

  /** The panel's checkbox, for the origin the panel was last told of. */
  async setOn(tabId: number, on: boolean): Promise<void> {
    await this.ready;
    const tab = this.tabs.get(tabId);
    if (!tab || tab.origin === null) return;
    const origin = tab.origin;
    if (on) this.origins.add(origin);
    else this.origins.delete(origin);
    // Switching it on again is how the user retries after it stopped.
    this.forgetStopped(tabId);
    this.reconcile(tab);
    await this.host.saveSetting(origin, on);
  }

  /** A new top document committed in the tab (`at`: the browser's stamp of the commit, epoch ms). */
  topCommitted(tabId: number, url: string, at = -Infinity): void {
    const tab = this.tabs.get(tabId);
    if (!tab) return;
    // A new page, a new reporter: a panel retires the realms of the old page on its first realm (and
    // the browser keeps no log entry of the old page to hand again).
    tab.drops?.flush();
    tab.drops = null;
    tab.committedAt = at;
    const origin = settingOrigin(url);
    if (origin === tab.origin) return;
    tab.origin = origin;
    const stopped = this.stopped[String(tabId)];
    if (stopped && stopped.origin !== origin) this.forgetStopped(tabId);
    this.reconcile(tab);
  }

  /**
   * The tab's top frame starts navigating: when the new origin has the setting on, attach now, so the
   * new document's first workers start paused (attaching after the commit could be too late for
   * them). Nothing stops here: the navigation may not commit (a download, a 204).
   */
  topNavigating(tabId: number, url: string): void {
    const tab = this.tabs.get(tabId);
    const origin = settingOrigin(url);
    if (!tab || tab.recording || origin === null || !this.wanted(tab, origin)) return;
    tab.origin = origin;
    this.reconcile(tab);
  }

  tabClosed(tabId: number): void {
    const tab = this.tabs.get(tabId);
    this.tabs.delete(tabId);
    if (this.stopped[String(tabId)]) this.forgetStopped(tabId);
    if (!tab) return;
    // (A popup's reports go to its opener's panels, which outlive it.)
    tab.drops?.flush();
    const recording = tab.recording;
    tab.recording = null;
    if (recording) tab.queue = tab.queue.then(() => recording.stop());
  }

  /** For tests and diagnostics: the state a panel of the tab is shown. */
  state(tabId: number): WorkersState | undefined {
    const tab = this.tabs.get(tabId);
    return tab && this.stateOf(tab);
  }

  /** Waits for every change under way (tests). */
  async settled(): Promise<void> {
    await this.ready;
    for (;;) {
      const queues = [...this.tabs.values()].map((t) => t.queue);
      await Promise.all(queues);
      if ([...this.tabs.values()].every((t, i) => t.queue === queues[i])) return;
    }
  }

  private newTab(tabId: number, origin: string | null): TabState {
    return { tabId, origin, recording: null, status: 'off', recorded: 0, unrecorded: [], streams: new Map(), gone: [], drops: null, committedAt: -Infinity, queue: Promise.resolve() };
  }

  private wanted(tab: TabState, origin: string | null): boolean {
    return this.host.api !== null && origin !== null && this.origins.has(origin) && this.host.hasPanels(tab.tabId) && this.stopped[String(tab.tabId)]?.origin !== origin;
  }

  private stateOf(tab: TabState): WorkersState {
    if (!this.host.api) return { status: 'unavailable' };
    const stopped = this.stopped[String(tab.tabId)];
    const on = tab.origin !== null && this.origins.has(tab.origin);
    const base = { origin: tab.origin, on, recorded: tab.recorded, unrecorded: [...tab.unrecorded] };
    if (!tab.recording && stopped && stopped.origin === tab.origin && on) return { status: 'stopped', reason: stopped.reason, ...base };
    return { status: tab.recording ? tab.status : 'off', ...base };
  }

  private tell(tab: TabState): void {
    if (this.tabs.get(tab.tabId) === tab) this.host.toTabPanels(tab.tabId, { kind: 'workers', state: this.stateOf(tab) });
  }

  private forgetStopped(tabId: number): void {
    delete this.stopped[String(tabId)];
    this.host.stoppedArea.save({ ...this.stopped });
  }

  /** Starts or stops the tab's recording to match what is wanted now, after any change under way. */
  private reconcile(tab: TabState): void {
    tab.queue = tab.queue.then(async () => {
      if (this.tabs.get(tab.tabId) !== tab) return;
      const want = this.wanted(tab, tab.origin);
      if (want && !tab.recording) await this.start(tab);
      else if (!want && tab.recording) {
        const recording = tab.recording;
        tab.recording = null;
        await recording.stop();
      }
      this.tell(tab);
    });
  }

  private async start(tab: TabState): Promise<void> {
    const recording: TabWorkerRecording = new TabWorkerRecording(tab.tabId, this.host.api!, () => this.host.recorder(), this.eventsFor(tab, () => recording), this.host.sharedWorkers ?? undefined);
    tab.recording = recording;
    tab.status = 'starting';
    tab.recorded = 0;
    tab.unrecorded = [];
    this.tell(tab);
    try {
      await recording.start();
      if (tab.recording === recording) tab.status = 'recording';
    } catch (err) {
      if (tab.recording === recording) this.stoppedByItself(tab, recording, `could not attach: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private stoppedByItself(tab: TabState, recording: TabWorkerRecording, reason: string): void {
    if (tab.recording !== recording) return;
    tab.recording = null;
    if (tab.origin !== null) {
      this.stopped[String(tab.tabId)] = { origin: tab.origin, reason };
      this.host.stoppedArea.save({ ...this.stopped });
    }
    this.tell(tab);
  }

  private eventsFor(tab: TabState, current: () => TabWorkerRecording): WorkerRecordingEvents {
    const live = (): boolean => tab.recording === current();
    const attachment = ++this.attachments;
    const streamOf = (t: WorkerTarget): WorkerStream => {
      let stream = tab.streams.get(t.sessionId);
      if (!stream) {
        stream = new WorkerStream(tab.tabId, workerPlace(t), () => this.host.opener(tab.tabId));
        tab.streams.set(t.sessionId, stream);
      }
      return stream;
    };
    return {
      workerRecorded: (t: WorkerTarget): void => {
        if (!live()) return;
        tab.recorded++;
        streamOf(t);
        this.tell(tab);
      },
      workerUnrecorded: (t: WorkerTarget, reason: string): void => {
        if (!live()) return;
        tab.unrecorded = [...tab.unrecorded, { url: t.url, reason }].slice(-WORKERS_UNRECORDED_LISTED);
        this.tell(tab);
      },
      batch: (t: WorkerTarget, payload: string): void => {
        if (!live()) return;
        const result = streamOf(t).accept(payload);
        if ('error' in result) console.warn(`[Entangle] rejected a batch from the worker ${t.url}: ${result.error}`);
        else this.host.toSessionPanels(tab.tabId, { kind: 'batch', routed: result.routed });
      },
      // (Also for every worker when the recording stops: their batches have nowhere to go any more.)
      workerGone: (t: WorkerTarget): void => {
        const stream = tab.streams.get(t.sessionId);
        if (!stream) return;
        tab.streams.delete(t.sessionId);
        if (stream.realm === null) return;
        tab.gone = [...tab.gone, stream].slice(-GONE_WORKERS_KEPT);
        this.host.toSessionPanels(tab.tabId, { kind: 'workerGone', realm: stream.realm, target: stream.place.target });
      },
      windowMessageDropped: (report, session): void => {
        // (The old page's report, arriving after the new page committed, would start the new page's
        // reporter before the new page: a panel would then retire it with the old page.)
        if (!live() || report.t < tab.committedAt) return;
        tab.drops ??= new OriginDropStream(tab.tabId, (routed) => this.host.toSessionPanels(tab.tabId, { kind: 'batch', routed }), () => this.host.opener(tab.tabId));
        tab.drops.add(report, `${attachment} ${session ?? 'tab'}`);
      },
      ended: (reason: string): void => this.stoppedByItself(tab, current(), reason),
    };
  }
}
