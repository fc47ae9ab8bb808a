/**
 * Which worker a realm recorded from the inside is (issue 13). The creator's recorder names a worker
 * when it is made (`workerCreated`: an id in the creator's realm, the script URL, its time); the
 * recorder the debugger runs inside the worker starts a realm of its own. The browser says which frame
 * or worker started a worker (the debugging protocol's parent: a frame token, or the parent worker's
 * session) but not which `new Worker()` call, so one inside realm is linked to one creation by script
 * URL and order: the k-th worker of a URL started by one owner is that owner's k-th creation of it.
 *
 * A frame token is not a realm id (the content relays cannot learn their frame's token), so for a
 * worker started by a frame the creating realm is found the first time it is unambiguous — one realm
 * of the tab created a worker of that URL that no inside realm took yet — and kept for that token's
 * earlier and later workers. While two realms could have made it, the link is ambiguous with both
 * candidates, never guessed. A nested worker's owner is a worker recorded from the inside: its
 * creations were recorded in that very realm, so its link is exact.
 *
 * Pure and deterministic: the same inputs in any order give the same links.
 */
import { CLOCK_SKEW_MS } from './model-types';
import type { RealmId } from './protocol';

/** A worker realm recorded from the inside. */
export interface InsideWorker {
  realm: RealmId;
  /** The worker's script URL (absolute, as the browser resolved it). */
  url: string;
  /** When its recorder started (ms, the recorders' shared clock). */
  startedAt: number;
  /** Who started it: `{ frame }` with the debugging protocol's frame token, or `{ worker }` with the
   *  inside realm of the worker that started it (a nested worker). */
  owner: { frame: string } | { worker: RealmId };
}

/** A `workerCreated` event, as its creator recorded it. */
export interface WorkerCreation {
  /** The worker's id in the creator's realm (`workerCreated.worker`). */
  worker: string;
  /** The realm that created it. */
  realm: RealmId;
  url: string;
  t: number;
}

export type WorkerLink =
  | { inside: RealmId; worker: string; creator: RealmId }
  | { inside: RealmId; ambiguous: true; candidates: string[] };


const byTime = (a: WorkerCreation, b: WorkerCreation): number => a.t - b.t || (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : 0);

export function linkWorkers(inside: readonly InsideWorker[], creations: readonly WorkerCreation[]): WorkerLink[] {
  const workers = [...inside].sort((a, b) => a.startedAt - b.startedAt || (a.realm < b.realm ? -1 : a.realm > b.realm ? 1 : 0));
  // Creations not yet taken, per realm and URL, oldest first.
  const open = new Map<RealmId, Map<string, WorkerCreation[]>>();
  for (const c of [...creations].sort(byTime)) {
    let byUrl = open.get(c.realm);
    if (!byUrl) open.set(c.realm, (byUrl = new Map()));
    const list = byUrl.get(c.url);
    if (list) list.push(c);
    else byUrl.set(c.url, [c]);
  }
  // (A creation recorded up to the clocks' skew after the worker's start may still be the one that
  // made it: the creator's clock and the worker's are the same wall clock read in two processes.)
  const oldest = (realm: RealmId, url: string, by: number): WorkerCreation | undefined => {
    const c = open.get(realm)?.get(url)?.[0];
    return c && c.t <= by + CLOCK_SKEW_MS ? c : undefined;
  };
  const take = (c: WorkerCreation): void => {
    open.get(c.realm)?.get(c.url)?.shift();
  };
  /** Frame token → the realm found to create its workers. */
  const frameRealm = new Map<string, RealmId>();
  /** Frame token → its workers left ambiguous so far (and where their link is). */
  const pending = new Map<string, { worker: InsideWorker; at: number }[]>();
  const links: WorkerLink[] = [];
  for (const w of workers) {
    let creator: RealmId | undefined;
    if ('worker' in w.owner) creator = w.owner.worker;
    else creator = frameRealm.get(w.owner.frame);
    if (creator !== undefined) {
      const c = oldest(creator, w.url, w.startedAt);
      if (c) {
        take(c);
        links.push({ inside: w.realm, worker: c.worker, creator: c.realm });
      }
      continue;
    }
    // A frame not placed yet: every realm with an open creation of that URL could be it.
    const frame = (w.owner as { frame: string }).frame;
    const candidates: WorkerCreation[] = [];
    for (const realm of open.keys()) {
      const c = oldest(realm, w.url, w.startedAt);
      if (c) candidates.push(c);
    }
    if (candidates.length === 1) {
      const realm = candidates[0]!.realm;
      frameRealm.set(frame, realm);
      // The frame's earlier workers that were ambiguous are its own: they started first, so they take
      // that realm's older creations.
      for (const p of pending.get(frame) ?? []) {
        const c = oldest(realm, p.worker.url, p.worker.startedAt);
        if (!c) continue;
        take(c);
        links[p.at] = { inside: p.worker.realm, worker: c.worker, creator: c.realm };
      }
      pending.delete(frame);
      const c = oldest(realm, w.url, w.startedAt);
      if (c) {
        take(c);
        links.push({ inside: w.realm, worker: c.worker, creator: c.realm });
      }
    } else if (candidates.length > 1) {
      let list = pending.get(frame);
      if (!list) pending.set(frame, (list = []));
      list.push({ worker: w, at: links.length });
      links.push({ inside: w.realm, ambiguous: true, candidates: candidates.map((c) => c.worker).sort() });
    }
  }
  return links;
}
