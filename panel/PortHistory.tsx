/**
 * A port's history: the channel it belongs to, its entangled partner, and each custody span — which
 * realm held it, under which local id, how it got there, from when to when, whether it was started or
 * closed there, and how sure the correlator is of each hand-over. Shown for the port focused in the
 * graph and, collapsed, for the ports a message travelled on or transferred. Pure helpers
 * (`custodyRows`, `shortUrl`, `relTime`) are exported for tests; everything renders as React text.
 */
import type { CustodySpan, CustodyVia, PortModel, RealmModel } from '../model/correlator';
import type { PortId, RealmId } from '../model/protocol';
import { UNTRUSTED_WORDS } from '../model/summary';

/** `host/path` of a URL without scheme, query or hash, cut to `max` characters (the full URL goes in a title). */
export function shortUrl(url: string | undefined, max = 40): string {
  if (!url) return '';
  let s = url;
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') s = `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
    else if (u.protocol === 'blob:' || u.protocol === 'data:') s = `${u.protocol}${u.pathname.slice(0, 24)}`;
  } catch {
    // not a URL: shown as it is
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "iframe b.test/frame.html" for a realm; its id when the model does not know it. */
export function realmName(realm: RealmModel | undefined, id: RealmId): string {
  if (!realm) return id;
  const where = shortUrl(realm.url);
  const name = where ? `${realm.kind} ${where}` : `${realm.kind} ${id}`;
  return realm.untrusted ? `${name} ⚠ untrusted` : name;
}

/** Tooltip for a realm: id, URL, origin. */
export function realmTitle(realm: RealmModel | undefined, id: RealmId): string {
  const parts = [`realm ${id}`];
  if (realm?.url) parts.push(realm.url);
  if (realm?.origin && !realm.url?.startsWith(realm.origin)) parts.push(`origin ${realm.origin}`);
  if (realm?.untrusted) parts.push(`untrusted: ${UNTRUSTED_WORDS[realm.untrusted]}`);
  return parts.join('\n');
}

/** A time relative to the log's first event (`+12.3 ms`, `+4.210 s`), or a clock time without one. */
export function relTime(t: number | undefined, t0: number | null): string {
  if (t === undefined || !Number.isFinite(t)) return '—';
  if (t0 === null) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? '—' : d.toISOString().slice(11, 23);
  }
  const dt = t - t0;
  const sign = dt < 0 ? '−' : '+';
  const a = Math.abs(dt);
  return a < 1000 ? `${sign}${a.toFixed(1)} ms` : `${sign}${(a / 1000).toFixed(3)} s`;
}

export function viaText(via: CustodyVia): string {
  switch (via) {
    case 'created':
      return 'created (new MessageChannel)';
    case 'port':
      return 'arrived in a port message';
    case 'window':
      return 'arrived by window.postMessage';
    case 'worker':
      return 'worker message';
    case 'unknown':
      return 'first seen here';
  }
}

/** How sure the hand-over into this span is, in plain words ('' for a recorded, confirmed one). */
export function joinText(span: CustodySpan): string {
  if (span.ambiguous) return 'unconfirmed: the message that carried it could not be matched for certain';
  if (span.inferred && span.confirmed) return 'inferred from the receipt, confirmed by later traffic';
  if (span.inferred) return 'inferred: the only candidate port of the sender, not yet confirmed by traffic';
  return '';
}

export interface CustodyRow {
  realm: RealmId;
  realmName: string;
  realmTitle: string;
  localId: string;
  via: string;
  from: string;
  to: string;
  state: string;
  join: string;
}

/** The custody spans of a port as display rows. */
export function custodyRows(port: PortModel, realms: ReadonlyMap<RealmId, RealmModel>, t0: number | null): CustodyRow[] {
  const last = port.custody.length - 1;
  return port.custody.map((c, i) => {
    const r = realms.get(c.realm);
    const state: string[] = [];
    if (c.started) state.push('started');
    if (c.closed) state.push('closed');
    if (!c.started && !c.closed) state.push('not started');
    if (i === last && port.lost) state.push(port.lost.reason === 'doomed' ? 'lost (doomed transfer)' : 'lost (discarded)');
    if (r?.goneAt !== undefined && (c.to === undefined || r.goneAt <= c.to)) state.push('realm gone');
    return {
      realm: c.realm,
      realmName: realmName(r, c.realm),
      realmTitle: realmTitle(r, c.realm),
      localId: c.localId ?? '(not recorded)',
      via: viaText(c.via),
      from: relTime(c.from, t0),
      to: c.to !== undefined ? relTime(c.to, t0) : i === last && !port.lost && !c.closed ? 'now' : '—',
      state: state.join(', '),
      join: joinText(c),
    };
  });
}

function lostText(port: PortModel, t0: number | null): string {
  if (!port.lost) return '';
  const why =
    port.lost.reason === 'doomed'
      ? "it was in the transfer list of a doomed message (one that also carried its sending port's partner), so the browser discarded it"
      : 'it travelled in a message that went nowhere (sent on or to a closed port), so it was discarded';
  return `Lost at ${relTime(port.lost.at, t0)}: ${why}.`;
}

export interface PortHistoryProps {
  port: PortModel;
  realms: ReadonlyMap<RealmId, RealmModel>;
  t0: number | null;
  /** Called with a port id when its link is clicked (the partner); links are plain text without it. */
  onPort?: (id: PortId) => void;
  /** A caption ("sending port", "transferred port 1"); shown before the port id. */
  caption?: string;
  /** Render inside a collapsed <details> (the message inspector) instead of open. */
  collapsed?: boolean;
}

export function PortLink({ id, onPort }: { id: PortId; onPort?: ((id: PortId) => void) | undefined }) {
  if (!onPort) return <span className="mono">{id}</span>;
  return (
    <button type="button" className="linkish mono" data-testid="port-link" title={`Show port ${id} in the graph`} onClick={() => onPort(id)}>
      {id}
    </button>
  );
}

export function PortHistory({ port, realms, t0, onPort, caption, collapsed = false }: PortHistoryProps) {
  const rows = custodyRows(port, realms, t0);
  const body = (
    <>
      <div className="ph-meta">
        {port.channel !== undefined ? (
          <span>
            channel <span className="mono">{port.channel}</span>
          </span>
        ) : (
          <span className="muted">no known channel (created before the recorder ran, or inside a worker)</span>
        )}
        {port.entangledWith !== undefined && (
          <span>
            entangled with <PortLink id={port.entangledWith} onPort={onPort} />
          </span>
        )}
        <span>{port.closed ? 'closed' : port.started ? 'started' : 'not started by its holder'}</span>
      </div>
      <table className="ph-table">
        <thead>
          <tr>
            <th scope="col">realm</th>
            <th scope="col">local id</th>
            <th scope="col">how it got there</th>
            <th scope="col">held</th>
            <th scope="col">state</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.realm}|${i}`} data-testid="port-history-row" className={r.join !== '' ? 'ph-unsure' : undefined}>
              <td title={r.realmTitle}>{r.realmName}</td>
              <td className="mono">{r.localId}</td>
              <td>
                {r.via}
                {r.join !== '' && <div className="ph-join">{r.join}</div>}
              </td>
              <td className="mono ph-time">
                {r.from} → {r.to}
              </td>
              <td>{r.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {port.lost && <p className="ph-lost t-error">{lostText(port, t0)}</p>}
      {port.candidates && port.candidates.length > 0 && (
        <p className="muted">
          Arrived without a recorded send; it may be any of the sender&apos;s ports{' '}
          {port.candidates.map((c, i) => (
            <span key={c}>
              {i > 0 ? ', ' : ''}
              <PortLink id={c} onPort={onPort} />
            </span>
          ))}
          .
        </p>
      )}
    </>
  );
  const title = (
    <>
      {caption !== undefined && <span className="muted">{caption} </span>}
      <span className="mono">port {port.id}</span>
      <span className="muted">
        {' '}
        · {rows.length} {rows.length === 1 ? 'holder' : 'holders'}
      </span>
    </>
  );
  if (collapsed) {
    return (
      <details className="port-history" data-testid="port-history" data-port={port.id}>
        <summary>{title}</summary>
        {body}
      </details>
    );
  }
  return (
    <div className="port-history" data-testid="port-history" data-port={port.id}>
      <div className="ph-title">{title}</div>
      {body}
    </div>
  );
}
