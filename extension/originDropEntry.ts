/**
 * The browser's report of a `window.postMessage` dropped for its `targetOrigin`, as the debugging
 * protocol gives it (`Log.entryAdded`, measured in Chromium 156: docs/recording.md), turned into the
 * fields of a `windowMessageDropped` event. Every other log entry is none of ours: null.
 */
import { DROPPED_STACK_CHARS, DROPPED_STACK_FRAMES, DROPPED_URL_CHARS, type WindowMessageDropped } from '../model/protocol';
import { ORIGIN_CHARS } from '../model/validate';

/** A report without the sequence number its stream gives it. */
export type DropReport = Omit<WindowMessageDropped, 'seq'>;


/** Blink's text (LocalDOMWindow::DispatchMessageEventWithOriginCheck); origins hold no `'`. */
const DROPPED = /^Failed to execute 'postMessage' on 'DOMWindow': The target origin provided \('([^']*)'\) does not match the recipient window's origin \('([^']*)'\)\.$/;

interface CallFrame {
  functionName?: unknown;
  url?: unknown;
  lineNumber?: unknown;
  columnNumber?: unknown;
}

const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const zeroBased = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v + 1 : undefined);

/** A call frame as V8 prints it in `error.stack`: `    at fn (url:line:column)`, or `    at url:line:column`. */
function frameLine(f: CallFrame): string | undefined {
  if (typeof f.url !== 'string') return undefined;
  const line = zeroBased(f.lineNumber);
  const column = zeroBased(f.columnNumber);
  const where = `${cut(f.url, DROPPED_URL_CHARS)}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}`;
  const name = typeof f.functionName === 'string' && f.functionName !== '' ? cut(f.functionName, 200) : undefined;
  return name !== undefined ? `    at ${name} (${where})` : `    at ${where}`;
}

export function dropReportOf(params: unknown): DropReport | null {
  const entry = (params as { entry?: unknown } | undefined)?.entry;
  if (typeof entry !== 'object' || entry === null) return null;
  const e = entry as Record<string, unknown>;
  if (e.source !== 'security' || typeof e.text !== 'string') return null;
  const m = DROPPED.exec(e.text);
  if (!m || typeof e.timestamp !== 'number' || !Number.isFinite(e.timestamp)) return null;
  const report: DropReport = { type: 'windowMessageDropped', t: e.timestamp, targetOrigin: cut(m[1]!, ORIGIN_CHARS), recipientOrigin: cut(m[2]!, ORIGIN_CHARS) };
  const frames = (e.stackTrace as { callFrames?: unknown } | undefined)?.callFrames;
  const top = Array.isArray(frames) && typeof frames[0] === 'object' && frames[0] !== null ? (frames[0] as CallFrame) : undefined;
  // The top frame is the call itself; the entry's own url and line say the same (line only).
  const url = typeof top?.url === 'string' ? top.url : typeof e.url === 'string' ? e.url : undefined;
  if (url !== undefined && url !== '') report.url = cut(url, DROPPED_URL_CHARS);
  const line = top ? zeroBased(top.lineNumber) : zeroBased(e.lineNumber);
  if (line !== undefined) report.line = line;
  const column = top ? zeroBased(top.columnNumber) : undefined;
  if (column !== undefined) report.column = column;
  if (Array.isArray(frames) && frames.length > 0) {
    const lines: string[] = [];
    for (const f of frames.slice(0, DROPPED_STACK_FRAMES)) {
      const l = typeof f === 'object' && f !== null ? frameLine(f as CallFrame) : undefined;
      if (l !== undefined) lines.push(l);
    }
    if (lines.length > 0) report.stack = cut(lines.join('\n'), DROPPED_STACK_CHARS);
  }
  return report;
}
