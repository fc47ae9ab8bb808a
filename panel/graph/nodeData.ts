/** What a realm box and a port chip say: their data objects, built from the model. */
import type { PortModel, RealmModel } from '../../model/correlator';
import type { RealmId } from '../../model/protocol';
import type { ModelIndex } from '../modelIndex';
import { realmNamesOf, realmTitle } from '../realmNames';
import { kindName, plural, tail } from './graphText';
import { NO_CHIPS, UNKNOWN_REALM, type PortNodeData, type PortState, type RealmNodeData } from './graphTypes';
import { BOX_PAD } from './layout';

export interface Box {
  id: RealmId;
  model?: RealmModel;
  capacity: number;
}

/** Average width of a character of a realm box's title (13 px system-ui), to fit names in the box. */
const TITLE_CHAR_PX = 6.6;

/** A realm's name in two parts, the kind word(s) and the rest, in at most what a box of `width` shows. */
function nameParts(id: RealmId, ix: ModelIndex, width: number): { prefix: string; label: string } {
  const names = realmNamesOf(ix.realms);
  const max = Math.max(8, Math.floor((width - 2 * BOX_PAD - 24) / TITLE_CHAR_PX));
  const name = names.name(id, max);
  const parts = names.parts(id);
  const prefix = parts ? (parts.tag !== undefined ? `${parts.kind} ${parts.tag}` : parts.kind) : name;
  return name.startsWith(`${prefix} `) ? { prefix, label: name.slice(prefix.length + 1) } : { prefix: name, label: '' };
}

/** A realm's own facts (its chips are added by the builder). */
export function realmData(b: Box, ix: ModelIndex, width: number): RealmNodeData {
  const r = b.model;
  if (!r) {
    const unknown = b.id === UNKNOWN_REALM;
    return {
      realm: b.id,
      kind: 'unknown',
      label: unknown ? 'holder unknown' : '',
      title: unknown ? 'Ports whose holder is not known' : realmTitle(b.id) + '\nholds ports but has not reported itself',
      gone: false,
      instrumented: false,
      placeholder: unknown,
      ports: NO_CHIPS,
    };
  }
  // The tooltip says what the box's name leaves out: the whole URL, the id, the origin.
  const lines = [realmTitle(r.id, r)];
  if (r.parent !== undefined) {
    const parent = ix.realms.get(r.parent);
    const rel = r.kind === 'iframe' ? 'parent' : r.kind === 'popup' ? 'opened by' : r.kind === 'serviceworker' ? 'known to' : 'created by';
    lines.push(`${rel} ${parent ? realmNamesOf(ix.realms).name(r.parent) : 'realm'} (${r.parent})`);
  }
  if (r.kind === 'popup') lines.push('a window opened by window.open (another tab of the session)');
  if (!r.instrumented) lines.push(r.kind === 'serviceworker' ? 'not instrumented: seen from the page side only' : 'not instrumented: seen from its creator only');
  if (r.goneAt !== undefined) lines.push('gone');
  if (r.gaps > 0) lines.push(`${plural(r.missing, 'event')} missing`);
  return {
    realm: r.id,
    kind: kindName(r.kind),
    ...nameParts(r.id, ix, width),
    title: lines.join('\n'),
    gone: r.goneAt !== undefined,
    instrumented: r.instrumented,
    placeholder: false,
    ports: NO_CHIPS,
  };
}

export interface PortMemo {
  port: PortModel;
  queued: number;
  failed: number;
  kinds: (string | undefined)[];
  hasChannel: boolean;
  data: PortNodeData;
}

export function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Same as far as `portData` is concerned. */
export function samePort(a: PortModel, b: PortModel): boolean {
  if (
    a.closed !== b.closed ||
    a.started !== b.started ||
    a.channel !== b.channel ||
    a.entangledWith !== b.entangledWith ||
    a.lost?.reason !== b.lost?.reason ||
    a.custody.length !== b.custody.length ||
    !sameList(a.candidates, b.candidates)
  )
    return false;
  for (let i = 0; i < a.custody.length; i++) {
    const x = a.custody[i];
    const y = b.custody[i];
    if (!x || !y || x.realm !== y.realm || x.ambiguous !== y.ambiguous || x.inferred !== y.inferred || x.confirmed !== y.confirmed) return false;
  }
  return true;
}

export function portData(p: PortModel, queued: number, failed: number, ix: ModelIndex): PortNodeData {
  const channel = p.channel !== undefined ? ix.channels.get(p.channel) : undefined;
  const side = channel ? (channel.ports[0] === p.id ? 1 : 2) : 0;
  const label = channel ? `${tail(channel.id)}.${side}` : `p${tail(p.id)}`;
  const lines = [`port ${p.id}${channel ? ` (port${side} of channel ${channel.id})` : ''}`];
  if (p.entangledWith !== undefined) lines.push(`entangled with ${p.entangledWith}`);
  const why: string[] = [];
  if (failed > 0) why.push(`${plural(failed, 'send')} from this port failed, were doomed or lost`);
  if (p.lost) why.push(p.lost.reason === 'doomed' ? 'lost: its partner was in a doomed transfer list' : 'lost: it travelled in a message that went nowhere');
  if (queued > 0) why.push(`${plural(queued, 'message')} queued here: this port was never started (no onmessage, no start())`);
  if (p.closed) why.push('closed');
  const state: PortState = failed > 0 ? 'failed' : p.lost ? 'lost' : queued > 0 ? 'queued' : p.closed ? 'closed' : 'ok';
  lines.push(...why);
  if (!p.started && queued === 0 && !p.closed) lines.push('not started');
  let movedFrom: string | undefined;
  if (p.custody.length > 1) {
    const prev = p.custody[p.custody.length - 2];
    movedFrom = kindName(prev ? ix.realms.get(prev.realm)?.kind : undefined);
    const hops = p.custody.map((c) => `${kindName(ix.realms.get(c.realm)?.kind)} ${c.realm}${c.ambiguous ? ' (?)' : c.inferred && !c.confirmed ? ' (inferred)' : ''}`);
    lines.push(`transferred: ${hops.join(' → ')}`);
  }
  if (p.candidates) lines.push(`arrived by postMessage; could be any of ${p.candidates.join(', ')}`);
  const data: PortNodeData = { port: p.id, label, state, title: lines.join('\n') };
  if (movedFrom !== undefined) data.movedFrom = movedFrom;
  if (state === 'failed') data.badge = String(failed);
  else if (state === 'queued') data.badge = String(queued);
  return data;
}
