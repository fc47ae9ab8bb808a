/**
 * Exceptions thrown through a wrapper carry the wrapper's frame (an extension URL) in `err.stack`.
 * For an exception the native call itself created, the stack is captured again without the wrapper's
 * frames (`Error.captureStackTrace(err, trap)`), so the page reads exactly what it reads without
 * Entangle: same text, an own accessor `stack` as before, formatted lazily on first read (a page's
 * `Error.prepareStackTrace` runs then, as it would). An exception thrown by page code that the native
 * call ran (a getter during serialization) is left alone: its frames are the page's own, and one of
 * them is the wrapper's (see docs/recording.md, "Stacks").
 */
import { apply, captureStackTrace, errorIsError, getOwnPropertyDescriptor, getPrototypeOf, isData } from './natives';

const domExceptionName = getOwnPropertyDescriptor(globalThis.DOMException?.prototype ?? {}, 'name')?.get;
const nativeErrorProtos: object[] = [TypeError.prototype, RangeError.prototype, SyntaxError.prototype];
const stringIndexOf = String.prototype.indexOf;

/** Messages of exceptions the platform raises itself (bindings: argument conversion, brand checks). */
const NATIVE_PREFIXES = ['Failed to execute', 'Failed to construct', 'Failed to set', 'Illegal invocation', 'Illegal constructor', 'Function.prototype.toString requires'];

function createdByPlatform(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (domExceptionName) {
    try {
      apply(domExceptionName, err, []);
      return true; // a genuine DOMException: only the platform makes one throw from a native call
    } catch {
      /* not a DOMException */
    }
  }
  // Anything else is read only once known to be a genuine Error (a thrown Proxy's traps must not run).
  if (!errorIsError || !errorIsError(err)) return false;
  const proto = getPrototypeOf(err);
  let native = false;
  for (let i = 0; i < nativeErrorProtos.length; i++) if (proto === nativeErrorProtos[i]) native = true;
  if (!native) return false;
  const d = getOwnPropertyDescriptor(err, 'message');
  if (!isData(d) || typeof d.value !== 'string') return false;
  for (let i = 0; i < NATIVE_PREFIXES.length; i++) if ((apply(stringIndexOf, d.value, [NATIVE_PREFIXES[i]]) as number) === 0) return true;
  return false;
}

/** Re-captures `err`'s stack from the caller of `trap` when the platform created `err`. Never throws. */
export function restack(err: unknown, trap: unknown): void {
  if (!captureStackTrace || !createdByPlatform(err)) return;
  try {
    apply(captureStackTrace, undefined, [err as object, trap]);
  } catch {
    /* a frozen error object: leave it */
  }
}
