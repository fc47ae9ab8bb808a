import { describe, expect, it } from 'vitest';
import type { CaptureModel, MessageModel } from '../model/correlator';
import type { ReplayRequested, ReplayResult } from '../model/replay';
import { indexOf } from './modelIndex';
import { replayModel, sentMessage } from './replay.fixture';
import { inRecordedOrder, planSequence, runSequence, waitOrAbort, type SequenceStep } from './replaySequence';

const message = sentMessage;
const modelOf = (messages: MessageModel[]): CaptureModel => replayModel(messages);
const three = modelOf([message(3, 100), message(5, 110), message(9, 150)]);

describe('planSequence', () => {
  it('orders the selection as recorded, whatever order it was picked in, with the spacing × the speed', () => {
    const plan = planSequence(['top#9', 'top#3', 'top#5'], three, indexOf(three), true, { kind: 'recorded', speed: 2 });
    expect(plan.ok && plan.steps.map((s) => [s.m.id, s.delayMs, s.request.original, s.request.payload])).toEqual([
      ['top#3', 0, 'top#3', 3],
      ['top#5', 5, 'top#5', 5],
      ['top#9', 20, 'top#9', 9],
    ]);
  });

  it('back to back: no waits', () => {
    const plan = planSequence(['top#3', 'top#5', 'top#9'], three, indexOf(three), true, { kind: 'backToBack' });
    expect(plan.ok && plan.steps.map((s) => s.delayMs)).toEqual([0, 0, 0]);
  });

  it('refuses the whole sequence, naming the first message that cannot be replayed and why', () => {
    const m = modelOf([message(3, 100), message(5, 110, { transfers: [{ kind: 'MessagePort', port: 'top:4' }] }), message(9, 150, { preview: { $t: 'string', v: 'ab', length: 9 } })]);
    expect(planSequence(['top#9', 'top#5', 'top#3'], m, indexOf(m), true, { kind: 'backToBack' })).toEqual({ ok: false, id: 'top#5', reason: 'it transferred ports, which cannot be made again' });
    expect(planSequence(['top#9', 'top#3'], m, indexOf(m), true, { kind: 'backToBack' })).toMatchObject({ ok: false, id: 'top#9', reason: expect.stringMatching(/^the payload was not captured whole/) });
    expect(planSequence(['top#3', 'top#77'], m, indexOf(m), true, { kind: 'backToBack' })).toEqual({ ok: false, id: 'top#77', reason: 'it is no longer in the log' });
    expect(planSequence(['top#3'], m, indexOf(m), false, { kind: 'backToBack' })).toMatchObject({ ok: false, id: 'top#3', reason: expect.stringMatching(/capture opened from a file/) });
  });

  it('keeps the model order for messages of the same moment', () => {
    const m = modelOf([message(4, 100), message(2, 100)]);
    expect(inRecordedOrder(['top#2', 'top#4'], m).map((x) => x.id)).toEqual(['top#4', 'top#2']);
  });
});

describe('runSequence', () => {
  const steps = (): SequenceStep[] => {
    const plan = planSequence(['top#3', 'top#5', 'top#9'], three, indexOf(three), true, { kind: 'recorded', speed: 1 });
    if (!plan.ok) throw new Error(plan.reason);
    return plan.steps;
  };

  function recorder(answer: (r: ReplayRequested) => ReplayResult = () => ({ outcome: 'sent' })) {
    const log: string[] = [];
    return {
      log,
      send: async (r: ReplayRequested) => {
        log.push(`send ${r.original}`);
        return answer(r);
      },
      wait: async (ms: number) => {
        log.push(`wait ${ms}`);
      },
      onStep: (i: number, n: number) => log.push(`${i + 1} of ${n}`),
    };
  }

  it('sends each in order, waiting the spacing before each but the first', async () => {
    const r = recorder();
    expect(await runSequence(steps(), { ...r, signal: new AbortController().signal })).toEqual({ kind: 'done', sent: 3 });
    expect(r.log).toEqual(['1 of 3', 'send top#3', 'wait 10', '2 of 3', 'send top#5', 'wait 40', '3 of 3', 'send top#9']);
  });

  it('stops at the first send refused or thrown, saying which', async () => {
    const r = recorder((q) => (q.original === 'top#5' ? { outcome: 'threw', reason: 'DataCloneError: no' } : { outcome: 'sent' }));
    expect(await runSequence(steps(), { ...r, signal: new AbortController().signal })).toEqual({ kind: 'failed', sent: 1, at: 1, id: 'top#5', result: { outcome: 'threw', reason: 'DataCloneError: no' } });
    expect(r.log.filter((x) => x.startsWith('send'))).toEqual(['send top#3', 'send top#5']);
  });

  it('stops when asked, sending nothing more', async () => {
    const stop = new AbortController();
    const r = recorder((q) => {
      if (q.original === 'top#3') stop.abort();
      return { outcome: 'sent' };
    });
    expect(await runSequence(steps(), { ...r, signal: stop.signal })).toEqual({ kind: 'stopped', sent: 1 });
    expect(r.log.filter((x) => x.startsWith('send'))).toEqual(['send top#3']);
  });

  it('a wait ends at once when stopped', async () => {
    const stop = new AbortController();
    const waiting = waitOrAbort(60_000, stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
