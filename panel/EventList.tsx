import { memo, useCallback, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LogEntry, LogStore } from './store';
import { isProblem, summarize } from './summary';
import { useLogVersion } from './useLog';

/** Rows the live list shows. */
export const LIST_ROWS = 200;

export const EMPTY_TEXT =
  'Entangle records MessageChannel, postMessage, worker and BroadcastChannel traffic of the inspected page. Interact with the page or reload it to see events.';

/** Distance from the bottom (px) within which the list counts as "at the bottom" and follows new rows. */
const STICK_PX = 8;

function time(t: number, t0: number | null): string {
  return t0 === null ? '' : (t - t0).toFixed(1);
}

interface RowProps {
  entry: LogEntry;
  t0: number | null;
  selected: boolean;
  onSelect?: (index: number) => void;
}

const Row = memo(function Row({ entry, t0, selected, onSelect }: RowProps) {
  const { event } = entry;
  return (
    <tr
      data-testid="event-row"
      data-index={entry.index}
      data-selected={selected ? 'true' : undefined}
      aria-selected={selected}
      className={isProblem(event) ? 'problem' : undefined}
      onClick={onSelect ? () => onSelect(entry.index) : undefined}
    >
      <td className="num mono">{time(event.t, t0)}</td>
      <td className="mono" title={`${entry.realm} (frame ${entry.frameId}) seq ${event.seq}`}>
        {entry.realm}
      </td>
      <td>{event.type}</td>
      <td className="summary">{summarize(event)}</td>
    </tr>
  );
});

/** The rows to show: the newest LIST_ROWS, or — while the user reads older rows — a window that stays put. */
function visibleRows(store: LogStore, anchor: number | null): LogEntry[] {
  const log = store.getState().log;
  if (anchor === null) return log.tail(LIST_ROWS);
  const from = Math.max(anchor, log.start) - log.start;
  return log.slice(from, from + LIST_ROWS);
}

export interface EventListProps {
  store: LogStore;
  /** Arrival index of the selected entry, or null. */
  selected?: number | null;
  /** Called with the arrival index of a clicked row, or of the row ArrowUp/ArrowDown moves to. */
  onSelect?: (index: number) => void;
}

export function EventList({ store, selected = null, onSelect }: EventListProps) {
  useLogVersion(store);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  // Arrival index of the first row while the user has scrolled up; null while following the newest.
  const [anchor, setAnchor] = useState<number | null>(null);
  const { log, t0, notRecorded, recording } = store.getState();
  const rows = visibleRows(store, anchor);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });

  // Keep a row chosen with the keyboard in view.
  const scrollToSelected = useRef(false);
  useLayoutEffect(() => {
    if (!scrollToSelected.current) return;
    scrollToSelected.current = false;
    const row = scroller.current?.querySelector<HTMLElement>('tr[data-selected]');
    const head = scroller.current?.querySelector<HTMLElement>('thead');
    if (!row || !scroller.current) return;
    const el = scroller.current;
    const box = el.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    const top = box.top + el.clientTop + (head?.offsetHeight ?? 0);
    const bottom = box.top + el.clientTop + el.clientHeight;
    if (r.top < top) el.scrollTop -= top - r.top;
    else if (r.bottom > bottom) el.scrollTop += r.bottom - bottom;
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (!onSelect || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') || rows.length === 0) return;
    e.preventDefault();
    const at = selected === null ? -1 : rows.findIndex((r) => r.index === selected);
    let next: number;
    if (at === -1) next = e.key === 'ArrowDown' ? 0 : rows.length - 1;
    else next = Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    const target = rows[next];
    if (target && target.index !== selected) {
      scrollToSelected.current = true;
      select(target.index);
    }
  };

  // A click can land before the scroll event of a scroll just made (scrollIntoView, a fast wheel):
  // take "at the bottom" from the geometry then, so selecting does not yank the list to the end.
  const onSelectRef = useRef(onSelect);
  useLayoutEffect(() => {
    onSelectRef.current = onSelect;
  });
  const select = useCallback((index: number): void => {
    const el = scroller.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    onSelectRef.current?.(index);
  }, []);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    stick.current = atBottom;
    if (atBottom && anchor !== null) setAnchor(null);
    else if (!atBottom && anchor === null) setAnchor(rows[0]?.index ?? null);
  };

  if (log.length === 0) {
    // Cleared (or nothing yet): follow the newest rows again once events arrive.
    stick.current = true;
    if (anchor !== null) setAnchor(null);
    return (
      <div className="empty" data-testid="empty">
        <p>{EMPTY_TEXT}</p>
        {!recording && <p>Recording is paused{notRecorded > 0 ? ` (${notRecorded.toLocaleString('en-US')} events not recorded)` : ''}.</p>}
      </div>
    );
  }

  return (
    <div
      className="events"
      ref={scroller}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      tabIndex={0}
      data-testid="event-list"
    >
      {log.length > rows.length && (
        <div className="more">
          {anchor === null
            ? `Showing the newest ${rows.length.toLocaleString('en-US')} of ${log.length.toLocaleString('en-US')} events held.`
            : `Showing ${rows.length.toLocaleString('en-US')} of ${log.length.toLocaleString('en-US')} events; scroll to the bottom to follow new ones.`}
        </div>
      )}
      <table role="grid" aria-label="Events">
        <colgroup>
          <col className="c-time" />
          <col className="c-realm" />
          <col className="c-type" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th className="num">ms</th>
            <th>realm</th>
            <th>type</th>
            <th>summary</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((entry) => (
            <Row key={entry.index} entry={entry} t0={t0} selected={entry.index === selected} onSelect={onSelect ? select : undefined} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
