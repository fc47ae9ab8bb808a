/**
 * Which page made a shared worker's `connect` (issue 13). A page's `new SharedWorker(url, name)` is
 * recorded by its recorder (`workerCreated` with `sharedPort`: the page's end of the connection); the
 * recorder inside the shared worker records each `connect` as a receipt carrying the worker's end
 * (SHARED_WORKER_CONNECT). Nothing in a connect names the page: the browser connects a worker's
 * clients in the order they were made, so the k-th connect of a worker (script URL and name) pairs
 * with the k-th creation of that worker recorded in the session, oldest first, and only with a
 * creation made before it (up to the clocks' skew).
 *
 * A worker's start may have been caused by any creation made before it, or those creations may have
 * connected to an earlier start of it that was not recorded (a start that outran the attachment, the
 * setting off): when several unpaired creations come before a start, none of them is paired, nor the
 * connect that stood for them (never a wrong sender).
 *
 * Links are made as the two halves arrive (from two streams: either may come first) and once made
 * stay. What this cannot see: a page of another tab (not recorded in this session) connecting to
 * the same shared worker between a page's creation and its connect takes that page's place in the
 * order (docs/correlation.md).
 */
import { CLOCK_SKEW_MS } from './model-types';
import type { PortId, RealmId } from './protocol';

/** A `new SharedWorker()`, as the page's recorder recorded it. */
export interface SharedWorkerCreation {
  realm: RealmId;
  /** The page's end (`SharedWorker.port`). */
  port: PortId;
  url: string;
  name: string;
  t: number;
}

/** A `connect` inside a shared worker recorded from the inside. */
export interface SharedWorkerConnect<C> {
  /** The worker's end (the connect's `ports[0]`). */
  port: PortId;
  url: string;
  name: string;
  t: number;
  /** When the worker (this instance of it) started, when known. */
  startedAt?: number;
  /** The caller's handle on the receipt. */
  receipt: C;
}

export interface SharedWorkerLink<C> {
  creation: SharedWorkerCreation;
  connect: SharedWorkerConnect<C>;
}

const keyOf = (w: { url: string; name: string }): string => `${w.name}\u0000${w.url}`;
const byTime = <T extends { t: number }>(a: T, b: T): number => a.t - b.t;

export class SharedWorkerLinker<C> {
  /** Per worker (script URL and name), the halves not linked yet, oldest first. */
  private readonly creations = new Map<string, SharedWorkerCreation[]>();
  private readonly connects = new Map<string, SharedWorkerConnect<C>[]>();

  /** A creation recorded: the link it makes, if its connect is already here. */
  created(c: SharedWorkerCreation): SharedWorkerLink<C>[] {
    insertByTime(this.creations, keyOf(c), c);
    return this.link(keyOf(c));
  }

  /** A connect recorded: the link it makes, if its creation is already here. */
  connected(k: SharedWorkerConnect<C>): SharedWorkerLink<C>[] {
    insertByTime(this.connects, keyOf(k), k);
    return this.link(keyOf(k));
  }

  /** Pairs the oldest creation with the oldest connect made after it, as long as there are such. */
  private link(key: string): SharedWorkerLink<C>[] {
    const creations = this.creations.get(key);
    const connects = this.connects.get(key);
    const links: SharedWorkerLink<C>[] = [];
    while (creations && connects && creations.length > 0 && connects.length > 0) {
      const creation = creations[0]!;
      // A connect older than the oldest creation came from a client this session did not record.
      const i = connects.findIndex((k) => k.t + CLOCK_SKEW_MS >= creation.t);
      if (i < 0) break;
      const connect = connects[i]!;
      connects.splice(i, 1);
      // Made before this worker started: it may be what started it, or have connected to an earlier
      // start of it that was not recorded (a start that outran the attachment, the setting off). One
      // such creation is this connect's; of several, which one is not known: none is paired.
      const started = connect.startedAt;
      if (started !== undefined && creation.t + CLOCK_SKEW_MS < started) {
        const before = creations.filter((c) => c.t <= started + CLOCK_SKEW_MS && c.t <= connect.t + CLOCK_SKEW_MS);
        if (before.length > 1) {
          for (const c of before) creations.splice(creations.indexOf(c), 1);
          continue;
        }
      }
      creations.shift();
      links.push({ creation, connect });
    }
    return links;
  }
}

function insertByTime<T extends { t: number }>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [item]);
    return;
  }
  list.push(item);
  if (list.length > 1 && list[list.length - 2]!.t > item.t) list.sort(byTime);
}
