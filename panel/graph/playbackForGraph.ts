/**
 * The playback position the graph follows (GraphView). A hook of its own: the graph's pace while
 * playing is a decision about the machine's memory, not about drawing.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { Playback, ViewStore } from '../viewState';

/** While playback plays, the graph moves to the newest position at most this often (ms of wall time). */
export const PLAYING_GRAPH_MS = 250;

/**
 * The playback position the graph shows: the view's, at once when it is paused (a move while paused,
 * the slider's drag, which pauses first) and on the first move of a play; while it plays, at most
 * every PLAYING_GRAPH_MS, so a move made while playing (a key, a row clicked) reaches the graph up to
 * that much later. Playing moves the position every PLAY_TICK_MS at any speed, and at 16× each
 * moment's graph (its ports, chips, counts and edges, and React Flow's lookups of them) was most of
 * what playing allocated: the old generation then filled faster than it could be marked, and its
 * collections were the longest tasks (130–335 ms). The timeline and the slider follow every move.
 */
export function usePlaybackForGraph(view: ViewStore): Playback | null {
  const playback = useStore(view, (s) => s.playback);
  const [shown, setShown] = useState(playback);
  const shownLast = useRef(playback);
  const shownAt = useRef(-Infinity);
  useEffect(() => {
    const show = (): void => {
      shownAt.current = performance.now();
      shownLast.current = playback;
      setShown(playback);
    };
    // Paused, and the first move of a play: at once.
    if (!playback?.playing || !shownLast.current?.playing) return show();
    const wait = shownAt.current + PLAYING_GRAPH_MS - performance.now();
    if (wait <= 0) return show();
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [playback]);
  // Paused or live: the view's own, in this render.
  return playback?.playing && shown?.playing ? shown : playback;
}

