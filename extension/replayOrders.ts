/**
 * The content relay's part in a replay (docs/replay.md): an order from the background, for this
 * frame, is checked (well-formed, for this document's realm, this document still here and bound to
 * its recorder) and handed to the recorder on its detached node, where no page script can see or
 * forge it; the recorder's answer comes back on the same node before the dispatch returns.
 */
import { REPLAY_COMMAND, REPLAY_RESULT, commandOf, validReplayOrder, validReplayResult, type ReplayResult } from '../model/replay';

/** What the relay knows of its document now. */
export interface RelayState {
  realm: string | null;
  /** The recorder's node, once bound. */
  node: Element | null;
  /** Between pagehide/freeze and a pageshow/resume that may never come. */
  leaving: boolean;
}

const refused = (reason: string): ReplayResult => ({ outcome: 'refused', reason });

/** True for a message that looks like a replay order (any other message is not the relay's to answer here). */
export function isReplayOrder(message: unknown): boolean {
  const kind = typeof message === 'object' && message !== null ? (message as { kind?: unknown }).kind : undefined;
  return kind === 'replay' || kind === 'expectReplay';
}

/** The browser says a message came from the extension's background (`sender.id` is its id and
 *  `sender.url` its service worker's script), not from a tab (no `sender.tab`: not a content script,
 *  not a page) nor from another of its pages, which must ask the background (and pass its checks). */
export function fromBackground(sender: { id?: string; tab?: unknown; url?: string }, extensionId: string, backgroundUrl: string): boolean {
  return sender.id === extensionId && sender.tab === undefined && sender.url === backgroundUrl;
}

/** Carries out a replay order from the background; `fromBackground`: see fromBackground above. */
export function carryOutReplayOrder(message: unknown, fromBackground: boolean, state: RelayState): ReplayResult {
  if (!fromBackground) return refused("the relay takes replay orders from the extension's background only");
  const order = validReplayOrder(message, state.realm);
  if ('error' in order) return refused(`the relay refused it: ${order.error}`);
  const node = state.node;
  if (node === null) return refused('the recorder of this document is not bound');
  if (state.leaving) return refused('the document is leaving');
  let answer: unknown = null;
  const onResult = (e: Event): void => {
    answer = (e as CustomEvent<unknown>).detail;
  };
  node.addEventListener(REPLAY_RESULT, onResult);
  try {
    node.dispatchEvent(new CustomEvent(REPLAY_COMMAND, { detail: JSON.stringify(commandOf(order)) }));
  } finally {
    node.removeEventListener(REPLAY_RESULT, onResult);
  }
  if (typeof answer !== 'string') return refused('the recorder did not answer');
  try {
    return validReplayResult(JSON.parse(answer)) ?? refused('the recorder gave no valid answer');
  } catch {
    return refused('the recorder gave no valid answer');
  }
}
