/**
 * The inspector's *Replay selection* section (issue 11 §2, docs/replay.md): the messages selected
 * together in the timeline (Shift/Ctrl-click) sent again in recorded order — with the recorded spacing
 * × a speed, or back to back — with progress, a Stop button, and the first failure said as text; and
 * *Copy as script*, the selection as a script for the console. Refused before anything is sent when
 * one of the messages cannot be replayed faithfully (`replaySequence.ts`).
 */
import { copyText } from './clipboard';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { CaptureModel, MessageModel } from '../model/correlator';
import type { LogEntry } from './store';
import type { ReplayResult } from '../model/replay';
import type { ModelIndex } from './modelIndex';
import { realmNamesOf } from './realmNames';
import { sendReplay } from './replay';
import { inRecordedOrder, planSequence, runSequence, waitOrAbort, type ReplayPace, type SequenceOutcome } from './replaySequence';
import { replayScript, type WindowReceipt } from './replayScript';
import type { ViewStore } from './viewState';

const PACES: { value: string; label: string; pace: ReplayPace }[] = [
  { value: '1', label: 'recorded spacing', pace: { kind: 'recorded', speed: 1 } },
  { value: '4', label: 'recorded spacing, 4× faster', pace: { kind: 'recorded', speed: 4 } },
  { value: '16', label: 'recorded spacing, 16× faster', pace: { kind: 'recorded', speed: 16 } },
  { value: 'b2b', label: 'back to back', pace: { kind: 'backToBack' } },
];

type Phase = { kind: 'idle' } | { kind: 'running'; index: number; total: number } | { kind: 'ended'; outcome: SequenceOutcome; total: number };

function failureText(result: Exclude<ReplayResult, { outcome: 'sent' }>): string {
  switch (result.outcome) {
    case 'refused':
      return `not sent: ${result.reason}`;
    case 'threw':
      return `the send threw: ${result.reason}`;
  }
}

function outcomeText(outcome: SequenceOutcome, total: number): string {
  switch (outcome.kind) {
    case 'done':
      return `Sent ${outcome.sent} of ${total}.`;
    case 'stopped':
      return `Stopped: ${outcome.sent} of ${total} sent.`;
    case 'failed':
      return `Stopped at ${outcome.at + 1} of ${total} (${outcome.id}): ${failureText(outcome.result)}.`;
  }
}

export interface ReplaySelectionProps {
  view: ViewStore;
  model: CaptureModel;
  ix: ModelIndex;
  live: boolean;
  byIndex: (index: number) => LogEntry | undefined;
  /** The message the inspector shows: the selection when it stands alone. */
  m: MessageModel;
}

export function ReplaySelection({ view, model, ix, live, byIndex, m }: ReplaySelectionProps) {
  const chosen = useStore(view, (s) => s.selectedMessages);
  const ids = chosen.length > 0 ? chosen : [m.id];
  const several = ids.length > 1;
  const [paceValue, setPaceValue] = useState('1');
  const pace = (PACES.find((p) => p.value === paceValue) ?? PACES[0]!).pace;
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [copied, setCopied] = useState<string>('');
  const stopper = useRef<AbortController | null>(null);
  // A sequence never goes on unseen: leaving the inspector stops it.
  useEffect(() => () => stopper.current?.abort(), []);

  const plan = useMemo(() => (several ? planSequence(ids, model, ix, live, pace) : null), [several, ids, model, ix, live, pace]);
  const running = phase.kind === 'running';
  const refusal = plan !== null && !plan.ok ? `Cannot replay ${plan.id}: ${plan.reason}` : undefined;

  const replaySelection = (): void => {
    if (plan === null || !plan.ok || running) return;
    const stop = new AbortController();
    stopper.current = stop;
    const total = plan.steps.length;
    setPhase({ kind: 'running', index: 0, total });
    void runSequence(plan.steps, {
      send: sendReplay,
      wait: waitOrAbort,
      onStep: (index) => setPhase({ kind: 'running', index, total }),
      signal: stop.signal,
    }).then((outcome) => {
      if (stopper.current === stop) stopper.current = null;
      setPhase({ kind: 'ended', outcome, total });
    });
  };

  const copyScript = (): void => {
    const names = realmNamesOf(ix.realms);
    const windowReceipt = (x: MessageModel): WindowReceipt | undefined => {
      const e = x.receipt ? byIndex(x.receipt.index)?.event : undefined;
      if (e?.type !== 'messageReceived') return undefined;
      return { ...(e.source !== undefined ? { source: e.source } : {}), ...(e.childIndex !== undefined ? { childIndex: e.childIndex } : {}) };
    };
    const script = replayScript(inRecordedOrder(ids, model), { realms: ix.realms, realmName: (id) => names.name(id), windowReceipt, messages: model.messages }, pace);
    void copyText(script).then((why) => setCopied(why === null ? 'Script copied.' : `The clipboard could not be written: ${why}.`));
  };

  const status = phase.kind === 'running' ? `Sending ${phase.index + 1} of ${phase.total}…` : phase.kind === 'ended' ? outcomeText(phase.outcome, phase.total) : '';
  const failed = phase.kind === 'ended' && phase.outcome.kind === 'failed';

  return (
    <section className="insp-replay insp-replay-selection" aria-label="replay selection">
      <h4>
        <span>{several ? `${ids.length} messages selected` : 'as a script'}</span>
      </h4>
      {several && (
        <div className="replay-actions">
          <select aria-label="Replay pace" value={paceValue} disabled={running} onChange={(e) => setPaceValue(e.target.value)}>
            {PACES.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
          {running ? (
            <button type="button" onClick={() => stopper.current?.abort()}>
              Stop replay
            </button>
          ) : (
            <button type="button" disabled={refusal !== undefined} title={refusal ?? 'Send the selected messages again, in their recorded order'} onClick={replaySelection}>
              Replay selection
            </button>
          )}
          {refusal !== undefined && <span className="muted replay-why">{refusal}</span>}
        </div>
      )}
      {several && (
        <p className={failed ? 'replay-result t-error' : 'replay-result'} role="status" aria-label="Replay progress">
          {status}
        </p>
      )}
      <div className="replay-actions">
        <button type="button" title={several ? 'Copy the selected messages as a script for the console' : 'Copy this message as a script for the console (Shift/Ctrl-click rows to select several)'} onClick={copyScript}>
          Copy as script
        </button>
        <span className="muted" role="status" aria-label="Copy">
          {copied}
        </span>
      </div>
    </section>
  );
}
