// @vitest-environment happy-dom
/**
 * The realm inspector: a frame's facts asked of the page (through an injected asker, as the live
 * connection registers one), the states when they cannot be asked or are not answered, and *Filter to
 * this realm*.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type EntangleEvent, type RoutedBatch } from '../model/protocol';
import type { FrameFacts, FrameFactsRequest } from '../model/relay';
import { frameFactsAskable } from './frameFacts';
import { InspectorPane } from './Inspector';
import { createLogStore, type LogStore } from './store';
import { createViewStore, type ViewStore } from './viewState';

const T = 1_000_000;

function batch(realm: string, events: EntangleEvent[], frameId: number, parentFrameId: number, url: string): RoutedBatch {
  return { tabId: 4, frameId, parentFrameId, url, batch: { v: PROTOCOL_VERSION, realm, events } };
}

/** Top A (a.test) with an iframe B (b.test, frame 3) and a module worker A:w1. */
function fixture(): LogStore {
  const store = createLogStore();
  const s = store.getState();
  s.batchReceived(
    batch(
      'A',
      [
        { type: 'realmStarted', seq: 1, t: T, kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION },
        { type: 'workerCreated', seq: 2, t: T + 1, worker: 'A:w1', url: 'https://a.test/calc.js', workerType: 'module', name: 'calc' },
      ],
      0,
      -1,
      'https://a.test/',
    ),
  );
  s.batchReceived(
    batch('B', [{ type: 'realmStarted', seq: 1, t: T + 2, kind: 'iframe', url: 'https://b.test/w.html', origin: 'https://b.test', protocol: PROTOCOL_VERSION }], 3, 0, 'https://b.test/w.html'),
  );
  return store;
}

const FACTS: FrameFacts = {
  element: { known: { tag: 'iframe', id: 'partner', name: 'p', src: '/w.html', sandbox: 'allow-scripts', allow: 'fullscreen', path: 'body > div#ads > iframe#partner' } },
  title: { known: '<b>Partner</b>' },
};

function mount(store: LogStore, realm: string): ViewStore {
  const view = createViewStore({ focus: { kind: 'realm', id: realm } });
  render(<InspectorPane store={store} view={view} />);
  return view;
}

/** The inspector's rows, label → text. */
function rows(): Record<string, string> {
  const inspector = screen.getByRole('complementary', { name: 'Inspector' });
  return Object.fromEntries(within(inspector).getAllByRole('row').map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']));
}

afterEach(cleanup);

describe('the realm inspector', () => {
  it("asks the page once about a live frame and shows its element, its title (as text) and that it is cross-origin", async () => {
    const store = fixture();
    const ask = vi.fn((_: FrameFactsRequest) => Promise.resolve<FrameFacts | null>(FACTS));
    frameFactsAskable(store, ask);
    mount(store, 'B');
    expect(rows()['page']).toBe('asking the page…');
    await act(async () => {});
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith({ kind: 'frameFacts', tabId: 4, frameId: 3, realm: 'B' });
    expect(rows()).toMatchObject({
      'to its parent': 'cross-origin',
      title: '<b>Partner</b>',
      tag: 'iframe',
      id: 'partner',
      name: 'p',
      'src (as written)': '/w.html',
      'current URL': 'https://b.test/w.html',
      sandbox: 'allow-scripts',
      allow: 'fullscreen',
      'DOM path': 'body > div#ads > iframe#partner',
    });
    // More events do not ask again; the user can.
    act(() => store.getState().batchReceived(batch('A', [{ type: 'portStarted', seq: 3, t: T + 5, port: 'A:1', implicit: true }], 0, -1, 'https://a.test/')));
    await act(async () => {});
    expect(ask).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Ask again' }));
    await act(async () => {});
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it('says what is missing when the page has no element or did not answer', async () => {
    const store = fixture();
    frameFactsAskable(store, () => Promise.resolve({ element: { missing: 'notFound' }, title: { missing: 'otherDocument' } }));
    mount(store, 'B');
    await act(async () => {});
    expect(rows()).toMatchObject({ element: 'no longer in the page', title: 'the frame shows another document now' });
    cleanup();
    const silent = fixture();
    frameFactsAskable(silent, () => Promise.resolve(null));
    mount(silent, 'B');
    await act(async () => {});
    expect(rows()['page']).toMatch(/did not answer/);
  });

  it('asks nothing in a capture file, nor about a gone frame', async () => {
    mount(fixture(), 'B'); // no asker: not the live tab's store
    expect(rows()['page']).toBe('not available in a capture file');
    cleanup();
    const store = fixture();
    const ask = vi.fn(() => Promise.resolve<FrameFacts | null>(FACTS));
    frameFactsAskable(store, ask);
    store.getState().frameGone('B');
    mount(store, 'B');
    await act(async () => {});
    expect(rows()['page']).toBe('no longer in the page');
    expect(ask).not.toHaveBeenCalled();
  });

  it("shows a worker's script and type, and asks nothing", () => {
    const store = fixture();
    const ask = vi.fn(() => Promise.resolve<FrameFacts | null>(FACTS));
    frameFactsAskable(store, ask);
    mount(store, 'A:w1');
    expect(rows()).toMatchObject({ script: 'https://a.test/calc.js', type: 'module', name: 'calc' });
    expect(rows()['page']).toBeUndefined();
    expect(ask).not.toHaveBeenCalled();
  });

  it('Filter to this realm sets the Realm filter, and clears it when pressed again', () => {
    const view = mount(fixture(), 'B');
    const button = screen.getByRole('button', { name: 'Filter to this realm' });
    expect(button.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(button);
    expect(view.getState().filter.realm).toBe('B');
    expect(button.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(button);
    expect(view.getState().filter.realm).toBeNull();
  });
});
