// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type EntangleEvent } from '../../model/protocol';
import { createLogStore, type LogStore } from '../store';
import { createViewStore, type ViewStore } from '../viewState';
import { FILTER_MENU_PX, FilterBar } from './FilterBar';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A top realm and an iframe; on a channel between them "ping" and "pong" are delivered, and a
 *  DataCloneError send fails on a second channel. */
function setup(): { store: LogStore; view: ViewStore } {
  const store = createLogStore();
  const view = createViewStore();
  let seq = 0;
  let t = 5000;
  const ev = (body: object): EntangleEvent => ({ ...body, seq: ++seq, t: (t += 2) }) as EntangleEvent;
  const batch = (realm: string, frameId: number, url: string, events: EntangleEvent[]) =>
    store.getState().batchReceived({ tabId: 1, frameId, parentFrameId: frameId === 0 ? -1 : 0, url, batch: { v: PROTOCOL_VERSION, realm, events } });
  batch('toprealm1', 0, 'https://a.test/', [
    ev({ type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION }),
    ev({ type: 'channelCreated', channel: 'toprealm1:c1', port1: 'toprealm1:1', port2: 'toprealm1:2' }),
    ev({ type: 'portStarted', port: 'toprealm1:1', implicit: true }),
    ev({ type: 'portStarted', port: 'toprealm1:2', implicit: true }),
    ev({ type: 'messageSent', route: 'port', port: 'toprealm1:1', transfer: [], outcome: 'posted' }),
    ev({ type: 'messageReceived', route: 'port', port: 'toprealm1:2', origin: '', ports: [], preview: { $t: 'object', entries: [['type', 'PING']], more: 0 }, size: 20 }),
    ev({ type: 'messageSent', route: 'port', port: 'toprealm1:2', transfer: [], outcome: 'posted' }),
    ev({ type: 'messageReceived', route: 'port', port: 'toprealm1:1', origin: '', ports: [], preview: 'pong', size: 3000 }),
    ev({ type: 'channelCreated', channel: 'toprealm1:c2', port1: 'toprealm1:3', port2: 'toprealm1:4' }),
    ev({ type: 'messageSent', route: 'port', port: 'toprealm1:3', transfer: [], outcome: 'posted', error: { name: 'DataCloneError', message: 'function could not be cloned' } }),
  ]);
  batch('frame1', 1, 'https://b.test/child.html', [
    ev({ type: 'realmStarted', kind: 'iframe', url: 'https://b.test/child.html', origin: 'https://b.test', protocol: PROTOCOL_VERSION }),
  ]);
  return { store, view };
}

const input = () => screen.getByRole('combobox', { name: 'Filter messages' }) as HTMLInputElement;
const count = () => screen.getByTestId('filter-count').textContent;
const listbox = () => screen.getByRole('listbox', { name: 'Filter suggestions', hidden: true });
/** Types `text` as the whole value, the caret at its end. */
function type(text: string): void {
  const el = input();
  el.focus();
  fireEvent.change(el, { target: { value: text } });
}
const key = (k: string, init: Partial<KeyboardEventInit> = {}) => fireEvent.keyDown(input(), { key: k, ...init });

describe('FilterBar', () => {
  it('filters by the language: key terms, negation, quotes', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    expect(count()).toBe('3 messages');
    type('status:delivered');
    expect(count()).toBe('2 of 3 messages');
    type('status:delivered -type:ping');
    expect(count()).toBe('1 of 3 messages');
    type('size:>1k');
    expect(count()).toBe('1 of 3 messages');
    type('"could not be"');
    expect(count()).toBe('1 of 3 messages');
    type('from:top');
    expect(count()).toBe('3 of 3 messages');
    type('from:"iframe b.test/child.html"');
    expect(count()).toBe('0 of 3 messages');
  });

  it('shows a hint for bad input (aria-live) and leaves the rows as without the term', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    const hint = screen.getByTestId('filter-hint');
    expect(hint.getAttribute('aria-live')).toBe('polite');
    expect(input().getAttribute('aria-describedby')).toBe(hint.id);
    type('size:>abc');
    expect(hint.textContent).toMatch(/size:>abc — size: expects/);
    expect(input().getAttribute('aria-invalid')).toBe('true');
    expect(count()).toBe('3 of 3 messages');
    type('status:nope pong');
    expect(hint.textContent).toMatch(/Unknown status "nope"/);
    expect(count()).toBe('1 of 3 messages');
    type('foo:bar');
    expect(hint.textContent).toMatch(/"foo:" is not a filter key/);
    expect(input().getAttribute('aria-invalid')).toBe('false');
    type('pong');
    expect(hint.textContent).toBe('');
  });

  it('toggles write their terms into the text and show pressed when the text has them', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    const failed = screen.getByRole('button', { name: /failed/ });
    fireEvent.click(failed);
    expect(input().value).toBe('status:failed');
    expect(failed.getAttribute('aria-pressed')).toBe('true');
    expect(count()).toBe('1 of 3 messages');
    fireEvent.click(screen.getByRole('button', { name: /delivered/ }));
    expect(input().value).toBe('status:failed,delivered');
    expect(count()).toBe('3 of 3 messages');
    fireEvent.click(failed);
    expect(input().value).toBe('status:delivered');
    expect(failed.getAttribute('aria-pressed')).toBe('false');
    // Typed terms press the toggles.
    type('route:window ping');
    expect(within(screen.getByRole('group', { name: 'Routes' })).getByRole('button', { name: 'window' }).getAttribute('aria-pressed')).toBe('true');
    const errors = screen.getByRole('checkbox', { name: 'Errors only' }) as HTMLInputElement;
    fireEvent.click(errors);
    expect(input().value).toBe('route:window ping is:error');
    expect(errors.checked).toBe(true);
    fireEvent.click(errors);
    expect(input().value).toBe('route:window ping');
    // State set elsewhere (a test, the old fields) still shows and is cleared by the toggle.
    act(() => view.getState().filterChanged({ text: '', statuses: ['queued'] }));
    const queued = screen.getByRole('button', { name: /queued/ });
    expect(queued.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(queued);
    expect(view.getState().filter.statuses).toEqual([]);
    expect(queued.getAttribute('aria-pressed')).toBe('false');
  });

  it('in regex mode the toggles keep to their own fields (the text is one expression)', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Regex' }));
    type('p[io]ng');
    fireEvent.click(screen.getByRole('button', { name: /failed/ }));
    expect(input().value).toBe('p[io]ng');
    expect(view.getState().filter.statuses).toEqual(['failed']);
    expect(count()).toBe('0 of 3 messages');
  });

  it('completes keys and values from the keyboard: ↓/↑, Enter, Tab, Esc', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    expect(input().getAttribute('aria-expanded')).toBe('false');
    type('st');
    expect(input().getAttribute('aria-expanded')).toBe('true');
    expect(input().getAttribute('aria-controls')).toBe(listbox().id);
    expect(within(listbox()).getAllByRole('option').map((o) => o.textContent)).toEqual([expect.stringMatching(/^status:/)]);
    key('ArrowDown');
    const option = within(listbox()).getByRole('option');
    expect(option.getAttribute('aria-selected')).toBe('true');
    expect(input().getAttribute('aria-activedescendant')).toBe(option.id);
    key('Enter');
    expect(input().value).toBe('status:');
    // Then its values.
    const values = within(listbox())
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(values).toEqual(['delivered', 'queued', 'in-flight', 'failed', 'lost', 'doomed', 'dropped-origin', 'ambiguous']);
    key('ArrowDown');
    key('ArrowDown');
    key('ArrowUp');
    key('ArrowUp'); // wraps to the last
    expect(within(listbox()).getByRole('option', { selected: true }).textContent).toBe('ambiguous');
    key('ArrowDown'); // wraps to the first
    key('Enter');
    expect(input().value).toBe('status:delivered ');
    expect(view.getState().filter.text).toBe('status:delivered ');
    expect(input().getAttribute('aria-expanded')).toBe('false');
    // Tab picks the first when none is chosen; values of the model (types seen).
    type('status:delivered ty');
    key('Tab');
    expect(input().value).toBe('status:delivered type:');
    key('Tab');
    expect(input().value).toBe('status:delivered type:PING ');
    expect(count()).toBe('1 of 3 messages');
    // Esc closes the list, then clears the text.
    type('fr');
    expect(input().getAttribute('aria-expanded')).toBe('true');
    key('Escape');
    expect(input().getAttribute('aria-expanded')).toBe('false');
    expect(input().value).toBe('fr');
    key('Escape');
    expect(input().value).toBe('');
    // ↓ lists every key before a letter is typed.
    key('ArrowDown');
    expect(within(listbox()).getAllByRole('option')).toHaveLength(10);
  });

  it('a click on a suggestion picks it', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    type('from:');
    fireEvent.click(within(listbox()).getByRole('option', { name: 'iframe b.test/child.html' }));
    expect(input().value).toBe('from:"iframe b.test/child.html" ');
    expect(count()).toBe('0 of 3 messages');
  });

  it('narrow, folds the statuses, Errors only and Show events into a More filters menu that writes the same terms', () => {
    // happy-dom lays nothing out: every element measures as wide as the bar is in a panel docked right.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ width: FILTER_MENU_PX - 345, height: 27, top: 0, left: 0, right: 0, bottom: 0, x: 0, y: 0, toJSON: () => ({}) });
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    expect(screen.getByTestId('filter-bar').getAttribute('data-narrow')).toBe('true');
    expect(screen.queryByRole('group', { name: 'Statuses' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Errors only' })).toBeNull();
    const more = screen.getByRole('button', { name: 'More filters' });
    expect(more.getAttribute('aria-haspopup')).toBe('menu');
    fireEvent.click(more);
    const menu = screen.getByRole('menu', { name: 'More filters' });
    const failed = within(menu).getByRole('menuitemcheckbox', { name: /failed 1/ });
    fireEvent.click(failed);
    expect(input().value).toBe('status:failed');
    expect(count()).toBe('1 of 3 messages');
    // A check keeps the menu open: pick another status in the same go.
    fireEvent.click(within(screen.getByRole('menu', { name: 'More filters' })).getByRole('menuitemcheckbox', { name: /delivered 2/ }));
    expect(input().value).toBe('status:failed,delivered');
    expect(within(screen.getByRole('menu', { name: 'More filters' })).getByRole('menuitemcheckbox', { name: /failed/ }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('menuitemcheckbox', { name: 'Errors only' }));
    expect(input().value).toBe('status:failed,delivered is:error');
    fireEvent.click(screen.getByRole('menuitemcheckbox', { name: 'Show events' }));
    expect(view.getState().filter.showEvents).toBe(true);
    // The button says how many of its filters are on.
    expect(more.textContent).toBe('More filters (4) ▾');
    expect(more.getAttribute('title')).toBe('Statuses, errors only, show events (4 on)');
    fireEvent.keyDown(screen.getByRole('menu', { name: 'More filters' }), { key: 'Escape' });
    expect(screen.queryByRole('menu', { name: 'More filters' })).toBeNull();
    expect(document.activeElement).toBe(more);
  });

  it('narrow, keeps the focus on a status item while its count changes in a live log', async () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ width: FILTER_MENU_PX - 345, height: 27, top: 0, left: 0, right: 0, bottom: 0, x: 0, y: 0, toJSON: () => ({}) });
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    fireEvent.click(screen.getByRole('button', { name: 'More filters' }));
    const delivered = screen.getByRole('menuitemcheckbox', { name: 'delivered 2' });
    expect(document.activeElement).toBe(delivered);
    // One more message delivered on the channel: the item's label changes, not the item.
    act(() =>
      store.getState().batchReceived({
        tabId: 1,
        frameId: 0,
        parentFrameId: -1,
        url: 'https://a.test/',
        batch: {
          v: PROTOCOL_VERSION,
          realm: 'toprealm1',
          events: [
            { type: 'messageSent', route: 'port', port: 'toprealm1:1', transfer: [], outcome: 'posted', seq: 11, t: 9000 },
            { type: 'messageReceived', route: 'port', port: 'toprealm1:2', origin: '', ports: [], preview: 'again', size: 5, seq: 12, t: 9001 },
          ] as EntangleEvent[],
        },
      }),
    );
    const now = await screen.findByRole('menuitemcheckbox', { name: 'delivered 3' });
    expect(now).toBe(delivered);
    expect(document.activeElement).toBe(delivered);
  });

  it('wide, shows no More filters menu', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    expect(screen.queryByRole('button', { name: 'More filters' })).toBeNull();
    expect(screen.getByRole('group', { name: 'Statuses' })).toBeTruthy();
  });

  it('/ and Ctrl+F focus the filter', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    const other = screen.getByRole('button', { name: 'Clear filters' });
    expect(document.activeElement).not.toBe(input());
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(input());
    input().blur();
    fireEvent.keyDown(other, { key: 'f', ctrlKey: true });
    expect(document.activeElement).toBe(input());
    // `/` typed in the filter is text, not a shortcut.
    const e = fireEvent.keyDown(input(), { key: '/' });
    expect(e).toBe(true);
  });

  it('names realms in the picker and the focus chip, with ids in tooltips', () => {
    const { store, view } = setup();
    render(<FilterBar store={store} view={view} />);
    const picker = screen.getByRole('combobox', { name: 'Realm' });
    const options = within(picker).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['All realms', 'top', 'iframe b.test/child.html']);
    expect(options[2]?.getAttribute('title')).toContain('frame1');
    act(() => view.getState().focused({ kind: 'realm', id: 'frame1' }));
    const chip = screen.getByTestId('filter-focus');
    expect(chip.textContent).toContain('iframe b.test/child.html');
    expect(chip.getAttribute('title')).toContain('frame1');
  });
});
