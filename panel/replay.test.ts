import { afterEach, describe, expect, it } from 'vitest';
import type { MessageModel, PortModel, RealmModel } from '../model/correlator';
import { indexOf } from './modelIndex';
import { replayModel, replayPort, replayRealm } from './replay.fixture';
import { parsePayload, replayability, replayRequest, sendReplay, setReplayTransport } from './replay';

const realm = replayRealm;
const port = replayPort;
const message = (over: Partial<MessageModel> = {}): MessageModel => ({
  id: 'top#5',
  route: 'port',
  fromRealm: 'top',
  fromPort: 'top:1',
  status: 'delivered',
  ambiguous: false,
  transfers: [],
  preview: { $t: 'map', entries: [['answer', 42]], size: 1 },
  send: { realm: 'top', seq: 5, index: 4 },
  ...over,
});
function ix(m: MessageModel, realms: RealmModel[] = [realm('top')], ports: PortModel[] = [port()]) {
  return indexOf(replayModel([m], realms, ports));
}
const why = (m: MessageModel, realms?: RealmModel[], ports?: PortModel[], live = true): string => {
  const r = replayability(m, ix(m, realms, ports), live);
  return r.ok ? (r.complete ? 'ok' : `incomplete: ${r.incomplete}`) : r.reason;
};

describe('replayability: offered only when it can be faithful', () => {
  it('offers a live port message with its whole payload, as literal text', () => {
    const m = message();
    expect(replayability(m, ix(m), true)).toEqual({ ok: true, text: 'Map([["answer", 42]])', complete: true });
  });
  it('says why not, for each reason', () => {
    expect(why(message(), undefined, undefined, false)).toMatch(/capture opened from a file/);
    expect(why(message({ preview: { $t: 'string', v: 'abc', length: 100000 } }))).toMatch(/^incomplete: the payload was not captured whole: a string was recorded only in part/);
    expect(why(message({ preview: { $t: 'skipped', reason: 'load' } }))).toMatch(/^incomplete: /);
    expect(why(message({ transfers: [{ kind: 'MessagePort', port: 'top:3' }] }))).toMatch(/transferred ports/);
    expect(why(message(), [realm('top', { goneAt: 5 })])).toMatch(/sending realm is gone/);
    expect(why(message(), undefined, [port({ closed: true })])).toMatch(/port was closed/);
    expect(why(message(), undefined, [port({ custody: [{ realm: 'top', localId: 'top:1', from: 0, to: 3, via: 'created', started: true, closed: false }, { realm: 'frame', from: 3, via: 'port', started: false, closed: false }] })])).toMatch(/moved away/);
    expect(why(message({ fromRealm: undefined }))).toMatch(/sender is not known/);
    expect(why(message({ error: { name: 'DataCloneError', message: 'x' } }))).toMatch(/threw/);
  });
  it('refuses a port that a port arriving elsewhere could be, until the correlator tells them apart', () => {
    const arrived = port({ id: 'frame:1', custody: [{ realm: 'frame', localId: 'frame:1', from: 3, via: 'window', started: true, closed: false }], candidates: ['top:1', 'top:9'] });
    const realms = [realm('top'), realm('frame', { kind: 'iframe', frameId: 4 })];
    expect(why(message(), realms, [port(), arrived])).toBe('the sending port may have moved away: a port that arrived in frame by a window or worker message could be it');
    expect(why(message(), realms, [port(), { ...arrived, candidates: ['top:9'] }])).toBe('ok');
  });
  it('refuses a sender whose recording is untrusted, on every route; an untrusted receiver alone does not stop a window replay', () => {
    const untrusted = realm('top', { untrusted: 'inheritedWindow' });
    expect(why(message(), [untrusted])).toMatch(/sending realm is untrusted/);
    const w = message({ id: 'frame#3', route: 'window', send: undefined, fromPort: undefined, toRealm: 'frame', receipt: { realm: 'frame', seq: 3, index: 9 } });
    expect(why(w, [untrusted, realm('frame', { kind: 'iframe', frameId: 4, origin: 'http://b.test' })])).toMatch(/sending realm is untrusted/);
    expect(why(w, [realm('top'), realm('frame', { kind: 'iframe', frameId: 4, origin: 'http://b.test', untrusted: 'inheritedWindow' })])).toBe('ok');
  });
  it('offers a window message between two live frames of the tab', () => {
    const m = message({ id: 'frame#3', route: 'window', send: undefined, fromPort: undefined, toRealm: 'frame', receipt: { realm: 'frame', seq: 3, index: 9 } });
    const realms = [realm('top'), realm('frame', { kind: 'iframe', frameId: 4, origin: 'http://b.test' })];
    expect(why(m, realms)).toBe('ok');
    expect(replayRequest(m, ix(m, realms), 1)).toEqual({ kind: 'replayRequested', tabId: 7, frameId: 0, realm: 'top', original: 'frame#3', route: 'window', to: { realm: 'frame', frameId: 4, origin: 'http://b.test' }, payload: 1 });
    expect(why(m, [realm('top'), realm('frame', { frameId: 4, goneAt: 9 })])).toMatch(/receiving realm is gone/);
  });
});

describe('parsePayload and sendReplay', () => {
  afterEach(() => setReplayTransport(null));
  it('gives the position of bad text', () => {
    expect(parsePayload('Map([["a", 1]')).toMatchObject({ ok: false, message: expect.stringMatching(/^line 1, column \d+: /) });
    expect(parsePayload('{ a: Set([1n]) }')).toMatchObject({ ok: true });
  });
  it('refuses at once what the background would refuse, saying why', () => {
    expect(parsePayload(`[${'0,'.repeat(100_000)}]`)).toEqual({ ok: false, message: 'it cannot be sent: more than 100,000 values' });
    expect(parsePayload(`[${'0,'.repeat(99_998)}]`)).toMatchObject({ ok: true });
  });
  it('validates the answer, and turns a failure into a refusal', async () => {
    const request = replayRequest(message(), ix(message()), 1)!;
    setReplayTransport(async () => ({ outcome: 'sent', replay: 'top#9', extra: '<b>' }));
    expect(await sendReplay(request)).toEqual({ outcome: 'sent', replay: 'top#9' });
    setReplayTransport(async () => 'nonsense');
    expect(await sendReplay(request)).toEqual({ outcome: 'refused', reason: 'the extension gave no valid answer' });
    setReplayTransport(async () => {
      throw new Error('Could not establish connection');
    });
    expect(await sendReplay(request)).toEqual({ outcome: 'refused', reason: 'the extension could not be reached: Could not establish connection' });
  });
});
