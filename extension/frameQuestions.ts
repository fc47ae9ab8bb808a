/**
 * The content relay's answers to the background's questions about frames (ContentRequest in
 * model/relay.ts), asked when the panel's inspector shows a frame realm. Nothing here runs on the
 * recording path, and nothing of it is visible to the page: the relay reads its document and compares
 * window proxies from the isolated world.
 */
import { capText, validContentRequest } from '../model/frame-facts';
import { assertNever } from '../model/protocol';
import type { FrameElementFacts, FrameSelfAnswer } from '../model/relay';
import { findFrameElement, frameElementFacts, type ShadowRootOf } from './frameElement';

interface ChromeDom {
  dom?: { openOrClosedShadowRoot?: (element: HTMLElement) => ShadowRoot | null };
}

const openOrClosed = (globalThis as unknown as { chrome?: ChromeDom }).chrome?.dom?.openOrClosedShadowRoot;
/** Closed shadow roots too, where the browser lets a content script see them. */
const shadowOf: ShadowRootOf = (el) => (openOrClosed && el instanceof HTMLElement ? openOrClosed(el) : el.shadowRoot);

/** This window's index among its parent's frames (cross-origin, `parent.frames[i]` and `length` may
 *  be read), or undefined in a top window. */
function indexInParent(): number | undefined {
  if (window.parent === window) return undefined;
  try {
    const frames = window.parent.frames;
    for (let i = 0; i < frames.length; i++) if (frames[i] === window) return i;
  } catch {
    // A parent the browser does not let this world see: no index.
  }
  return undefined;
}

function elementFacts(childIndex: number): FrameElementFacts | null {
  const child = window.frames[childIndex];
  if (!child) return null;
  const el = findFrameElement(document, child, shadowOf);
  return el ? frameElementFacts(el) : null;
}

/**
 * A `runtime.onMessage` listener: the answer as a promise (the way webextension-polyfill sends a
 * response), or undefined for a message that is not a question to the relay. `realm` is this
 * document's realm, once the recorder named it.
 */
export function answerFrameQuestion(message: unknown, realm: string | null): Promise<unknown> | undefined {
  const question = validContentRequest(message);
  if (!question) return undefined;
  switch (question.kind) {
    case 'frameSelf': {
      if (realm === null) return Promise.resolve(null);
      const childIndex = indexInParent();
      const answer: FrameSelfAnswer = { realm, title: capText(document.title), ...(childIndex !== undefined ? { childIndex } : {}) };
      return Promise.resolve(answer);
    }
    case 'frameElement':
      return Promise.resolve(elementFacts(question.childIndex));
    default:
      return assertNever(question, 'question to the relay');
  }
}
