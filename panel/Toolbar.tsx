/**
 * The panel's toolbar, DevTools style: record/pause, clear, preserve log, open/save a capture, the
 * settings toggle, and the counts that say whether anything was lost (gaps, missing, evicted).
 */
import { useRef } from 'react';
import type { ConnectionStatus } from './connection';
import type { LogStore } from './store';
import { shownModel, useLogVersion } from './useLog';

const STATE_LABELS: Record<ConnectionStatus['state'], string> = {
  connecting: 'connecting…',
  connected: 'connected',
  waiting: 'reconnecting…',
  stopped: 'stopped',
};

function Count({ testId, label, value, title, warn }: { testId: string; label: string; value: number; title?: string; warn?: boolean }) {
  return (
    <span className={warn && value > 0 ? 'count warn' : 'count'} title={title}>
      {label} <b data-testid={testId}>{value.toLocaleString('en-US')}</b>
    </span>
  );
}

export interface ToolbarProps {
  store: LogStore;
  status: ConnectionStatus | null;
  /** Set while a capture file is shown instead of the live log. */
  capture?: { name: string; onClose(): void } | null;
  onOpenFile?(file: File): void;
  onSave?(): void;
  settingsOpen?: boolean;
  onToggleSettings?(): void;
  onPreserveLog?(on: boolean): void;
}

export function Toolbar({ store, status, capture = null, onOpenFile, onSave, settingsOpen = false, onToggleSettings, onPreserveLog }: ToolbarProps) {
  useLogVersion(store);
  const s = store.getState();
  const t = shownModel(store).totals;
  const fileInput = useRef<HTMLInputElement>(null);
  const live = capture === null;
  return (
    <div className="toolbar" role="toolbar" aria-label="Entangle">
      {live && (
        <>
          <button
            type="button"
            className={s.recording ? 'record on' : 'record'}
            data-testid="record-toggle"
            aria-pressed={s.recording}
            title={s.recording ? 'Pause: stop adding events (they are still acknowledged, not recorded)' : 'Record events again'}
            onClick={() => (s.recording ? s.recordingPaused() : s.recordingResumed())}
          >
            <span className="dot" aria-hidden="true" />
            {s.recording ? 'Pause' : 'Record'}
          </button>
          <button type="button" data-testid="clear" title="Clear the log" onClick={() => s.logCleared()}>
            Clear
          </button>
          <label className="check" title="Keep the log when the page navigates or reloads">
            <input
              type="checkbox"
              data-testid="preserve-log"
              checked={s.preserveLog}
              onChange={(e) => {
                s.preserveLogChanged(e.currentTarget.checked);
                onPreserveLog?.(e.currentTarget.checked);
              }}
            />
            Preserve log
          </label>
        </>
      )}
      {capture && (
        <span className="capture-banner" data-testid="capture-banner" title={capture.name}>
          Viewing {capture.name}
          <button type="button" data-testid="capture-close" onClick={capture.onClose}>
            Back to live
          </button>
        </span>
      )}
      <span className="sep" />
      {onOpenFile && (
        <>
          <button type="button" data-testid="open-capture" title="Open a capture file (.json or .json.gz)" onClick={() => fileInput.current?.click()}>
            Open…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,.gz,application/json,application/gzip"
            hidden
            data-testid="open-capture-input"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) onOpenFile(file);
            }}
          />
        </>
      )}
      {onSave && (
        <button type="button" data-testid="save-capture" title="Save the log as a capture file (.json.gz)" disabled={s.total === 0} onClick={onSave}>
          Save…
        </button>
      )}
      {onToggleSettings && (
        <button type="button" data-testid="settings-toggle" aria-pressed={settingsOpen} title="Settings" onClick={onToggleSettings}>
          ⚙
        </button>
      )}
      <span className="sep" />
      <span className="counts">
        <Count testId="count-messages" label="messages" value={t.sent} title="Messages (a send matched with its receipt counts once)" />
        <Count testId="count-failed" label="failed" value={t.failed + t.doomed + t.lost} warn title="Failed, lost or doomed messages" />
        <Count testId="count-queued" label="queued" value={t.queued} warn title="Messages waiting in a port that was never started" />
        <Count testId="count-total" label="events" value={s.total} title="Events recorded since the last clear" />
        <Count
          testId="count-gaps"
          label="gaps"
          value={s.gapCount}
          warn
          title={`${s.missing.toLocaleString('en-US')} events missing in ${s.gapCount} gaps: they will never reach the panel`}
        />
        <Count testId="count-missing" label="missing" value={s.missing} warn title="Events the panel will never get (see gaps)" />
        <Count testId="count-evicted" label="evicted" value={s.evicted} warn title={`Oldest events dropped to keep at most ${s.log.bound.toLocaleString('en-US')} (the log's bound)`} />
        {s.notRecorded > 0 && <Count testId="count-not-recorded" label="not recorded (paused)" value={s.notRecorded} />}
      </span>
      <span className="grow" />
      {status && live && (
        <span className={`conn ${status.state}`} data-testid="connection" title={status.lastError ?? ''}>
          {STATE_LABELS[status.state]}
        </span>
      )}
    </div>
  );
}
