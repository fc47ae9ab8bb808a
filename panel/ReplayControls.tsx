/**
 * The inspector's *Send again* section for a message (docs/replay.md): *Replay message* (disabled,
 * with the reason as its title, when the replay could not be faithful) and *Edit and replay* (the
 * payload as literal text, parsed here with errors shown at their line and column). What the page
 * answered — sent, refused and why, or what the send threw — is shown as text.
 */
import { useState } from 'react';
import type { MessageModel } from '../model/correlator';
import type { ReplayResult } from '../model/replay';
import type { LiteralValue } from '../model/payload-literal';
import type { ModelIndex } from './modelIndex';
import { parsePayload, replayability, replayRequest, sendReplay } from './replay';

type Phase = { kind: 'idle' } | { kind: 'sending' } | { kind: 'done'; result: ReplayResult };

function resultText(result: ReplayResult): string {
  switch (result.outcome) {
    case 'sent':
      return result.replay !== undefined ? `Sent again as ${result.replay}.` : 'Sent again.';
    case 'refused':
      return `Not sent: ${result.reason}.`;
    case 'threw':
      return `The send threw: ${result.reason}.`;
  }
}

export function ReplayControls({ m, ix, live }: { m: MessageModel; ix: ModelIndex; live: boolean }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [editing, setEditing] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const can = replayability(m, ix, live);
  const replayReason = !can.ok ? can.reason : can.complete ? undefined : can.incomplete;
  const busy = phase.kind === 'sending';

  const send = (payload: LiteralValue): void => {
    const request = replayRequest(m, ix, payload);
    if (!request) {
      setPhase({ kind: 'done', result: { outcome: 'refused', reason: 'the sender is not known well enough to reach it' } });
      return;
    }
    setPhase({ kind: 'sending' });
    void sendReplay(request).then((result) => setPhase({ kind: 'done', result }));
  };

  const replayAsRecorded = (): void => {
    if (!can.ok) return;
    const parsed = parsePayload(can.text);
    if (parsed.ok) send(parsed.value);
    else setPhase({ kind: 'done', result: { outcome: 'refused', reason: `the recorded payload did not read back: ${parsed.message}` } });
  };

  const sendEdited = (): void => {
    if (editing === null) return;
    const parsed = parsePayload(editing);
    if (!parsed.ok) {
      setParseError(parsed.message);
      return;
    }
    setParseError(null);
    send(parsed.value);
  };

  return (
    <section className="insp-replay" aria-label="send again">
      <h4>
        <span>send again</span>
      </h4>
      <div className="replay-actions">
        <button type="button" disabled={replayReason !== undefined || busy} title={replayReason ?? 'Post the same payload again from the same sender'} onClick={replayAsRecorded}>
          Replay message
        </button>
        <button
          type="button"
          disabled={!can.ok || busy}
          title={!can.ok ? can.reason : 'Edit the payload, then post it from the same sender'}
          aria-expanded={editing !== null}
          onClick={() => {
            if (!can.ok) return;
            setEditing(editing === null ? can.text : null);
            setParseError(null);
          }}
        >
          Edit and replay
        </button>
        {replayReason !== undefined && <span className="muted replay-why">{replayReason}</span>}
      </div>
      {editing !== null && (
        <div className="replay-edit">
          <textarea aria-label="Payload to send" className="mono" spellCheck={false} value={editing} rows={Math.min(12, editing.split('\n').length + 1)} onChange={(e) => setEditing(e.target.value)} />
          <div className="replay-actions">
            <button type="button" disabled={busy} onClick={sendEdited}>
              Send edited payload
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
          {parseError !== null && (
            <p className="t-error mono" role="alert">
              {parseError}
            </p>
          )}
        </div>
      )}
      <p className={phase.kind === 'done' && phase.result.outcome !== 'sent' ? 'replay-result t-error' : 'replay-result'} role="status">
        {phase.kind === 'sending' ? 'Sending…' : phase.kind === 'done' ? resultText(phase.result) : ''}
      </p>
    </section>
  );
}
