/**
 * The panel's toolbar, DevTools style: record/pause, clear, preserve log, open/save a capture, the
 * settings toggle, and the counts that say whether anything was lost (gaps, missing, evicted).
 *
 * It stays one line at every DevTools size (docked right is ≈555 px wide): below COMPACT_PX the counts
 * that are zero and only say "nothing lost" step aside (their testids stay, hidden); below MENU_PX
 * Preserve log, Open…, Save… and Settings move into a `»` menu, as DevTools does.
 */
import { MenuButton } from './MenuButton';
import { useElementWidth } from './useElementWidth';
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

/** Widths (px) of the toolbar below which it condenses. */
export const COMPACT_PX = 1_000;
export const MENU_PX = 720;

function Count({ testId, label, value, title, warn, quiet }: { testId: string; label: string; value: number; title?: string; warn?: boolean; quiet?: boolean }) {
  // `quiet`: a zero that only says nothing was lost, hidden while space is short.
  const cls = `count${warn && value > 0 ? ' warn' : ''}${quiet && value === 0 ? ' quiet' : ''}`;
  return (
    <span className={cls} title={title}>
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
  const version = useLogVersion(store);
  const s = store.getState();
  const t = shownModel(store, version).totals;
  const fileInput = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const width = useElementWidth(root, Number.POSITIVE_INFINITY);
  const compact = width < COMPACT_PX;
  const menu = width < MENU_PX;
  const live = capture === null;
  const preserve = (on: boolean) => {
    s.preserveLogChanged(on);
    onPreserveLog?.(on);
  };
  const openFile = () => fileInput.current?.click();
  return (
    <div className={`toolbar${compact ? ' compact' : ''}`} role="toolbar" aria-label="Entangle" ref={root}>
      {live && (
        <>
          <button
            type="button"
            className={s.recording ? 'record on' : 'record'}
            data-testid="record-toggle"
            // Named for what it does now: "Pause" alone was also the playback bar's Pause, and with
            // aria-pressed a reader heard "Pause, pressed" while recording went on.
            // Each name begins with the visible text (so a voice command of what is shown finds it).
            aria-label={s.recording ? 'Pause recording' : 'Record again'}
            title={s.recording ? 'Pause recording: stop adding events (they are still acknowledged, not recorded)' : 'Record again: add events to the log again'}
            onClick={() => (s.recording ? s.recordingPaused() : s.recordingResumed())}
          >
            <span className="dot" aria-hidden="true" />
            {s.recording ? 'Pause' : 'Record'}
          </button>
          <button type="button" data-testid="clear" title="Clear the log" onClick={() => s.logCleared()}>
            Clear
          </button>
          {!menu && (
            <label className="check" title="Keep the log when the page navigates or reloads">
              <input type="checkbox" data-testid="preserve-log" checked={s.preserveLog} onChange={(e) => preserve(e.currentTarget.checked)} />
              Preserve log
            </label>
          )}
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
          {!menu && (
            <button type="button" data-testid="open-capture" title="Open a capture file (.json or .json.gz)" onClick={openFile}>
              Open…
            </button>
          )}
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
      {onSave && !menu && (
        <button type="button" data-testid="save-capture" title="Save the log as a capture file (.json.gz)" disabled={s.total === 0} onClick={onSave}>
          Save…
        </button>
      )}
      {onToggleSettings && !menu && (
        <button type="button" data-testid="settings-toggle" aria-pressed={settingsOpen} aria-label="Settings" title="Settings" onClick={onToggleSettings}>
          ⚙
        </button>
      )}
      {menu && (
        <MenuButton
          label="»"
          name="More tools"
          items={[
            ...(live ? [{ label: 'Preserve log', checked: s.preserveLog, run: () => preserve(!s.preserveLog) }] : []),
            ...(onOpenFile ? [{ label: 'Open…', run: openFile }] : []),
            ...(onSave ? [{ label: 'Save…', run: onSave, disabled: s.total === 0 }] : []),
            ...(onToggleSettings ? [{ label: 'Settings', checked: settingsOpen, run: onToggleSettings }] : []),
          ]}
        />
      )}
      <span className="sep" />
      <span className="counts">
        <Count testId="count-messages" label="messages" value={t.sent} title="Messages (a send matched with its receipt counts once)" />
        <Count testId="count-failed" label="failed" value={t.failed + t.doomed + t.lost + t.droppedOrigin} warn quiet title="Failed, lost, doomed or dropped (targetOrigin) messages" />
        <Count testId="count-queued" label="queued" value={t.queued} warn quiet title="Messages waiting in a port that was never started" />
        <Count testId="count-total" label="events" value={s.total} title="Events recorded since the last clear" />
        <Count
          testId="count-gaps"
          label="gaps"
          value={s.gapCount}
          warn
          quiet
          title={`${s.missing.toLocaleString('en-US')} events missing in ${s.gapCount} gaps: they will never reach the panel`}
        />
        <Count testId="count-missing" label="missing" value={s.missing} warn quiet title="Events the panel will never get (see gaps)" />
        <Count testId="count-evicted" label="evicted" value={s.evicted} warn quiet title={`Oldest events dropped to keep at most ${s.log.bound.toLocaleString('en-US')} (the log's bound)`} />
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
