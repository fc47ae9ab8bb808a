// @vitest-environment happy-dom
/**
 * The views show what the model says: unknown senders, broadcasts with n receipts,
 * where a clone failed, popups and service workers. Built on hand-made CaptureModels put behind a
 * log store (the correlator is not run: what is tested is how the panel shows a given model).
 */
import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CaptureModel, DeliveryModel, MessageModel, RealmModel } from '../model/correlator';
import type { Preview } from '../model/protocol';
import { InspectorPane } from './Inspector';
import { createLogStore, type LogStore } from './store';
import { FilterBar } from './timeline/FilterBar';
import { Timeline } from './timeline/Timeline';
import { createViewStore, type ViewData, type ViewStore } from './viewState';
import { withLaidOutElements } from './happyDomLayout';

withLaidOutElements();

const T = 1_000_000;

const realm = (id: string, kind: RealmModel['kind'], extra: Partial<RealmModel> = {}): RealmModel => ({
  id,
  kind,
  url: `https://a.test/${id}`,
  origin: 'https://a.test',
  instrumented: kind !== 'serviceworker',
  events: 1,
  gaps: 0,
  missing: 0,
  faults: 0,
  ...extra,
});

const delivery = (toRealm: string, seq: number, extra: Partial<DeliveryModel> = {}): DeliveryModel => ({
  toRealm,
  bc: `${toRealm}:b1`,
  receivedAt: T + 10 + seq,
  latency: 1.25 * seq,
  receipt: { realm: toRealm, seq, index: 100 + seq },
  ...extra,
});

const msg = (m: Partial<MessageModel> & Pick<MessageModel, 'id'>): MessageModel => ({ route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...m });

const FAILED_PREVIEW: Preview = {
  $t: 'object',
  entries: [
    ['type', 'init'],
    ['handlers', { $t: 'array', items: ['a', 'b', { $t: 'uncloneable', kind: 'Function' }, { $t: 'truncated', reason: 'unreached' }], length: 4 }],
    ['state', { $t: 'opaque', kind: 'Proxy' }],
  ],
  more: 0,
};

/** Top T, iframes A and B, popup P (opened by T), service worker S; a broadcast from A to B and P, a
 *  window message from outside the session, and a send of A that failed on a function. */
function scene(): CaptureModel {
  const s1 = realm('T:s1', 'serviceworker', { parent: 'T', url: 'https://a.test/sw.js' });
  Object.assign(s1, { scope: 'https://a.test/', state: 'activated' });
  return {
    realms: [realm('T', 'top'), realm('A', 'iframe', { parent: 'T' }), realm('B', 'iframe', { parent: 'T' }), realm('P', 'popup', { parent: 'T', url: 'https://pay.test/checkout' }), s1],
    channels: [],
    ports: [],
    messages: [
      msg({ id: 'A#2', route: 'broadcast', fromRealm: 'A', channelName: 'sync', sentAt: T + 1, receivedAt: T + 11, preview: 'ping', deliveries: [delivery('B', 1), delivery('P', 2, { failed: true, ambiguous: true })] }),
      msg({ id: 'T#4', route: 'window', toRealm: 'T', receivedAt: T + 5, senderUnknown: 'sourceOutsideTab', preview: 'hi' }),
      msg({
        id: 'A#5',
        route: 'port',
        fromRealm: 'A',
        fromPort: 'A:1',
        sentAt: T + 6,
        status: 'failed',
        reason: 'sendThrew',
        error: { name: 'DataCloneError', message: "Failed to execute 'postMessage' on 'MessagePort': function () {} could not be cloned.", path: 'payload.handlers[2]', culprit: 'Function' },
        preview: FAILED_PREVIEW,
      }),
    ],
    gaps: [],
    totals: { sent: 3, delivered: 2, queued: 0, failed: 1, lost: 0, doomed: 0, droppedOrigin: 0, inFlight: 0, ambiguous: 0, gaps: 0, missing: 0, events: 0, duplicates: 0, faults: 0 },
  };
}

/** A log store that shows `model` (its log is empty: the views read the model). */
function storeShowing(model: CaptureModel): LogStore {
  const store = createLogStore();
  store.setState({ model: () => model, t0: T });
  return store;
}

function mountInspector(initial: Partial<ViewData>): ViewStore {
  const view = createViewStore(initial);
  render(<InspectorPane store={storeShowing(scene())} view={view} />);
  return view;
}

const messageRow = (id: string): HTMLElement => {
  const row = screen.getAllByRole('row').find((r) => r.dataset.id === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
};

describe('timeline', () => {
  function mountTimeline(): ViewStore {
    const view = createViewStore();
    const store = storeShowing(scene());
    render(
      <div>
        <FilterBar store={store} view={view} />
        <Timeline store={store} view={view} />
      </div>,
    );
    return view;
  }

  it('an unknown sender reads "unknown", styled as such, with why in its tooltip', () => {
    mountTimeline();
    const from = within(messageRow('T#4')).getByText('unknown');
    expect(from.className).toBe('tl-unknown');
    expect(from.getAttribute('title')).toBe('sender unknown: sent from a window outside the recording');
    // A named sender is not styled so.
    expect(within(messageRow('A#2')).getByText('iframe a.test/A').className).toBe('');
  });

  it('a broadcast is one row with "N receivers", listed by realm in the tooltip', () => {
    mountTimeline();
    expect(screen.getAllByRole('row').filter((r) => r.dataset.kind === 'message')).toHaveLength(3);
    const to = within(messageRow('A#2')).getByText('2 receivers › “sync”');
    expect(to.getAttribute('title')).toBe('2 receivers on “sync”:\n  iframe a.test/B (B https://a.test/B)\n  popup pay.test/checkout (P https://pay.test/checkout) (messageerror) (?)');
  });

  it('the realm picker lists popups and service workers, and picking a receiver keeps its broadcast', async () => {
    const view = mountTimeline();
    const picker = screen.getByRole('combobox', { name: 'Realm' });
    const options = within(picker)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['All realms', 'top', 'iframe a.test/A', 'iframe a.test/B', 'popup pay.test/checkout', 'service worker sw.js']);
    act(() => view.getState().filterChanged({ realm: 'P' }));
    expect(screen.getAllByRole('row').flatMap((r) => (r.dataset.kind === 'message' ? [r.dataset.id] : []))).toEqual(['A#2']);
    act(() => view.getState().filterChanged({ realm: 'T' }));
    expect(screen.getAllByRole('row').flatMap((r) => (r.dataset.kind === 'message' ? [r.dataset.id] : []))).toEqual(['T#4']);
  });
});

describe('inspector', () => {
  it('an unknown sender: says so and why, in plain words', () => {
    mountInspector({ selection: { kind: 'message', id: 'T#4' } });
    const fields = screen.getByTestId('inspector-fields');
    const from = within(fields).getByRole('rowheader', { name: 'from' }).nextElementSibling as HTMLElement;
    expect(from.textContent).toBe('unknown: sent from a window outside the recording');
    expect(within(from).queryByRole('button')).toBeNull(); // no realm to follow
    expect(screen.getByTestId('inspector-sender').textContent).toMatch(/^Sender unknown\. The message came from a window outside the recorded session/);
  });

  it('a broadcast: "2 receivers", and each delivery with its realm, latency and status', () => {
    const view = mountInspector({ selection: { kind: 'message', id: 'A#2' } });
    const fields = screen.getByTestId('inspector-fields');
    expect((within(fields).getByRole('rowheader', { name: 'to' }).nextElementSibling as HTMLElement).textContent).toBe('2 receivers (listed below)');
    const table = screen.getByRole('table', { name: 'Deliveries' });
    const lines = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(lines).toEqual([
      ['iframe a.test/B · B:b1', '+11.0 ms', '1.3 ms', 'delivered'],
      ['popup pay.test/checkout · P:b1', '+12.0 ms', '2.5 ms', 'messageerror: could not deserialize there · not certain'],
    ]);
    // The receiver links move the graph focus to that realm.
    act(() => within(table).getByRole('button', { name: 'popup pay.test/checkout' }).click());
    expect(view.getState().focus).toEqual({ kind: 'realm', id: 'P' });
  });

  it('a failed clone: where it failed, in words and marked in the payload tree', () => {
    mountInspector({ selection: { kind: 'message', id: 'A#5' } });
    expect(screen.getByTestId('inspector-explanation').textContent).toMatch(/^`payload\.handlers\[2\]` is a Function, which structured clone cannot copy\. /);
    const tree = screen.getByRole('tree');
    const marked = within(tree)
      .getAllByRole('treeitem')
      .filter((i) => i.classList.contains('tree-culprit'));
    expect(marked).toHaveLength(1);
    expect(marked[0]!.textContent).toBe('2: (uncloneable Function) ← a Function: structured clone cannot copy this, so the send failed here');
    expect(within(tree).getByText('not reached: the browser stopped at the value above')).toBeTruthy();
    expect(within(tree).getByText('not looked at: reading it could run page code (Proxy)')).toBeTruthy();
  });

  it('a popup and a service worker in focus: kind, opener, script, scope and state', () => {
    const view = mountInspector({ focus: { kind: 'realm', id: 'P' } });
    const field = (name: string): string | null => (screen.getByRole('rowheader', { name }).nextElementSibling as HTMLElement).textContent;
    expect(field('kind')).toBe('popup (a window opened by window.open, in another tab)');
    expect(field('opener')).toBe('top a.test/T');
    expect(field('messages')).toBe('0 sent, 1 received');
    act(() => view.getState().focused({ kind: 'realm', id: 'T:s1' }));
    expect(field('kind')).toBe('service worker (not instrumented: known from the page side)');
    expect(field('script')).toBe('https://a.test/sw.js');
    expect(field('scope')).toBe('https://a.test/');
    expect(field('state')).toBe('activated');
  });
});
