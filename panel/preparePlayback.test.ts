import { describe, expect, it, vi } from 'vitest';
import { createPlayback } from '../model/playback';
import { prepareTraffic } from './graph/traffic';
import { playbackLog } from './playback.fixture';
import { playbackOf, preparePlayback } from './playbackView';

vi.mock('../model/playback', async (actual) => {
  const real = await actual<typeof import('../model/playback')>();
  return { ...real, createPlayback: vi.fn(real.createPlayback) };
});
vi.mock('./graph/traffic', async (actual) => {
  const real = await actual<typeof import('./graph/traffic')>();
  return { ...real, prepareTraffic: vi.fn(real.prepareTraffic) };
});

describe('an opened capture’s playback, made ahead of the first seek', () => {
  it('is made in idle tasks of its own, the playback and then its traffic, and the seek reuses it', () => {
    const model = playbackLog().store.getState().model();
    const idle: (() => void)[] = [];
    preparePlayback(model, (run) => idle.push(run));
    expect(createPlayback).not.toHaveBeenCalled();
    idle.shift()!();
    expect(createPlayback).toHaveBeenCalledTimes(1);
    expect(prepareTraffic).not.toHaveBeenCalled();
    idle.shift()!();
    expect(prepareTraffic).toHaveBeenCalledWith(playbackOf(model));
    expect(idle).toHaveLength(0);
    // The first seek's playback is that one.
    playbackOf(model);
    expect(createPlayback).toHaveBeenCalledTimes(1);
  });
});
