// @vitest-environment happy-dom
import { act, cleanup, renderHook } from '@testing-library/react';
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
    const { result } = renderHook(() => usePlaybackForGraph(view));
    expect(result.current).toBeNull();
    const move = (index: number): void => act(() => view.getState().playbackMoved({ of: model, t: index, index }));

    move(1);
    expect(result.current?.index).toBe(1);
    move(2);
    expect(result.current?.index).toBe(2);

    act(() => view.getState().playbackStarted());
    expect(result.current).toMatchObject({ index: 2, playing: true });
    // Ten moves within the interval: the graph stays where it was shown last.
    for (let i = 3; i <= 12; i++) {
      act(() => vi.advanceTimersByTime(PLAYING_GRAPH_MS / 20));
      move(i);
      expect(result.current?.index).toBe(2);
    }
    // Then the newest, once the interval is over.
    act(() => vi.advanceTimersByTime(PLAYING_GRAPH_MS));
    expect(result.current?.index).toBe(12);

    // Paused: at once again.
    act(() => view.getState().playbackPaused());
    expect(result.current).toMatchObject({ index: 12, playing: false });
    move(40);
    expect(result.current?.index).toBe(40);
  });
});
