/**
 * Send again (docs/replay.md): the recorder's side of a replay the user asked for in the panel.
 *
 * Commands arrive only from the content relay, on the recorder's detached node (emit.ts), as JSON the
 * relay has checked (model/replay.ts). The recorder checks again what only it knows: the message is
 * one this realm sent itself, recently (it keeps the sender object of its last SENDERS_KEPT sends,
 * through WeakRefs: a replay must not keep a port, worker or channel alive), and that sender can still
 * send. It then posts through the recorder's own wrapper of the send method (which calls the native
 * method saved before page scripts ran), so the send is recorded like any other, with `replayOf`.
 * A window message is posted with the native `window.postMessage` saved at document_start, from this
 * realm to the window named by its relation, with the receiver's origin as `targetOrigin`.
 *
 * Nothing here is reachable from the page: no global, no event on anything the page holds, and the
 * payload is built from data with saved constructors only (model/literal-build.ts).
 */
import { buildValue, realmNatives } from '../model/literal-build';
import type { LiteralValue } from '../model/literal-value';
import type { ReplayCommand, ReplayResult, WindowTarget } from '../model/replay';
import type { Route } from '../model/protocol';
import { apply, dataValue, getOwnPropertyDescriptor, getter, hasOwn, inheritedString, errorIsError, NativeWeakMap, read, weakMapGet, weakMapSet } from './natives';

/** Sends whose sender is kept for a replay (a ring: the oldest is forgotten first). */
export const SENDERS_KEPT = 1_000;
/** How long a receiving realm waits for the window message it was told to expect. */
const EXPECT_MS = 5_000;

const NativeWeakRef = globalThis.WeakRef;
const weakRefDeref = NativeWeakRef?.prototype.deref;
const natives = realmNatives();
const windowPostMessage = dataValue(getOwnPropertyDescriptor(globalThis, 'postMessage')) as ((this: Window, message: unknown, targetOrigin: string) => void) | undefined;

type Post = (...args: never[]) => unknown;


/** Why a kept sender cannot send now (a closed or transferred port), or undefined when it can. */
export type SenderCheck = (route: Route, sender: object) => string | undefined;

export class Replayer {
  /** The ring of kept sends, as parallel slots made at start (a send allocates nothing but, the first
   *  time a sender is seen, its WeakRef): seq (0: empty), route, sender, and the recorder's wrapper of
   *  the send method (it records the send, then calls the native one). */
  private readonly seqs: number[] = [];
  private readonly routes: (Route | undefined)[] = [];
  private readonly senders: (WeakRef<object> | undefined)[] = [];
  private readonly posts: (Post | undefined)[] = [];
  private readonly refs = new NativeWeakMap<object, WeakRef<object>>();
  private next = 0;
  /** While a replay's send runs: the id of the original, which the recorded send carries. */
  replaying: string | undefined = undefined;
  private expected: { original: string; from: WindowTarget; until: number } | undefined = undefined;

  constructor(
    private readonly realm: string,
    private readonly win: Window,
    private readonly lastSeq: () => number,
    private readonly now: () => number,
    private readonly check: SenderCheck,
  ) {
    for (let i = 0; i < SENDERS_KEPT; i++) {
      this.seqs[i] = 0;
      this.routes[i] = undefined;
      this.senders[i] = undefined;
      this.posts[i] = undefined;
    }
  }

  /** A send that was posted: its sender, for a replay later. */
  remember(seq: number, route: Route, sender: object, post: Post): void {
    if (!NativeWeakRef) return;
    let ref = apply(weakMapGet, this.refs, [sender]) as WeakRef<object> | undefined;
    if (ref === undefined) {
      ref = new NativeWeakRef(sender);
      apply(weakMapSet, this.refs, [sender, ref]);
    }
    const i = this.next;
    this.seqs[i] = seq;
    this.routes[i] = route;
    this.senders[i] = ref;
    this.posts[i] = post;
    this.next = i + 1 === SENDERS_KEPT ? 0 : i + 1;
  }

  /** Route `window`: the `replayOf` of a window message arriving from `relation`, when one is expected. */
  expectedFrom(relation: unknown, childIndex: unknown): string | undefined {
    const e = this.expected;
    if (e === undefined) return undefined;
    if (this.now() > e.until) {
      this.expected = undefined;
      return undefined;
    }
    if (e.from.relation !== relation || (e.from.relation === 'child' && e.from.childIndex !== childIndex)) return undefined;
    this.expected = undefined;
    return e.original;
  }

  /** Carries out a command the relay checked. Never throws. */
  run(parsed: ReplayCommand): ReplayResult {
    try {
      const command = ownCommand(parsed);
      if (command.do === 'expect') {
        const id = parseOwnId(command.original, this.realm);
        if (id === undefined || id > this.lastSeq()) return { outcome: 'refused', reason: 'not a message this realm received' };
        if (command.from === undefined) return { outcome: 'refused', reason: 'no sending window named' };
        this.expected = { original: command.original, from: command.from, until: this.now() + EXPECT_MS };
        return { outcome: 'sent' };
      }
      if (command.route === 'window') return this.replayWindow(command.original, command.window, command.payload);
      return this.replaySend(command.original, command.route, command.payload);
    } catch {
      return { outcome: 'refused', reason: 'the recorder could not carry out the replay' };
    }
  }

  private replaySend(original: string, route: Route, payload: LiteralValue): ReplayResult {
    const seq = parseOwnId(original, this.realm);
    if (seq === undefined) return { outcome: 'refused', reason: 'not a message this realm sent' };
    let at = -1;
    for (let i = 0; i < SENDERS_KEPT; i++) if (this.seqs[i] === seq) at = i;
    if (at < 0) return { outcome: 'refused', reason: 'the recorder no longer knows this send (too old, or it was not posted)' };
    if (this.routes[at] !== route) return { outcome: 'refused', reason: 'the message was sent on another route' };
    const post = this.posts[at]!;
    const sender = apply(weakRefDeref!, this.senders[at]!, []) as object | undefined;
    if (sender === undefined) return { outcome: 'refused', reason: 'the sender no longer exists' };
    const unable = this.check(route, sender);
    if (unable !== undefined) return { outcome: 'refused', reason: unable };
    const built = buildValue(payload, natives);
    if (!built.ok) return { outcome: 'refused', reason: `the payload could not be built: ${built.error}` };
    const before = this.lastSeq();
    this.replaying = original;
    try {
      apply(post, sender, [built.value]);
    } catch (err) {
      return { outcome: 'threw', reason: describe(err) };
    } finally {
      this.replaying = undefined;
    }
    const after = this.lastSeq();
    return after > before ? { outcome: 'sent', replay: `${this.realm}#${after}` } : { outcome: 'sent' };
  }

  private replayWindow(original: string, target: (WindowTarget & { targetOrigin: string }) | undefined, payload: LiteralValue): ReplayResult {
    if (target === undefined || windowPostMessage === undefined) return { outcome: 'refused', reason: 'no target window' };
    const to = this.windowOf(target);
    if (to === undefined || to === null) return { outcome: 'refused', reason: 'the target window is not there any more' };
    const built = buildValue(payload, natives);
    if (!built.ok) return { outcome: 'refused', reason: `the payload could not be built: ${built.error}` };
    void original;
    try {
      apply(windowPostMessage, to, [built.value, target.targetOrigin]);
    } catch (err) {
      return { outcome: 'threw', reason: describe(err) };
    }
    return { outcome: 'sent' };
  }

  /** The window `target` names, read with native getters (`frames[i]` cannot be shadowed by the page). */
  private windowOf(target: WindowTarget): unknown {
    switch (target.relation) {
      case 'self':
        return this.win;
      case 'parent':
        return read(parentGetter, this.win);
      case 'top':
        return read(topGetter, this.win);
      case 'child': {
        const n = (read(lengthGetter, this.win) as number | undefined) ?? 0;
        return target.childIndex < n ? (this.win as unknown as Record<number, unknown>)[target.childIndex] : undefined;
      }
    }
  }
}

/** `o[key]` when `o` has it as its own member: one it lacks is not looked up on Object.prototype,
 *  where the page may have put one. */
function own(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null && hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

function ownTarget(t: unknown): (WindowTarget & { targetOrigin: string }) | undefined {
  if (typeof t !== 'object' || t === null) return undefined;
  return { relation: own(t, 'relation'), childIndex: own(t, 'childIndex'), targetOrigin: own(t, 'targetOrigin') } as WindowTarget & { targetOrigin: string };
}

/**
 * A command as the relay checked it, its own members only (the relay always writes every member a
 * command needs; this keeps the recorder's reading to what was written, whatever the page did to
 * Object.prototype).
 */
function ownCommand(c: ReplayCommand): ReplayCommand {
  return { do: own(c, 'do'), original: own(c, 'original'), route: own(c, 'route'), window: ownTarget(own(c, 'window')), from: ownTarget(own(c, 'from')), payload: own(c, 'payload') } as unknown as ReplayCommand;
}

const parentGetter = getter(globalThis, 'parent');
const topGetter = getter(globalThis, 'top');
const lengthGetter = getter(globalThis, 'length');

/** The seq of `id` when it is a message id of `realm` (`realm#seq`). */
function parseOwnId(id: string, realm: string): number | undefined {
  const prefix = `${realm}#`;
  if (id.length <= prefix.length || id.length > prefix.length + 16) return undefined;
  for (let i = 0; i < prefix.length; i++) if (id[i] !== prefix[i]) return undefined;
  let seq = 0;
  for (let i = prefix.length; i < id.length; i++) {
    const c = id.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    seq = seq * 10 + c;
  }
  return seq > 0 ? seq : undefined;
}

const domExceptionName = getter(globalThis.DOMException?.prototype, 'name');
const domExceptionMessage = getter(globalThis.DOMException?.prototype, 'message');

/** `Name: message` of what the send threw, read with native getters or through descriptors only. */
function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null) return typeof err;
  const domName = read(domExceptionName, err);
  if (typeof domName === 'string') return `${domName}: ${(read(domExceptionMessage, err) as string | undefined) ?? ''}`;
  const d = getOwnPropertyDescriptor(err, 'message');
  const own = d !== undefined && hasOwn(d, 'value') && typeof d.value === 'string' ? d.value : '';
  const isError = errorIsError !== undefined && errorIsError(err);
  const name = isError ? inheritedString(err, 'name') : '';
  const message = own !== '' ? own : isError ? inheritedString(err, 'message') : '';
  return name === '' ? message : `${name}: ${message}`;
}
