/**
 * Who sent and who was to receive a `window.postMessage` the browser dropped for its `targetOrigin`
 * (status `dropped-origin`). The browser's report names no frame: the sender only by the call site of
 * its `postMessage` (script URL, line, column), the receiver only by its origin (docs/recording.md).
 * And the page's recorders record no window send (`window.postMessage` is not wrapped), so there is no
 * send to match: the report is the message, and its two ends are found among the session's windows.
 * The rules, in docs/correlation.md ("Dropped for the targetOrigin"):
 * - the receiver: the one window of the reporting tab (top or iframe) whose origin is the recipient's
 *   and that lived at that moment; several: none is named (`dropReceivers`);
 * - the sender: the one window of the session that lived at that moment and whose document URL is the
 *   call site's script URL (an inline script's is its document's); several: none is named
 *   (`callSiteAmbiguous`); none (an external script): `callSiteUnmatched`.
 * A pure function of the report and the windows known now: the two arrive by different paths (the
 * debugger, the page relays) in either order, so the model asks again at every build.
 */
import { CLOCK_SKEW_MS, type SenderUnknownReason } from './model-types';
import type { RealmId, RealmKind, WindowMessageDropped } from './protocol';

/** A window of the session, as the attribution needs it. */
export interface DropWindow {
  id: RealmId;
  kind: RealmKind;
  tabId?: number;
  /** Its document's URL. */
  url?: string;
  origin?: string;
  startedAt?: number;
  goneAt?: number;
}

export interface DropAttribution {
  fromRealm?: RealmId;
  senderUnknown?: SenderUnknownReason;
  toRealm?: RealmId;
  /** Why a match is not certain (the model's `ambiguity` codes). */
  ambiguity: string[];
}

/** What the browser said about a drop: its stamp and every field. Two real drops at the same instant
 *  from one call site say the same: this alone does not tell them apart (`DropReplays` does). */
export function dropKey(ev: Omit<WindowMessageDropped, 'seq' | 'type'>): string {
  return JSON.stringify([ev.t, ev.targetOrigin, ev.recipientOrigin, ev.url ?? null, ev.line ?? null, ev.column ?? null, ev.stack ?? null]);
}

/**
 * Which reports are ones the session already has from another reporter. One reporter never reports
 * a browser entry twice (the background drops the entries the browser hands again when it attaches
 * again: extension/originDropReplays.ts), so each of its reports is a drop of its own. A new
 * reporter (the background's service worker was restarted: its memory is gone, and the browser's log
 * hands every entry it keeps again) reports drops an old one did. Entries carry no id, but the order
 * of equal ones is the browser's: the k-th report with a given `dropKey` from one reporter is the
 * same drop as the k-th from any other. So a report is a duplicate when some other reporter has
 * reported its content at least as often as its own reporter has now; two real drops that say the
 * same are never merged.
 */
export class DropReplays {
  /** Per content: the most reports of it from any one reporter (the real drops known). */
  private readonly known = new Map<string, number>();
  private readonly byReporter = new Map<RealmId, Map<string, number>>();

  /** Counts `ev` from `reporter`; true when it is a drop the session already has. */
  isDuplicate(reporter: RealmId, ev: WindowMessageDropped): boolean {
    const key = dropKey(ev);
    let counts = this.byReporter.get(reporter);
    if (!counts) this.byReporter.set(reporter, (counts = new Map()));
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    if (nth <= (this.known.get(key) ?? 0)) return true;
    this.known.set(key, nth);
    return false;
  }
}

const WINDOW_KINDS: ReadonlySet<RealmKind> = new Set<RealmKind>(['top', 'iframe', 'popup']);

/** A URL without its fragment (a stack names scripts without one; a document's URL may have one). */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

function livedAt(w: DropWindow, t: number): boolean {
  if (w.startedAt !== undefined && w.startedAt > t + CLOCK_SKEW_MS) return false;
  return w.goneAt === undefined || w.goneAt >= t - CLOCK_SKEW_MS;
}

export function attributeDrop(ev: WindowMessageDropped, tabId: number, windows: Iterable<DropWindow>): DropAttribution {
  const callSite = ev.url === undefined || ev.url === '' ? undefined : withoutFragment(ev.url);
  const senders: RealmId[] = [];
  const receivers: RealmId[] = [];
  for (const w of windows) {
    if (!WINDOW_KINDS.has(w.kind) || !livedAt(w, ev.t)) continue;
    if (callSite !== undefined && w.url !== undefined && withoutFragment(w.url) === callSite) senders.push(w.id);
    // The browser reports it on the session of the receiver's process, which is the tab's (a popup is
    // another tab, whose session is not attached).
    if (w.kind !== 'popup' && w.tabId === tabId && w.origin === ev.recipientOrigin) receivers.push(w.id);
  }
  const out: DropAttribution = { ambiguity: [] };
  if (senders.length === 1) out.fromRealm = senders[0]!;
  else if (senders.length === 0) out.senderUnknown = 'callSiteUnmatched';
  else {
    out.senderUnknown = 'callSiteAmbiguous';
    out.ambiguity.push('dropSenders');
  }
  if (receivers.length === 1) out.toRealm = receivers[0]!;
  else if (receivers.length > 1) out.ambiguity.push('dropReceivers');
  return out;
}
