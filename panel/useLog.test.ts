import { describe, expect, it } from 'vitest';
import { VIEW_UPDATE_MAX_MS, VIEW_UPDATE_MS, viewRestMs } from './useLog';

describe('the views’ rest between ticks', () => {
  it('is VIEW_UPDATE_MS for cheap ticks, twice a costly tick’s time, and at most VIEW_UPDATE_MAX_MS', () => {
    expect([0, 20, 50].map(viewRestMs)).toEqual([VIEW_UPDATE_MS, VIEW_UPDATE_MS, VIEW_UPDATE_MS]);
    expect(viewRestMs(150)).toBe(300);
    expect(viewRestMs(5_000)).toBe(VIEW_UPDATE_MAX_MS);
  });
});
