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
import type { CaptureModel, MessageStatus } from '../model/correlator';
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
  /** Failed, lost, doomed, dropped-origin messages and recorder faults and gaps only. */
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

/** Playback speeds: times the recorded pace, or `step` (one message per press of Play). */
export type PlaybackSpeed = 0.25 | 1 | 4 | 16 | 'step';
export const PLAYBACK_SPEEDS: readonly PlaybackSpeed[] = [0.25, 1, 4, 16, 'step'];

/** Where playback stands: a moment of the session as recorded in `of` (issue 11 §1). */
export interface PlaybackPosition {
  /** The model the playback is over (`model/playback.ts`'s `createPlayback(of)`, cached per model in
   *  `playbackView.ts`). Kept while the view stays at a moment: a live log goes on growing meanwhile,
   *  and a new model is taken only when the user moves again. */
  of: CaptureModel;
  /** The moment shown. */
  t: number;
  /** Position in `of`'s time order of the last message in view (-1: none yet). */
  index: number;
}

export interface Playback extends PlaybackPosition {
  playing: boolean;
}

export interface ViewData {
  filter: TimelineFilter;
  focus: Focus | null;
  selection: Selection | null;
  /** Messages selected together (Shift/Ctrl-click in the timeline), by id, in the order they were
   *  picked: `selection`'s message and the others. Empty, or that one message alone, for a single
   *  selection; every `selected` call starts it again from that selection. */
  selectedMessages: readonly string[];
  /** The message a Shift-click extends the range from: the last one picked without Shift. */
  selectionAnchor: string | null;
  /** null: live, the view follows the recording (or shows the whole capture). */
  playback: Playback | null;
  /** Kept while live too: *Live* and back plays at the speed last chosen. */
  playbackSpeed: PlaybackSpeed;
}

export interface ViewActions {
  filterChanged(patch: Partial<TimelineFilter>): void;
  /** Every filter back to its default, focus included. */
  filtersCleared(): void;
  /** A graph element was selected (null: the graph background was clicked). */
  focused(focus: Focus | null): void;
  selected(selection: Selection | null): void;
  /** Ctrl/Cmd-click: `id` joins the selected messages (and becomes `selection`), or leaves them. */
  selectionToggled(id: string): void;
  /** Shift-click: the selected messages become `range` (the rows from the anchor to `id`, in the order
   *  shown), `id` the selection; the anchor stays. */
  selectionExtended(id: string, range: readonly string[]): void;
  /** The user moved the playback position (entering playback when live); playing and speed are kept. */
  playbackMoved(to: PlaybackPosition): void;
  /** Play was pressed (at a position given by `playbackMoved` first). */
  playbackStarted(): void;
  /** Pause was pressed, or playback reached the end. */
  playbackPaused(): void;
  playbackSpeedChanged(speed: PlaybackSpeed): void;
  /** *Live*: back to following the recording. */
  playbackLeft(): void;
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

export const DEFAULT_PLAYBACK_SPEED: PlaybackSpeed = 1;

export function createViewStore(initial: Partial<ViewData> = {}): ViewStore {
  return createStore<ViewState>()((set, get) => ({
    filter: initial.filter ?? EMPTY_FILTER,
    focus: initial.focus ?? null,
    selection: initial.selection ?? null,
    selectedMessages: initial.selectedMessages ?? (initial.selection?.kind === 'message' ? [initial.selection.id] : []),
    selectionAnchor: initial.selectionAnchor ?? (initial.selection?.kind === 'message' ? initial.selection.id : null),
    playback: initial.playback ?? null,
    playbackSpeed: initial.playbackSpeed ?? DEFAULT_PLAYBACK_SPEED,
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
      const id = selection?.kind === 'message' ? selection.id : null;
      set({ selection, selectedMessages: id === null ? [] : [id], selectionAnchor: id });
    },
    selectionToggled(id) {
      const s = get();
      // A single selection that is not a message (an event row, a gap) is left for the message.
      const before = s.selectedMessages.length > 0 ? s.selectedMessages : [];
      if (!before.includes(id)) {
        set({ selection: { kind: 'message', id }, selectedMessages: [...before, id], selectionAnchor: id });
        return;
      }
      const after = before.filter((x) => x !== id);
      const last = after[after.length - 1];
      // The inspector shows the message picked last of those left.
      set({ selection: last === undefined ? null : { kind: 'message', id: last }, selectedMessages: after, selectionAnchor: last ?? null });
    },
    selectionExtended(id, range) {
      const within = range.includes(id) ? range : [...range, id];
      set({ selection: { kind: 'message', id }, selectedMessages: [...within], selectionAnchor: get().selectionAnchor ?? id });
    },
    playbackMoved({ of, t, index }) {
      const p = get().playback;
      if (p && p.of === of && p.t === t && p.index === index) return;
      set({ playback: { of, t, index, playing: p?.playing ?? false } });
    },
    playbackStarted() {
      const p = get().playback;
      // Step speed moves one message per press: it never plays on its own.
      if (p && !p.playing && get().playbackSpeed !== 'step') set({ playback: { ...p, playing: true } });
    },
    playbackPaused() {
      const p = get().playback;
      if (p?.playing) set({ playback: { ...p, playing: false } });
    },
    playbackSpeedChanged(speed) {
      if (speed === get().playbackSpeed) return;
      const p = get().playback;
      set({ playbackSpeed: speed, ...(p?.playing && speed === 'step' ? { playback: { ...p, playing: false } } : {}) });
    },
    playbackLeft() {
      if (get().playback !== null) set({ playback: null });
    },
  }));
}
