// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageModel } from '../model/correlator';
import type { ReplayRequested } from '../model/replay';
import { indexOf } from './modelIndex';
import { setReplayTransport } from './replay';
import { replayModel, sentMessage } from './replay.fixture';
import { ReplaySelection } from './ReplaySelection';
import { createViewStore } from './viewState';

const message = sentMessage;

function setup(messages: MessageModel[], selected: string[]) {
  const model = replayModel(messages);
  const view = createViewStore();
  const [first, ...rest] = selected;
  view.getState().selected({ kind: 'message', id: first! });
  for (const id of rest) view.getState().selectionToggled(id);
  const m = messages.find((x) => x.id === view.getState().selectionAnchor)!;
  render(<ReplaySelection view={view} model={model} ix={indexOf(model)} live byIndex={() => undefined} m={m} />);
  return view;
}
const progress = () => screen.getByRole('status', { name: 'Replay progress' }).textContent;
const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 0)));

afterEach(() => {
  cleanup();
  setReplayTransport(null);
});

describe('ReplaySelection', () => {
  it('sends the selection in recorded order and says how far it got', async () => {
    const asked: string[] = [];
    setReplayTransport(async (r) => {
      asked.push((r as ReplayRequested).original);
      return { outcome: 'sent' };
    });
    setup([message(3, 100), message(5, 110), message(9, 150)], ['top#9', 'top#3', 'top#5']);
    expect(screen.getByRole('heading').textContent).toBe('3 messages selected');
    fireEvent.change(screen.getByRole('combobox', { name: 'Replay pace' }), { target: { value: 'b2b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Replay selection' }));
    expect(progress()).toBe('Sending 1 of 3…');
    await settle();
    expect(asked).toEqual(['top#3', 'top#5', 'top#9']);
    expect(progress()).toBe('Sent 3 of 3.');
  });

  it('stops at the first send that throws, saying which and why', async () => {
    setReplayTransport(async (r) => ((r as ReplayRequested).original === 'top#5' ? { outcome: 'threw', reason: 'InvalidStateError: closed' } : { outcome: 'sent' }));
    setup([message(3, 100), message(5, 110), message(9, 150)], ['top#3', 'top#5', 'top#9']);
    fireEvent.change(screen.getByRole('combobox', { name: 'Replay pace' }), { target: { value: 'b2b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Replay selection' }));
    await settle();
    expect(progress()).toBe('Stopped at 2 of 3 (top#5): the send threw: InvalidStateError: closed.');
  });

  it('can be stopped while it waits for the recorded spacing', async () => {
    const asked: string[] = [];
    setReplayTransport(async (r) => {
      asked.push((r as ReplayRequested).original);
      return { outcome: 'sent' };
    });
    setup([message(3, 0), message(5, 600_000), message(9, 900_000)], ['top#3', 'top#5', 'top#9']);
    fireEvent.click(screen.getByRole('button', { name: 'Replay selection' }));
    await settle();
    expect(asked).toEqual(['top#3']);
    fireEvent.click(screen.getByRole('button', { name: 'Stop replay' }));
    await settle();
    expect(progress()).toBe('Stopped: 1 of 3 sent.');
    expect(asked).toEqual(['top#3']);
  });

  it('refuses before sending anything when one of them cannot be replayed, saying which and why', () => {
    let asked = 0;
    setReplayTransport(async () => {
      asked++;
      return { outcome: 'sent' };
    });
    setup([message(3, 100), message(5, 110, { transfers: [{ kind: 'MessagePort', port: 'top:4' }] })], ['top#3', 'top#5']);
    const button = screen.getByRole('button', { name: 'Replay selection' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('Cannot replay top#5: it transferred ports, which cannot be made again');
    fireEvent.click(button);
    expect(asked).toBe(0);
  });

  it('Copy as script writes the selection, in recorded order, to the clipboard and says so', async () => {
    const written: string[] = [];
    const had = Object.getOwnPropertyDescriptor(navigator, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    try {
      setup([message(3, 100), message(5, 110), message(9, 150)], ['top#9', 'top#3']);
      fireEvent.click(screen.getByRole('button', { name: 'Copy as script' }));
      await settle();
      expect(written).toHaveLength(1);
      const script = written[0]!;
      // The two selected, in their recorded order; the one not selected is not in it.
      expect(script.indexOf('top#3')).toBeGreaterThan(-1);
      expect(script.indexOf('top#3')).toBeLessThan(script.indexOf('top#9'));
      expect(script).not.toContain('top#5');
      expect(screen.getByRole('status', { name: 'Copy' }).textContent).toBe('Script copied.');
    } finally {
      if (had) Object.defineProperty(navigator, 'clipboard', had);
      else delete (navigator as { clipboard?: unknown }).clipboard;
    }
  });

  it('a single message offers only Copy as script', () => {
    setup([message(3, 100)], ['top#3']);
    expect(screen.queryByRole('button', { name: 'Replay selection' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Copy as script' })).toBeTruthy();
  });
});
