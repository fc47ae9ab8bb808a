/**
 * What the page knows of a frame realm the inspector shows (its element in the parent, its title),
 * asked of the background on demand: once when the realm is shown, again when the user asks. Only the
 * live panel's store can ask (its connection registers how); a capture file's cannot.
 */
import { useEffect, useState } from 'react';
import type { RealmModel } from '../model/correlator';
import { validFrameFacts } from '../model/frame-facts';
import type { FrameFacts, FrameFactsRequest } from '../model/relay';
import type { LogStore } from './store';

/** Asks the background; null when it gave no (valid) answer. Never rejects. */
export type AskFrameFacts = (request: FrameFactsRequest) => Promise<FrameFacts | null>;

const askers = new WeakMap<LogStore, AskFrameFacts>();

/** The store shows a live tab, whose frames can be asked about through `ask`. */
export function frameFactsAskable(store: LogStore, ask: AskFrameFacts): void {
  askers.set(store, ask);
}

/** `runtime.sendMessage` as an AskFrameFacts: the answer validated, any failure (an older background,
 *  a restarting service worker) an answer of null. */
export function askThrough(sendMessage: (message: FrameFactsRequest) => Promise<unknown>): AskFrameFacts {
  return async (request) => {
    try {
      return validFrameFacts(await sendMessage(request));
    } catch {
      return null;
    }
  };
}

export type FrameFactsState =
  /** Not a frame realm: nothing to ask. */
  | { kind: 'none' }
  /** An opened capture file: the page is not there to ask. */
  | { kind: 'capture' }
  /** The realm's document is gone. */
  | { kind: 'gone' }
  | { kind: 'asking' }
  /** The background did not answer (or not validly). */
  | { kind: 'noAnswer' }
  | { kind: 'known'; facts: FrameFacts };

const FRAME_KINDS: ReadonlySet<RealmModel['kind']> = new Set(['top', 'iframe', 'popup']);

/** Asks once per realm shown (and again on `again()`), never while the log changes. The caller is
 *  keyed by realm: another realm is another component. */
export function useFrameFacts(store: LogStore, realm: RealmModel): [FrameFactsState, () => void] {
  const ask = askers.get(store);
  const { id, kind, tabId, frameId } = realm;
  const gone = realm.goneAt !== undefined;
  const askable = FRAME_KINDS.has(kind) && tabId !== undefined && frameId !== undefined;
  const [asked, setAsked] = useState<{ round: number; state: FrameFactsState }>({ round: 0, state: { kind: 'asking' } });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!ask || !askable || gone) return;
    let current = true;
    void ask({ kind: 'frameFacts', tabId, frameId, realm: id }).then((facts) => {
      if (current) setAsked({ round, state: facts ? { kind: 'known', facts } : { kind: 'noAnswer' } });
    });
    return () => {
      current = false;
    };
  }, [ask, askable, gone, id, tabId, frameId, round]);
  const again = (): void => setRound((r) => r + 1);
  if (!askable) return [{ kind: 'none' }, again];
  if (!ask) return [{ kind: 'capture' }, again];
  if (gone) return [{ kind: 'gone' }, again];
  return [asked.round === round ? asked.state : { kind: 'asking' }, again];
}
