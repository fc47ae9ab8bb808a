/**
 * What the inspector shows while nothing is selected: the session at a glance — how many messages
 * arrived, what went wrong and where to look (each finding with the filter or focus that shows it),
 * and who talked. Pure: model in, plain facts out; the view (SessionOverview.tsx) renders them as text.
 */
import type { CaptureModel, MessageModel } from '../model/correlator';
import type { PortId, RealmId } from '../model/protocol';
import { realmNamesOf } from './realmNames';
import { shortPort } from './summary';
import type { Focus } from './viewState';
import { holderOf, indexOf } from './modelIndex';

/** A finding: what is wrong, and how to see the messages concerned. */
export interface Finding {
  /** Stable key (React, tests). */
  key: string;
  severity: 'error' | 'warning' | 'info';
  text: string;
  /** What the finding's button does: put a query in the filter, or focus a realm or a port. */
  show: { filter: string } | { focus: Focus };
  /** The button's label (`Show`, `Focus port`): its accessible name is the label and the text. */
  action: string;
}

export interface RealmTraffic {
  id: RealmId;
  name: string;
  sent: number;
  received: number;
  gone: boolean;
  untrusted: boolean;
}

export interface Overview {
  messages: number;
  delivered: number;
  findings: Finding[];
  /** The realms that sent or received the most, busiest first (at most OVERVIEW_REALMS). */
  realms: RealmTraffic[];
  /** Realms not listed. */
  moreRealms: number;
}

export const OVERVIEW_REALMS = 12;
/** Ports with queued messages named one by one; the rest are one finding. */
const QUEUED_PORTS = 4;

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const cache = new WeakMap<CaptureModel, Overview>();

export function overviewOf(model: CaptureModel): Overview {
  const cached = cache.get(model);
  if (cached) return cached;
  const names = realmNamesOf(indexOf(model).realms);
  const t = model.totals;
  const findings: Finding[] = [];

  // Failed sends, by the error the send threw (DataCloneError, …).
  const failedBy = new Map<string, number>();
  const queuedAt = new Map<PortId, number>();
  const sent = new Map<RealmId, number>();
  const received = new Map<RealmId, number>();
  const bump = <K>(m: Map<K, number>, k: K | undefined): void => {
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  };
  // Indexed, not for-of: run once, cold, over every record or message (docs/panel.md, "Less garbage in the open").
  const messages = model.messages as readonly MessageModel[];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    bump(sent, m.fromRealm);
    if (m.deliveries !== undefined && m.deliveries.length > 0) for (const d of m.deliveries) bump(received, d.toRealm);
    else if (m.status === 'delivered') bump(received, m.toRealm);
    if (m.status === 'failed') bump(failedBy, m.error?.name || 'an error');
    if (m.status === 'queued') bump(queuedAt, m.toPort);
  }
  for (const [name, n] of [...failedBy].sort((a, b) => b[1] - a[1])) {
    findings.push({ key: `failed:${name}`, severity: 'error', text: `${plural(n, 'send')} failed: ${name}`, show: { filter: 'status:failed' }, action: 'Show' });
  }
  if (t.doomed > 0) {
    findings.push({
      key: 'doomed',
      severity: 'error',
      text: `${plural(t.doomed, 'message')} doomed: a transfer list held the sending port's own partner`,
      show: { filter: 'status:doomed' },
      action: 'Show',
    });
  }
  if (t.droppedOrigin > 0) {
    findings.push({
      key: 'dropped-origin',
      severity: 'error',
      text: `${plural(t.droppedOrigin, 'window message')} dropped by the browser: the targetOrigin did not match the receiver's origin`,
      show: { filter: 'status:dropped-origin' },
      action: 'Show',
    });
  }
  if (t.lost > 0) findings.push({ key: 'lost', severity: 'error', text: `${plural(t.lost, 'message')} lost: sent to a port that was closed or went nowhere`, show: { filter: 'status:lost' }, action: 'Show' });
  const ports = indexOf(model).ports;
  const queued = [...queuedAt].sort((a, b) => b[1] - a[1]);
  for (const [port, n] of queued.slice(0, QUEUED_PORTS)) {
    const p = ports.get(port);
    const holder = p ? holderOf(p) : undefined;
    const where = holder !== undefined ? ` in ${names.name(holder, 48)}` : '';
    findings.push({
      key: `queued:${port}`,
      severity: 'warning',
      text: `${plural(n, 'message')} waiting at port ${shortPort(port)}${where}: it was never started (no onmessage, no start())`,
      show: { focus: { kind: 'port', id: port } },
      action: 'Focus port',
    });
  }
  const rest = queued.slice(QUEUED_PORTS).reduce((s, [, n]) => s + n, 0);
  if (rest > 0) {
    findings.push({ key: 'queued:more', severity: 'warning', text: `${plural(rest, 'message')} waiting at ${plural(queued.length - QUEUED_PORTS, 'more port')}`, show: { filter: 'status:queued' }, action: 'Show' });
  }
  if (t.missing > 0 || t.gaps > 0) {
    findings.push({
      key: 'gaps',
      severity: 'warning',
      text: `${plural(t.missing, 'event')} missing in ${plural(t.gaps, 'gap')}: the statuses around them may be incomplete`,
      show: { filter: 'is:error' },
      action: 'Show',
    });
  }
  const untrusted = model.realms.filter((r) => r.untrusted !== undefined);
  for (const r of untrusted.slice(0, 3)) {
    findings.push({ key: `untrusted:${r.id}`, severity: 'warning', text: `${names.name(r.id, 64)}: its recording cannot be vouched for`, show: { focus: { kind: 'realm', id: r.id } }, action: 'Focus realm' });
  }
  if (t.faults > 0) findings.push({ key: 'faults', severity: 'warning', text: `${plural(t.faults, 'recorder fault')}: something could not be recorded`, show: { filter: 'is:error' }, action: 'Show' });
  if (t.ambiguous > 0) {
    findings.push({ key: 'ambiguous', severity: 'info', text: `${plural(t.ambiguous, 'message')} matched ambiguously: more than one send or receipt fits`, show: { filter: 'status:ambiguous' }, action: 'Show' });
  }
  if (t.inFlight > 0) {
    findings.push({ key: 'in-flight', severity: 'info', text: `${plural(t.inFlight, 'message')} with no receipt (yet, or where nothing records)`, show: { filter: 'status:in-flight' }, action: 'Show' });
  }

  const realms: RealmTraffic[] = model.realms
    .map((r) => ({ id: r.id, name: names.name(r.id, 64), sent: sent.get(r.id) ?? 0, received: received.get(r.id) ?? 0, gone: r.goneAt !== undefined, untrusted: r.untrusted !== undefined }))
    .filter((r) => r.sent + r.received > 0)
    .sort((a, b) => b.sent + b.received - (a.sent + a.received) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const overview: Overview = {
    messages: t.sent,
    delivered: t.delivered,
    findings,
    realms: realms.slice(0, OVERVIEW_REALMS),
    moreRealms: Math.max(0, realms.length - OVERVIEW_REALMS),
  };
  cache.set(model, overview);
  return overview;
}
