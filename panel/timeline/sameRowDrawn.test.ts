import { describe, expect, it } from 'vitest';
import { indexOf } from '../modelIndex';
import { FixturePage } from '../playback.fixture';
import { createLogStore } from '../store';
import { buildRows } from './rows';
import { sameRowDrawn, type RowProps } from './Timeline';

/** A top page that talks to itself on a channel; more realms come later. */
function session() {
  const store = createLogStore();
  const top = new FixturePage('toprealm1', 5000, 'top', 0, 2);
  store.getState().batchReceived(top.batch([top.started(), top.channel(1), top.portStarted('toprealm1:2'), top.send('toprealm1:1'), top.recv('toprealm1:2', 'ping')]));
  return store;
}

const onPick = (): void => undefined;

function propsOf(store: ReturnType<typeof session>, columns: RowProps['columns'], kind: 'message' | 'event' = 'message'): RowProps {
  const model = store.getState().model();
  const index = indexOf(model);
  const row = buildRows(model, store.getState().log, kind === 'event').find((r) => r.kind === kind);
  if (!row) throw new Error(`no ${kind} row`);
  return { row, position: 0, start: 0, selected: false, t0: 5000, realms: index.realms, endChars: 60, columns, cellCtx: { index, log: store.getState().log }, onPick };
}

describe('a timeline row across view ticks (sameRowDrawn)', () => {
  const columns: RowProps['columns'] = ['time', 'status', 'endpoints', 'message', 'fromOrigin', 'relation', 'channel'];

  it('is not drawn again when a tick only adds realms it does not name', () => {
    const store = session();
    const before = propsOf(store, columns);
    const frame = new FixturePage('framerealm', 6000, 'iframe', 1, 2);
    store.getState().batchReceived(frame.batch([frame.started()]));
    const after = { ...propsOf(store, columns), row: before.row };
    expect(after.realms).not.toBe(before.realms);
    expect(after.cellCtx).not.toBe(before.cellCtx);
    expect(sameRowDrawn(before, after)).toBe(true);
    // Anything of its own that changed draws it again.
    expect(sameRowDrawn(before, { ...after, selected: true })).toBe(false);
    expect(sameRowDrawn(before, { ...after, endChars: 20 })).toBe(false);
  });

  it('is drawn again when the name of one of its realms changes (another realm takes the same name)', () => {
    const store = session();
    const before = propsOf(store, columns);
    // A second realm that is named `top` too (as a frame that says it is one would be): both names
    // then say more, so the row's text changes.
    const second = new FixturePage('toprealm2', 6000, 'top', 3, 2);
    store.getState().batchReceived(second.batch([second.started()]));
    const after = { ...propsOf(store, columns), row: before.row };
    expect(after.realms.size).toBe(2);
    expect(sameRowDrawn(before, after)).toBe(false);
  });

  it('an event row likewise: kept for an unrelated realm, drawn again when its realm’s name changes', () => {
    const store = session();
    const before = propsOf(store, columns, 'event');
    const frame = new FixturePage('framerealm', 6000, 'iframe', 1, 2);
    store.getState().batchReceived(frame.batch([frame.started()]));
    expect(sameRowDrawn(before, { ...propsOf(store, columns, 'event'), row: before.row })).toBe(true);
    const second = new FixturePage('toprealm2', 7000, 'top', 3, 2);
    store.getState().batchReceived(second.batch([second.started()]));
    expect(sameRowDrawn(before, { ...propsOf(store, columns, 'event'), row: before.row })).toBe(false);
  });
});
