/**
 * Popup tabs and the session they belong to.
 *
 * A page's `window.open` makes a new tab (`webNavigation.onCreatedNavigationTarget`: source tab and
 * frame → new tab). That tab's realms belong to the opener tab's session: the panels inspecting the
 * opener (and, for a popup of a popup, every tab up the chain to the root) get its batches. The map
 * is small and survives a service-worker stop as a plain object in `storage.session`.
 */
import type { FrameRef } from '../model/protocol';

export interface PopupTab {
  /** The frame that opened the popup. */
  opener: FrameRef;
  /** The first tab up the chain that is not a popup itself: whose departed-document store it uses. */
  root: number;
}

export type PopupRecord = Record<string, PopupTab>;

export class PopupTabs {
  private readonly tabs = new Map<number, PopupTab>();

  constructor(saved?: unknown) {
    if (typeof saved !== 'object' || saved === null) return;
    for (const [key, value] of Object.entries(saved as Record<string, unknown>)) {
      const v = value as Partial<PopupTab> | null;
      const tabId = Number(key);
      if (Number.isSafeInteger(tabId) && typeof v?.root === 'number' && typeof v.opener?.tabId === 'number' && typeof v.opener.frameId === 'number') {
        this.tabs.set(tabId, { opener: { tabId: v.opener.tabId, frameId: v.opener.frameId }, root: v.root });
      }
    }
  }

  /** `tabId` was opened by frame `frameId` of `sourceTabId`. False when it was known already. */
  learned(tabId: number, sourceTabId: number, sourceFrameId: number): boolean {
    if (tabId === sourceTabId) return false;
    const known = this.tabs.get(tabId);
    if (known && known.opener.tabId === sourceTabId && known.opener.frameId === sourceFrameId) return false;
    this.tabs.set(tabId, { opener: { tabId: sourceTabId, frameId: sourceFrameId }, root: this.root(sourceTabId) });
    return true;
  }

  get(tabId: number): PopupTab | undefined {
    return this.tabs.get(tabId);
  }

  /** The root inspected tab of `tabId`'s session (itself when it is not a popup). */
  root(tabId: number): number {
    return this.tabs.get(tabId)?.root ?? tabId;
  }

  /** `tabId` and the tabs up its opener chain: whose panels get its batches. */
  audience(tabId: number): number[] {
    const out = [tabId];
    const seen = new Set(out);
    for (let t = this.tabs.get(tabId); t && !seen.has(t.opener.tabId); t = this.tabs.get(t.opener.tabId)) {
      out.push(t.opener.tabId);
      seen.add(t.opener.tabId);
    }
    return out;
  }

  /** The tabs a panel of `tabId` shows: itself and every popup down its chains. */
  session(tabId: number): Set<number> {
    const out = new Set([tabId]);
    for (const t of this.tabs.keys()) if (this.audience(t).includes(tabId)) out.add(t);
    return out;
  }

  /** A tab closed. A closed popup stays known (its departed batches and its own popups still belong
   *  to the session) until its root closes; a closed root forgets its whole session. */
  removed(tabId: number): boolean {
    let changed = false;
    for (const [t, p] of this.tabs) {
      if (p.root === tabId) {
        this.tabs.delete(t);
        changed = true;
      }
    }
    return changed;
  }

  toRecord(): PopupRecord {
    return Object.fromEntries([...this.tabs].map(([t, p]) => [String(t), p]));
  }
}
