import { describe, expect, it } from 'vitest';
import type { EntangleEvent } from '../model/protocol';
import { EntryLog } from './entryLog';

const closed = (seq: number): EntangleEvent => ({ type: 'portClosed', seq, t: 1000 + seq, port: 'top:1' });

describe('the store’s entry log', () => {
  it('reads entries by position and arrival index, made when read, and nothing beyond either end', () => {
    const log = new EntryLog(3);
    for (let i = 1; i <= 4; i++) log.push('top', 1, 0, closed(i));
    expect([log.start, log.end, log.length]).toEqual([1, 4, 3]);
    expect(log.at(0)).toEqual({ index: 1, realm: 'top', tabId: 1, frameId: 0, event: closed(2) });
    expect(log.at(-1)?.event.seq).toBe(4);
    expect([log.at(3), log.at(-4), log.at(-7), log.byIndex(0), log.byIndex(4)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect([...log].map((e) => e.index)).toEqual([1, 2, 3]);
  });
});
