/**
 * Recorder settings, shown under the toolbar: they apply to every frame of every tab (and are kept
 * across sessions), so the bar says so.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { RecorderSettings } from '../extension/settings';
import { RELAY_BUFFER_CHARS, RELAY_BUFFER_EVENTS, UNWATCHED_HEAD_EVENTS } from '../model/relay';
import { LOG_BOUND_CHOICES } from './panelSettings';
import { useVanilla } from './useLog';
import { liveWorkersControl, workersStatusText, type WorkersControl } from './workersControl';

export interface SettingsControl {
  store: StoreApi<RecorderSettings>;
  save(next: RecorderSettings): void;
}

/** The panel's own log bound: shown with the bound in force, changed for the next time the panel opens. */
export interface LogBoundControl {
  current: number;
  saved: number;
  save(bound: number): void;
}

export function SettingsBar({ control, logBound, workers }: { control: SettingsControl | null; logBound?: LogBoundControl; workers?: WorkersControl | null }) {
  // (The live connection publishes its control: a panel showing a capture file has none.)
  const liveWorkers = useVanilla(liveWorkersControl);
  const workersControl = workers === undefined ? liveWorkers : workers;
  return (
    <div className="settings" data-testid="settings">
      {control && <RecorderSettingsFields control={control} />}
      {control && workersControl && <WorkersSetting control={workersControl} />}
      {logBound && (
        <label title={`The panel keeps at most this many events (now ${logBound.current.toLocaleString('en-US')}); older ones are evicted and counted`}>
          panel log
          <select data-testid="setting-log-bound" value={logBound.saved} onChange={(e) => logBound.save(Number(e.currentTarget.value))}>
            {LOG_BOUND_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString('en-US')} events
              </option>
            ))}
          </select>
          {logBound.saved !== logBound.current && <span className="muted"> (applies when the panel is opened again)</span>}
        </label>
      )}
      <span
        className="muted"
        data-testid="relay-bounds"
        title={`Each frame's relay holds this much while no panel takes its events; beyond it, the oldest go and a counted gap is shown. In a tab no panel has inspected yet, it keeps only the first and last ${UNWATCHED_HEAD_EVENTS.toLocaleString('en-US')} events of each document.`}
      >
        relay buffer per frame: {RELAY_BUFFER_EVENTS.toLocaleString('en-US')} events / {Math.round(RELAY_BUFFER_CHARS / 1024 / 1024)} MB (first and last{' '}
        {UNWATCHED_HEAD_EVENTS.toLocaleString('en-US')} before a panel is opened)
      </span>
    </div>
  );
}

function RecorderSettingsFields({ control }: { control: SettingsControl }) {
  const settings = useVanilla(control.store);
  const update = (patch: Partial<RecorderSettings>) => control.save({ ...settings, ...patch });
  return (
    <span className="recorder-settings" title="Recorder settings: they apply to every page, from its next event on">
      <label>
        <input
          type="checkbox"
          data-testid="setting-capture-stacks"
          checked={settings.captureStacks}
          onChange={(e) => update({ captureStacks: e.currentTarget.checked })}
        />
        capture sending stacks
      </label>
      <label>
        previews per second
        <input
          type="number"
          min={0}
          step={100}
          data-testid="setting-previews-per-second"
          value={settings.previewsPerSecond}
          onChange={(e) => {
            const n = Number(e.currentTarget.value);
            if (Number.isFinite(n) && n >= 0) update({ previewsPerSecond: Math.round(n) });
          }}
        />
      </label>
    </span>
  );
}

/** "Record inside workers" (issue 13): for the inspected tab's top origin; absent where the browser
 *  has no debugging protocol for extensions, which the panel then says. */
function WorkersSetting({ control }: { control: WorkersControl }) {
  const state = useVanilla(control.state);
  if (state === null) return null;
  const status = workersStatusText(state);
  if (state.status === 'unavailable') {
    return (
      <span className="muted" data-testid="workers-status">
        {status}
      </span>
    );
  }
  return (
    <span className="workers-setting" title="Runs the recorder inside the page's workers through the browser's debugging protocol">
      <label>
        <input type="checkbox" checked={state.on} disabled={state.origin === null} onChange={(e) => control.setOn(e.currentTarget.checked)} />
        Record inside workers
      </label>
      <span className="muted"> (for {state.origin ?? 'this page'}; the browser shows its “started debugging this browser” bar while it is on) </span>
      <span className="muted" role="status" data-testid="workers-status">
        {status}
      </span>
      {state.unrecorded.length > 0 && (
        <span className="muted" data-testid="workers-unrecorded">
          {' '}
          Not recorded: {state.unrecorded.map((u) => `${u.url} (${u.reason})`).join('; ')}
          {state.unrecorded.some((u) => u.reason.includes('already running')) ? ' — reload the page to record workers started before.' : ''}
        </span>
      )}
    </span>
  );
}
