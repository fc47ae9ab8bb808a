/**
 * Inference of ports that arrived with no recorded send (a window or worker message carried them):
 * which port of the sending realm each one is, joined only when the guards leave one candidate
 * (docs/correlation.md, "Ports that arrive without a recorded send").
 */
import { CLOCK_SKEW_MS } from './model-types';
import type { PortId } from './protocol';
import type { LocalPort, Realm, RecvRec, SendRec, State } from './correlate-state';
import { join, partnerOf, rootOf } from './ports';

/**
 * The stronger half of `trafficConfirms`: the candidate's partner has receipts no recorded send
 * explains, and the arrived port's sends can (its first send comes before the first such receipt).
 * Unexplained sends are common (a port never started keeps them queued); unexplained receipts in an
 * instrumented realm are not, so a candidate that explains them is the better one.
 */
function explainsReceipts(c: LocalPort, arrived: LocalPort): boolean {
  const cr = rootOf(c);
  const ar = rootOf(arrived);
  const q = partnerOf(cr);
  if (!q || ar.out.length === 0 || q.in.length <= cr.out.length) return false;
  const firstUnexplained = q.in[cr.out.length];
  const firstSend = ar.out[0];
  return firstUnexplained !== undefined && firstSend !== undefined && firstSend.ev.t <= firstUnexplained.ev.t + CLOCK_SKEW_MS;
}

/** Sends from `c`'s partner not received on `c`, or receipts on it not sent by `c`: traffic the
 *  arrived port must account for if it is `c`. */
function trafficConfirms(c: LocalPort, arrived: LocalPort): boolean {
  const cr = rootOf(c);
  const ar = rootOf(arrived);
  const q = partnerOf(cr);
  if (!q) return false;
  const out = ar.out.length > 0 && q.in.length > cr.out.length;
  const inn = ar.in.length > 0 && q.out.length > cr.in.length;
  return out || inn;
}

/**
 * A port joined to its only candidate before any traffic is a guess; traffic through it afterwards
 * (a send from it that its partner received, or a receipt on it) confirms the guess, as the same
 * traffic would have made the join confirmed had it arrived before the inference ran.
 */
export function confirmInferredJoins(st: State): void {
  for (const recv of st.inferable) {
    for (const a of recv.arrived) {
      if (!a.inferred || a.confirmed) continue;
      const root = rootOf(a);
      if (trafficThrough(root.out, a) || trafficThrough(root.in, a)) {
        a.confirmed = true;
        st.epoch++;
      }
    }
  }
}

/** Is one of `list` (custody-ordered) a matched event of local `a`? Looks only at a's part (the tail). */
function trafficThrough(list: readonly (SendRec | RecvRec)[], a: LocalPort): boolean {
  for (let i = list.length - 1; i >= 0; i--) {
    const x = list[i]!;
    const at = x.local?.index ?? 0;
    if (at < a.index) return false;
    if (x.local === a && x.match) return true;
  }
  return false;
}

export function inferArrivals(st: State, sender: Realm | undefined, recv: RecvRec): void {
  const open = recv.arrived.filter((a) => a.index === 0 && rootOf(a).custody[0] === a && !a.inferred);
  if (open.length === 0) {
    recv.inference = undefined;
    return;
  }
  if (!sender) {
    recv.inference = { candidates: [] };
    return;
  }
  // Decide only once the sender's own log has reached the receipt: its earlier ports are known.
  if (sender.instrumented && sender.lastT < recv.ev.t - CLOCK_SKEW_MS) return;
  const t = recv.ev.t;
  const all: PortId[] = [];
  for (const a of open) {
    const cands = sender.locals.filter((c) => {
      const root = rootOf(c);
      if (root === rootOf(a) || root.lost || c.successor || root.custody[root.custody.length - 1] !== c) return false;
      if (c.observed !== sender.instrumented || c.leftT !== undefined) return false;
      if (c.firstT > t + CLOCK_SKEW_MS || (c.closedT !== undefined && c.closedT <= t)) return false;
      // A port that moved is never used again where it was (no skew allowance: later activity excludes).
      return !sender.instrumented || c.lastActiveT <= t;
    });
    const confirmed = cands.filter((c) => trafficConfirms(c, a));
    let chosen: LocalPort | undefined;
    let sure = false;
    if (confirmed.length === 1) {
      chosen = confirmed[0];
      sure = true;
    } else if (confirmed.length > 1) {
      // Several candidates have traffic that fits; one that explains receipts nothing else can wins.
      const explaining = confirmed.filter((c) => explainsReceipts(c, a));
      if (explaining.length === 1) chosen = explaining[0];
    } else if (cands.length === 1 && open.length === 1 && sender.instrumented) chosen = cands[0];
    if (chosen && join(st, chosen, a, a.via, { inferred: true, confirmed: sure }, [{ realm: recv.realm.id, seq: recv.ev.seq }])) {
      chosen.leftT = t;
      continue;
    }
    for (const c of cands) all.push(rootOf(c).id);
  }
  recv.inference = all.length > 0 ? { candidates: [...new Set(all)] } : undefined;
}
