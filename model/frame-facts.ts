/**
 * Validation of the frame facts messages (model/relay.ts: FrameFactsRequest, ContentRequest and the
 * answers). What a relay answers comes from a renderer, which a compromised page process controls, and
 * the panel renders it: only the expected shapes pass, every string cut to FRAME_FACT_CHARS. Never throws.
 */
import {
  FRAME_FACT_CHARS,
  FRAME_FACT_MISSING,
  type ContentRequest,
  type FrameElementFacts,
  type FrameFact,
  type FrameFactMissing,
  type FrameFacts,
  type FrameFactsRequest,
  type FrameSelfAnswer,
} from './relay';

const FRAME_TAGS: ReadonlySet<string> = new Set(['iframe', 'frame', 'object', 'embed']);

/** `text` cut to FRAME_FACT_CHARS characters (an ellipsis marks the cut). */
export function capText(text: string, max = FRAME_FACT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isFrameId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function validFrameFactsRequest(value: unknown): FrameFactsRequest | null {
  if (!isRecord(value) || value.kind !== 'frameFacts') return null;
  const { tabId, frameId, realm } = value;
  if (!isFrameId(tabId) || !isFrameId(frameId) || typeof realm !== 'string' || realm === '' || realm.length > FRAME_FACT_CHARS) return null;
  return { kind: 'frameFacts', tabId, frameId, realm };
}

export function validContentRequest(value: unknown): ContentRequest | null {
  if (!isRecord(value)) return null;
  if (value.kind === 'frameElement') return isFrameId(value.childIndex) ? { kind: 'frameElement', childIndex: value.childIndex } : null;
  if (value.kind === 'frameSelf') return { kind: 'frameSelf' };
  return null;
}

/** A relay's answer to `frameElement`: the element's facts, or null when it is not a well-formed one. */
export function validFrameElement(value: unknown): FrameElementFacts | null {
  if (!isRecord(value) || typeof value.tag !== 'string' || !FRAME_TAGS.has(value.tag) || typeof value.path !== 'string') return null;
  const out: FrameElementFacts = { tag: value.tag, path: capText(value.path) };
  for (const key of ['id', 'name', 'src', 'sandbox', 'allow'] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') return null;
    out[key] = capText(v);
  }
  return out;
}

/** A relay's answer to `frameSelf`, or null when it is malformed. */
export function validFrameSelf(value: unknown): FrameSelfAnswer | null {
  if (!isRecord(value) || typeof value.realm !== 'string' || typeof value.title !== 'string') return null;
  const { childIndex } = value;
  if (childIndex !== undefined && !isFrameId(childIndex)) return null;
  return { realm: value.realm, title: capText(value.title), ...(childIndex !== undefined ? { childIndex } : {}) };
}

/** The title of `realm` from a frame's `frameSelf` answer: `otherDocument` when the frame holds another
 *  realm's document now, `noAnswer` when there was no valid answer. */
export function titleOf(self: FrameSelfAnswer | null, realm: string): FrameFact<string> {
  if (self === null) return { missing: 'noAnswer' };
  return self.realm === realm ? { known: self.title } : { missing: 'otherDocument' };
}

function validFact<T>(value: unknown, known: (v: unknown) => T | null): FrameFact<T> | null {
  if (!isRecord(value)) return null;
  if ('known' in value) {
    const v = known(value.known);
    return v === null ? null : { known: v };
  }
  return FRAME_FACT_MISSING.includes(value.missing as FrameFactMissing) ? { missing: value.missing as FrameFactMissing } : null;
}

/** The background's answer as the panel takes it: null when it is not a FrameFacts. */
export function validFrameFacts(value: unknown): FrameFacts | null {
  if (!isRecord(value)) return null;
  const element = validFact(value.element, validFrameElement);
  const title = validFact(value.title, (v) => (typeof v === 'string' ? capText(v) : null));
  return element && title ? { element, title } : null;
}
