// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { HANDSHAKE } from '../model/bridge';
import { REPLAY_COMMAND, REPLAY_RESULT } from '../model/replay';
import { documentOutlet } from './documentOutlet';
import { Emitter } from './emit';

/** A recorder on this document, its detached node (caught from its handshake, as the relay gets it),
 *  and the commands its instrumentation is handed. */
function recorder() {
  const announced: unknown[] = [];
  const catchNode = (e: Event): void => void announced.push((e as MouseEvent).relatedTarget);
  document.addEventListener(HANDSHAKE, catchNode, true);
  const emitter = new Emitter('r1', (em) => documentOutlet(em, document));
  document.removeEventListener(HANDSHAKE, catchNode, true);
  const node = announced[0] as Element;
  const heard: unknown[] = [];
  emitter.commands = (c) => {
    heard.push(c);
    return { outcome: 'sent' };
  };
  const answers: unknown[] = [];
  node.addEventListener(REPLAY_RESULT, (e) => answers.push((e as CustomEvent<unknown>).detail));
  return { emitter, node, heard, answers };
}

const text = JSON.stringify({ do: 'replay', original: 'r1#1', route: 'port', payload: 1 });

describe('documentOutlet: replay commands on the recorder node', () => {
  it('answers a command on the same node before the dispatch returns', () => {
    const { node, heard, answers } = recorder();
    expect(node.isConnected).toBe(false);
    node.dispatchEvent(new CustomEvent(REPLAY_COMMAND, { detail: text }));
    expect(answers).toEqual(['{"outcome":"sent"}']);
    expect(heard).toEqual([JSON.parse(text)]);
  });

  it('refuses a detail that is not text, without making text of it', () => {
    const { node, heard, answers } = recorder();
    let coerced = 0;
    const lookalike = {
      toString: () => {
        coerced++;
        return text;
      },
    };
    for (const detail of [lookalike, [text], null, 1]) node.dispatchEvent(new CustomEvent(REPLAY_COMMAND, { detail }));
    expect(answers).toEqual(Array(4).fill('{"outcome":"refused","reason":"a malformed command"}'));
    expect(coerced).toBe(0);
    expect(heard).toEqual([]);
  });

  it('hears no command dispatched anywhere else the page can reach', () => {
    const { heard, answers } = recorder();
    const lookalike = document.createElement('entangle-recorder');
    document.body.append(lookalike);
    for (const target of [document, window, document.body, lookalike]) {
      target.dispatchEvent(new CustomEvent(REPLAY_COMMAND, { detail: text, bubbles: true }));
    }
    lookalike.remove();
    expect(heard).toEqual([]);
    expect(answers).toEqual([]);
  });
});
