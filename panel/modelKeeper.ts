/**
 * Keeps the capture model (model/correlator.ts) of the events the panel's log holds.
 *
 * The correlator is fed the same records as the log, as they are accepted, so the model is never more
 * than one `model()` call away. Its memory follows the log's bound: the log evicts its oldest events, and
 * once a quarter of the bound has been evicted the correlator is rebuilt from the events still held. A
 * clear starts a new correlator the same way.
 *
 * What a rebuild keeps of the evicted (or cleared) part: the structure — realms started, channels
 * created, workers created, ports started and closed (a bounded list, CONTEXT_BOUND) — so that later
 * messages still find their channel and partner — the custody steps of ports that moved to another
 * realm (the joins whose carrying message was cut, at most CONTEXT_JOINS_BOUND; not those from or
 * to a realm the tab navigated away from), so traffic on a port transferred before the cut is still
 * matched with its partner's, and per port how its pairs straddle the cut (a send cut whose receipt
 * is held or still to come pairs with nothing). The rest of that part is marked as left out on
 * purpose, not as a gap. Not kept: the carrying messages themselves.
 */
import { correlateSaved, createCorrelator, type CaptureModel, type Correlator, type PortJoin } from '../model/correlator';
import { CONTEXT_BOUND, CONTEXT_JOINS_BOUND, CONTEXT_TYPES, recordWithFacts, type LogContext, type LogGap, type LogRecord } from '../model/log';
import type { FrameRef, RealmId, UntrustedReason, WorkerPlace } from '../model/protocol';

/** What the keeper reads of the log: its entries in arrival order, the first one's arrival index and its bound. */
export interface KeptLog extends Iterable<KeptEntry> {
  readonly bound: number;
  readonly start: number;
}

/** What the keeper needs of a log entry. */
export interface KeptEntry {
  index: number;
  realm: RealmId;
  tabId: number;
  frameId: number;
  event: LogRecord['event'];
}

/** What the keeper needs to know of a realm to introduce it to a new correlator. */
export interface KnownRealm {
  realm: RealmId;
  /** The realm's `realmStarted` record, when one was seen. */
  started?: LogRecord;
  /** Highest sequence number accounted for (held, evicted, not recorded, or missing). */
  highestSeq: number;
  /** When the background reported its frame gone (epoch ms, like event times). */
  goneAt?: number;
  /** The parent frame's id and the document URL the background reported: log entries do not carry
   *  them, and without them a rebuilt model could not place the realm in the frame tree. */
  parentFrameId?: number;
  documentUrl?: string;
  opener?: FrameRef;
  untrusted?: UntrustedReason;
  worker?: WorkerPlace;
}

/** Rebuild the correlator once this share of the log's bound has been evicted since the last build. */
export const REBUILD_AFTER_EVICTED = 0.25;

export class ModelKeeper {
  /** Null once settled (see `settle`). */
  private correlator: Correlator | null = createCorrelator();
  /** What a settled keeper still answers: the model, and the context of a capture of the log. */
  private settled: { model: CaptureModel; context: LogContext } | null = null;
  private evictedSinceBuild = 0;
  /** Structure records (CONTEXT_TYPES) in arrival order, at most CONTEXT_BOUND (the oldest go first). */
  private structure: LogRecord[] = [];
  /** Model builds from scratch (clears and eviction rebuilds), for the panel's diagnostics and tests. */
  rebuilds = 0;

  constructor(private readonly log: KeptLog) {}

  /** Records just added to the log (consecutive arrival indexes from `firstIndex`) and reported gaps. */
  appended(records: readonly LogRecord[], gaps: readonly LogGap[], firstIndex: number): void {
    if (records.length === 0 && gaps.length === 0) return;
    this.working().append(records, gaps, firstIndex);
    this.remember(records);
  }

  /** Events of `realm` up to `seq` were not recorded (paused). */
  skipped(realm: RealmId, seq: number): void {
    this.working().resume(realm, seq);
  }

  realmGone(realm: RealmId, at: number): void {
    this.working().realmGone(realm, at);
  }

  /** The log evicted `n` entries; rebuild from what it holds once enough are gone. */
  evicted(n: number, realms: Iterable<KnownRealm>): void {
    this.evictedSinceBuild += n;
    if (this.evictedSinceBuild >= this.log.bound * REBUILD_AFTER_EVICTED) this.rebuild(realms);
  }

  /** The log was cleared: a new model, with the realms known but no events. */
  cleared(realms: Iterable<KnownRealm>): void {
    this.correlator = this.fresh(realms, () => Infinity);
    this.evictedSinceBuild = 0;
    this.rebuilds++;
  }

  /**
   * A capture was loaded into the empty log: `records` are exactly what it holds (arrival indexes from
   * `firstIndex`), with the gaps the capture names and what came before (its context). Correlated as
   * they are, without copying them (correlateSaved).
   */
  loaded(records: readonly LogRecord[], gaps: readonly LogGap[], firstIndex: number, context?: LogContext): void {
    if (context) this.remember(context.records);
    this.remember(records);
    this.correlator = correlateSaved(context ? { records, gaps, context } : { records, gaps }, firstIndex);
    this.settled = null;
    this.evictedSinceBuild = 0;
    this.rebuilds++;
  }

  /** Keeps the structure records of `records` for later rebuilds (cut back to the bound only once it is
   *  passed by a quarter, so that a flood does not copy the list per batch). */
  private remember(records: readonly LogRecord[]): void {
    // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
    for (let i = 0; i < records.length; i++) if (CONTEXT_TYPES.has(records[i]!.event.type)) this.structure.push(records[i]!);
    if (this.structure.length > CONTEXT_BOUND * 1.25) this.structure = this.structure.slice(-CONTEXT_BOUND);
  }

  /** Per realm, the first sequence number the log still holds: everything before it was cut. */
  private firstHeld(): Map<RealmId, number> {
    const firstHeld = new Map<RealmId, number>();
    for (const entry of this.log) if (!firstHeld.has(entry.realm)) firstHeld.set(entry.realm, entry.event.seq);
    return firstHeld;
  }

  /** What a capture of the log needs from before the events it holds (LogContext). */
  context(realms: Iterable<KnownRealm>): LogContext {
    if (this.settled) return this.settled.context;
    const firstHeld = this.firstHeld();
    const list = [...realms];
    return this.contextAt(cutsOf(list, (id) => firstHeld.get(id)), list);
  }

  /** A new correlator over the events the log holds. */
  rebuild(realms: Iterable<KnownRealm>): void {
    const firstHeld = this.firstHeld();
    const list = [...realms];
    const byId = new Map(list.map((r) => [r.realm, r]));
    const c = this.fresh(list, (id) => firstHeld.get(id));
    const records: LogRecord[] = [];
    for (const e of this.log) records.push(recordWithFacts(e, byId.get(e.realm)));
    c.append(records, [], this.log.start);
    this.correlator = c;
    this.evictedSinceBuild = 0;
    this.rebuilds++;
  }

  model(): CaptureModel {
    return this.settled?.model ?? this.working().model();
  }

  /**
   * The log takes nothing more (an opened capture: no batches, no clear): keeps the model and the
   * context of a capture of the log, worked out now, and lets the correlator go — its working state
   * (per send and receipt, what it matched and how) was 14 MB of a 100,000-message capture's heap
   * (issue 12). After this the keeper answers `model` and `context` only; `loaded` starts it again.
   */
  settle(realms: Iterable<KnownRealm>): void {
    if (this.settled) return;
    this.settled = { model: this.working().model(), context: this.context(realms) };
    this.correlator = null;
  }

  /** The correlator, which a settled keeper no longer has: nothing may change its log. */
  private working(): Correlator {
    if (this.correlator === null) throw new Error('ModelKeeper: settled (an opened capture takes no more events)');
    return this.correlator;
  }

  /**
   * A correlator that knows each realm (its `realmStarted` record, when that was evicted or cleared)
   * and treats its sequence numbers below `resumeAt(realm)` as left out on purpose.
   */
  private fresh(realms: Iterable<KnownRealm>, firstHeldSeq: (id: RealmId) => number | undefined): Correlator {
    // A settled keeper cleared or rebuilt (no panel control does that to an opened capture) starts
    // over from its structure: its correlator's joins and cut pairs went when it settled.
    if (this.settled) {
      this.settled = null;
      this.correlator = createCorrelator();
    }
    const c = createCorrelator();
    const list = [...realms];
    const cut = cutsOf(list, firstHeldSeq);
    // Realms the tab navigated away from are not known any more: their structure goes too.
    this.structure = this.structure.filter((rec) => cut.has(rec.realm));
    c.startAfter(this.contextAt(cut, list));
    for (const r of list) {
      const upTo = cut.get(r.realm) ?? 0;
      if (upTo > 0) c.resume(r.realm, upTo);
      if (r.goneAt !== undefined) c.realmGone(r.realm, r.goneAt);
    }
    return c;
  }

  /**
   * What the current correlator knows from before `cut` (per realm, the last seq cut) that one built
   * over what follows needs: the scene, the custody steps it could not make again, the pairs that
   * straddle the cut. Within the capture format's bounds (the newest kept): a capture of it must be
   * readable back.
   */
  private contextAt(cut: ReadonlyMap<RealmId, number>, realms: readonly KnownRealm[]): LogContext {
    const records = this.seedsBefore(cut, realms);
    const pairsCut = this.working().pairsCut((id) => cut.get(id) ?? Infinity);
    return {
      records: records.length > CONTEXT_BOUND ? records.slice(-CONTEXT_BOUND) : records,
      joins: this.joinsCut(cut),
      pairsCut: pairsCut.length > CONTEXT_JOINS_BOUND ? pairsCut.slice(-CONTEXT_JOINS_BOUND) : pairsCut,
    };
  }

  /** The structure records at or before each realm's cut, in arrival order. */
  private seedsBefore(cut: ReadonlyMap<RealmId, number>, realms: readonly KnownRealm[]): LogRecord[] {
    const seeds = this.structure.filter((rec) => cut.has(rec.realm) && rec.event.seq <= (cut.get(rec.realm) ?? 0));
    for (const r of realms) {
      // A realmStarted record lost to the structure bound still introduces its realm.
      if (r.started && r.started.event.seq <= (cut.get(r.realm) ?? 0) && !seeds.includes(r.started)) seeds.unshift(r.started);
    }
    return seeds;
  }

  /** The current correlator's custody steps that a correlator holding only what follows `cut` could
   *  not make again: some of their evidence is at or before the cut (per realm; unknown realms go). */
  private joinsCut(cut: ReadonlyMap<RealmId, number>): PortJoin[] {
    const out = this.working().joins().filter((j) => {
      // Ends in realms no longer known (a page navigated away) go; a port in a worker is never "known".
      if ((j.from.observed && !cut.has(j.from.realm)) || (j.to.observed && !cut.has(j.to.realm))) return false;
      return j.evidence.length === 0 || j.evidence.some((e) => e.seq <= (cut.get(e.realm) ?? Infinity));
    });
    return out.length > CONTEXT_JOINS_BOUND ? out.slice(-CONTEXT_JOINS_BOUND) : out;
  }
}

/** Per realm, the last sequence number of the part cut (cleared or evicted): before its first held one. */
function cutsOf(realms: readonly KnownRealm[], firstHeldSeq: (id: RealmId) => number | undefined): Map<RealmId, number> {
  const cut = new Map<RealmId, number>();
  for (const r of realms) {
    const first = firstHeldSeq(r.realm);
    cut.set(r.realm, first === undefined ? r.highestSeq : Math.min(first - 1, r.highestSeq));
  }
  return cut;
}
