import { describe, expect, it } from 'vitest';
import { capText, titleOf, validContentRequest, validFrameElement, validFrameFacts, validFrameFactsRequest, validFrameSelf } from './frame-facts';
import { FRAME_FACT_CHARS } from './relay';

describe('frame facts validation', () => {
  it('cuts long text to FRAME_FACT_CHARS with an ellipsis', () => {
    expect(capText('short')).toBe('short');
    const cut = capText('x'.repeat(5000));
    expect(cut).toHaveLength(FRAME_FACT_CHARS);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('takes a well-formed request only', () => {
    expect(validFrameFactsRequest({ kind: 'frameFacts', tabId: 3, frameId: 7, realm: 'r1' })).toEqual({ kind: 'frameFacts', tabId: 3, frameId: 7, realm: 'r1' });
    expect(validFrameFactsRequest({ kind: 'frameFacts', tabId: -1, frameId: 7, realm: 'r1' })).toBeNull();
    expect(validFrameFactsRequest({ kind: 'frameFacts', tabId: 3, frameId: 1.5, realm: 'r1' })).toBeNull();
    expect(validFrameFactsRequest({ kind: 'frameFacts', tabId: 3, frameId: 7, realm: '' })).toBeNull();
    expect(validFrameFactsRequest({ kind: 'inspectableTabs' })).toBeNull();
    expect(validFrameFactsRequest(null)).toBeNull();
  });

  it('takes the two questions to a relay, and nothing else', () => {
    expect(validContentRequest({ kind: 'frameSelf' })).toEqual({ kind: 'frameSelf' });
    expect(validContentRequest({ kind: 'frameElement', childIndex: 2 })).toEqual({ kind: 'frameElement', childIndex: 2 });
    expect(validContentRequest({ kind: 'frameElement', childIndex: '2' })).toBeNull();
    expect(validContentRequest({ kind: 'panelAttached', have: null })).toBeNull();
    expect(validContentRequest('frameSelf')).toBeNull();
  });

  it("takes a relay's element answer with its strings cut, and refuses anything else", () => {
    const long = 'a'.repeat(1000);
    expect(validFrameElement({ tag: 'iframe', id: 'ad', name: long, src: '/x.html', sandbox: '', allow: 'fullscreen', path: 'body > iframe#ad' })).toEqual({
      tag: 'iframe',
      id: 'ad',
      name: capText(long),
      src: '/x.html',
      sandbox: '',
      allow: 'fullscreen',
      path: 'body > iframe#ad',
    });
    expect(validFrameElement({ tag: 'script', path: 'body > script' })).toBeNull(); // not a frame-like tag
    expect(validFrameElement({ tag: 'iframe' })).toBeNull(); // no path
    expect(validFrameElement({ tag: 'iframe', path: 'body', id: 3 })).toBeNull();
    expect(validFrameElement({ tag: 'iframe', path: 'body', onload: 'x' })).toEqual({ tag: 'iframe', path: 'body' }); // unknown keys dropped
  });

  it("reads a frame's own answer: its title only while it still holds the realm", () => {
    const self = validFrameSelf({ realm: 'r1', title: 'Partner', childIndex: 1 });
    expect(self).toEqual({ realm: 'r1', title: 'Partner', childIndex: 1 });
    expect(titleOf(self, 'r1')).toEqual({ known: 'Partner' });
    expect(titleOf(self, 'r0')).toEqual({ missing: 'otherDocument' });
    expect(titleOf(null, 'r1')).toEqual({ missing: 'noAnswer' });
    expect(validFrameSelf({ realm: 'r1', title: 'x', childIndex: -1 })).toBeNull();
    expect(validFrameSelf({ realm: 'r1' })).toBeNull();
    expect(validFrameSelf({ realm: 'r1', title: 'top' })).toEqual({ realm: 'r1', title: 'top' });
  });

  it("takes the background's answer as a whole, or not at all", () => {
    const facts = { element: { known: { tag: 'iframe', path: 'body > iframe' } }, title: { known: 'T' } };
    expect(validFrameFacts(facts)).toEqual(facts);
    expect(validFrameFacts({ element: { missing: 'topFrame' }, title: { missing: 'noAnswer' } })).toEqual({ element: { missing: 'topFrame' }, title: { missing: 'noAnswer' } });
    expect(validFrameFacts({ element: { missing: 'whatever' }, title: { known: 'T' } })).toBeNull();
    expect(validFrameFacts({ element: { known: { tag: 'div', path: 'x' } }, title: { known: 'T' } })).toBeNull();
    expect(validFrameFacts({ element: { missing: 'notFound' }, title: { known: 3 } })).toBeNull();
    expect(validFrameFacts(undefined)).toBeNull();
  });
});
