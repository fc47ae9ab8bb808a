// @vitest-environment happy-dom
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FRAME, TOP, playbackLog } from './playback.fixture';
import { PlaybackBar } from './PlaybackBar';
import type { LogStore } from './store';
import { Timeline } from './timeline/Timeline';
import { createViewStore, type ViewStore } from './viewState';
import { withLaidOutElements } from './happyDomLayout';
import { animateSetting, createAnimateSetting, loadAnimateMessages } from './graph/animateMessages';

withLaidOutElements();

/** Past the views' 100 ms update tick (setTimeout, then an animation frame). */
const tick = () => act(() => new Promise<void>((r) => setTimeout(r, 160)));

function mount(): { store: LogStore; view: ViewStore; top: ReturnType<typeof playbackLog>['top'] } {
  const { store, top } = playbackLog();
  const view = createViewStore();
  render(
    <div>
      <PlaybackBar store={store} view={view} />
      <Timeline store={store} view={view} />
    </div>,
  );
  return { store, view, top };
}

const slider = () => screen.getByRole('slider', { name: 'Playback position' });
const button = (name: string) => screen.getByRole('button', { name });
const row = (id: string) => screen.getAllByTestId('timeline-row').find((r) => r.dataset.id === id) as HTMLElement;
const currentRows = () => screen.getAllByTestId('timeline-row').filter((r) => r.getAttribute('aria-current') === 'true');
const dimmed = () =>
  screen
    .getAllByTestId('timeline-row')
    .filter((r) => r.classList.contains('tl-after'))
    .map((r) => r.dataset.id);

describe('the playback bar', () => {
  it('names every control, and is live at first', () => {
    mount();
    for (const name of ['Live', 'Previous error', 'Previous message', 'Play', 'Next message', 'Next error']) expect(button(name)).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Playback speed' })).toBeTruthy();
    expect(screen.getByRole('toolbar', { name: 'Playback' })).toBeTruthy();
    expect(button('Live').getAttribute('aria-pressed')).toBe('true');
    expect(slider().getAttribute('aria-valuetext')).toBe('Live, 1.060 s, message 5 of 5');
    // Live: nothing after the end to go to, and no row marked.
    expect(button('Next message').getAttribute('aria-disabled')).toBe('true');
    expect(currentRows()).toEqual([]);
    expect(dimmed()).toEqual([]);
  });

  it('the slider steps by message from the keyboard; the timeline marks the row at T and dims the rows after it', () => {
    mount();
    fireEvent.keyDown(slider(), { key: 'Home' });
    expect(slider().getAttribute('aria-valuetext')).toBe('0.000 s, message 0 of 5');
    expect(button('Live').getAttribute('aria-pressed')).toBe('false');
    fireEvent.keyDown(slider(), { key: 'ArrowRight' });
    fireEvent.keyDown(slider(), { key: 'ArrowRight' });
    expect(slider().getAttribute('aria-valuetext')).toBe('0.050 s, message 2 of 5');
    expect(currentRows().map((r) => r.dataset.id)).toEqual([`${TOP}#6`]);
    expect(dimmed()).toEqual([`${TOP}#7`, `${FRAME}#4`, `${FRAME}#6`]);
    fireEvent.keyDown(slider(), { key: 'ArrowLeft' });
    expect(slider().getAttribute('aria-valuetext')).toBe('0.030 s, message 1 of 5');
    fireEvent.keyDown(slider(), { key: 'End' });
    expect(slider().getAttribute('aria-valuetext')).toBe('1.050 s, message 5 of 5');
    fireEvent.keyDown(slider(), { key: 'PageDown' });
    // A tenth of the session back: 1.050 − 0.106 s, before the fourth message (1.030 s).
    expect(slider().getAttribute('aria-valuetext')).toBe('0.944 s, message 3 of 5');
  });

  it('`,` and `.` step anywhere in the bar; the buttons step by message and by error', () => {
    mount();
    fireEvent.keyDown(button('Play'), { key: ',' });
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 4 of 5$/);
    fireEvent.keyDown(slider(), { key: '.' });
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 5 of 5$/);
    fireEvent.click(button('Previous error'));
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 2 of 5$/);
    expect(button('Previous error').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(button('Previous message'));
    fireEvent.click(button('Previous message'));
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 0 of 5$/);
    fireEvent.click(button('Next error'));
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 2 of 5$/);
    fireEvent.click(button('Next message'));
    expect(currentRows().map((r) => r.dataset.id)).toEqual([`${TOP}#7`]);
  });

  it('Space plays and pauses while the bar has focus', () => {
    const { view } = mount();
    fireEvent.keyDown(slider(), { key: ' ' });
    expect(view.getState().playback?.playing).toBe(true);
    expect(button('Pause')).toBeTruthy();
    fireEvent.keyDown(slider(), { key: ' ' });
    expect(view.getState().playback?.playing).toBe(false);
    expect(button('Play')).toBeTruthy();
  });

  it('plays to the end at 16× and stops there; Live goes back to following the recording', async () => {
    const { view } = mount();
    fireEvent.change(screen.getByRole('combobox', { name: 'Playback speed' }), { target: { value: '16' } });
    fireEvent.click(button('Play'));
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 0 of 5$/);
    await waitFor(() => expect(slider().getAttribute('aria-valuetext')).toBe('1.060 s, message 5 of 5'), { timeout: 3000 });
    await waitFor(() => expect(button('Play')).toBeTruthy());
    expect(view.getState().playback).not.toBeNull();
    fireEvent.click(button('Live'));
    expect(view.getState().playback).toBeNull();
    expect(button('Live').getAttribute('aria-pressed')).toBe('true');
    expect(currentRows()).toEqual([]);
  });

  it('at the step speed Play moves one message per press', () => {
    mount();
    fireEvent.change(screen.getByRole('combobox', { name: 'Playback speed' }), { target: { value: 'step' } });
    fireEvent.keyDown(slider(), { key: 'Home' });
    fireEvent.click(button('Play one message'));
    fireEvent.click(button('Play one message'));
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 2 of 5$/);
  });

  it('a click on a row in playback moves T to that message; live, it only selects', () => {
    const { view } = mount();
    fireEvent.click(row(`${TOP}#6`));
    expect(view.getState().playback).toBeNull();
    fireEvent.keyDown(slider(), { key: 'Home' });
    fireEvent.click(row(`${FRAME}#4`));
    expect(slider().getAttribute('aria-valuetext')).toBe('1.030 s, message 4 of 5');
    expect(currentRows().map((r) => r.dataset.id)).toEqual([`${FRAME}#4`]);
    expect(view.getState().selection).toEqual({ kind: 'message', id: `${FRAME}#4` });
  });

  it('while in playback of a live log, the recording goes on and the view stays at T', async () => {
    const { store, top } = mount();
    fireEvent.keyDown(slider(), { key: 'Home' });
    fireEvent.keyDown(slider(), { key: 'ArrowRight' });
    store.getState().batchReceived(top.batch([top.send(`${TOP}:1`), top.recv(`${TOP}:2`, 'late')]));
    await tick();
    // The new message has its row (dimmed: after T), and T has not moved.
    expect(slider().getAttribute('aria-valuetext')).toBe('0.030 s, message 1 of 5');
    expect(currentRows().map((r) => r.dataset.id)).toEqual([`${TOP}#4`]);
    expect(dimmed()).toContain(`${TOP}#9`);
    // The next move takes the newest recording.
    fireEvent.keyDown(slider(), { key: 'End' });
    expect(slider().getAttribute('aria-valuetext')).toMatch(/message 6 of 6$/);
  });

  describe('Animate messages', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
      animateSetting.getState().changed(true);
    });
    /** matchMedia answering `prefers-reduced-motion: reduce` with `reduce`. */
    const reducedMotion = (reduce: boolean): void => {
      vi.stubGlobal('matchMedia', (query: string) => ({ matches: reduce && query.includes('prefers-reduced-motion: reduce'), media: query, addEventListener() {}, removeEventListener() {} }));
    };

    it('is a toggle, on at first; pressing it turns the travelling dots off and back on', () => {
      reducedMotion(false);
      mount();
      const toggle = button('Animate messages');
      expect(toggle.getAttribute('aria-pressed')).toBe('true');
      fireEvent.click(toggle);
      expect(toggle.getAttribute('aria-pressed')).toBe('false');
      expect(animateSetting.getState().on).toBe(false);
      fireEvent.click(toggle);
      expect(toggle.getAttribute('aria-pressed')).toBe('true');
    });

    it('is off, and says why, when the system asks for reduced motion', () => {
      reducedMotion(true);
      mount();
      const toggle = button('Animate messages');
      expect(toggle.getAttribute('aria-pressed')).toBe('false');
      expect(toggle.getAttribute('aria-disabled')).toBe('true');
      expect(toggle.title).toMatch(/reduced motion/);
      fireEvent.click(toggle);
      expect(animateSetting.getState().on).toBe(true);
    });

    it('is kept in storage (on unless turned off; storage that throws is ignored)', () => {
      const saved = new Map<string, string>();
      const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
      expect(loadAnimateMessages(storage)).toBe(true);
      createAnimateSetting(storage).getState().changed(false);
      expect(loadAnimateMessages(storage)).toBe(false);
      expect(createAnimateSetting(storage).getState().on).toBe(false);
      const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
      expect(loadAnimateMessages(broken)).toBe(true);
      expect(() => createAnimateSetting(broken).getState().changed(false)).not.toThrow();
    });
  });
});
