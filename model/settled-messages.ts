/**
 * What one model build leaves for the next, so that a build costs what changed, not the log's size
 * (issue 12: during a flood the panel built every message of a 200,000-event log ten times a second).
 *
 * Each send or receipt the build looks at either is settled for good — its message (or the fact that
 * it makes none: a receipt paired with its send) can change only with the correlator's epoch — or stays
 * open and is looked at again next time. The settled messages are kept in model order; a build visits
 * only the open items and the new ones, and merges what it made into them.
 *
 * Model order is by time (sent, else received), then by arrival: the order a stable sort by time of the
 * messages in item order gave, with the messages of dropped window messages (made anew by each build)
 * after the others of their time.
 */
import { timeOfMessage, type MessageModel, type Totals } from './model-types';

export interface SettledMessages {
  /** The correlator's epoch they were built at: another epoch starts over. */
  epoch: number;
  /** Items below this index were visited; of those, only `open` may still change. */
  scanned: number;
  /** Indexes of the visited items that are not settled, ascending. */
  open: number[];
  /** The settled messages, in model order: the builds' own array (a model gets a copy), which the
   *  next build extends in place when what it settles comes after them (`settledAfter`). */
  sorted: MessageModel[];
  /** The latest receipt time of a settled window receipt: its sender depends on the frame tree, so a
   *  change of the frames at or before it starts over. */
  windowT: number;
  /** `sorted`'s part of the totals. */
  counts: MessageCounts;
}

export type MessageCounts = Pick<Totals, 'sent' | 'delivered' | 'queued' | 'failed' | 'lost' | 'doomed' | 'droppedOrigin' | 'inFlight' | 'ambiguous'>;

export function noCounts(): MessageCounts {
  return { sent: 0, delivered: 0, queued: 0, failed: 0, lost: 0, doomed: 0, droppedOrigin: 0, inFlight: 0, ambiguous: 0 };
}

/** Adds `m` to `counts`. */
export function count(counts: MessageCounts, m: MessageModel): void {
  counts.sent++;
  if (m.ambiguous) counts.ambiguous++;
  switch (m.status) {
    case 'delivered':
      counts.delivered++;
      break;
    case 'queued':
      counts.queued++;
      break;
    case 'failed':
      counts.failed++;
      break;
    case 'lost':
      counts.lost++;
      break;
    case 'doomed':
      counts.doomed++;
      break;
    case 'dropped-origin':
      counts.droppedOrigin++;
      break;
    case 'in-flight':
      counts.inFlight++;
      break;
  }
}

/** Arrival index of the send or receipt a message was built from; a dropped window message's last. */
const arrivalOf = (m: MessageModel): number => (m.dropped ? Infinity : (m.send?.index ?? m.receipt?.index ?? Infinity));

/** Model order: negative when `a` comes first. */
export function modelOrder(a: MessageModel, b: MessageModel): number {
  const ta = timeOfMessage(a);
  const tb = timeOfMessage(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ia = arrivalOf(a);
  const ib = arrivalOf(b);
  return ia === ib ? 0 : ia < ib ? -1 : 1;
}

/**
 * `a` and `b` (each in model order) as one new array in model order. Costs a copy of `a` and a binary
 * search per message of `b`: built for a large `a` and a small `b`. Of equal messages, `a`'s first.
 */
export function merged(a: readonly MessageModel[], b: readonly MessageModel[]): MessageModel[] {
  const out = new Array<MessageModel>(a.length + b.length);
  let i = 0;
  let o = 0;
  for (const x of b) {
    let lo = i;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (modelOrder(a[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    while (i < lo) out[o++] = a[i++]!;
    out[o++] = x;
  }
  while (i < a.length) out[o++] = a[i++]!;
  return out;
}

/** `sorted` with `add` (each in model order): `sorted` itself, extended, when `add` comes after it (a
 *  live log's usual case), else a merged copy. */
export function settledAfter(sorted: MessageModel[], add: readonly MessageModel[]): MessageModel[] {
  if (add.length === 0) return sorted;
  const last = sorted[sorted.length - 1];
  if (last !== undefined && modelOrder(last, add[0]!) > 0) return merged(sorted, add);
  for (const m of add) sorted.push(m);
  return sorted;
}
