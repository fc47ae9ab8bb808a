/**
 * Which realms the graph draws one by one and which it folds: gone realms into the one "N gone realms"
 * node (GONE_REALM), a parent's many quiet live frames into one "N iframes" node (CROWD_AT). One pass
 * over the realms and one over the ports, whatever their number.
 */
import type { CaptureModel, MessageModel, RealmModel } from '../../model/correlator';
import type { RealmId } from '../../model/protocol';
import { holderOf, type ModelIndex } from '../modelIndex';
import { realmNamesOf } from '../realmNames';
import { kindName, plural } from './graphText';
import { CROWD_AT, GONE_EXPANDED, GONE_REALM, GONE_SHOWN, NO_CHIPS, crowdId, type GraphInput, type RealmNodeData } from './graphTypes';

export interface Crowd {
  parent: RealmId;
  members: RealmId[];
}

export interface Fold {
  /** Gone realms drawn as the one folded node. */
  folded: ReadonlySet<RealmId>;
  /** Gone realms drawn one by one. */
  shown: number;
  expanded: boolean;
  /** Quiet live frames drawn as their parent's crowd node: realm → crowd node's realm id. */
  crowdOf: ReadonlyMap<RealmId, RealmId>;
  /** The crowd nodes, by their realm id (crowdId of the parent). */
  crowds: ReadonlyMap<RealmId, Crowd>;
}

/** The realms the developer is looking at: the focused realm (or the focused port's holder) and the
 *  selected message's ends. They are drawn on their own whatever they are. */
function pinnedRealms(ix: ModelIndex, input: GraphInput, message: MessageModel | undefined): Set<RealmId> {
  const pinned = new Set<RealmId>();
  const focus = input.focus;
  if (focus?.kind === 'realm') pinned.add(focus.id);
  if (focus?.kind === 'port') {
    const p = ix.ports.get(ix.logicalPort.get(focus.id) ?? focus.id);
    const h = p ? holderOf(p) : undefined;
    if (h !== undefined) pinned.add(h);
  }
  if (message) {
    for (const id of [message.fromRealm, message.toRealm]) if (id !== undefined) pinned.add(id);
    for (const d of message.deliveries ?? []) pinned.add(d.toRealm);
    for (const id of [message.fromPort, message.toPort]) {
      const p = id === undefined ? undefined : ix.ports.get(id);
      const h = p ? holderOf(p) : undefined;
      if (h !== undefined) pinned.add(h);
    }
  }
  return pinned;
}

/** Iframes that hold no port and have no realm below them (see CROWD_AT). */
function quietFrames(model: CaptureModel): Set<RealmId> {
  const quiet = new Set<RealmId>();
  for (const r of model.realms) if (r.kind === 'iframe' && r.parent !== undefined) quiet.add(r.id);
  for (const r of model.realms) if (r.parent !== undefined) quiet.delete(r.parent);
  for (const p of model.ports) {
    const h = holderOf(p);
    if (h !== undefined) quiet.delete(h);
  }
  return quiet;
}

/**
 * Which realms are folded. `wasCrowded` is the parents that had a crowd node in the previous build
 * (their crowd stays down to CROWD_AT / 2); the result's crowds are the ones for the next.
 */
export function foldRealms(
  model: CaptureModel,
  ix: ModelIndex,
  input: GraphInput,
  message: MessageModel | undefined,
  wasCrowded: ReadonlySet<RealmId> = new Set(),
): Fold {
  const expanded = input.goneExpanded === true;
  const limit = expanded ? GONE_EXPANDED : GONE_SHOWN;
  const pinned = pinnedRealms(ix, input, message);
  const quiet = quietFrames(model);

  // Quiet live frames per parent.
  const byParent = new Map<RealmId, RealmId[]>();
  let gone = 0;
  for (const r of model.realms) {
    if (r.goneAt !== undefined) {
      if (!pinned.has(r.id)) gone++;
      continue;
    }
    if (!quiet.has(r.id) || pinned.has(r.id) || r.parent === undefined) continue;
    let list = byParent.get(r.parent);
    if (!list) byParent.set(r.parent, (list = []));
    list.push(r.id);
  }
  const crowdOf = new Map<RealmId, RealmId>();
  const crowds = new Map<RealmId, Crowd>();
  for (const [parent, members] of byParent) {
    if (members.length <= (wasCrowded.has(parent) ? CROWD_AT / 2 : CROWD_AT)) continue;
    const id = crowdId(parent);
    crowds.set(id, { parent, members });
    for (const m of members) crowdOf.set(m, id);
  }

  const noneFolded = { folded: new Set<RealmId>(), shown: gone, expanded, crowdOf, crowds };
  if (gone <= limit) return noneFolded;
  // The newest `limit` gone realms (latest goneAt; the later in the model on a tie), newest first;
  // quiet frames only when the user expanded the node (they would come and go there every redraw).
  const newest: RealmModel[] = [];
  for (const r of model.realms) {
    if (r.goneAt === undefined || pinned.has(r.id) || (!expanded && quiet.has(r.id))) continue;
    if (newest.length === limit && (newest[limit - 1] as RealmModel).goneAt! > r.goneAt) continue;
    let i = newest.length;
    while (i > 0 && (newest[i - 1] as RealmModel).goneAt! <= r.goneAt) i--;
    newest.splice(i, 0, r);
    if (newest.length > limit) newest.pop();
  }
  const shown = new Set(newest.map((r) => r.id));
  const folded = new Set<RealmId>();
  for (const r of model.realms) if (r.goneAt !== undefined && !pinned.has(r.id) && !shown.has(r.id)) folded.add(r.id);
  return { folded, shown: shown.size, expanded, crowdOf, crowds };
}

/** The folded node's facts. */
export function foldedData(fold: Fold, ix: ModelIndex): RealmNodeData {
  const byKind = new Map<string, number>();
  for (const id of fold.folded) {
    const k = kindName(ix.realms.get(id)?.kind);
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  const kinds = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
  const label = plural(fold.folded.size, 'gone realm');
  return {
    realm: GONE_REALM,
    kind: 'gone',
    label,
    title: `${label} folded into one node (${kinds}): frames and workers that went away.\n${
      fold.expanded
        ? `The newest ${GONE_EXPANDED} gone realms are drawn one by one.`
        : `The newest ${GONE_SHOWN} gone realms that held ports or frames are drawn one by one; expand to draw the newest ${GONE_EXPANDED} of any kind.`
    }\nA gone realm stays in the timeline and the inspector; focusing it draws it here.`,
    gone: true,
    instrumented: true,
    placeholder: true,
    ports: NO_CHIPS,
    folded: { count: fold.folded.size, shown: fold.shown, expanded: fold.expanded },
  };
}

/** whereFrom per realm: a crowd's tooltip is made on every redraw, and parsing its frames' URLs each
 *  time was a tenth of the panel's work under frame churn. */
const whereCache = new WeakMap<RealmModel, string>();

/** Where a frame's document came from, as its crowd's tooltip counts them. */
function whereFrom(r: RealmModel | undefined): string {
  if (!r) return 'unknown URL';
  let w = whereCache.get(r);
  if (w === undefined) whereCache.set(r, (w = parseWhere(r.url ?? '')));
  return w;
}

function parseWhere(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.host;
    return u.protocol === 'about:' ? url : u.protocol.slice(0, -1);
  } catch {
    return url === '' ? 'unknown URL' : url.slice(0, 40);
  }
}

/** Most origins a crowd's tooltip names. */
const CROWD_ORIGINS = 6;

/** A crowd node's facts. */
export function crowdData(id: RealmId, crowd: Crowd, ix: ModelIndex): RealmNodeData {
  const byOrigin = new Map<string, number>();
  for (const m of crowd.members) {
    const w = whereFrom(ix.realms.get(m));
    byOrigin.set(w, (byOrigin.get(w) ?? 0) + 1);
  }
  const origins = [...byOrigin].sort((a, b) => b[1] - a[1]);
  const named = origins.slice(0, CROWD_ORIGINS).map(([w, n]) => `${n} ${w}`);
  if (origins.length > CROWD_ORIGINS) named.push(`${origins.length - CROWD_ORIGINS} more origins`);
  const label = plural(crowd.members.length, 'iframe');
  const parent = ix.realms.has(crowd.parent) ? realmNamesOf(ix.realms).name(crowd.parent) : crowd.parent;
  return {
    realm: id,
    kind: 'crowd',
    label,
    title: `${label} of ${parent}, live, drawn as one node (${named.join(', ')}).\nEach holds no port and has no frame of its own; more than ${CROWD_AT} such frames of one parent are drawn together. Their window messages are the node's edges.\nFocusing one (realm picker, timeline) draws it on its own.`,
    gone: false,
    instrumented: true,
    placeholder: true,
    ports: NO_CHIPS,
    crowd: { count: crowd.members.length, parent: crowd.parent, parentName: parent },
  };
}
