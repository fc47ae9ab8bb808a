/**
 * Which realms the filter bar's realm picker lists. A page that rotates ad frames has thousands of
 * gone realms; a `<select>` with an option for each costs a layout proportional to them at every view
 * tick (the browser measures every option to size the box), which made the panel's longest task under
 * frame churn (issue 14). So the list is bounded: the living realms first (by kind, then frame), then
 * the most recently gone, at most `limit` in all, and the realm the filter names is always there. The
 * rest are counted, and reachable by name in the filter text (`from:`, `to:`).
 */
import type { RealmModel } from '../../model/correlator';

/** Most realms the picker lists. */
export const REALM_OPTIONS_MAX = 100;

const KIND_ORDER: Record<RealmModel['kind'], number> = { top: 0, iframe: 1, popup: 2, worker: 3, sharedworker: 4, serviceworker: 5, unknown: 6 };

export interface RealmOptions {
  /** The realms to list, in the picker's order. */
  shown: RealmModel[];
  /** How many realms of the model are not listed. */
  hidden: number;
}

const byPlace = (a: RealmModel, b: RealmModel): number => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.frameId ?? 0) - (b.frameId ?? 0) || a.id.localeCompare(b.id);

/** The realms to list: at most `limit`, but the selected realm is listed even with a limit of 0. */
export function realmOptions(realms: readonly RealmModel[], selected: string | null, limit = REALM_OPTIONS_MAX): RealmOptions {
  const max = Math.max(0, limit);
  const living = realms.filter((r) => r.goneAt === undefined);
  const gone = realms.filter((r) => r.goneAt !== undefined).sort((a, b) => (b.goneAt ?? 0) - (a.goneAt ?? 0) || byPlace(a, b));
  const picked = [...living.sort(byPlace), ...gone].slice(0, max);
  if (selected !== null && !picked.some((r) => r.id === selected)) {
    const sel = realms.find((r) => r.id === selected);
    if (sel) picked[max > 0 && picked.length >= max ? picked.length - 1 : picked.length] = sel;
  }
  // Listed in the picker's usual order (living or not), as before the bound.
  picked.sort(byPlace);
  return { shown: picked, hidden: realms.length - picked.length };
}
