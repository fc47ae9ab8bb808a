import { describe, expect, it } from 'vitest';
import { Virtualizer, observeElementOffset, observeElementRect, elementScroll } from '@tanstack/virtual-core';
import { HEADER_HEIGHT, OVERSCAN, PLAYING_OVERSCAN, ROW_HEIGHT, endOffset, itemsAt } from './Timeline';

/** The rows @tanstack's virtualizer draws at `offset`, configured as the timeline configures it. */
function virtualizerItems(count: number, offset: number, viewport: number, overscan: number): { index: number; start: number }[] {
  const v = new Virtualizer<HTMLDivElement, HTMLDivElement>({
    count,
    getScrollElement: () => null,
    estimateSize: () => ROW_HEIGHT,
    overscan,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialOffset: offset,
    initialRect: { width: 800, height: viewport },
    observeElementOffset,
    observeElementRect,
    scrollToFn: elementScroll,
  });
  return v.getVirtualItems().map((i) => ({ index: i.index, start: i.start }));
}

describe('itemsAt: the rows a seek draws before its scroll', () => {
  it('are the rows the virtualizer draws at that offset', () => {
    let compared = 0;
    for (const count of [0, 1, 5, 40, 1000]) {
      for (const viewport of [100, 383, 900]) {
        // Offsets the scroller can take (the browser clamps the others): up to the content's end.
        const end = endOffset(count, viewport);
        for (const offset of [0, 7, HEADER_HEIGHT, 200, 1234.5, end].filter((o) => o <= end)) {
          // As drawn while the user scrolls, and while playback plays.
          for (const overscan of [OVERSCAN, PLAYING_OVERSCAN]) {
            expect(itemsAt(count, offset, viewport, overscan), `${count} rows, ${viewport} px at ${offset}, overscan ${overscan}`).toEqual(virtualizerItems(count, offset, viewport, overscan));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(60);
  });
});
