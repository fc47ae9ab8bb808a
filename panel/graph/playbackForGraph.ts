/**
 * The playback position the graph follows (GraphView). A hook of its own: the graph's pace while
 * playing is a decision about the machine's memory, not about drawing.
 */
import { useEffect, useState } from 'react';
import type { Playback, ViewStore } from '../viewState';

/** While playback plays, the graph moves to the newest position at most this often (ms of wall time). */
export const PLAYING_GRAPH_MS = 250;

/**
 * The playback position the graph shows: the view's, at once when it is paused (a move while paused,
 * the slider's drag, which pauses first) and when Play starts (the position it starts from); while it
 * plays, at most every PLAYING_GRAPH_MS, so a move made while playing (a key, a button, a row
 * clicked) reaches the graph up to that much later. Playing moves the position every PLAY_TICK_MS at
 * any speed, and at 16× each moment's graph (its ports, chips, counts and edges, and React Flow's
 * lookups of them) was the largest part of what playing allocated (~64 of 170 MB in 5 s): the old
 * generation then filled faster than it could be marked, and its collections were the longest tasks
 * (130–335 ms). The timeline and the slider follow every move.
 */
export function usePlaybackForGraph(view: ViewStore): Playback | null {
  // From the store's own subscription, not from a render: the graph's view then renders only when
  // the position it shows changes, not on every move of the playback (a render of it that would
  // interrupt the deferred render of the graph under way).
  const [shown, setShown] = useState(() => view.getState().playback);
  useEffect(() => {
    // What the render before this effect showed (a move may have come since).
    let last = shown;
    let lastAt = -Infinity;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const show = (p: Playback | null): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      lastAt = performance.now();
      last = p;
      setShown(p);
    };
    const moved = (p: Playback | null): void => {
      // Paused or live, and Play's start: at once.
      if (!p?.playing || !last?.playing) return show(p);
      // A show is due: it takes the newest position then.
      if (timer !== null) return;
      const wait = lastAt + PLAYING_GRAPH_MS - performance.now();
      if (wait <= 0) return show(p);
      timer = setTimeout(() => show(view.getState().playback), wait);
    };
    // A move between that render and this effect.
    if (view.getState().playback !== last) moved(view.getState().playback);
    const unsubscribe = view.subscribe((s, prev) => {
      if (s.playback !== prev.playback) moved(s.playback);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
    // Once per store: `shown` is read only as the starting point.
  }, [view]);
  return shown;
}
