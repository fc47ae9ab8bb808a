// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { EntangleEvent } from '../../model/protocol';
import { createLogStore, type LogStore } from '../store';
import { createViewStore, type ViewStore } from '../viewState';
import { FilterBar } from './FilterBar';
import { COLUMNS_STORAGE_KEY, HEADER_HEIGHT, LAYOUT_STORAGE_KEY, ROW_HEIGHT, Timeline, offsetToShow } from './Timeline';
import { withLaidOutElements } from '../happyDomLayout';
import { FixturePage } from '../playback.fixture';
import { seekMessage } from '../playbackView';
import { timeOfMessage } from '../../model/model-types';
import { RowFinder } from './rowFinder';

withLaidOutElements();

/** Past the views' 100 ms update tick (setTimeout, then an animation frame). */
const tick = () => act(() => new Promise<void>((r) => setTimeout(r, 160)));

/** A realm of the test page: events 2 ms apart from t = 5000 (panel/playback.fixture.ts). */
class Page extends FixturePage {
  constructor(realm: string, kind: 'top' | 'iframe' = 'top', frameId = 0) {
    super(realm, 5000, kind, frameId, 2);
  }
}

/** One top realm with two channels: "ping" and "pong" delivered on c1, a DataCloneError on c2. */
function setup(): { store: LogStore; view: ViewStore; page: Page } {
  const store = createLogStore();
  const view = createViewStore();
  const page = new Page('toprealm1');
  const p = page;
  store.getState().batchReceived(
    page.batch([
      p.started(),
      p.channel(1),
      p.portStarted('toprealm1:2'),
      p.portStarted('toprealm1:1'),
      p.send('toprealm1:1'),
      p.recv('toprealm1:2', 'ping'),
      p.send('toprealm1:2'),
      p.recv('toprealm1:1', 'pong'),
      p.channel(2),
      p.send('toprealm1:3', { name: 'DataCloneError', message: 'function could not be cloned' }),
    ]),
  );
  return { store, view, page };
}

/** One channel, 2,000 messages delivered on it. */
function bigLog(): { store: LogStore; view: ViewStore; page: Page } {
  const store = createLogStore();
  const view = createViewStore();
  const p = new Page('big');
  const events: EntangleEvent[] = [p.started(), p.channel(1), p.portStarted('big:2')];
  for (let i = 0; i < 2000; i++) events.push(p.send('big:1'), p.recv('big:2', `m${i}`));
  store.getState().batchReceived(p.batch(events));
  return { store, view, page: p };
}

function App({ store, view, onOpen }: { store: LogStore; view: ViewStore; onOpen?: () => void }) {
  return (
    <div>
      <FilterBar store={store} view={view} />
      <Timeline store={store} view={view} onOpen={onOpen} />
    </div>
  );
}

/** Runs `body` with every element's content as tall as bigLog's 2,000 rows (happy-dom does no layout). */
async function withTallGrid(body: () => Promise<void>): Promise<void> {
  const had = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'scrollHeight');
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', { configurable: true, get: () => 22 + 2000 * 20 });
  try {
    await body();
  } finally {
    if (had) Object.defineProperty(HTMLElement.prototype, 'scrollHeight', had);
    else delete (HTMLElement.prototype as { scrollHeight?: number }).scrollHeight;
  }
}

const rows = () => screen.queryAllByTestId('timeline-row');
const messageRows = () => rows().filter((r) => r.dataset.kind === 'message');

describe('Timeline', () => {
  it('tells a newcomer what to do when nothing is recorded, and says when recording is paused', async () => {
    const store = createLogStore();
    const view = createViewStore();
    render(<App store={store} view={view} />);
    expect(screen.getByTestId('empty').textContent).toMatch(/MessageChannel.*postMessage.*worker.*BroadcastChannel/);
    expect(screen.getByTestId('empty').textContent).toMatch(/reload/);
    act(() => store.getState().recordingPaused());
    await tick();
    expect(screen.getByTestId('empty').textContent).toMatch(/Recording is paused/);
    expect(screen.getByTestId('filter-count').textContent).toBe('0 messages');
  });

  it('an empty capture file says so, not "press record"', async () => {
    const store = createLogStore();
    const view = createViewStore();
    store.getState().captureLoaded([], []);
    render(<App store={store} view={view} />);
    await tick();
    expect(screen.getByTestId('empty').textContent).toMatch(/capture file holds no events/);
    expect(screen.getByTestId('empty').textContent).not.toMatch(/press record|reload|paused/i);
  });

  it('shows one row per message with time, status, ends, message, route, size and latency', async () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    expect(screen.getByTestId('timeline').getAttribute('role')).toBe('grid');
    const headers = within(screen.getByTestId('timeline-header')).getAllByRole('columnheader');
    expect(headers.map((h) => h.textContent)).toEqual(['Time (ms)', 'Status', 'From → To', 'Message', 'Route', 'Size', 'Latency']);
    const ms = messageRows();
    expect(ms).toHaveLength(3);
    expect(ms.map((r) => r.dataset.status)).toEqual(['delivered', 'delivered', 'failed']);
    expect(ms.map((r) => r.dataset.id)).toEqual(['toprealm1#5', 'toprealm1#7', 'toprealm1#10']);
    const first = ms[0] as HTMLElement;
    expect(first.textContent).toContain('"ping"');
    // Realms by name, never by id (the id is in the tooltip).
    const ends = first.querySelector('[data-col="endpoints"]') as HTMLElement;
    expect(ends.textContent).toBe('top › p1 → top › p2');
    expect(ends.querySelector('span')?.getAttribute('title')).toContain('realm toprealm1');
    expect((first.querySelector('[data-col="message"]') as HTMLElement).textContent).toBe('"ping"');
    expect(first.textContent).toContain('6 B');
    expect(first.textContent).toContain('2.0 ms');
    expect(first.textContent).toContain('✓');
    expect(first.textContent).toMatch(/^8\.0/); // ms since the first event
    expect((ms[2] as HTMLElement).textContent).toContain('DataCloneError');
    expect(screen.getByTestId('filter-count').textContent).toBe('3 messages');
    expect(screen.queryByTestId('empty')).toBeNull();
  });

  it('renders page data as text, never as HTML', () => {
    const store = createLogStore();
    const view = createViewStore();
    const p = new Page('r');
    store.getState().batchReceived(p.batch([p.started(), p.channel(1), p.portStarted('r:2'), p.send('r:1'), p.recv('r:2', '<img src=x onerror=alert(1)>')]));
    render(<App store={store} view={view} />);
    expect(document.querySelector('img')).toBeNull();
    expect(messageRows()[0]?.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('leads the Message cell with the payload\'s type, in bold, and shows a transferred port as a token', () => {
    const store = createLogStore();
    const view = createViewStore();
    const p = new Page('r');
    const preview = {
      $t: 'object' as const,
      entries: [
        ['namespace', 'penpal'],
        ['type', 'SYN'],
        ['participantId', 'b95d3a1c-7e0f-4c2a-9a51-0d6e2f3b4c5d'],
      ] as [string, string][],
      more: 0,
    };
    store.getState().batchReceived(
      p.batch([
        p.started(),
        p.channel(1),
        p.portStarted('r:2'),
        p.ev({ type: 'messageSent', route: 'port', port: 'r:1', transfer: [{ kind: 'MessagePort', port: 'r:3' }], outcome: 'posted' }),
        p.ev({ type: 'messageReceived', route: 'port', port: 'r:2', origin: '', ports: ['r:4'], preview, size: 40 }),
      ]),
    );
    render(<App store={store} view={view} />);
    const row = messageRows()[0] as HTMLElement;
    expect(row.dataset.type).toBe('SYN');
    const cell = row.querySelector('[data-col="message"]') as HTMLElement;
    expect(cell.querySelector('b')?.textContent).toBe('SYN');
    expect(cell.textContent).toBe('⇄ port p3SYN {participantId: "b95…"}');
    expect(cell.getAttribute('title')).toContain('transfer: MessagePort r:3');
  });

  it('names an iframe by its host and file, and the realm names in event rows too', async () => {
    const store = createLogStore();
    const view = createViewStore();
    const top = new Page('toprealm1');
    const frame = new Page('framerealm', 'iframe', 3);
    store.getState().batchReceived(top.batch([top.started(), top.channel(1), top.portStarted('toprealm1:1')]));
    store.getState().batchReceived(
      frame.batch([frame.started(), frame.ev({ type: 'messageReceived', route: 'window', origin: 'https://a.test', source: 'parent', ports: [], preview: 'hi', size: 4 })]),
    );
    render(<App store={store} view={view} />);
    const ends = (messageRows()[0] as HTMLElement).querySelector('[data-col="endpoints"]') as HTMLElement;
    expect(ends.textContent).toBe('top → iframe a.test/framerealm');
    expect(ends.textContent).not.toContain('toprealm1');
    fireEvent.click(screen.getByTestId('filter-events'));
    await tick();
    const started = rows().filter((r) => r.dataset.kind === 'event' && r.textContent?.startsWith('') && r.textContent.includes('realm started'));
    expect(started.map((r) => r.querySelector('.muted')?.textContent)).toEqual(['top', 'iframe a.test/framerealm']);
  });

  it('typing in the filter narrows the rows; an invalid regex says so; clear brings them back', async () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    const input = screen.getByTestId('filter-text') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'PONG' } });
    expect(view.getState().filter.text).toBe('PONG');
    expect(messageRows().map((r) => r.dataset.id)).toEqual(['toprealm1#7']);
    expect(screen.getByTestId('filter-count').textContent).toBe('1 of 3 messages');

    fireEvent.change(input, { target: { value: 'p[io]ng' } });
    fireEvent.click(screen.getByTestId('filter-regex'));
    expect(messageRows()).toHaveLength(2);
    fireEvent.change(input, { target: { value: 'p[io' } });
    expect(screen.getByTestId('filter-error').textContent).toMatch(/Invalid regex/);
    expect(rows()).toHaveLength(0);
    expect(screen.getByTestId('timeline-no-match')).toBeTruthy();

    fireEvent.click(screen.getByTestId('timeline-clear'));
    expect(view.getState().filter.text).toBe('');
    expect(input.value).toBe('');
    expect(messageRows()).toHaveLength(3);
    expect((screen.getByTestId('filter-clear') as HTMLButtonElement).disabled).toBe(true);
  });

  it('debounces typing over a large log', async () => {
    const { store, view } = setup();
    render(
      <div>
        <FilterBar store={store} view={view} immediateUpTo={0} />
        <Timeline store={store} view={view} />
      </div>,
    );
    fireEvent.change(screen.getByTestId('filter-text'), { target: { value: 'ping' } });
    expect((screen.getByTestId('filter-text') as HTMLInputElement).value).toBe('ping');
    expect(view.getState().filter.text).toBe('');
    await act(() => new Promise<void>((r) => setTimeout(r, 200)));
    expect(view.getState().filter.text).toBe('ping');
    expect(messageRows()).toHaveLength(1);
  });

  it('route, status, errors-only and show-events toggles', async () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    fireEvent.click(screen.getByTestId('filter-status-failed'));
    expect(screen.getByTestId('filter-status-failed').getAttribute('aria-pressed')).toBe('true');
    expect(messageRows().map((r) => r.dataset.status)).toEqual(['failed']);
    fireEvent.click(screen.getByTestId('filter-status-failed'));
    fireEvent.click(screen.getByTestId('filter-route-window'));
    expect(rows()).toHaveLength(0);
    expect(screen.getByTestId('timeline-no-match').textContent).toContain('No messages match the filters');
    fireEvent.click(screen.getByTestId('filter-route-window'));
    fireEvent.click(screen.getByTestId('filter-errors'));
    expect(messageRows().map((r) => r.dataset.status)).toEqual(['failed']);
    fireEvent.click(screen.getByTestId('filter-errors'));
    fireEvent.click(screen.getByTestId('filter-events'));
    const kinds = rows().map((r) => r.dataset.kind);
    expect(kinds.filter((k) => k === 'event')).toHaveLength(5); // realm, 2 channels, 2 port starts
    expect(rows()[0]?.textContent).toContain('realm started');
    expect(rows().find((r) => r.dataset.kind === 'event' && r.dataset.id === '1')?.textContent).toContain('channel created');
    // The realm select lists the model's realms.
    const select = screen.getByTestId('filter-realm') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'toprealm1']);
  });

  it('clicking a row selects it; the arrow keys, Home and End move the selection; Enter opens', async () => {
    const { store, view } = setup();
    let opened = 0;
    render(<App store={store} view={view} onOpen={() => opened++} />);
    fireEvent.click(messageRows()[1] as HTMLElement);
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#7' });
    expect(messageRows()[1]?.dataset.selected).toBe('true');
    const grid = screen.getByTestId('timeline');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#10' });
    expect(messageRows()[2]?.dataset.selected).toBe('true');
    expect(messageRows()[1]?.dataset.selected).toBeUndefined();
    fireEvent.keyDown(grid, { key: 'ArrowDown' }); // stays on the last
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#10' });
    fireEvent.keyDown(grid, { key: 'Home' });
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#5' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#5' });
    fireEvent.keyDown(grid, { key: 'End' });
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#10' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(opened).toBe(1);
    fireEvent.doubleClick(messageRows()[0] as HTMLElement);
    expect(opened).toBe(2);
    // Event rows select by arrival index.
    fireEvent.click(screen.getByTestId('filter-events'));
    fireEvent.click(rows()[0] as HTMLElement);
    expect(view.getState().selection).toEqual({ kind: 'event', index: 0 });
  });

  it('Ctrl/Cmd-click toggles rows into the selection, Shift-click and Shift+arrow extend it; a plain click selects one again', () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    const selected = () => messageRows().map((r) => r.getAttribute('aria-selected'));
    expect(screen.getByTestId('timeline').getAttribute('aria-multiselectable')).toBe('true');
    fireEvent.click(messageRows()[0] as HTMLElement);
    fireEvent.click(messageRows()[2] as HTMLElement, { ctrlKey: true });
    expect(view.getState().selectedMessages).toEqual(['toprealm1#5', 'toprealm1#10']);
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#10' });
    expect(selected()).toEqual(['true', 'false', 'true']);
    fireEvent.click(messageRows()[0] as HTMLElement, { metaKey: true });
    expect(view.getState().selectedMessages).toEqual(['toprealm1#10']);
    expect(selected()).toEqual(['false', 'false', 'true']);
    // Shift extends from the anchor (the row picked last without Shift) to the row clicked.
    fireEvent.click(messageRows()[0] as HTMLElement, { shiftKey: true });
    expect(view.getState().selectedMessages).toEqual(['toprealm1#5', 'toprealm1#7', 'toprealm1#10']);
    expect(selected()).toEqual(['true', 'true', 'true']);
    fireEvent.click(messageRows()[1] as HTMLElement);
    expect(view.getState().selectedMessages).toEqual(['toprealm1#7']);
    fireEvent.keyDown(screen.getByTestId('timeline'), { key: 'ArrowDown', shiftKey: true });
    expect(view.getState().selectedMessages).toEqual(['toprealm1#7', 'toprealm1#10']);
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#10' });
    expect(selected()).toEqual(['false', 'true', 'true']);
    fireEvent.keyDown(screen.getByTestId('timeline'), { key: 'ArrowUp' });
    expect(view.getState().selectedMessages).toEqual(['toprealm1#7']);
  });

  it('a graph focus narrows the rows and shows a chip whose × removes it', async () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    expect(screen.queryByTestId('filter-focus')).toBeNull();
    act(() => view.getState().focused({ kind: 'port', id: 'toprealm1:3' }));
    expect(screen.getByTestId('filter-focus').textContent).toContain('port p3');
    expect(messageRows().map((r) => r.dataset.id)).toEqual(['toprealm1#10']);
    expect(screen.getByTestId('filter-count').textContent).toBe('1 of 3 messages');
    act(() => view.getState().focused({ kind: 'channel', id: 'toprealm1:c1' }));
    expect(messageRows()).toHaveLength(2);
    fireEvent.click(screen.getByTestId('filter-focus-clear'));
    expect(view.getState().focus).toBeNull();
    expect(screen.queryByTestId('filter-focus')).toBeNull();
    expect(messageRows()).toHaveLength(3);
  });

  it('adds rows as batches arrive (at the next view tick)', async () => {
    const { store, view, page: p } = setup();
    render(<App store={store} view={view} />);
    expect(messageRows()).toHaveLength(3);
    act(() => store.getState().batchReceived(p.batch([p.send('toprealm1:1'), p.recv('toprealm1:2', 'again')])));
    await tick();
    expect(messageRows()).toHaveLength(4);
    expect(messageRows()[3]?.textContent).toContain('"again"');
    expect(screen.getByTestId('filter-count').textContent).toBe('4 messages');
    // With a filter on, new rows are filtered too.
    fireEvent.change(screen.getByTestId('filter-text'), { target: { value: 'again' } });
    act(() => store.getState().batchReceived(p.batch([p.send('toprealm1:1'), p.recv('toprealm1:2', 'again and again')])));
    await tick();
    expect(messageRows()).toHaveLength(2);
    act(() => store.getState().logCleared());
    await tick();
    expect(rows()).toHaveLength(0);
    expect(screen.getByTestId('empty')).toBeTruthy();
  });

  it('stops following new rows while a row is selected for reading, and offers to jump back', async () => {
    const { store, view, page: p } = setup();
    render(<App store={store} view={view} />);
    fireEvent.click(messageRows()[0] as HTMLElement);
    act(() => store.getState().batchReceived(p.batch([p.send('toprealm1:1'), p.recv('toprealm1:2', 'one'), p.send('toprealm1:1'), p.recv('toprealm1:2', 'two')])));
    await tick();
    expect(screen.getByTestId('timeline-new').textContent).toBe('↓ 2 new');
    fireEvent.click(screen.getByTestId('timeline-new'));
    expect(screen.queryByTestId('timeline-new')).toBeNull();
  });

  it('virtualizes: only the rows in view (plus overscan) are in the DOM', async () => {
    const { store, view } = bigLog();
    render(<App store={store} view={view} />);
    expect(screen.getByTestId('filter-count').textContent).toBe('2,000 messages');
    const n = rows().length;
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(100);
    expect(screen.getByTestId('timeline').getAttribute('aria-rowcount')).toBe('2001');
  });

  it('draws rows as one line of text while a scroll flies past them, and in full once it rests', async () => {
    const { store, view } = bigLog();
    await withTallGrid(async () => {
      render(<App store={store} view={view} />);
      const grid = screen.getByTestId('timeline');
      await act(async () => {
        grid.scrollTop = 0;
        fireEvent.scroll(grid);
      });
      expect(messageRows().every((r) => r.classList.contains('tl-message'))).toBe(true);
      // The rest that ends flying is a timer: on a loaded machine a real one could fire before the
      // rows are looked at, so this test holds the clock (timeouts only: React's own work is untouched).
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        // A jump of half the list in one event: more than a screen.
        await act(async () => {
          grid.scrollTop = 20_000;
          fireEvent.scroll(grid);
        });
        const flying = messageRows();
        expect(flying.length).toBeGreaterThan(0);
        expect(flying.every((r) => r.classList.contains('tl-flying') && r.children.length === 0)).toBe(true);
        expect(flying[0]!.textContent).toMatch(/delivered\s+port/);
        await act(async () => {
          vi.advanceTimersByTime(200);
        });
      } finally {
        vi.useRealTimers();
      }
      const rested = messageRows();
      expect(rested.length).toBeGreaterThan(0);
      expect(rested.every((r) => r.classList.contains('tl-message'))).toBe(true);
    });
  });

  it('a selection moved a row at a time is found next to the last one, by message id: no search of every row', async () => {
    const { store, view } = bigLog();
    await withTallGrid(async () => {
      render(<App store={store} view={view} />);
      const grid = screen.getByTestId('timeline');
      const find = vi.spyOn(RowFinder.prototype, 'find');
      try {
        fireEvent.keyDown(grid, { key: 'End' });
        const last = store.getState().model().messages.at(-1)!;
        expect(view.getState().selection).toEqual({ kind: 'message', id: last.id });
        const finder = find.mock.contexts.at(-1) as RowFinder;
        const before = finder.looked;
        fireEvent.keyDown(grid, { key: 'ArrowUp' });
        fireEvent.keyDown(grid, { key: 'ArrowUp' });
        const third = store.getState().model().messages.at(-3)!;
        expect(view.getState().selection).toEqual({ kind: 'message', id: third.id });
        expect(find.mock.calls.at(-1)![1]).toBe(third.id);
        // Two moves of one row: a few rows read, not the 2,000 between the last answer and the start.
        expect(find.mock.contexts.at(-1)).toBe(finder);
        expect(finder.looked - before).toBeLessThan(16);
      } finally {
        find.mockRestore();
      }
    });
  });

  it("a playback seek far away draws the moment's rows in full at once, and its scroll is not a fly-by", async () => {
    const { store, view } = bigLog();
    await withTallGrid(async () => {
      render(<App store={store} view={view} />);
      const grid = screen.getByTestId('timeline');
      await act(async () => {
        grid.scrollTop = 0;
        fireEvent.scroll(grid);
      });
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const find = vi.spyOn(RowFinder.prototype, 'find');
        try {
          // To the 1,500th message: far below the rows in view.
          await act(async () => {
            seekMessage(view, store.getState().model(), () => 1_499);
          });
          // The marked row was looked for by its time (the rows are in time order): the finder read a
          // few rows, over every search it made.
          const [, id, t] = find.mock.calls.at(-1)!;
          const message = store.getState().model().messages.find((m) => m.id === id)!;
          expect(t).toBe(timeOfMessage(message));
          expect((find.mock.contexts.at(-1) as RowFinder).looked).toBeLessThan(3 * 64);
        } finally {
          find.mockRestore();
        }
        const marked = () => rows().filter((r) => r.getAttribute('aria-current') === 'true');
        // Drawn by the render that marks the moment: the row, in full (cells, not a line of text).
        expect(marked()).toHaveLength(1);
        expect(marked()[0]!.classList.contains('tl-message')).toBe(true);
        expect(marked()[0]!.textContent).toContain('m1499');
        // The timeline was scrolled there in the same commit; its scroll event draws no flying rows.
        expect(grid.scrollTop).toBeGreaterThan(20_000);
        await act(async () => {
          fireEvent.scroll(grid);
        });
        expect(messageRows().every((r) => r.classList.contains('tl-message'))).toBe(true);
        expect(marked()).toHaveLength(1);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  it('a small scroll hands the rows that left to the rows that came in: the same elements, new text', async () => {
    const { store, view } = bigLog();
    await withTallGrid(async () => {
      render(<App store={store} view={view} />);
      const grid = screen.getByTestId('timeline');
      await act(async () => {
        grid.scrollTop = 2_000;
        fireEvent.scroll(grid);
      });
      await act(() => new Promise<void>((r) => setTimeout(r, 200)));
      const before = messageRows();
      const ids = before.map((r) => r.dataset.id);
      // Three rows down, as a wheel moves it.
      await act(async () => {
        grid.scrollTop = 2_060;
        fireEvent.scroll(grid);
      });
      const after = messageRows();
      expect(after.map((r) => r.dataset.id)).not.toEqual(ids);
      expect(after.length).toBe(before.length);
      expect(new Set(after)).toEqual(new Set(before));
      // Each element shows its row's own text (the one at the top is further down the list now).
      for (const el of after) expect(el.textContent).toContain(`m${Number(el.getAttribute('aria-rowindex')) - 2}`);
    });
  });

  it('following a flood: the rows are drawn by the same elements in the same DOM order (none moved)', async () => {
    const { store, view, page: p } = bigLog();
    await withTallGrid(async () => {
      render(<App store={store} view={view} />);
      await tick();
      const before = messageRows();
      const idsBefore = before.map((r) => r.dataset.id);
      expect(before.length).toBeGreaterThan(10);
      // New messages for most of the rows drawn, not all: the rows still drawn move up.
      const k = Math.ceil(before.length * 0.7);
      const events: EntangleEvent[] = [];
      for (let i = 0; i < k; i++) events.push(p.send('big:1'), p.recv('big:2', `n${i}`));
      act(() => store.getState().batchReceived(p.batch(events)));
      await tick();
      const after = messageRows();
      expect(after.map((r) => r.dataset.id).filter((id) => idsBefore.includes(id))).toEqual(idsBefore.slice(k).slice(0, after.length - k));
      expect(after.at(-1)?.textContent).toContain(`n${k - 1}`);
      // The same elements, in the same order: handed down in place, not moved from top to bottom.
      expect(after.length).toBeGreaterThan(10);
      after.forEach((el, i) => expect(el).toBe(before[i]));
      for (let i = 1; i < after.length; i++) expect(Number(after[i]!.getAttribute('aria-rowindex'))).toBe(Number(after[i - 1]!.getAttribute('aria-rowindex')) + 1);
    });
  });

  it('resizes a column by dragging its handle and keeps the widths in localStorage', () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    const grid = screen.getByTestId('timeline');
    const before = grid.style.getPropertyValue('--tl-cols');
    expect(before.startsWith('76px ')).toBe(true);
    const handle = within(screen.getByTestId('timeline-header')).getAllByRole('separator')[0] as HTMLElement;
    fireEvent.pointerDown(handle, { button: 0, clientX: 100, pointerId: 1 });
    fireEvent.pointerMove(handle, { clientX: 150, pointerId: 1 });
    fireEvent.pointerUp(handle, { clientX: 150, pointerId: 1 });
    expect(grid.style.getPropertyValue('--tl-cols').startsWith('126px ')).toBe(true);
    expect(JSON.parse(localStorage.getItem(COLUMNS_STORAGE_KEY) ?? '{}')).toMatchObject({ time: 126 });
    fireEvent.pointerDown(handle, { button: 0, clientX: 100, pointerId: 1 });
    fireEvent.pointerMove(handle, { clientX: -500, pointerId: 1 });
    fireEvent.pointerUp(handle, { pointerId: 1 });
    expect(grid.style.getPropertyValue('--tl-cols').startsWith('40px ')).toBe(true); // the minimum
    cleanup();
    render(<App store={store} view={view} />);
    expect(screen.getByTestId('timeline').style.getPropertyValue('--tl-cols').startsWith('40px ')).toBe(true);
  });
  it('sorts by a column when its header is clicked: ascending, descending, then arrival order; kept across a reload', async () => {
    localStorage.removeItem(LAYOUT_STORAGE_KEY);
    const store = createLogStore();
    const view = createViewStore();
    const p = new Page('sizes');
    const previews = ['mid-size', 'x', 'the longest of them all', 'tiny'];
    const events: EntangleEvent[] = [p.started(), p.channel(1), p.portStarted('sizes:2')];
    for (const text of previews) events.push(p.send('sizes:1'), p.recv('sizes:2', text));
    store.getState().batchReceived(p.batch(events));
    try {
      render(<App store={store} view={view} />);
      const header = (name: string) => screen.getByRole('columnheader', { name });
      const order = () => messageRows().map((r) => (r.querySelector('[data-col="message"]') as HTMLElement).textContent);
      const arrival = previews.map((t) => `"${t}"`);
      expect(order()).toEqual(arrival);
      expect(header('Size').getAttribute('aria-sort')).toBeNull();

      fireEvent.click(within(header('Size')).getByRole('button'));
      expect(header('Size').getAttribute('aria-sort')).toBe('ascending');
      expect(order()).toEqual(['"x"', '"tiny"', '"mid-size"', '"the longest of them all"']);
      // Positions follow the order: the first row drawn is row 2 of the grid.
      expect(messageRows()[0]?.getAttribute('aria-rowindex')).toBe('2');

      fireEvent.click(within(header('Size')).getByRole('button'));
      expect(header('Size').getAttribute('aria-sort')).toBe('descending');
      expect(order()).toEqual(['"the longest of them all"', '"mid-size"', '"tiny"', '"x"']);
      expect(JSON.parse(localStorage.getItem(LAYOUT_STORAGE_KEY) ?? '{}')).toMatchObject({ sort: { column: 'size', direction: 'descending' } });

      // Kept when the panel opens again; live rows land in their place.
      cleanup();
      render(<App store={store} view={view} />);
      expect(header('Size').getAttribute('aria-sort')).toBe('descending');
      act(() => store.getState().batchReceived(p.batch([p.send('sizes:1'), p.recv('sizes:2', 'seven!')])));
      await tick();
      expect(order()).toEqual(['"the longest of them all"', '"mid-size"', '"seven!"', '"tiny"', '"x"']);

      fireEvent.click(within(header('Size')).getByRole('button'));
      expect(header('Size').getAttribute('aria-sort')).toBeNull();
      expect(order()).toEqual([...arrival, '"seven!"']);
    } finally {
      localStorage.removeItem(LAYOUT_STORAGE_KEY);
    }
  });

  it('right-clicking the header opens a column chooser: a checkbox per column; the choice is kept', () => {
    localStorage.removeItem(LAYOUT_STORAGE_KEY);
    const { store, view } = setup();
    try {
      render(<App store={store} view={view} />);
      fireEvent.contextMenu(screen.getByRole('columnheader', { name: 'Route' }));
      const menu = screen.getByRole('menu', { name: 'Columns' });
      const items = within(menu).getAllByRole('menuitemcheckbox');
      expect(items.map((i) => i.textContent?.replace('✓', ''))).toEqual([
        'Time (ms)',
        'Status',
        'From → To',
        'Message',
        'Route',
        'Size',
        'Latency',
        'Sender origin',
        'Receiver origin',
        'Sender relation',
        'Port',
        'Channel',
        'Transfer',
        'Type',
      ]);
      expect(within(menu).getByRole('menuitemcheckbox', { name: 'Route' }).getAttribute('aria-checked')).toBe('true');
      expect(within(menu).getByRole('menuitemcheckbox', { name: 'Sender origin' }).getAttribute('aria-checked')).toBe('false');
      // The Message column cannot be hidden.
      expect(within(menu).getByRole('menuitemcheckbox', { name: 'Message' }).getAttribute('aria-disabled')).toBe('true');

      fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'Sender origin' }));
      expect(screen.queryByRole('menu')).toBeNull();
      expect(screen.getByRole('columnheader', { name: 'Sender origin' })).toBeTruthy();
      expect((messageRows()[0]?.querySelector('[data-col="fromOrigin"]') as HTMLElement).textContent).toBe('https://a.test');

      fireEvent.contextMenu(screen.getByRole('columnheader', { name: 'Route' }));
      fireEvent.click(screen.getByRole('menuitemcheckbox', { name: 'Route' }));
      expect(screen.queryByRole('columnheader', { name: 'Route' })).toBeNull();
      expect(messageRows()[0]?.querySelector('[data-col="route"]')).toBeNull();
      expect(screen.getByTestId('timeline').getAttribute('aria-colcount')).toBe('7');

      cleanup();
      render(<App store={store} view={view} />);
      const headers = within(screen.getByTestId('timeline-header')).getAllByRole('columnheader');
      expect(headers.map((h) => h.getAttribute('aria-label'))).toEqual(['Time (ms)', 'Status', 'From → To', 'Message', 'Size', 'Latency', 'Sender origin']);

      // Escape closes the menu without a change.
      fireEvent.contextMenu(screen.getByTestId('timeline-header'));
      fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
      expect(screen.queryByRole('menu')).toBeNull();
    } finally {
      localStorage.removeItem(LAYOUT_STORAGE_KEY);
    }
  });

  it('right-clicking a cell offers to filter by its value or hide messages like it (terms in the filter text)', () => {
    localStorage.removeItem(LAYOUT_STORAGE_KEY);
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    const first = messageRows()[0] as HTMLElement;
    fireEvent.contextMenu(first.querySelector('[data-col="route"]') as HTMLElement);
    // The row right-clicked is selected, as in the Network panel.
    expect(view.getState().selection).toEqual({ kind: 'message', id: 'toprealm1#5' });
    fireEvent.click(screen.getByRole('menuitem', { name: 'Filter by this value' }));
    expect(view.getState().filter.text).toBe('route:port');
    expect((screen.getByTestId('filter-text') as HTMLInputElement).value).toBe('route:port');

    // The receiving end of From → To: its realm by name.
    fireEvent.contextMenu(messageRows()[0]?.querySelector('[data-end="to"]') as HTMLElement);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Filter by this value' }));
    expect(view.getState().filter.text).toBe('route:port to:"top"');

    fireEvent.contextMenu(messageRows()[0]?.querySelector('[data-col="status"]') as HTMLElement);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Hide messages like this' }));
    expect(view.getState().filter.text).toBe('route:port to:"top" -status:delivered');

    // A cell with nothing to filter by (the time): the items are there, disabled.
    act(() => view.getState().filterChanged({ text: '' }));
    fireEvent.contextMenu(messageRows()[0]?.querySelector('[data-col="time"]') as HTMLElement);
    expect(screen.getByRole('menuitem', { name: 'Filter by this value' }).getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByRole('menuitem', { name: 'Filter by this value' }));
    expect(view.getState().filter.text).toBe('');
  });

  it("a cell's menu inspects the message's realms by name (a realm is selected by its name anywhere)", () => {
    const { store, view } = setup();
    render(<App store={store} view={view} />);
    fireEvent.contextMenu(messageRows()[0]?.querySelector('[data-col="route"]') as HTMLElement);
    // A message from top to top: one realm to inspect.
    expect(screen.queryByRole('menuitem', { name: /Inspect the receiver/ })).toBeNull();
    fireEvent.click(screen.getByRole('menuitem', { name: 'Inspect the sender: top' }));
    expect(view.getState().focus).toEqual({ kind: 'realm', id: 'toprealm1' });
    expect(view.getState().selection).toBeNull();
  });
});

describe('offsetToShow (the row at the playback moment kept in view)', () => {
  // A view of 10 rows under the header.
  const viewport = HEADER_HEIGHT + 10 * ROW_HEIGHT;
  it('leaves a row in view where it is', () => {
    expect(offsetToShow(0, 0, viewport)).toBeNull();
    expect(offsetToShow(9, 0, viewport)).toBeNull();
    expect(offsetToShow(14, 5 * ROW_HEIGHT, viewport)).toBeNull();
  });
  it('brings a row below the view to its bottom, and one above (or under the header) to its top', () => {
    expect(offsetToShow(10, 0, viewport)).toBe(ROW_HEIGHT);
    expect(offsetToShow(1000, 0, viewport)).toBe(991 * ROW_HEIGHT);
    expect(offsetToShow(4, 5 * ROW_HEIGHT, viewport)).toBe(4 * ROW_HEIGHT);
    expect(offsetToShow(0, 3, viewport)).toBe(0);
  });
});
