/**
 * The timeline's filter bar, like the Network panel's: the filter language of `filterQuery.ts` (text,
 * `-term`, "quotes", `/regex/`, `key:value` with autocomplete of keys and values), or the whole text as
 * one regular expression; route and status toggles and *Errors only*, which write their terms into the
 * text (`route:window`, `status:failed,lost`, `is:error`) and show pressed when the text has them; a
 * realm picker; show events; the graph focus as a clearable chip; a hint for terms it cannot use; how
 * many messages are shown. It writes the view store only; the timeline reads it.
 *
 * Keyboard: `/` or Ctrl+F (⌘F) focuses the text box. In it, ↓/↑ open and move through the suggestions,
 * Enter or Tab picks one (Tab the first when none is chosen), Esc closes them, and Esc again clears.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { MessageStatus, RealmModel, Totals } from '../../model/correlator';
import type { Route } from '../../model/protocol';
import { indexOf } from '../modelIndex';
import { MenuButton, type MenuItem } from '../MenuButton';
import { realmNamesOf, realmTitle } from '../realmNames';
import { useElementWidth } from '../useElementWidth';
import type { LogStore } from '../store';
import { shownModel, useLogVersion } from '../useLog';
import { isFiltering, type Focus, type ViewStore } from '../viewState';
import {
  applySuggestion,
  completionAt,
  hasErrorTerm,
  parsedQuery,
  positiveValues,
  suggestedValues,
  suggestions,
  toggleValue,
  warmMessageTypes,
  type CompletionContext,
  type FilterKey,
  type QueryHint,
  type Suggestion,
} from './filterQuery';
import { realmOptions } from './realmOptions';
import { buildRows, MESSAGE_STATUSES, ROUTES, shortPort, statusIcon, statusLabel, viewRows, warmSearchText } from './rows';
import './timeline.css';
import './filterBar.css';

/** Below this width (px) the bar folds its status toggles, *Errors only* and *Show events* into one
 *  *More filters* menu, as the Network panel does: it then takes one or two lines (two docked right,
 *  ≈555 px), and above it the toggles fit in two (with six-digit counts too). Between 900 and 1,200 px
 *  the toggles in line took three. */
export const FILTER_MENU_PX = 1_200;

/** How long the log stays unchanged before the search text is built ahead of a filter. */
const WARM_AFTER_QUIET_MS = 1_000;
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
    case 'dropped-origin':
      return t.droppedOrigin;
  }
}

const ROUTE_TITLES: Record<Route, string> = {
  port: 'MessagePort messages (MessageChannel)',
  window: 'window.postMessage',
  worker: 'Worker postMessage',
  broadcast: 'BroadcastChannel',
};

/** Longest realm name in the picker (names are shortened from the middle, as in the rows). */
const REALM_OPTION_CHARS = 48;

function focusLabel(f: Focus, realmName: (id: string) => string): string {
  switch (f.kind) {
    case 'realm':
      return realmName(f.id);
    case 'channel':
      return `channel ${shortPort(f.id)}`;
    case 'port':
      return `port ${shortPort(f.id)}`;
  }
}

/**
 * The hint shown for a query: its first error (a term left out), else — while the box has the focus —
 * its first note. Not about the term being completed (`status:` with its values listed needs no "needs
 * a value").
 */
function shownHint(hints: readonly QueryHint[], focused: boolean, completing: CompletionContext | null): QueryHint | null {
  const shown = hints.filter((h) => (h.severity === 'error' || focused) && !(completing && h.start <= completing.from && completing.from <= h.end));
  return shown.find((h) => h.severity === 'error') ?? shown[0] ?? null;
}

/** An element where `/` is typed, not a shortcut. */
function editable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || el.isContentEditable) return true;
  return el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(el.type);
}

const TEXT_TITLE = [
  'Filter: all terms must match',
  '  words or "quoted words" — text in previews, realms, ports, channels, statuses and errors',
  '  -term — exclude; /regex/ — a regular expression',
  '  status: route: from: to: port: channel: type: size:>1k is:error has:transfer',
  '↓ for suggestions · / or Ctrl+F to come here',
].join('\n');

interface Completion {
  ctx: CompletionContext;
  items: Suggestion[];
  /** The chosen item, -1 for none yet. */
  active: number;
}

export interface FilterBarProps {
  store: LogStore;
  view: ViewStore;
  /** Messages up to which typing filters at once (default IMMEDIATE_FILTER_MESSAGES); tests lower it. */
  immediateUpTo?: number;
}

export function FilterBar({ store, view, immediateUpTo = IMMEDIATE_FILTER_MESSAGES }: FilterBarProps) {
  const version = useLogVersion(store);
  const filter = useStore(view, (s) => s.filter);
  const focus = useStore(view, (s) => s.focus);
  const state = store.getState();
  const model = shownModel(store, version);
  const index = indexOf(model);
  const names = realmNamesOf(index.realms);
  // The same memoised pass the timeline draws from.
  const result = viewRows(buildRows(model, state.log, filter.showEvents), filter, focus, index);
  const total = model.messages.length;
  const filtering = isFiltering({ filter, focus });
  const ids = useId();
  const listId = `${ids}-suggestions`;
  const hintId = `${ids}-hint`;
  const input = useRef<HTMLInputElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  const narrow = useElementWidth(bar, Number.POSITIVE_INFINITY) < FILTER_MENU_PX;

  // The text box: what is typed shows at once; the filter follows (at once for small logs, else debounced).
  const [draft, setDraft] = useState(filter.text);
  const [applied, setApplied] = useState(filter.text);
  if (filter.text !== applied) {
    // Changed elsewhere (cleared, a toggle, a cell's "filter by this value"): show it.
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
  /** A change made by a control (toggle, pick): shown and applied at once. */
  const setText = (text: string): void => {
    setDraft(text);
    commit(text);
  };

  // What the text says, for the hint and the toggles (the draft: the hint follows each keystroke).
  const parsed = parsedQuery(draft);
  const [focused, setFocused] = useState(false);
  const textStatuses = filter.regex ? [] : positiveValues(parsed, 'status');
  const textRoutes = filter.regex ? [] : positiveValues(parsed, 'route');
  const textErrors = !filter.regex && hasErrorTerm(parsed);

  // ── autocomplete ──
  const [completion, setCompletion] = useState<Completion | null>(null);
  const valueCache = useRef<{ model: unknown; values: Map<FilterKey, readonly string[]> }>({ model: null, values: new Map() });
  const valuesOf = (key: FilterKey): readonly string[] => {
    const cache = valueCache.current;
    if (cache.model !== model) {
      cache.model = model;
      cache.values.clear();
    }
    let v = cache.values.get(key);
    if (!v) {
      v = suggestedValues(key, model.messages, index);
      cache.values.set(key, v);
    }
    return v;
  };
  /** The suggestions at the caret; `explicit` (↓) lists keys even before a letter is typed. */
  const suggestAt = (text: string, caret: number, explicit: boolean): void => {
    if (filter.regex) return setCompletion(null);
    const ctx = completionAt(text, caret);
    const items = ctx ? suggestions(ctx, valuesOf) : [];
    const wanted = ctx !== null && (explicit || ctx.kind === 'value' || ctx.prefix !== '');
    setCompletion(wanted && items.length > 0 && ctx ? { ctx, items, active: explicit ? 0 : -1 } : null);
  };
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const c = pendingCaret.current;
    if (c !== null && input.current) {
      pendingCaret.current = null;
      input.current.setSelectionRange(c, c);
    }
  });
  const pick = (c: Completion, i: number): void => {
    const item = c.items[i];
    if (!item) return;
    const next = applySuggestion(draft, c.ctx, item);
    setText(next.text);
    pendingCaret.current = next.caret;
    // After a key, its values.
    if (item.kind === 'key') suggestAt(next.text, next.caret, false);
    else setCompletion(null);
  };
  const open = completion !== null;
  const hint = filter.regex ? null : shownHint(parsed.hints, focused, completion?.ctx ?? null);
  const activeId = completion && completion.active >= 0 ? `${listId}-${completion.active}` : undefined;

  // `/` or Ctrl+F (⌘F) anywhere in the panel focuses the filter, unless it has the focus already.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const el = input.current;
      if (e.defaultPrevented || !el || document.activeElement === el) return;
      const find = (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f';
      const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !editable(e.target);
      if (!find && !slash) return;
      e.preventDefault();
      el.focus();
      el.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Build the rows' search text (and the messages' types) in idle time, before the first keystroke
  // needs it: for a model that follows a quiet spell, and once the log has been quiet for
  // WARM_AFTER_QUIET_MS (most rows keep theirs from the last time), and when the text box gets focus.
  // Not after every tick: each pass starts over the whole log (a new rows array), and during a flood
  // those passes took the inspected page's CPU (issue 12).
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
      if (warmSearchText(rows, 12, realms) && warmMessageTypes(m.messages, 12)) warming.current = null;
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
  const lastModelAt = useRef(-Infinity);
  useEffect(() => {
    // A model after a quiet spell (a capture opened, the first messages) is warmed at once.
    const now = performance.now();
    const wait = now - lastModelAt.current >= WARM_AFTER_QUIET_MS ? 0 : WARM_AFTER_QUIET_MS;
    lastModelAt.current = now;
    const quiet = setTimeout(() => warmRef.current(), wait);
    return () => clearTimeout(quiet);
  }, [model]);

  const { shown: realms, hidden: realmsHidden } = useMemo(() => realmOptions(model.realms, filter.realm), [model.realms, filter.realm]);
  const realmKnown = filter.realm === null || realms.some((r) => r.id === filter.realm);
  const set = view.getState().filterChanged;

  /** A route or status toggle: in the language, its term in the text (the legacy field cleared too);
   *  in regex mode, where the text is one expression, the field alone. */
  const toggleTerm = <T extends Route | MessageStatus>(key: 'route' | 'status', value: T, fromText: readonly string[], field: readonly T[]): void => {
    const patch = key === 'route' ? 'routes' : 'statuses';
    if (filter.regex) {
      set({ [patch]: field.includes(value) ? field.filter((x) => x !== value) : [...field, value] });
      return;
    }
    const inText = fromText.includes(value);
    if (field.includes(value)) set({ [patch]: field.filter((x) => x !== value) });
    if (inText || !field.includes(value)) setText(toggleValue(draft, key, value));
  };
  const onErrors = (on: boolean): void => {
    if (filter.regex) return set({ errorsOnly: on });
    if (filter.errorsOnly && !on) set({ errorsOnly: false });
    if (on !== textErrors) setText(toggleValue(draft, 'is', 'error'));
  };

  const statusPressed = (s: MessageStatus): boolean => filter.statuses.includes(s) || textStatuses.includes(s);
  const errorsOn = filter.errorsOnly || textErrors;
  const errorsTitle = `Failed, lost and doomed messages, gaps and recorder faults${filter.regex ? '' : ' (is:error in the filter)'}`;
  const eventsTitle = 'Also show realms starting, channels created, ports started and closed, workers, gaps and faults';
  // Made only when narrow: the bar renders on every batch of a live log.
  const moreFilters: MenuItem[] = narrow
    ? [
        ...MESSAGE_STATUSES.map(
          (s): MenuItem => ({
            id: `status-${s}`,
            // Without the status's icon: delivered's ✓ would read as the item's check mark.
            label: `${statusLabel(s)} ${statusCount(model.totals, s).toLocaleString('en-US')}`,
            checked: statusPressed(s),
            testId: `filter-status-${s}`,
            ...(filter.regex ? {} : { title: `status:${s} in the filter` }),
            run: () => toggleTerm('status', s, textStatuses, filter.statuses),
          }),
        ),
        { label: 'Errors only', separated: true, checked: errorsOn, testId: 'filter-errors', title: errorsTitle, run: () => onErrors(!errorsOn) },
        { label: 'Show events', checked: filter.showEvents, testId: 'filter-events', title: eventsTitle, run: () => set({ showEvents: !filter.showEvents }) },
      ]
    : [];
  const moreSet = moreFilters.filter((i) => i.checked).length;

  return (
    <div className="fb" role="toolbar" aria-label="Timeline filters" data-testid="filter-bar" data-narrow={narrow} ref={bar}>
      <span className="fb-group fb-text">
        <input
          ref={input}
          type="search"
          role="combobox"
          placeholder="Filter"
          aria-label="Filter messages"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeId}
          aria-describedby={hintId}
          autoComplete="off"
          data-testid="filter-text"
          value={draft}
          spellCheck={false}
          aria-invalid={result.error !== null || hint?.severity === 'error'}
          title={filter.regex ? 'A regular expression (case-insensitive) over previews, routes, realms, ports, channel names, statuses and errors' : TEXT_TITLE}
          onChange={(e) => {
            const el = e.currentTarget;
            onText(el.value);
            suggestAt(el.value, el.selectionStart ?? el.value.length, false);
          }}
          onFocus={() => {
            setFocused(true);
            warm();
          }}
          onBlur={() => {
            setFocused(false);
            setCompletion(null);
          }}
          onKeyDown={(e) => {
            const el = e.currentTarget;
            const c = completion;
            switch (e.key) {
              case 'ArrowDown':
              case 'ArrowUp': {
                e.preventDefault();
                if (!c) return suggestAt(el.value, el.selectionStart ?? el.value.length, true);
                const n = c.items.length;
                const active = e.key === 'ArrowDown' ? (c.active + 1) % n : c.active <= 0 ? n - 1 : c.active - 1;
                return setCompletion({ ...c, active });
              }
              case 'Enter':
                if (c && c.active >= 0) {
                  e.preventDefault();
                  return pick(c, c.active);
                }
                setCompletion(null);
                return commit(el.value);
              case 'Tab':
                if (c && !e.shiftKey) {
                  e.preventDefault();
                  return pick(c, Math.max(0, c.active));
                }
                return;
              case 'Escape':
                if (c) {
                  e.preventDefault();
                  return setCompletion(null);
                }
                if (draft !== '') {
                  e.preventDefault();
                  setDraft('');
                  commit('');
                }
                return;
              case 'ArrowLeft':
              case 'ArrowRight':
              case 'Home':
              case 'End':
                // The caret moves: the suggestions would be for another place.
                if (c) setCompletion(null);
                return;
            }
          }}
        />
        <ul className="fb-suggest" role="listbox" id={listId} aria-label="Filter suggestions" data-testid="filter-suggestions" hidden={!open}>
          {completion?.items.map((item, i) => (
            <li
              key={`${item.kind}:${item.label}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === completion.active}
              className="fb-option"
              // Keep the focus in the text box.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(completion, i)}
            >
              <span className="fb-option-label">{item.label}</span>
              {item.detail !== undefined && <span className="fb-option-detail">{item.detail}</span>}
            </li>
          ))}
        </ul>
        {/* Under the box (not beside it: the bar stays one line), hidden while the suggestions are. */}
        <span
          id={hintId}
          className={`fb-hint${hint?.severity === 'error' ? ' fb-hint-error' : ''}${open ? ' fb-hint-under-list' : ''}`}
          role="status"
          aria-live="polite"
          data-testid="filter-hint"
          title={hint?.message}
        >
          {hint !== null ? `${hint.severity === 'error' ? '⚠ ' : ''}${draft.slice(hint.start, hint.end)} — ${hint.message}` : ''}
        </span>
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
            aria-pressed={filter.routes.includes(r) || textRoutes.includes(r)}
            title={`${ROUTE_TITLES[r]}${filter.regex ? '' : ` (route:${r} in the filter)`}`}
            onClick={() => toggleTerm('route', r, textRoutes, filter.routes)}
          >
            {r}
          </button>
        ))}
      </span>
      <span className="fb-sep" aria-hidden="true" />
      {narrow ? (
        <MenuButton
          label={`More filters${moreSet > 0 ? ` (${moreSet})` : ''} ▾`}
          name="More filters"
          title={`Statuses, errors only, show events${moreSet > 0 ? ` (${moreSet} on)` : ''}`}
          testId="filter-more"
          active={moreSet > 0}
          keepOpenOnCheck
          items={moreFilters}
        />
      ) : (
        <>
          <span className="fb-group" role="group" aria-label="Statuses">
            {MESSAGE_STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                className="fb-toggle"
                data-testid={`filter-status-${s}`}
                aria-pressed={statusPressed(s)}
                title={filter.regex ? undefined : `status:${s} in the filter`}
                onClick={() => toggleTerm('status', s, textStatuses, filter.statuses)}
              >
                <span aria-hidden="true">{statusIcon(s)} </span>
                {statusLabel(s)}
                <span className="fb-n">{statusCount(model.totals, s).toLocaleString('en-US')}</span>
              </button>
            ))}
          </span>
          <span className="fb-sep" aria-hidden="true" />
        </>
      )}
      <select
        className="fb-group"
        data-testid="filter-realm"
        aria-label="Realm"
        title="Messages sent from or received in this realm"
        value={filter.realm ?? ''}
        onChange={(e) => set({ realm: e.currentTarget.value === '' ? null : e.currentTarget.value })}
      >
        <option value="">All realms</option>
        {realms.map((r: RealmModel) => (
          <option key={r.id} value={r.id} title={realmTitle(r.id, r)}>
            {names.name(r.id, REALM_OPTION_CHARS)}
          </option>
        ))}
        {!realmKnown && filter.realm !== null && (
          <option value={filter.realm} title={realmTitle(filter.realm)}>
            {names.name(filter.realm)} (gone)
          </option>
        )}
        {realmsHidden > 0 && (
          <option disabled value="(more)" title="The picker lists the living realms and the latest gone ones. Name any realm in the filter text: from:NAME or to:NAME">
            {realmsHidden.toLocaleString('en-US')} more {realmsHidden === 1 ? 'realm' : 'realms'}: filter with from: or to:
          </option>
        )}
      </select>
      {!narrow && (
        <>
          <label className="fb-group" title={errorsTitle}>
            <input type="checkbox" data-testid="filter-errors" checked={errorsOn} onChange={(e) => onErrors(e.currentTarget.checked)} />
            Errors only
          </label>
          <label className="fb-group" title={eventsTitle}>
            <input type="checkbox" data-testid="filter-events" checked={filter.showEvents} onChange={(e) => set({ showEvents: e.currentTarget.checked })} />
            Show events
          </label>
        </>
      )}
      {focus && (
        <span
          className="fb-focus"
          data-testid="filter-focus"
          title={`Selected in the graph: ${focus.kind === 'realm' ? realmTitle(focus.id, index.realms.get(focus.id)) : `${focus.kind} ${focus.id}`}`}
        >
          {focusLabel(focus, (id) => names.name(id, REALM_OPTION_CHARS))}
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
          setCompletion(null);
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
