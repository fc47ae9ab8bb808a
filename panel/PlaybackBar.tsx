/**
 * The playback bar (issue 11 §1): one line under the toolbar with *Live*, the steps by message and by
 * error, Play or Pause, a slider over the session's time and the speed. While live the view follows
 * the recording (or shows the whole capture); any move here puts the view at a moment of the session,
 * which the graph and the timeline show, until *Live*. A live recording goes on meanwhile.
 *
 * Keyboard: `,` and `.` step back and forward anywhere in the bar, Space plays or pauses (on a button
 * it presses that button, as everywhere); on the slider the arrows step by message, Page Up/Down move
 * a tenth of the session, Home/End go to its start/end.
 */
import { useEffect, useRef, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useStore } from 'zustand';
import type { CaptureModel } from '../model/correlator';
import type { LogStore } from './store';
import { shownModel, useLogVersion } from './useLog';
import { PLAYBACK_SPEEDS, type PlaybackSpeed, type ViewStore } from './viewState';
import {
  advance,
  nextError,
  play,
  playbackOf,
  previousError,
  roughRange,
  seekBy,
  seekEnd,
  seekFraction,
  seekStart,
  stepBack,
  stepForward,
  timeLabel,
} from './playbackView';
import { animateSetting, useAnimateMessages } from './graph/animateMessages';
import './playback.css';

/** How often playing moves the view (ms): the views' own update pace (useLog's VIEW_UPDATE_MS). */
export const PLAY_TICK_MS = 100;

/** Page Up / Page Down on the slider move this fraction of the session. */
const PAGE_FRACTION = 0.1;

export function speedLabel(speed: PlaybackSpeed): string {
  return speed === 'step' ? 'step' : speed === 0.25 ? '¼×' : `${speed}×`;
}

const speedValue = (s: string): PlaybackSpeed => (s === 'step' ? 'step' : (Number(s) as PlaybackSpeed));

/** Errors in a model, from its totals (no playback needed while live). */
const hasErrors = (m: CaptureModel): boolean => m.totals.failed + m.totals.lost + m.totals.doomed + m.totals.droppedOrigin > 0;

/** Plays: moves the view every PLAY_TICK_MS by the wall time gone by × the speed. */
function usePlayer(view: ViewStore, playing: boolean): void {
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let timer: ReturnType<typeof setTimeout>;
    const tick = (): void => {
      const now = performance.now();
      advance(view, now - last);
      last = now;
      timer = setTimeout(tick, PLAY_TICK_MS);
    };
    timer = setTimeout(tick, PLAY_TICK_MS);
    return () => clearTimeout(timer);
  }, [view, playing]);
}

export function PlaybackBar({ store, view }: { store: LogStore; view: ViewStore }) {
  const version = useLogVersion(store);
  const model = shownModel(store, version);
  const playback = useStore(view, (s) => s.playback);
  const speed = useStore(view, (s) => s.playbackSpeed);
  const t0 = store.getState().t0;
  const source = store.getState().source;
  usePlayer(view, playback?.playing ?? false);
  const animate = useAnimateMessages();

  // The model is read at the moment of a press, not from this render: a live tick may have come since.
  const newest = (): CaptureModel => shownModel(store);

  // ── where the view stands ──
  const p = playback ? playbackOf(playback.of) : null;
  const total = p ? p.messages.length : model.messages.length;
  const position = playback ? playback.index + 1 : total;
  const range = p ? { start: p.start, end: p.end } : roughRange(model);
  const t = playback ? playback.t : range.end;
  const span = Math.max(0, range.end - range.start);
  const fraction = span > 0 ? (t - range.start) / span : 1;
  const when = total === 0 && !playback ? 'no messages' : timeLabel(t, t0);
  const valueText = `${playback ? when : `Live${total > 0 ? `, ${when}` : ''}`}, message ${position.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;

  const atStart = playback !== null && playback.index < 0;
  const atEnd = playback === null || playback.index >= total - 1;
  const errorBefore = p && playback ? p.previousError(playback.index) !== undefined : hasErrors(model);
  const errorAfter = p && playback ? p.nextError(playback.index) !== undefined : false;
  const playing = playback?.playing ?? false;
  const empty = model.messages.length === 0 && total === 0;

  const togglePlay = (): void => {
    if (playing) view.getState().playbackPaused();
    else play(view, newest());
  };

  // ── the slider ──
  const dragging = useRef(false);
  const pending = useRef<number | null>(null);
  const frame = useRef<number | null>(null);
  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);
  const fractionAt = (el: HTMLElement, clientX: number): number => {
    const r = el.getBoundingClientRect();
    return r.width > 0 ? (clientX - r.left) / r.width : 1;
  };
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0 || empty) return;
    e.preventDefault();
    e.currentTarget.focus();
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      // not capturable (synthetic event): moves still arrive while over the slider
    }
    dragging.current = true;
    view.getState().playbackPaused();
    seekFraction(view, newest(), fractionAt(e.currentTarget, e.clientX), true);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (!dragging.current) return;
    // One seek per frame, in the playback the drag began in.
    pending.current = fractionAt(e.currentTarget, e.clientX);
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      if (pending.current !== null) seekFraction(view, newest(), pending.current, false);
      pending.current = null;
    });
  };
  const onPointerUp = (): void => {
    dragging.current = false;
  };
  const onSliderKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const m = newest();
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowUp':
        stepForward(view, m);
        break;
      case 'ArrowLeft':
      case 'ArrowDown':
        stepBack(view, m);
        break;
      case 'PageUp':
        seekBy(view, m, span * PAGE_FRACTION);
        break;
      case 'PageDown':
        seekBy(view, m, -span * PAGE_FRACTION);
        break;
      case 'Home':
        seekStart(view, m);
        break;
      case 'End':
        seekEnd(view, m);
        break;
      default:
        return;
    }
    e.preventDefault();
    // The bar's own keys (`,` `.` Space) are not for the slider to take twice.
    e.stopPropagation();
  };

  // ── the bar's keys ──
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    if (e.key === ',') stepBack(view, newest());
    else if (e.key === '.') stepForward(view, newest());
    else if (e.key === ' ' && !target.closest('button, select, input')) togglePlay();
    else return;
    e.preventDefault();
  };

  /** A button that stays focusable when it has nothing to do (aria-disabled), so stepping to the end
   *  with it does not drop the focus out of the bar. */
  const button = (label: string, icon: string, title: string, enabled: boolean, run: () => void, extra?: { className?: string; pressed?: boolean }) => (
    <button
      type="button"
      className={`pb-button${extra?.className ? ` ${extra.className}` : ''}`}
      aria-label={label}
      title={title}
      aria-disabled={!enabled || undefined}
      {...(extra?.pressed !== undefined ? { 'aria-pressed': extra.pressed } : {})}
      onClick={() => {
        if (enabled) run();
      }}
    >
      <span aria-hidden="true">{icon}</span>
    </button>
  );

  const liveTitle = source === 'capture' ? 'Show the whole capture (leave playback)' : 'Follow the recording (leave playback)';
  return (
    <div className={`pb${playback ? ' pb-on' : ''}`} role="toolbar" aria-label="Playback" data-testid="playback-bar" onKeyDown={onKeyDown}>
      <button
        type="button"
        className="pb-live"
        aria-pressed={playback === null}
        title={playback ? liveTitle : source === 'capture' ? 'Showing the whole capture' : 'Following the recording'}
        onClick={() => view.getState().playbackLeft()}
      >
        <span className="pb-live-dot" aria-hidden="true" />
        Live
      </button>
      {button('Previous error', '⚠◂', 'Previous error (a failed, lost or doomed message)', !empty && errorBefore, () => previousError(view, newest()))}
      {button('Previous message', '◂', 'Previous message ( , )', !empty && !atStart, () => stepBack(view, newest()))}
      {playing
        ? button('Pause', '❚❚', 'Pause (Space)', true, togglePlay, { className: 'pb-play' })
        : button(
            speed === 'step' ? 'Play one message' : 'Play',
            '▶',
            speed === 'step' ? 'Play one message (speed: step)' : `Play at ${speedLabel(speed)} (Space)`,
            !empty && (speed !== 'step' || !atEnd),
            togglePlay,
            { className: 'pb-play' },
          )}
      {button('Next message', '▸', 'Next message ( . )', !empty && !atEnd, () => stepForward(view, newest()))}
      {button('Next error', '▸⚠', 'Next error (a failed, lost or doomed message)', !empty && errorAfter, () => nextError(view, newest()))}
      <div
        className="pb-slider"
        role="slider"
        tabIndex={0}
        aria-label="Playback position"
        aria-valuemin={0}
        aria-valuemax={Math.round(span)}
        aria-valuenow={Math.round(Math.max(0, Math.min(span, t - range.start)))}
        aria-valuetext={valueText}
        aria-disabled={empty || undefined}
        title={valueText}
        onKeyDown={onSliderKey}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <div className="pb-track">
          <div className="pb-fill" style={{ width: `${fraction * 100}%` }} />
          <div className="pb-thumb" style={{ left: `${fraction * 100}%` }} />
        </div>
      </div>
      <span className="pb-where" data-testid="playback-where" title={valueText}>
        {playback ? `${position.toLocaleString('en-US')}/${total.toLocaleString('en-US')}` : 'live'}
      </span>
      <select
        className="pb-speed"
        aria-label="Playback speed"
        title="Playback speed (step: one message per press of Play)"
        value={String(speed)}
        onChange={(e) => view.getState().playbackSpeedChanged(speedValue(e.target.value))}
      >
        {PLAYBACK_SPEEDS.map((s) => (
          <option key={String(s)} value={String(s)}>
            {speedLabel(s)}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="pb-button pb-animate"
        aria-label="Animate messages"
        aria-pressed={animate.on}
        aria-disabled={animate.reduced || undefined}
        title={
          animate.reduced
            ? 'Animate messages: off, as the system asks for reduced motion'
            : `Animate messages: while playing, each message travels along its edge in the graph (${animate.on ? 'on' : 'off'})`
        }
        onClick={() => {
          if (!animate.reduced) animateSetting.getState().changed(!animate.setting);
        }}
      >
        <span aria-hidden="true">⇢</span>
      </button>
    </div>
  );
}
