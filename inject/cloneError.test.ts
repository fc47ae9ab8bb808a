// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { cloneCulprit, serializedBeforeError } from './cloneError';

const m = (what: string) => `Failed to execute 'postMessage' on 'MessagePort': ${what}`;

describe('cloneCulprit (Chromium 156 wording)', () => {
  it('names functions by their source text, whatever it looks like', () => {
    expect(cloneCulprit(m('function f() {} could not be cloned.'))).toBe('Function');
    expect(cloneCulprit(m('(a) => a+1 could not be cloned.'))).toBe('Function');
    expect(cloneCulprit(m('class A {} could not be cloned.'))).toBe('Function');
    expect(cloneCulprit(m('function max() { [native code] } could not be cloned.'))).toBe('Function');
  });

  it('names symbols, host objects and refused built-ins', () => {
    expect(cloneCulprit(m('Symbol(x) could not be cloned.'))).toBe('Symbol');
    expect(cloneCulprit(m('[object Symbol] could not be cloned.'))).toBe('Symbol');
    expect(cloneCulprit(m('HTMLDivElement object could not be cloned.'))).toBe('HTMLDivElement');
    expect(cloneCulprit(m('#<WeakMap> could not be cloned.'))).toBe('WeakMap');
    expect(cloneCulprit(m('[object WeakMap] could not be cloned.'))).toBe('WeakMap');
    expect(cloneCulprit(m('#<Promise> could not be cloned.'))).toBe('Promise');
    expect(cloneCulprit(m('An ArrayBuffer is detached and could not be cloned.'))).toBe('ArrayBuffer');
  });

  it('takes the wordings V8 uses for a Proxy (of an object, of an array, revoked) as a Proxy', () => {
    expect(cloneCulprit(m('#<Object> could not be cloned.'))).toBe('Proxy');
    expect(cloneCulprit(m('[object Object] could not be cloned.'))).toBe('Proxy');
    expect(cloneCulprit(m('null could not be cloned.'))).toBe('Proxy');
  });

  it('names no value for transfer-list errors', () => {
    expect(cloneCulprit(m('Value at index 0 does not have a transferable type.'))).toBeUndefined();
    expect(cloneCulprit(m('ArrayBuffer at index 1 is a duplicate of an earlier ArrayBuffer.'))).toBeUndefined();
    expect(cloneCulprit(m('Port at index 0 contains the source port.'))).toBeUndefined();
    expect(serializedBeforeError(m('Port at index 0 contains the source port.'))).toBe(true);
    expect(serializedBeforeError(m('Value at index 0 does not have a transferable type.'))).toBe(false);
  });
});
