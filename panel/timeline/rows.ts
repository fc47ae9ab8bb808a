/**
 * The timeline's rows, pure (no React): one row per message of the capture model, plus — when asked —
 * one per other log event (realm started, channel created, port started/closed, worker created,
 * recorder fault) and one per gap, merged by time; the filters over them; and how a status looks.
 *
 * Cost model (100,000 messages):
 * - `buildRows` is memoised per model object. Message rows are reused per `MessageModel` object (the
 *   correlator reuses settled messages between models): a new model costs one array of the size of
 *   the model, an identity compare per message against the previous model (`messageRowsOf`) and a row
 *   for each message that is new. Event rows come from an incremental scan of
 *   the log (only entries appended since the last scan are read; evicted ones are dropped).
 * - `filterRows` compiles the filter once and makes one pass. The lower-case search text of a row is
 *   built the first time a text filter needs it and kept on the row (so per `MessageModel` / log entry).
 * - `viewRows` memoises the filter result per (rows, filter, focus) so the timeline and the filter bar
 *   share one computation per change.
 */
import type { CaptureModel, GapModel, MessageModel, MessageStatus, RealmModel, StatusReason } from '../../model/correlator';
import { serviceWorkerRealmId } from '../../model/correlator';
import { UNWATCHED_HEAD_EVENTS } from '../../model/relay';
import type { EntangleEvent, PortId, RealmId, Route } from '../../model/protocol';
import type { ModelIndex } from '../modelIndex';
import type { LogEntry } from '../store';
import { senderUnknownLabel } from '../explain';
import { payloadSummary, type PayloadSummary } from '../payloadSummary';
import { realmNamesOf } from '../realmNames';
import { previewText, shortPort, summarize } from '../summary';

export { shortPort };
import type { Focus, Selection, TimelineFilter } from '../viewState';
import { compileQuery, parsedQuery, type CompiledQuery } from './filterQuery';

// ── rows ─────────────────────────────────────────────────────────────────────

export interface MessageRow {
  readonly kind: 'message';
  /** Unique among the rows: `m:${message.id}`. */
  readonly key: string;
  /** Send time, else receipt time (the model's order). */
  readonly t: number;
  readonly message: MessageModel;
  /** The part of its lower-case search text kept with the row (the preview's above all), filled the
   *  first time a text filter needs it (see `Searchable`). */
  text?: string;
  /** The fields of its search text from the route to the ports (lower case), shared with every message
   *  that has the same (see `headText`). */
  head?: string;
}

/** A message's row: its key and time are read from the message when asked for, not stored — a string
 *  and a boxed number less per row, 200,000 objects less in a large capture's heap. */
class MessageRowOf implements MessageRow {
  readonly kind = 'message';
  text?: string;
  head?: string;
  constructor(readonly message: MessageModel) {}
  get key(): string {
    return `m:${this.message.id}`;
  }
  get t(): number {
    return this.message.sentAt ?? this.message.receivedAt ?? 0;
  }
}

/** A log entry that is not a message (messages are shown by their message rows). */
export interface EventRow {
  kind: 'event';
  /** `e:${index}`. */
  key: string;
  t: number;
  /** Arrival index of the entry. */
  index: number;
  entry: LogEntry;
  /** Lower-case search text, filled the first time a text filter needs it. */
  text?: string;
}

export interface GapRow {
  kind: 'gap';
  /** `g:${realm}:${from}`. */
  key: string;
  t: number;
  gap: GapModel;
}

export type TimelineRow = MessageRow | EventRow | GapRow;

/** What `buildRows` needs of the log: the store's `EventLog<LogEntry>` (arrival indexes start..end-1). */
export interface RowLog {
  readonly start: number;
  readonly end: number;
  byIndex(index: number): LogEntry | undefined;
}

export const MESSAGE_STATUSES: readonly MessageStatus[] = ['delivered', 'queued', 'in-flight', 'failed', 'lost', 'doomed', 'dropped-origin'];
export const ROUTES: readonly Route[] = ['port', 'window', 'worker', 'broadcast'];

/** The statuses "errors only" keeps. */
export function isErrorStatus(s: MessageStatus): boolean {
  return s === 'failed' || s === 'lost' || s === 'doomed' || s === 'dropped-origin';
}

/** Event types shown by message rows rather than event rows. */
export function isMessageEvent(e: EntangleEvent): boolean {
  return e.type === 'messageSent' || e.type === 'messageReceived' || e.type === 'messageUndeserializable' || e.type === 'windowMessageDropped';
}

/** The id a row carries in `data-id`: the message id, the arrival index, or `${realm}:${from}` for a gap. */
export function rowId(row: TimelineRow): string {
  switch (row.kind) {
    case 'message':
      return row.message.id;
    case 'event':
      return String(row.index);
    case 'gap':
      return `${row.gap.realm}:${row.gap.from}`;
  }
}

export function gapKey(realm: RealmId, from: number): string {
  return `g:${realm}:${from}`;
}

/** The row key a selection points at (see viewState's `Selection`). */
export function selectionKey(sel: Selection | null): string | null {
  if (sel === null) return null;
  switch (sel.kind) {
    case 'message':
      return `m:${sel.id}`;
    case 'event':
      return `e:${sel.index}`;
    case 'gap':
      return gapKey(sel.realm, sel.from);
  }
}

/** The last model's messages and their rows: most messages of the next model are the same objects at
 *  the same place, or a few places off, which an identity compare finds (messageRowsOf). A message
 *  whose object is new — new, or settled since — gets a new row. A row keeps its search text, so reuse
 *  keeps filtering cheap. (There was also a WeakMap of rows by message, for messages found nowhere
 *  near their place: during a flood it took an entry per new message, and its ephemeron table was a
 *  large part of the panel's garbage collection, issue 12.) Kept per log (per store): the next model
 *  of a log is the one that shares its messages; a capture opened after another, or after the live
 *  log, is a first build, and a closed capture's rows go with its log instead of staying held here
 *  until the next build. */
interface LastRows {
  messages: readonly MessageModel[];
  rows: readonly MessageRow[];
}
const lastRowsOf = new WeakMap<RowLog, LastRows>();

/** For tests: indexes of a last model's messages that messageRowsOf made. */
export const rowStats = { indexes: 0 };

function messageRowsOf(messages: readonly MessageModel[], log: RowLog): MessageRow[] {
  const out = new Array<MessageRow>(messages.length);
  const last = lastRowsOf.get(log);
  const prevM = last?.messages ?? [];
  const prevR = last?.rows ?? [];
  // messages[i] is expected at prevM[i + d]. Messages come and go between models (a receipt paired
  // with a late send leaves, a new one arrives at its time) or are made again in place (a send that
  // got its receipt, every message after the keeper's rebuild: the same id, a new object, a new
  // row). The first is looked for wherever it is, every later one a few places around where expected.
  // A run of misses that are not made-again messages means a block came or went: the place is found
  // again through an index of the last model's messages, made at most once per build.
  let d = messages.length > 0 ? Math.max(0, prevM.indexOf(messages[0] as MessageModel)) : 0;
  let misses = 0;
  let where: Map<MessageModel, number> | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as MessageModel;
    let j = i + d;
    if (prevM[j] === m || prevM[j]?.id === m.id) misses = 0;
    else {
      let at = near(prevM, m, j);
      if (at < 0 && (where !== null || (j < prevM.length && ++misses > 2 * NEAR))) {
        if (where === null) {
          where = new Map(prevM.map((x, k) => [x, k]));
          rowStats.indexes++;
        }
        at = where.get(m) ?? -1;
      }
      if (at >= 0) {
        d = at - i;
        misses = 0;
      }
      j = i + d;
    }
    out[i] = prevM[j] === m ? (prevR[j] as MessageRow) : new MessageRowOf(m);
  }
  lastRowsOf.set(log, { messages, rows: out });
  return out;
}

/** How far around its expected place a message is looked for among the last model's: messages that
 *  settle or appear out of order move by a few places. */
const NEAR = 8;

/** Where `m` is in `prevM` within NEAR places of `j`, or -1. */
function near(prevM: readonly MessageModel[], m: MessageModel, j: number): number {
  for (let k = 1; k <= NEAR; k++) {
    if (prevM[j + k] === m) return j + k;
    if (prevM[j - k] === m) return j - k;
  }
  return -1;
}

function gapRow(g: GapModel): GapRow {
  return { kind: 'gap', key: gapKey(g.realm, g.from), t: g.after ?? g.before ?? 0, gap: g };
}

/** What has been read of one log: its non-message entries as rows, in time order. */
interface LogScan {
  /** Arrival indexes below this were evicted (or cleared) when last scanned. */
  start: number;
  /** Next arrival index to read. */
  end: number;
  events: EventRow[];
  faults: EventRow[];
}

const scans = new WeakMap<RowLog, LogScan>();

/** Inserts keeping `list` ordered by `t` (stable; new rows are nearly always the latest). */
function insertByTime(list: EventRow[], row: EventRow): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as EventRow).t > row.t) i--;
  if (i === list.length) list.push(row);
  else list.splice(i, 0, row);
}

function scanLog(log: RowLog): LogScan {
  let scan = scans.get(log);
  if (!scan) {
    scan = { start: log.start, end: log.start, events: [], faults: [] };
    scans.set(log, scan);
  }
  if (log.start > scan.start) {
    const start = log.start;
    scan.events = scan.events.filter((r) => r.index >= start);
    scan.faults = scan.faults.filter((r) => r.index >= start);
    scan.start = start;
  }
  if (scan.end < log.start) scan.end = log.start;
  if (scan.end > log.end) {
    // A different log behind the same object (it never shrinks its end): start over.
    scan.events = [];
    scan.faults = [];
    scan.end = log.start;
  }
  for (let i = scan.end; i < log.end; i++) {
    const entry = log.byIndex(i);
    if (!entry || isMessageEvent(entry.event)) continue;
    const row: EventRow = { kind: 'event', key: `e:${entry.index}`, t: entry.event.t, index: entry.index, entry };
    insertByTime(scan.events, row);
    if (entry.event.type === 'recorderFault') insertByTime(scan.faults, row);
  }
  scan.end = log.end;
  return scan;
}

interface BuiltRows {
  plain?: readonly TimelineRow[];
  withEvents?: readonly TimelineRow[];
}

const built = new WeakMap<CaptureModel, BuiltRows>();

/**
 * Every row of the model: its messages (model order, which is by time), its gaps and the recorder
 * faults in the log, and — with `showEvents` — every other non-message log entry, merged by time.
 * At equal times an event comes before a message and a gap after it.
 * Gap and fault rows are always built (there are few); `filterRows` shows them with `showEvents` or
 * `errorsOnly`. Memoised per model object: call it freely on every redraw.
 */
export function buildRows(model: CaptureModel, log: RowLog, showEvents: boolean): readonly TimelineRow[] {
  let cached = built.get(model);
  if (!cached) {
    cached = {};
    built.set(model, cached);
  }
  const have = showEvents ? cached.withEvents : cached.plain;
  if (have) return have;

  const messages = model.messages;
  let events: readonly EventRow[] = [];
  if (showEvents || model.totals.faults > 0) {
    const scan = scanLog(log);
    events = showEvents ? scan.events : scan.faults;
  }
  const gaps = model.gaps;
  let rows: TimelineRow[];
  const mrows = messageRowsOf(messages, log);
  if (events.length === 0 && gaps.length === 0) {
    rows = mrows;
  } else {
    rows = [];
    let e = 0;
    let g = 0;
    const gapRows = gaps.map(gapRow);
    // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
    for (let i = 0; i < mrows.length; i++) {
      const row = mrows[i]!;
      while (e < events.length && (events[e] as EventRow).t <= row.t) rows.push(events[e++] as EventRow);
      while (g < gapRows.length && (gapRows[g] as GapRow).t < row.t) rows.push(gapRows[g++] as GapRow);
      rows.push(row);
    }
    // The rest, still merged by time.
    while (e < events.length || g < gapRows.length) {
      const ev = events[e];
      const gp = gapRows[g];
      if (ev && (!gp || ev.t <= gp.t)) {
        rows.push(ev);
        e++;
      } else if (gp) {
        rows.push(gp);
        g++;
      }
    }
  }
  if (showEvents) cached.withEvents = rows;
  else cached.plain = rows;
  return rows;
}

// ── search text ──────────────────────────────────────────────────────────────

/** Longest preview text searched (longer previews are searched over their first part). */
export const SEARCH_PREVIEW_CHARS = 200;

/**
 * What a text test reads of a row: its search text (lower case, fields separated by newlines), or only
 * whether that holds a piece of text — which, for a message, is answered part by part without building
 * the text: its head (route, status, realms and their URLs, ports: one string shared by the messages
 * that have the same) and its kept part (its id, and the preview text above all).
 * A row kept its whole text before: 100,000 of them were 16 MB (issue 12).
 */
export interface Searchable {
  /** The whole lower-case search text. */
  text(): string;
  /** `text().includes(needle)` for a lower-case `needle`, without building the text where it can. */
  includes(needle: string): boolean;
}

/** A message's search fields between its id and its kept part, in the text's order (each as given,
 *  not lower case): `each` is called per field until it returns true; returns whether one did. */
function someHeadField(m: MessageModel, realms: ReadonlyMap<RealmId, RealmModel> | undefined, each: (field: string) => boolean): boolean {
  if (each(m.route) || each(m.status)) return true;
  if (m.reason !== undefined && each(m.reason)) return true;
  if (m.fromRealm !== undefined) {
    if (someRealmField(m.fromRealm, realms, each)) return true;
  } else if (m.senderUnknown !== undefined && (each('unknown sender') || each(m.senderUnknown))) return true;
  if (m.fromPort !== undefined && each(m.fromPort)) return true;
  if (m.toRealm !== undefined && someRealmField(m.toRealm, realms, each)) return true;
  // A broadcast's receivers (its own deliveries only: the cost stays per message).
  if (m.deliveries !== undefined) for (const d of m.deliveries) if (d.toRealm !== m.toRealm && someRealmField(d.toRealm, realms, each)) return true;
  return m.toPort !== undefined && each(m.toPort);
}

/** A realm's search fields: its id, and its URL when known. */
function someRealmField(id: RealmId, realms: ReadonlyMap<RealmId, RealmModel> | undefined, each: (field: string) => boolean): boolean {
  if (each(id)) return true;
  const url = realms?.get(id)?.url;
  return url !== undefined && each(url);
}

/** The part of a message's search text kept with its row (lower case): its id, then the fields after
 *  the ports — channel name, worker, error, ambiguity, transfers and the preview text (most often the
 *  id and the preview only). The id is kept here, not read from the model, so that a filter pass tests
 *  two strings per message, not three. */
function keptTextOf(m: MessageModel): string {
  const parts: string[] = [m.id];
  if (m.channelName !== undefined) parts.push(m.channelName);
  if (m.worker !== undefined) parts.push(m.worker);
  if (m.error) parts.push(`${m.error.name}: ${m.error.message}`);
  if (m.dropped) parts.push(m.dropped.targetOrigin, m.dropped.recipientOrigin, ...(m.dropped.url !== undefined ? [m.dropped.url] : []));
  if (m.ambiguous) parts.push('ambiguous', ...(m.ambiguity ?? []));
  for (const t of m.transfers) parts.push(t.port !== undefined ? `${t.kind} ${t.port}` : t.kind);
  if (m.preview !== undefined) parts.push(previewText(m.preview, SEARCH_PREVIEW_CHARS));
  return parts.join('\n').toLowerCase();
}

function keptText(row: MessageRow): string {
  return (row.text ??= keptTextOf(row.message));
}

/** Per realms map, the head texts made with it, each kept once: messages on the same ports with the
 *  same status share theirs. Cleared when it grows past HEADS_SHARED (then texts are no longer shared). */
const heads = new WeakMap<object, Map<string, string>>();
const NO_REALMS = {};
const HEADS_SHARED = 50_000;

/** A message's search fields from the route to the ports, lower case: route, status, reason, the
 *  realms (ids and URLs from `realms`) and the ports. Kept with its row, as one string per distinct
 *  value: many messages share one (they repeat per port and status), where the id and the preview are
 *  each message's own. */
function headText(row: MessageRow, realms: ReadonlyMap<RealmId, RealmModel> | undefined): string {
  if (row.head !== undefined) return row.head;
  const parts: string[] = [];
  someHeadField(row.message, realms, (field) => {
    parts.push(field);
    return false;
  });
  const text = parts.join('\n').toLowerCase();
  const key = realms ?? NO_REALMS;
  let shared = heads.get(key);
  if (!shared || shared.size >= HEADS_SHARED) {
    shared = new Map();
    heads.set(key, shared);
  }
  let head = shared.get(text);
  if (head === undefined) {
    head = text;
    shared.set(text, text);
  }
  return (row.head = head);
}

/** The whole lower-case text a text filter searches for a message (fields separated by newlines). */
function searchTextOf(row: MessageRow, realms?: ReadonlyMap<RealmId, RealmModel>): string {
  const id = row.message.id.toLowerCase();
  const rest = keptText(row).slice(id.length + 1);
  return `${id}\n${headText(row, realms)}${rest !== '' ? `\n${rest}` : ''}`;
}

/** The search of the message rows of one filter pass: point `row` at a row, then test. Whether a head
 *  holds a needle is remembered per head for the pass (few distinct heads; a look-up costs less than
 *  a search). */
class MessageSearch implements Searchable {
  row: MessageRow | null = null;
  private readonly headHolds = new Map<string, Map<string, boolean>>();
  private lastNeedle: string | null = null;
  private lastHolds = new Map<string, boolean>();
  constructor(private readonly realms: ReadonlyMap<RealmId, RealmModel> | undefined) {}

  text(): string {
    return searchTextOf(this.row as MessageRow, this.realms);
  }

  includes(needle: string): boolean {
    const row = this.row as MessageRow;
    // A needle across fields (never typed: the filter box has one line) is looked for in the whole text.
    if (needle.includes('\n')) return this.text().includes(needle);
    if (keptText(row).includes(needle)) return true;
    if (needle !== this.lastNeedle) {
      let holds = this.headHolds.get(needle);
      if (!holds) {
        holds = new Map();
        this.headHolds.set(needle, holds);
      }
      this.lastNeedle = needle;
      this.lastHolds = holds;
    }
    const head = headText(row, this.realms);
    let has = this.lastHolds.get(head);
    if (has === undefined) {
      has = head.includes(needle);
      this.lastHolds.set(head, has);
    }
    return has;
  }
}

/** A search over a text made already (event and gap rows). */
class TextSearch implements Searchable {
  constructor(private readonly s: string) {}
  text(): string {
    return this.s;
  }
  includes(needle: string): boolean {
    return this.s.includes(needle);
  }
}

/**
 * The lower-case text a text filter searches for a message: its id, route, status and reason, realm ids
 * and URLs (from `realms`, when given), port ids, channel name, worker, error, ambiguity, transfers and
 * the preview text as the timeline shows it. Made anew on each call (a timeline row keeps its own).
 */
export function messageSearchText(m: MessageModel, realms?: ReadonlyMap<RealmId, RealmModel>): string {
  return searchTextOf(new MessageRowOf(m), realms);
}

const entryText = new WeakMap<LogEntry, string>();

/** The lower-case text a text filter searches for a non-message event: its type, realm and summary. */
export function entrySearchText(entry: LogEntry): string {
  let s = entryText.get(entry);
  if (s === undefined) {
    s = [entry.event.type, eventLabel(entry.event), entry.realm, summarize(entry.event)].join('\n').toLowerCase();
    entryText.set(entry, s);
  }
  return s;
}

export function gapText(g: GapModel, realmName?: string): string {
  const n = g.to - g.from + 1;
  return `${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'} missing from ${realmName ?? g.realm} (${gapReasonText(g.reason)})`;
}

export function gapReasonText(reason: GapModel['reason']): string {
  switch (reason) {
    case 'relayBufferFull':
      return 'the relay buffer was full';
    case 'batchRejected':
      return 'a batch was rejected';
    case 'unwatched':
      return `kept only the first and last events (up to ${UNWATCHED_HEAD_EVENTS.toLocaleString('en-US')} each) while no panel was open`;
    case 'unknown':
      return 'reason unknown';
  }
}

function gapSearchText(g: GapModel): string {
  return `gap\n${g.realm}\n${gapText(g)}\n${g.reason}`.toLowerCase();
}

/** The text a row is searched by (lower case). */
export function rowSearchText(row: TimelineRow, realms?: ReadonlyMap<RealmId, RealmModel>): string {
  switch (row.kind) {
    case 'message':
      return searchTextOf(row, realms);
    case 'event':
      return (row.text ??= entrySearchText(row.entry));
    case 'gap':
      return gapSearchText(row.gap);
  }
}

const warmed = new WeakMap<readonly TimelineRow[], number>();

/**
 * Builds the search text of `rows` ahead of a text filter, for at most `budgetMs`; returns true when
 * every row has it. Call it again (in idle time) until it does: the filter bar starts this when the
 * text box gets focus, so the first keystroke on a large log does not pay for every preview at once.
 */
export function warmSearchText(
  rows: readonly TimelineRow[],
  budgetMs: number,
  realms?: ReadonlyMap<RealmId, RealmModel>,
  now: () => number = () => performance.now(),
): boolean {
  const until = now() + budgetMs;
  let i = warmed.get(rows) ?? 0;
  while (i < rows.length) {
    const end = Math.min(rows.length, i + 256);
    for (; i < end; i++) {
      const row = rows[i] as TimelineRow;
      if (row.kind === 'message') {
        keptText(row);
        headText(row, realms);
      }
      else rowSearchText(row, realms);
    }
    if (now() >= until) break;
  }
  warmed.set(rows, i);
  return i >= rows.length;
}

// ── filtering ────────────────────────────────────────────────────────────────

export interface FilterResult {
  rows: readonly TimelineRow[];
  /** The regular expression does not compile: shown to the user; nothing matches. */
  error: string | null;
  /** Message rows among `rows`. */
  messages: number;
}

/** Compiles the text filter as one plain string or (with `regex`) one regular expression: a test over a
 *  row's search text, null for "no text filter", or an error. `filterRows` uses it in regex mode; the
 *  filter language (`filterQuery.ts`) handles the text otherwise. */
export function textMatcher(filter: Pick<TimelineFilter, 'text' | 'regex'>): { test: ((s: Searchable) => boolean) | null; error: string | null } {
  if (filter.text === '') return { test: null, error: null };
  if (filter.regex) {
    let re: RegExp;
    try {
      // `m`: ^ and $ match at each field (fields are separated by newlines).
      re = new RegExp(filter.text, 'im');
    } catch (e) {
      return { test: () => false, error: e instanceof Error ? e.message : String(e) };
    }
    return { test: (s) => re.test(s.text()), error: null };
  }
  const needle = filter.text.toLowerCase();
  return { test: (s) => s.includes(needle), error: null };
}

/** Logical ids of the ports an event names (channel created, port started/closed). */
function eventPorts(e: EntangleEvent): PortId[] {
  switch (e.type) {
    case 'channelCreated':
      return [e.port1, e.port2];
    case 'portStarted':
    case 'portClosed':
      return [e.port];
    case 'messageSent':
    case 'messageReceived':
    case 'messageUndeserializable':
      return e.port !== undefined ? [e.port] : [];
    case 'workerCreated':
      return e.sharedPort !== undefined ? [e.sharedPort] : [];
    case 'realmStarted':
    case 'broadcastChannelCreated':
    case 'broadcastChannelClosed':
    case 'serviceWorkerFound':
    case 'realmGone':
    case 'recorderFault':
    case 'windowMessageDropped':
      return [];
  }
}

/** The message was sent from `realm`, or received there (as its receipt or one of a broadcast's
 *  deliveries). A message whose sender is unknown is never matched by a realm on its sending side. */
export function messageInRealm(m: MessageModel, realm: RealmId): boolean {
  if (m.fromRealm === realm || m.toRealm === realm) return true;
  const ds = m.deliveries;
  if (ds === undefined) return false;
  for (const d of ds) if (d.toRealm === realm) return true;
  return false;
}

interface FocusTest {
  message(m: MessageModel): boolean;
  entry(e: LogEntry): boolean;
  gap(g: GapModel): boolean;
}

function focusTest(focus: Focus, index: ModelIndex): FocusTest {
  const logical = (id: PortId): PortId => index.logicalPort.get(id) ?? id;
  switch (focus.kind) {
    case 'realm': {
      const id = focus.id;
      return {
        message: (m) => messageInRealm(m, id),
        // A worker realm's id is its Worker's local id; a service worker's is `serviceworker:<scriptURL>`
        // (one realm for every ServiceWorker object of that script: model/correlator.ts).
        entry: (e) =>
          e.realm === id ||
          (e.event.type === 'workerCreated' && e.event.worker === id) ||
          (e.event.type === 'serviceWorkerFound' && serviceWorkerRealmId(e.event.scriptURL) === id),
        gap: (g) => g.realm === id,
      };
    }
    case 'port': {
      const id = logical(focus.id);
      return {
        // The port's own traffic, and the messages that carried it somewhere.
        message: (m) => m.fromPort === id || m.toPort === id || m.transfers.some((t) => t.port === id),
        entry: (e) => eventPorts(e.event).some((p) => logical(p) === id),
        gap: () => false,
      };
    }
    case 'channel': {
      const id = focus.id;
      const ports = new Set<PortId>(index.channels.get(id)?.ports ?? []);
      for (const p of index.ports.values()) if (p.channel === id) ports.add(p.id);
      const has = (p: PortId | undefined): boolean => p !== undefined && ports.has(p);
      return {
        message: (m) => has(m.fromPort) || has(m.toPort),
        entry: (e) => (e.event.type === 'channelCreated' && e.event.channel === id) || eventPorts(e.event).some((p) => has(logical(p))),
        gap: () => false,
      };
    }
  }
}

function countMessages(rows: readonly TimelineRow[]): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i]!.kind === 'message') n++;
  return n;
}

/**
 * The rows the filter and the graph focus leave. Messages pass the text — the filter language of
 * `filterQuery.ts` (text terms, `-term`, `/regex/`, `key:value`), or with `regex` the whole text as one
 * regular expression — and the route, status, realm, focus and errors-only filters. Event rows show
 * with `showEvents` (recorder faults and gaps also with `errorsOnly` or `is:error`), and only while no
 * route or status filter and no other key term is set (events have no status, route or payload); they
 * pass the text terms over their summary, the realm filter and the focus by their realm or ports. Gaps
 * count as errors. The query is parsed (memoised per text) and compiled once per call, not per row.
 */
export function filterRows(rows: readonly TimelineRow[], filter: TimelineFilter, focus: Focus | null, index: ModelIndex): FilterResult {
  let test: ((s: Searchable) => boolean) | null;
  let keys: ((m: MessageModel) => boolean) | null = null;
  let keyOthers: CompiledQuery['others'] = 'all';
  if (filter.regex) {
    const text = textMatcher(filter);
    if (text.error !== null) return { rows: [], error: text.error, messages: 0 };
    test = text.test;
  } else {
    // Terms that cannot be understood are left out (the filter bar shows why): never an error here.
    const q = compileQuery(parsedQuery(filter.text), index);
    test = q.text;
    keys = q.message;
    keyOthers = q.others;
  }
  const routes = filter.routes.length > 0 ? new Set(filter.routes) : null;
  const statuses = filter.statuses.length > 0 ? new Set(filter.statuses) : null;
  const realm = filter.realm;
  const errorsOnly = filter.errorsOnly || keyOthers === 'problems';
  const showEvents = filter.showEvents;
  const showProblems = showEvents || errorsOnly;
  // Events have no route and no status: narrowing by either (or by any other key term) leaves messages only.
  const others = routes === null && statuses === null && keyOthers !== 'none';
  const focused = focus ? focusTest(focus, index) : null;

  if (!test && !keys && !routes && !statuses && realm === null && !errorsOnly && !focused) {
    // Nothing narrows: the rows themselves, when they hold nothing hidden (events without showEvents).
    const messages = countMessages(rows);
    if (showEvents || messages === rows.length) return { rows, error: null, messages };
  }

  const search = new MessageSearch(index.realms);
  const out: TimelineRow[] = [];
  let messages = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    switch (row.kind) {
      case 'message': {
        const m = row.message;
        if (routes && !routes.has(m.route)) continue;
        if (statuses && !statuses.has(m.status)) continue;
        if (errorsOnly && !isErrorStatus(m.status)) continue;
        if (realm !== null && !messageInRealm(m, realm)) continue;
        if (focused && !focused.message(m)) continue;
        if (keys && !keys(m)) continue;
        if (test) {
          search.row = row;
          if (!test(search)) continue;
        }
        messages++;
        break;
      }
      case 'event': {
        if (!others) continue;
        const fault = row.entry.event.type === 'recorderFault';
        if (!(fault ? showProblems : showEvents)) continue;
        if (errorsOnly && !fault) continue;
        if (realm !== null && row.entry.realm !== realm) continue;
        if (focused && !focused.entry(row.entry)) continue;
        if (test && !test(new TextSearch((row.text ??= entrySearchText(row.entry))))) continue;
        break;
      }
      case 'gap': {
        if (!others || !showProblems) continue;
        if (realm !== null && row.gap.realm !== realm) continue;
        if (focused && !focused.gap(row.gap)) continue;
        if (test && !test(new TextSearch(gapSearchText(row.gap)))) continue;
        break;
      }
    }
    out.push(row);
  }
  return { rows: out, error: null, messages };
}

interface ViewMemo {
  filter: TimelineFilter;
  focus: Focus | null;
  index: ModelIndex;
  result: FilterResult;
}

const views = new WeakMap<readonly TimelineRow[], ViewMemo>();

/**
 * `filterRows` memoised per rows array, by the identity of the filter and focus objects (the view store
 * replaces them on change): the timeline and the filter bar call it on each redraw and share one pass.
 */
export function viewRows(rows: readonly TimelineRow[], filter: TimelineFilter, focus: Focus | null, index: ModelIndex): FilterResult {
  const memo = views.get(rows);
  if (memo && memo.filter === filter && memo.focus === focus && memo.index === index) return memo.result;
  const result = filterRows(rows, filter, focus, index);
  views.set(rows, { filter, focus, index, result });
  return result;
}

// ── how things look ──────────────────────────────────────────────────────────

export interface StatusLook {
  /** The status in words ("delivered", "in flight", …). */
  label: string;
  /** A glyph shown before the label. */
  icon: string;
  /** `st-<status>`, plus ` st-ambiguous` when the match is not confirmed. */
  className: string;
  /** What the status means for this message, for a tooltip. */
  title: string;
  ambiguous: boolean;
  /** The ambiguity mark ("?") or "". */
  mark: string;
}

const STATUS_ICON: Record<MessageStatus, string> = {
  delivered: '✓',
  queued: '‖',
  'in-flight': '⋯',
  failed: '✕',
  lost: '⊘',
  doomed: '⚠',
  'dropped-origin': '⊘',
};

const STATUS_LABEL: Record<MessageStatus, string> = {
  delivered: 'delivered',
  queued: 'queued',
  'in-flight': 'in flight',
  failed: 'failed',
  lost: 'lost',
  doomed: 'doomed',
  'dropped-origin': 'dropped-origin',
};

const STATUS_MEANING: Record<MessageStatus, string> = {
  delivered: 'Delivered: the receipt is recorded.',
  queued: 'Queued: the receiving port was never started, so the message waits in its queue.',
  'in-flight': 'In flight: sent, no receipt recorded (yet).',
  failed: 'Failed.',
  lost: 'Lost: the message went nowhere.',
  doomed:
    "Doomed: the transfer list held the sending port's own partner, so the browser discarded the message and the channel is lost.",
  'dropped-origin': "Dropped: the targetOrigin of window.postMessage did not match the receiver's origin, so the browser discarded the message (reported by the browser while recording inside workers).",
};

export function statusLabel(s: MessageStatus): string {
  return STATUS_LABEL[s];
}

export function statusIcon(s: MessageStatus): string {
  return STATUS_ICON[s];
}

export function reasonText(r: StatusReason): string {
  switch (r) {
    case 'sendThrew':
      return 'postMessage threw';
    case 'undeserializable':
      return 'the receiver could not deserialize it (messageerror)';
    case 'sendingPortClosed':
      return 'the sending port was closed or transferred away';
    case 'partnerClosed':
      return 'the receiving port was closed';
    case 'partnerLost':
      return 'the receiving port was discarded';
    case 'realmGone':
      return 'the realm holding the receiving port is gone';
    case 'notStarted':
      return 'the receiving port was never started (no onmessage, no start())';
    case 'awaitingReceipt':
      return 'the receiving port is started; no receipt recorded yet';
    case 'inTransit':
      return 'the receiving port is being transferred';
    case 'receiverUninstrumented':
      return 'the receiver is not instrumented (a worker): receipt unknown';
    case 'partnerUnknown':
      return 'the partner port is not known';
    case 'broadcastUnmatched':
      return 'no receipt matched in an instrumented realm';
    case 'deliveryInferred':
      return 'delivered: the worker sent on a port this message carried (receipt time unknown)';
  }
}

const AMBIGUITY_TEXT: Record<string, string> = {
  sendNotRecorded: 'the sender is instrumented but no send was recorded',
  partnerUnknown: 'the sending port is not known',
  severalSenders: 'several realms send on this broadcast channel',
  transferredPorts: 'the ports that arrived could be any of several sent ones',
  transferInferred: 'the transferred port was joined by inference, not yet confirmed by traffic',
  partnerMayHaveMoved: 'the receiving port may have been transferred by a window message',
  dropSenders: 'several windows are at the call site the browser named',
  dropReceivers: "several windows of the tab have the receiver's origin",
};

export function ambiguityText(a: string): string {
  if (a.startsWith('source:')) return `the sending window is uncertain (${a.slice('source:'.length)})`;
  return AMBIGUITY_TEXT[a] ?? a;
}

/** How a message's status is shown: label, glyph, class and an explaining tooltip. */
export function statusLook(m: MessageModel): StatusLook {
  const lines = [STATUS_MEANING[m.status]];
  if (m.reason !== undefined) lines.push(`Why: ${reasonText(m.reason)}.`);
  if (m.error) lines.push(`${m.error.name}: ${m.error.message}`);
  if (m.dropped) lines.push(`targetOrigin '${m.dropped.targetOrigin}' ≠ the receiver's origin '${m.dropped.recipientOrigin}'`);
  if (m.ambiguous) {
    lines.push('? Not certain:');
    for (const a of m.ambiguity ?? ['unconfirmed match']) lines.push(`  – ${ambiguityText(a)}`);
  }
  return {
    // A send into a realm Entangle cannot see into (a worker, today) is not "in flight" in any sense a
    // user can act on: say that its receipt is not observable.
    label: m.status === 'in-flight' && m.reason === 'receiverUninstrumented' ? 'unobserved' : STATUS_LABEL[m.status],
    icon: STATUS_ICON[m.status],
    className: `st-${m.status}${m.ambiguous ? ' st-ambiguous' : ''}`,
    title: lines.join('\n'),
    ambiguous: m.ambiguous,
    mark: m.ambiguous ? '?' : '',
  };
}

/** A realm's place for lists and tooltips: host and path of its URL, cut. */
export function shortUrl(url: string | undefined, max = 40): string {
  if (url === undefined || url === '') return '';
  let s = url;
  try {
    const u = new URL(url);
    s = u.protocol === 'http:' || u.protocol === 'https:' ? `${u.host}${u.pathname === '/' ? '' : u.pathname}` : url;
  } catch {
    // not a URL (about:blank, blob: without base): as is
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A one-line label for the kind of a non-message event. */
export function eventLabel(e: EntangleEvent): string {
  switch (e.type) {
    case 'realmStarted':
      return 'realm started';
    case 'channelCreated':
      return 'channel created';
    case 'portStarted':
      return 'port started';
    case 'portClosed':
      return 'port closed';
    case 'workerCreated':
      return e.sharedPort !== undefined ? 'SharedWorker created' : 'worker created';
    case 'broadcastChannelCreated':
      return 'BroadcastChannel created';
    case 'broadcastChannelClosed':
      return 'BroadcastChannel closed';
    case 'serviceWorkerFound':
      return 'service worker found';
    case 'realmGone':
      return 'realm gone';
    case 'recorderFault':
      return 'recorder fault';
    case 'messageSent':
      return 'message sent';
    case 'messageReceived':
      return 'message received';
    case 'messageUndeserializable':
      return 'messageerror';
    case 'windowMessageDropped':
      return 'window message dropped (targetOrigin)';
  }
}

/** The selection a row stands for. */
export function selectionOf(row: TimelineRow): Selection {
  switch (row.kind) {
    case 'message':
      return { kind: 'message', id: row.message.id };
    case 'event':
      return { kind: 'event', index: row.index };
    case 'gap':
      return { kind: 'gap', realm: row.gap.realm, from: row.gap.from };
  }
}

/** One end of a message as the timeline shows it: short text, the full ids for a tooltip, and whether
 *  it is unknown (styled as such: the recording cannot say, as opposed to a realm named `?`). */
export interface EndText {
  text: string;
  title: string;
  unknown: boolean;
}

/** Fewest characters a realm's name is shortened to, however narrow the column: enough for the kind
 *  and the start of the host and end of the file (`iframe 127…e.html`); the cell cuts what overflows. */
const MIN_NAME_CHARS = 16;

/** One end of a message, short (`iframe b.test/f.html › p3`) and in full, ids included (for a tooltip).
 *  `max`: characters the end may take (its realm name is shortened from the middle to fit). */
function end(
  realmId: RealmId | undefined,
  port: PortId | undefined,
  realms: ReadonlyMap<RealmId, RealmModel>,
  extra?: string,
  max?: number,
): EndText {
  const realm = realmId !== undefined ? realms.get(realmId) : undefined;
  const portText = port !== undefined ? shortPort(port) : '';
  const others = (portText !== '' ? portText.length + 3 : 0) + (extra !== undefined ? extra.length + 3 : 0);
  const room = max !== undefined ? Math.max(MIN_NAME_CHARS, max - others) : undefined;
  const r = realmId !== undefined ? realmNamesOf(realms).name(realmId, room) : extra !== undefined ? '' : '?';
  const parts = [r, portText, extra ?? ''].filter((x) => x !== '');
  const full = [
    realmId !== undefined ? `realm ${realmId}${realm ? ` (${realm.kind}${realm.url ? ` ${realm.url}` : ''})` : ''}` : 'realm unknown',
    port !== undefined ? `port ${port}` : '',
    extra ?? '',
  ].filter((x) => x !== '');
  return { text: parts.join(' › '), title: full.join(', '), unknown: false };
}

/** The sending end. With no sending realm, *unknown* and why (never a realm that did not send). */
function fromEnd(m: MessageModel, realms: ReadonlyMap<RealmId, RealmModel>, max?: number): EndText {
  if (m.fromRealm !== undefined || m.senderUnknown === undefined) return end(m.fromRealm, m.fromPort, realms, undefined, max);
  return { text: 'unknown', title: `sender unknown: ${senderUnknownLabel(m.senderUnknown)}`, unknown: true };
}

/** A realm in a list of receivers: `iframe b.test/f.html`, its id and URL after it (the list is a tooltip). */
function receiverLine(id: RealmId, realms: ReadonlyMap<RealmId, RealmModel>): string {
  const r = realms.get(id);
  return `${realmNamesOf(realms).name(id)} (${id}${r?.url ? ` ${r.url}` : ''})`;
}

/** The receiving end. A broadcast delivered to several realms says how many; the tooltip lists them. */
function toEnd(m: MessageModel, realms: ReadonlyMap<RealmId, RealmModel>, max?: number): EndText {
  const channel = m.route === 'broadcast' && m.channelName !== undefined ? `“${m.channelName}”` : undefined;
  const ds = m.deliveries;
  if (ds !== undefined && ds.length > 1) {
    const lines = ds.map((d) => `  ${receiverLine(d.toRealm, realms)}${d.failed ? ' (messageerror)' : ''}${d.ambiguous ? ' (?)' : ''}`);
    return {
      text: `${ds.length} receivers${channel !== undefined ? ` › ${channel}` : ''}`,
      title: `${ds.length} receivers${channel !== undefined ? ` on ${channel}` : ''}:\n${lines.join('\n')}`,
      unknown: false,
    };
  }
  const only = ds?.length === 1 ? ds[0] : undefined;
  const toRealm = m.toRealm ?? only?.toRealm;
  if (toRealm === undefined && m.toPort === undefined && channel !== undefined) return end(undefined, undefined, realms, channel);
  return end(toRealm, m.toPort, realms, channel, max);
}

/**
 * "from → to" of a message: realms by name (`realmNames`) for the cell, ids in the tooltip, and each end
 * apart. `maxChars`, when given, is the room of the whole cell in characters: realm names are shortened
 * from the middle so that both ends fit (a short end leaves its room to the other; else half each).
 */
export function endpoints(
  m: MessageModel,
  realms: ReadonlyMap<RealmId, RealmModel>,
  maxChars?: number,
): { text: string; title: string; from: EndText; to: EndText } {
  let from = fromEnd(m, realms);
  let to = toEnd(m, realms);
  if (maxChars !== undefined && from.text.length + to.text.length + 3 > maxChars) {
    // An end shorter than half the room leaves the rest to the other; else each gets half.
    const room = maxChars - 3;
    const half = Math.floor(room / 2);
    if (from.text.length <= half) to = toEnd(m, realms, room - from.text.length);
    else if (to.text.length <= half) from = fromEnd(m, realms, room - to.text.length);
    else {
      from = fromEnd(m, realms, half);
      to = toEnd(m, realms, room - half);
    }
  }
  return { text: `${from.text} → ${to.text}`, title: `from ${from.title}\nto ${to.title}`, from, to };
}

/** The Message column's summary of a message's payload and transfer list (`panel/payloadSummary.ts`):
 *  worked out when a row is drawn, not stored. Its `type` is what a `type:` filter term matches. */
export function messageSummary(m: MessageModel): PayloadSummary {
  return payloadSummary(m.preview, m.transfers);
}

/** The transfer list, short (`p3, ArrayBuffer`), or "" when empty. */
export function transfersText(m: MessageModel): string {
  return m.transfers.map((t) => (t.port !== undefined ? shortPort(t.port) : t.kind)).join(', ');
}

/** `ms` since `t0` with one decimal, or the wall-clock time when there is no `t0`. */
export function timeText(t: number, t0: number | null): string {
  if (t0 === null) {
    const d = new Date(t);
    if (Number.isNaN(d.getTime())) return '';
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }
  return (t - t0).toFixed(1);
}
