/**
 * The frame tree of a tab, as the correlator needs it: which realm lived in which frame when, and so
 * which realm a window message's `source` relation names. Pure and rebuilt on demand (it is small:
 * one entry per realm).
 *
 * Popups: a tab opened by `window.open` from a realm of the session has its records marked with the
 * opener frame. Its top realm's parent is the realm in that frame when the popup started; `opener`
 * resolves to it, and the opener's `other` resolves to the one popup of that origin it opened.
 *
 * A frame can hold several realms over time (the initial `about:blank`, then each navigation): the
 * realm that answers for a frame at time `t` is the newest one started at or before `t` (or, before
 * any started, the first one).
 */
import { CLOCK_SKEW_MS } from './model-types';
import type { FrameRef, RealmId, WindowRelation } from './protocol';

/** What the frame tree needs to know about a window realm. */
export interface FrameRealm {
  id: RealmId;
  tabId: number;
  frameId: number;
  /** -1 for a top frame; undefined when the background did not know it. */
  parentFrameId?: number;
  origin?: string;
  /** When the realm started (its `realmStarted`, else its first event). */
  startT: number;
  /** In a popup's tab: the frame that opened the popup (LogRecord.opener). */
  opener?: FrameRef;
  /** When it went (its `realmGone`, or the background's report), when known. */
  goneAt?: number;
}

/**
 * How long after its frame went a window message from it may still be received. A message posted just
 * before a frame is removed is still delivered (it waits in the receiver's task queue); a frame gone
 * longer than this before a receipt is not among its candidate senders.
 */
export const GONE_GRACE_MS = 10_000;

/** How long after a frame's end a receipt's resolution may still depend on it: the least of the
 *  windows `resolve` looks through (a `child` relation looks no further back than the clocks' skew). */
const END_SEEN_MS = Math.min(GONE_GRACE_MS, CLOCK_SKEW_MS);

/**
 * Frames by when they lived, to ask which were there around a time in O(log n + answers) rather than
 * looking at every frame the tab ever had: a page that rotates ad frames has thousands, and every
 * window message was compared with each of them at every model build (the frame churn of issue 14).
 * Static: sorted by start, with a tree of the latest end over each range of that order.
 */
class Lifetimes<T> {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly values: T[];
  /** maxEnd[node]: the latest end in the node's range (node 1 is [0, n); children 2k, 2k+1). */
  private readonly maxEnd: Float64Array;

  constructor(items: readonly { start: number; end: number; value: T }[]) {
    const sorted = [...items].sort((a, b) => a.start - b.start);
    this.starts = sorted.map((x) => x.start);
    this.ends = sorted.map((x) => x.end);
    this.values = sorted.map((x) => x.value);
    this.maxEnd = new Float64Array(Math.max(1, 4 * sorted.length)).fill(-Infinity);
    if (sorted.length > 0) this.fill(1, 0, sorted.length);
  }

  private fill(node: number, lo: number, hi: number): number {
    const m = hi - lo === 1 ? (this.ends[lo] as number) : Math.max(this.fill(2 * node, lo, (lo + hi) >> 1), this.fill(2 * node + 1, (lo + hi) >> 1, hi));
    this.maxEnd[node] = m;
    return m;
  }

  /** The values that started at or before `to` and ended at or after `from`, in order of start. */
  during(from: number, to: number): T[] {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) <= to) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    if (lo > 0) this.visit(1, 0, this.starts.length, lo, from, out);
    return out;
  }

  private visit(node: number, lo: number, hi: number, limit: number, from: number, out: T[]): void {
    if (lo >= limit || (this.maxEnd[node] as number) < from) return;
    if (hi - lo === 1) {
      out.push(this.values[lo] as T);
      return;
    }
    const mid = (lo + hi) >> 1;
    this.visit(2 * node, lo, mid, limit, from, out);
    this.visit(2 * node + 1, mid, hi, limit, from, out);
  }
}

/** A frame's life: from its first realm's start to its last realm's end (Infinity while it lives). */
function lifeOf(list: readonly FrameRealm[]): { start: number; end: number } {
  let start = Infinity;
  for (const r of list) start = Math.min(start, r.startT);
  const last = list[list.length - 1];
  return { start, end: last?.goneAt ?? Infinity };
}

/** Who sent a window message, as far as the frame tree and the guards can tell. */
export interface SourceResolution {
  realm?: RealmId;
  /** Set when the attribution is a guess: the reasons the guards could not confirm it. */
  ambiguous?: string[];
  /** Other realms that could equally have sent it. */
  candidates?: RealmId[];
  /** Why there is no realm: the sender is outside this tab or unknown. */
  unknown?: 'opener' | 'none' | 'notInTab' | 'frameUnknown' | 'sharedWorkerClient';
}

const key = (tabId: number, frameId: number): string => `${tabId}:${frameId}`;

function listIn<K, V>(map: Map<K, V[]>, k: K): V[] {
  let list = map.get(k);
  if (!list) {
    list = [];
    map.set(k, list);
  }
  return list;
}

export class FrameTree {
  private readonly byFrame = new Map<string, FrameRealm[]>();
  private readonly children = new Map<string, number[]>();
  private readonly tops = new Map<number, number>();
  /** Popup top realms by the opener frame's key. */
  private readonly popups = new Map<string, FrameRealm[]>();
  /** Per frame key, its child frames by lifetime (made when first asked). */
  private readonly childLives = new Map<string, Lifetimes<number>>();
  /** Per tab, the frames that have children, and its frames with no parent frame (tops, popups, and
   *  frames whose parent the background did not know). */
  private readonly parents = new Map<number, number[]>();
  private readonly roots = new Map<number, number[]>();
  /** Per tab, its parentless frames by lifetime (made when first asked). */
  private readonly rootLives = new Map<number, Lifetimes<number>>();
  /** Each frame's place in its tab's order of first appearance (ties of start time keep this order). */
  private readonly order = new Map<string, number>();

  constructor(realms: Iterable<FrameRealm>) {
    for (const r of realms) {
      const k = key(r.tabId, r.frameId);
      let list = this.byFrame.get(k);
      if (!list) {
        list = [];
        this.byFrame.set(k, list);
        this.order.set(k, this.order.size);
        if (r.parentFrameId !== undefined && r.parentFrameId >= 0) {
          const pk = key(r.tabId, r.parentFrameId);
          let kids = this.children.get(pk);
          if (!kids) {
            kids = [];
            this.children.set(pk, kids);
            listIn(this.parents, r.tabId).push(r.parentFrameId);
          }
          kids.push(r.frameId);
        } else {
          listIn(this.roots, r.tabId).push(r.frameId);
        }
        if (r.parentFrameId === -1 || r.frameId === 0) this.tops.set(r.tabId, r.frameId);
      }
      list.push(r);
      if (r.opener && this.isTop(r)) {
        const ok = key(r.opener.tabId, r.opener.frameId);
        const opened = this.popups.get(ok) ?? [];
        opened.push(r);
        this.popups.set(ok, opened);
      }
    }
    for (const list of this.byFrame.values()) list.sort((a, b) => a.startT - b.startT);
    for (const kids of this.children.values()) kids.sort((a, b) => a - b);
  }

  private isTop(r: FrameRealm): boolean {
    return r.parentFrameId === -1 || (r.parentFrameId === undefined && r.frameId === 0);
  }

  /** The realm that opened a popup's top realm: the one in the opener frame when the popup started. */
  openerOf(realm: FrameRealm, t = realm.startT): FrameRealm | undefined {
    if (!realm.opener || !this.isTop(realm)) return undefined;
    return this.realmAt(realm.opener.tabId, realm.opener.frameId, t);
  }

  /**
   * The child frames of a frame that were there around `t` (started by t + CLOCK_SKEW_MS, not gone
   * before t - grace), in frame id order.
   */
  private childrenAt(tabId: number, frameId: number, t: number, grace = GONE_GRACE_MS): number[] {
    const k = key(tabId, frameId);
    let lives = this.childLives.get(k);
    if (!lives) {
      const kids = this.children.get(k) ?? [];
      lives = new Lifetimes(kids.map((f) => ({ ...lifeOf(this.byFrame.get(key(tabId, f)) ?? []), value: f })));
      this.childLives.set(k, lives);
    }
    return lives.during(t - grace, t + CLOCK_SKEW_MS).sort((a, b) => a - b);
  }

  /**
   * The frames of a tab that were there around `t` (as childrenAt, with the full grace), but the
   * children of frame `except`, each as its list of realms, in order of their first start. Asked per
   * parent frame, so that a frame whose children come and go by the thousand (rotating ad slots) costs
   * nothing when the receiver is that frame: its children are not `other` to it.
   */
  private framesAtExcept(tabId: number, except: number, t: number): FrameRealm[][] {
    const ids: number[] = [];
    for (const parent of this.parents.get(tabId) ?? []) if (parent !== except) for (const f of this.childrenAt(tabId, parent, t)) ids.push(f);
    let lives = this.rootLives.get(tabId);
    if (!lives) {
      const roots = this.roots.get(tabId) ?? [];
      lives = new Lifetimes(roots.map((f) => ({ ...lifeOf(this.byFrame.get(key(tabId, f)) ?? []), value: f })));
      this.rootLives.set(tabId, lives);
    }
    for (const f of lives.during(t - GONE_GRACE_MS, t + CLOCK_SKEW_MS)) ids.push(f);
    const lists = ids.map((f) => this.byFrame.get(key(tabId, f)) ?? []).filter((l) => l.length > 0);
    const place = (l: FrameRealm[]): number => this.order.get(key(tabId, l[0]!.frameId)) ?? 0;
    return lists.sort((a, b) => a[0]!.startT - b[0]!.startT || place(a) - place(b));
  }

  /** The realm of a frame at time `t`. */
  realmAt(tabId: number, frameId: number, t: number): FrameRealm | undefined {
    const list = this.byFrame.get(key(tabId, frameId));
    if (!list || list.length === 0) return undefined;
    let found = list[0];
    for (const r of list) if (r.startT <= t) found = r;
    return found;
  }

  /** When a later realm replaced `realm` in its frame (a navigation), else undefined. */
  replacedAt(realm: FrameRealm): number | undefined {
    const list = this.byFrame.get(key(realm.tabId, realm.frameId));
    if (!list) return undefined;
    const i = list.indexOf(realm);
    const next = i >= 0 ? list[i + 1] : undefined;
    return next ? next.startT : undefined;
  }

  /** The realm of the parent frame, at the time the child started (for a popup, its opener). */
  parentOf(realm: FrameRealm): FrameRealm | undefined {
    if (realm.opener && this.isTop(realm)) return this.openerOf(realm);
    if (realm.parentFrameId === undefined || realm.parentFrameId < 0) return undefined;
    return this.realmAt(realm.tabId, realm.parentFrameId, realm.startT);
  }

  /**
   * Resolves a window message's `source` relation, seen from `receiver` at time `t`, to a realm.
   * Guards: the sender's origin must equal the message's `origin` (both come from the same incumbent
   * realm); a child index is trusted only when the frame tree leaves one candidate (the order of
   * `window.frames` is document order, which frame ids only approximate).
   */
  resolve(receiver: FrameRealm, relation: WindowRelation, childIndex: number | undefined, origin: string, t: number): SourceResolution {
    const originOk = (r: FrameRealm): boolean => r.origin === undefined || origin === '' || r.origin === origin;
    const single = (r: FrameRealm | undefined, unknown: SourceResolution['unknown'] = 'frameUnknown'): SourceResolution => {
      if (!r) return { unknown };
      return originOk(r) ? { realm: r.id } : { realm: r.id, ambiguous: ['originMismatch'] };
    };
    switch (relation) {
      case 'self':
        return single(receiver);
      case 'parent':
        if (receiver.parentFrameId === undefined || receiver.parentFrameId < 0) return { unknown: 'frameUnknown' };
        return single(this.realmAt(receiver.tabId, receiver.parentFrameId, t));
      case 'top': {
        const top = this.tops.get(receiver.tabId);
        return single(top === undefined ? undefined : this.realmAt(receiver.tabId, top, t));
      }
      case 'child': {
        // Only the frames there at the time: the receiver found the source among its `window.frames`
        // when the message arrived, so the sender's frame was still there (no grace, as for `other`:
        // a removed frame's window is no child any more), but for the two clocks' skew.
        const kids = this.childrenAt(receiver.tabId, receiver.frameId, t, CLOCK_SKEW_MS)
          .map((f) => this.realmAt(receiver.tabId, f, t))
          .filter((r): r is FrameRealm => r !== undefined);
        const sameOrigin = kids.filter(originOk);
        if (sameOrigin.length === 1) {
          const only = sameOrigin[0]!;
          // One child of that origin: unless the index points elsewhere among several children, it is the one.
          return kids.length === 1 || kids[childIndex ?? -1] === only ? { realm: only.id } : { realm: only.id, ambiguous: ['childIndex'] };
        }
        if (sameOrigin.length === 0) return { unknown: 'frameUnknown' };
        const byIndex = childIndex !== undefined ? kids[childIndex] : undefined;
        const guess = byIndex && sameOrigin.includes(byIndex) ? byIndex : sameOrigin[0]!;
        return { realm: guess.id, ambiguous: ['childIndex'], candidates: sameOrigin.map((r) => r.id) };
      }
      case 'other': {
        // A window that is not self, parent, top, opener or a direct child: a sibling or a deeper frame.
        // Its own children are excluded by asking for the frames of the tab but them.
        const excluded = new Set<RealmId>([receiver.id]);
        for (const r of [this.resolve(receiver, 'parent', undefined, '', t), this.resolve(receiver, 'top', undefined, '', t)]) if (r.realm) excluded.add(r.realm);
        const current = new Set<FrameRealm>();
        for (const list of this.framesAtExcept(receiver.tabId, receiver.frameId, t)) {
          const r = list[0];
          if (!r) continue;
          const now = this.realmAt(r.tabId, r.frameId, t);
          // A frame whose first realm started after the message cannot have sent it.
          if (now && now.startT <= t + CLOCK_SKEW_MS && !excluded.has(now.id) && originOk(now) && origin !== '') current.add(now);
        }
        const list = [...current];
        if (list.length === 1) return { realm: list[0]!.id };
        if (list.length === 0) return this.popupOf(receiver, origin, t);
        return { ambiguous: ['severalCandidates'], candidates: list.map((r) => r.id) };
      }
      case 'opener': {
        // Only a popup of the session has its opener in the recording.
        const opener = this.openerOf(receiver, t);
        return opener ? single(opener) : { unknown: 'opener' };
      }
      case 'none':
        return { unknown: 'none' };
    }
  }

  /**
   * A window outside the receiver's tab: one of the popups it opened (still there at `t`). Named only
   * when exactly one of that origin was; a popup that navigated to another origin does not match.
   */
  private popupOf(receiver: FrameRealm, origin: string, t: number): SourceResolution {
    const opened = this.popups.get(key(receiver.tabId, receiver.frameId)) ?? [];
    const now = new Set<FrameRealm>();
    for (const p of opened) {
      if (p.startT > t || this.openerOf(p)?.id !== receiver.id) continue;
      const current = this.realmAt(p.tabId, p.frameId, t);
      if (current && origin !== '' && current.origin === origin) now.add(current);
    }
    const list = [...now];
    if (list.length === 1) return { realm: list[0]!.id };
    if (list.length === 0) return { unknown: 'notInTab' };
    return { ambiguous: ['severalPopups'], candidates: list.map((r) => r.id) };
  }
}

/**
 * The earliest receipt time whose source resolution may differ between two frame trees (`prev`, the
 * realms of the last model build; `next`, of this one): -Infinity when anything but a realm's times
 * changed, Infinity when nothing did. A build resolves again only the window receipts at or after it,
 * so that a page rotating frames does not have every earlier window message resolved again each time
 * a frame comes or goes (issue 14's frame churn). Conservative by construction: each rule bounds what
 * `resolve` reads — a frame's realm at t (newest started by t, else its first), the frames around t
 * (started by t + CLOCK_SKEW_MS, gone after t - GONE_GRACE_MS; for a `child` relation, after
 * t - CLOCK_SKEW_MS) and the realms' origins and places.
 */
export function frameChangesFrom(prev: ReadonlyMap<RealmId, FrameRealm>, next: ReadonlyMap<RealmId, FrameRealm>): number {
  let from = Infinity;
  const firstStart = new Map<string, number>();
  /** Per frame, its newest realm: whose end is the frame's end (lifeOf). */
  const newest = new Map<string, FrameRealm>();
  /** Frames some realm names as its parent or opener: a realm appearing there is found at any time. */
  const named = new Set<string>();
  for (const r of prev.values()) {
    const k = key(r.tabId, r.frameId);
    firstStart.set(k, Math.min(firstStart.get(k) ?? Infinity, r.startT));
    const n = newest.get(k);
    if (!n || r.startT >= n.startT) newest.set(k, r);
    if (r.parentFrameId !== undefined) named.add(key(r.tabId, r.parentFrameId));
    if (r.opener) named.add(key(r.opener.tabId, r.opener.frameId));
  }
  for (const r of next.values()) {
    const old = prev.get(r.id);
    if (!old) {
      // A new realm answers for its frame from its start on — and before, when it is now the frame's
      // first (realmAt's fallback) or its frame is new (framesAt: started by t + CLOCK_SKEW_MS).
      const k = key(r.tabId, r.frameId);
      const first = firstStart.get(k);
      if (first === undefined) {
        // A new frame: among the frames around t from t = its start - CLOCK_SKEW_MS on; at any time
        // when a realm already named it as parent or opener, or it is a top frame or a popup.
        if (named.has(k) || r.opener || r.parentFrameId === undefined || r.parentFrameId < 0 || r.frameId === 0) return -Infinity;
        from = Math.min(from, r.startT - CLOCK_SKEW_MS);
        continue;
      }
      if (r.startT < first) return -Infinity;
      // It may also be the frame's newest now, so the frame's end moved (from its old newest's end).
      from = Math.min(from, r.startT - CLOCK_SKEW_MS, (newest.get(k)?.goneAt ?? Infinity) + END_SEEN_MS);
      continue;
    }
    if (old.tabId !== r.tabId || old.frameId !== r.frameId || old.parentFrameId !== r.parentFrameId || old.origin !== r.origin || old.opener?.tabId !== r.opener?.tabId || old.opener?.frameId !== r.opener?.frameId) return -Infinity;
    if (old.startT !== r.startT) from = Math.min(from, Math.min(old.startT, r.startT) - CLOCK_SKEW_MS);
    // A frame's end moved: only receipts more than END_SEEN_MS after the earlier end can see it.
    if (old.goneAt !== r.goneAt) from = Math.min(from, Math.min(old.goneAt ?? Infinity, r.goneAt ?? Infinity) + END_SEEN_MS);
  }
  if (prev.size > 0) for (const id of prev.keys()) if (!next.has(id)) return -Infinity;
  return from;
}

