/**
 * Fidelity: the inspected page must behave exactly as without Entangle. The same fixture runs in a
 * browser with the extension and in one without, and every observation must match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSent, Preview } from '../../model/protocol';
import { FIXTURES, launch, openPanel, panelEvents, startDemoServer, tabIdOf, waitFor, type DemoServer, type Session } from './harness';

type Result = Record<string, unknown> & {
  errors: Record<string, { threw: boolean; name?: string }>;
  neverStarted: { beforeStart: unknown[]; afterStart: unknown[] };
  wrappers: Record<string, unknown>;
};

async function run(session: Session, url: string): Promise<Result> {
  const page = await session.browser.newPage();
  await page.goto(url);
  return (await page.evaluate(() => (window as unknown as { runFidelity(): Promise<unknown> }).runFidelity())) as Result;
}

interface ErrorSeen {
  name: string;
  message: string;
  stack: string;
  ownKeys: string[];
  stackDescriptor: Record<string, unknown> | undefined;
}
interface PageCode {
  /** `case:hook` → calls, counted by the page (what the browser itself calls, plus any by the recorder). */
  counts: Record<string, number>;
  errors: Record<string, ErrorSeen | null>;
  prepared: { stack: string; seen: string[][] };
  proxyArguments: Record<string, number>;
}

async function runPageCode(session: Session, url: string): Promise<PageCode> {
  const page = await session.browser.newPage();
  await page.goto(url);
  return (await page.evaluate(() => (window as unknown as { runPageCode(): Promise<unknown> }).runPageCode())) as PageCode;
}

/** The `tag` a payload preview carries (object: its `tag` entry; Map: its `tag` key's value). */
function tagOf(p: Preview | undefined): unknown {
  if (typeof p !== 'object' || p === null || !('$t' in p)) return undefined;
  if (p.$t === 'object') return p.entries.find(([k]) => k === 'tag')?.[1];
  if (p.$t === 'map') return p.entries.find(([k]) => k === 'tag')?.[1];
  return undefined;
}

describe('fidelity: with the extension versus without', () => {
  let server: DemoServer;
  let withExt: Session;
  let without: Session;
  let a: Result;
  let b: Result;
  let pa: PageCode;
  let pb: PageCode;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    [withExt, without] = await Promise.all([launch({ extension: true }), launch({ extension: false })]);
    const url = server.url('/fidelity.html');
    [a, b] = await Promise.all([run(withExt, url), run(without, url)]);
    const pageCodeUrl = server.url('/fidelity-pagecode.html');
    [pa, pb] = await Promise.all([runPageCode(withExt, pageCodeUrl), runPageCode(without, pageCodeUrl)]);
  });
  afterAll(async () => {
    await Promise.all([withExt?.close(), without?.close()]);
    await server?.close();
  });

  it('throws the same exceptions (name, message, DOMException-ness) for every error case', () => {
    expect(a.errors).toEqual(b.errors);
    // The cases really are errors in this browser (otherwise the comparison proves little).
    expect(b.errors.functionPayload).toMatchObject({ threw: true, name: 'DataCloneError' });
    expect(b.errors.duplicateBuffer).toMatchObject({ threw: true, name: 'DataCloneError' });
    expect(b.errors.sourcePort).toMatchObject({ threw: true, name: 'DataCloneError' });
    expect(b.errors.windowBadOrigin).toMatchObject({ threw: true, name: 'SyntaxError' });
    expect(b.errors.detachedBuffer).toMatchObject({ threw: true, name: 'DataCloneError' });
  });

  it('keeps event.source and origin of window messages between same-origin realms', () => {
    expect(a.crossRealm).toEqual(b.crossRealm);
    expect(b.crossRealm).toMatchObject({ sourceIsParent: true, sourceIsSelf: false, replySourceIsFrame: true });
  });

  it('delivers in the same order across channels and window', () => {
    expect(a.order).toEqual(b.order);
    expect((b.order as unknown[]).length).toBeGreaterThan(20);
  });

  it('never starts a port: messages to a never-started port stay queued until the page starts it', () => {
    expect(a.neverStarted).toEqual(b.neverStarted);
    expect(a.neverStarted.beforeStart).toEqual([]);
    expect(a.neverStarted.afterStart).toEqual(['q1', 'q2', 'q3']);
  });

  it('behaves the same for silent failures (doomed transfer, closed ports)', () => {
    expect(a.silent).toEqual(b.silent);
  });

  it('keeps wrappers native-looking: name, length, toString, descriptors, constructor identity', () => {
    expect(a.wrappers).toEqual(b.wrappers);
    expect((a.wrappers.instance as Record<string, unknown>).ctorIdentity).toBe(true);
  });

  it('returns the same values and delivers the same events', () => {
    expect(a.returns).toEqual(b.returns);
  });

  it('keeps working, unchanged, when the page replaces JSON, CustomEvent, dispatchEvent, addEventListener and postMessage', async () => {
    expect(a.replaced).toEqual(b.replaced);
    expect(a.replaced).toEqual(['while-replaced', 'listener:via-addEventListener', 'page-wrapper-saw:while-replaced,via-addEventListener']);
  });

  it('was really recording in the run with the extension (errors included)', async () => {
    const tabId = await tabIdOf(await openPanel(withExt), server.url('/fidelity.html'));
    const panel = await openPanel(withExt, tabId);
    const failed = await waitFor('failed sends in the panel', async () => {
      const sends = (await panelEvents(panel)).filter((e) => e.event.type === 'messageSent' && e.event.error);
      return sends.length >= 10 ? sends : undefined;
    });
    const names = failed.map((e) => (e.event.type === 'messageSent' ? e.event.error?.name : ''));
    expect(names).toContain('DataCloneError');
    expect(names).toContain('InvalidStateError');
    // Recorded while the page had replaced JSON, CustomEvent, dispatchEvent, addEventListener, postMessage.
    const received = (await panelEvents(panel)).flatMap((e) => (e.event.type === 'messageReceived' ? [e.event.preview] : []));
    expect(received).toContain('while-replaced');
    expect(received).toContain('via-addEventListener');
  });

  it('adds no message event on window and no global', () => {
    expect(a.windowMessages).toEqual(b.windowMessages);
    expect(a.initialGlobals).toEqual(b.initialGlobals);
    expect(a.globalsAdded).toEqual(b.globalsAdded);
  });

  describe('never runs page code', () => {
    it('calls no getter, trap, toJSON, valueOf, toString, toPrimitive or iterator: the counts are the browser\'s own', () => {
      expect(pa.counts).toEqual(pb.counts);
      // The page really has hooks the browser calls (otherwise equal counts prove little).
      expect(pb.counts['hot:getter']).toBe(4);
      expect(pb.counts['failAfterGetter:getter']).toBe(1);
      expect(pb.counts['failGetterThrows:throwing getter']).toBe(1);
      expect(pb.counts['transferGetter:transfer list getter']).toBe(1);
      expect(pb.counts['optionsGetter:options getter']).toBe(1);
      expect(pb.counts['optionsInherited:Object.prototype.transfer']).toBe(1);
      // What the browser never calls, nobody called.
      const never = Object.keys(pa.counts).filter((k) => /trap\.|toJSON|valueOf|toString|toPrimitive|hidden getter|proto getter|:iterator|Map\.prototype|Set\.prototype|String\.prototype|RegExp|Object\.keys|includes|join|Reflect/.test(k));
      expect(never).toEqual([]);
    });

    it('throws the same errors, with identical stacks and stack descriptors, for errors the platform raised', () => {
      for (const key of ['failFunction', 'failSymbol', 'failNode', 'failMapKey', 'failWeakMap', 'failAfterGetter', 'failProxy', 'failProxyTop', 'failWorker', 'failBadTransfer', 'overload', 'illegalThis', 'badWorkerUrl']) {
        expect(pa.errors[key], key).toEqual(pb.errors[key]);
        expect(pb.errors[key]?.stack, key).toBeTruthy();
      }
      expect(pa.errors.failFunction?.stack).not.toContain('-extension://');
      expect(pb.errors.failFunction?.stackDescriptor).toMatchObject({ kind: 'accessor', sameGetterAsError: true });
      // A page's Error.prepareStackTrace sees the same call sites, called when the page reads the stack.
      expect(pa.prepared).toEqual(pb.prepared);
      expect(pb.prepared.seen).toHaveLength(1);
    });

    it('differs only where docs/recording.md says it must', () => {
      // A page error thrown by a getter the browser ran inside the wrapped call: the wrapper's frame is
      // one of its frames (leaving it untouched is the only way not to lose the page's own frames).
      const withFrame = pa.errors.failGetterThrows!.stack.split('\n');
      const plain = pb.errors.failGetterThrows!.stack.split('\n');
      expect(withFrame.filter((l) => !l.includes('-extension://'))).toEqual(plain);
      expect(withFrame.length).toBe(plain.length + 1);
      // Function.prototype.toString on a non-function: the stack starts at the caller, without the
      // built-in's own `at Object.toString (<anonymous>)` line.
      expect(pa.errors.toStringOfObject?.message).toBe(pb.errors.toStringOfObject?.message);
      expect(pa.errors.toStringOfObject?.stack).toBe(pb.errors.toStringOfObject?.stack.replace(/\n {4}at Object\.toString \(<anonymous>\)/, ''));
      // A Proxy passed as the transfer list or the options object: one getOwnPropertyDescriptor trap
      // call by the recorder (JavaScript cannot tell such a Proxy from an array without a trap).
      const extra = Object.fromEntries(Object.entries(pa.proxyArguments).filter(([k, v]) => pb.proxyArguments[k] !== v));
      expect(extra).toEqual({ 'proxyTransferList:trap.getOwnPropertyDescriptor': 1, 'proxyOptions:trap.getOwnPropertyDescriptor': 1 });
    });

    it('records a preview for every send at the sender that will not be previewed by a receiver, and where a clone failed', async () => {
      const tabId = await tabIdOf(await openPanel(withExt), server.url('/fidelity-pagecode.html'));
      const panel = await openPanel(withExt, tabId);
      const sends = await waitFor('the page-code sends in the panel', async () => {
        const all = (await panelEvents(panel)).flatMap((e) => (e.event.type === 'messageSent' ? [e.event] : []));
        return all.length >= 24 ? all : undefined;
      });
      const byTag = new Map<unknown, MessageSent>();
      for (const s of sends) if (tagOf(s.preview) !== undefined) byTag.set(tagOf(s.preview), s);
      const shown = (tag: string) => byTag.get(tag);
      // The hot path (an instrumented receiver) has no sender preview.
      expect(sends.some((s) => s.route === 'port' && s.outcome === 'posted' && !s.error && s.preview === undefined)).toBe(true);
      for (const tag of ['worker', 'viaWorkerPort', 'doomed', 'partnerClosed']) expect(shown(tag), tag).toBeDefined();
      expect(shown('doomed')?.outcome).toBe('doomed');
      expect(shown('partnerClosed')?.outcome).toBe('partnerClosed');
      // The transferred buffer, read before the call detached it.
      const worker = shown('worker')!.preview as Extract<Preview, { $t: 'object' }>;
      expect(worker.entries.find(([k]) => k === 'bytes')?.[1]).toEqual({ $t: 'typedarray', kind: 'Uint8Array', length: 4, byteLength: 4, head: '01020304' });
      // A getter is shown as such, never called.
      expect(JSON.stringify(shown('worker')!.preview)).toContain('"$t":"accessor","key":"g"');
      // Failed clones: where, and what.
      expect(shown('failFunction')?.error).toMatchObject({ name: 'DataCloneError', path: 'payload.handlers[2]', culprit: 'Function' });
      expect(shown('failSymbol')?.error).toMatchObject({ path: 'payload.s.<item 1>', culprit: 'Symbol' });
      expect(shown('failNode')?.error).toMatchObject({ path: 'payload.el', culprit: 'HTMLDivElement' });
      expect(shown('failMapKey')?.error).toMatchObject({ path: 'payload.<key 1>', culprit: 'Function' });
      expect(shown('failWeakMap')?.error).toMatchObject({ path: 'payload.deep.list[1]', culprit: 'WeakMap' });
      expect(shown('failWorker')?.error).toMatchObject({ path: 'payload.f', culprit: 'Function' });
      expect(shown('failAfterGetter')?.error).toMatchObject({ culprit: 'Function' });
      expect(shown('failAfterGetter')?.error?.path).toBeUndefined();
      // Past the culprit nothing is read.
      const failFunction = shown('failFunction')!.preview as Extract<Preview, { $t: 'object' }>;
      expect(failFunction.entries.find(([k]) => k === 'after')?.[1]).toEqual({ $t: 'truncated', reason: 'unreached' });
      // A Proxy is named by the browser's message and never walked.
      const proxies = sends.filter((s) => s.error?.culprit === 'Proxy');
      expect(proxies).toHaveLength(2);
      for (const s of proxies) {
        expect(s.preview).toEqual({ $t: 'opaque', kind: 'Proxy' });
        expect(s.error?.path).toBeUndefined();
      }
      // Not serialized by the browser (a closed port, a transfer list refused first): opaque.
      const closed = sends.filter((s) => s.outcome === 'portClosed');
      expect(closed.map((s) => s.preview)).toEqual([{ $t: 'opaque', kind: 'Object' }, { $t: 'opaque', kind: 'Object' }]);
      // A transfer-list item behind a getter is not read.
      expect(sends.find((s) => s.transfer.some((t) => t.kind === 'accessor'))?.transfer).toEqual([{ kind: 'ArrayBuffer', byteLength: 2 }, { kind: 'accessor' }]);
    });
  });
});
