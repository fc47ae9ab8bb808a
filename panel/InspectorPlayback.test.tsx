// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorPane } from './Inspector';
import { FRAME, TOP, playbackLog } from './playback.fixture';
import { createViewStore } from './viewState';

afterEach(cleanup);

describe('the inspector in playback', () => {
  it('says what was true of the selected message at the playback position, and nothing while live', () => {
    const { store } = playbackLog();
    const view = createViewStore();
    const model = store.getState().model();
    view.getState().selected({ kind: 'message', id: `${TOP}#4` });
    render(<InspectorPane store={store} view={view} />);
    expect(screen.queryByRole('status', { name: 'At the playback position' })).toBeNull();

    // Sent at 5040, received at 5050: in flight at its send.
    act(() => view.getState().playbackMoved({ of: model, t: 5040, index: 0 }));
    expect(screen.getByRole('status', { name: 'At the playback position' }).textContent).toMatch(/In flight/);
    act(() => view.getState().playbackMoved({ of: model, t: 5060, index: 1 }));
    expect(screen.getByRole('status', { name: 'At the playback position' }).textContent).toMatch(/Delivered/);

    // The iframe's first message, before it was sent.
    act(() => view.getState().selected({ kind: 'message', id: `${FRAME}#4` }));
    expect(screen.getByRole('status', { name: 'At the playback position' }).textContent).toMatch(/not sent yet/);

    act(() => view.getState().playbackLeft());
    expect(screen.queryByRole('status', { name: 'At the playback position' })).toBeNull();
  });
});
