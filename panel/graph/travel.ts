/**
 * Messages travelling along the graph's edges while playback plays (issue 11 §1): which dots are drawn.
 * Pure (no React, no DOM): the graph view feeds it the messages the playback position passed since the
 * last move, and draws what it returns (`GraphView.tsx`, `TravellerDot`).
 *
 * Bounded whatever the pace: one dot per edge (the newest message on it; the others that passed along
 * it in the same move are counted, "+N"), at most MAX_TRAVELLERS edges at once (the newest), and at
 * most MAX_SCAN messages looked at per move (16× on a busy capture passes tens of thousands a second).
 */
import type { MessageModel } from '../../model/correlator';

/** How a message crosses the graph: the drawn edge it travels along, and which way. (A new field here
 *  is copied onto a dot field by field in `travellersAfter` too.) */
export interface TravelRoute {
  edge: string;
  /** From the edge's target to its source (a reply on a channel edge drawn the other way). */
  reverse: boolean;
  /** The sending and the receiving end as the graph names them (realm boxes). */
  from: string;
  to: string;
}

/** The routes a message travels (several for a broadcast; none when it is not drawn). */
export type RouteOf = (m: MessageModel) => readonly TravelRoute[];

/** A dot on an edge: the newest message on it, and how many others passed along it in the same move. */
export interface Traveller extends TravelRoute {
  messageId: string;
  /** Position of the message in the playback's time order (the newest wins). */
  order: number;
  /** Position of the newest message counted on the dot (the newest edges keep their dots). */
  latest: number;
  /** Other messages that passed along the edge while the dot travels. */
  more: number;
  /** Wall time (ms, performance.now()) the dot set off. */
  startedAt: number;
}

export type Travellers = ReadonlyMap<string, Traveller>;

/** Wall time (ms) a dot takes from the sending end to the receiving one, at any playback speed. */
export const TRAVEL_MS = 600;
/** Most dots at once: the newest are kept. */
export const MAX_TRAVELLERS = 24;
/** Most messages routed per move: the newest of those passed. */
export const MAX_SCAN = 5_000;

export const NO_TRAVELLERS: Travellers = new Map();

/**
 * The dots after a move of the playback position past `messages[from..to)` (in time order), at wall
 * time `now`. A dot still on its way keeps going, and the messages passing along its edge meanwhile
 * are counted on it (restarting it on every move would leave it stuck near the start at 16×); an edge
 * without one gets one for the newest message of the move, the move's others counted. Returns `prev`
 * itself when nothing changed (no redraw).
 */
export function travellersAfter(
  prev: Travellers,
  messages: readonly MessageModel[],
  from: number,
  to: number,
  routeOf: RouteOf,
  now: number,
): Travellers {
  const next = new Map<string, Traveller>();
  let changed = false;
  for (const [edge, t] of prev) {
    if (now - t.startedAt < TRAVEL_MS) next.set(edge, t);
    else changed = true;
  }
  /** Dots made or copied in this move (changed in place from then on). */
  const touched = new Set<string>();
  /** Of those, the ones set off in this move (they take the newest message). */
  const started = new Set<string>();
  for (let i = Math.max(from, to - MAX_SCAN); i < to; i++) {
    const m = messages[i];
    if (!m) continue;
    for (const r of routeOf(m)) {
      changed = true;
      const t = next.get(r.edge);
      if (!t) {
        next.set(r.edge, { ...r, messageId: m.id, order: i, latest: i, more: 0, startedAt: now });
        touched.add(r.edge);
        started.add(r.edge);
        continue;
      }
      const own = touched.has(r.edge) ? t : { ...t };
      if (!touched.has(r.edge)) {
        next.set(r.edge, own);
        touched.add(r.edge);
      }
      own.more++;
      own.latest = i;
      if (started.has(r.edge)) {
        // Field by field: a temporary object per message here was most of what a move allocated.
        own.reverse = r.reverse;
        own.from = r.from;
        own.to = r.to;
        own.messageId = m.id;
        own.order = i;
      }
    }
  }
  if (!changed) return prev;
  if (next.size <= MAX_TRAVELLERS) return next;
  const newest = [...next.values()].sort((a, b) => b.latest - a.latest).slice(0, MAX_TRAVELLERS);
  return new Map(newest.map((t) => [t.edge, t]));
}

/** What a dot says to a screen reader (and in its tooltip). */
export function travellerLabel(t: Traveller): string {
  return `message travelling from ${t.from} to ${t.to}${t.more > 0 ? `, and ${t.more} more` : ''}`;
}
