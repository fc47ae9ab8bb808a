// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureModel, MessageModel, RealmModel } from '../model/correlator';
import type { ReplayRequested } from '../model/replay';
import { indexOf } from './modelIndex';
import { setReplayTransport } from './replay';
import { ReplayControls } from './ReplayControls';

const top: RealmModel = { id: 'top', kind: 'top', instrumented: true, tabId: 7, frameId: 0, origin: 'http://a.test', events: 1, gaps: 0, missing: 0, faults: 0 };
const frame: RealmModel = { ...top, id: 'frame', kind: 'iframe', frameId: 3, origin: 'http://b.test' };
const note: MessageModel = {
  id: 'frame#4',
  route: 'window',
  fromRealm: 'top',
  toRealm: 'frame',
  status: 'delivered',
  ambiguous: false,
  transfers: [],
  preview: { $t: 'map', entries: [['answer', 42]], size: 1 },
  receipt: { realm: 'frame', seq: 4, index: 3 },
};
const ix = (m: MessageModel) => indexOf({ realms: [top, frame], ports: [], channels: [], messages: [m], gaps: [], totals: {} as CaptureModel['totals'] });

afterEach(() => {
  cleanup();
  setReplayTransport(null);
});

describe('ReplayControls', () => {
  it('replays as recorded and says what the page answered', async () => {
    const asked: ReplayRequested[] = [];
    setReplayTransport(async (request) => {
      asked.push(request);
      return { outcome: 'sent' };
    });
    render(<ReplayControls m={note} ix={ix(note)} live />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Replay message' })));
    expect(asked).toEqual([{ kind: 'replayRequested', tabId: 7, frameId: 0, realm: 'top', original: 'frame#4', route: 'window', to: { realm: 'frame', frameId: 3, origin: 'http://b.test' }, payload: { $t: 'map', entries: [['answer', 42]] } }]);
    expect(screen.getByRole('status').textContent).toBe('Sent again.');
  });

  it('disables Replay message with the reason as its title, and shows a refusal', async () => {
    const cut: MessageModel = { ...note, preview: { $t: 'array', items: [1], length: 5 } };
    render(<ReplayControls m={cut} ix={ix(cut)} live />);
    const replay = screen.getByRole('button', { name: 'Replay message' }) as HTMLButtonElement;
    expect(replay.disabled).toBe(true);
    expect(replay.title).toMatch(/^the payload was not captured whole: /);
    // Edit and replay stays open: the user can complete the payload.
    setReplayTransport(async () => ({ outcome: 'refused', reason: 'the document is leaving' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit and replay' }));
    const box = screen.getByRole('textbox', { name: 'Payload to send' }) as HTMLTextAreaElement;
    expect(box.value).toMatch(/<…4 more items>/);
    fireEvent.click(screen.getByRole('button', { name: 'Send edited payload' }));
    expect(screen.getByRole('alert').textContent).toMatch(/^line 1, column \d+: /);
    fireEvent.change(box, { target: { value: '[1, 2, 3]' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Send edited payload' })));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Not sent: the document is leaving.');
  });

  it('offers nothing for a capture opened from a file', () => {
    render(<ReplayControls m={note} ix={ix(note)} live={false} />);
    for (const name of ['Replay message', 'Edit and replay']) {
      const b = screen.getByRole('button', { name }) as HTMLButtonElement;
      expect(b.disabled).toBe(true);
      expect(b.title).toMatch(/capture opened from a file/);
    }
  });
});
