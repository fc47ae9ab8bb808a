/**
 * Send again (issue 11 §2, docs/replay.md): the commands that carry a replay from the panel to the
 * recorder, and their checks. Pure: each hop (background, content relay, recorder) calls the check
 * for what it receives, and refuses anything that is not exactly a well-formed command.
 *
 * panel ──ReplayRequested──▶ background ──ReplayOrder──▶ relay ──ReplayCommand (JSON)──▶ recorder
 *       ◀──────────────────────────── ReplayResult ◀──────────────────────────────────┘
 *
 * A window message has no recorded send (window.postMessage is not wrapped: docs/recording.md), so
 * its replay is sent by the realm the correlator names as its sender, to the window it names by the
 * same relations a receipt records (`parent`, `child` i, `top`, `self`), with the receiver's origin as
 * `targetOrigin`; and the receiving realm's recorder is told first to expect it
 * (`expectReplay`), so that its receipt says `replayOf`.
 */
import type { LiteralValue } from './literal-value';
import { MAX_LITERAL_CHARS, MAX_LITERAL_DEPTH, isTypedKind } from './literal-value';
import { isBigIntText } from './validate-preview';
import type { RealmId, Route } from './protocol';

/** On the recorder's detached node (inject/emit.ts): the relay's command (detail: a ReplayCommand as
 *  JSON), and the recorder's answer to it, dispatched before the command's dispatch returns (detail: a
 *  ReplayResult as JSON). Only the relay holds that node: no page script can send or hear either. */
export const REPLAY_COMMAND = 'entangle:replay';
export const REPLAY_RESULT = 'entangle:replayed';

/** `realm#seq`: a message's id (MessageModel.id), the seq of its send, or of its receipt when no send
 *  is recorded. */
export function parseMessageId(id: string): { realm: RealmId; seq: number } | null {
  if (id.length > 200) return null;
  const hash = id.lastIndexOf('#');
  if (hash < 1) return null;
  const digits = id.slice(hash + 1);
  if (!/^[1-9][0-9]{0,15}$/.test(digits)) return null;
  const seq = Number(digits);
  return Number.isSafeInteger(seq) ? { realm: id.slice(0, hash), seq } : null;
}

/** How the sending realm names the window a window message went to (resolved with its own natives). */
export type WindowTarget = { relation: 'self' | 'parent' | 'top' } | { relation: 'child'; childIndex: number };

/** The panel asks: send `original` again from the realm that sent it (extension page → background). */
export interface ReplayRequested {
  kind: 'replayRequested';
  /** The sending realm's tab and frame (a popup's own tab), and the realm itself. */
  tabId: number;
  frameId: number;
  realm: RealmId;
  /** The message sent again: `realm#seq` of its send (of its receipt for route `window`). */
  original: string;
  route: Route;
  /** Route `window`: the receiving realm, its frame and origin (the `targetOrigin`). */
  to?: { realm: RealmId; frameId: number; origin: string };
  /** The payload as data (model/payload-literal.ts), never code. */
  payload: LiteralValue;
}

/** What became of a replay, back to the panel. `replay`: the id of the new send (not for route window). */
export type ReplayResult =
  | { outcome: 'sent'; replay?: string }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'threw'; reason: string };

/** Background → one frame's relay (`tabs.sendMessage` to that frame). */
export type ReplayOrder =
  /** Send `original` again (route other than `window`: `seq` is its send's; `window`: `window` says where). */
  | { kind: 'replay'; realm: RealmId; original: string; route: Route; window?: WindowTarget & { targetOrigin: string }; payload: LiteralValue }
  /** Route `window`, to the receiving realm, before the replay: mark the next window message from
   *  `from` as a replay of `original` (a receipt of this realm). */
  | { kind: 'expectReplay'; realm: RealmId; original: string; from: WindowTarget };

/** Relay → recorder: a ReplayOrder without its `kind` and `realm` (the relay checked both), as JSON. */
export type ReplayCommand =
  | { do: 'replay'; original: string; route: Route; window?: WindowTarget & { targetOrigin: string }; payload: LiteralValue }
  | { do: 'expect'; original: string; from: WindowTarget };

const ROUTES: readonly Route[] = ['port', 'window', 'worker', 'broadcast'];
const RELATIONS = ['self', 'parent', 'top', 'child'];
const MAX_ID = 200;

type Check<T> = T | { error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Exactly these keys, own ones (a `__proto__` key of parsed JSON is an own key too, and refused). */
function onlyKeys(o: Record<string, unknown>, required: readonly string[], optional: readonly string[]): string | null {
  for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) return `unexpected field ${JSON.stringify(k.slice(0, 40))}`;
  for (const k of required) if (!Object.hasOwn(o, k)) return `missing ${k}`;
  return null;
}

const frameNumber = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const shortString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

function windowTarget(v: unknown, withOrigin: boolean): Check<WindowTarget & { targetOrigin?: string }> {
  if (!isRecord(v)) return { error: 'window target must be an object' };
  const bad = onlyKeys(v, withOrigin ? ['relation', 'targetOrigin'] : ['relation'], ['childIndex']);
  if (bad) return { error: `window target: ${bad}` };
  if (!RELATIONS.includes(v.relation as string)) return { error: 'window target: unknown relation' };
  if ((v.relation === 'child') !== (v.childIndex !== undefined)) return { error: 'window target: childIndex goes with relation child only' };
  if (v.childIndex !== undefined && !(frameNumber(v.childIndex) && v.childIndex < 10_000)) return { error: 'window target: bad childIndex' };
  if (withOrigin && !(typeof v.targetOrigin === 'string' && v.targetOrigin.length <= 2048 && /^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(v.targetOrigin))) {
    return { error: 'window target: targetOrigin must be an origin' };
  }
  return v as WindowTarget & { targetOrigin?: string };
}

/**
 * A literal as the parser makes it (LiteralValue), checked for shape and bounds: it crossed from
 * another context. Counts nodes so that a huge one is refused before the recorder builds it.
 */
export function literalProblem(v: unknown): string | null {
  let nodes = 0;
  const walk = (x: unknown, depth: number): string | null => {
    if (++nodes > 100_000) return 'more than 100,000 values';
    if (depth > MAX_LITERAL_DEPTH) return `nested deeper than ${MAX_LITERAL_DEPTH} levels`;
    if (x === null || typeof x === 'boolean') return null;
    if (typeof x === 'number') return Number.isFinite(x) && !Object.is(x, -0) ? null : 'a number JSON cannot carry';
    if (typeof x === 'string') return x.length <= MAX_LITERAL_CHARS ? null : 'a string too long';
    if (!isRecord(x)) return 'not a literal';
    const pairs = (list: unknown, keyIsString: boolean): string | null => {
      if (!Array.isArray(list)) return 'entries must be a list';
      for (const pair of list) {
        if (!Array.isArray(pair) || pair.length !== 2) return 'an entry must be a [key, value] pair';
        if (keyIsString && typeof pair[0] !== 'string') return 'an object key must be a string';
        const e = (keyIsString ? null : walk(pair[0], depth + 1)) ?? walk(pair[1], depth + 1);
        if (e) return e;
      }
      return null;
    };
    const items = (list: unknown): string | null => {
      if (!Array.isArray(list)) return 'items must be a list';
      for (const item of list) {
        const e = walk(item, depth + 1);
        if (e) return e;
      }
      return null;
    };
    const shape = (required: string[]): string | null => onlyKeys(x, ['$t', ...required], []);
    switch (x.$t) {
      case 'undefined':
        return shape([]);
      case 'number':
        return shape(['v']) ?? (['NaN', 'Infinity', '-Infinity', '-0'].includes(x.v as string) ? null : 'not a number word');
      case 'bigint':
        return shape(['v']) ?? (isBigIntText(x.v) ? null : 'not a bigint');
      case 'object':
      case 'map':
        return shape(['entries']) ?? pairs(x.entries, x.$t === 'object');
      case 'array':
      case 'set':
        return shape(['items']) ?? items(x.items);
      case 'date':
        return shape(['v']) ?? (x.v === null || (typeof x.v === 'number' && Number.isFinite(x.v)) ? null : 'a date must be a number or null');
      case 'regexp':
        return shape(['source', 'flags']) ?? (typeof x.source === 'string' && typeof x.flags === 'string' && /^[dgimsuvy]{0,8}$/.test(x.flags) ? null : 'a bad regexp');
      case 'boxed':
        return shape(['kind', 'v']) ?? (['Number', 'String', 'Boolean', 'BigInt'].includes(x.kind as string) ? walk(x.v, depth + 1) : 'a boxed value of unknown kind');
      case 'bytes':
        return (
          shape(['kind', 'hex']) ??
          ((x.kind === 'ArrayBuffer' || x.kind === 'DataView' || isTypedKind(x.kind)) && typeof x.hex === 'string' && /^(?:[0-9a-f]{2})*$/.test(x.hex) ? null : 'bad bytes')
        );
      default:
        return 'an unknown tag';
    }
  };
  return walk(v, 0);
}

/** The background's check of what an extension page sent (its sender was checked before). */
export function validReplayRequested(v: unknown): Check<ReplayRequested> {
  if (!isRecord(v) || v.kind !== 'replayRequested') return { error: 'not a replay request' };
  const bad = onlyKeys(v, ['kind', 'tabId', 'frameId', 'realm', 'original', 'route', 'payload'], ['to']);
  if (bad) return { error: bad };
  if (!frameNumber(v.tabId) || !frameNumber(v.frameId)) return { error: 'tabId and frameId must be non-negative integers' };
  if (!shortString(v.realm) || !ROUTES.includes(v.route as Route)) return { error: 'bad realm or route' };
  const original = typeof v.original === 'string' ? parseMessageId(v.original) : null;
  if (!original) return { error: 'original must be a message id' };
  if (v.route === 'window') {
    const to = v.to;
    if (!isRecord(to) || onlyKeys(to, ['realm', 'frameId', 'origin'], []) || !shortString(to.realm) || !frameNumber(to.frameId) || typeof to.origin !== 'string') {
      return { error: 'a window replay needs its receiver (realm, frameId, origin)' };
    }
    if (original.realm !== to.realm) return { error: 'a window message is known by its receipt: original must be a receipt of the receiving realm' };
  } else {
    if (v.to !== undefined) return { error: 'only a window replay names a receiver' };
    if (original.realm !== v.realm) return { error: 'original must be a send of the sending realm' };
  }
  const payload = literalProblem(v.payload);
  if (payload) return { error: `payload: ${payload}` };
  return v as unknown as ReplayRequested;
}

/** The relay's check of what the background sent to its frame (`realm`: its own document's). */
export function validReplayOrder(v: unknown, realm: RealmId | null): Check<ReplayOrder> {
  if (!isRecord(v) || (v.kind !== 'replay' && v.kind !== 'expectReplay')) return { error: 'not a replay order' };
  if (realm === null || v.realm !== realm) return { error: 'for another document' };
  const original = typeof v.original === 'string' ? parseMessageId(v.original) : null;
  if (!original) return { error: 'original must be a message id' };
  if (v.kind === 'expectReplay') {
    const bad = onlyKeys(v, ['kind', 'realm', 'original', 'from'], []);
    if (bad) return { error: bad };
    if (original.realm !== realm) return { error: 'not a receipt of this realm' };
    const from = windowTarget(v.from, false);
    return 'error' in from ? from : (v as unknown as ReplayOrder);
  }
  const bad = onlyKeys(v, ['kind', 'realm', 'original', 'route', 'payload'], ['window']);
  if (bad) return { error: bad };
  if (!ROUTES.includes(v.route as Route)) return { error: 'unknown route' };
  if ((v.route === 'window') !== (v.window !== undefined)) return { error: 'a window target goes with route window only' };
  if (v.route !== 'window' && original.realm !== realm) return { error: 'not a send of this realm' };
  if (v.window !== undefined) {
    const w = windowTarget(v.window, true);
    if ('error' in w) return w;
  }
  const payload = literalProblem(v.payload);
  if (payload) return { error: `payload: ${payload}` };
  return v as unknown as ReplayOrder;
}

/** The command the relay hands the recorder for a checked order. */
export function commandOf(order: ReplayOrder): ReplayCommand {
  switch (order.kind) {
    case 'replay':
      return { do: 'replay', original: order.original, route: order.route, ...(order.window ? { window: order.window } : {}), payload: order.payload };
    case 'expectReplay':
      return { do: 'expect', original: order.original, from: order.from };
  }
}

/** A result that crossed from a renderer: only the shapes above, reasons bounded. */
export function validReplayResult(v: unknown): ReplayResult | null {
  if (!isRecord(v)) return null;
  const reason = typeof v.reason === 'string' ? v.reason.slice(0, 300) : undefined;
  switch (v.outcome) {
    case 'sent':
      return typeof v.replay === 'string' && parseMessageId(v.replay) ? { outcome: 'sent', replay: v.replay } : { outcome: 'sent' };
    case 'refused':
    case 'threw':
      return { outcome: v.outcome, reason: reason ?? 'no reason given' };
    default:
      return null;
  }
}
