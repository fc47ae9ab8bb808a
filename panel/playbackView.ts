/**
 * Playback in the panel (issue 11 §1): where the view stands in time, and the moves the playback bar,
 * the slider and the timeline make. The state is the view store's `playback` (viewState.ts); the
 * session at a moment comes from `model/playback.ts`. No React here.
 *
 * Which model a playback is over: a `Playback` costs about 100 ms to make for a 100,000-message model,
 * and a live log makes a new model every view tick. So a playback is made once per model object
 * (cached), and the view keeps the model it started with (`playback.of`) while it stays at a moment
 * or plays; a discrete move by the user (a step, a seek, a click on a row, Play) takes the newest
 * model, with the position carried over. A slider drag and the play ticks keep the one they have.
 */
import type { CaptureModel, MessageModel } from '../model/correlator';
import { TimeSpan, createPlayback, type ModelAt, type Playback } from '../model/playback';
import { prepareTraffic } from './graph/traffic';
import type { PlaybackPosition, ViewStore } from './viewState';

const playbacks = new WeakMap<CaptureModel, Playback>();

/** The playback of `model`, made once per model object. */
export function playbackOf(model: CaptureModel): Playback {
  let p = playbacks.get(model);
  if (!p) {
    p = createPlayback(model);
    playbacks.set(model, p);
  }
  return p;
}

/**
 * Makes the playback of `model` and its traffic checkpoints ahead of the first seek, each in a task of
 * its own when `idle` runs it: an opened capture's first seek paid both (~70 and ~50 ms for 100,000
 * messages, on top of the seek itself). Only for a model that will not change (an opened capture): a
 * live log makes a new model every tick.
 */
export function preparePlayback(model: CaptureModel, idle: (run: () => void) => void): void {
  idle(() => {
    const p = playbackOf(model);
    idle(() => prepareTraffic(p));
  });
}

const positions = new WeakMap<Playback, Map<string, number>>();

/** Messages of one millisecond looked through for a row's message before the map of every id. */
const TIE_SCAN = 64;

/**
 * A message's position in the playback's time order (undefined: not in it, e.g. newer than it). With
 * its time (`timeOfMessage`), found among the first TIE_SCAN messages of that time (a binary search);
 * a time after the playback's last is a message newer than it (a live log goes on). Otherwise (no
 * time, a time that differs in the playback's model, a crowded millisecond) from a map of every id,
 * made once per playback: a 100,000-message playback's map took ~50 ms, which the first seek of a
 * capture paid when the timeline marked its rows, and a live session after every seek (each takes the
 * newest model). (A message's time can change between models only when its send is learned after its
 * receipt: earlier, but for clock skew between realms of a fraction of a millisecond.)
 */
export function positionOf(p: Playback, messageId: string, t?: number): number | undefined {
  if (t !== undefined) {
    const last = p.messages.length - 1;
    if (last < 0 || t > p.timeOf(last)) return undefined;
    const at = p.indexAt(t);
    for (let i = at; i >= 0 && i > at - TIE_SCAN && p.timeOf(i) === t; i--) if (p.messages[i]?.id === messageId) return i;
  }
  let map = positions.get(p);
  if (!map) {
    map = new Map();
    p.messages.forEach((m, i) => map!.set(m.id, i));
    positions.set(p, map);
  }
  return map.get(messageId);
}

/** The session at a playback position. */
export function modelAtPosition(pos: PlaybackPosition): ModelAt {
  const p = playbackOf(pos.of);
  // Messages at the same millisecond are stepped one by one: the position then holds fewer of them
  // than the time alone would (and -1 at the start holds none, even when the first is at the start).
  return pos.index === p.indexAt(pos.t) ? p.at(pos.t) : p.atMessage(pos.index);
}

/** Message `id` as it was at the position (undefined: not sent yet then, or not in the playback); `t`,
 *  its time if known (see positionOf). */
export function messageAtPosition(pos: PlaybackPosition, id: string, t?: number): MessageModel | undefined {
  const p = playbackOf(pos.of);
  const i = positionOf(p, id, t);
  if (i === undefined || i > pos.index) return undefined;
  const at = modelAtPosition(pos);
  return at.unsettled.get(i) ?? p.messages[i];
}

/** The position of the view in the playback of `model`: the playback position carried over to it, or
 *  the end when live. */
export function positionIn(view: ViewStore, model: CaptureModel): PlaybackPosition {
  const pb = view.getState().playback;
  const p = playbackOf(model);
  if (!pb) return { of: model, t: p.end, index: p.messages.length - 1 };
  if (pb.of === model) return pb;
  const id = pb.index >= 0 ? playbackOf(pb.of).messages[pb.index]?.id : undefined;
  const index = id !== undefined ? (positionOf(p, id) ?? p.indexAt(pb.t)) : -1;
  return { of: model, t: pb.t, index };
}

/** The playback the view stands in: its own when in playback, else that of `model`. */
function playbackIn(view: ViewStore, model: CaptureModel): Playback {
  return playbackOf(view.getState().playback?.of ?? model);
}

/** Moves to message `index` of `p` (-1: the start, before any message). */
function moveToMessage(view: ViewStore, p: Playback, index: number): void {
  view.getState().playbackMoved({ of: p.model, t: index < 0 ? p.start : p.timeOf(index), index });
}

/**
 * Moves to the message `choose` picks from the current position (in the newest model, `model`).
 * Returns false when there is none (past either end): the view then stays.
 */
export function seekMessage(view: ViewStore, model: CaptureModel, choose: (p: Playback, index: number) => number | undefined): boolean {
  const pos = positionIn(view, model);
  const p = playbackOf(pos.of);
  const i = choose(p, pos.index);
  if (i === undefined) {
    // The position carried over to the newest model is still a move worth keeping.
    if (view.getState().playback) view.getState().playbackMoved(pos);
    return false;
  }
  moveToMessage(view, p, i);
  return true;
}

export const stepForward = (view: ViewStore, model: CaptureModel): boolean => seekMessage(view, model, (p, i) => p.nextMessage(i));
export const stepBack = (view: ViewStore, model: CaptureModel): boolean =>
  seekMessage(view, model, (p, i) => (i >= 0 ? (p.previousMessage(i) ?? -1) : undefined));
export const nextError = (view: ViewStore, model: CaptureModel): boolean => seekMessage(view, model, (p, i) => p.nextError(i));
export const previousError = (view: ViewStore, model: CaptureModel): boolean => seekMessage(view, model, (p, i) => p.previousError(i));
/** The start: before the first message. */
export const seekStart = (view: ViewStore, model: CaptureModel): boolean => seekMessage(view, model, () => -1);
/** The end, staying in playback (not live). */
export const seekEnd = (view: ViewStore, model: CaptureModel): boolean => seekMessage(view, model, (p) => p.messages.length - 1);

/**
 * Moves to time `t` (clamped to the session). `fresh`: in the playback of `model` (a new move);
 * otherwise in the one in view (a drag under way).
 */
export function seekTime(view: ViewStore, model: CaptureModel, t: number, fresh: boolean): void {
  const p = fresh ? playbackOf(model) : playbackIn(view, model);
  const at = Math.max(p.start, Math.min(p.end, t));
  view.getState().playbackMoved({ of: p.model, t: at, index: p.indexAt(at) });
}

/** Moves to a fraction (0..1) of the session's time. */
export function seekFraction(view: ViewStore, model: CaptureModel, fraction: number, fresh: boolean): void {
  const p = fresh ? playbackOf(model) : playbackIn(view, model);
  seekTime(view, p.model, p.start + Math.max(0, Math.min(1, fraction)) * (p.end - p.start), false);
}

/** Moves by `ms` of the session's time from where the view stands. */
export function seekBy(view: ViewStore, model: CaptureModel, ms: number): void {
  const pos = positionIn(view, model);
  seekTime(view, pos.of, pos.t + ms, true);
}

/** The row to show at a timeline click: a message's own position, else the time of the row. */
export function seekRow(view: ViewStore, model: CaptureModel, row: { t: number; messageId?: string }): void {
  const p = playbackOf(model);
  const i = row.messageId !== undefined ? positionOf(p, row.messageId, row.t) : undefined;
  if (i !== undefined) moveToMessage(view, p, i);
  else seekTime(view, model, row.t, true);
}

/**
 * Play: from where the view stands, or from the start when it stands at the end (or live). At the
 * *step* speed, one message forward instead.
 */
export function play(view: ViewStore, model: CaptureModel): void {
  if (view.getState().playbackSpeed === 'step') {
    stepForward(view, model);
    return;
  }
  const pos = positionIn(view, model);
  const p = playbackOf(pos.of);
  if (pos.t >= p.end && pos.index >= p.messages.length - 1) moveToMessage(view, p, -1);
  else view.getState().playbackMoved(pos);
  view.getState().playbackStarted();
}

/** Longest pause of the recording played as it was (ms of wall time); longer ones are cut to it. */
export const IDLE_MS = 1000;

/** Playing: `wallMs` went by since the last tick. Stops at the end. */
export function advance(view: ViewStore, wallMs: number): void {
  const s = view.getState();
  const pb = s.playback;
  const speed = s.playbackSpeed;
  if (!pb?.playing || speed === 'step') return;
  const p = playbackOf(pb.of);
  const next = p.nextMessage(pb.index);
  const nextT = next === undefined ? p.end : p.timeOf(next);
  // A session that sat idle for a minute plays that minute in a second, not a minute.
  const longest = IDLE_MS * speed;
  const from = nextT - pb.t > longest ? nextT - longest : pb.t;
  const t = Math.min(p.end, from + wallMs * speed);
  s.playbackMoved({ of: pb.of, t, index: Math.max(pb.index, p.indexAt(t)) });
  if (t >= p.end) s.playbackPaused();
}

/** The session's time range without making a playback (for the slider while live): messages, realms
 *  and channels, cheaply. */
export function roughRange(model: CaptureModel): { start: number; end: number } {
  const span = new TimeSpan();
  const note = span.note;
  const ms = model.messages;
  for (const m of [ms[0], ms[ms.length - 1]]) {
    note(m?.sentAt);
    note(m?.receivedAt);
  }
  for (const r of model.realms) {
    note(r.startedAt);
    note(r.goneAt);
  }
  for (const c of model.channels) note(c.createdAt);
  return span.range();
}

/** A time in the session, as the slider says it: seconds since the recording began (`t0`). */
export function timeLabel(t: number, t0: number | null): string {
  if (t0 === null) return new Date(t).toISOString().slice(11, 23);
  const s = (t - t0) / 1000;
  return `${s.toFixed(s < 10 ? 3 : s < 100 ? 2 : 1)} s`;
}
