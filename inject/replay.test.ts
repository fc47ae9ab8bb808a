// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { LiteralValue } from '../model/literal-value';
import { Replayer, SENDERS_KEPT } from './replay';

function setup(check: (route: string, sender: object) => string | undefined = () => undefined) {
  let seq = 0;
  let t = 1000;
  const calls: { self: unknown; args: unknown[]; replaying: string | undefined }[] = [];
  const replayer: Replayer = new Replayer('r1', window, () => seq, () => t, check as never);
  const post = function (this: unknown, ...args: unknown[]) {
    calls.push({ self: this, args, replaying: replayer.replaying });
    seq++; // the wrapper records the send
  } as never;
  const send = (sender: object, route: 'port' | 'worker' | 'broadcast' = 'port'): string => {
    seq++;
    replayer.remember(seq, route, sender, post);
    return `r1#${seq}`;
  };
  return { replayer, calls, send, advance: (ms: number) => (t += ms) };
}

const payload: LiteralValue = { $t: 'map', entries: [['k', { $t: 'set', items: [1] }]] };

describe('Replayer: the recorder sends again only what it sent itself', () => {
  it('posts through the kept wrapper on the kept sender, marked as a replay of the original', () => {
    const { replayer, calls, send } = setup();
    const port = {};
    const id = send(port);
    const result = replayer.run({ do: 'replay', original: id, route: 'port', payload });
    expect(result).toEqual({ outcome: 'sent', replay: 'r1#2' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.self).toBe(port);
    expect(calls[0]!.replaying).toBe(id);
    expect(calls[0]!.args[0]).toEqual(new Map([['k', new Set([1])]]));
    expect(replayer.replaying).toBeUndefined();
  });

  it('refuses an id of another realm, one it never sent, and one on another route', () => {
    const { replayer, calls, send } = setup();
    const id = send({});
    expect(replayer.run({ do: 'replay', original: 'r2#1', route: 'port', payload: 1 })).toMatchObject({ outcome: 'refused', reason: 'not a message this realm sent' });
    expect(replayer.run({ do: 'replay', original: 'r1#7', route: 'port', payload: 1 })).toMatchObject({ outcome: 'refused' });
    expect(replayer.run({ do: 'replay', original: id, route: 'broadcast', payload: 1 })).toMatchObject({ outcome: 'refused', reason: 'the message was sent on another route' });
    expect(calls).toHaveLength(0);
  });

  it('reads only the command\'s own members: what the page put on Object.prototype is not a member', () => {
    const { replayer, calls, send } = setup();
    const id = send({});
    const proto = Object.prototype as unknown as Record<string, unknown>;
    proto.payload = { $t: 'map', entries: [['forged', 1]] };
    proto.from = { relation: 'parent' };
    try {
      // No payload of its own: nothing built from the page's, nothing posted.
      expect(replayer.run(JSON.parse(JSON.stringify({ do: 'replay', original: id, route: 'port' })))).toMatchObject({ outcome: 'refused' });
      // An expect with no window of its own named.
      expect(replayer.run(JSON.parse(JSON.stringify({ do: 'expect', original: id })))).toEqual({ outcome: 'refused', reason: 'no sending window named' });
      expect(replayer.expectedFrom('parent', undefined)).toBeUndefined();
    } finally {
      delete proto.payload;
      delete proto.from;
    }
    expect(calls).toHaveLength(0);
  });

  it('forgets the oldest sends beyond its bound', () => {
    const { replayer, send } = setup();
    const first = send({});
    for (let i = 0; i < SENDERS_KEPT; i++) send({});
    expect(replayer.run({ do: 'replay', original: first, route: 'port', payload: 1 })).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/no longer knows/) });
  });

  it('asks whether the sender can still send (a closed or moved port)', () => {
    const { replayer, calls, send } = setup(() => 'the sending port was closed');
    const id = send({});
    expect(replayer.run({ do: 'replay', original: id, route: 'port', payload: 1 })).toEqual({ outcome: 'refused', reason: 'the sending port was closed' });
    expect(calls).toHaveLength(0);
  });

  it('reports what the send threw, and a payload it cannot build', () => {
    let seq = 0;
    const replayer = new Replayer('r1', window, () => seq, () => 0, () => undefined);
    replayer.remember(++seq, 'port', {}, (() => {
      throw new TypeError('boom');
    }) as never);
    expect(replayer.run({ do: 'replay', original: 'r1#1', route: 'port', payload: 1 })).toMatchObject({ outcome: 'threw', reason: expect.stringMatching(/boom$/) });
    expect(replayer.run({ do: 'replay', original: 'r1#1', route: 'port', payload: { $t: 'bytes', kind: 'Uint8Array', hex: 'zz' } as never })).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/payload could not be built/) });
  });
});

describe('Replayer: expected window replays', () => {
  it('marks the next window message from the named window, once, for a while', () => {
    const { replayer, send, advance } = setup();
    send({});
    expect(replayer.run({ do: 'expect', original: 'r1#1', from: { relation: 'parent' } })).toEqual({ outcome: 'sent' });
    expect(replayer.expectedFrom('child', 0)).toBeUndefined();
    expect(replayer.expectedFrom('parent', undefined)).toBe('r1#1');
    expect(replayer.expectedFrom('parent', undefined)).toBeUndefined();
    replayer.run({ do: 'expect', original: 'r1#1', from: { relation: 'child', childIndex: 1 } });
    expect(replayer.expectedFrom('child', 0)).toBeUndefined();
    advance(10_000);
    expect(replayer.expectedFrom('child', 1)).toBeUndefined();
  });

  it('expects only a receipt of its own realm that it recorded', () => {
    const { replayer } = setup();
    expect(replayer.run({ do: 'expect', original: 'r1#5', from: { relation: 'self' } })).toMatchObject({ outcome: 'refused' });
    expect(replayer.run({ do: 'expect', original: 'r9#1', from: { relation: 'self' } })).toMatchObject({ outcome: 'refused' });
  });
});
