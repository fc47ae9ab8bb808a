import { describe, expect, it, vi } from 'vitest';
import { FRAME, TOP, playbackLog } from './playback.fixture';
import {
  IDLE_MS,
  advance,
  messageAtPosition,
  modelAtPosition,
  nextError,
  play,
  playbackOf,
  positionOf,
  previousError,
  seekEnd,
  seekFraction,
  seekRow,
  seekStart,
  stepBack,
  stepForward,
} from './playbackView';
import { createViewStore } from './viewState';
import { timeOfMessage } from '../model/playback';
import type { CaptureModel, MessageModel } from '../model/correlator';

const ids = (m: { messages: readonly { id: string }[] }) => m.messages.map((x) => x.id);

describe('the view store’s playback state', () => {
  it('is live until moved, keeps playing and the speed across moves, and goes back to live', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    expect(view.getState().playback).toBeNull();
    expect(view.getState().playbackSpeed).toBe(1);

    view.getState().playbackMoved({ of: model, t: 5040, index: 0 });
    expect(view.getState().playback).toEqual({ of: model, t: 5040, index: 0, playing: false });
    view.getState().playbackStarted();
    expect(view.getState().playback?.playing).toBe(true);
    view.getState().playbackMoved({ of: model, t: 5060, index: 1 });
    expect(view.getState().playback).toMatchObject({ t: 5060, index: 1, playing: true });
    view.getState().playbackPaused();
    expect(view.getState().playback?.playing).toBe(false);

    view.getState().playbackSpeedChanged(16);
    view.getState().playbackLeft();
    expect(view.getState().playback).toBeNull();
    // The speed chosen outlives the playback.
    expect(view.getState().playbackSpeed).toBe(16);
  });

  it('at the step speed never plays on its own: choosing it pauses, and Play is refused', () => {
    const { store } = playbackLog();
    const view = createViewStore();
    view.getState().playbackMoved({ of: store.getState().model(), t: 5040, index: 0 });
    view.getState().playbackStarted();
    view.getState().playbackSpeedChanged('step');
    expect(view.getState().playback?.playing).toBe(false);
    view.getState().playbackStarted();
    expect(view.getState().playback?.playing).toBe(false);
  });

  it('does not announce a move to where it already is', () => {
    const { store } = playbackLog();
    const view = createViewStore();
    const model = store.getState().model();
    view.getState().playbackMoved({ of: model, t: 5040, index: 0 });
    const before = view.getState().playback;
    view.getState().playbackMoved({ of: model, t: 5040, index: 0 });
    expect(view.getState().playback).toBe(before);
  });
});

describe('moving in time', () => {
  it('steps back from live to the message before the last, then forward, and stops at either end', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    expect(stepBack(view, model)).toBe(true);
    expect(view.getState().playback).toMatchObject({ index: 3, t: 6040 });
    expect(stepForward(view, model)).toBe(true);
    expect(view.getState().playback).toMatchObject({ index: 4, t: 6060 });
    expect(stepForward(view, model)).toBe(false);
    seekStart(view, model);
    expect(view.getState().playback).toMatchObject({ index: -1, t: playbackOf(model).start });
    expect(stepBack(view, model)).toBe(false);
    seekEnd(view, model);
    expect(view.getState().playback).toMatchObject({ index: 4 });
  });

  it('the graph’s model at a moment lacks the realm that started later; at the start, every message', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    seekStart(view, model);
    const start = modelAtPosition(view.getState().playback!);
    expect(start.realms.map((r) => r.id)).toEqual([TOP]);
    expect(start.messages).toEqual([]);
    stepForward(view, model);
    stepForward(view, model);
    const second = modelAtPosition(view.getState().playback!);
    expect(second.realms.map((r) => r.id)).toEqual([TOP]);
    expect(ids(second)).toEqual([`${TOP}#4`, `${TOP}#6`]);
    stepForward(view, model);
    stepForward(view, model);
    expect(modelAtPosition(view.getState().playback!).realms.map((r) => r.id)).toEqual([TOP, FRAME]);
  });

  it('gives a message as it was at the position, as the moment\'s messages have it, without reading them', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    const p = playbackOf(model);
    let notYet = 0;
    let asThen = 0;
    for (let index = -1; index < p.messages.length; index++) {
      view.getState().playbackMoved({ of: model, t: index < 0 ? p.start : p.timeOf(index), index });
      const pos = view.getState().playback!;
      // Asked without the moment's messages being made (the graph's look-up on a playing tick): the
      // playback keeps the moment of the last position asked, so the spy sees every read of it.
      const read = vi.spyOn(modelAtPosition(pos), 'messages', 'get');
      const asked = model.messages.map((m) => messageAtPosition(pos, m.id, timeOfMessage(m)));
      const byTime = model.messages.map((m) => messageAtPosition(pos, m.id));
      expect(read).not.toHaveBeenCalled();
      read.mockRestore();
      const shown = modelAtPosition(pos).messages;
      model.messages.forEach((m, k) => {
        expect(asked[k]).toEqual(shown.find((x) => x.id === m.id));
        expect(byTime[k]).toEqual(asked[k]);
        if (asked[k] === undefined) notYet++;
        else if (asked[k] !== m) asThen++;
      });
    }
    // Some were not sent yet, and some not settled yet, at some of the positions.
    expect(notYet).toBeGreaterThan(0);
    expect(asThen).toBeGreaterThan(0);
  });

  it('goes to the previous and next errors', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    expect(previousError(view, model)).toBe(true);
    expect(view.getState().playback?.index).toBe(1);
    expect(previousError(view, model)).toBe(false);
    expect(view.getState().playback?.index).toBe(1);
    seekStart(view, model);
    expect(nextError(view, model)).toBe(true);
    expect(view.getState().playback?.index).toBe(1);
    expect(nextError(view, model)).toBe(false);
  });

  it('a slider fraction is a time; a timeline row is its message', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    const p = playbackOf(model);
    seekFraction(view, model, 0.5, true);
    expect(view.getState().playback).toMatchObject({ t: (p.start + p.end) / 2, index: 2 });
    seekRow(view, model, { t: 6040, messageId: `${FRAME}#4` });
    expect(view.getState().playback).toMatchObject({ t: 6040, index: 3 });
    seekRow(view, model, { t: 5065 });
    expect(view.getState().playback).toMatchObject({ t: 5065, index: 1 });
  });
});

describe('a live log that goes on during playback', () => {
  it('keeps the view at its moment, then carries the position over to the newest model on the next move', () => {
    const { store, frame } = playbackLog();
    const first = store.getState().model();
    const view = createViewStore();
    seekStart(view, first);
    stepForward(view, first);
    store.getState().batchReceived(frame.batch([frame.send(`${FRAME}:1`), frame.recv(`${FRAME}:2`, 'f')]));
    const newer = store.getState().model();
    expect(newer).not.toBe(first);
    // Nothing moved: still the first model, at message 1 of 5.
    expect(view.getState().playback).toMatchObject({ of: first, index: 0 });
    stepForward(view, newer);
    expect(view.getState().playback).toMatchObject({ of: newer, index: 1 });
    seekEnd(view, newer);
    expect(view.getState().playback?.index).toBe(5);
  });
});

describe('playing', () => {
  it('plays from the start when live, moves with the wall clock × speed, and pauses at the end', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    const p = playbackOf(model);
    play(view, model);
    expect(view.getState().playback).toMatchObject({ index: -1, t: p.start, playing: true });
    advance(view, 35);
    expect(view.getState().playback).toMatchObject({ index: 0, t: p.start + 35, playing: true });
    view.getState().playbackSpeedChanged(16);
    for (let i = 0; i < 20 && view.getState().playback?.playing; i++) advance(view, 100);
    expect(view.getState().playback).toMatchObject({ index: 4, t: p.end, playing: false });
    // Play at the end starts again from the start.
    play(view, model);
    expect(view.getState().playback).toMatchObject({ index: -1, playing: true });
  });

  it('cuts a long pause of the recording to IDLE_MS of wall time', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    view.getState().playbackSpeedChanged(0.25);
    view.getState().playbackMoved({ of: model, t: 5070, index: 2 });
    view.getState().playbackStarted();
    // 970 ms to the next message; at ¼× that is 3.9 s of wall time, cut to one second.
    advance(view, IDLE_MS);
    expect(view.getState().playback).toMatchObject({ index: 3, t: 6040 });
  });

  it('at the step speed, Play moves one message', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const view = createViewStore();
    view.getState().playbackSpeedChanged('step');
    seekStart(view, model);
    play(view, model);
    expect(view.getState().playback).toMatchObject({ index: 0, playing: false });
  });
});

describe('positionOf: a message in the playback’s time order', () => {
  const msg = (id: string, sentAt: number): MessageModel => ({ id, route: 'port', status: 'delivered', ambiguous: false, transfers: [], sentAt });

  it('finds each message by its time, among others of the same millisecond, and by id alone', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    // Three messages at one millisecond after the log's own: ties are in model order.
    const tied: CaptureModel = { ...model, messages: [...model.messages, msg('tie-a', 9000), msg('tie-b', 9000), msg('tie-c', 9000)] };
    const p = playbackOf(tied);
    p.messages.forEach((m, i) => {
      expect(positionOf(p, m.id, timeOfMessage(m))).toBe(i);
      expect(positionOf(p, m.id)).toBe(i);
    });
    expect(['tie-a', 'tie-b', 'tie-c'].map((id) => positionOf(p, id, 9000))).toEqual([p.messages.length - 3, p.messages.length - 2, p.messages.length - 1]);
  });

  it('finds a message in a crowded millisecond (more than it looks through by time) by its id', () => {
    const { store } = playbackLog();
    const model = store.getState().model();
    const crowd = Array.from({ length: 200 }, (_, i) => msg(`c${i}`, 9000));
    const p = playbackOf({ ...model, messages: [...model.messages, ...crowd] });
    const base = p.messages.length - 200;
    expect(positionOf(p, 'c0', 9000)).toBe(base);
    expect(positionOf(p, 'c199', 9000)).toBe(base + 199);
  });

  it('a time after the playback’s last message is a message newer than it', () => {
    const { store } = playbackLog();
    const p = playbackOf(store.getState().model());
    const last = p.messages.at(-1)!;
    expect(positionOf(p, last.id, timeOfMessage(last) + 1)).toBeUndefined();
  });

  it('a time the playback’s model does not have for it falls back to the id', () => {
    const { store } = playbackLog();
    const p = playbackOf(store.getState().model());
    const first = p.messages[0]!;
    expect(positionOf(p, first.id, timeOfMessage(first) + 0.5)).toBe(0);
    expect(positionOf(p, 'not-in-it', timeOfMessage(first))).toBeUndefined();
  });
});
