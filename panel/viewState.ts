/**
 * The panel's view state: what the user filters the timeline by, what is selected, and what is focused
 * in the graph. It lives apart from the log store (`store.ts`) because it is about the view, not the
 * recording: clearing the log keeps the filter, and a filter change never touches the log.
 *
 * Linking: selecting a realm, channel or port in the graph sets `focus`, which filters the timeline
 * (shown as a clearable chip in the filter bar); selecting a timeline row sets `selection`, which the
 * graph highlights (the message's ports, channel and realms). No React and no extension APIs here.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MessageStatus } from '../model/correlator';
import type { ChannelId, PortId, RealmId, Route } from '../model/protocol';

/** A graph element the timeline is narrowed to. */
export type Focus =
  | { kind: 'realm'; id: RealmId }
  | { kind: 'channel'; id: ChannelId }
  | { kind: 'port'; id: PortId };

/** The inspected thing: a message (MessageModel.id), a non-message log entry (arrival index), a gap. */
export type Selection =
  | { kind: 'message'; id: string }
  | { kind: 'event'; index: number }
  | { kind: 'gap'; realm: RealmId; from: number };

export interface TimelineFilter {
  /** A query in the filter language (`timeline/filterQuery.ts`): words searched in previews, routes,
   *  realms, ports, channel names and errors (case-insensitive), `-word`, "quotes", `/regex/`, and
   *  `key:value` terms (`status:failed route:window from:top type:SYN size:>1k is:error …`). The filter
   *  bar's route and status buttons and *Errors only* write their terms here. */
  text: string;
  /** `text` is one regular expression (case-insensitive), not a query; an invalid one matches nothing
   *  and is reported. */
  regex: boolean;
  /** Empty: every route. Set by the route buttons in regex mode (else they write `route:` terms). */
  routes: readonly Route[];
  /** Empty: every status. Set by the status buttons in regex mode (else they write `status:` terms). */
  statuses: readonly MessageStatus[];
  /** Messages sent from or received in this realm; null: any. */
  realm: RealmId | null;
  /** Failed, lost, doomed messages and recorder faults and gaps only. */
  errorsOnly: boolean;
  /** Show non-message rows (channel created, port started/closed, realm started, gaps, faults). */
  showEvents: boolean;
}

export const EMPTY_FILTER: TimelineFilter = {
  text: '',
  regex: false,
  routes: [],
  statuses: [],
  realm: null,
  errorsOnly: false,
  showEvents: false,
};

export interface ViewData {
  filter: TimelineFilter;
  focus: Focus | null;
  selection: Selection | null;
}

export interface ViewActions {
  filterChanged(patch: Partial<TimelineFilter>): void;
  /** Every filter back to its default, focus included. */
  filtersCleared(): void;
  /** A graph element was selected (null: the graph background was clicked). */
  focused(focus: Focus | null): void;
  selected(selection: Selection | null): void;
}

export type ViewState = ViewData & ViewActions;
export type ViewStore = StoreApi<ViewState>;

/** Is any filter (or focus) narrowing the timeline? */
export function isFiltering(s: Pick<ViewData, 'filter' | 'focus'>): boolean {
  const f = s.filter;
  return (
    s.focus !== null ||
    f.text !== '' ||
    f.routes.length > 0 ||
    f.statuses.length > 0 ||
    f.realm !== null ||
    f.errorsOnly
  );
}

export function sameFocus(a: Focus | null, b: Focus | null): boolean {
  return a === b || (a !== null && b !== null && a.kind === b.kind && a.id === b.id);
}

export function createViewStore(initial: Partial<ViewData> = {}): ViewStore {
  return createStore<ViewState>()((set, get) => ({
    filter: initial.filter ?? EMPTY_FILTER,
    focus: initial.focus ?? null,
    selection: initial.selection ?? null,
    filterChanged(patch) {
      set({ filter: { ...get().filter, ...patch } });
    },
    filtersCleared() {
      set({ filter: { ...EMPTY_FILTER, showEvents: get().filter.showEvents }, focus: null });
    },
    focused(focus) {
      if (!sameFocus(get().focus, focus)) set({ focus });
    },
    selected(selection) {
      set({ selection });
    },
  }));
}
