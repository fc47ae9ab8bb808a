/**
 * The main-world recorder ⇄ content relay bridge: DOM event names and the batch envelope.
 *
 * A batch crosses as one string, `entangle1|<realm>|<first seq>|<last seq>|<JSON of a WireBatch>`, so
 * the relay (which runs on the page's own thread) can buffer and forward it after reading only the
 * header; the background forwards the text, and the panel parses and validates the JSON and checks
 * that it matches the header (model/validate.ts, batchFromText).
 */
/**
 * The one event of the handshake that crosses the document. Its type is `load` because a `load` event
 * dispatched on a document does not propagate to the window (DOM: a Document's "get the parent"
 * returns null for `load`): a page script holding the window from before this document existed (a
 * same-origin parent whose iframe's src was set before insertion reuses the initial Window) cannot
 * hear it, and no page script of this document has run yet when it is dispatched (document_start).
 * It carries the sender's detached node as its `relatedTarget`; everything after it is dispatched on
 * detached nodes, which no page script can reach.
 */
export const HANDSHAKE = 'load';
/** The local names of the two detached nodes, which tell the recorder's and the relay's apart. */
export const RECORDER_NODE = 'entangle-recorder';
export const RELAY_NODE = 'entangle-relay';
/** On the relay's node: the recorder's node, when the relay spoke first. */
export const HELLO = 'entangle:hello';
export const BOUND = 'entangle:bound';
export const BATCH = 'entangle:batch';
export const CONFIG = 'entangle:config';

const MAGIC = 'entangle1';

export function encodeEnvelope(realm: string, first: number, last: number, json: string): string {
  return `${MAGIC}|${realm}|${first}|${last}|${json}`;
}

export interface Envelope {
  realm: string;
  first: number;
  last: number;
  json: string;
}

/** Reads the header of an envelope; the JSON is left for the panel to parse and validate. */
export function decodeEnvelope(text: string, maxChars: number): Envelope | { error: string } {
  if (text.length > maxChars) return { error: `batch of ${text.length} characters, more than ${maxChars}` };
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < 4; i++) {
    const bar = text.indexOf('|', at);
    if (bar < 0 || bar - at > 64) return { error: 'batch header malformed' };
    parts.push(text.slice(at, bar));
    at = bar + 1;
  }
  const [magic, realm, firstText, lastText] = parts as [string, string, string, string];
  if (magic !== MAGIC) return { error: `unknown batch format ${JSON.stringify(magic)}` };
  const first = Number(firstText);
  const last = Number(lastText);
  if (!realm || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first) {
    return { error: 'batch header malformed' };
  }
  return { realm, first, last, json: text.slice(at) };
}
