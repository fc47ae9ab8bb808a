// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { REPLAY_COMMAND, REPLAY_RESULT, commandOf, type ReplayOrder } from '../model/replay';
import { carryOutReplayOrder, fromBackground, isReplayOrder, type RelayState } from './replayOrders';

const order = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'replay',
  realm: 'r1',
  original: 'r1#4',
  route: 'port',
  payload: { $t: 'map', entries: [['k', 1]] },
  ...over,
});

/**
 * A stand-in for the recorder's detached node (inject/documentOutlet.ts): it keeps each command it
 * hears and answers `answer` on the same node before the dispatch returns (nothing when SILENT).
 */
const SILENT = Symbol('silent');
const SENT = JSON.stringify({ outcome: 'sent', replay: 'r1#9' });
function recorder(answer: unknown) {
  const node = document.createElement('entangle-recorder');
  const commands: unknown[] = [];
  node.addEventListener(REPLAY_COMMAND, (e) => {
    commands.push((e as CustomEvent<unknown>).detail);
    if (answer !== SILENT) node.dispatchEvent(new CustomEvent(REPLAY_RESULT, { detail: answer }));
  });
  const state = (over: Partial<RelayState> = {}): RelayState => ({ realm: 'r1', node, leaving: false, ...over });
  return { node, commands, state };
}

const refusedWith = (reason: string) => ({ outcome: 'refused', reason });

describe('isReplayOrder', () => {
  it('takes the two order kinds and nothing else', () => {
    expect(isReplayOrder(order())).toBe(true);
    expect(isReplayOrder({ kind: 'expectReplay' })).toBe(true);
    for (const other of [{ kind: 'frameSelf' }, { kind: 'replayRequested' }, {}, null, undefined, 'replay', ['replay']]) expect(isReplayOrder(other)).toBe(false);
  });
});

describe('fromBackground', () => {
  const ID = 'abcdefghijklmnopabcdefghijklmnop';
  const BG = `chrome-extension://${ID}/background.js`;
  it('takes the extension\'s background only: not a tab, not another of its pages', () => {
    expect(fromBackground({ id: ID, url: BG }, ID, BG)).toBe(true);
    // A content script of this extension, in a tab (and so a page that got hold of it): sender.tab is set.
    expect(fromBackground({ id: ID, url: BG, tab: { id: 3 } }, ID, BG)).toBe(false);
    // Another of the extension's pages (a panel must ask the background, which checks it is one).
    expect(fromBackground({ id: ID, url: `chrome-extension://${ID}/panel.html` }, ID, BG)).toBe(false);
    expect(fromBackground({ id: ID }, ID, BG)).toBe(false);
    // Another extension, or a sender the browser gave no id.
    expect(fromBackground({ id: 'z'.repeat(32), url: BG }, ID, BG)).toBe(false);
    expect(fromBackground({ url: BG }, ID, BG)).toBe(false);
  });
});

describe('carryOutReplayOrder: what the relay refuses, before the recorder hears anything', () => {
  it('refuses an order that did not come from the background', () => {
    const { commands, state } = recorder(SENT);
    expect(carryOutReplayOrder(order(), false, state())).toEqual(refusedWith("the relay takes replay orders from the extension's background only"));
    expect(commands).toEqual([]);
  });

  it("refuses an order for another document's realm, and any order before the relay knows its realm", () => {
    const { commands, state } = recorder(SENT);
    expect(carryOutReplayOrder(order(), true, state({ realm: 'r2' }))).toEqual(refusedWith('the relay refused it: for another document'));
    expect(carryOutReplayOrder(order(), true, state({ realm: null }))).toEqual(refusedWith('the relay refused it: for another document'));
    expect(commands).toEqual([]);
  });

  it('refuses a malformed order (validReplayOrder)', () => {
    const { commands, state } = recorder(SENT);
    expect(carryOutReplayOrder(order({ code: 'alert(1)' }), true, state())).toEqual(refusedWith('the relay refused it: unexpected field "code"'));
    expect(carryOutReplayOrder(order({ original: 'r1' }), true, state())).toEqual(refusedWith('the relay refused it: original must be a message id'));
    expect(carryOutReplayOrder(order({ payload: { $t: 'code', v: 'alert(1)' } }), true, state())).toEqual(refusedWith('the relay refused it: payload: an unknown tag'));
    expect(carryOutReplayOrder(order({ route: 'window' }), true, state())).toEqual(refusedWith('the relay refused it: a window target goes with route window only'));
    expect(carryOutReplayOrder('replay', true, state())).toEqual(refusedWith('the relay refused it: not a replay order'));
    expect(commands).toEqual([]);
  });

  it('refuses when no recorder is bound to this relay', () => {
    const { state } = recorder(SENT);
    expect(carryOutReplayOrder(order(), true, state({ node: null }))).toEqual(refusedWith('the recorder of this document is not bound'));
  });

  it('refuses while the document is leaving', () => {
    const { commands, state } = recorder(SENT);
    expect(carryOutReplayOrder(order(), true, state({ leaving: true }))).toEqual(refusedWith('the document is leaving'));
    expect(commands).toEqual([]);
  });
});

describe("carryOutReplayOrder: the recorder's answer", () => {
  it('refuses when the recorder does not answer, answers with no string, or answers too late', () => {
    const silent = recorder(SILENT);
    expect(carryOutReplayOrder(order(), true, silent.state())).toEqual(refusedWith('the recorder did not answer'));
    expect(silent.commands).toHaveLength(1);
    // An object (not the recorder's JSON text) is no answer.
    for (const notText of [{ outcome: 'sent' }, null, undefined, 1]) {
      const { state } = recorder(notText);
      expect(carryOutReplayOrder(order(), true, state())).toEqual(refusedWith('the recorder did not answer'));
    }
    // Only an answer before the dispatch returns counts.
    const late = recorder(SILENT);
    late.node.addEventListener(REPLAY_COMMAND, () => queueMicrotask(() => late.node.dispatchEvent(new CustomEvent(REPLAY_RESULT, { detail: '{"outcome":"sent"}' }))));
    expect(carryOutReplayOrder(order(), true, late.state())).toEqual(refusedWith('the recorder did not answer'));
  });

  it('refuses an answer that is not JSON, or not a valid result', () => {
    for (const answer of ['{"outcome":', 'sent', '', JSON.stringify({ outcome: 'done' }), JSON.stringify(['sent']), 'null']) {
      const { state } = recorder(answer);
      expect(carryOutReplayOrder(order(), true, state()), answer).toEqual(refusedWith('the recorder gave no valid answer'));
    }
  });

  it("hands the recorder exactly the order's command as JSON, and returns its answer (validated)", () => {
    const { commands, state } = recorder(JSON.stringify({ outcome: 'sent', replay: 'r1#9', extra: 'dropped' }));
    const replay = order();
    expect(carryOutReplayOrder(replay, true, state())).toEqual({ outcome: 'sent', replay: 'r1#9' });
    const window = order({ route: 'window', original: 'r2#3', window: { relation: 'child', childIndex: 1, targetOrigin: 'https://b.example' } });
    expect(carryOutReplayOrder(window, true, state())).toEqual({ outcome: 'sent', replay: 'r1#9' });
    const expect_ = { kind: 'expectReplay', realm: 'r1', original: 'r1#2', from: { relation: 'parent' } };
    expect(carryOutReplayOrder(expect_, true, state())).toEqual({ outcome: 'sent', replay: 'r1#9' });
    expect(commands).toEqual([replay, window, expect_].map((o) => JSON.stringify(commandOf(o as unknown as ReplayOrder))));
    // No kind, no realm: the recorder gets a command, not the order.
    expect(JSON.parse(commands[0] as string)).toEqual({ do: 'replay', original: 'r1#4', route: 'port', payload: { $t: 'map', entries: [['k', 1]] } });
  });

  it("passes on the recorder's refusal or what the send threw, its reason bounded", () => {
    const refused = recorder(JSON.stringify({ outcome: 'refused', reason: 'the sender no longer exists' }));
    expect(carryOutReplayOrder(order(), true, refused.state())).toEqual(refusedWith('the sender no longer exists'));
    const threw = recorder(JSON.stringify({ outcome: 'threw', reason: 'x'.repeat(1000) }));
    expect(carryOutReplayOrder(order(), true, threw.state())).toEqual({ outcome: 'threw', reason: 'x'.repeat(300) });
  });

  it('stops listening for answers once it returns: a later answer on the node reaches no listener of the relay', () => {
    const { node, state } = recorder(SENT);
    expect(carryOutReplayOrder(order(), true, state())).toMatchObject({ outcome: 'sent' });
    expect(carryOutReplayOrder(order(), true, state({ leaving: true }))).toMatchObject({ outcome: 'refused' });
    let heard = 0;
    const later = new CustomEvent(REPLAY_RESULT, { detail: '{"outcome":"sent"}' });
    Object.defineProperty(later, 'detail', {
      get: () => {
        heard++;
        return '{"outcome":"sent"}';
      },
    });
    node.dispatchEvent(later);
    expect(heard).toBe(0);
  });

  it('stops listening even when the dispatch throws', () => {
    const { node, state } = recorder(SENT);
    const added = vi.spyOn(node, 'addEventListener');
    const removed = vi.spyOn(node, 'removeEventListener');
    vi.spyOn(node, 'dispatchEvent').mockImplementationOnce(() => {
      throw new Error('gone');
    });
    expect(() => carryOutReplayOrder(order(), true, state())).toThrow('gone');
    expect(added).toHaveBeenCalledTimes(1);
    expect(removed).toHaveBeenCalledWith(REPLAY_RESULT, added.mock.calls[0]![1]);
  });
});
