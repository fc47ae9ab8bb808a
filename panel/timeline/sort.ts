/**
 * Sorting the timeline's rows by a column, pure (no React).
 *
 * Cost model (100,000 rows, target ≤ 150 ms): each row's key is worked out once (a number in a
 * Float64Array, or a lower-case string), then an index array (Uint32Array) is sorted with a comparator
 * that reads the keys — no allocation per comparison. Ties keep arrival order (the index breaks them),
 * so the order is stable in both directions. Rows without a value (an event row under Size, a message
 * of unknown size) go last in either direction, as they say nothing about the order asked for.
 *
 * Live rows: `RowSorter` remembers its last input and keys. A new input that starts with the same row
 * objects (the usual case: the model appends messages, and only the last ones change status) keeps the
 * keys and the order of that prefix; only the rows after it are keyed and sorted, then merged in — one
 * linear pass instead of a full sort per batch.
 */
import { latencyOf } from '../../model/model-types';
import { realmNamesOf } from '../realmNames';
import { messageSummary, statusLabel, type TimelineRow } from './rows';
import { cellText, type CellContext, type ColumnId, type SortSpec } from './columns';

type Keys = { numeric: true; values: Float64Array } | { numeric: false; values: string[] };

/** A row's numeric key under `column`, NaN when it has none. */
function numberKey(row: TimelineRow, column: 'time' | 'size' | 'latency'): number {
  if (column === 'time') return row.t;
  if (row.kind !== 'message') return NaN;
  const v = column === 'size' ? row.message.size : latencyOf(row.message);
  return v ?? NaN;
}

function isNumeric(column: ColumnId): column is 'time' | 'size' | 'latency' {
  return column === 'time' || column === 'size' || column === 'latency';
}

/** A row's text key under `column` (lower case), "" when it has none. */
export function textKey(row: TimelineRow, column: ColumnId, ctx: CellContext): string {
  if (row.kind !== 'message') return '';
  const m = row.message;
  switch (column) {
    case 'status':
      return statusLabel(m.status);
    case 'endpoints': {
      const names = realmNamesOf(ctx.index.realms);
      const from = m.fromRealm !== undefined ? names.name(m.fromRealm) : '';
      const toId = m.toRealm ?? m.deliveries?.[0]?.toRealm;
      const to = toId !== undefined ? names.name(toId) : (m.channelName ?? '');
      return `${from}\u0000${to}`.toLowerCase();
    }
    case 'message': {
      // What the cell shows, lead first (worked out once per row, kept with the keys).
      const sum = messageSummary(m);
      return (sum.lead !== undefined ? `${sum.lead} ${sum.rest}` : sum.rest).toLowerCase();
    }
    case 'time':
    case 'size':
    case 'latency':
    case 'route':
    case 'fromOrigin':
    case 'toOrigin':
    case 'relation':
    case 'port':
    case 'channel':
    case 'transfer':
    case 'type':
      return cellText(column, m, ctx).toLowerCase();
  }
}

/** Keys of `rows[from..]`, appended to `keys` (which holds those of `rows[0..from)`). */
function fillKeys(keys: Keys, rows: readonly TimelineRow[], from: number, column: ColumnId, ctx: CellContext): Keys {
  if (keys.numeric) {
    let values = keys.values;
    if (values.length < rows.length) {
      // Room to grow: live rows arrive in batches.
      const grown = new Float64Array(Math.max(rows.length, Math.ceil(values.length * 1.5), 1024));
      grown.set(values.subarray(0, from));
      values = grown;
    }
    const c = column as 'time' | 'size' | 'latency';
    for (let i = from; i < rows.length; i++) values[i] = numberKey(rows[i] as TimelineRow, c);
    return { numeric: true, values };
  }
  const values = keys.values;
  values.length = from;
  for (let i = from; i < rows.length; i++) values.push(textKey(rows[i] as TimelineRow, column, ctx));
  return keys;
}

/** The comparator over row indexes: keys read, nothing allocated. */
function comparator(keys: Keys, direction: 1 | -1): (a: number, b: number) => number {
  if (keys.numeric) {
    const k = keys.values;
    return (a, b) => {
      const x = k[a] as number;
      const y = k[b] as number;
      if (x === y) return a - b;
      // NaN (no value) last in either direction.
      if (x !== x) return y !== y ? a - b : 1;
      if (y !== y) return -1;
      return x < y ? -direction : direction;
    };
  }
  const k = keys.values;
  return (a, b) => {
    const x = k[a] as string;
    const y = k[b] as string;
    if (x === y) return a - b;
    if (x === '') return 1;
    if (y === '') return -1;
    return x < y ? -direction : direction;
  };
}

/** Sorts `rows` by `spec` (a new array; `rows` untouched). */
export function sortRows(rows: readonly TimelineRow[], spec: SortSpec, ctx: CellContext): readonly TimelineRow[] {
  return new RowSorter().sort(rows, spec, ctx);
}

/** Columns whose keys come from the realms (names, origins, relations, channel names). */
const REALM_COLUMNS: ReadonlySet<ColumnId> = new Set<ColumnId>(['endpoints', 'fromOrigin', 'toOrigin', 'relation', 'channel']);

/** Sorts successive inputs, reusing the keys and order of the prefix they share with the last one. */
export class RowSorter {
  private input: readonly TimelineRow[] = [];
  private spec: SortSpec | null = null;
  private keys: Keys | null = null;
  /** Indexes into `input`, in sorted order. */
  private order: Uint32Array = new Uint32Array(0);
  private output: TimelineRow[] = [];
  /** How many realms the keys were made with: a realm's name, origin or relation may change as realms
   *  arrive (look-alikes get numbered), so a column that shows realms is keyed afresh then. */
  private realmCount = -1;
  /** Rows keyed by the last call (for tests: how much work an update did). */
  lastKeyed = 0;

  /** `rows` in `spec`'s order; `rows` itself when there is no sort. */
  sort(rows: readonly TimelineRow[], spec: SortSpec | null, ctx: CellContext): readonly TimelineRow[] {
    if (spec === null) {
      this.reset();
      return rows;
    }
    const realmsKept = !REALM_COLUMNS.has(spec.column) || ctx.index.realms.size === this.realmCount;
    this.realmCount = ctx.index.realms.size;
    if (rows === this.input && this.spec !== null && sameSpec(spec, this.spec) && realmsKept) return this.output;
    // Keys stay valid for the rows both inputs share (same objects, same column, same realms); the
    // order of that prefix stays valid too when the direction is the same.
    const sameColumn = this.keys !== null && this.spec !== null && this.spec.column === spec.column && realmsKept;
    const old = this.input;
    let p = 0;
    if (sameColumn) {
      const n = Math.min(old.length, rows.length);
      while (p < n && old[p] === rows[p]) p++;
    }
    const direction = spec.direction === 'ascending' ? 1 : -1;
    let keys: Keys =
      sameColumn && this.keys ? this.keys : isNumeric(spec.column) ? { numeric: true, values: new Float64Array(rows.length) } : { numeric: false, values: [] };
    keys = fillKeys(keys, rows, p, spec.column, ctx);
    this.lastKeyed = rows.length - p;
    const cmp = comparator(keys, direction);

    let order: Uint32Array;
    if (p === 0 || this.spec === null || this.spec.direction !== spec.direction) {
      order = fullOrder(keys, rows.length, direction) ?? identityOrder(rows.length).sort(cmp);
    } else {
      // The kept prefix in its sorted order (indexes < p), then the new rows sorted and merged in.
      const kept = new Uint32Array(p);
      let k = 0;
      const last = this.order;
      for (let j = 0; j < last.length; j++) {
        const i = last[j] as number;
        if (i < p) kept[k++] = i;
      }
      const fresh = new Uint32Array(rows.length - p);
      for (let i = 0; i < fresh.length; i++) fresh[i] = p + i;
      fresh.sort(cmp);
      order = new Uint32Array(rows.length);
      let a = 0;
      let b = 0;
      let o = 0;
      while (a < k && b < fresh.length) order[o++] = cmp(kept[a] as number, fresh[b] as number) <= 0 ? (kept[a++] as number) : (fresh[b++] as number);
      while (a < k) order[o++] = kept[a++] as number;
      while (b < fresh.length) order[o++] = fresh[b++] as number;
    }
    const out = new Array<TimelineRow>(rows.length);
    for (let i = 0; i < out.length; i++) out[i] = rows[order[i] as number] as TimelineRow;
    this.input = rows;
    this.spec = spec;
    this.keys = keys;
    this.order = order;
    this.output = out;
    return out;
  }

  private reset(): void {
    this.input = [];
    this.spec = null;
    this.keys = null;
    this.order = new Uint32Array(0);
    this.output = [];
  }
}

function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * The sorted order without a comparator, when the keys allow it: each row's key becomes a whole number
 * (a size as is; a text its rank among the distinct texts), packed with the row's index into one
 * float64 (`key · 2^bits + index`, exact below 2^53), and the packed array sorted natively — several
 * times faster than a comparator sort, ties in index order by construction. Null when a key does not
 * fit (a fraction, as times and latencies have): the comparator sort then.
 */
function fullOrder(keys: Keys, n: number, direction: 1 | -1): Uint32Array | null {
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const scale = 2 ** bits;
  const packed = new Float64Array(n);
  if (keys.numeric) {
    const k = keys.values;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = k[i] as number;
      if (v !== v) continue;
      if (v < 0 || v !== Math.floor(v)) return null;
      if (v > max) max = v;
    }
    // Missing values last either way: one above the largest key (after a descending flip).
    const missing = max + 1;
    if ((missing + 1) * scale >= 2 ** 53) return null;
    for (let i = 0; i < n; i++) {
      const v = k[i] as number;
      const key = v !== v ? missing : direction === 1 ? v : max - v;
      packed[i] = key * scale + i;
    }
  } else {
    const k = keys.values;
    const rank = new Map<string, number>();
    for (let i = 0; i < n; i++) rank.set(k[i] as string, 0);
    // The default sort compares UTF-16 code units, as the comparator's `<` does.
    const distinct = [...rank.keys()].filter((x) => x !== '').sort();
    const last = distinct.length - 1;
    for (let r = 0; r <= last; r++) rank.set(distinct[r] as string, direction === 1 ? r : last - r);
    rank.set('', last + 1);
    for (let i = 0; i < n; i++) packed[i] = (rank.get(k[i] as string) as number) * scale + i;
  }
  packed.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = (packed[i] as number) % scale;
  return order;
}

function sameSpec(a: SortSpec, b: SortSpec): boolean {
  return a.column === b.column && a.direction === b.direction;
}
