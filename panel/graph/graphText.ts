/** The graph's words: kind names, counts, edge labels and tooltips. */
import type { RealmModel } from '../../model/correlator';
import { PORTS_SHOWN, type GraphEdge, type RealmNodeData } from './graphTypes';

export function kindName(kind: RealmModel['kind'] | undefined): string {
  switch (kind) {
    case 'sharedworker':
      return 'shared worker';
    case 'serviceworker':
      return 'service worker';
    case undefined:
      return 'unknown';
    case 'top':
    case 'iframe':
    case 'popup':
    case 'worker':
    case 'unknown':
      return kind;
  }
}

/** How an owner edge's target relates to its source, by the target's kind as shown (`kindName`). */
function ownerVerb(label: string): string {
  switch (label) {
    case 'popup':
      return 'opened by';
    case 'service worker':
      return 'known to';
    default:
      return 'created by';
  }
}

export const tail = (id: string): string => id.slice(id.lastIndexOf(':') + 1);

/** An edge's tooltip, made when it is drawn rather than on every redraw of every edge. */
export function edgeTitle(e: Pick<GraphEdge, 'source' | 'target' | 'data'>): string {
  const d = e.data;
  if (!d) return '';
  const from = e.source.slice(e.source.indexOf(':') + 1);
  const to = e.target.slice(e.target.indexOf(':') + 1);
  switch (d.kind) {
    case 'channel':
    case 'pair':
      return `${d.kind === 'channel' ? `channel ${d.channel ?? ''}` : 'entangled ports (channel not recorded)'}\n${from} → ${to}: ${plural(d.fwd, 'message')}\n${to} → ${from}: ${plural(d.back, 'message')}`;
    case 'bundle':
      return `${plural(d.channels ?? 0, 'channel')} between ports not drawn one by one (more than ${PORTS_SHOWN - 1} in a realm)\n${from} → ${to}: ${plural(d.fwd, 'message')}\n${to} → ${from}: ${plural(d.back, 'message')}`;
    case 'route':
      return `${d.route ?? ''} postMessage ${from} → ${to}: ${plural(d.fwd, 'message')}`;
    case 'frame':
      return `frame: parent ${from} → child ${to}`;
    case 'owner':
      return `${d.label} ${to}, ${ownerVerb(d.label)} ${from}`;
  }
}

export function channelLabel(fwd: number, back: number): string {
  if (fwd > 0 && back > 0) return `${fwd} ⇄ ${back}`;
  if (fwd > 0) return `${fwd} →`;
  if (back > 0) return `← ${back}`;
  return '';
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A realm box's name as its title shows it ("iframe localhost:8080/frame.html", "12 gone realms"). */
export function boxName(data: RealmNodeData): string {
  if (data.folded) return data.label;
  if (data.crowd) return `${data.label} of ${data.crowd.parentName}`;
  const kind = data.prefix ?? data.kind;
  return data.label !== '' ? `${kind} ${data.label}` : kind;
}
