/**
 * What only a window receives: `message` events on the window itself (`window.postMessage`, which is
 * not wrapped: see instrument.ts), recorded on route `window` with the sender named by how
 * `event.source` relates to this window (identity comparisons, which work across origins).
 */
import type { RecorderApi } from './instrument';
import { getter, put, read } from './natives';
import type { Replayer } from './replay';

export function instrumentWindowReceipts(api: RecorderApi, win: Window, replayer: Replayer): void {
  const windowGet = {
    parent: getter(win, 'parent'),
    top: getter(win, 'top'),
    opener: getter(win, 'opener'),
    length: getter(win, 'length'),
  };
  function relationOf(source: unknown): Record<string, unknown> {
    if (source === null || source === undefined) return { source: 'none' };
    if (source === win) return { source: 'self' };
    if (source === read(windowGet.parent, win)) return { source: 'parent' };
    if (source === read(windowGet.top, win)) return { source: 'top' };
    if (source === read(windowGet.opener, win)) return { source: 'opener' };
    const n = (read(windowGet.length, win) as number | undefined) ?? 0;
    for (let i = 0; i < n; i++) if ((win as unknown as Record<number, unknown>)[i] === source) return { source: 'child', childIndex: i };
    return { source: 'other' };
  }
  const onWindowEvent = api.guarded((e) => {
    const fields = relationOf(api.eventField(e, 'source'));
    // A replay this realm was told to expect from that window (docs/replay.md).
    const replayOf = replayer.expectedFrom(fields.source, fields.childIndex);
    if (replayOf !== undefined) put(fields, 'replayOf', replayOf);
    api.received(e, 'window', fields);
  });
  api.listen(win, onWindowEvent);
}
