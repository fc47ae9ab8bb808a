/**
 * The stack of a send (setting `captureStacks`): where in the page's code the send was made, without
 * the recorder's own frames and without running page code to get it.
 */
import { apply, defineProperty, getOwnPropertyDescriptor, isData, NativeError, stringSlice } from './natives';

const stringIndexOf = String.prototype.indexOf;

/** The current stack without its first line and the recorder's own frames (every line that names an
 *  extension URL: inject.js, and the worker recorder by its sourceURL); undefined when it cannot be
 *  read without page code. */
export function sendingStack(): string | undefined {
  const s = plainStack();
  if (typeof s !== 'string') return undefined;
  // (Natives only: the page may have replaced String.prototype.split and friends.)
  let kept = '';
  let at = apply(stringIndexOf, s, ['\n']) as number;
  while (at >= 0) {
    const next = apply(stringIndexOf, s, ['\n', at + 1]) as number;
    const line = apply(stringSlice, s, next < 0 ? [at + 1] : [at + 1, next]) as string;
    if ((apply(stringIndexOf, line, ['-extension://']) as number) < 0) kept = kept === '' ? line : `${kept}\n${line}`;
    at = next;
  }
  return kept;
}

/**
 * A new Error's stack text, formatted by V8 itself: a function the page put in
 * `Error.prepareStackTrace` (which V8 reads as a data property only) would be called to format it,
 * so it is set aside for the read and put back at once (no page code runs in between).
 */
function plainStack(): unknown {
  const d = getOwnPropertyDescriptor(NativeError, 'prepareStackTrace');
  if (!isData(d) || typeof d.value !== 'function') return new NativeError().stack;
  if (!d.configurable) return undefined; // cannot be set aside: no stack rather than page code
  defineProperty(NativeError, 'prepareStackTrace', { __proto__: null, value: undefined, writable: true, enumerable: false, configurable: true } as PropertyDescriptor);
  try {
    return new NativeError().stack;
  } finally {
    defineProperty(NativeError, 'prepareStackTrace', { __proto__: null, value: d.value, writable: d.writable, enumerable: d.enumerable, configurable: true } as PropertyDescriptor);
  }
}
