// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { domPath, findFrameElement, frameElementFacts } from './frameElement';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('domPath', () => {
  it('names an element by its id, else by its position among siblings of its tag', () => {
    document.body.innerHTML = '<div id="ads"><iframe></iframe><span></span><iframe></iframe></div><p><iframe></iframe></p>';
    const [first, second, third] = [...document.querySelectorAll('iframe')];
    expect(domPath(first!)).toBe('body > div#ads > iframe:nth-of-type(1)');
    expect(domPath(second!)).toBe('body > div#ads > iframe:nth-of-type(2)');
    expect(domPath(third!)).toBe('body > p > iframe');
  });

  it('keeps body and the nearest segments of a deep path', () => {
    document.body.innerHTML = '<div><div><div><div><div><div><div><iframe id="deep"></iframe></div></div></div></div></div></div></div>';
    expect(domPath(document.getElementById('deep')!)).toBe('body > … > div > div > div > iframe#deep');
  });

  it('crosses a shadow root after its host', () => {
    document.body.innerHTML = '<x-widget id="w"></x-widget>';
    const root = document.getElementById('w')!.attachShadow({ mode: 'open' });
    root.innerHTML = '<section><iframe></iframe></section>';
    expect(domPath(root.querySelector('iframe')!)).toBe('body > x-widget#w >> section > iframe');
  });

  it('cuts a long id', () => {
    document.body.innerHTML = `<iframe id="${'i'.repeat(100)}"></iframe>`;
    expect(domPath(document.querySelector('iframe')!)).toBe(`body > iframe#${'i'.repeat(39)}…`);
  });
});

describe('findFrameElement and frameElementFacts', () => {
  /** happy-dom's frames have no content window: each element gets a stand-in object. */
  function withWindows(els: Element[]): Window[] {
    return els.map((el) => {
      const w = {} as Window;
      Object.defineProperty(el, 'contentWindow', { value: w, configurable: true });
      return w;
    });
  }

  it('finds the element whose content window is the child, in the document or a shadow tree', () => {
    document.body.innerHTML = '<iframe id="a"></iframe><x-host></x-host>';
    const host = document.querySelector('x-host')!;
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = '<iframe id="b"></iframe>';
    const a = document.getElementById('a')!;
    const b = root.querySelector('iframe')!;
    const [wa, wb] = withWindows([a, b]);
    expect(findFrameElement(document, wa!)).toBe(a);
    // A closed root is only seen through the browser's openOrClosedShadowRoot.
    expect(findFrameElement(document, wb!)).toBeNull();
    expect(findFrameElement(document, wb!, (el) => (el === host ? root : el.shadowRoot))).toBe(b);
    expect(findFrameElement(document, {} as Window)).toBeNull();
  });

  it('reads the attributes as written (an object’s data as its src), leaving out absent ones', () => {
    document.body.innerHTML =
      '<iframe id="partner" name="p" src="/frame.html?x=1" sandbox="allow-scripts" allow="fullscreen"></iframe><object data="/doc.html"></object>';
    expect(frameElementFacts(document.querySelector('iframe')!)).toEqual({
      tag: 'iframe',
      id: 'partner',
      name: 'p',
      src: '/frame.html?x=1',
      sandbox: 'allow-scripts',
      allow: 'fullscreen',
      path: 'body > iframe#partner',
    });
    expect(frameElementFacts(document.querySelector('object')!)).toEqual({ tag: 'object', src: '/doc.html', path: 'body > object' });
  });
});
