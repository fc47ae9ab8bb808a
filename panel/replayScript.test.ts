import { describe, expect, it } from 'vitest';
import type { MessageModel, RealmModel } from '../model/correlator';
import type { RealmId } from '../model/protocol';
import { replayScript, type ScriptContext, type WindowReceipt } from './replayScript';

const realm = (id: string, over: Partial<RealmModel> = {}): RealmModel => ({ id, kind: 'top', instrumented: true, tabId: 7, frameId: 0, origin: 'http://a.test', events: 1, gaps: 0, missing: 0, faults: 0, ...over });
const realms = new Map<RealmId, RealmModel>([
  ['top', realm('top', { url: 'http://a.test/index.html' })],
  ['kid', realm('kid', { kind: 'iframe', parent: 'top', origin: 'http://b.test', url: 'http://b.test/frame.html' })],
]);
const msg = (id: string, route: MessageModel['route'], sentAt: number, preview: MessageModel['preview'], over: Partial<MessageModel> = {}): MessageModel => ({ id, route, fromRealm: 'top', status: 'delivered', ambiguous: false, transfers: [], preview, sentAt, ...over });

function contextFor(messages: MessageModel[], receipts: Record<string, WindowReceipt> = {}): ScriptContext {
  return { realms, realmName: (id) => (id === 'top' ? 'top a.test/index.html' : `iframe ${id}`), windowReceipt: (m) => receipts[m.id], messages };
}

/** Runs the script with stand-ins for what it may reach; what each was sent. */
async function run(script: string): Promise<string[]> {
  const posted: string[] = [];
  const windowLike = (name: string) => ({ postMessage: (v: unknown, origin: string) => posted.push(`${name} ${origin} ${v instanceof Map ? `Map(${[...v].join(';')})` : JSON.stringify(v)}`) });
  class FakeChannel {
    constructor(readonly name: string) {}
    postMessage(v: unknown) {
      posted.push(`bc ${this.name} ${JSON.stringify(v)}`);
    }
    close() {
      posted.push(`close ${this.name}`);
    }
  }
  const frames = [windowLike('frames[0]'), windowLike('frames[1]')];
  const immediately = (f: () => void) => f();
  new Function('window', 'parent', 'frames', 'BroadcastChannel', 'setTimeout', 'document', script)(windowLike('window'), windowLike('parent'), frames, FakeChannel, immediately, { querySelectorAll: () => [{ src: 'http://b.test/frame.html', contentWindow: windowLike('iframe') }] });
  for (let i = 0; i < 20; i++) await Promise.resolve();
  return posted;
}

describe('replayScript', () => {
  it('sends window messages and broadcasts in recorded order, with the receiver as targetOrigin', async () => {
    const toKid = msg('kid#4', 'window', 100, { $t: 'map', entries: [['answer', 42]], size: 1 }, { toRealm: 'kid' });
    const fromKid = msg('top#2', 'window', 50, 'hi', { fromRealm: 'kid', toRealm: 'top' });
    const bc = msg('top#9', 'broadcast', 130, { $t: 'date', v: 0 }, { channelName: 'news' });
    const self = msg('top#11', 'window', 131, { $t: 'array', items: [1, { $t: 'undefined' }], length: 2 }, { toRealm: 'top' });
    const receipts = { 'kid#4': { source: 'parent' as const }, 'top#2': { source: 'child' as const, childIndex: 1 }, 'top#11': { source: 'self' as const } };
    const script = replayScript([toKid, bc, self], contextFor([fromKid, toKid, bc, self], receipts));
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain('frames[1].postMessage(new Map([["answer", 42]]), "http://b.test");');
    expect(script).toContain('await wait(30);');
    expect(script).toContain('new BroadcastChannel("news")');
    expect(script).toMatch(/^\/\/ Run it in the console of the realm that sent them .*: top a\.test\/index\.html\.$/m);
    expect(await run(script)).toEqual(['frames[1] http://b.test Map(answer,42)', 'bc news "1970-01-01T00:00:00.000Z"', 'window http://a.test [1,null]', 'close news']);
  });

  it('finds a child frame by its URL when its index was not recorded, and sends to the parent from a child', async () => {
    const toKid = msg('kid#4', 'window', 100, 1, { toRealm: 'kid' });
    const up = msg('top#3', 'window', 120, 2, { fromRealm: 'kid', toRealm: 'top' });
    const script = replayScript([toKid, up], contextFor([toKid, up], { 'kid#4': { source: 'parent' }, 'top#3': { source: 'child' } }), { kind: 'backToBack' });
    expect(script).toMatch(/sent from 2 realms/);
    expect(script).not.toContain('await wait(');
    expect(await run(script)).toEqual(['iframe http://b.test 1', 'parent http://a.test 2']);
  });

  it("says the console cannot reach the page's port or worker, with the payload commented out", async () => {
    const port = msg('top#5', 'port', 1, { $t: 'set', items: [1, 2], size: 2 });
    const worker = msg('top#6', 'worker', 2, { $t: 'typedarray', kind: 'Uint8Array', length: 2, byteLength: 2, head: '0102' });
    const popup = msg('pop#1', 'window', 3, 'x', { toRealm: 'kid' });
    const script = replayScript([port, worker, popup], contextFor([port, worker, popup], { 'pop#1': { source: 'opener' } }), { kind: 'backToBack' });
    expect(script).toContain("the console cannot reach the page's MessagePort");
    expect(script).toContain('  // port.postMessage(new Set([1, 2]));');
    expect(script).toContain("the console cannot reach the page's Worker object");
    expect(script).toContain('  // worker.postMessage(new Uint8Array([0x01, 0x02]));');
    expect(script).toMatch(/the console cannot name the receiving window/);
    expect(await run(script)).toEqual([]);
  });

  it('page text cannot break out of a comment or a string into code', async () => {
    const evil = '\u2028globalThis.pwned = 1; //\n*/ globalThis.pwned = 2; "';
    const port = msg('top#5', 'port', 1, evil);
    const win = msg('kid#7', 'window', 2, evil, { toRealm: 'kid' });
    const hostileRealms = new Map(realms);
    hostileRealms.set('top', realm('top', { url: evil }));
    const ctx: ScriptContext = { ...contextFor([port, win], { 'kid#7': { source: 'parent' } }), realms: hostileRealms, realmName: () => evil };
    const script = replayScript([port, win], ctx, { kind: 'backToBack' });
    expect(() => new Function(script)).not.toThrow();
    const posted = await run(script);
    expect(posted).toEqual([`iframe http://b.test ${JSON.stringify(evil)}`]);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});
