import { afterEach, describe, expect, it, vi } from 'vitest';
import { canOpenResource, openResource } from './openResource';
import { fileName, frameLocation, parseFrame, parseStack } from './stackFrames';

describe('parseFrame', () => {
  it('reads V8 frames with a function name', () => {
    expect(parseFrame('    at send (https://a.test/app.js:12:34)')).toEqual({
      text: 'at send (https://a.test/app.js:12:34)',
      fn: 'send',
      url: 'https://a.test/app.js',
      line: 12,
      column: 34,
    });
    expect(parseFrame('at Object.<anonymous> (http://127.0.0.1:8080/x/y.js?v=1:3:5)')).toMatchObject({
      fn: 'Object.<anonymous>',
      url: 'http://127.0.0.1:8080/x/y.js?v=1',
      line: 3,
      column: 5,
    });
    expect(parseFrame('at async Client.call (https://a.test/c.mjs:1:2)')).toMatchObject({ fn: 'async Client.call', url: 'https://a.test/c.mjs' });
    expect(parseFrame('at new Worker (https://a.test/w.js:9:1)')).toMatchObject({ fn: 'new Worker', line: 9, column: 1 });
  });

  it('reads V8 frames without a function name', () => {
    expect(parseFrame('    at https://a.test/app.js:7:8')).toEqual({ text: 'at https://a.test/app.js:7:8', url: 'https://a.test/app.js', line: 7, column: 8 });
    expect(parseFrame('at blob:https://a.test/1234-abcd:1:15')).toMatchObject({ url: 'blob:https://a.test/1234-abcd', line: 1, column: 15 });
  });

  it('keeps frames without an openable location as text', () => {
    expect(parseFrame('at Array.forEach (<anonymous>)')).toEqual({ text: 'at Array.forEach (<anonymous>)', fn: 'Array.forEach' });
    expect(parseFrame('at eval (eval at run (https://a.test/a.js:1:2), <anonymous>:1:1)')).toEqual({
      text: 'at eval (eval at run (https://a.test/a.js:1:2), <anonymous>:1:1)',
      fn: 'eval',
    });
    expect(parseFrame('at native')).toEqual({ text: 'at native' });
    expect(parseFrame('something else')).toEqual({ text: 'something else' });
  });

  it('reads Firefox frames', () => {
    expect(parseFrame('send@https://a.test/app.js:12:34')).toEqual({ text: 'send@https://a.test/app.js:12:34', fn: 'send', url: 'https://a.test/app.js', line: 12, column: 34 });
    expect(parseFrame('@https://a.test/app.js:1:1')).toEqual({ text: '@https://a.test/app.js:1:1', url: 'https://a.test/app.js', line: 1, column: 1 });
  });
});

describe('parseStack', () => {
  it('splits lines and drops the Error header and blanks', () => {
    const frames = parseStack('Error\n    at a (https://a.test/a.js:1:2)\n\n    at https://a.test/b.js:3:4\r\n');
    expect(frames.map(frameLocation)).toEqual(['https://a.test/a.js:1:2', 'https://a.test/b.js:3:4']);
    expect(parseStack(undefined)).toEqual([]);
    expect(parseStack('')).toEqual([]);
  });

  it('renders markup as text (no parsing of HTML)', () => {
    const [f] = parseStack('    at <img src=x onerror=alert(1)> (https://a.test/a.js:1:1)');
    expect(f).toMatchObject({ fn: '<img src=x onerror=alert(1)>', url: 'https://a.test/a.js' });
  });
});

describe('fileName', () => {
  it('is the last path segment', () => {
    expect(fileName('https://a.test/x/app.js?v=2#h')).toBe('app.js');
    expect(fileName('https://a.test/')).toBe('https://a.test/');
  });
});

describe('openResource', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is unavailable outside DevTools', () => {
    vi.stubGlobal('chrome', { runtime: {} });
    expect(canOpenResource()).toBe(false);
    expect(openResource('https://a.test/a.js', 3, 4)).toBe(false);
  });

  it('calls chrome.devtools.panels.openResource with 0-based line and column', () => {
    const calls: unknown[][] = [];
    vi.stubGlobal('chrome', {
      devtools: {
        panels: {
          openResource: (...args: unknown[]) => {
            calls.push(args.slice(0, 3));
            (args[3] as () => void)();
          },
        },
      },
    });
    const done = vi.fn();
    expect(canOpenResource()).toBe(true);
    expect(openResource('https://a.test/a.js', 3, 4, done)).toBe(true);
    expect(calls).toEqual([['https://a.test/a.js', 2, 3]]);
    expect(done).toHaveBeenCalledOnce();
  });

  it('reports a throwing API as not opened', () => {
    vi.stubGlobal('chrome', {
      devtools: {
        panels: {
          openResource: () => {
            throw new Error('no');
          },
        },
      },
    });
    expect(openResource('https://a.test/a.js', 1, 1)).toBe(false);
  });
});
