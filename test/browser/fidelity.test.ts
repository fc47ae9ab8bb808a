/**
 * Fidelity: the inspected page must behave exactly as without Entangle. The same fixture runs in a
 * browser with the extension and in one without, and every observation must match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('fidelity: with the extension versus without', () => {
  let server: DemoServer;
  let withExt: Session;
  let without: Session;
  let a: Result;
  let b: Result;

  beforeAll(async () => {
    server = await startDemoServer({ dir: FIXTURES });
    [withExt, without] = await Promise.all([launch({ extension: true }), launch({ extension: false })]);
    const url = server.url('/fidelity.html');
    [a, b] = await Promise.all([run(withExt, url), run(without, url)]);
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
    const tabId = await tabIdOf(await openPanel(withExt), server.originA);
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
});
