import { describe, expect, it, vi } from 'vitest';
import { fromOwnPages, panelOf, type SenderLike } from './replaySender';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const OWN = `chrome-extension://${ID}/`;
const panelUrl = `${OWN}panel/index.html`;

/** The background's panel ports, by the tab they subscribed to (what its panelsOf gives: a popup tab's
 *  audience is its own panels and those of the tabs up its opener chain). */
function panels(byTab: Record<number, (SenderLike | undefined)[]>) {
  return vi.fn((tabId: number) => (byTab[tabId] ?? []).map((sender) => ({ sender })));
}

describe('fromOwnPages', () => {
  it("takes the extension's own pages only", () => {
    expect(fromOwnPages({ url: panelUrl, documentId: 'P1' }, OWN)).toBe(true);
    expect(fromOwnPages({ url: `${OWN}cli.html` }, OWN)).toBe(true);
  });

  it('refuses a content script (a tab: the sender URL is the page), and a page that names the extension', () => {
    expect(fromOwnPages({ url: 'https://example.com/', documentId: 'D1' }, OWN)).toBe(false);
    expect(fromOwnPages({ url: `https://evil.example/${OWN}panel/index.html` }, OWN)).toBe(false);
    expect(fromOwnPages({ url: `about:blank#${OWN}` }, OWN)).toBe(false);
  });

  it("refuses another extension's pages, also one whose id begins with this one's", () => {
    expect(fromOwnPages({ url: `chrome-extension://${'z'.repeat(32)}/panel/index.html` }, OWN)).toBe(false);
    expect(fromOwnPages({ url: `chrome-extension://${ID}x/panel/index.html` }, OWN)).toBe(false);
  });

  it('refuses a sender with no URL, or none', () => {
    expect(fromOwnPages({ documentId: 'P1' }, OWN)).toBe(false);
    expect(fromOwnPages(undefined, OWN)).toBe(false);
  });
});

describe('panelOf: only a panel subscribed to the session of that tab may replay into it', () => {
  it("accepts the document of one of the tab's panel ports, and of a panel of its popup's opener", () => {
    const panelsOf = panels({ 1: [{ url: panelUrl, documentId: 'P0' }, { url: panelUrl, documentId: 'P1' }], 5: [{ url: panelUrl, documentId: 'P1' }] });
    expect(panelOf({ url: panelUrl, documentId: 'P1' }, 1, panelsOf)).toBe(true);
    expect(panelsOf).toHaveBeenLastCalledWith(1);
    expect(panelOf({ url: panelUrl, documentId: 'P1' }, 5, panelsOf)).toBe(true);
  });

  it('refuses a panel of another tab', () => {
    const panelsOf = panels({ 1: [{ url: panelUrl, documentId: 'P1' }], 2: [{ url: panelUrl, documentId: 'P2' }] });
    expect(panelOf({ url: panelUrl, documentId: 'P1' }, 2, panelsOf)).toBe(false);
    expect(panelOf({ url: panelUrl, documentId: 'P2' }, 1, panelsOf)).toBe(false);
    expect(panelOf({ url: panelUrl, documentId: 'P1' }, 3, panelsOf)).toBe(false);
  });

  it('refuses an extension page that is not a panel of the tab (its document subscribed nothing)', () => {
    const panelsOf = panels({ 1: [{ url: panelUrl, documentId: 'P1' }] });
    expect(panelOf({ url: `${OWN}cli.html`, documentId: 'C1' }, 1, panelsOf)).toBe(false);
    // Same URL as the panel, another document (a second panel page that never subscribed to tab 1).
    expect(panelOf({ url: panelUrl, documentId: 'P9' }, 1, panelsOf)).toBe(false);
  });

  it('refuses a sender without a documentId, even when a panel port has none either', () => {
    const panelsOf = panels({ 1: [{ url: panelUrl }, undefined, { url: panelUrl, documentId: 'P1' }] });
    expect(panelOf({ url: panelUrl }, 1, panelsOf)).toBe(false);
    expect(panelOf({ url: panelUrl, documentId: 'P1' }, 1, panelsOf)).toBe(true);
  });
});
