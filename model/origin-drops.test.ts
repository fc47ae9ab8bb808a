import { describe, expect, it } from 'vitest';
import { createCorrelator, summarize, type MessageModel } from './correlator';
import type { LogRecord } from './log';
import { DropReplays, attributeDrop, type DropWindow } from './origin-drops';
import { PROTOCOL_VERSION, type EntangleEvent, type RealmKind, type WindowMessageDropped } from './protocol';

const TAB = 7;
const TOP = 'http://127.0.0.1:8080';
const drop = (over: Partial<WindowMessageDropped> = {}): WindowMessageDropped => ({
  type: 'windowMessageDropped',
  seq: 1,
  t: 1_000,
  targetOrigin: 'https://wrong.example',
  recipientOrigin: TOP,
  url: `${TOP}/page.html`,
  line: 12,
  column: 5,
  ...over,
});

describe('attributeDrop', () => {
  const top: DropWindow = { id: 'top', kind: 'top', tabId: TAB, url: `${TOP}/page.html`, origin: TOP, startedAt: 900 };
  const frame: DropWindow = { id: 'f1', kind: 'iframe', tabId: TAB, url: `${TOP}/frame.html`, origin: TOP, startedAt: 950 };

  it('names the window at the call site as the sender, and the only window of the recipient origin as the receiver', () => {
    const other = { ...frame, origin: 'http://localhost:9' };
    expect(attributeDrop(drop({ recipientOrigin: 'http://localhost:9' }), TAB, [top, other])).toEqual({ fromRealm: 'top', toRealm: 'f1', ambiguity: [] });
    // A window posting to itself with a wrong targetOrigin: both ends are the same window.
    expect(attributeDrop(drop(), TAB, [top, other])).toEqual({ fromRealm: 'top', toRealm: 'top', ambiguity: [] });
  });

  it('a call site no window is at (an external script): the sender is unknown, not guessed', () => {
    const a = attributeDrop(drop({ url: `${TOP}/lib.js` }), TAB, [top, frame]);
    expect(a.fromRealm).toBeUndefined();
    expect(a.senderUnknown).toBe('callSiteUnmatched');
  });

  it('two windows at the call site (two senders): neither is named, and the note says why', () => {
    const twin: DropWindow = { ...frame, id: 'f2', url: `${TOP}/page.html` };
    const a = attributeDrop(drop({ recipientOrigin: 'http://localhost:9' }), TAB, [top, twin]);
    expect(a).toEqual({ senderUnknown: 'callSiteAmbiguous', ambiguity: ['dropSenders'] });
  });

  it('two windows of the recipient origin: the receiver is not named', () => {
    const a = attributeDrop(drop(), TAB, [top, frame]);
    expect(a.fromRealm).toBe('top');
    expect(a.toRealm).toBeUndefined();
    expect(a.ambiguity).toEqual(['dropReceivers']);
  });

  it('only windows that lived then; a receiver only in the reporting tab and not a popup; fragments do not count', () => {
    const gone: DropWindow = { ...frame, goneAt: 500 };
    const later: DropWindow = { ...frame, id: 'f3', startedAt: 5_000 };
    const otherTab: DropWindow = { ...frame, id: 'f4', tabId: TAB + 1 };
    const popup: DropWindow = { ...frame, id: 'p', kind: 'popup' };
    const worker: DropWindow = { id: 'w', kind: 'worker', tabId: TAB, url: `${TOP}/page.html`, origin: TOP };
    const a = attributeDrop(drop({ url: `${TOP}/page.html` }), TAB, [{ ...top, url: `${TOP}/page.html#x` }, gone, later, otherTab, popup, worker]);
    expect(a).toEqual({ fromRealm: 'top', toRealm: 'top', ambiguity: [] });
  });
});

describe('DropReplays', () => {
  it('two real drops that say the same (one instant, one call site) from one reporter are two', () => {
    const replays = new DropReplays();
    expect([replays.isDuplicate('browser-1', drop()), replays.isDuplicate('browser-1', drop({ seq: 2 }))]).toEqual([false, false]);
  });

  it("a new reporter's reports of the same entries are duplicates, as many as the old one had; more are new", () => {
    const replays = new DropReplays();
    for (const seq of [1, 2]) replays.isDuplicate('browser-1', drop({ seq }));
    replays.isDuplicate('browser-1', drop({ seq: 3, t: 1_200 }));
    // The background restarted: the browser's log hands all three again, then a third equal to the first two.
    const again = [drop(), drop({ seq: 2 }), drop({ seq: 3, t: 1_200 }), drop({ seq: 4 })].map((ev) => replays.isDuplicate('browser-2', ev));
    expect(again).toEqual([true, true, true, false]);
    // And the old reporter's later reports are new only beyond what is known.
    expect(replays.isDuplicate('browser-1', drop({ seq: 4 }))).toBe(true);
    expect(replays.isDuplicate('browser-1', drop({ seq: 5, t: 1_300 }))).toBe(false);
  });

  it('a report that differs in any field is another drop', () => {
    const replays = new DropReplays();
    replays.isDuplicate('browser-1', drop());
    const others = [drop({ column: 6 }), drop({ stack: '    at x' }), drop({ targetOrigin: 'https://else.example' }), drop({ t: 1_000.5 })];
    expect(others.map((ev) => replays.isDuplicate('browser-2', ev))).toEqual([false, false, false, false]);
  });
});

// ── through the correlator: the report and the page's records arrive in either order ──

function realmRecords(id: string, kind: RealmKind, frameId: number, url: string, origin: string, t: number): LogRecord[] {
  const started: EntangleEvent = { type: 'realmStarted', seq: 1, t, kind, url, origin, protocol: PROTOCOL_VERSION };
  return [{ realm: id, tabId: TAB, frameId, parentFrameId: kind === 'top' ? -1 : 0, url, event: started }];
}

const reporterRecord = (ev: WindowMessageDropped, realm = 'browser-7'): LogRecord => ({ realm, tabId: TAB, frameId: -1, event: ev });

const page = (): LogRecord[] => [
  ...realmRecords('top', 'top', 0, `${TOP}/page.html`, TOP, 900),
  ...realmRecords('frame', 'iframe', 3, `${TOP}/frame.html`, TOP, 950),
];
/** The frame's receipt of the right-origin message: a delivered window message from its parent. */
const delivered: LogRecord = {
  realm: 'frame',
  tabId: TAB,
  frameId: 3,
  parentFrameId: 0,
  event: { type: 'messageReceived', seq: 2, t: 1_010, route: 'window', origin: TOP, source: 'parent', ports: [], preview: 'right', size: 7 },
};

const dropped = (messages: readonly MessageModel[]) => messages.filter((m) => m.status === 'dropped-origin');

describe('dropped-origin in the model', () => {
  const toFrame = drop({ recipientOrigin: 'http://frame.example' });

  it('the report before the page: the ends are found once the windows arrive', () => {
    const c = createCorrelator();
    c.append([reporterRecord(drop())]);
    const before = c.model();
    expect(dropped(before.messages)).toHaveLength(1);
    expect(dropped(before.messages)[0]).toMatchObject({ route: 'window', senderUnknown: 'callSiteUnmatched' });
    c.append([...realmRecords('top', 'top', 0, `${TOP}/page.html`, TOP, 900), ...realmRecords('frame', 'iframe', 3, `${TOP}/frame.html`, 'http://frame.example', 950)]);
    const [m] = dropped(c.model().messages);
    expect(m).toMatchObject({ fromRealm: 'top', toRealm: 'top', sentAt: 1_000, ambiguous: false });
    expect(m!.senderUnknown).toBeUndefined();
  });

  it('the page before the report: the same', () => {
    const c = createCorrelator();
    c.append([...realmRecords('top', 'top', 0, `${TOP}/page.html`, TOP, 900), ...realmRecords('frame', 'iframe', 3, `${TOP}/frame.html`, 'http://frame.example', 950)]);
    c.append([reporterRecord(toFrame)]);
    const [m] = dropped(c.model().messages);
    expect(m).toMatchObject({
      id: 'browser-7#1',
      fromRealm: 'top',
      toRealm: 'frame',
      dropped: { targetOrigin: 'https://wrong.example', recipientOrigin: 'http://frame.example', url: `${TOP}/page.html`, line: 12, column: 5 },
      send: { realm: 'browser-7', seq: 1, index: 2 },
    });
  });

  it('a delivered window message is never matched with a report, and keeps its status', () => {
    const c = createCorrelator();
    c.append([...page(), delivered, reporterRecord(drop())]);
    const model = c.model();
    const windowMessages = model.messages.filter((m) => m.route === 'window');
    expect(windowMessages.map((m) => m.status).sort()).toEqual(['delivered', 'dropped-origin']);
    expect(windowMessages.find((m) => m.status === 'delivered')).toMatchObject({ id: 'frame#2', fromRealm: 'top', toRealm: 'frame' });
    expect(model.totals).toMatchObject({ sent: 2, delivered: 1, droppedOrigin: 1 });
  });

  it('the reporter is no realm of the page, and its frame -1 is no frame', () => {
    const c = createCorrelator();
    c.append([...page(), delivered, reporterRecord(drop())]);
    const model = c.model();
    expect(model.realms.map((r) => r.id).sort()).toEqual(['frame', 'top']);
    expect(model.realms.find((r) => r.id === 'frame')?.parent).toBe('top');
    expect(model.realms.find((r) => r.id === 'top')?.parent).toBeUndefined();
  });

  it('the same report again (the debugger attached again, a new reporter) is one message', () => {
    const c = createCorrelator();
    c.append([...page(), reporterRecord(drop())]);
    c.append([reporterRecord(drop(), 'browser-7b'), reporterRecord(drop({ seq: 2, t: 1_500 }), 'browser-7b')]);
    const model = c.model();
    expect(dropped(model.messages).map((m) => m.sentAt)).toEqual([1_000, 1_500]);
    expect(model.totals.duplicates).toBe(1);
  });

  it('two real drops at one instant from one call site, from one reporter, are two messages', () => {
    const c = createCorrelator();
    c.append([...page(), reporterRecord(drop()), reporterRecord(drop({ seq: 2 }))]);
    const model = c.model();
    expect(dropped(model.messages)).toHaveLength(2);
    expect(model.totals.duplicates).toBe(0);
  });

  it('two windows at the call site: the sender is not named, and the message says so', () => {
    const c = createCorrelator();
    c.append([...page(), ...realmRecords('twin', 'iframe', 4, `${TOP}/page.html`, 'http://frame.example', 960), reporterRecord(toFrame)]);
    const [m] = dropped(c.model().messages);
    expect(m).toMatchObject({ senderUnknown: 'callSiteAmbiguous', ambiguous: true, ambiguity: ['dropSenders'], toRealm: 'twin' });
    expect(m!.fromRealm).toBeUndefined();
  });

  it('the summary counts it and says what the browser said', () => {
    const c = createCorrelator();
    c.append([...page(), reporterRecord(toFrame)]);
    const s = summarize(c.model());
    expect(s.totals.droppedOrigin).toBe(1);
    const [m] = s.messages.filter((x) => x.status === 'dropped-origin');
    expect(m!.dropped).toEqual({ targetOrigin: 'https://wrong.example', recipientOrigin: 'http://frame.example', url: `${TOP}/page.html`, line: 12, column: 5 });
    expect(m!.reason).toContain("targetOrigin 'https://wrong.example' does not match the receiver's origin 'http://frame.example'");
  });
});
