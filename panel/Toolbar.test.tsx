// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogStore } from './store';
import { MENU_PX, Toolbar } from './Toolbar';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

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

  it('narrow, moves Preserve log, Open…, Save… and Settings into its » menu, which works from the keyboard', () => {
    // happy-dom lays nothing out: the toolbar measures as in a panel docked right.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ width: MENU_PX - 165, height: 27, top: 0, left: 0, right: 0, bottom: 0, x: 0, y: 0, toJSON: () => ({}) });
    const store = createLogStore();
    const calls: string[] = [];
    render(<Toolbar store={store} status={null} onOpenFile={() => calls.push('open')} onSave={() => calls.push('save')} onToggleSettings={() => calls.push('settings')} />);
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull();
    const more = screen.getByRole('button', { name: 'More tools' });
    fireEvent.click(more);
    const menu = screen.getByRole('menu', { name: 'More tools' });
    const items = [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]')];
    expect(items.map((i) => i.textContent)).toEqual(['Preserve log', 'Open…', 'Save…', 'Settings']);
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'Preserve log' }).getAttribute('aria-checked')).toBe('false');
    // Nothing recorded yet: nothing to save.
    expect(within(menu).getByRole('menuitem', { name: 'Save…' }).getAttribute('aria-disabled')).toBe('true');
    // The first item has the focus; ↓ moves it (past Save…, disabled); a press picks it and the menu closes.
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Settings');
    fireEvent.click(document.activeElement!);
    expect(calls).toEqual(['settings']);
    expect(screen.queryByRole('menu', { name: 'More tools' })).toBeNull();
    expect(document.activeElement).toBe(more);
    // Tab closes it and is not held back: the focus moves on from the button.
    fireEvent.click(more);
    const notPrevented = fireEvent.keyDown(screen.getByRole('menu', { name: 'More tools' }), { key: 'Tab' });
    expect(notPrevented).toBe(true);
    expect(screen.queryByRole('menu', { name: 'More tools' })).toBeNull();
    expect(document.activeElement).toBe(more);
  });
});
