/**
 * The payload preview as an expandable tree. `previewNodes` (pure, unit-tested) flattens a Preview
 * into rows; `PreviewTree` renders those rows as React text (never HTML) and keeps which nodes the
 * user opened or closed. The recorded bytes of an ArrayBuffer, typed array or DataView are one row
 * holding a hex dump (`hexDump`: offset, hex bytes, ASCII), shown by `HexView`.
 */
import { useState } from 'react';
import type { Preview } from '../model/protocol';
import { bytes, previewText } from './summary';

/** Nodes at a depth below this are open until the user closes them (root and its children). */
export const OPEN_DEPTH = 2;
/** Bytes per line of a hex view. */
export const HEX_LINE_BYTES = 16;
/** Longest inline preview of a container row. */
const INLINE_CHARS = 80;

/** How a row's value is coloured. */
export type Tone = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'date' | 'bytes' | 'error' | 'meta';

export interface PreviewNode {
  /** Path of child positions from the root (`''` for the root, `'0/2'` …): stable while the preview is. */
  id: string;
  depth: number;
  /** Key, index or map key text; `''` for the root and for markers. */
  label: string;
  /** What stands between label and value: `:` for keys, `→` for map entries, `''` for none. */
  sep: ':' | '→' | '';
  value: string;
  tone: Tone;
  expandable: boolean;
  /** Whether the node's children follow (only for expandable nodes). */
  open: boolean;
  /** A hex dump row (the recorded head of a binary value): rendered by `HexView`, `value` is its caption. */
  hex?: HexDump;
  /** The value a failed send could not clone (`ErrorSummary.path`). */
  mark?: true;
}

export interface HexRow {
  /** Byte offset of the row, hex, at least four digits. */
  offset: string;
  /** Up to HEX_LINE_BYTES two-digit hex bytes. */
  cells: string[];
  /** The same bytes as printable ASCII, `.` for the others. */
  ascii: string;
}

export interface HexDump {
  rows: HexRow[];
  /** Bytes recorded (the preview keeps only the first few). */
  shown: number;
  /** Bytes the value has. */
  total: number;
}

/** A container's child: a value to describe, a ready-made leaf (hex line), or a marker row. */
type Child =
  | { label: string; sep: PreviewNode['sep']; value: Preview }
  | { label: string; sep: PreviewNode['sep']; text: string; tone: Tone }
  | { hex: HexDump }
  | { marker: string };

const IDENT = /^[A-Za-z_$][\w$]*$/;

function keyText(k: unknown): string {
  const s = String(k);
  return IDENT.test(s) ? s : JSON.stringify(s);
}

function arr<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function moreMarker(n: number, one: string, many = `${one}s`): Child[] {
  return n > 0 ? [{ marker: `… ${plural(n, `more ${one}`, `more ${many}`)}` }] : [];
}

/** Hex lines of a `head` string (two hex digits a byte), with the byte offset as label. */
export function hexLines(head: string): { offset: string; hex: string }[] {
  const clean = typeof head === 'string' ? head.replace(/[^0-9a-f]/gi, '') : '';
  const pairs = clean.match(/../g) ?? [];
  const out: { offset: string; hex: string }[] = [];
  for (let i = 0; i < pairs.length; i += HEX_LINE_BYTES) {
    out.push({ offset: i.toString(16).padStart(4, '0'), hex: pairs.slice(i, i + HEX_LINE_BYTES).join(' ') });
  }
  return out;
}

/** A hex dump of a `head` string (two hex digits a byte) of a value of `total` bytes. */
export function hexDump(head: string, total: number): HexDump {
  const clean = typeof head === 'string' ? head.replace(/[^0-9a-f]/gi, '').toLowerCase() : '';
  const pairs = clean.match(/../g) ?? [];
  const rows: HexRow[] = [];
  for (let i = 0; i < pairs.length; i += HEX_LINE_BYTES) {
    const cells = pairs.slice(i, i + HEX_LINE_BYTES);
    const ascii = cells
      .map((h) => {
        const b = parseInt(h, 16);
        return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      })
      .join('');
    rows.push({ offset: i.toString(16).padStart(4, '0'), cells, ascii });
  }
  const t = Number.isSafeInteger(total) && total >= 0 ? total : pairs.length;
  return { rows, shown: pairs.length, total: Math.max(t, pairs.length) };
}

/** "4 of 100 bytes shown". */
export function hexCaption(d: HexDump): string {
  return `${d.shown.toLocaleString('en-US')} of ${plural(d.total, 'byte')} shown`;
}

function byteChildren(head: string, byteLength: number): Child[] {
  const d = hexDump(head, byteLength);
  return d.total > 0 ? [{ hex: d }] : [];
}

function isoDate(v: number): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString();
}

/** A value's own text, tone and children (children only for containers). */
function describe(p: Preview): { value: string; tone: Tone; children?: Child[] } {
  if (p === null) return { value: 'null', tone: 'null' };
  if (typeof p === 'boolean') return { value: String(p), tone: 'boolean' };
  if (typeof p === 'number') return { value: String(p), tone: 'number' };
  if (typeof p === 'string') return { value: JSON.stringify(p), tone: 'string' };
  if (typeof p !== 'object' || typeof (p as { $t?: unknown }).$t !== 'string') return { value: '?', tone: 'meta' };
  switch (p.$t) {
    case 'undefined':
      return { value: 'undefined', tone: 'null' };
    case 'number':
      return { value: String(p.v), tone: 'number' };
    case 'bigint':
      return { value: `${p.v}n`, tone: 'number' };
    case 'string':
      return { value: `${JSON.stringify(String(p.v)).slice(0, -1)}…" (${plural(p.length, 'char')})`, tone: 'string' };
    case 'object': {
      const entries = arr(p.entries);
      return {
        value: previewText(p, INLINE_CHARS),
        tone: 'object',
        children: [
          ...entries.map(([k, v]): Child => ({ label: keyText(k), sep: ':', value: v })),
          ...moreMarker(p.more ?? 0, 'key'),
        ],
      };
    }
    case 'array': {
      const items = arr(p.items);
      return {
        value: previewText(p, INLINE_CHARS),
        tone: 'object',
        children: [
          ...items.map((v, i): Child => ({ label: String(i), sep: ':', value: v })),
          ...moreMarker((p.length ?? 0) - items.length, 'item'),
          { label: 'length', sep: ':', value: p.length ?? items.length },
        ],
      };
    }
    case 'map': {
      const entries = arr(p.entries);
      return {
        value: previewText(p, INLINE_CHARS),
        tone: 'object',
        children: [
          ...entries.map(([k, v]): Child => ({ label: previewText(k, 60), sep: '→', value: v })),
          ...moreMarker((p.size ?? 0) - entries.length, 'entry', 'entries'),
        ],
      };
    }
    case 'set': {
      const items = arr(p.items);
      return {
        value: previewText(p, INLINE_CHARS),
        tone: 'object',
        children: [
          ...items.map((v, i): Child => ({ label: String(i), sep: ':', value: v })),
          ...moreMarker((p.size ?? 0) - items.length, 'item'),
        ],
      };
    }
    case 'date':
      return { value: isoDate(p.v), tone: 'date' };
    case 'regexp':
      return { value: `/${p.source}/${p.flags}`, tone: 'string' };
    case 'boxed':
      return { value: `${p.kind} {${previewText(p.v, INLINE_CHARS)}}`, tone: 'object' };
    case 'arraybuffer':
      return {
        value: `ArrayBuffer(${bytes(p.byteLength)})${p.detached ? ' detached' : ''}`,
        tone: 'bytes',
        children: [
          { label: 'byteLength', sep: ':', value: p.byteLength },
          ...(p.detached ? [{ label: 'detached', sep: ':', value: true } as Child] : []),
          ...byteChildren(p.head, p.detached ? 0 : p.byteLength),
        ],
      };
    case 'typedarray':
      return {
        value: `${p.kind}(${p.length})`,
        tone: 'bytes',
        children: [
          ...(p.kind === 'DataView' ? [] : [{ label: 'length', sep: ':', value: p.length } as Child]),
          { label: 'byteLength', sep: ':', value: p.byteLength },
          ...byteChildren(p.head, p.byteLength),
        ],
      };
    case 'blob':
      return {
        value: previewText(p, INLINE_CHARS),
        tone: 'object',
        children: [
          ...(p.name !== undefined ? [{ label: 'name', sep: ':', value: p.name } as Child] : []),
          { label: 'size', sep: ':', value: p.size },
          { label: 'type', sep: ':', value: p.type },
          ...(p.lastModified !== undefined ? [{ label: 'lastModified', sep: ':', value: { $t: 'date', v: p.lastModified } } as Child] : []),
        ],
      };
    case 'imagedata':
      return { value: `ImageData ${p.width} × ${p.height}`, tone: 'object' };
    case 'error':
      return { value: `${p.name}: ${p.message}`, tone: 'error' };
    case 'platform':
      return { value: `${p.kind} (platform object)`, tone: 'meta' };
    case 'cycle':
      return { value: `[cycle → ${p.path}]`, tone: 'meta' };
    case 'truncated':
      switch (p.reason) {
        case 'unreached':
          // After the value a failed send could not clone: the browser never looked further, and the
          // recorder did not either (what lies there may run page code when read).
          return { value: 'not reached: the browser stopped at the value above', tone: 'meta' };
        case 'depth':
          return { value: '… (not previewed: too deep)', tone: 'meta' };
        case 'budget':
          return { value: '… (not previewed: preview budget used up)', tone: 'meta' };
        default:
          return { value: '… (not previewed)', tone: 'meta' };
      }
    case 'opaque':
      return { value: `not looked at: reading it could run page code (${String(p.kind)})`, tone: 'meta' };
    case 'accessor':
      return { value: `(getter ${keyText(p.key)} not called)`, tone: 'meta' };
    case 'uncloneable':
      return { value: `(uncloneable ${p.kind})`, tone: 'error' };
    case 'skipped':
      return { value: '(preview skipped under load)', tone: 'meta' };
    case 'unreadable':
      return { value: '(unreadable)', tone: 'meta' };
    default: {
      const unknownNode: never = p;
      void unknownNode;
      return { value: '?', tone: 'meta' };
    }
  }
}

/** One step of an error path (`ErrorSummary.path`): an object key or an array index. */
type PathStep = { key: string } | { index: number };

/**
 * Parses an error path as the recorder writes it — `payload`, then `.key`, `["odd key"]` or `[2]` per
 * step (`payload.handlers[2]`, `payload["a b"].el`). Undefined for anything else: the tree then marks
 * nothing rather than a wrong node.
 */
export function parseErrorPath(path: string): PathStep[] | undefined {
  if (!path.startsWith('payload')) return undefined;
  const steps: PathStep[] = [];
  let i = 'payload'.length;
  while (i < path.length) {
    const rest = path.slice(i);
    const dot = /^\.([A-Za-z_$][\w$]*)/.exec(rest);
    const index = /^\[(\d+)\]/.exec(rest);
    const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    if (dot) steps.push({ key: dot[1] as string });
    else if (index) steps.push({ index: Number(index[1]) });
    else if (quoted) {
      try {
        steps.push({ key: String(JSON.parse(quoted[1] as string)) });
      } catch {
        return undefined;
      }
    } else return undefined;
    i += (dot ?? index ?? quoted)?.[0].length ?? rest.length;
  }
  return steps;
}

/**
 * The tree id (`previewNodes`) of the node an error path points at, or undefined when the preview does
 * not hold it (the path runs through a Map, past what was previewed, or does not parse).
 */
export function previewPathId(preview: Preview, path: string): string | undefined {
  const steps = parseErrorPath(path);
  if (!steps) return undefined;
  let p: Preview = preview;
  const ids: number[] = [];
  for (const step of steps) {
    if (p === null || typeof p !== 'object') return undefined;
    if ('key' in step && p.$t === 'object') {
      const at = arr(p.entries).findIndex(([k]) => String(k) === step.key);
      if (at < 0) return undefined;
      ids.push(at);
      p = (p.entries[at] as [string, Preview])[1];
    } else if ('index' in step && p.$t === 'array') {
      const items = arr(p.items);
      if (step.index >= items.length) return undefined;
      ids.push(step.index);
      p = items[step.index] as Preview;
    } else return undefined;
  }
  return ids.join('/');
}

/** `id` is an ancestor of `mark` (`''` is every node's, `'0'` is `'0/3'`'s). */
function isAncestor(id: string, mark: string): boolean {
  return id === '' ? mark !== '' : mark.startsWith(`${id}/`);
}

/**
 * The rows of `preview` as a tree, depth-first. `toggled` holds ids whose open state the user flipped
 * from the default (open below OPEN_DEPTH, and along the way to `mark`). Children of closed nodes are
 * left out. The node with id `mark` (the value a failed send could not clone) is marked.
 */
export function previewNodes(preview: Preview, toggled: ReadonlySet<string> = new Set(), mark?: string): PreviewNode[] {
  const out: PreviewNode[] = [];
  const visit = (p: Preview, id: string, depth: number, label: string, sep: PreviewNode['sep']): void => {
    const d = describe(p);
    const expandable = d.children !== undefined && d.children.length > 0;
    const byDefault = depth < OPEN_DEPTH || (mark !== undefined && isAncestor(id, mark));
    const open = expandable && byDefault !== toggled.has(id);
    const node: PreviewNode = { id, depth, label, sep, value: d.value, tone: d.tone, expandable, open };
    if (mark === id) node.mark = true;
    out.push(node);
    if (!open || !d.children) return;
    d.children.forEach((c, i) => {
      const cid = id === '' ? String(i) : `${id}/${i}`;
      if ('marker' in c) out.push({ id: cid, depth: depth + 1, label: '', sep: '', value: c.marker, tone: 'meta', expandable: false, open: false });
      else if ('hex' in c) out.push({ id: cid, depth: depth + 1, label: '', sep: '', value: hexCaption(c.hex), tone: 'bytes', expandable: false, open: false, hex: c.hex });
      else if ('text' in c) out.push({ id: cid, depth: depth + 1, label: c.label, sep: c.sep, value: c.text, tone: c.tone, expandable: false, open: false });
      else visit(c.value, cid, depth + 1, c.label, c.sep);
    });
  };
  visit(preview, '', 0, '', '');
  return out;
}

/** The mark on the node a failed send could not clone: what the browser refused. */
export interface CloneCulprit {
  /** `ErrorSummary.path` (`payload.handlers[2]`). */
  path: string;
  /** `ErrorSummary.culprit` (`Function`), when known. */
  culprit?: string;
}

export function PreviewTree({ preview, culprit }: { preview: Preview; culprit?: CloneCulprit | undefined }) {
  const [toggled, setToggled] = useState<ReadonlySet<string>>(() => new Set());
  const mark = culprit !== undefined ? previewPathId(preview, culprit.path) : undefined;
  const rows = previewNodes(preview, toggled, mark);
  const toggle = (id: string): void =>
    setToggled((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div className="tree mono" role="tree" data-testid="preview-tree">
      {rows.map((r) => (
        <TreeRow key={r.id} row={r} toggle={toggle} culprit={r.mark ? culprit : undefined} />
      ))}
    </div>
  );
}

function TreeRow({ row: r, toggle, culprit }: { row: PreviewNode; toggle: (id: string) => void; culprit?: CloneCulprit | undefined }) {
  if (r.hex) {
    return (
      <div className="tree-row tree-hex" role="treeitem" aria-level={r.depth + 1} style={{ paddingLeft: 4 + r.depth * 14 + 12 }}>
        <HexView dump={r.hex} />
      </div>
    );
  }
  return (
    <div
      className={r.mark ? 'tree-row tree-culprit' : 'tree-row'}
      role="treeitem"
      aria-level={r.depth + 1}
      aria-expanded={r.expandable ? r.open : undefined}
      style={{ paddingLeft: 4 + r.depth * 14 }}
      tabIndex={r.expandable ? 0 : undefined}
      onClick={r.expandable ? () => toggle(r.id) : undefined}
      onKeyDown={
        r.expandable
          ? (e) => {
              const want = e.key === 'ArrowRight' ? true : e.key === 'ArrowLeft' ? false : e.key === 'Enter' || e.key === ' ' ? !r.open : null;
              if (want === null) return;
              e.preventDefault();
              e.stopPropagation();
              if (want !== r.open) toggle(r.id);
            }
          : undefined
      }
    >
      <span className={r.expandable ? 'twisty' : 'twisty leaf'} aria-hidden="true">
        {r.expandable ? (r.open ? '▾' : '▸') : ''}
      </span>
      {r.label !== '' && <span className={r.sep === '→' ? 'tree-key map-key' : 'tree-key'}>{r.label}</span>}
      {r.sep !== '' && <span className="tree-sep">{r.sep === '→' ? ' → ' : ': '}</span>}
      <span className={`tree-val t-${r.tone}`}>{r.value}</span>
      {culprit && (
        <span className="tree-culprit-note" data-testid="clone-culprit">
          {' '}
          ← {culprit.culprit !== undefined ? `a ${culprit.culprit}: ` : ''}structured clone cannot copy this, so the send failed here
        </span>
      )}
    </div>
  );
}

/** Pads a row's cells to a full line (so the ASCII column lines up) with a gap after the eighth. */
function hexCells(cells: readonly string[]): string {
  let out = '';
  for (let i = 0; i < HEX_LINE_BYTES; i++) {
    if (i > 0) out += i === HEX_LINE_BYTES / 2 ? '  ' : ' ';
    out += cells[i] ?? '  ';
  }
  return out;
}

/** A hex dump: offset, hex bytes and ASCII columns, and how many of the value's bytes were recorded. */
export function HexView({ dump }: { dump: HexDump }) {
  return (
    <div className="hex-view mono" data-testid="hex-view">
      <div className="hex-caption">
        {hexCaption(dump)}
        {dump.shown < dump.total ? ' (the recorder keeps the first bytes only)' : ''}
      </div>
      {dump.rows.map((r) => (
        <div key={r.offset} className="hex-line">
          <span className="hex-off">{r.offset}</span>
          <span className="hex-bytes">{hexCells(r.cells)}</span>
          <span className="hex-ascii">{r.ascii}</span>
        </div>
      ))}
    </div>
  );
}
