/**
 * The inspector pane: details of what the user picked, in this order — the timeline selection (a
 * message, a non-message event, a gap), else the graph focus (a port with its history, a realm, a
 * channel), else a hint.
 *
 * A message shows its status with the reason in plain words (`explain.ts`), its route and ends, times,
 * size, what is uncertain about it, its transfer list, the exception of a failed send and what caused
 * it, the sending stack (linked to DevTools' Sources panel when this is a DevTools page), the payload as
 * a tree (sender's or receiver's preview), and the history of every port it involved. Everything the
 * page supplied is rendered as React text, never as HTML.
 */
import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { CaptureModel, ChannelModel, DeliveryModel, GapModel, MessageModel, PortModel, RealmModel } from '../model/correlator';
import { latencyOf, timeOfMessage } from '../model/model-types';
import { UNTRUSTED_WORDS } from '../model/summary';
import type { EntangleEvent, MessageReceived, MessageSent, PortId, Preview, RealmId, TransferSummary } from '../model/protocol';
import { explainGapReason, explainMessage, reasonLabel, senderUnknownLabel, statusLabel } from './explain';
import { messageAtPosition, timeLabel } from './playbackView';
import { useFrameFacts, type FrameFactsState } from './frameFacts';
import { ReplayControls } from './ReplayControls';
import { ReplaySelection } from './ReplaySelection';
import { holderOf, indexOf, type ModelIndex } from './modelIndex';
import { canOpenResource, openResource } from './openResource';
import { PortHistory, PortLink, realmName, realmTitle, relTime, shortUrl } from './PortHistory';
import { PreviewTree, type CloneCulprit } from './PreviewTree';
import { originRelation, workerCreation, type WorkerCreation } from './realmFacts';
import { messageSnippet } from './snippet';
import { fileName, frameLocation, parseStack, type StackFrame } from './stackFrames';
import type { FrameElementFacts, FrameFact, FrameFactMissing } from '../model/relay';
import type { LogEntry, LogStore } from './store';
import { bytes } from './summary';
import { messageInRealm } from './timeline/rows';
import { shownModel, useLogVersion } from './useLog';
import type { Focus, Selection, ViewStore } from './viewState';
import './inspector.css';
import { SessionOverview } from './SessionOverview';
import { copyText } from './clipboard';

/** How long "copied" stays next to a copy button. */
const COPIED_MS = 1500;

export const HINT = 'Select a message in the timeline or a port in the graph';

// ── small pieces ────────────────────────────────────────────────────────────

type Field = [string, ReactNode];

function Fields({ rows, testId }: { rows: Field[]; testId?: string }) {
  return (
    <table className="kv" data-testid={testId}>
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

function Section({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <section>
      <h4>
        <span>{title}</span>
        {extra}
      </h4>
      {children}
    </section>
  );
}

/** A <details> whose body is built only while open (raw JSON of a large payload costs nothing closed). */
function LazyDetails({ summary, render, className = 'raw' }: { summary: string; render: () => ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className={className} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open ? render() : null}
    </details>
  );
}

/** Links that move the graph focus (and with it the timeline filter). */
interface Nav {
  port(id: PortId): void;
  realm(id: RealmId): void;
  channel(id: string): void;
  message(id: string): void;
}

function RealmLink({ id, ix, nav }: { id: RealmId | undefined; ix: ModelIndex; nav: Nav }) {
  if (id === undefined) return <span className="muted">unknown</span>;
  const r = ix.realms.get(id);
  return (
    <button type="button" className="linkish" data-testid="realm-link" title={realmTitle(r, id)} onClick={() => nav.realm(id)}>
      {realmName(r, id)}
    </button>
  );
}

function Endpoint({ realm, port, ix, nav, none }: { realm: RealmId | undefined; port: PortId | undefined; ix: ModelIndex; nav: Nav; none: string }) {
  if (realm === undefined && port === undefined) return <span className="muted">{none}</span>;
  return (
    <span className="endpoint">
      <RealmLink id={realm} ix={ix} nav={nav} />
      {port !== undefined && (
        <>
          <span className="muted"> · port </span>
          <PortLink id={port} onPort={nav.port} />
        </>
      )}
    </span>
  );
}

function Time({ t, t0 }: { t: number | undefined; t0: number | null }) {
  if (t === undefined) return <span className="muted">—</span>;
  const d = new Date(t);
  return <span title={Number.isNaN(d.getTime()) ? undefined : d.toISOString()}>{relTime(t, t0)}</span>;
}

type CopyState = { kind: 'idle' } | { kind: 'copied' } | { kind: 'failed'; message: string };

function CopyButton({ label, testId, text }: { label: string; testId: string; text: () => string }) {
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
    let value: string;
    try {
      value = text();
    } catch (err) {
      done({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    void copyText(value).then((why) => done(why === null ? { kind: 'copied' } : { kind: 'failed', message: why }));
  };
  return (
    <>
      <button type="button" className="copy" onClick={copy} data-testid={testId}>
        {label}
      </button>
      <span className={state.kind === 'failed' ? 'copy-status t-error' : 'copy-status'} role="status">
        {state.kind === 'copied' ? 'copied' : state.kind === 'failed' ? `copy failed: ${state.message}` : ''}
      </span>
    </>
  );
}

// ── stack ───────────────────────────────────────────────────────────────────

function Frame({ frame }: { frame: StackFrame }) {
  const loc = frameLocation(frame);
  if (frame.url === undefined || !canOpenResource()) {
    return (
      <span className="frame" data-testid="stack-frame" title={loc || undefined}>
        {frame.text}
      </span>
    );
  }
  const { url, line = 1, column = 1 } = frame;
  return (
    <button type="button" className="linkish frame" data-testid="stack-frame" title={`Open ${loc} in Sources`} onClick={() => openResource(url, line, column)}>
      <span className="frame-fn">{frame.fn ?? '(anonymous)'}</span>{' '}
      <span className="frame-loc">
        {fileName(url)}:{line}:{column}
      </span>
    </button>
  );
}

function Stack({ stack }: { stack: string }) {
  const frames = parseStack(stack);
  if (frames.length === 0) return <p className="muted">The stack was empty (every frame was the recorder&apos;s own).</p>;
  return (
    <ol className="stack-frames mono">
      {frames.map((f, i) => (
        <li key={i}>
          <Frame frame={f} />
        </li>
      ))}
    </ol>
  );
}

// ── payload ─────────────────────────────────────────────────────────────────

type Side = 'receiver' | 'sender' | 'recorded';

function sideLabel(side: Side): string {
  switch (side) {
    case 'receiver':
      return "receiver's copy";
    case 'sender':
      return "sender's value";
    case 'recorded':
      return 'recorded';
  }
}

function Payload({ previews, snippet, culprit }: { previews: { side: Side; preview: Preview }[]; snippet: (p: Preview) => string; culprit?: CloneCulprit | undefined }) {
  const [chosen, setChosen] = useState<Side | null>(null);
  const current = previews.find((p) => p.side === chosen) ?? previews[0];
  if (!current) {
    return (
      <Section title="payload">
        <p className="muted">No payload was recorded for this message (its events were cleared or evicted, or the recorder skipped the preview).</p>
      </Section>
    );
  }
  const { preview } = current;
  return (
    <Section
      title="payload"
      extra={
        <span className="insp-actions">
          <CopyButton label="Copy payload" testId="copy-payload" text={() => JSON.stringify(preview, null, 2)} />
          <CopyButton label="Copy as postMessage(…)" testId="copy-snippet" text={() => snippet(preview)} />
        </span>
      }
    >
      {previews.length > 1 && (
        <div className="side-toggle" role="group" aria-label="Which copy of the payload" data-testid="preview-side">
          {previews.map((p) => (
            <button type="button" key={p.side} aria-pressed={p === current} className={p === current ? 'on' : undefined} onClick={() => setChosen(p.side)}>
              {sideLabel(p.side)}
            </button>
          ))}
          <span className="muted">The sender&apos;s value and what the receiver got can differ (getters, prototypes, bounds).</span>
        </div>
      )}
      {previews.length === 1 && current.side === 'sender' && <p className="muted">As the sender had it: the receiving end did not record the payload.</p>}
      {/* The clone error's path is in the sender's value (a failed send has no receiver's copy). */}
      <PreviewTree key={current.side} preview={preview} culprit={current.side === 'receiver' ? undefined : culprit} />
      <LazyDetails summary="raw JSON" render={() => <pre className="mono">{JSON.stringify(preview, null, 2)}</pre>} />
    </Section>
  );
}

// ── message ─────────────────────────────────────────────────────────────────

function transferText(kind: string, byteLength: number | undefined): string {
  return byteLength !== undefined ? `${kind} (${bytes(byteLength)})` : kind;
}

function routeText(m: MessageModel): string {
  switch (m.route) {
    case 'port':
      return 'MessagePort';
    case 'window':
      return 'window.postMessage';
    case 'worker':
      // `realm:sN` names a ServiceWorker object, `realm:wN` a Worker (protocol.ts).
      return m.worker !== undefined ? `${/:s\d+$/.test(m.worker) ? 'service worker' : 'worker'} ${m.worker}` : 'worker';
    case 'broadcast':
      return m.channelName !== undefined ? `BroadcastChannel ${JSON.stringify(m.channelName)}` : 'BroadcastChannel';
  }
}

interface Ctx {
  model: CaptureModel;
  ix: ModelIndex;
  t0: number | null;
  byIndex: (index: number) => LogEntry | undefined;
  nav: Nav;
  store: LogStore;
  view: ViewStore;
}

function MessageInspector({ m, ctx, onClose }: { m: MessageModel; ctx: Ctx; onClose: () => void }) {
  const { ix, t0, nav } = ctx;
  const sendEv = m.send ? ctx.byIndex(m.send.index)?.event : undefined;
  const recvEv = m.receipt ? ctx.byIndex(m.receipt.index)?.event : undefined;
  const sent = sendEv?.type === 'messageSent' ? sendEv : undefined;
  const received = recvEv?.type === 'messageReceived' ? recvEv : undefined;
  const exp = explainMessage(m);

  const previews: { side: Side; preview: Preview }[] = [];
  if (received) previews.push({ side: 'receiver', preview: received.preview });
  if (sent?.preview !== undefined) previews.push({ side: 'sender', preview: sent.preview });
  if (previews.length === 0 && m.preview !== undefined) previews.push({ side: 'recorded', preview: m.preview });

  const targetOrigin = m.toRealm !== undefined ? ix.realms.get(m.toRealm)?.origin : undefined;
  const snippet = (p: Preview): string =>
    messageSnippet(m, p, { ...(targetOrigin !== undefined ? { targetOrigin } : {}), ...(received?.source !== undefined ? { source: received.source } : {}) });

  const rows: Field[] = [['route', routeText(m)]];
  rows.push([
    'from',
    m.fromRealm === undefined && m.senderUnknown !== undefined ? (
      <span className="muted" data-testid="sender-unknown">
        unknown: {senderUnknownLabel(m.senderUnknown)}
      </span>
    ) : (
      <Endpoint realm={m.fromRealm} port={m.fromPort} ix={ix} nav={nav} none="unknown sender" />
    ),
  ]);
  const deliveries = m.deliveries ?? [];
  rows.push([
    'to',
    deliveries.length > 1 ? (
      <span>{deliveries.length} receivers (listed below)</span>
    ) : (
      <Endpoint
        realm={m.toRealm ?? deliveries[0]?.toRealm}
        port={m.toPort}
        ix={ix}
        nav={nav}
        none={m.reason === 'sendThrew' ? 'none (not sent)' : m.route === 'broadcast' && m.status === 'delivered' ? 'several receivers' : 'unknown receiver'}
      />
    ),
  ]);
  if (received && (m.route === 'window' || m.route === 'broadcast' || received.origin)) rows.push(['origin', received.origin || '(no origin)']);
  if (received?.source !== undefined) rows.push(['source', `${received.source}${received.childIndex !== undefined ? ` (frame #${received.childIndex})` : ''}`]);
  rows.push(['sent', m.send ? <Time t={m.sentAt} t0={t0} /> : <span className="muted">not recorded{m.route === 'window' ? ' (window.postMessage is known from its receipt)' : ''}</span>]);
  rows.push(['received', m.receipt ? <Time t={m.receivedAt} t0={t0} /> : <span className="muted">not recorded</span>]);
  const latency = latencyOf(m);
  if (latency !== undefined && deliveries.length <= 1) rows.push(['latency', `${latency.toFixed(1)} ms`]);
  if (m.replayOf !== undefined) {
    const original = m.replayOf;
    rows.push([
      'replay of',
      ix.message(original) ? (
        <button type="button" className="linkish mono" onClick={() => nav.message(original)}>
          ↻ {original}
        </button>
      ) : (
        <span className="mono">↻ {original}</span>
      ),
    ]);
  }
  const capped = sent?.sizeCapped === true || received?.sizeCapped === true;
  if (m.size !== undefined) rows.push(['size', `${bytes(m.size)}${capped ? '+ (stopped counting)' : ''}`]);
  rows.push([
    'transfer',
    m.transfers.length === 0 ? (
      <span className="muted">(none)</span>
    ) : (
      <span className="transfers">
        {m.transfers.map((t, i) => (
          <span key={i} className="transfer">
            {i > 0 ? ', ' : ''}
            {t.port !== undefined ? (
              <>
                {t.kind} <PortLink id={t.port} onPort={nav.port} />
              </>
            ) : (
              transferText(t.kind, t.byteLength)
            )}
          </span>
        ))}
      </span>
    ),
  ]);

  // The ports it involved: the one it was sent on, the one it arrived on, the ones it carried.
  const ports: { port: PortModel; caption: string }[] = [];
  const seen = new Set<PortId>();
  const addPort = (id: PortId | undefined, caption: string): void => {
    if (id === undefined) return;
    const logical = ix.logicalPort.get(id) ?? id;
    const p = ix.ports.get(logical);
    if (!p || seen.has(p.id)) return;
    seen.add(p.id);
    ports.push({ port: p, caption });
  };
  addPort(m.fromPort, 'sending port');
  addPort(m.toPort, 'receiving port');
  m.transfers.forEach((t, i) => addPort(t.port, m.transfers.length > 1 ? `transferred port ${i + 1}` : 'transferred port'));

  return (
    <div className="inspector-body" data-kind="message" data-id={m.id}>
      <div className="insp-head">
        <b>message</b>
        <span className="mono">{m.id}</span>
        <span className="muted">{routeText(m)}</span>
        <CloseButton onClose={onClose} />
      </div>
      <div className={`insp-status st-${m.status}`} data-testid="inspector-status" data-status={m.status}>
        {exp.status}
        {m.ambiguous && <span className="insp-unsure"> · not certain</span>}
      </div>
      {m.error && (
        <div className="insp-error mono" data-testid="inspector-error">
          {m.error.name}: {m.error.message}
        </div>
      )}
      {exp.explanation !== undefined && (
        <p className="insp-explanation" data-testid="inspector-explanation">
          {exp.explanation}
        </p>
      )}
      {exp.sender !== undefined && (
        <p className="insp-explanation" data-testid="inspector-sender">
          <b>Sender unknown.</b> {exp.sender}
        </p>
      )}
      {exp.ambiguity.length > 0 && (
        <div className="insp-ambiguity" data-testid="inspector-ambiguity">
          <div className="muted">What is not certain:</div>
          <ul>
            {exp.ambiguity.map((a, i) => (
              <li key={i}>{a}</li>
            ))}
          </ul>
        </div>
      )}
      <Fields rows={rows} testId="inspector-fields" />
      <ReplayControls key={m.id} m={m} ix={ix} live={ctx.store.getState().source === 'live'} />
      <ReplaySelection m={m} view={ctx.view} model={ctx.model} ix={ix} live={ctx.store.getState().source === 'live'} byIndex={ctx.byIndex} />
      {sent?.stack !== undefined && (
        <Section title="sending stack">
          <Stack stack={sent.stack} />
        </Section>
      )}
      {/* A dropped window message has no recorded send: its stack is the one the browser reported. */}
      {sent?.stack === undefined && m.dropped?.stack !== undefined && (
        <Section title="sending stack">
          <Stack stack={m.dropped.stack} />
        </Section>
      )}
      {deliveries.length > 0 && m.route === 'broadcast' && <Deliveries deliveries={deliveries} ctx={ctx} />}
      <Payload previews={previews} snippet={snippet} culprit={m.error?.path !== undefined ? { path: m.error.path, ...(m.error.culprit !== undefined ? { culprit: m.error.culprit } : {}) } : undefined} />
      {ports.length > 0 && (
        <Section title="ports">
          {ports.map(({ port, caption }) => (
            <PortHistory key={port.id} port={port} realms={ix.realms} t0={t0} onPort={nav.port} caption={caption} collapsed />
          ))}
        </Section>
      )}
      <LazyDetails
        summary="raw events (JSON)"
        render={() => (
          <pre className="mono">
            {JSON.stringify({ message: m, send: sendEv ?? (m.send ? '(no longer held)' : undefined), receipt: recvEv ?? (m.receipt ? '(no longer held)' : undefined) }, null, 2)}
          </pre>
        )}
      />
    </div>
  );
}

function deliveryStatus(d: DeliveryModel): string {
  return d.failed ? 'messageerror: could not deserialize there' : 'delivered';
}

/** A broadcast's receipts, one per receiving BroadcastChannel object: where, when, how long, how. */
function Deliveries({ deliveries, ctx }: { deliveries: readonly DeliveryModel[]; ctx: Ctx }) {
  const { ix, nav, t0 } = ctx;
  return (
    <Section title={`deliveries (${deliveries.length})`}>
      <table className="kv deliveries" data-testid="inspector-deliveries" aria-label="Deliveries">
        <thead>
          <tr>
            <th scope="col">receiver</th>
            <th scope="col">received</th>
            <th scope="col">latency</th>
            <th scope="col">status</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={`${d.receipt.realm}#${d.receipt.seq}`} data-testid="delivery">
              <td>
                <RealmLink id={d.toRealm} ix={ix} nav={nav} />
                {d.bc !== undefined && <span className="muted mono"> · {d.bc}</span>}
              </td>
              <td className="mono">
                <Time t={d.receivedAt} t0={t0} />
              </td>
              <td className="mono">{d.latency !== undefined ? `${d.latency < 0 ? '≈0' : d.latency.toFixed(1)} ms` : '—'}</td>
              <td className={d.failed ? 't-error' : undefined}>
                {deliveryStatus(d)}
                {d.ambiguous && <span className="insp-unsure" title="The match rests on a choice between several sends the recording could not tell apart"> · not certain</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" className="insp-close" aria-label="Close" title="Clear the selection" data-testid="inspector-close" onClick={onClose}>
      ×
    </button>
  );
}

// ── a non-message event ─────────────────────────────────────────────────────

function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

function transferItem(t: TransferSummary): string {
  if ('port' in t && typeof t.port === 'string') return `${t.kind} ${t.port}`;
  if ('byteLength' in t && typeof t.byteLength === 'number') return `${t.kind} (${bytes(t.byteLength)})`;
  return t.kind;
}

function messageFields(e: MessageSent | MessageReceived): Field[] {
  const rows: Field[] = [['route', e.route]];
  if (e.port !== undefined) rows.push(['port', e.port]);
  if (e.type === 'messageSent' && e.partner !== undefined) rows.push(['partner', e.partner]);
  if (e.channelName !== undefined) rows.push(['channel', JSON.stringify(e.channelName)]);
  if (e.worker !== undefined) rows.push(['worker', e.worker]);
  if (e.bc !== undefined) rows.push(['BroadcastChannel', e.bc]);
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
    if (e.error?.path !== undefined) rows.push(['failed at', `${e.error.path}${e.error.culprit !== undefined ? ` (${e.error.culprit})` : ''}`]);
  }
  return rows;
}

function otherFields(e: EntangleEvent): Field[] {
  return Object.entries(e)
    .filter(([k]) => k !== 'type' && k !== 'seq' && k !== 't')
    .map(([k, v]): Field => [k, fieldText(v)]);
}

/** The message a log entry belongs to (as its send or its receipt), if any. */
function messageOfIndex(model: CaptureModel, index: number): MessageModel | undefined {
  return model.messages.find((m) => m.send?.index === index || m.receipt?.index === index);
}

interface EventInspectorProps {
  entry: LogEntry;
  t0: number | null;
  message?: string | undefined;
  onMessage?: ((id: string) => void) | undefined;
  onClose?: (() => void) | undefined;
}

/** A log entry's fields; memoised so a live log does not re-render an unchanged selection. */
export const EventInspector = memo(function EventInspector({ entry, t0, message, onMessage, onClose }: EventInspectorProps) {
  const { event } = entry;
  const isMessage = event.type === 'messageSent' || event.type === 'messageReceived';
  const preview = isMessage ? event.preview : undefined;
  return (
    <div className="inspector-body" data-kind="event">
      <div className="insp-head">
        <b>{event.type}</b>
        <span className="mono">{entry.realm}</span>
        <span className="muted">
          frame {entry.frameId} · seq {event.seq}
          {t0 !== null ? ` · ${relTime(event.t, t0)}` : ''}
        </span>
        {onClose && <CloseButton onClose={onClose} />}
      </div>
      {message !== undefined && onMessage && (
        <p>
          <button type="button" className="linkish" data-testid="event-message" onClick={() => onMessage(message)}>
            Show message {message}
          </button>
        </p>
      )}
      <Fields rows={isMessage ? messageFields(event) : otherFields(event)} />
      {event.type === 'messageSent' && event.stack !== undefined && (
        <Section title="sending stack">
          <Stack stack={event.stack} />
        </Section>
      )}
      {isMessage && (
        <Section title="payload" extra={preview !== undefined ? <CopyButton label="Copy payload" testId="copy-payload" text={() => JSON.stringify(preview, null, 2)} /> : undefined}>
          {preview !== undefined ? (
            <PreviewTree
              preview={preview}
              culprit={event.type === 'messageSent' && event.error?.path !== undefined ? { path: event.error.path, ...(event.error.culprit !== undefined ? { culprit: event.error.culprit } : {}) } : undefined}
            />
          ) : (
            <p className="muted">No preview: the receiving end records the payload (see its messageReceived).</p>
          )}
        </Section>
      )}
      <LazyDetails summary="raw event (JSON)" render={() => <pre className="mono">{JSON.stringify(event, null, 2)}</pre>} />
    </div>
  );
}, sameEventProps);

/** The log makes a new entry object per read (panel/entryLog.ts): the same entry is the same event. */
function sameEventProps(a: EventInspectorProps, b: EventInspectorProps): boolean {
  return (
    a.entry.event === b.entry.event &&
    a.entry.index === b.entry.index &&
    a.entry.realm === b.entry.realm &&
    a.entry.frameId === b.entry.frameId &&
    a.t0 === b.t0 &&
    a.message === b.message &&
    a.onMessage === b.onMessage &&
    a.onClose === b.onClose
  );
}

// ── a gap ───────────────────────────────────────────────────────────────────

function GapInspector({ gap, ctx, onClose }: { gap: GapModel; ctx: Ctx; onClose: () => void }) {
  const n = gap.to - gap.from + 1;
  return (
    <div className="inspector-body" data-kind="gap">
      <div className="insp-head">
        <b>gap</b>
        <span className="muted">
          {n.toLocaleString('en-US')} {n === 1 ? 'event' : 'events'} missing
        </span>
        <CloseButton onClose={onClose} />
      </div>
      <p className="insp-explanation" data-testid="inspector-explanation">
        {explainGapReason(gap.reason)}
      </p>
      <Fields
        rows={[
          ['realm', <RealmLink id={gap.realm} ix={ctx.ix} nav={ctx.nav} />],
          ['sequence', gap.from === gap.to ? `#${gap.from}` : `#${gap.from} – #${gap.to}`],
          ['count', String(n)],
          ['reason', gap.reason],
          ['after', <Time t={gap.after} t0={ctx.t0} />],
          ['before', <Time t={gap.before} t0={ctx.t0} />],
        ]}
      />
      <p className="muted">Messages near a gap may be marked as not certain: a send or a receipt may be among the missing events.</p>
    </div>
  );
}

// ── graph focus ─────────────────────────────────────────────────────────────

interface Counts {
  sent: number;
  received: number;
  undelivered: number;
}

function countMessages(model: CaptureModel, match: (m: MessageModel) => 'from' | 'to' | null): Counts {
  const c: Counts = { sent: 0, received: 0, undelivered: 0 };
  for (const m of model.messages) {
    const side = match(m);
    if (side === 'from') {
      c.sent++;
      if (m.status !== 'delivered') c.undelivered++;
    } else if (side === 'to') c.received++;
  }
  return c;
}

function countsText(c: Counts): string {
  return `${c.sent} sent${c.undelivered > 0 ? ` (${c.undelivered} not delivered)` : ''}, ${c.received} received`;
}

function PortFocus({ id, ctx }: { id: PortId; ctx: Ctx }) {
  const { ix, model, nav, t0 } = ctx;
  const logical = ix.logicalPort.get(id) ?? id;
  const port = ix.ports.get(logical);
  const counts = useMemo(() => countMessages(model, (m) => (m.fromPort === logical ? 'from' : m.toPort === logical ? 'to' : null)), [model, logical]);
  if (!port) return <div className="insp-empty">Port {id} is not in the recording (any more).</div>;
  const holder = holderOf(port);
  return (
    <div className="inspector-body" data-kind="port">
      <div className="insp-head">
        <b>port</b>
        <span className="mono">{port.id}</span>
        {logical !== id && <span className="muted">(local id {id})</span>}
      </div>
      <Fields
        rows={[
          ['channel', port.channel !== undefined ? <ChannelLink id={port.channel} nav={nav} /> : <span className="muted">unknown</span>],
          ['entangled with', port.entangledWith !== undefined ? <PortLink id={port.entangledWith} onPort={nav.port} /> : <span className="muted">unknown</span>],
          ['held by', <RealmLink id={holder} ix={ix} nav={nav} />],
          ['state', port.closed ? 'closed' : port.started ? 'started' : 'not started'],
          ['messages', countsText(counts)],
        ]}
      />
      <Section title="history">
        <PortHistory port={port} realms={ix.realms} t0={t0} onPort={nav.port} />
      </Section>
    </div>
  );
}

function ChannelLink({ id, nav }: { id: string; nav: Nav }) {
  return (
    <button type="button" className="linkish mono" data-testid="channel-link" title={`Show channel ${id} in the graph`} onClick={() => nav.channel(id)}>
      {id}
    </button>
  );
}

/** What a service worker's realm may carry beyond RealmModel (its scope and state, from
 *  `serviceWorkerFound`), read only when the model provides them. */
interface RealmExtras {
  scope?: unknown;
  state?: unknown;
}

function realmKindText(kind: RealmModel['kind']): string {
  switch (kind) {
    case 'popup':
      return 'popup (a window opened by window.open, in another tab)';
    case 'serviceworker':
      return 'service worker';
    case 'sharedworker':
      return 'shared worker';
    case 'top':
    case 'iframe':
    case 'worker':
    case 'unknown':
      return kind;
  }
}

/** What a realm's `parent` is to it: a frame's parent, a popup's opener, a worker's creator. */
function parentLabel(kind: RealmModel['kind']): string {
  switch (kind) {
    case 'top':
    case 'iframe':
    case 'unknown':
      return 'parent';
    case 'popup':
      return 'opener';
    case 'worker':
    case 'sharedworker':
      return 'created by';
    case 'serviceworker':
      return 'found by';
  }
}

function RealmFocus({ id, ctx }: { id: RealmId; ctx: Ctx }) {
  const realm: RealmModel | undefined = ctx.ix.realms.get(id);
  if (!realm) return <div className="insp-empty">Realm {id} is not in the recording (any more).</div>;
  return <RealmInspector realm={realm} ctx={ctx} />;
}

/** Why a fact of the page is not shown, in words (muted text, never an error). */
function frameFactMissingText(missing: FrameFactMissing): string {
  switch (missing) {
    case 'noAnswer':
      return 'the page did not answer (its relay is older, or the frame went away)';
    case 'notFound':
      return 'no longer in the page';
    case 'otherDocument':
      return 'the frame shows another document now';
    case 'topFrame':
      return 'none (a top frame)';
  }
}

/** What the page is asked about a frame, while it is not (or cannot be) known. */
function frameFactsPendingText(state: Exclude<FrameFactsState, { kind: 'known' }>): string {
  switch (state.kind) {
    case 'none':
      return '';
    case 'capture':
      return 'not available in a capture file';
    case 'gone':
      return 'no longer in the page';
    case 'asking':
      return 'asking the page…';
    case 'noAnswer':
      return 'the page did not answer (Entangle was updated or restarted: reload the page)';
  }
}

function FactText({ fact }: { fact: FrameFact<string> }) {
  if ('missing' in fact) return <span className="muted">{frameFactMissingText(fact.missing)}</span>;
  return fact.known === '' ? <span className="muted">(empty)</span> : <span>{fact.known}</span>;
}

/** The frame's element in its parent's document, attributes as written. */
function frameElementRows(element: FrameElementFacts, currentUrl: string | undefined): Field[] {
  const attr = (v: string | undefined): ReactNode => (v === undefined ? <span className="muted">(none)</span> : v);
  return [
    ['tag', element.tag],
    ['id', attr(element.id)],
    ['name', attr(element.name)],
    [element.tag === 'object' ? 'data (as written)' : 'src (as written)', attr(element.src)],
    ['current URL', currentUrl ?? <span className="muted">unknown</span>],
    ['sandbox', attr(element.sandbox)],
    ['allow', attr(element.allow)],
    ['DOM path', <span title={element.path}>{element.path}</span>],
  ];
}

/** A frame's title and element, as its page answers (see frameFacts.ts). */
function FrameFactsSection({ realm, ctx }: { realm: RealmModel; ctx: Ctx }) {
  const [state, again] = useFrameFacts(ctx.store, realm);
  if (state.kind === 'none') return null;
  const askAgain =
    state.kind === 'known' || state.kind === 'noAnswer' ? (
      <button type="button" className="linkish" onClick={again} title="Ask the page again (the title or the element may have changed)">
        Ask again
      </button>
    ) : undefined;
  const withElement = realm.kind === 'iframe';
  let rows: Field[];
  if (state.kind !== 'known') rows = [['page', <span className="muted">{frameFactsPendingText(state)}</span>]];
  else {
    const { element, title } = state.facts;
    rows = [['title', <FactText fact={title} />]];
    if (withElement) {
      if ('known' in element) rows.push(...frameElementRows(element.known, realm.url));
      else rows.push(['element', <span className="muted">{frameFactMissingText(element.missing)}</span>]);
    }
  }
  return (
    <Section title={withElement ? 'in the page: the frame element' : 'in the page'} extra={askAgain}>
      <Fields rows={rows} testId="frame-facts" />
    </Section>
  );
}

/** A worker's creation as recorded (while that event is held). */
function useWorkerCreation(realm: RealmModel, store: LogStore): WorkerCreation | undefined {
  const isWorker = realm.kind === 'worker' || realm.kind === 'sharedworker';
  // Looked for again only when a worker was created (or the log was cleared): not on every batch.
  const created = store.getState().countsByType.workerCreated;
  const object = realm.workerObject ?? realm.id;
  return useMemo(() => (isWorker ? workerCreation(store.getState().log, object) : undefined), [isWorker, store, object, created]);
}

function FilterToRealm({ id, view }: { id: RealmId; view: ViewStore }) {
  const on = useStore(view, (s) => s.filter.realm === id);
  return (
    <button
      type="button"
      className="insp-filter-realm"
      aria-pressed={on}
      title={on ? 'The timeline shows only messages from or to this realm: click to show all realms' : 'Show only messages from or to this realm in the timeline (the Realm filter)'}
      onClick={() => view.getState().filterChanged({ realm: on ? null : id })}
    >
      Filter to this realm
    </button>
  );
}

function RealmInspector({ realm, ctx }: { realm: RealmModel; ctx: Ctx }) {
  const { ix, model, nav, t0 } = ctx;
  const id = realm.id;
  const counts = useMemo(() => countMessages(model, (m) => (m.fromRealm === id ? 'from' : messageInRealm(m, id) ? 'to' : null)), [model, id]);
  const held = useMemo(() => model.ports.filter((p) => holderOf(p) === id && !p.closed && !p.lost), [model, id]);
  const creation = useWorkerCreation(realm, ctx.store);
  const isWorker = realm.kind === 'worker' || realm.kind === 'sharedworker';
  const relation = realm.kind === 'iframe' ? originRelation(realm, realm.parent !== undefined ? ix.realms.get(realm.parent) : undefined) : null;
  const extra = realm as RealmExtras;
  const rows: Field[] = [
    ...(realm.untrusted
      ? [['trust', <span role="alert" className="insp-untrusted">untrusted: {UNTRUSTED_WORDS[realm.untrusted]}</span>] as Field]
      : []),
    ['kind', `${realmKindText(realm.kind)}${realm.instrumented ? (realm.recordedInside ? ' (recorded from the inside)' : '') : ' (not instrumented: known from the page side)'}`],
    [realm.kind === 'serviceworker' || isWorker ? 'script' : 'url', realm.url ? <span title={realm.url}>{realm.url}</span> : <span className="muted">unknown</span>],
    ...(isWorker
      ? ([
          ['type', creation?.workerType ?? <span className="muted">unknown (its creation is not in the log)</span>],
          ['name', realm.name ?? (creation ? (creation.name ?? <span className="muted">none given</span>) : <span className="muted">unknown (its creation is not in the log)</span>)],
        ] as Field[])
      : []),
    ...(typeof extra.scope === 'string' ? [['scope', extra.scope] as Field] : []),
    ...(typeof extra.state === 'string' ? [['state', extra.state] as Field] : []),
    ['origin', realm.origin ?? <span className="muted">unknown</span>],
    ...(realm.kind === 'iframe' ? [['to its parent', relation ?? <span className="muted">unknown (an origin is not known)</span>] as Field] : []),
    [parentLabel(realm.kind), realm.parent !== undefined ? <RealmLink id={realm.parent} ix={ix} nav={nav} /> : <span className="muted">none</span>],
    ['frame id', realm.frameId !== undefined ? String(realm.frameId) : <span className="muted">—</span>],
    ['started', <Time t={realm.startedAt} t0={t0} />],
    ['gone', realm.goneAt !== undefined ? <Time t={realm.goneAt} t0={t0} /> : 'no'],
    ['events', `${realm.events.toLocaleString('en-US')}${realm.faults > 0 ? ` (${realm.faults} recorder faults)` : ''}`],
    ['gaps', realm.gaps > 0 ? `${realm.gaps} (${realm.missing.toLocaleString('en-US')} events missing)` : 'none'],
    ['messages', countsText(counts)],
    [
      'ports held',
      held.length === 0 ? (
        <span className="muted">none open</span>
      ) : (
        <span>
          {held.map((p, i) => (
            <span key={p.id}>
              {i > 0 ? ', ' : ''}
              <PortLink id={p.id} onPort={nav.port} />
            </span>
          ))}
        </span>
      ),
    ],
  ];
  return (
    <div className="inspector-body" data-kind="realm">
      <div className="insp-head">
        <b>{realm.kind}</b>
        {realm.untrusted ? (
          <span className="insp-untrusted-badge" title={`untrusted: ${UNTRUSTED_WORDS[realm.untrusted]}`}>
            ⚠ untrusted
          </span>
        ) : null}
        <span className="mono" title={realm.url}>
          {shortUrl(realm.url) || id}
        </span>
        <span className="muted mono">{id}</span>
      </div>
      <p className="insp-actions">
        <FilterToRealm id={id} view={ctx.view} />
      </p>
      <Fields rows={rows} />
      <FrameFactsSection realm={realm} ctx={ctx} />
    </div>
  );
}

function ChannelFocus({ id, ctx }: { id: string; ctx: Ctx }) {
  const { ix, model, nav, t0 } = ctx;
  const channel: ChannelModel | undefined = ix.channels.get(id);
  const counts = useMemo(() => {
    if (!channel) return null;
    const [a, b] = channel.ports;
    return [countMessages(model, (m) => (m.fromPort === a ? 'from' : null)), countMessages(model, (m) => (m.fromPort === b ? 'from' : null))] as const;
  }, [model, channel]);
  if (!channel || !counts) return <div className="insp-empty">Channel {id} is not in the recording (any more).</div>;
  const end = (pid: PortId, c: Counts, other: PortId): ReactNode => {
    const p = ix.ports.get(pid);
    const state = p ? (p.lost ? 'lost' : p.closed ? 'closed' : p.started ? 'started' : 'not started') : 'unknown';
    return (
      <span>
        <PortLink id={pid} onPort={nav.port} />
        <span className="muted"> held by </span>
        <RealmLink id={p ? holderOf(p) : undefined} ix={ix} nav={nav} />
        <span className="muted">
          {' '}
          · {state} · {c.sent} sent to {other}
          {c.undelivered > 0 ? ` (${c.undelivered} not delivered)` : ''}
        </span>
      </span>
    );
  };
  return (
    <div className="inspector-body" data-kind="channel">
      <div className="insp-head">
        <b>channel</b>
        <span className="mono">{channel.id}</span>
      </div>
      <Fields
        rows={[
          ['created in', <RealmLink id={channel.createdIn} ix={ix} nav={nav} />],
          ['created', <Time t={channel.createdAt} t0={t0} />],
          ['port1', end(channel.ports[0], counts[0], channel.ports[1])],
          ['port2', end(channel.ports[1], counts[1], channel.ports[0])],
        ]}
      />
    </div>
  );
}

// ── the pane ────────────────────────────────────────────────────────────────

function SelectionView({ selection, ctx, store, onClose }: { selection: Selection; ctx: Ctx; store: LogStore; onClose: () => void }) {
  switch (selection.kind) {
    case 'message': {
      const m = ctx.ix.message(selection.id);
      if (!m) return <div className="insp-empty">The selected message is no longer held (the log was cleared, or it was evicted).</div>;
      return (
        <>
          <StatusAtPlayback message={m} ctx={ctx} />
          <MessageInspector key={m.id} m={m} ctx={ctx} onClose={onClose} />
        </>
      );
    }
    case 'event':
      return <EventSelection key={selection.index} index={selection.index} ctx={ctx} onClose={onClose} />;
    case 'gap': {
      const gap =
        ctx.model.gaps.find((g) => g.realm === selection.realm && g.from === selection.from) ??
        (() => {
          const g = store.getState().gaps.find((x) => x.realm === selection.realm && x.from === selection.from);
          return g ? ({ ...g } satisfies GapModel) : undefined;
        })();
      if (!gap) return <div className="insp-empty">The selected gap is no longer listed.</div>;
      return <GapInspector gap={gap} ctx={ctx} onClose={onClose} />;
    }
  }
}

/** In playback: what was true of the message at the playback position (queued, in flight, delivered,
 *  or not sent yet), above what the whole recording says of it. */
function StatusAtPlayback({ message, ctx }: { message: MessageModel; ctx: Ctx }) {
  const position = useStore(ctx.view, (s) => s.playback);
  const atT = useMemo(() => (position ? messageAtPosition(position, message.id, timeOfMessage(message)) : undefined), [position, message]);
  if (!position) return null;
  const when = timeLabel(position.t, ctx.t0);
  return (
    <p className="insp-at-playback" role="status" aria-label="At the playback position">
      At {when}:{' '}
      {atT ? (
        <b>
          {statusLabel(atT.status)}
          {atT.reason !== undefined ? ` (${reasonLabel(atT.reason)})` : ''}
        </b>
      ) : (
        <b>not sent yet</b>
      )}
      . Below: what the whole recording says.
    </p>
  );
}

function EventSelection({ index, ctx, onClose }: { index: number; ctx: Ctx; onClose: () => void }) {
  const entry = ctx.byIndex(index);
  const message = useMemo(() => messageOfIndex(ctx.model, index)?.id, [ctx.model, index]);
  if (!entry) return <div className="insp-empty">The selected event is no longer held.</div>;
  return <EventInspector entry={entry} t0={ctx.t0} message={message} onMessage={ctx.nav.message} onClose={onClose} />;
}

function FocusView({ focus, ctx }: { focus: Focus; ctx: Ctx }) {
  switch (focus.kind) {
    case 'port':
      return <PortFocus key={focus.id} id={focus.id} ctx={ctx} />;
    case 'realm':
      return <RealmFocus key={focus.id} id={focus.id} ctx={ctx} />;
    case 'channel':
      return <ChannelFocus key={focus.id} id={focus.id} ctx={ctx} />;
  }
}

/** The pane: the selection, else the graph focus, else a hint. */
export function InspectorPane({ store, view }: { store: LogStore; view: ViewStore }) {
  const version = useLogVersion(store);
  const selection = useStore(view, (s) => s.selection);
  const focus = useStore(view, (s) => s.focus);
  const { log, t0 } = store.getState();
  const model = shownModel(store, version);
  const nav = useMemo<Nav>(
    () => ({
      port: (id) => view.getState().focused({ kind: 'port', id }),
      // A realm's name anywhere is a way to select it: the inspector then shows the realm, not the message.
      realm: (id) => {
        view.getState().focused({ kind: 'realm', id });
        view.getState().selected(null);
      },
      channel: (id) => view.getState().focused({ kind: 'channel', id }),
      message: (id) => view.getState().selected({ kind: 'message', id }),
    }),
    [view],
  );
  const ctx: Ctx = { model, ix: indexOf(model), t0, byIndex: (i) => log.byIndex(i), nav, store, view };
  const onClose = (): void => view.getState().selected(null);
  let body: ReactNode;
  if (selection) body = <SelectionView selection={selection} ctx={ctx} store={store} onClose={onClose} />;
  else if (focus) body = <FocusView focus={focus} ctx={ctx} />;
  else body = <SessionOverview model={model} view={view} hint={HINT} />;
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      {body}
    </aside>
  );
}
