/**
 * The timeline's filter bar, like the Network panel's: free text (or a regular expression), route and
 * status toggles, a realm, errors only, show events, the graph focus as a clearable chip, and how many
 * messages are shown. It writes the view store only; the timeline reads it.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { MessageStatus, RealmModel, Totals } from '../../model/correlator';
import type { Route } from '../../model/protocol';
import { indexOf } from '../modelIndex';
import type { LogStore } from '../store';
import { shownModel, useLogVersion } from '../useLog';
import { isFiltering, type Focus, type ViewStore } from '../viewState';
import { buildRows, MESSAGE_STATUSES, ROUTES, shortPort, shortRealm, shortUrl, statusIcon, statusLabel, viewRows, warmSearchText } from './rows';
import './timeline.css';

/** Up to this many messages the text filter applies on every keystroke; above, after a pause in typing. */
export const IMMEDIATE_FILTER_MESSAGES = 5_000;
export const FILTER_DEBOUNCE_MS = 150;

function statusCount(t: Totals, s: MessageStatus): number {
  switch (s) {
    case 'delivered':
      return t.delivered;
    case 'queued':
      return t.queued;
    case 'in-flight':
      return t.inFlight;
    case 'failed':
      return t.failed;
    case 'lost':
      return t.lost;
    case 'doomed':
      return t.doomed;
  }
}

const ROUTE_TITLES: Record<Route, string> = {
  port: 'MessagePort messages (MessageChannel)',
  window: 'window.postMessage',
  worker: 'Worker postMessage',
  broadcast: 'BroadcastChannel',
};

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

function realmOption(r: RealmModel): string {
  const url = shortUrl(r.url, 36);
  return `${shortRealm(r.id, r)}${url ? ` ${url}` : ''}`;
}

const KIND_ORDER: Record<RealmModel['kind'], number> = { top: 0, iframe: 1, popup: 2, worker: 3, sharedworker: 4, serviceworker: 5, unknown: 6 };

function focusLabel(f: Focus, realm: RealmModel | undefined): string {
  switch (f.kind) {
    case 'realm':
      return `realm ${shortRealm(f.id, realm)}`;
    case 'channel':
      return `channel ${shortPort(f.id)}`;
    case 'port':
      return `port ${shortPort(f.id)}`;
  }
}

export interface FilterBarProps {
  store: LogStore;
  view: ViewStore;
  /** Messages up to which typing filters at once (default IMMEDIATE_FILTER_MESSAGES); tests lower it. */
  immediateUpTo?: number;
}

export function FilterBar({ store, view, immediateUpTo = IMMEDIATE_FILTER_MESSAGES }: FilterBarProps) {
  useLogVersion(store);
  const filter = useStore(view, (s) => s.filter);
  const focus = useStore(view, (s) => s.focus);
  const state = store.getState();
  const model = shownModel(store);
  const index = indexOf(model);
  // The same memoised pass the timeline draws from.
  const result = viewRows(buildRows(model, state.log, filter.showEvents), filter, focus, index);
  const total = model.messages.length;
  const filtering = isFiltering({ filter, focus });

  // The text box: what is typed shows at once; the filter follows (at once for small logs, else debounced).
  const [draft, setDraft] = useState(filter.text);
  const [applied, setApplied] = useState(filter.text);
  if (filter.text !== applied) {
    // Changed elsewhere (cleared): show it.
    setApplied(filter.text);
    setDraft(filter.text);
  }
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = (): void => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  };
  useEffect(() => cancel, []);
  const commit = (text: string): void => {
    cancel();
    if (view.getState().filter.text !== text) view.getState().filterChanged({ text });
  };
  const onText = (text: string): void => {
    setDraft(text);
    if (total <= immediateUpTo) commit(text);
    else {
      cancel();
      timer.current = setTimeout(() => commit(text), FILTER_DEBOUNCE_MS);
    }
  };

  // Build the rows' search text in idle time, before the first keystroke needs it: after each view tick
  // (most rows keep theirs from the last one) and when the text box gets focus.
  const warming = useRef<(() => void) | null>(null);
  useEffect(() => () => warming.current?.(), []);
  const warm = (): void => {
    if (warming.current) return;
    const m = shownModel(store);
    const rows = buildRows(m, store.getState().log, view.getState().filter.showEvents);
    const realms = indexOf(m).realms;
    let stop = false;
    const idle = globalThis.requestIdleCallback?.bind(globalThis);
    const step = (): void => {
      if (stop) return;
      if (warmSearchText(rows, 12, realms)) warming.current = null;
      else if (idle) idle(step, { timeout: 200 });
      else setTimeout(step, 0);
    };
    warming.current = () => {
      stop = true;
      warming.current = null;
    };
    step();
  };
  const warmRef = useRef(warm);
  warmRef.current = warm;
  useEffect(() => {
    warmRef.current();
  }, [model]);

  const realms = [...model.realms].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.frameId ?? 0) - (b.frameId ?? 0) || a.id.localeCompare(b.id));
  const realmKnown = filter.realm === null || realms.some((r) => r.id === filter.realm);
  const set = view.getState().filterChanged;

  return (
    <div className="fb" role="toolbar" aria-label="Timeline filters" data-testid="filter-bar">
      <span className="fb-group fb-text">
        <input
          type="search"
          placeholder="Filter"
          aria-label="Filter messages"
          data-testid="filter-text"
          value={draft}
          spellCheck={false}
          aria-invalid={result.error !== null}
          title="Text in previews, routes, realm and port ids, channel names, statuses and errors"
          onChange={(e) => onText(e.currentTarget.value)}
          onFocus={warm}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit(e.currentTarget.value);
            else if (e.key === 'Escape' && draft !== '') {
              e.preventDefault();
              setDraft('');
              commit('');
            }
          }}
        />
      </span>
      <label className="fb-group" title="Treat the text as a regular expression (case-insensitive)">
        <input type="checkbox" data-testid="filter-regex" checked={filter.regex} onChange={(e) => set({ regex: e.currentTarget.checked })} />
        Regex
      </label>
      {result.error !== null && (
        <span className="fb-error" role="alert" data-testid="filter-error" title={result.error}>
          Invalid regex: {result.error}
        </span>
      )}
      <span className="fb-sep" aria-hidden="true" />
      <span className="fb-group" role="group" aria-label="Routes">
        {ROUTES.map((r) => (
          <button
            key={r}
            type="button"
            className="fb-toggle"
            data-testid={`filter-route-${r}`}
            aria-pressed={filter.routes.includes(r)}
            title={ROUTE_TITLES[r]}
            onClick={() => set({ routes: toggle(filter.routes, r) })}
          >
            {r}
          </button>
        ))}
      </span>
      <span className="fb-sep" aria-hidden="true" />
      <span className="fb-group" role="group" aria-label="Statuses">
        {MESSAGE_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className="fb-toggle"
            data-testid={`filter-status-${s}`}
            aria-pressed={filter.statuses.includes(s)}
            onClick={() => set({ statuses: toggle(filter.statuses, s) })}
          >
            <span aria-hidden="true">{statusIcon(s)} </span>
            {statusLabel(s)}
            <span className="fb-n">{statusCount(model.totals, s).toLocaleString('en-US')}</span>
          </button>
        ))}
      </span>
      <span className="fb-sep" aria-hidden="true" />
      <select
        className="fb-group"
        data-testid="filter-realm"
        aria-label="Realm"
        title="Messages sent from or received in this realm"
        value={filter.realm ?? ''}
        onChange={(e) => set({ realm: e.currentTarget.value === '' ? null : e.currentTarget.value })}
      >
        <option value="">All realms</option>
        {realms.map((r) => (
          <option key={r.id} value={r.id} title={`${r.id}${r.url ? ` ${r.url}` : ''}`}>
            {realmOption(r)}
          </option>
        ))}
        {!realmKnown && filter.realm !== null && <option value={filter.realm}>{shortRealm(filter.realm)} (gone)</option>}
      </select>
      <label className="fb-group" title="Failed, lost and doomed messages, gaps and recorder faults">
        <input type="checkbox" data-testid="filter-errors" checked={filter.errorsOnly} onChange={(e) => set({ errorsOnly: e.currentTarget.checked })} />
        Errors only
      </label>
      <label className="fb-group" title="Also show realms starting, channels created, ports started and closed, workers, gaps and faults">
        <input type="checkbox" data-testid="filter-events" checked={filter.showEvents} onChange={(e) => set({ showEvents: e.currentTarget.checked })} />
        Show events
      </label>
      {focus && (
        <span className="fb-focus" data-testid="filter-focus" title={`Selected in the graph: ${focus.kind} ${focus.id}`}>
          {focusLabel(focus, focus.kind === 'realm' ? index.realms.get(focus.id) : undefined)}
          <button type="button" aria-label="Remove the graph focus" data-testid="filter-focus-clear" onClick={() => view.getState().focused(null)}>
            ×
          </button>
        </span>
      )}
      <button
        type="button"
        className="fb-group"
        data-testid="filter-clear"
        disabled={!filtering}
        title="Clear every filter and the graph focus"
        onClick={() => {
          cancel();
          setDraft('');
          view.getState().filtersCleared();
        }}
      >
        Clear filters
      </button>
      <span className="fb-count" data-testid="filter-count" aria-live="polite">
        {filtering || result.error !== null
          ? `${result.messages.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} messages`
          : `${total.toLocaleString('en-US')} message${total === 1 ? '' : 's'}`}
      </span>
    </div>
  );
}
