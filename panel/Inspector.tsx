/**
 * The inspector pane: everything about the selected event. Message events show their fields, the
 * payload preview as a tree and a "Copy payload" button; other events a key/value table. All text is
 * rendered as React text, never HTML.
 */
import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import type { EntangleEvent, MessageReceived, MessageSent, TransferSummary } from '../model/protocol';
import type { LogEntry, LogStore } from './store';
import { bytes } from './summary';
import { PreviewTree } from './PreviewTree';
import { useLogVersion } from './useLog';

/** How long "copied" stays on the button. */
const COPIED_MS = 1500;

function transferItem(t: TransferSummary): string {
  if ('port' in t && typeof t.port === 'string') return `${t.kind} ${t.port}`;
  if ('byteLength' in t && typeof t.byteLength === 'number') return `${t.kind} (${bytes(t.byteLength)})`;
  return t.kind;
}

function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

type Field = [string, ReactNode];

function Fields({ rows }: { rows: Field[] }) {
  return (
    <table className="kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function messageFields(e: MessageSent | MessageReceived): Field[] {
  const rows: Field[] = [['route', e.route]];
  if (e.port !== undefined) rows.push(['port', e.port]);
  if (e.type === 'messageSent' && e.partner !== undefined) rows.push(['partner', e.partner]);
  if (e.channelName !== undefined) rows.push(['channel', JSON.stringify(e.channelName)]);
  if (e.worker !== undefined) rows.push(['worker', e.worker]);
  if (e.type === 'messageReceived') {
    rows.push(['origin', e.origin || '(no origin)']);
    if (e.source !== undefined) rows.push(['source', `${e.source}${e.childIndex !== undefined ? ` (frame #${e.childIndex})` : ''}`]);
    rows.push(['ports', e.ports.length > 0 ? e.ports.join(', ') : '(none)']);
  } else {
    rows.push(['transfer', e.transfer.length > 0 ? e.transfer.map(transferItem).join(', ') : '(none)']);
  }
  if (e.size !== undefined) rows.push(['size', `${bytes(e.size)}${e.sizeCapped ? '+ (stopped counting)' : ''}`]);
  if (e.type === 'messageSent') {
    rows.push(['outcome', <span className={e.outcome === 'posted' ? undefined : 't-error'}>{e.outcome}</span>]);
    if (e.error) rows.push(['error', <span className="t-error">{`${e.error.name}: ${e.error.message}`}</span>]);
  }
  return rows;
}

function otherFields(e: EntangleEvent): Field[] {
  return Object.entries(e)
    .filter(([k]) => k !== 'type' && k !== 'seq' && k !== 't')
    .map(([k, v]): Field => [k, fieldText(v)]);
}

type CopyState = { kind: 'idle' } | { kind: 'copied' } | { kind: 'failed'; message: string };

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<CopyState>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  const copy = (): void => {
    if (timer.current !== null) clearTimeout(timer.current);
    const done = (next: CopyState): void => {
      setState(next);
      if (next.kind === 'copied') timer.current = setTimeout(() => setState({ kind: 'idle' }), COPIED_MS);
    };
    try {
      const clip = (navigator as Partial<Navigator>).clipboard;
      if (!clip) throw new Error('the clipboard is not available here');
      clip.writeText(text).then(
        () => done({ kind: 'copied' }),
        (err: unknown) => done({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    } catch (err) {
      done({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <>
      <button type="button" className="copy" onClick={copy} data-testid="copy-payload">
        Copy payload
      </button>
      <span className={state.kind === 'failed' ? 'copy-status t-error' : 'copy-status'} role="status">
        {state.kind === 'copied' ? 'copied' : state.kind === 'failed' ? `copy failed: ${state.message}` : ''}
      </span>
    </>
  );
}

/** The selected entry's details; memoised so a live log does not re-render an unchanged selection. */
export const Inspector = memo(function Inspector({ entry, t0 }: { entry: LogEntry; t0: number | null }) {
  const { event } = entry;
  const isMessage = event.type === 'messageSent' || event.type === 'messageReceived';
  const preview = isMessage ? event.preview : undefined;
  return (
    <div className="inspector-body">
      <div className="insp-head">
        <b>{event.type}</b>
        <span className="mono">{entry.realm}</span>
        <span className="muted">
          frame {entry.frameId} · seq {event.seq}
          {t0 !== null ? ` · ${(event.t - t0).toFixed(1)} ms` : ''}
        </span>
      </div>
      <Fields rows={isMessage ? messageFields(event) : otherFields(event)} />
      {isMessage && event.type === 'messageSent' && event.stack !== undefined && (
        <section>
          <h4>stack</h4>
          <pre className="stack mono">{event.stack}</pre>
        </section>
      )}
      {isMessage && (
        <section>
          <h4>
            payload
            {preview !== undefined && <CopyButton text={JSON.stringify(preview, null, 2)} />}
          </h4>
          {preview !== undefined ? (
            <PreviewTree preview={preview} />
          ) : (
            <p className="muted">No preview: the receiving end records the payload (see its messageReceived).</p>
          )}
        </section>
      )}
      <details className="raw">
        <summary>raw event (JSON)</summary>
        <pre className="mono">{JSON.stringify(event, null, 2)}</pre>
      </details>
    </div>
  );
});

/** The pane: looks the selection up in the log (it may have been cleared or evicted). */
export function InspectorPane({ store, selected }: { store: LogStore; selected: number | null }) {
  useLogVersion(store);
  const { log, t0 } = store.getState();
  const entry = selected === null ? undefined : log.byIndex(selected);
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Event inspector">
      {entry ? (
        <Inspector key={entry.index} entry={entry} t0={t0} />
      ) : (
        <div className="insp-empty">{selected === null ? 'Select an event to inspect it.' : 'The selected event is no longer held.'}</div>
      )}
    </aside>
  );
}
