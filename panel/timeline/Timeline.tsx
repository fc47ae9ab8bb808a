/**
 * The message timeline: one row per message (send and receipt matched), optionally with the other log
 * events and gaps, virtualized so 100,000 rows scroll smoothly. Filtered by the view store's filter and
 * graph focus; selecting a row sets the view store's selection.
 *
 * Everything from the page is rendered as React text, never as HTML.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type PointerEvent as ReactPointerEvent,
  type ReactElement,
  type RefObject,
} from 'react';
import { useStore } from 'zustand';
import type { CaptureModel, MessageModel, RealmModel } from '../../model/correlator';
import type { RealmId } from '../../model/protocol';
import { latencyOf, timeOfMessage } from '../../model/model-types';
import { indexOf } from '../modelIndex';
import type { LogStore } from '../store';
import type { PayloadSummary } from '../payloadSummary';
import { realmNamesOf, realmTitle as realmTitleOf } from '../realmNames';
import { bytes, summarize } from '../summary';
import { shownModel, useLogVersion } from '../useLog';
import { isFiltering, type Playback as PlaybackState, type ViewStore } from '../viewState';
import { playbackOf, positionOf, seekRow } from '../playbackView';
import {
  buildRows,
  endpoints,
  eventLabel,
  gapText,
  messageSummary,
  rowId,
  selectionKey,
  selectionOf,
  statusLabel,
  statusLook,
  timeText,
  viewRows,
  type MessageRow,
  type TimelineRow,
} from './rows';
import {
  ALL_COLUMNS,
  DEFAULT_WIDTHS,
  cellTerm,
  cellText,
  channelOf,
  clampWidth,
  columnOf,
  loadLayout,
  loadWidths,
  nextSort,
  saveLayout,
  saveWidths,
  toggleColumn,
  withTerm,
  DEFAULT_SHOWN,
  type CellContext,
  type ColumnId,
  type ColumnLayout,
  type End,
  type Widths,
} from './columns';
import { ContextMenu, type ContextMenuItem } from './ContextMenu';
import { rowSlots, type RowSlots } from './rowSlots';
import { RowFinder } from './rowFinder';
import { RowSorter } from './sort';
import './timeline.css';

export { COLUMNS_STORAGE_KEY, LAYOUT_STORAGE_KEY, type ColumnId } from './columns';

export const EMPTY_TEXT =
  'Entangle records MessageChannel, postMessage, worker and BroadcastChannel traffic of the inspected page. Interact with the page or reload it to see messages.';

/** Height of a row and of the header (px); the CSS uses the same numbers. */
export const ROW_HEIGHT = 20;
export const HEADER_HEIGHT = 22;
/** Distance from the bottom (px) within which the timeline counts as "at the bottom" and follows new rows. */
const STICK_PX = 8;
/** Width of a character of the rows' monospace text (11 px) until it is measured (`useCharWidth`). */
const MONO_CHAR_PX = 7;
/** Horizontal padding of a cell (px). */
const CELL_PADDING_PX = 12;
/** Characters kept in reserve: the arrows and the ellipsis may come from a wider fallback font. */
const SLACK_CHARS = 2;

/** How many characters of monospace text a column of `width` px holds. */
function charsIn(width: number, charPx: number): number {
  return Math.max(0, Math.floor((width - CELL_PADDING_PX) / charPx) - SLACK_CHARS);
}

/** The width of one character of the rows' monospace text in `grid`, measured once (fonts differ
 *  between systems); MONO_CHAR_PX where nothing is laid out. */
function useCharWidth(grid: RefObject<HTMLDivElement | null>): number {
  const [px, setPx] = useState(MONO_CHAR_PX);
  useLayoutEffect(() => {
    const el = grid.current;
    if (!el) return;
    const probe = document.createElement('span');
    probe.className = 'tl-probe';
    probe.textContent = 'x'.repeat(40);
    el.append(probe);
    const w = probe.getBoundingClientRect().width / 40;
    probe.remove();
    if (w > 2 && w < 30) setPx(w);
  }, [grid]);
  return px;
}

function gridColumns(shown: readonly ColumnId[], widths: Widths): string {
  // The message column takes the room left over; its width is its minimum.
  return shown.map((id) => (id === 'message' ? `minmax(${widths[id]}px, 1fr)` : `${widths[id]}px`)).join(' ');
}

/** A realm as the rows name it (`iframe b.test/f.html`; `panel/realmNames.ts`). */
function realmName(id: RealmId, realms: ReadonlyMap<RealmId, RealmModel>): string {
  return realmNamesOf(realms).name(id);
}

/** A realm's tooltip: the id goes here, never in the name. */
function realmTitle(id: RealmId, realms: ReadonlyMap<RealmId, RealmModel>): string {
  return realmTitleOf(id, realms.get(id));
}

export interface RowProps {
  row: TimelineRow;
  /** Position among the filtered rows (0-based). */
  position: number;
  start: number;
  selected: boolean;
  t0: number | null;
  realms: ReadonlyMap<RealmId, RealmModel>;
  /** Characters the From → To cell holds (realm names are shortened from the middle to fit). */
  endChars: number;
  /** The shown columns, in order. */
  columns: readonly ColumnId[];
  /** For the optional columns' cells (origins, relation, channel). */
  cellCtx: CellContext;
  onPick: (position: number, open: boolean, how?: PickHow) => void;
  /** In playback: the row at the moment shown (`current`), or one after it (`after`, dimmed). */
  at?: RowAt;
}

type RowAt = 'current' | 'after' | undefined;

/** A click with Ctrl/Cmd toggles its row in the selection, with Shift extends the selection to it (as
 *  in DevTools' lists); a plain click selects the row alone. */
type PickHow = 'toggle' | 'extend' | undefined;

function pickHow(e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): PickHow {
  return e.shiftKey ? 'extend' : e.ctrlKey || e.metaKey ? 'toggle' : undefined;
}

/** The ids of the message rows from position `a` to `b` (either way round), in the order shown. */
function messageIdsBetween(rows: readonly TimelineRow[], a: number, b: number): string[] {
  const ids: string[] = [];
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
    const row = rows[i];
    if (row?.kind === 'message') ids.push(row.message.id);
  }
  return ids;
}

/**
 * Where rows stand against the playback moment: the row of the last message in view is current, rows
 * later than the moment are after it. By position in the playback's time order for messages (several
 * at one millisecond are stepped one by one), by time for the other rows. Rows stay those of the whole
 * model: only their marks change with the moment.
 */
function rowsAt(playback: PlaybackState | null): { currentId: string | null; currentT: number | undefined; of: (row: TimelineRow) => RowAt } | null {
  if (!playback) return null;
  const p = playbackOf(playback.of);
  const current = playback.index >= 0 ? p.messages[playback.index] : undefined;
  const currentId = current?.id ?? null;
  return {
    currentId,
    // Its row's time (MessageRow.t), for the row finder's search by time: the same when the rows are of
    // the playback's model (an opened capture); a live log's newer rows may differ (then the finder
    // searches outwards).
    currentT: current === undefined ? undefined : timeOfMessage(current),
    of(row) {
      if (row.kind === 'message') {
        if (row.message.id === currentId) return 'current';
        // A message newer than the playback (a live log goes on) is after it too.
        const i = positionOf(p, row.message.id, row.t);
        return i === undefined || i > playback.index ? 'after' : undefined;
      }
      return row.t > playback.t ? 'after' : undefined;
    },
  };
}

/** What a message row shows, as text. */
interface MessageCells {
  time: string;
  look: ReturnType<typeof statusLook>;
  ends: ReturnType<typeof endpoints>;
  summary: PayloadSummary;
  /** The message cell's tooltip: the summary in words, the transfer list in full, the error. */
  messageTitle: string | undefined;
  size: string;
  sizeTitle: string;
  latency: string;
  error: string | undefined;
}

/**
 * Worked out per render, not cached: a fast scroll passes over each row once, and a cache per message
 * (even of the preview line alone) only grew the heap — what garbage collections then walk, in the
 * longest frames. A few microseconds a row is cheaper than that.
 */
function cellsOf(row: MessageRow, t0: number | null, realms: ReadonlyMap<RealmId, RealmModel>, endChars: number): MessageCells {
  const m = row.message;
  const summary = messageSummary(m);
  const error = m.error ? `${m.error.name}: ${m.error.message}` : undefined;
  const title = [
    error,
    [summary.lead, summary.rest].filter((x) => x !== undefined && x !== '').join(' '),
    m.transfers.length > 0 ? `transfer: ${m.transfers.map((x) => (x.port !== undefined ? `${x.kind} ${x.port}` : x.kind)).join(', ')}` : '',
  ].filter((x) => x !== undefined && x !== '');
  return {
    time: timeText(row.t, t0),
    look: statusLook(m),
    ends: endpoints(m, realms, endChars),
    summary,
    messageTitle: title.length > 0 ? title.join('\n') : undefined,
    size: m.size !== undefined ? bytes(m.size) : '',
    sizeTitle: m.size !== undefined ? `${m.size.toLocaleString('en-US')} bytes` : 'size unknown',
    latency: latencyText(latencyOf(m)),
    error,
  };
}

/** One cell of a message row. */
function messageCell(id: ColumnId, m: MessageModel, c: MessageCells, ctx: CellContext): ReactElement {
  const sum = c.summary;
  const look = c.look;
  switch (id) {
    case 'time':
      return (
        <div key={id} role="gridcell" className="tl-cell num mono" data-col="time">
          {c.time}
        </div>
      );
    case 'status':
      return (
        <div key={id} role="gridcell" className="tl-cell tl-status" data-col="status" title={look.title}>
          <span className="tl-icon" aria-hidden="true">
            {look.icon}
          </span>{' '}
          {look.label}
          {m.error ? ` ${m.error.name}` : ''}
          {look.ambiguous && (
            <span className="tl-ambiguous" aria-label="ambiguous">
              {' '}
              {look.mark}
            </span>
          )}
          {m.replayOf !== undefined && (
            <span className="tl-replay" role="img" aria-label={`replay of ${m.replayOf}`} title={`Sent again from the panel: a replay of ${m.replayOf}`}>
              {' '}↻
            </span>
          )}
        </div>
      );
    case 'endpoints':
      return (
        <div key={id} role="gridcell" className="tl-cell mono" data-col="endpoints">
          {/* Each end has its own tooltip (ids there, names here): an unknown sender says why,
              several receivers are listed. `data-end` tells the context menu which end it is on. */}
          <span className={c.ends.from.unknown ? 'tl-unknown' : undefined} title={c.ends.from.title} data-end="from">
            {c.ends.from.text}
          </span>
          {' → '}
          <span title={c.ends.to.title} data-end="to">
            {c.ends.to.text}
          </span>
        </div>
      );
    case 'message':
      return (
        <div key={id} role="gridcell" className="tl-cell mono tl-msg" data-col="message" title={c.messageTitle}>
          {sum.transfer !== undefined && <span className="tl-transfer">{sum.transfer}</span>}
          {c.error !== undefined ? <span className="tl-error">{c.error} </span> : null}
          {sum.lead !== undefined && <b className="tl-lead">{sum.lead}</b>}
          {sum.lead !== undefined && sum.rest !== '' ? ' ' : ''}
          {sum.rest}
        </div>
      );
    case 'route':
      return (
        <div key={id} role="gridcell" className="tl-cell" data-col="route">
          {m.route}
        </div>
      );
    case 'size':
      return (
        <div key={id} role="gridcell" className="tl-cell num" data-col="size" title={c.sizeTitle}>
          {c.size}
        </div>
      );
    case 'latency':
      return (
        <div key={id} role="gridcell" className="tl-cell num" data-col="latency" title={(latencyOf(m) ?? 0) < 0 ? LATENCY_SKEW_TITLE : undefined}>
          {c.latency}
        </div>
      );
    case 'type':
      return (
        <div key={id} role="gridcell" className="tl-cell mono" data-col="type">
          {sum.type ?? ''}
        </div>
      );
    case 'channel':
    case 'port':
    case 'transfer':
    case 'fromOrigin':
    case 'toOrigin':
    case 'relation': {
      const text = cellText(id, m, ctx);
      const title = id === 'channel' ? channelOf(m, ctx.index) : text;
      return (
        <div key={id} role="gridcell" className={`tl-cell${id === 'port' || id === 'channel' ? ' mono' : ''}`} data-col={id} title={title || undefined}>
          {text}
        </div>
      );
    }
  }
}

/** Grid columns an event or gap row's label and rest span, after its time cell (when Time is shown). */
function spans(columns: readonly ColumnId[]): { time: boolean; label: number; rest: number } {
  const time = columns[0] === 'time';
  const left = columns.length - (time ? 1 : 0);
  const label = Math.min(2, left);
  return { time, label, rest: left - label };
}

/** Columns whose cells read the cell context (the model's index, the log). */
const CONTEXT_COLUMNS: readonly ColumnId[] = ['channel', 'port', 'transfer', 'fromOrigin', 'toOrigin', 'relation'];

/**
 * Whether a row would draw the same. Each view tick brings a new model, so the realms and the cell
 * context are new objects even where a row reads nothing new from them: a row is drawn again only
 * when what it shows of them changed (the names and tooltips of its realms, its context columns'
 * text). A page that churns frames changes the realms at every tick, and every row drawn was worked
 * out again each time, for the same text.
 */
export function sameRowDrawn(a: RowProps, b: RowProps): boolean {
  if (a.row !== b.row || a.position !== b.position || a.start !== b.start || a.selected !== b.selected || a.t0 !== b.t0) return false;
  if (a.endChars !== b.endChars || a.columns !== b.columns || a.onPick !== b.onPick || a.at !== b.at) return false;
  if (a.realms === b.realms && a.cellCtx === b.cellCtx) return true;
  const row = b.row;
  switch (row.kind) {
    case 'message': {
      const m = row.message;
      const x = endpoints(m, a.realms, a.endChars);
      const y = endpoints(m, b.realms, b.endChars);
      if (x.from.text !== y.from.text || x.to.text !== y.to.text || x.from.title !== y.from.title || x.to.title !== y.to.title || x.from.unknown !== y.from.unknown) return false;
      for (const id of b.columns) {
        if (!CONTEXT_COLUMNS.includes(id)) continue;
        // A window message's relation is read from its receipt in the log, which is one object
        // changed in place (an evicted receipt changes the text): not comparable, drawn again.
        if (id === 'relation' && m.route === 'window') return false;
        if (cellText(id, m, a.cellCtx) !== cellText(id, m, b.cellCtx)) return false;
        if (id === 'channel' && channelOf(m, a.cellCtx.index) !== channelOf(m, b.cellCtx.index)) return false;
      }
      return true;
    }
    case 'event':
    case 'gap': {
      // These read the realms for their realm's name and tooltip only.
      const realm = row.kind === 'event' ? row.entry.realm : row.gap.realm;
      return realmName(realm, a.realms) === realmName(realm, b.realms) && realmTitle(realm, a.realms) === realmTitle(realm, b.realms);
    }
  }
}

const Row = memo(function Row({ row, position, start, selected, t0, realms, endChars, columns, cellCtx, onPick, at }: RowProps) {
  const common = {
    role: 'row',
    'data-testid': 'timeline-row',
    'data-kind': row.kind,
    'data-id': rowId(row),
    'data-selected': selected ? 'true' : undefined,
    'aria-selected': selected,
    'aria-current': at === 'current' ? 'true' : undefined,
    'aria-rowindex': position + 2,
    // top, not a transform: a transform per row is a compositing node per row, which the browser
    // sorts out again on every frame of a scroll.
    style: { top: start },
    onClick: (e: ReactMouseEvent) => onPick(position, false, pickHow(e)),
    onDoubleClick: () => onPick(position, true),
  } as const;
  const span = spans(columns);
  const time = (): ReactElement | null =>
    span.time ? (
      <div role="gridcell" className="tl-cell num mono" data-col="time">
        {timeText(row.t, t0)}
      </div>
    ) : null;
  switch (row.kind) {
    case 'message': {
      const m = row.message;
      const c = cellsOf(row, t0, realms, endChars);
      return (
        <div {...common} data-status={m.status} data-type={c.summary.type} className={`tl-row tl-message ${c.look.className}${position % 2 ? ' tl-odd' : ''}${at === 'after' ? ' tl-after' : ''}`}>
          {columns.map((id) => messageCell(id, m, c, cellCtx))}
        </div>
      );
    }
    case 'event': {
      const e = row.entry.event;
      const fault = e.type === 'recorderFault';
      return (
        <div {...common} className={`tl-row tl-event${fault ? ' tl-warn' : ''}${position % 2 ? ' tl-odd' : ''}${at === 'after' ? ' tl-after' : ''}`}>
          {time()}
          <div role="gridcell" className="tl-cell tl-span-label" style={{ gridColumn: `span ${span.label}` }} title={`${realmTitle(row.entry.realm, realms)}, seq ${e.seq}`}>
            {eventLabel(e)} <span className="mono muted">{realmName(row.entry.realm, realms)}</span>
          </div>
          {span.rest > 0 && (
            <div role="gridcell" className="tl-cell mono tl-span-rest" style={{ gridColumn: `span ${span.rest}` }}>
              {summarize(e)}
            </div>
          )}
        </div>
      );
    }
    case 'gap': {
      const g = row.gap;
      return (
        <div {...common} className={`tl-row tl-gap tl-warn${position % 2 ? ' tl-odd' : ''}${at === 'after' ? ' tl-after' : ''}`}>
          {time()}
          <div
            role="gridcell"
            className="tl-cell tl-span-all"
            style={{ gridColumn: `span ${span.label + span.rest}` }}
            title={`${realmTitle(g.realm, realms)}: sequence numbers ${g.from}–${g.to} never arrived`}
          >
            ⚠ {gapText(g, realmName(g.realm, realms))}
          </div>
        </div>
      );
    }
  }
}, sameRowDrawn);

/** The furthest the timeline scrolls: its content (header and rows) less the view. */
export const endOffset = (count: number, viewport: number): number => Math.max(0, HEADER_HEIGHT + count * ROW_HEIGHT - viewport);

/**
 * The rows the virtualizer will draw once scrolled to `offset` (its own range: the first row starting at
 * or above the offset to the first reaching the view's end, `overscan` beyond): for drawing a seek's
 * rows in the render that marks the moment, before the scroll that the virtualizer follows.
 */
export function itemsAt(count: number, offset: number, viewport: number, overscan = OVERSCAN): { index: number; start: number }[] {
  if (count === 0) return [];
  const last = count - 1;
  const first = Math.min(last, Math.max(0, Math.floor((offset - HEADER_HEIGHT) / ROW_HEIGHT)));
  const end = Math.min(last, Math.max(first, Math.ceil((offset + viewport - HEADER_HEIGHT) / ROW_HEIGHT) - 1));
  const out: { index: number; start: number }[] = [];
  for (let i = Math.max(0, first - overscan); i <= Math.min(last, end + overscan); i++) out.push({ index: i, start: HEADER_HEIGHT + i * ROW_HEIGHT });
  return out;
}

/**
 * The scroll offset that brings row `position` into view with the least move (the sticky header covers
 * the top HEADER_HEIGHT px of the view), or null when it is in view already. From the offset and
 * height the virtualizer keeps, not from the DOM: the virtualizer's own `scrollToIndex` reads the
 * scroller's height, which made the browser lay the page out inside every playback tick.
 */
export function offsetToShow(position: number, offset: number, viewport: number): number | null {
  const start = HEADER_HEIGHT + position * ROW_HEIGHT;
  const end = start + ROW_HEIGHT;
  if (end > offset + viewport) return Math.max(0, end - viewport);
  if (start < offset + HEADER_HEIGHT) return Math.max(0, start - HEADER_HEIGHT);
  return null;
}

/**
 * The virtualizer's key of a row: its position. Rows have one fixed height, so a key is only a name for
 * a measurement the virtualizer keeps per row (100,000 of them); a row's own key would be a string per
 * row held there. Stable, so the virtualizer does not recompute every offset on each render.
 */
const indexKey = (i: number): number => i;

/** Rows drawn beyond the viewport on each side. */
export const OVERSCAN = 12;
/** While playback plays: every move draws a new stretch of rows, a fifth of them beyond the view when
 *  drawn with OVERSCAN, and nobody scrolls meanwhile. */
export const PLAYING_OVERSCAN = 1;

/** How long a flying scroll must rest before rows are drawn in full again. */
const FLY_SETTLE_MS = 120;

/** A row while the timeline flies past it: one element, its time, status and route as text. */
const FlyingRow = memo(function FlyingRow({ row, position, start, t0, at }: { row: TimelineRow; position: number; start: number; t0: number | null; at?: RowAt }) {
  const text =
    row.kind === 'message'
      ? `${timeText(row.t, t0)}   ${statusLabel(row.message.status)}   ${row.message.route}`
      : row.kind === 'event'
        ? `${timeText(row.t, t0)}   ${eventLabel(row.entry.event)}`
        : `${timeText(row.t, t0)}   gap`;
  return (
    <div
      role="row"
      aria-rowindex={position + 2}
      aria-current={at === 'current' ? 'true' : undefined}
      data-testid="timeline-row"
      data-kind={row.kind}
      className={`tl-row tl-flying${position % 2 ? ' tl-odd' : ''}${at === 'after' ? ' tl-after' : ''}`}
      style={{ top: start }}
    >
      {text}
    </div>
  );
});

const LATENCY_SKEW_TITLE = 'The receipt was stamped a little before the send: each realm has its own clock, and they differ by fractions of a millisecond.';

/** Latency as measured; a small negative one (clock skew between realms) shows as about zero. */
function latencyText(latency: number | undefined): string {
  if (latency === undefined) return '';
  return latency < 0 ? '≈0 ms' : `${latency.toFixed(1)} ms`;
}

interface EmptyProps {
  store: LogStore;
  model: CaptureModel;
  view: ViewStore;
  error: string | null;
}

function Empty({ store, model, view, error }: EmptyProps) {
  const s = store.getState();
  const v = view.getState();
  if (error !== null) {
    return (
      <div className="tl-empty" data-testid="timeline-no-match">
        <p>Invalid regular expression: {error}</p>
        <button type="button" data-testid="timeline-clear" onClick={() => v.filtersCleared()}>
          Clear filters
        </button>
      </div>
    );
  }
  if (s.log.length === 0 && model.messages.length === 0) {
    if (s.source === 'capture') {
      return (
        <div className="tl-empty" data-testid="empty">
          <p>This capture file holds no events. Close it to go back to the live recording, or open another.</p>
        </div>
      );
    }
    return (
      <div className="tl-empty" data-testid="empty">
        {!s.recording && (
          <p className="tl-paused">
            Recording is paused{s.notRecorded > 0 ? ` (${s.notRecorded.toLocaleString('en-US')} events not recorded)` : ''}. Press record to
            capture messages.
          </p>
        )}
        <p>{EMPTY_TEXT}</p>
      </div>
    );
  }
  if (isFiltering(v)) {
    return (
      <div className="tl-empty" data-testid="timeline-no-match">
        <p>No messages match the filters.</p>
        <button type="button" data-testid="timeline-clear" onClick={() => v.filtersCleared()}>
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="tl-empty" data-testid="timeline-no-messages">
      <p>
        No messages yet. {s.log.length.toLocaleString('en-US')} other event{s.log.length === 1 ? '' : 's'} recorded (realms, channels,
        ports).
      </p>
      {!s.recording && s.source === 'live' && <p className="tl-paused">Recording is paused.</p>}
      {!v.filter.showEvents && (
        <button type="button" onClick={() => v.filterChanged({ showEvents: true })}>
          Show events
        </button>
      )}
    </div>
  );
}

export interface TimelineProps {
  store: LogStore;
  view: ViewStore;
  /** Enter (or a double click) on a row: the app reveals the inspector. */
  onOpen?: () => void;
}

export function Timeline({ store, view, onOpen }: TimelineProps) {
  const version = useLogVersion(store);
  const filter = useStore(view, (s) => s.filter);
  const focus = useStore(view, (s) => s.focus);
  const selection = useStore(view, (s) => s.selection);
  const selectedMessages = useStore(view, (s) => s.selectedMessages);
  const playback = useStore(view, (s) => s.playback);
  // Read by the scroll and click handlers: in playback the rows never follow the newest ones.
  const inPlayback = useRef(playback !== null);
  inPlayback.current = playback !== null;

  const state = store.getState();
  const model = shownModel(store, version);
  const index = indexOf(model);
  // Both memoised: per model object, and per (rows, filter, focus).
  const all = buildRows(model, state.log, filter.showEvents);
  const { rows: filtered, error } = viewRows(all, filter, focus, index);

  // ── columns shown and sort (localStorage) ──
  const [layout, setLayout] = useState<ColumnLayout>(loadLayout);
  const changeLayout = (next: ColumnLayout): void => {
    setLayout(next);
    saveLayout(next);
  };
  const cellCtx = useMemo<CellContext>(() => ({ index, log: state.log }), [index, state.log]);
  // One sorter per timeline: it keeps the keys and order of the rows it sorted last, so live rows are
  // merged in rather than everything sorted again per batch (sort.ts).
  const sorter = useRef<RowSorter | null>(null);
  sorter.current ??= new RowSorter();
  const rows = sorter.current.sort(filtered, layout.sort, cellCtx);
  const count = rows.length;

  const scroller = useRef<HTMLDivElement>(null);
  const charPx = useCharWidth(scroller);
  const overscan = playback?.playing ? PLAYING_OVERSCAN : OVERSCAN;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: indexKey,
  });

  // ── following the newest rows ──
  const stick = useRef(true);
  const [following, setFollowing] = useState(true);
  /** Rows there were when the user scrolled away from the bottom. */
  const [leftAt, setLeftAt] = useState(0);
  const atBottom = (el: HTMLElement): boolean => el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;

  useLayoutEffect(() => {
    if (count === 0) {
      // Cleared, or filtered to nothing: follow the newest rows again once there are some.
      stick.current = true;
      setFollowing(true);
      return;
    }
    if (!stick.current || inPlayback.current) return;
    // In the next frame, before it is drawn: reading the height here would lay the page out inside the
    // commit, and then again for the frame — two layouts of every view in one long task during a churn.
    const frame = requestAnimationFrame(() => {
      const el = scroller.current;
      if (el && stick.current) el.scrollTop = el.scrollHeight;
    });
    return () => cancelAnimationFrame(frame);
  }, [count, rows]);

  /** Follow the newest rows, or stop (remembering how many rows there were, for the "↓ N new" button). */
  const follow = (on: boolean): void => {
    stick.current = on;
    if (on !== following) {
      setFollowing(on);
      if (!on) setLeftAt(count);
    }
  };

  // ── flying: a scroll that moves more than a screen a frame (a thumb drag, End, a big jump) ──
  // Rows then pass by too fast to read, and drawing each in full made the browser allocate (styles,
  // layout fragments) faster than it could collect: rows are drawn as one line of text until the
  // scrolling stops for FLY_SETTLE_MS.
  const [flying, setFlying] = useState(false);
  const lastTop = useRef(0);
  const slots = useRef<RowSlots | null>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (settle.current !== null) clearTimeout(settle.current);
  }, []);

  /** The offset last written to show a playback moment, until its scroll event (onScroll). */
  const momentScroll = useRef<number | null>(null);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    follow(!inPlayback.current && (atBottom(el) || el.scrollHeight <= el.clientHeight));
    const jump = Math.abs(el.scrollTop - lastTop.current);
    lastTop.current = el.scrollTop;
    // A seek's own scroll drew its rows in full already: not a fly-by to draw as lines of text. (The
    // offset written was needed only until now: the virtualizer hears of this scroll next.)
    const seeking = momentScroll.current !== null && el.scrollTop === momentScroll.current;
    momentScroll.current = null;
    if (jump > el.clientHeight && !stick.current && !seeking) {
      if (!flying) setFlying(true);
      if (settle.current !== null) clearTimeout(settle.current);
      settle.current = setTimeout(() => {
        settle.current = null;
        setFlying(false);
      }, FLY_SETTLE_MS);
    }
  };

  const jumpToEnd = (): void => {
    follow(true);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    if (count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  };

  // ── selection ──
  const selKey = selectionKey(selection);
  // Once per rows array and selection, not on every scroll frame or view tick. A message's row is found
  // near the last one first (↑/↓ move a row at a time) and compared by id: a search by `key` made a
  // string per row it passed, 100,000 of them for a selection at the end of a large capture.
  const selFinder = useRef<RowFinder | null>(null);
  const selPos = useMemo(() => {
    if (selection === null || selKey === null) return -1;
    if (selection.kind === 'message') return (selFinder.current ??= new RowFinder()).find(rows, selection.id);
    return rows.findIndex((r) => r.kind !== 'message' && r.key === selKey);
  }, [rows, selection, selKey]);

  // Selecting a row other than the last stops following, so the row stays where the user is looking;
  // the "↓ N new" button (or End, or scrolling to the bottom) follows again.
  const pickRef = useRef<(position: number, open: boolean, how?: PickHow) => void>(() => {});
  useLayoutEffect(() => {
    pickRef.current = (position, open, how) => {
      const row = rows[position];
      if (!row) return;
      if (how !== undefined && row.kind === 'message' && extendOrToggle(position, row.message.id, how)) return;
      // A click can land before the scroll event of a scroll just made: take "at the bottom" from the geometry.
      const el = scroller.current;
      follow(!inPlayback.current && position === count - 1 && (el === null || atBottom(el) || el.scrollHeight <= el.clientHeight));
      view.getState().selected(selectionOf(row));
      // In playback a click also moves the moment to the row.
      if (inPlayback.current) seekRow(view, model, { t: row.t, ...(row.kind === 'message' ? { messageId: row.message.id } : {}) });
      if (open) onOpen?.();
    };
  });
  // Stable, so the memoised rows do not redraw for it.
  const pick = useCallback((position: number, open: boolean, how?: PickHow): void => pickRef.current(position, open, how), []);

  /** Several messages selected (*Replay selection*, *Copy as script*); false when there is no anchor
   *  in the rows shown to extend from, and the click selects the row alone. */
  const extendOrToggle = (position: number, id: string, how: 'toggle' | 'extend'): boolean => {
    const v = view.getState();
    if (how === 'toggle') {
      v.selectionToggled(id);
    } else {
      const anchor = v.selectionAnchor;
      const from = anchor === null ? -1 : rows.findIndex((r) => r.kind === 'message' && r.message.id === anchor);
      if (from < 0) return false;
      v.selectionExtended(id, messageIdsBetween(rows, from, position));
    }
    follow(false);
    return true;
  };
  const multiSelected = useMemo(() => (selectedMessages.length > 1 ? new Set(selectedMessages) : null), [selectedMessages]);

  const moveTo = (position: number): void => {
    if (count === 0) return;
    const p = Math.max(0, Math.min(count - 1, position));
    const row = rows[p];
    if (!row) return;
    view.getState().selected(selectionOf(row));
    follow(!inPlayback.current && p === count - 1);
    virtualizer.scrollToIndex(p, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    // Shift with an arrow extends the selection to the next message row, as Shift-click does.
    if (e.shiftKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp') && selPos >= 0) {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      let p = selPos + step;
      while (p >= 0 && p < count && rows[p]?.kind !== 'message') p += step;
      const row = rows[p];
      if (row?.kind === 'message' && extendOrToggle(p, row.message.id, 'extend')) virtualizer.scrollToIndex(p, { align: 'auto' });
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'ArrowDown':
        moveTo(selPos < 0 ? 0 : selPos + 1);
        break;
      case 'ArrowUp':
        moveTo(selPos < 0 ? count - 1 : selPos - 1);
        break;
      case 'PageDown':
        moveTo(selPos < 0 ? page : selPos + page);
        break;
      case 'PageUp':
        moveTo(selPos < 0 ? 0 : selPos - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(count - 1);
        break;
      case 'Enter':
        if (selPos >= 0) onOpen?.();
        break;
      case 'Escape':
        if (selection === null) return;
        view.getState().selected(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  // A filter, focus or sort change: keep the selected row in view when not following.
  const sort = layout.sort;
  const lastFilter = useRef({ filter, focus, sort });
  useEffect(() => {
    if (lastFilter.current.filter === filter && lastFilter.current.focus === focus && lastFilter.current.sort === sort) return;
    lastFilter.current = { filter, focus, sort };
    if (!stick.current && selPos >= 0) virtualizer.scrollToIndex(selPos, { align: 'center' });
  }, [filter, focus, sort, selPos, virtualizer]);

  // ── playback: the row at the moment shown, kept in view ──
  const at = useMemo(() => rowsAt(playback), [playback]);
  const currentId = at?.currentId ?? null;
  const currentT = at?.currentT;
  // Once per moment (not per scroll frame); by message id, not row key (a message row makes its key
  // afresh each time it is asked).
  const finder = useRef<RowFinder | null>(null);
  const currentPos = useMemo(() => (currentId === null ? -1 : (finder.current ??= new RowFinder()).find(rows, currentId, currentT)), [rows, currentId, currentT]);
  const onPlayback = playback !== null;
  const wasOnPlayback = useRef(onPlayback);
  useLayoutEffect(() => {
    if (wasOnPlayback.current === onPlayback) return;
    wasOnPlayback.current = onPlayback;
    // Into playback: stop following the newest rows; back to live: follow them again.
    if (onPlayback) follow(false);
    else jumpToEnd();
  });
  const shownMoment = useRef<string | null>(null);
  // Only when the moment moves (or its row comes to be): a user scrolling away from a paused playback
  // is not pulled back on every view tick.
  const moment = playback ? `${currentId ?? ''}@${playback.t}` : null;
  const viewport = virtualizer.scrollRect?.height ?? 0;
  const newMoment = moment !== null && currentPos >= 0 && shownMoment.current !== moment;
  /** Where this render scrolls the timeline to show the moment's row; null: it stays. */
  const shownTop = newMoment && viewport > 0 ? offsetToShow(currentPos, momentScroll.current ?? virtualizer.scrollOffset ?? 0, viewport) : null;
  // Within what the browser lets the view scroll to: the offset this render draws the rows at is then
  // the one the scroll ends at.
  const momentTop = shownTop === null ? null : Math.min(shownTop, endOffset(count, viewport));
  useLayoutEffect(() => {
    if (moment === null) {
      shownMoment.current = null;
      return;
    }
    if (!newMoment) return;
    shownMoment.current = moment;
    if (viewport === 0) {
      // Not measured yet: the virtualizer works it out.
      virtualizer.scrollToIndex(currentPos, { align: 'auto' });
      return;
    }
    const el = scroller.current;
    if (momentTop === null || !el) return;
    // In the commit, before the frame is drawn: this render drew the rows at that offset already
    // (itemsAt), so the frame shows them, and the virtualizer's render on the scroll event that follows
    // finds them drawn. (Read back: the browser may clamp it; the layout is fresh after the write.)
    el.scrollTop = momentTop;
    momentScroll.current = el.scrollTop;
  }, [moment, newMoment, momentTop, viewport, currentPos, virtualizer]);

  // ── columns ──
  const [widths, setWidths] = useState<Widths>(loadWidths);
  const widthsRef = useRef(widths);
  useEffect(() => {
    widthsRef.current = widths;
  });
  const startResize = (id: ColumnId) => (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const handle = e.currentTarget;
    const pointer = e.pointerId;
    const x0 = e.clientX;
    const w0 = widthsRef.current[id];
    try {
      handle.setPointerCapture(pointer);
    } catch {
      // not capturable (synthetic event): moves still arrive while over the handle
    }
    const move = (ev: PointerEvent): void => {
      const w = clampWidth(w0 + ev.clientX - x0);
      setWidths((ws) => (ws[id] === w ? ws : { ...ws, [id]: w }));
    };
    const done = (): void => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', done);
      handle.removeEventListener('pointercancel', done);
      saveWidths(widthsRef.current);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', done);
    handle.addEventListener('pointercancel', done);
  };
  const resetWidth = (id: ColumnId) => () => {
    setWidths((ws) => {
      const next = { ...ws, [id]: DEFAULT_WIDTHS[id] };
      saveWidths(next);
      return next;
    });
  };
  const shown = layout.shown;
  const total = shown.reduce((n, id) => n + widths[id], 0);
  const endChars = charsIn(widths.endpoints, charPx);

  // ── context menus: the column chooser (header) and a cell's filter terms (body) ──
  type Menu = { kind: 'columns'; x: number; y: number } | { kind: 'cell'; x: number; y: number; term: string | null; realms: { role: 'sender' | 'receiver'; id: RealmId }[] };
  const [menu, setMenu] = useState<Menu | null>(null);
  const closeMenu = (): void => {
    setMenu(null);
    scroller.current?.focus();
  };
  const onHeaderMenu = (e: ReactMouseEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setMenu({ kind: 'columns', x: e.clientX, y: e.clientY });
  };
  const onCellMenu = (e: ReactMouseEvent<HTMLDivElement>): void => {
    const target = e.target as HTMLElement;
    const rowEl = target.closest('[role="row"]');
    const cell = target.closest('[data-col]');
    const position = Number(rowEl?.getAttribute('aria-rowindex')) - 2;
    const row = rows[position];
    // Event and gap rows have no values to filter by: the browser's own menu.
    if (!row || row.kind !== 'message' || !cell) return;
    e.preventDefault();
    // As in the Network panel, the row right-clicked becomes the selected one.
    pick(position, false);
    const end = (target.closest('[data-end]')?.getAttribute('data-end') ?? 'from') as End;
    const m = row.message;
    // The message's realms can be inspected from here too: a realm is selected by its name anywhere.
    const realms: { role: 'sender' | 'receiver'; id: RealmId }[] = [];
    if (m.fromRealm !== undefined) realms.push({ role: 'sender', id: m.fromRealm });
    if (m.toRealm !== undefined && m.toRealm !== m.fromRealm) realms.push({ role: 'receiver', id: m.toRealm });
    setMenu({ kind: 'cell', x: e.clientX, y: e.clientY, term: cellTerm(cell.getAttribute('data-col') as ColumnId, m, cellCtx, end), realms });
  };
  const addTerm = (term: string, negate: boolean): void => {
    const v = view.getState();
    v.filterChanged({ text: withTerm(v.filter.text, term, negate) });
  };
  const menuItems = (m: Menu): ContextMenuItem[] => {
    if (m.kind === 'columns') {
      return [
        ...ALL_COLUMNS.map((c) => ({
          label: c.title,
          checked: shown.includes(c.id),
          disabled: c.fixed === true,
          run: () => changeLayout(toggleColumn(layout, c.id)),
        })),
        {
          label: 'Reset columns',
          separated: true,
          run: () => {
            changeLayout({ shown: DEFAULT_SHOWN, sort: null });
            setWidths(DEFAULT_WIDTHS);
            saveWidths(DEFAULT_WIDTHS);
          },
        },
      ];
    }
    const term = m.term;
    return [
      { label: 'Filter by this value', disabled: term === null, run: () => term !== null && addTerm(term, false) },
      { label: 'Hide messages like this', disabled: term === null, run: () => term !== null && addTerm(term, true) },
      ...m.realms.map(({ role, id }, i) => ({
        label: `Inspect the ${role}: ${realmName(id, index.realms)}`,
        separated: i === 0,
        run: () => {
          view.getState().focused({ kind: 'realm', id });
          view.getState().selected(null);
        },
      })),
    ];
  };

  // Following the newest rows: draw the rows at the bottom at once (fixed row heights say where they
  // go), rather than the range at the old scroll position. The layout effect then scrolls to the end
  // and the virtualizer finds the rows it wants already drawn; otherwise every view tick of a live
  // flood was two renders and two layouts.
  // A seek: the rows at the moment's offset are drawn in the render that marks it, not one render after
  // the scroll (which the virtualizer hears about a frame later); that render then finds them drawn.
  const written = momentScroll.current;
  const scrollingTo = momentTop ?? (written !== null && written !== virtualizer.scrollOffset ? written : null);
  // (Following: the rows at the end; a view not measured yet taken as 600 px tall.)
  const tailView = virtualizer.scrollRect?.height ?? 600;
  const items =
    following && count > 0
      ? itemsAt(count, endOffset(count, tailView), tailView)
      : scrollingTo !== null
        ? itemsAt(count, scrollingTo, viewport, overscan)
        : virtualizer.getVirtualItems();
  const slotOf = rowSlots(
    items.map((item) => item.index),
    slots.current,
  );
  slots.current = slotOf;
  const slotKey = (index: number): number | undefined => slotOf.byRow.get(index);
  const newRows = following ? 0 : Math.max(0, count - leftAt);

  return (
    <div className="tl" data-testid="timeline-pane">
      <div
        className="tl-grid"
        ref={scroller}
        role="grid"
        aria-label="Messages"
        aria-rowcount={count + 1}
        aria-multiselectable="true"
        aria-colcount={shown.length}
        tabIndex={0}
        data-testid="timeline"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        style={{ ['--tl-cols' as string]: gridColumns(shown, widths), ['--tl-min' as string]: `${total}px` }}
      >
        <div className="tl-header" role="row" aria-rowindex={1} data-testid="timeline-header" onContextMenu={onHeaderMenu} title="Click a header to sort; right-click to choose columns">
          {shown.map((id) => {
            const c = columnOf(id);
            const dir = sort !== null && sort.column === id ? sort.direction : undefined;
            return (
              <div key={id} role="columnheader" aria-label={c.title} aria-sort={dir} className={`tl-hcell${c.numeric ? ' num' : ''}`} data-col={id}>
                <button type="button" className="tl-sort" tabIndex={-1} onClick={() => changeLayout({ ...layout, sort: nextSort(sort, id) })}>
                  <span className="tl-htext">{c.title}</span>
                  {dir !== undefined && (
                    <span className="tl-sort-mark" aria-hidden="true">
                      {dir === 'ascending' ? '▲' : '▼'}
                    </span>
                  )}
                </button>
                <div
                  className="tl-resize"
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${c.title}`}
                  title="Drag to resize; double-click to reset"
                  onPointerDown={startResize(id)}
                  onDoubleClick={resetWidth(id)}
                />
              </div>
            );
          })}
        </div>
        <div className="tl-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }} onContextMenu={onCellMenu}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            if (flying) {
              return <FlyingRow key={`f${slotKey(item.index)}`} row={row} position={item.index} start={item.start - HEADER_HEIGHT} t0={state.t0} at={at?.of(row)} />;
            }
            return (
              <Row
                // Keyed by slot (rowSlots.ts), not by row: a row scrolled out hands its elements to
                // the one scrolled in.
                key={slotKey(item.index)}
                row={row}
                position={item.index}
                start={item.start - HEADER_HEIGHT}
                selected={item.index === selPos || (multiSelected !== null && row.kind === 'message' && multiSelected.has(row.message.id))}
                t0={state.t0}
                realms={index.realms}
                endChars={endChars}
                columns={shown}
                cellCtx={cellCtx}
                onPick={pick}
                at={at?.of(row)}
              />
            );
          })}
        </div>
      </div>
      {count === 0 && <Empty store={store} model={model} view={view} error={error} />}
      {menu !== null && <ContextMenu label={menu.kind === 'columns' ? 'Columns' : 'Filter'} x={menu.x} y={menu.y} items={menuItems(menu)} onClose={closeMenu} />}
      {newRows > 0 && (
        <button type="button" className="tl-new" data-testid="timeline-new" onClick={jumpToEnd} title="Scroll to the newest and follow">
          ↓ {newRows.toLocaleString('en-US')} new
        </button>
      )}
    </div>
  );
}
