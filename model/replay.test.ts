import { describe, expect, it } from 'vitest';
import { MAX_BIGINT_DIGITS } from './literal-value';
import { parseLiteral } from './payload-literal';
import { commandOf, literalProblem, parseMessageId, validReplayOrder, validReplayRequested, validReplayResult, type ReplayRequested } from './replay';

const request = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'replayRequested',
  tabId: 3,
  frameId: 0,
  realm: 'abc',
  original: 'abc#12',
  route: 'port',
  payload: { $t: 'map', entries: [['k', 1]] },
  ...over,
});
const refusal = (v: unknown): string | undefined => (v !== null && typeof v === 'object' && 'error' in v ? (v as { error: string }).error : undefined);

describe('message ids', () => {
  it('reads realm#seq and refuses anything else', () => {
    expect(parseMessageId('abc#12')).toEqual({ realm: 'abc', seq: 12 });
    expect(parseMessageId('a#b#3')).toEqual({ realm: 'a#b', seq: 3 });
    for (const bad of ['abc', '#3', 'abc#0', 'abc#-1', 'abc#1.5', 'abc#01', 'abc#99999999999999999', `${'x'.repeat(300)}#1`]) expect(parseMessageId(bad)).toBeNull();
  });
});

describe('validReplayRequested (the background, from an extension page)', () => {
  it('accepts a well-formed request', () => {
    expect(refusal(validReplayRequested(request()))).toBeUndefined();
    const win = request({ route: 'window', original: 'rcv#4', to: { realm: 'rcv', frameId: 5, origin: 'http://localhost:1' } });
    expect(refusal(validReplayRequested(win))).toBeUndefined();
  });

  it('refuses a send of another realm, a window replay without its receiver, and extra fields', () => {
    expect(refusal(validReplayRequested(request({ original: 'other#12' })))).toMatch(/sending realm/);
    expect(refusal(validReplayRequested(request({ route: 'window', original: 'rcv#4' })))).toMatch(/receiver/);
    expect(refusal(validReplayRequested(request({ route: 'window', original: 'abc#4', to: { realm: 'rcv', frameId: 5, origin: 'x' } })))).toMatch(/receipt/);
    expect(refusal(validReplayRequested(request({ code: 'alert(1)' })))).toMatch(/unexpected field "code"/);
    expect(refusal(validReplayRequested(JSON.parse('{"kind":"replayRequested","__proto__":{}}')))).toMatch(/unexpected field "__proto__"/);
    expect(refusal(validReplayRequested(request({ tabId: -1 })))).toMatch(/tabId/);
    expect(refusal(validReplayRequested(request({ route: 'eval' })))).toMatch(/route/);
    expect(refusal(validReplayRequested('replay'))).toBeDefined();
  });

  it('refuses a payload that is not a literal', () => {
    expect(refusal(validReplayRequested(request({ payload: { $t: 'function', source: 'x' } })))).toMatch(/payload: an unknown tag/);
    expect(refusal(validReplayRequested(request({ payload: { $t: 'object', entries: [[1, 2]] } })))).toMatch(/key must be a string/);
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = { $t: 'array', items: [deep] };
    expect(refusal(validReplayRequested(request({ payload: deep })))).toMatch(/nested deeper/);
  });
});

describe('literalProblem', () => {
  it('accepts every kind the parser makes', () => {
    const all = {
      $t: 'array',
      items: [null, true, 1, 's', { $t: 'undefined' }, { $t: 'number', v: 'NaN' }, { $t: 'bigint', v: '-12' }, { $t: 'set', items: [] }, { $t: 'date', v: null }, { $t: 'regexp', source: 'a', flags: 'gi' }, { $t: 'boxed', kind: 'String', v: 'x' }, { $t: 'bytes', kind: 'Uint8Array', hex: '00ff' }],
    };
    expect(literalProblem(all)).toBeNull();
  });
  it('accepts the longest BigInt the parser reads (as long as a preview may hold, sign included), decimal or hex, and nothing longer', () => {
    const parsed = (text: string) => {
      const r = parseLiteral(text);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    expect(literalProblem(parsed(`-${'9'.repeat(MAX_BIGINT_DIGITS - 1)}n`))).toBeNull();
    expect(literalProblem(parsed(`${'9'.repeat(MAX_BIGINT_DIGITS)}n`))).toBeNull();
    expect(literalProblem(parsed(`${'1'.repeat(201)}n`))).toBeNull();
    // 13,600 hex digits are 16,376 decimal ones.
    expect(literalProblem(parsed(`0x${'f'.repeat(13_600)}n`))).toBeNull();
    expect(parseLiteral(`-${'9'.repeat(MAX_BIGINT_DIGITS)}n`)).toMatchObject({ ok: false, error: expect.stringMatching(/in decimal, its sign included/) });
    expect(parseLiteral(`0x${'f'.repeat(13_610)}n`)).toMatchObject({ ok: false, error: expect.stringMatching(/in decimal, its sign included/) });
    expect(literalProblem({ $t: 'bigint', v: `-${'9'.repeat(MAX_BIGINT_DIGITS)}` })).toBe('not a bigint');
    expect(literalProblem({ $t: 'bigint', v: '0x10' })).toBe('not a bigint');
  });
  it('refuses bad bytes, numbers JSON cannot carry and stray fields', () => {
    expect(literalProblem({ $t: 'bytes', kind: 'Uint8Array', hex: '0' })).toBe('bad bytes');
    expect(literalProblem({ $t: 'bytes', kind: 'Window', hex: '' })).toBe('bad bytes');
    expect(literalProblem(Number.NaN)).toMatch(/JSON/);
    expect(literalProblem({ $t: 'undefined', extra: 1 })).toMatch(/unexpected field/);
  });
});

describe('validReplayOrder (the relay, from the background)', () => {
  const order = { kind: 'replay', realm: 'abc', original: 'abc#12', route: 'port', payload: 1 };
  it('accepts an order for its own realm, and makes the recorder command of it', () => {
    const v = validReplayOrder(order, 'abc');
    expect(refusal(v)).toBeUndefined();
    expect(commandOf(v as never)).toEqual({ do: 'replay', original: 'abc#12', route: 'port', payload: 1 });
  });
  it('refuses an order for another document, or before the recorder named its realm', () => {
    expect(refusal(validReplayOrder(order, 'other'))).toBe('for another document');
    expect(refusal(validReplayOrder(order, null))).toBe('for another document');
  });
  it('checks window targets', () => {
    const win = { ...order, original: 'rcv#3', route: 'window', window: { relation: 'child', childIndex: 0, targetOrigin: 'http://localhost:4' } };
    expect(refusal(validReplayOrder(win, 'abc'))).toBeUndefined();
    expect(refusal(validReplayOrder({ ...win, window: { relation: 'child', targetOrigin: 'http://localhost:4' } }, 'abc'))).toMatch(/childIndex/);
    expect(refusal(validReplayOrder({ ...win, window: { relation: 'parent', targetOrigin: '*' } }, 'abc'))).toMatch(/targetOrigin/);
    expect(refusal(validReplayOrder({ ...win, window: { relation: 'opener', targetOrigin: 'http://a.b' } }, 'abc'))).toMatch(/relation/);
    expect(refusal(validReplayOrder({ ...order, window: win.window }, 'abc'))).toMatch(/route window only/);
  });
  it('checks expectations: a receipt of its own realm', () => {
    const expect_ = { kind: 'expectReplay', realm: 'rcv', original: 'rcv#3', from: { relation: 'parent' } };
    expect(refusal(validReplayOrder(expect_, 'rcv'))).toBeUndefined();
    expect(refusal(validReplayOrder({ ...expect_, original: 'abc#3' }, 'rcv'))).toMatch(/receipt of this realm/);
  });
});

describe('validReplayResult', () => {
  it('keeps only known outcomes, reasons bounded', () => {
    expect(validReplayResult({ outcome: 'sent', replay: 'abc#13' })).toEqual({ outcome: 'sent', replay: 'abc#13' });
    expect(validReplayResult({ outcome: 'sent', replay: '<b>' })).toEqual({ outcome: 'sent' });
    expect(validReplayResult({ outcome: 'refused', reason: 'x'.repeat(1000) })).toEqual({ outcome: 'refused', reason: 'x'.repeat(300) });
    expect(validReplayResult({ outcome: 'pwned' })).toBeNull();
    expect(validReplayResult(null)).toBeNull();
  });
});

// (Type check: the request the panel builds is what the background accepts.)
const typed: ReplayRequested = { kind: 'replayRequested', tabId: 1, frameId: 0, realm: 'r', original: 'r#1', route: 'broadcast', payload: null };
void typed;
