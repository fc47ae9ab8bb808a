/**
 * Reading a `DataCloneError`'s message (Chromium's wording, checked in Chromium 156): which value the
 * browser's serializer refused. The message is the only trap-free witness of it: it says what the value
 * is, the recorder's walk says where it sits (inject/preview.ts, `previewSent`).
 *
 *   `function f() {} could not be cloned.`      a function (its source text)
 *   `Symbol(x) could not be cloned.`            a symbol; `[object Symbol]`: a Symbol object
 *   `HTMLDivElement object could not be cloned.` a host object, by interface name
 *   `#<WeakMap> could not be cloned.`           a built-in or a class instance V8 refuses
 *   `[object WeakMap] could not be cloned.`     the same, nested (V8 words it either way)
 *   `#<Object>` / `[object Object]` / `null`    a Proxy (of an object / of an array / revoked)
 *   `An ArrayBuffer is detached and could not be cloned.`
 *
 * Other `DataCloneError`s are about the transfer list (`Port at index 0 contains the source port.`).
 */
import { apply, stringSlice } from './natives';

const stringIndexOf = String.prototype.indexOf;
const stringLastIndexOf = String.prototype.lastIndexOf;

const SUFFIX = ' could not be cloned.';
const PREFIX = "Failed to execute '";

function indexOf(s: string, part: string, from = 0): number {
  return apply(stringIndexOf, s, [part, from]) as number;
}
function slice(s: string, a: number, b?: number): string {
  return apply(stringSlice, s, b === undefined ? [a] : [a, b]) as string;
}
function startsWith(s: string, part: string): boolean {
  return indexOf(s, part) === 0;
}
function endsWith(s: string, part: string): boolean {
  return s.length >= part.length && (apply(stringLastIndexOf, s, [part]) as number) === s.length - part.length;
}

/** `Failed to execute 'postMessage' on 'MessagePort': X` → `X`. */
function detail(message: string): string {
  if (!startsWith(message, PREFIX)) return message;
  const at = indexOf(message, "': ");
  return at < 0 ? message : slice(message, at + 3);
}

/** What the refused value is (`Function`, `Symbol`, `HTMLDivElement`, `WeakMap`, `Proxy`…), or
 *  undefined when the message names no value (a transfer-list error). */
export function cloneCulprit(message: string): string | undefined {
  const d = detail(message);
  if (endsWith(d, 'is detached and could not be cloned.')) return 'ArrayBuffer';
  if (!endsWith(d, SUFFIX)) return undefined;
  const what = slice(d, 0, d.length - SUFFIX.length);
  if (what === '#<Object>' || what === '[object Object]' || what === 'null') return 'Proxy';
  if (what === '[object Symbol]' || (startsWith(what, 'Symbol(') && endsWith(what, ')'))) return 'Symbol';
  if (startsWith(what, '#<') && endsWith(what, '>')) return slice(what, 2, what.length - 1);
  if (startsWith(what, '[object ') && endsWith(what, ']')) return slice(what, 8, what.length - 1);
  if (endsWith(what, ' object')) {
    const name = slice(what, 0, what.length - ' object'.length);
    let plain = name.length > 0;
    for (let i = 0; i < name.length && plain; i++) {
      const c = name.charCodeAt(i);
      plain = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
    }
    if (plain) return name;
  }
  // Anything else is a function's source text.
  return 'Function';
}

/** A `DataCloneError` raised after the payload was fully serialized (the transfer list checked later). */
export function serializedBeforeError(message: string): boolean {
  return endsWith(detail(message), 'contains the source port.');
}
