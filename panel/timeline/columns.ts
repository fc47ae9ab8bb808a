/**
 * The timeline's columns, pure (no React): which there are, which are shown, how wide, which one the
 * rows are sorted by (all kept in localStorage, as the Network panel keeps its own), what the optional
 * columns show for a message, and the filter term a cell stands for (its context menu's *Filter by this
 * value* / *Hide messages like this*).
 */
import type { MessageModel, RealmModel } from '../../model/correlator';
import type { RealmId, WindowRelation } from '../../model/protocol';
import type { ModelIndex } from '../modelIndex';
import { realmNamesOf } from '../realmNames';
import type { LogEntry } from '../store';
import { messageTypeText, quoteValue } from './filterQuery';
import { shortPort, transfersText } from './rows';

export type ColumnId =
  | 'time'
  | 'status'
  | 'endpoints'
  | 'message'
  | 'route'
  | 'size'
  | 'latency'
  | 'fromOrigin'
  | 'toOrigin'
  | 'relation'
  | 'port'
  | 'channel'
  | 'transfer'
  | 'type';

export interface Column {
  id: ColumnId;
  /** The header's text and accessible name (and the column chooser's item). */
  title: string;
  /** Default width (px). */
  width: number;
  numeric?: boolean;
  /** Shown until the user chooses otherwise. */
  shown: boolean;
  /** Cannot be hidden: the Message column is what the user came for (issue 10). */
  fixed?: boolean;
}

/** Every column, in the one order they are shown in (the chooser shows and hides, it does not move). */
export const ALL_COLUMNS: readonly Column[] = [
  // Status comes early, as in the Network panel: it is what a narrow pane must still show. Then what
  // the user came for — who sent what to whom — before the details (route, size, latency) and the
  // optional columns.
  { id: 'time', title: 'Time (ms)', width: 76, numeric: true, shown: true },
  { id: 'status', title: 'Status', width: 112, shown: true },
  { id: 'endpoints', title: 'From → To', width: 250, shown: true },
  { id: 'message', title: 'Message', width: 220, shown: true, fixed: true },
  { id: 'route', title: 'Route', width: 66, shown: true },
  { id: 'size', title: 'Size', width: 62, numeric: true, shown: true },
  { id: 'latency', title: 'Latency', width: 66, numeric: true, shown: true },
  { id: 'fromOrigin', title: 'Sender origin', width: 150, shown: false },
  { id: 'toOrigin', title: 'Receiver origin', width: 150, shown: false },
  { id: 'relation', title: 'Sender relation', width: 90, shown: false },
  { id: 'port', title: 'Port', width: 80, shown: false },
  { id: 'channel', title: 'Channel', width: 90, shown: false },
  { id: 'transfer', title: 'Transfer', width: 110, shown: false },
  { id: 'type', title: 'Type', width: 90, shown: false },
];

const BY_ID = new Map(ALL_COLUMNS.map((c) => [c.id, c]));

export function columnOf(id: ColumnId): Column {
  return BY_ID.get(id) as Column;
}

export function isColumnId(x: unknown): x is ColumnId {
  return typeof x === 'string' && BY_ID.has(x as ColumnId);
}

// ── layout: shown columns, widths, sort ─────────────────────────────────────

export const MIN_COLUMN_WIDTH = 40;
const MAX_COLUMN_WIDTH = 2000;
/** Widths by column id (the key and format the timeline always used). */
export const COLUMNS_STORAGE_KEY = 'entangle.columns';
/** `{shown: ColumnId[], sort: {column, direction} | null}`. */
export const LAYOUT_STORAGE_KEY = 'entangle.columnLayout';

export type SortDirection = 'ascending' | 'descending';
export interface SortSpec {
  column: ColumnId;
  direction: SortDirection;
}

export type Widths = Record<ColumnId, number>;

export const DEFAULT_WIDTHS = Object.fromEntries(ALL_COLUMNS.map((c) => [c.id, c.width])) as Widths;
export const DEFAULT_SHOWN: readonly ColumnId[] = ALL_COLUMNS.filter((c) => c.shown).map((c) => c.id);

export interface ColumnLayout {
  /** Shown columns, in ALL_COLUMNS order. */
  shown: readonly ColumnId[];
  sort: SortSpec | null;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // access itself can throw where storage is blocked
  }
}

function readJson(key: string): unknown {
  try {
    const raw = storage()?.getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null; // blocked or corrupt: defaults
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // storage blocked or full: the layout lasts for this session
  }
}

export function loadWidths(): Widths {
  const widths = { ...DEFAULT_WIDTHS };
  const saved = readJson(COLUMNS_STORAGE_KEY);
  if (saved && typeof saved === 'object') {
    for (const c of ALL_COLUMNS) {
      const w = (saved as Record<string, unknown>)[c.id];
      if (typeof w === 'number' && Number.isFinite(w)) widths[c.id] = clampWidth(w);
    }
  }
  return widths;
}

export function clampWidth(w: number): number {
  return Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, Math.round(w)));
}

export function saveWidths(widths: Widths): void {
  writeJson(COLUMNS_STORAGE_KEY, widths);
}

/** The shown columns in their one order, the fixed ones always among them; unknown ids dropped. */
export function normaliseShown(ids: Iterable<unknown>): ColumnId[] {
  const want = new Set<ColumnId>();
  for (const id of ids) if (isColumnId(id)) want.add(id);
  return ALL_COLUMNS.filter((c) => c.fixed || want.has(c.id)).map((c) => c.id);
}

export function loadLayout(): ColumnLayout {
  const saved = readJson(LAYOUT_STORAGE_KEY);
  if (!saved || typeof saved !== 'object') return { shown: DEFAULT_SHOWN, sort: null };
  const o = saved as Record<string, unknown>;
  const shown = Array.isArray(o.shown) ? normaliseShown(o.shown) : [...DEFAULT_SHOWN];
  let sort: SortSpec | null = null;
  const s = o.sort as Record<string, unknown> | null | undefined;
  if (s && typeof s === 'object' && isColumnId(s.column) && (s.direction === 'ascending' || s.direction === 'descending')) {
    // A sort by a hidden column would order the rows by something the user cannot see.
    if (shown.includes(s.column)) sort = { column: s.column, direction: s.direction };
  }
  return { shown, sort };
}

export function saveLayout(layout: ColumnLayout): void {
  writeJson(LAYOUT_STORAGE_KEY, { shown: layout.shown, sort: layout.sort });
}

/** A header click: ascending, then descending, then back to arrival order (as the Network panel's
 *  name column does for a third click on a sorted header). Another column starts ascending. */
export function nextSort(current: SortSpec | null, column: ColumnId): SortSpec | null {
  if (current === null || current.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : null;
}

/** Shows or hides a column (a fixed one stays); hiding the sorted column drops the sort. */
export function toggleColumn(layout: ColumnLayout, id: ColumnId): ColumnLayout {
  if (columnOf(id).fixed) return layout;
  const on = !layout.shown.includes(id);
  const shown = normaliseShown(on ? [...layout.shown, id] : layout.shown.filter((x) => x !== id));
  const sort = layout.sort !== null && !shown.includes(layout.sort.column) ? null : layout.sort;
  return { shown, sort };
}

// ── what the optional columns show ──────────────────────────────────────────

/** What the cell helpers need: the model's look-ups and (for the sender relation) the log. */
export interface CellContext {
  index: Pick<ModelIndex, 'realms' | 'ports'>;
  /** The log the receipts' arrival indexes point into (absent: relations from the frame tree only). */
  log?: { byIndex(index: number): LogEntry | undefined };
}

function originOfRealm(id: RealmId | undefined, realms: ReadonlyMap<RealmId, RealmModel>): string {
  if (id === undefined) return '';
  const o = realms.get(id)?.origin;
  return o === undefined || o === 'null' ? (o ?? '') : o;
}

/** The sending realm's origin ("" when the sender or its origin is unknown). */
export function senderOrigin(m: MessageModel, realms: ReadonlyMap<RealmId, RealmModel>): string {
  return originOfRealm(m.fromRealm, realms);
}

/** The receiving realm's origin; a broadcast's receivers' origins, each once, comma-separated. */
export function receiverOrigin(m: MessageModel, realms: ReadonlyMap<RealmId, RealmModel>): string {
  const ds = m.deliveries;
  if (ds !== undefined && ds.length > 1) {
    const seen = new Set<string>();
    for (const d of ds) {
      const o = originOfRealm(d.toRealm, realms);
      if (o !== '') seen.add(o);
    }
    return [...seen].join(', ');
  }
  return originOfRealm(m.toRealm ?? ds?.[0]?.toRealm, realms);
}

function relationWords(source: WindowRelation, childIndex: number | undefined): string {
  switch (source) {
    case 'child':
      // 1-based, as a person counts the frames of a page.
      return childIndex !== undefined ? `child #${childIndex + 1}` : 'child';
    case 'none':
      return '';
    case 'self':
    case 'parent':
    case 'top':
    case 'opener':
    case 'other':
      return source;
  }
}

/**
 * How the sender relates to the receiver: a window message's `source` as the receipt recorded it
 * (`parent`, `child #1`, `opener`, `self`, `top`, `other`). Where the receipt is no longer in the log (or
 * the message is not a window message), from the frame tree: `self`, `parent`, `child`, `opener`.
 */
export function senderRelation(m: MessageModel, ctx: CellContext): string {
  const r = m.receipt;
  if (m.route === 'window' && r !== undefined && ctx.log !== undefined) {
    const entry = ctx.log.byIndex(r.index);
    const ev = entry?.event;
    if (entry !== undefined && entry.realm === r.realm && ev?.type === 'messageReceived' && ev.seq === r.seq && ev.source !== undefined) {
      return relationWords(ev.source, ev.childIndex);
    }
  }
  const from = m.fromRealm;
  const to = m.toRealm;
  if (from === undefined || to === undefined) return '';
  if (from === to) return 'self';
  const realms = ctx.index.realms;
  const toR = realms.get(to);
  const fromR = realms.get(from);
  if (toR?.parent === from) return toR.kind === 'popup' ? 'opener' : 'parent';
  if (fromR?.parent === to) return fromR.kind === 'popup' ? 'popup' : fromR.kind === 'iframe' ? 'child' : '';
  return '';
}

/** `p1 → p2`: the sending and receiving ports, short ("" when neither is a port). */
export function portsText(m: MessageModel): string {
  const from = m.fromPort !== undefined ? shortPort(m.fromPort) : '';
  const to = m.toPort !== undefined ? shortPort(m.toPort) : '';
  if (from === '' && to === '') return '';
  if (from === '' || to === '') return from || to;
  return `${from} → ${to}`;
}

/** The message's channel: a BroadcastChannel's name, or the id of the MessageChannel of its ports. */
export function channelOf(m: MessageModel, index: Pick<ModelIndex, 'ports'>): string {
  if (m.channelName !== undefined) return m.channelName;
  const port = m.fromPort ?? m.toPort;
  return port !== undefined ? (index.ports.get(port)?.channel ?? '') : '';
}

/** `c3`: a channel id's own part (its realm is in the tooltip); a BroadcastChannel's name as is. */
export function shortChannel(m: MessageModel, channel: string): string {
  if (m.channelName !== undefined || channel === '') return channel;
  const colon = channel.lastIndexOf(':');
  return colon >= 0 ? channel.slice(colon + 1) : channel;
}

/** The text a column's cell shows for a message (the optional columns; the others draw richer cells). */
export function cellText(column: ColumnId, m: MessageModel, ctx: CellContext): string {
  switch (column) {
    case 'fromOrigin':
      return senderOrigin(m, ctx.index.realms);
    case 'toOrigin':
      return receiverOrigin(m, ctx.index.realms);
    case 'relation':
      return senderRelation(m, ctx);
    case 'port':
      return portsText(m);
    case 'channel':
      return shortChannel(m, channelOf(m, ctx.index));
    case 'transfer':
      return transfersText(m);
    case 'type':
      return messageTypeText(m);
    case 'route':
      return m.route;
    case 'status':
      return m.status;
    case 'time':
    case 'endpoints':
    case 'message':
    case 'size':
    case 'latency':
      return '';
  }
}

// ── filter terms from a cell ────────────────────────────────────────────────

/** Which end of the From → To cell was right-clicked. */
export type End = 'from' | 'to';

/**
 * The `key:value` term a cell of `column` stands for (null: the column has nothing to filter by, as the
 * time or the size). For From → To, `end` says which realm; realms are named as the rows name them.
 */
export function cellTerm(column: ColumnId, m: MessageModel, ctx: CellContext, end: End = 'from'): string | null {
  const realms = ctx.index.realms;
  const realmTerm = (key: End, id: RealmId | undefined): string | null =>
    id === undefined ? null : `${key}:${quoteValue(realmNamesOf(realms).name(id), true)}`;
  switch (column) {
    case 'endpoints':
      return end === 'from' ? realmTerm('from', m.fromRealm) : realmTerm('to', m.toRealm ?? m.deliveries?.[0]?.toRealm);
    case 'fromOrigin': {
      const o = senderOrigin(m, realms);
      return o === '' ? null : `from:${quoteValue(o, true)}`;
    }
    case 'toOrigin': {
      const o = originOfRealm(m.toRealm ?? m.deliveries?.[0]?.toRealm, realms);
      return o === '' ? null : `to:${quoteValue(o, true)}`;
    }
    case 'route':
      return `route:${m.route}`;
    case 'status':
      return `status:${m.status}`;
    case 'message':
    case 'type': {
      const t = messageTypeText(m);
      return t === '' ? null : `type:${quoteValue(t)}`;
    }
    case 'port': {
      const p = m.fromPort ?? m.toPort;
      return p === undefined ? null : `port:${quoteValue(p)}`;
    }
    case 'channel': {
      const c = channelOf(m, ctx.index);
      return c === '' ? null : `channel:${quoteValue(c, true)}`;
    }
    case 'transfer':
      return m.transfers.length > 0 ? 'has:transfer' : null;
    case 'time':
    case 'size':
    case 'latency':
    case 'relation':
      return null;
  }
}

/** The filter text with `term` (or its negation, `-term`) appended; unchanged when already there. */
export function withTerm(text: string, term: string, negate: boolean): string {
  const t = negate ? `-${term}` : term;
  const trimmed = text.trim();
  if (trimmed === '') return t;
  if (` ${trimmed} `.includes(` ${t} `)) return text;
  return `${trimmed} ${t}`;
}
