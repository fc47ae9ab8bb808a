/**
 * The background's checks of who sent a request (docs/replay.md, docs/security.md): pure, so that
 * each can be tested. The browser sets a sender's `url` and `documentId`, so a content script — or a
 * compromised renderer speaking for one — cannot claim to be one of the extension's pages, nor the
 * document of a panel.
 */

/** What the background reads of a sender (`runtime.MessageSender`, a port's `sender`). */
export interface SenderLike {
  url?: string;
  /** Set by the browser for a document's sender (not in the polyfill's types). */
  documentId?: string;
}

/** The extension's own pages (the panel in DevTools or as a tab, the CLI's page): `ownPages` is
 *  `runtime.getURL('')`, with its trailing slash, so another extension's id that merely begins with
 *  this one's is not taken for it. Only these may subscribe to a tab's batches, or ask anything. */
export function fromOwnPages(sender: SenderLike | undefined, ownPages: string): boolean {
  return sender?.url?.startsWith(ownPages) === true;
}

/**
 * A replay into `tabId` comes from a panel subscribed to the session that holds it: the same document
 * (`documentId`) as one of that session's panel ports (`panelsOf`: the background's), which were
 * accepted only from the extension's own pages. Any other extension page, or none, may not replay.
 */
export function panelOf(sender: SenderLike, tabId: number, panelsOf: (tabId: number) => readonly { sender?: SenderLike }[]): boolean {
  const documentId = sender.documentId;
  if (documentId === undefined) return false;
  return panelsOf(tabId).some((port) => port.sender?.documentId === documentId);
}
