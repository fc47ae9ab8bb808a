import { EVENT_TYPES, type EventType } from '../model/protocol';
import type { ConnectionStatus } from './connection';
import type { LogStore } from './store';
import { useLogVersion } from './useLog';

const TYPE_LABELS: Record<EventType, string> = {
  realmStarted: 'realms',
  channelCreated: 'channels',
  messageSent: 'sent',
  messageReceived: 'received',
  messageUndeserializable: 'messageerror',
  portStarted: 'started',
  portClosed: 'closed',
  workerCreated: 'workers',
  recorderFault: 'recorder faults',
};

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

export function Toolbar({ store, status }: { store: LogStore; status: ConnectionStatus | null }) {
  useLogVersion(store);
  const s = store.getState();
  return (
    <div className="toolbar" role="toolbar" aria-label="Entangle">
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
      <span className="sep" />
      <Count testId="count-total" label="events" value={s.total} title="Events recorded since the last clear" />
      {EVENT_TYPES.map((type) => (
        <Count key={type} testId={`count-${type}`} label={TYPE_LABELS[type]} value={s.countsByType[type]} title={type} />
      ))}
      <span className="sep" />
      <Count
        testId="count-gaps"
        label="gaps"
        value={s.gapCount}
        warn
        title={`${s.missing.toLocaleString('en-US')} events missing in ${s.gapCount} gaps`}
      />
      <Count testId="count-missing" label="missing" value={s.missing} warn title="Events the panel will never get (see gaps)" />
      <Count testId="count-evicted" label="evicted" value={s.evicted} warn title={`Oldest events dropped to keep at most ${s.log.bound.toLocaleString('en-US')}`} />
      {s.notRecorded > 0 && <Count testId="count-not-recorded" label="not recorded (paused)" value={s.notRecorded} />}
      <span className="grow" />
      {status && (
        <span className={`conn ${status.state}`} data-testid="connection" title={status.lastError ?? ''}>
          {STATE_LABELS[status.state]}
        </span>
      )}
    </div>
  );
}
