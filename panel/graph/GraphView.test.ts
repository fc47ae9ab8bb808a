import { describe, expect, it } from 'vitest';
import { READABLE_PX, READABLE_ZOOM, TITLE_FONT_PX, readableViewport } from './GraphView';

const box = (x: number, y: number, width = 286, height = 126) => ({ x, y, width, height });

describe('readableViewport: the default view when the whole graph is too big to read', () => {
  it('draws realm names at 11 px or more', () => {
    expect(TITLE_FONT_PX * READABLE_ZOOM).toBeGreaterThanOrEqual(READABLE_PX - 1e-9);
    const vp = readableViewport(box(0, 0), box(0, 0, 2000, 1500), 400, 300);
    expect(vp.zoom * TITLE_FONT_PX).toBeGreaterThanOrEqual(READABLE_PX - 1e-9);
  });

  it('fits the neighbourhood when it fits at a readable zoom', () => {
    const vp = readableViewport(box(0, 0), box(0, 0, 300, 200), 800, 600);
    expect(vp.zoom).toBeGreaterThan(READABLE_ZOOM);
  });

  it('keeps the anchor box in sight, clear of the controls and legend, when the neighbourhood is larger than the view', () => {
    // The anchor at the left of a wide neighbourhood: centring on the neighbourhood would push it out.
    const anchor = box(0, 600);
    const vp = readableViewport(anchor, box(0, 0, 3000, 1400), 500, 250);
    const left = vp.x + anchor.x * vp.zoom;
    const top = vp.y + anchor.y * vp.zoom;
    expect(left).toBeGreaterThanOrEqual(40);
    expect(left + anchor.width * vp.zoom).toBeLessThanOrEqual(500);
    // Taller than the view would hold with its insets? Then its title is in sight, below the legend.
    expect(top).toBeGreaterThanOrEqual(30);
    expect(top).toBeLessThan(250 - 20);
  });
});
