// @vitest-environment happy-dom
import { act, cleanup, renderHook } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureModel } from '../modelFixture';
import { createViewStore } from '../viewState';
import { PLAYING_GRAPH_MS, usePlaybackForGraph } from './playbackForGraph';

const model = captureModel({});

describe('usePlaybackForGraph: the position the graph follows', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('follows every move at once while paused, and at most every PLAYING_GRAPH_MS while playing, ending on the newest', () => {
    const view = createViewStore();
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return usePlaybackForGraph(view);
    });
    expect(result.current).toBeNull();
    const move = (index: number): void => act(() => view.getState().playbackMoved({ of: model, t: index, index }));

    move(1);
    expect(result.current?.index).toBe(1);
    move(2);
    expect(result.current?.index).toBe(2);

    act(() => view.getState().playbackStarted());
    expect(result.current).toMatchObject({ index: 2, playing: true });
    // Ten moves within the interval: the graph stays where it was shown last, and is not even rendered.
    const before = renders;
    for (let i = 3; i <= 12; i++) {
      act(() => vi.advanceTimersByTime(PLAYING_GRAPH_MS / 20));
      move(i);
      expect(result.current?.index).toBe(2);
    }
    expect(renders).toBe(before);
    // Then the newest, once the interval is over.
    act(() => vi.advanceTimersByTime(PLAYING_GRAPH_MS));
    expect(result.current?.index).toBe(12);

    // Paused: at once again.
    act(() => view.getState().playbackPaused());
    expect(result.current).toMatchObject({ index: 12, playing: false });
    move(40);
    expect(result.current?.index).toBe(40);
  });

  it('keeps up with a play that moves every 100 ms (a wait that started over on each move never would)', () => {
    const view = createViewStore();
    const { result } = renderHook(() => usePlaybackForGraph(view));
    act(() => view.getState().playbackMoved({ of: model, t: 0, index: 0 }));
    act(() => view.getState().playbackStarted());
    const shown: number[] = [];
    for (let i = 1; i <= 10; i++) {
      act(() => vi.advanceTimersByTime(100));
      act(() => view.getState().playbackMoved({ of: model, t: i, index: i }));
      shown.push(result.current!.index);
    }
    // Behind by at most PLAYING_GRAPH_MS of moves and the move just made, all along, and moving on
    // several times in the second.
    shown.forEach((index, k) => expect(k + 1 - index).toBeLessThanOrEqual(Math.floor(PLAYING_GRAPH_MS / 100) + 1));
    expect(new Set(shown).size).toBeGreaterThanOrEqual(4);
  });

  it('catches a move made between its first render and its subscription', () => {
    const view = createViewStore();
    const { result } = renderHook(() => {
      const shown = usePlaybackForGraph(view);
      // A layout effect runs before the hook's own (passive) effect subscribes.
      useLayoutEffect(() => view.getState().playbackMoved({ of: model, t: 5, index: 5 }), []);
      return shown;
    });
    expect(result.current?.index).toBe(5);
  });

  it('goes back to live at once, and leaves no timer behind', () => {
    const view = createViewStore();
    const { result, unmount } = renderHook(() => usePlaybackForGraph(view));
    act(() => view.getState().playbackMoved({ of: model, t: 0, index: 0 }));
    act(() => view.getState().playbackStarted());
    act(() => view.getState().playbackMoved({ of: model, t: 1, index: 1 }));
    expect(vi.getTimerCount()).toBe(1);
    act(() => view.getState().playbackLeft());
    expect(result.current).toBeNull();
    act(() => view.getState().playbackMoved({ of: model, t: 2, index: 2 }));
    act(() => view.getState().playbackStarted());
    act(() => view.getState().playbackMoved({ of: model, t: 3, index: 3 }));
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
