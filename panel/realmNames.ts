/**
 * Realms named as people think of them — `top`, `iframe localhost:33843/penpal-child.html`,
 * `worker worker.js`, `service worker sw.js` — for the timeline, the graph, the filter chips and the
 * realm picker. Pure (no DOM, no React).
 *
 * Rules:
 * - A name is the kind in words, then where the realm is: nothing more for `top` (there is usually one),
 *   host and path for a window (iframe, popup), the script's file name for a worker of any kind.
 * - Ids never appear in a name: they are random, mean nothing to a reader and go to tooltips
 *   (`realmTitle`), the inspector and the summary.
 * - When two realms would get the same name, the name says more: the whole URL (query and fragment
 *   included — `bc-frame.html?name=a`), and where that is still not enough, a number in the order the
 *   realms appear in the model (`iframe #2 a.test/frame.html`).
 * - Short of space, a name is shortened from the middle: the kind word stays, the directories go first,
 *   then the middle of what is left, so the host and the file name stay readable.
 */
import type { RealmModel } from '../model/correlator';
import type { RealmId } from '../model/protocol';
import { UNTRUSTED_WORDS } from '../model/summary';

export const ELLIPSIS = '…';
/** Fewest characters of a path kept after a whole host (below that, both are cut in the middle). */
const MIN_REST = 10;

/** What a name is made of. `place` is `head` + `dirs` + `tail` joined by `/` (or `head` alone). */
export interface RealmName {
  /** `top`, `iframe`, `popup`, `worker`, `shared worker`, `service worker`, `realm`. */
  kind: string;
  /** `#2` when the realm shares its name with others. */
  tag?: string;
  /** The host (`localhost:33843`), or a whole non-hierarchical URL (`about:blank`). */
  head: string;
  /** Directories between the host and the file name. */
  dirs: readonly string[];
  /** The file name, with the query and fragment when they are part of the name. */
  tail: string;
}

type RealmLike = Pick<RealmModel, 'id' | 'kind' | 'url' | 'untrusted'>;

/** Before the name of a realm whose recording cannot be vouched for (RealmModel.untrusted). */
export const UNTRUSTED_MARK = '⚠';

/** The kind of a realm in words. */
export function realmKindName(kind: RealmModel['kind']): string {
  switch (kind) {
    case 'top':
      return 'top';
    case 'iframe':
      return 'iframe';
    case 'popup':
      return 'popup';
    case 'worker':
      return 'worker';
    case 'sharedworker':
      return 'shared worker';
    case 'serviceworker':
      return 'service worker';
    case 'unknown':
      return 'realm';
  }
}

const isWorker = (kind: RealmModel['kind']): boolean => kind === 'worker' || kind === 'sharedworker' || kind === 'serviceworker';

interface Place {
  readonly head: string;
  readonly dirs: readonly string[];
  readonly file: string;
  /** Query and fragment, `?a=1#x`, or "". */
  readonly extra: string;
}

/** A URL cut into host, directories, file name and the rest; non-hierarchical URLs as a head alone. */
/** Places of the URLs named lately: realms are named again at every view tick, and a page that
 *  rotates frames has hundreds with the same few URLs (a URL parse each was most of the naming). */
const places = new Map<string, Place>();
const PLACES_BOUND = 2_000;

function placeOf(url: string | undefined): Place | null {
  if (url === undefined || url === '') return null;
  let place = places.get(url);
  if (!place) {
    if (places.size >= PLACES_BOUND) places.clear();
    place = parsePlace(url);
    places.set(url, place);
  }
  return place;
}

function parsePlace(url: string): Place {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { head: url, dirs: [], file: '', extra: '' };
  }
  if (u.protocol === 'blob:') {
    // blob:https://a.test/3f2a9c1e-…: the creating origin's host, then the blob's own id (a uuid).
    const inner = placeOf(u.pathname);
    const host = inner && inner.dirs.length === 0 ? inner.head : u.pathname;
    return { head: `blob:${host}`, dirs: [], file: inner?.file ?? '', extra: '' };
  }
  if (u.protocol === 'data:') {
    // The media type says what it is; the content is not a name.
    const comma = u.pathname.indexOf(',');
    const type = (comma >= 0 ? u.pathname.slice(0, comma) : u.pathname).split(';')[0] ?? '';
    return { head: `data:${type}`, dirs: [], file: '', extra: '' };
  }
  const hierarchical = u.host !== '' || u.protocol === 'file:';
  if (!hierarchical) return { head: `${u.protocol}${u.pathname}`, dirs: [], file: '', extra: u.search + u.hash };
  const segments = u.pathname.split('/').filter((s, i, all) => s !== '' || i === all.length - 1);
  // A path ending in "/" has an empty last segment: no file name.
  const file = segments.length > 0 ? (segments[segments.length - 1] as string) : '';
  const dirs = segments.slice(0, -1).filter((s) => s !== '');
  const head = u.protocol === 'file:' ? 'file:' : u.host;
  return { head, dirs, file: decodeSafe(file), extra: u.search + u.hash };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A realm's name at a level of detail: 1 (the usual one), 2 (the whole URL). Level 1 of `top` is the
 * kind alone; of a worker, its script's file name.
 */
function nameAt(r: RealmLike, level: 1 | 2): RealmName {
  // An untrusted realm (docs/security.md) says so first, wherever it is named and however short.
  const kind = `${r.untrusted ? `${UNTRUSTED_MARK} ` : ''}${realmKindName(r.kind)}`;
  const p = placeOf(r.url);
  if (p === null) return { kind, head: '', dirs: [], tail: '' };
  if (level === 1) {
    if (r.kind === 'top') return { kind, head: '', dirs: [], tail: '' };
    // A worker from a blob: its creator's host (the blob's uuid says nothing; it is in the full URL).
    if (isWorker(r.kind) && p.head.startsWith('blob:')) return { kind, head: p.head, dirs: [], tail: '' };
    if (isWorker(r.kind) && p.file !== '') return { kind, head: '', dirs: [], tail: p.file };
    return { kind, head: p.head, dirs: p.dirs, tail: p.file };
  }
  return { kind, head: p.head, dirs: p.dirs, tail: p.file + p.extra };
}

/** The place part of a name, in full: `host/dir/file`. */
function placeText(n: RealmName): string {
  const parts = [n.head, ...n.dirs, n.tail];
  // Drop a leading empty head (a worker's file alone) and a trailing empty tail (a path ending in "/").
  while (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('/');
}

function prefixText(n: RealmName): string {
  return n.tag !== undefined ? `${n.kind} ${n.tag}` : n.kind;
}

/** A name in full: `iframe #2 a.test/dir/frame.html`. */
export function nameText(n: RealmName): string {
  const place = placeText(n);
  const prefix = prefixText(n);
  return place === '' ? prefix : `${prefix} ${place}`;
}

/**
 * `s` cut to `max` characters with an ellipsis in the middle: more of the end is kept than of the
 * start (a file name says more than a host's last letters).
 */
export function middleEllipsis(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  const keep = max - 1;
  const head = Math.floor(keep * 0.4);
  return `${s.slice(0, head)}${ELLIPSIS}${s.slice(s.length - (keep - head))}`;
}

/**
 * A name in at most `max` characters: whole when it fits; else without its directories
 * (`a.test/…/frame.html`); else that cut in its middle after the kind word; the kind word alone (cut
 * at its end) when even that leaves no room.
 */
export function shortenName(n: RealmName, max: number): string {
  const full = nameText(n);
  if (full.length <= max) return full;
  const prefix = prefixText(n);
  if (max <= 0) return '';
  if (max < prefix.length + 5) return prefix.length <= max ? prefix : `${prefix.slice(0, Math.max(0, max - 1))}${ELLIPSIS}`;
  const room = max - prefix.length - 1;
  let place = placeText(n);
  if (n.dirs.length > 0) {
    const parts = [n.head, ELLIPSIS, n.tail].filter((s) => s !== '');
    place = parts.join('/');
  }
  if (place.length <= room) return `${prefix} ${place}`;
  // The host whole, and the rest cut in its middle, while that leaves the rest a readable few characters.
  if (n.head !== '' && n.tail !== '') {
    const rest = place.slice(n.head.length + 1);
    const left = room - n.head.length - 1;
    if (left >= MIN_REST) return `${prefix} ${n.head}/${middleEllipsis(rest, left)}`;
  }
  return `${prefix} ${middleEllipsis(place, room)}`;
}

/** The names of a set of realms, told apart. */
export interface RealmNames {
  /** The realm's name, in at most `max` characters when given. An id not among the realms: `unreported realm`. */
  name(id: RealmId, max?: number): string;
  /** The parts of the realm's name (undefined for an id not among the realms). */
  parts(id: RealmId): RealmName | undefined;
}

export const UNREPORTED_REALM = 'unreported realm';

/**
 * Names every realm of `realms` (in the model's order, which numbers look-alikes): the usual name where
 * it is unique, else the whole URL where that is unique, else a number (`#1`, `#2`, … in order).
 */
export function nameRealms(realms: Iterable<RealmLike>): RealmNames {
  const list = [...realms];
  const names = new Map<RealmId, RealmName>();
  const byText = (items: RealmLike[], level: 1 | 2): Map<string, RealmLike[]> => {
    const groups = new Map<string, RealmLike[]>();
    for (const r of items) {
      const text = nameText(nameAt(r, level));
      const g = groups.get(text);
      if (g) g.push(r);
      else groups.set(text, [r]);
    }
    return groups;
  };
  for (const group of byText(list, 1).values()) {
    if (group.length === 1) {
      const r = group[0] as RealmLike;
      names.set(r.id, nameAt(r, 1));
      continue;
    }
    for (const same of byText(group, 2).values()) {
      if (same.length === 1) {
        const r = same[0] as RealmLike;
        names.set(r.id, nameAt(r, 2));
        continue;
      }
      same.forEach((r, i) => names.set(r.id, { ...nameAt(r, 2), tag: `#${i + 1}` }));
    }
  }
  return {
    name(id, max) {
      const n = names.get(id);
      if (!n) return max === undefined ? UNREPORTED_REALM : middleEllipsis(UNREPORTED_REALM, max);
      return max === undefined ? nameText(n) : shortenName(n, max);
    },
    parts: (id) => names.get(id),
  };
}

const memo = new WeakMap<ReadonlyMap<RealmId, RealmModel>, RealmNames>();

/** `nameRealms` of a model index's realm map, memoised per map object (one per model). */
export function realmNamesOf(realms: ReadonlyMap<RealmId, RealmModel>): RealmNames {
  let names = memo.get(realms);
  if (!names) {
    names = nameRealms(realms.values());
    memo.set(realms, names);
  }
  return names;
}

/** A realm's tooltip: what it is in full, with its id (ids live here, not in names). */
export function realmTitle(id: RealmId, realm?: Pick<RealmModel, 'kind' | 'url' | 'origin' | 'untrusted'>): string {
  if (!realm) return `realm ${id} (not reported by the recorder)`;
  const lines = [`${realmKindName(realm.kind)}${realm.url ? ` ${realm.url}` : ''}`, `realm ${id}`];
  if (realm.origin !== undefined && realm.origin !== '' && !(realm.url ?? '').startsWith(realm.origin)) lines.push(`origin ${realm.origin}`);
  if (realm.untrusted) lines.push(`${UNTRUSTED_MARK} untrusted: ${UNTRUSTED_WORDS[realm.untrusted]}`);
  return lines.join('\n');
}
