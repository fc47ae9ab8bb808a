/**
 * The payload literal syntax of *Edit and replay* (issue 11, "Send again"): a recorded payload as
 * editable text (`formatLiteral`), that text back as a plain data description (`parseLiteral`), and
 * the description made into a real value with saved constructors only (`buildValue`).
 *
 * Why a syntax of our own and not JavaScript: the page must get data, never code. The text is read
 * by a hand-written parser here in the panel (no eval, no Function, no library that evaluates), and
 * what crosses to the page is a JSON tree of tags that `buildValue` assembles.
 *
 * Grammar (whitespace and `//…`, `/* … *\/` comments anywhere between tokens; trailing commas allowed):
 *   value   := 'null' | 'true' | 'false' | 'undefined' | number | bigint | string | regexp
 *            | '[' (value ',')* ']' | '{' (key ':' value ',')* '}' | ['new'] call
 *   number  := '-'? ( decimal | '0x' hex | 'NaN' | 'Infinity' )      decimal: 12, 1.5, .5, 1e-7
 *   bigint  := '-'? ( digits | '0x' hex ) 'n'                         at most MAX_BIGINT_DIGITS digits
 *   string  := "…" | '…'   escapes: \n \t \r \b \f \v \0 \xHH \uHHHH \u{H…} \\ \" \' \/ (no others)
 *   regexp  := '/' body '/' flags                                     checked with the panel's RegExp
 *   key     := identifier | string | integer (0, 1, 42: no leading zeros)
 *   call    := 'Map(' [ '[' ( '[' value ',' value ']' ',' )* ']' ] ')'
 *            | 'Set(' [ '[' (value ',')* ']' ] ')'
 *            | 'Date(' ( isoString | number ) ')'                    Date(NaN) is an invalid date
 *            | 'Object(' number | string | boolean | bigint ')'      a boxed primitive
 *            | 'ArrayBuffer(' [ byteList ] ')' | 'DataView(' [ byteList ] ')'
 *            | TypedArray '(' [ '[' (element ',')* ']' | 'ArrayBuffer(' byteList ')' ] ')'
 *   byteList := '[' (integer 0…255 ',')* ']'      written 0x01, 0xff by formatLiteral
 *   TypedArray := Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array
 *              | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array
 * Typed array elements are numbers in the kind's range (bigints for the BigInt kinds). A typed array
 * over `ArrayBuffer([...])` gives its bytes directly: formatLiteral writes that form when the
 * elements would not give the same bytes back (a NaN with a payload). Bytes are little-endian, as in
 * every browser Chrome runs on.
 *
 * `<…>` is a placeholder formatLiteral writes for what the recording does not hold (`<…3 more items>`,
 * `<MessagePort>`): the parser rejects it by name, so a cut payload cannot be sent by mistake.
 *
 * The page-side contract (`buildValue`): the recorder calls it with a `Natives` bag it saved before
 * page scripts ran. It reads only the literal (plain JSON data) and that bag: every property is made
 * with the saved `defineProperty` and a null-prototype descriptor (assignment could run a setter the
 * page put on Object.prototype or Array.prototype, and a plain descriptor object could inherit a
 * `get`), Map and Set entries go in through the saved `set`/`add` with the saved `apply` (the page may
 * replace Map.prototype.set), strings are read by index, and no prototype method is called.
 */

export { MAX_BIGINT_DIGITS, MAX_LITERAL_CHARS, MAX_LITERAL_DEPTH, type ByteKind, type LiteralPrimitive, type LiteralValue, type TypedArrayKind } from './literal-value';
export { formatLiteral, type FormattedLiteral } from './literal-format';
export { parseLiteral, type ParseResult } from './literal-parse';
export { buildValue, realmNatives, type BuildResult, type Natives } from './literal-build';
