// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogStore } from './store';
import { Toolbar } from './Toolbar';

afterEach(cleanup);

describe('Toolbar', () => {
  it('names the record toggle for what it does now, apart from the playback bar\'s Pause', async () => {
    const store = createLogStore();
    render(<Toolbar store={store} status={null} />);
    const pause = screen.getByRole('button', { name: 'Pause recording' });
    expect(pause.textContent?.trim()).toBe('Pause');
    expect(pause.hasAttribute('aria-pressed')).toBe(false);
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    fireEvent.click(pause);
    expect(store.getState().recording).toBe(false);
    // (Renamed on the views' next update tick.)
    const resume = await screen.findByRole('button', { name: 'Record again' });
    expect(resume.textContent?.trim()).toBe('Record');
    fireEvent.click(resume);
    expect(store.getState().recording).toBe(true);
    expect(await screen.findByRole('button', { name: 'Pause recording' })).toBeTruthy();
  });
});
