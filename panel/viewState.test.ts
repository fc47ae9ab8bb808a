import { describe, expect, it } from 'vitest';
import { createViewStore } from './viewState';

describe('selecting several messages', () => {
  it('a single selection is the selected messages alone, and starts them again', () => {
    const v = createViewStore();
    v.getState().selected({ kind: 'message', id: 'a' });
    expect(v.getState().selectedMessages).toEqual(['a']);
    v.getState().selectionToggled('b');
    v.getState().selected({ kind: 'event', index: 3 });
    expect(v.getState()).toMatchObject({ selection: { kind: 'event', index: 3 }, selectedMessages: [], selectionAnchor: null });
    v.getState().selected(null);
    expect(v.getState().selectedMessages).toEqual([]);
  });

  it('Ctrl-click adds a message (the inspector shows it) and removes it again', () => {
    const v = createViewStore({ selection: { kind: 'message', id: 'a' } });
    v.getState().selectionToggled('c');
    expect(v.getState()).toMatchObject({ selection: { kind: 'message', id: 'c' }, selectedMessages: ['a', 'c'], selectionAnchor: 'c' });
    v.getState().selectionToggled('c');
    expect(v.getState()).toMatchObject({ selection: { kind: 'message', id: 'a' }, selectedMessages: ['a'], selectionAnchor: 'a' });
    v.getState().selectionToggled('a');
    expect(v.getState()).toMatchObject({ selection: null, selectedMessages: [], selectionAnchor: null });
  });

  it('Ctrl-click from an event row starts from that message', () => {
    const v = createViewStore({ selection: { kind: 'event', index: 1 } });
    v.getState().selectionToggled('b');
    expect(v.getState()).toMatchObject({ selection: { kind: 'message', id: 'b' }, selectedMessages: ['b'] });
  });

  it('Shift-click selects the range and keeps the anchor', () => {
    const v = createViewStore();
    v.getState().selected({ kind: 'message', id: 'b' });
    v.getState().selectionExtended('d', ['b', 'c', 'd']);
    expect(v.getState()).toMatchObject({ selection: { kind: 'message', id: 'd' }, selectedMessages: ['b', 'c', 'd'], selectionAnchor: 'b' });
    v.getState().selectionExtended('a', ['a', 'b']);
    expect(v.getState()).toMatchObject({ selection: { kind: 'message', id: 'a' }, selectedMessages: ['a', 'b'], selectionAnchor: 'b' });
  });
});
