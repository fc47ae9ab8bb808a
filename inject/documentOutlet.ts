/**
 * The recorder's way out of a document: batches as JSON strings in CustomEvents dispatched on a
 * detached element that only the content relay holds.
 *
 * Handshake: both scripts run at document_start, before any page script, in an order the browser
 * does not promise. Each makes a detached node and announces it once as the `relatedTarget` of a
 * `load` MouseEvent on the document (model/bridge.ts says why `load`: the window, which a same-origin
 * parent may hold from before this document existed, is not on its path). If the relay was first it
 * hears the recorder's announcement and binds; if the recorder was first it hears the relay's and
 * hands its node over on the relay's node (`entangle:hello`), where no page script can listen. Once
 * bound, nothing travels through the document again, so the page can neither see nor forge a batch.
 * The relay's settings and replay commands come back on the same node.
 */
import { BATCH, BOUND, CONFIG, HANDSHAKE, HELLO, RELAY_NODE, RECORDER_NODE } from '../model/bridge';
import { REPLAY_COMMAND, REPLAY_RESULT } from '../model/replay';
import type { Emitter } from './emit';
import { apply, addEventListener, createElement, dispatchEvent, eventGetters, getter, NativeCustomEvent, NativeMouseEvent, read, removeEventListener } from './natives';

const relatedTargetGetter = getter(globalThis.MouseEvent?.prototype, 'relatedTarget');
const localNameGetter = getter(globalThis.Element?.prototype, 'localName');

/** Connects `emitter` to the document's relay; gives the function that sends one batch envelope. */
export function documentOutlet(emitter: Emitter, doc: Document): (envelope: string) => void {
  const node = apply(createElement!, doc, [RECORDER_NODE]) as Element;
  let bound = false;
  apply(addEventListener, node, [
    BOUND,
    () => {
      bound = true;
      emitter.outletHeard();
    },
  ]);
  apply(addEventListener, node, [CONFIG, (e: Event) => emitter.configure(read(eventGetters.detail, e))]);
  apply(addEventListener, node, [
    REPLAY_COMMAND,
    (e: Event) => {
      // Answered on the same node before the relay's dispatch returns.
      const detail = emitter.command(read(eventGetters.detail, e));
      apply(dispatchEvent, node, [new NativeCustomEvent(REPLAY_RESULT, { __proto__: null, detail } as CustomEventInit)]);
    },
  ]);
  // The relay may announce itself later (it starts second): its announcement is the first `load`
  // MouseEvent on the document whose related node is a relay's. Listening stops once bound, and a
  // second relay node is never answered (only one relay runs in a document).
  const onRelay = (e: Event): void => {
    const relay = relayNode(e);
    if (!relay) return;
    apply(removeEventListener, doc, [HANDSHAKE, onRelay, true]);
    if (!bound) apply(dispatchEvent, relay, [mouseEvent(HELLO, node)]);
  };
  apply(addEventListener, doc, [HANDSHAKE, onRelay, true]);
  apply(dispatchEvent, doc, [mouseEvent(HANDSHAKE, node)]);
  if (bound) apply(removeEventListener, doc, [HANDSHAKE, onRelay, true]);
  // Until a relay is bound there is nobody to hear it: batches go out anyway (they are harmless on a
  // detached element) so numbering stays contiguous and the relay's gap report is honest.
  return (detail) => {
    apply(dispatchEvent, node, [new NativeCustomEvent(BATCH, { __proto__: null, detail } as CustomEventInit)]);
  };
}

/** A MouseEvent carrying `node`. The init dictionary has no prototype: the browser reads every member
 *  (`bubbles`, `view`…), and one missing would otherwise be looked up on the page's Object.prototype. */
function mouseEvent(type: string, node: Element): MouseEvent {
  return new NativeMouseEvent!(type, { __proto__: null, relatedTarget: node } as MouseEventInit);
}

/** The relay's node carried by a handshake event, read through native getters only. */
function relayNode(e: Event): Element | undefined {
  const node = read(relatedTargetGetter, e);
  return node !== null && node !== undefined && read(localNameGetter, node) === RELAY_NODE ? (node as Element) : undefined;
}
