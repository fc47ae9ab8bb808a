// @vitest-environment happy-dom
/**
 * Fuzz test of what a hostile page or a crafted capture file can hand the panel (issue 14, item 3).
 *
 * Generated events, batches and capture files that follow the protocol must pass validation. Mutated
 * ones (a field of the wrong type, a bad preview tag or field, huge or deeply nested values, a field
 * removed or added anywhere) must be either rejected with a message, or, when accepted, be shown by
 * the real panel — the whole App, every view, each message opened in the inspector — without any
 * view failing. Fixed seeds and run counts keep it to a few seconds in CI.
 */
import { act, render, screen } from '@testing-library/react';
import fc from 'fast-check';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { App } from '../panel/App';
import { withLaidOutElements } from '../panel/happyDomLayout';
import { previewNodes } from '../panel/PreviewTree';
import { previewToJs } from '../panel/snippet';
import { createLogStore, type LogStore } from '../panel/store';
import { previewText } from '../panel/summary';
import { createViewStore } from '../panel/viewState';
import { readCapture, writeCapture } from './capture';
import type { LogRecord } from './log';
import { PROTOCOL_VERSION, type Batch, type EntangleEvent, type Preview, type ShapedBatch } from './protocol';
import { validateBatch } from './validate';

withLaidOutElements();

const SEED = 1414;

// ---------------------------------------------------------------------------------------------------
// Valid values, shaped as the recorder makes them (inject/preview.ts)

const short = fc.string({ maxLength: 12 });
const hex = fc.uint8Array({ maxLength: 8 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));
const count = fc.nat({ max: 1_000 });

const leaf: fc.Arbitrary<Preview> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  short,
  fc.constant({ $t: 'undefined' as const }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0').map((v) => ({ $t: 'number' as const, v: v as 'NaN' })),
  fc.bigInt().map((b) => ({ $t: 'bigint' as const, v: b.toString() })),
  fc.tuple(short, count).map(([v, more]) => ({ $t: 'string' as const, v, length: v.length + more })),
  fc.option(fc.integer(), { nil: null }).map((v) => ({ $t: 'date' as const, v }) as Preview),
  fc.record({ source: short, flags: fc.constantFrom('', 'g', 'gi') }).map((r) => ({ $t: 'regexp' as const, ...r })),
  fc.tuple(count, hex, fc.boolean()).map(([n, head, detached]) => (detached ? { $t: 'arraybuffer' as const, byteLength: 0, head: '', detached } : { $t: 'arraybuffer' as const, byteLength: n + head.length / 2, head })),
  fc.tuple(fc.constantFrom('Uint8Array', 'Float64Array', 'DataView', 'Weird'), count, hex).map(([kind, n, head]) => ({ $t: 'typedarray' as const, kind, length: n, byteLength: n + head.length / 2, head })),
  fc.record({ kind: fc.constantFrom('Blob' as const, 'File' as const), size: count, type: short }).map((b) => (b.kind === 'File' ? { $t: 'blob' as const, ...b, name: 'f.txt', lastModified: 1 } : { $t: 'blob' as const, ...b })),
  fc.record({ width: count, height: count }).map((r) => ({ $t: 'imagedata' as const, ...r })),
  fc.record({ name: short, message: short }).map((r) => ({ $t: 'error' as const, ...r })),
  fc.constantFrom('MessagePort', 'ImageBitmap').map((kind) => ({ $t: 'platform' as const, kind })),
  short.map((path) => ({ $t: 'cycle' as const, path })),
  fc.constantFrom('depth', 'budget', 'unreached').map((reason) => ({ $t: 'truncated' as const, reason: reason as 'depth' })),
  fc.constantFrom('Proxy', 'Object').map((kind) => ({ $t: 'opaque' as const, kind })),
  short.map((key) => ({ $t: 'accessor' as const, key })),
  fc.constantFrom('Function', 'Symbol').map((kind) => ({ $t: 'uncloneable' as const, kind })),
  fc.constant({ $t: 'skipped' as const, reason: 'load' as const }),
  fc.constant({ $t: 'unreadable' as const }),
);

const preview: fc.Arbitrary<Preview> = fc.letrec<{ preview: Preview }>((tie) => ({
  preview: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.array(fc.tuple(short, tie('preview')), { maxLength: 4 }), fc.nat(3)).map(([entries, more]) => ({ $t: 'object' as const, entries, more })),
    fc.tuple(fc.array(tie('preview'), { maxLength: 4 }), fc.nat(3)).map(([items, more]) => ({ $t: 'array' as const, items, length: items.length + more })),
    fc.tuple(fc.array(fc.tuple(tie('preview'), tie('preview')), { maxLength: 3 }), fc.nat(3)).map(([entries, more]) => ({ $t: 'map' as const, entries, size: entries.length + more })),
    fc.tuple(fc.array(tie('preview'), { maxLength: 3 }), fc.nat(3)).map(([items, more]) => ({ $t: 'set' as const, items, size: items.length + more })),
    fc.tuple(fc.constantFrom('Number' as const, 'String' as const, 'Boolean' as const, 'BigInt' as const), tie('preview')).map(([kind, v]) => ({ $t: 'boxed' as const, kind, v })),
  ),
})).preview;

type Body = { [K in EntangleEvent['type']]: Omit<Extract<EntangleEvent, { type: K }>, 'seq' | 't'> }[EntangleEvent['type']];

/** The body of one event of realm `r` (ports `r:1`…`r:4`, one channel, one worker, one BroadcastChannel). */
function body(r: string): fc.Arbitrary<Body> {
  const port = fc.constantFrom(`${r}:1`, `${r}:2`, `${r}:3`, `${r}:4`);
  const route = fc.constantFrom('port' as const, 'window' as const, 'worker' as const, 'broadcast' as const);
  const transfer = fc.array(fc.oneof(port.map((p) => ({ kind: 'MessagePort', port: p })), count.map((byteLength) => ({ kind: 'ArrayBuffer', byteLength })), fc.constant({ kind: 'ImageBitmap' })), { maxLength: 2 });
  return fc.oneof(
    fc.record({ type: fc.constant('channelCreated' as const), channel: fc.constant(`${r}:c1`), port1: fc.constant(`${r}:1`), port2: fc.constant(`${r}:2`) }),
    fc.record(
      {
        type: fc.constant('messageSent' as const),
        route,
        port,
        partner: port,
        channelName: short,
        transfer,
        size: count,
        sizeCapped: fc.boolean(),
        preview,
        outcome: fc.constantFrom('posted' as const, 'doomed' as const, 'portClosed' as const, 'partnerClosed' as const),
        error: fc.record({ name: fc.constantFrom('DataCloneError', 'TypeError'), message: short, path: fc.constantFrom('payload', 'payload.a', 'payload[0]'), culprit: short }, { requiredKeys: ['name', 'message'] }),
        stack: fc.constant('    at f (https://a.test/a.js:1:2)'),
      },
      { requiredKeys: ['type', 'route', 'transfer', 'outcome'] },
    ),
    fc.record(
      {
        type: fc.constant('messageReceived' as const),
        route,
        port,
        origin: fc.constantFrom('', 'https://a.test'),
        source: fc.constantFrom('self' as const, 'parent' as const, 'child' as const, 'none' as const),
        childIndex: fc.nat(3),
        channelName: short,
        ports: fc.array(port, { maxLength: 2 }),
        size: count,
        preview,
      },
      { requiredKeys: ['type', 'route', 'origin', 'ports', 'preview'] },
    ),
    fc.record({ type: fc.constant('messageUndeserializable' as const), route, port, origin: fc.constant('') }, { requiredKeys: ['type', 'route', 'origin'] }),
    fc.record({ type: fc.constant('portStarted' as const), port, implicit: fc.boolean() }),
    fc.record({ type: fc.constant('portClosed' as const), port }),
    fc.record({ type: fc.constant('workerCreated' as const), worker: fc.constant(`${r}:w1`), url: fc.constant('https://a.test/w.js'), workerType: fc.constantFrom('classic' as const, 'module' as const) }),
    fc.record({ type: fc.constant('broadcastChannelCreated' as const), bc: fc.constant(`${r}:b1`), channelName: short }),
    fc.record({ type: fc.constant('broadcastChannelClosed' as const), bc: fc.constant(`${r}:b1`) }),
    fc.record({ type: fc.constant('serviceWorkerFound' as const), worker: fc.constant(`${r}:s1`), scriptURL: fc.constant('https://a.test/sw.js'), state: fc.constant('activated'), scope: fc.constant('https://a.test/') }, { requiredKeys: ['type', 'worker', 'scriptURL', 'state'] }),
    fc.record({ type: fc.constant('realmGone' as const), persisted: fc.boolean() }),
    fc.record({ type: fc.constant('recorderFault' as const), during: fc.constant('send'), message: short }),
    fc.record(
      {
        type: fc.constant('windowMessageDropped' as const),
        targetOrigin: fc.constantFrom('https://wrong.test', 'https://a.test'),
        recipientOrigin: fc.constantFrom('https://a.test', 'https://b.test'),
        url: fc.constantFrom(`https://a.test/${r}`, 'https://a.test/app.js'),
        line: fc.integer({ min: 1, max: 99 }),
        column: fc.integer({ min: 1, max: 99 }),
        stack: fc.constant('    at f (https://a.test/a.js:1:2)'),
      },
      { requiredKeys: ['type', 'targetOrigin', 'recipientOrigin'] },
    ),
  );
}

/** A realm's first batch: its start, then up to 8 events, numbered from 1. */
function batchOf(r: string, kind: 'top' | 'iframe'): fc.Arbitrary<Batch> {
  return fc.array(body(r), { minLength: 1, maxLength: 8 }).map((bodies) => {
    const start: Body = { type: 'realmStarted', kind, url: `https://a.test/${r}`, origin: 'https://a.test', protocol: PROTOCOL_VERSION };
    const events = [start, ...bodies].map((b, i) => ({ ...b, seq: i + 1, t: 1_000 + i }) as EntangleEvent);
    return { v: PROTOCOL_VERSION, realm: r, events };
  });
}

// ---------------------------------------------------------------------------------------------------
// Mutations: one change somewhere in a JSON value

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

let deep: Json = 1;
for (let i = 0; i < 40; i++) deep = { $t: 'array', items: [deep], length: 1 };

/** Wrong or hostile values to put anywhere. */
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, 0, -1, 1.5, 1e308, '', 'x', [], {}, [1, 2], { $t: 'object' }, { $t: 'object', entries: 'x', more: 0 }, { $t: 'map', entries: [[1]], size: 1 }),
  fc.constantFrom<Json>({ $t: 'array', items: 'x', length: 1 }, { $t: 'set', items: null, size: 0 }, { $t: 'nope' }, { $t: 'string', v: 1, length: 1 }, { $t: 'error' }, { $t: 'typedarray', kind: 1 }),
  fc.constantFrom<Json>({ $t: 'object', entries: [[{}, 1]], more: 0 }, { $t: 'boxed', kind: 'Number' }, { $t: 'date', v: 'x' }, { $t: 'blob', kind: 'File', size: -1, type: '' }),
  fc.constant<Json>('x'.repeat(20_000)),
  fc.constant<Json>(deep),
  fc.constant<Json>(Array.from({ length: 200 }, (_, i) => i)),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** Every place in `root` (paths of keys and indexes), the root included. */
function places(root: Json): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: Json, path: (string | number)[]): void => {
    out.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(root, []);
  return out;
}

/** `inPreview`: the change lands inside a payload preview, when the value has one (the views walk
 *  previews the deepest, so half the mutations go there). */
type Mutation = { at: number; how: 'replace' | 'delete' | 'add'; value: Json; key: string; inPreview: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  how: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add' as const),
  value: junk,
  key: fc.constantFrom('extra', '$t', 'entries', 'items', 'v', '__proto__'),
  inPreview: fc.boolean(),
});

/** A copy of `value` with `m` applied at one of its places (not the root). */
function mutate<T>(value: T, m: Mutation): Json {
  const root = JSON.parse(JSON.stringify(value)) as Json;
  const all = places(root).filter((p) => p.length > 0);
  const previews = m.inPreview ? all.filter((p) => p.includes('preview')) : [];
  const from = previews.length > 0 ? previews : all;
  const path = from[m.at % from.length]!;
  const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string, Json>)[k]!, root) as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const target = parent[last];
  if (m.how === 'replace') parent[last] = m.value;
  else if (m.how === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
    Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  } else parent[last] = m.value;
  return root;
}

// ---------------------------------------------------------------------------------------------------
// The panel

function routed(b: Batch, frameId: number) {
  return { tabId: 1, frameId, parentFrameId: frameId === 0 ? -1 : 0, url: `https://a.test/${b.realm}`, batch: b };
}

/** Renders the whole panel on `store`, opens every message and event in the inspector, and answers
 *  the text of every view that failed (none, if the panel copes). */
async function failedViews(store: LogStore): Promise<string[]> {
  const view = createViewStore();
  const { unmount } = render(createElement(App, { store, view, tab: { tabId: 1, source: 'query' }, status: null }));
  const tick = () => act(() => new Promise<void>((r) => setTimeout(r, 120)));
  await tick();
  const failed = (): string[] => screen.queryAllByTestId('view-failed').map((e) => e.textContent ?? '');
  try {
    if (failed().length > 0) return failed();
    const { messages } = store.getState().model();
    for (const m of messages) {
      act(() => view.getState().selected({ kind: 'message', id: m.id }));
      if (failed().length > 0) return failed();
    }
    // Events that are not messages have no payload: a few of them are enough.
    for (let i = 0; i < Math.min(4, store.getState().log.length); i++) {
      act(() => view.getState().selected({ kind: 'event', index: i }));
      if (failed().length > 0) return failed();
    }
    return failed();
  } finally {
    unmount();
  }
}

/** The pure views of a preview must not throw either (timeline text, inspector tree, snippet). */
function previewsRender(b: Batch): void {
  for (const e of b.events) {
    if ((e.type === 'messageSent' || e.type === 'messageReceived') && e.preview !== undefined) {
      previewText(e.preview);
      previewNodes(e.preview, new Set(['0', '0/0', '1/0']));
      previewToJs(e.preview);
    }
  }
}

const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** `b` in the recorder's wire form (inject/emit.ts writes the same): each distinct event once with
 *  `t` and `seq` 0, then per event its shape and its time (the first in full, then differences). */
function shaped(b: Batch): ShapedBatch {
  const shapes: EntangleEvent[] = [];
  const index = new Map<string, number>();
  const of: number[] = [];
  const t: number[] = [];
  b.events.forEach((e, i) => {
    const shape = { ...e, t: 0, seq: 0 };
    const key = JSON.stringify(shape);
    let k = index.get(key);
    if (k === undefined) index.set(key, (k = shapes.push(shape) - 1));
    of.push(k);
    t.push(i === 0 ? e.t : e.t - b.events[i - 1]!.t);
  });
  return { v: PROTOCOL_VERSION, form: 'shapes', realm: b.realm, first: b.events[0]!.seq, shapes, of, t };
}

describe('fuzz: events and batches', () => {
  it('reads every generated batch in the wire form of shapes as the same events', () => {
    fc.assert(
      fc.property(batchOf('A', 'top'), (b) => {
        const plain = validateBatch(viaJson(b));
        const wire = validateBatch(viaJson(shaped(b)));
        if (!wire.ok) throw new Error(wire.error);
        expect(plain.ok && wire.value).toEqual(plain.ok && plain.value);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('rejects a mutated batch of shapes with a message, or accepts it and the pure views cope', () => {
    fc.assert(
      fc.property(batchOf('A', 'top'), mutation, (b, m) => {
        let result: ReturnType<typeof validateBatch>;
        try {
          result = validateBatch(mutate(shaped(b), m));
        } catch (err) {
          throw new Error(`validateBatch threw: ${String(err)}`);
        }
        if (result.ok) {
          previewsRender(result.value);
          result.value.events.forEach((e, i) => expect(e.seq).toBe(result.ok && result.value.events[0]!.seq + i));
        } else expect(result.error).toMatch(/^(batch|event \d+|shape \d+)/);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('accepts every generated batch that follows the protocol', () => {
    fc.assert(
      fc.property(batchOf('A', 'top'), (b) => {
        const result = validateBatch(viaJson(b));
        if (!result.ok) throw new Error(result.error);
        previewsRender(result.value);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('rejects a mutated batch with a message, or accepts it and the pure views cope', () => {
    fc.assert(
      fc.property(batchOf('A', 'top'), mutation, (b, m) => {
        let result: ReturnType<typeof validateBatch>;
        try {
          result = validateBatch(mutate(b, m));
        } catch (err) {
          throw new Error(`validateBatch threw: ${String(err)}`);
        }
        if (result.ok) previewsRender(result.value);
        else expect(result.error).toMatch(/^(batch|event \d+)/);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('what validation accepts, the whole panel shows without a view failing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('top' as const, 'iframe' as const), mutation, fc.boolean()), { minLength: 3, maxLength: 8 }).chain((specs) =>
        fc.tuple(...specs.map(([kind, m, mutated], i) => batchOf(`r${i}`, kind).map((b) => (mutated ? mutate(b, m) : viaJson(b))))),
      ), async (batches) => {
        const store = createLogStore();
        batches.forEach((b, i) => {
          const result = validateBatch(b);
          if (result.ok) store.getState().batchReceived(routed(result.value, i));
        });
        expect(await failedViews(store)).toEqual([]);
      }),
      { seed: SEED, numRuns: 8 },
    );
  }, 60_000);
});

describe('fuzz: capture files', () => {
  const records = (bs: Batch[]): LogRecord[] => bs.flatMap((b, i) => b.events.map((event) => ({ realm: b.realm, tabId: 1, frameId: i, ...(i > 0 ? { parentFrameId: 0 } : { parentFrameId: -1 }), url: `https://a.test/${b.realm}`, event })));
  const capture = fc.tuple(batchOf('A', 'top'), batchOf('B', 'iframe')).map((bs) =>
    JSON.parse(writeCapture({ createdAt: '2025-01-01T00:00:00.000Z', generator: { name: 'entangle', version: '0' }, page: { url: 'https://a.test/A' }, records: records(bs) })) as Json,
  );

  it('reads back every generated capture', async () => {
    await fc.assert(
      fc.asyncProperty(capture, async (file) => {
        const read = await readCapture(JSON.stringify(file));
        if (!read.ok) throw new Error(read.error);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('a mutated capture is refused with a message, or opens and the whole panel shows it', async () => {
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(capture, fc.array(mutation, { minLength: 1, maxLength: 2 }), async (file, ms) => {
        const text = JSON.stringify(ms.reduce<Json>((f, m) => mutate(f, m), file));
        const read = await readCapture(text);
        if (!read.ok) {
          expect(read.error).not.toMatch(/^cannot read capture/); // a named problem, not an unexpected exception
          return;
        }
        opened++;
        const store = createLogStore({ preserveLog: true });
        store.getState().captureLoaded(read.capture.records, read.capture.gaps, read.capture.context);
        expect(await failedViews(store)).toEqual([]);
      }),
      { seed: SEED, numRuns: 30 },
    );
    expect(opened).toBeGreaterThan(0);
  }, 60_000);
});
