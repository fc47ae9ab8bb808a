/**
 * The facts of a child frame's element, as its parent document's relay finds them (isolated world: no
 * page script sees the lookup). Asked on demand by the panel's inspector, never on the recording path.
 * DOM only, no extension API, so it can be tested without a browser.
 */
import { capText } from '../model/frame-facts';
import type { FrameElementFacts } from '../model/relay';

const FRAME_SELECTOR = 'iframe, frame, object, embed';
/** Segments of a DOM path kept: the first (`body`) and the nearest ones, the middle elided. */
const PATH_SEGMENTS = 6;
/** Longest id written in a path segment. */
const PATH_ID_CHARS = 40;

/** A closed shadow root too, where the browser lets the relay see it (`chrome.dom.openOrClosedShadowRoot`). */
export type ShadowRootOf = (element: Element) => ShadowRoot | null;

function segment(el: Element): string {
  const tag = el.localName;
  const id = el.getAttribute('id');
  if (id !== null && id !== '') return `${tag}#${capText(id, PATH_ID_CHARS)}`;
  const parent = el.parentNode;
  if (!parent) return tag;
  let index = 0;
  let same = 0;
  for (const sibling of Array.from(parent.children)) {
    if (sibling.localName !== tag) continue;
    same++;
    if (sibling === el) index = same;
  }
  return same > 1 ? `${tag}:nth-of-type(${index})` : tag;
}

/**
 * A short CSS-like path to `el` from its document's body (`body > div#ads > iframe:nth-of-type(2)`):
 * an element with an id is named by it, one among siblings of its tag by its position. A shadow root
 * is crossed with ` >> ` after its host. Long paths keep `body` and the nearest segments, `…` between.
 */
export function domPath(el: Element): string {
  const parts: string[] = [];
  let node: Element | null = el;
  while (node) {
    parts.unshift(segment(node));
    if (node.localName === 'body' || node.localName === 'html') break;
    const parent: Node | null = node.parentNode;
    if (parent instanceof Element) node = parent;
    else if (parent !== null && 'host' in parent && (parent as ShadowRoot).host instanceof Element) {
      parts.unshift('>>');
      node = (parent as ShadowRoot).host;
    } else node = null;
  }
  const kept = parts.length > PATH_SEGMENTS ? [parts[0]!, '…', ...parts.slice(parts.length - (PATH_SEGMENTS - 2))] : parts;
  return capText(kept.join(' > ').replace(/ > >> > /g, ' >> '));
}

/** The element's content window is `child` (an embed has none: it never matches). Comparing window
 *  proxies is allowed across origins and runs no page code. */
function hosts(el: Element, child: Window): boolean {
  return (el as Partial<HTMLIFrameElement>).contentWindow === child;
}

/** The frame-like elements of `root` and of every shadow root within it (only walked when needed). */
function* shadowRoots(root: Document | ShadowRoot, shadowOf: ShadowRootOf): Generator<ShadowRoot> {
  for (const el of Array.from(root.querySelectorAll('*'))) {
    const shadow = shadowOf(el);
    if (!shadow) continue;
    yield shadow;
    yield* shadowRoots(shadow, shadowOf);
  }
}

/** The element of `doc` (its shadow trees included) whose content window is `child`, or null. */
export function findFrameElement(doc: Document, child: Window, shadowOf: ShadowRootOf = (el) => el.shadowRoot): Element | null {
  for (const el of Array.from(doc.querySelectorAll(FRAME_SELECTOR))) if (hosts(el, child)) return el;
  // Frames in shadow trees are rare: the walk over every element is only made when the plain look fails.
  for (const shadow of shadowRoots(doc, shadowOf)) {
    for (const el of Array.from(shadow.querySelectorAll(FRAME_SELECTOR))) if (hosts(el, child)) return el;
  }
  return null;
}

/** The element's facts, attributes as written (an object's `data` stands for `src`). */
export function frameElementFacts(el: Element): FrameElementFacts {
  const facts: FrameElementFacts = { tag: el.localName, path: domPath(el) };
  const attr = (name: string): string | undefined => {
    const v = el.getAttribute(name);
    return v === null ? undefined : capText(v);
  };
  const id = attr('id');
  const name = attr('name');
  const src = attr(el.localName === 'object' ? 'data' : 'src');
  const sandbox = attr('sandbox');
  const allow = attr('allow');
  if (id !== undefined) facts.id = id;
  if (name !== undefined) facts.name = name;
  if (src !== undefined) facts.src = src;
  if (sandbox !== undefined) facts.sandbox = sandbox;
  if (allow !== undefined) facts.allow = allow;
  return facts;
}
