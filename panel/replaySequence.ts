/**
 * *Replay selection* (issue 11 §2, docs/replay.md): several messages sent again in their recorded order,
 * with their recorded spacing × a speed or back to back. Planned whole before anything is sent — a
 * message that cannot be replayed faithfully refuses the sequence, saying which and why — then run one
 * send at a time, stoppable, ending at the first send that is refused or throws. Pure but for the
 * `send` and `wait` a run is given.
 */
import type { CaptureModel, MessageModel } from '../model/correlator';
import type { ReplayRequested, ReplayResult } from '../model/replay';
import type { ModelIndex } from './modelIndex';
import { parsePayload, replayability, replayRequest } from './replay';

/** Recorded spacing divided by `speed`, or every send as soon as the previous one was answered. */
export type ReplayPace = { kind: 'recorded'; speed: number } | { kind: 'backToBack' };

export interface SequenceStep {
  m: MessageModel;
  request: ReplayRequested;
  /** How long to wait after the previous send before this one (ms). */
  delayMs: number;
}

export type SequencePlan = { ok: true; steps: SequenceStep[] } | { ok: false; id: string; reason: string };

/** When a message happened, for its order and spacing: its send, else its receipt. */
export function momentOf(m: MessageModel): number {
  return m.sentAt ?? m.receivedAt ?? 0;
}

/** The selected messages that are in `model`, in recorded order (time, then the model's own order). */
export function inRecordedOrder(ids: readonly string[], model: CaptureModel): MessageModel[] {
  const wanted = new Set(ids);
  const found: { m: MessageModel; at: number }[] = [];
  model.messages.forEach((m, at) => {
    if (wanted.has(m.id)) found.push({ m, at });
  });
  found.sort((a, b) => momentOf(a.m) - momentOf(b.m) || a.at - b.at);
  return found.map((x) => x.m);
}

/** The sends of `ids`, or the first message (in recorded order) that cannot be replayed and why. */
export function planSequence(ids: readonly string[], model: CaptureModel, ix: ModelIndex, live: boolean, pace: ReplayPace): SequencePlan {
  const messages = inRecordedOrder(ids, model);
  const missing = ids.find((id) => !messages.some((m) => m.id === id));
  if (missing !== undefined) return { ok: false, id: missing, reason: 'it is no longer in the log' };
  const steps: SequenceStep[] = [];
  let previous: number | undefined;
  for (const m of messages) {
    const can = replayability(m, ix, live);
    if (!can.ok) return { ok: false, id: m.id, reason: can.reason };
    if (!can.complete) return { ok: false, id: m.id, reason: can.incomplete ?? 'the payload was not captured whole' };
    const parsed = parsePayload(can.text);
    if (!parsed.ok) return { ok: false, id: m.id, reason: `the recorded payload did not read back: ${parsed.message}` };
    const request = replayRequest(m, ix, parsed.value);
    if (!request) return { ok: false, id: m.id, reason: 'the sender is not known well enough to reach it' };
    const at = momentOf(m);
    const gap = previous === undefined || pace.kind === 'backToBack' ? 0 : Math.max(0, at - previous) / pace.speed;
    previous = at;
    steps.push({ m, request, delayMs: gap });
  }
  return { ok: true, steps };
}

export type SequenceOutcome =
  | { kind: 'done'; sent: number }
  | { kind: 'stopped'; sent: number }
  /** `at`: the 0-based step whose send was refused or threw. */
  | { kind: 'failed'; sent: number; at: number; id: string; result: Exclude<ReplayResult, { outcome: 'sent' }> };

export interface SequenceRun {
  send(request: ReplayRequested): Promise<ReplayResult>;
  /** Resolves after `ms`, or at once when `signal` is aborted. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  /** Before each send: `index` (0-based) of `total`. */
  onStep?(index: number, total: number): void;
  signal: AbortSignal;
}

/** Sends the steps one after the other; never rejects (`send` answers every failure as a result). */
export async function runSequence(steps: readonly SequenceStep[], run: SequenceRun): Promise<SequenceOutcome> {
  let sent = 0;
  for (const [index, step] of steps.entries()) {
    if (step.delayMs > 0 && !run.signal.aborted) await run.wait(step.delayMs, run.signal);
    if (run.signal.aborted) return { kind: 'stopped', sent };
    run.onStep?.(index, steps.length);
    const result = await run.send(step.request);
    if (result.outcome !== 'sent') return { kind: 'failed', sent, at: index, id: step.m.id, result };
    sent++;
  }
  return { kind: 'done', sent };
}

/** `wait` with a timer, cut short by the signal. */
export function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
