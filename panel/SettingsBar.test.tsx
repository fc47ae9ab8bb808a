// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { RecorderSettings } from '../extension/settings';
import type { WorkersState } from '../model/relay';
import { SettingsBar, type SettingsControl } from './SettingsBar';
import type { WorkersControl } from './workersControl';

afterEach(cleanup);

const recorder: SettingsControl = { store: createStore<RecorderSettings>()(() => ({ captureStacks: false, previewsPerSecond: 2000 })), save: () => undefined };

function workers(state: WorkersState | null) {
  const switched: boolean[] = [];
  const control: WorkersControl = { state: createStore<WorkersState | null>()(() => state), setOn: (on) => void switched.push(on) };
  return { control, switched };
}

const off: WorkersState = { status: 'off', origin: 'https://a.test', on: false, recorded: 0, unrecorded: [] };

describe('the "Record inside workers" setting', () => {
  it('is a checkbox for the tab’s origin that says the browser shows its debugging bar', () => {
    const w = workers(off);
    render(<SettingsBar control={recorder} workers={w.control} />);
    const box = screen.getByRole('checkbox', { name: 'Record inside workers' });
    expect((box as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText('(for https://a.test; the browser shows its “started debugging this browser” bar while it is on)')).toBeTruthy();
    fireEvent.click(box);
    expect(w.switched).toEqual([true]);
  });

  it('shows what the recording does, and why it stopped', () => {
    const w = workers({ ...off, status: 'recording', on: true, recorded: 2 });
    render(<SettingsBar control={recorder} workers={w.control} />);
    expect((screen.getByRole('checkbox', { name: 'Record inside workers' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('status').textContent).toBe('Recording inside workers: 2 workers so far.');
    act(() => w.control.state.setState({ ...off, status: 'stopped', on: true, reason: 'canceled_by_user', unrecorded: [{ url: 'https://a.test/w.js', reason: 'it was already running when the recording started' }] }, true));
    expect(screen.getByRole('status').textContent).toMatch(/^stopped: canceled_by_user/);
    expect(screen.getByTestId('workers-unrecorded').textContent).toMatch(/https:\/\/a\.test\/w\.js .*reload the page/);
  });

  it('cannot be switched for a page without an origin to remember it for', () => {
    render(<SettingsBar control={recorder} workers={workers({ ...off, origin: null }).control} />);
    expect((screen.getByRole('checkbox', { name: 'Record inside workers' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('is absent where the browser has no debugging protocol for extensions, which the panel says', () => {
    render(<SettingsBar control={recorder} workers={workers({ status: 'unavailable' }).control} />);
    expect(screen.queryByRole('checkbox', { name: 'Record inside workers' })).toBeNull();
    expect(screen.getByTestId('workers-status').textContent).toMatch(/workers are seen from the outside/);
  });

  it('is absent for a capture file (no live tab)', () => {
    render(<SettingsBar control={recorder} workers={null} />);
    expect(screen.queryByRole('checkbox', { name: 'Record inside workers' })).toBeNull();
  });
});
