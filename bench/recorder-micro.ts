/**
 * The recorder's page-thread work per message, without a browser (node bench/recorder-micro.mjs):
 * a receiver's preview of each benchmark payload, and the emitter's numbering, serializing and
 * batching of the events a port send and its receipt record (a preview skipped, as under a flood).
 */
import { Emitter } from '../inject/emit';
import { previewValue } from '../inject/preview';

const payloads: Record<string, () => unknown> = {
  string: () => 'hello, entangled world',
  object: () => {
    const o = { id: 0, kind: 'update', user: { name: 'Ada Lovelace', email: 'ada@example.org', roles: ['admin', 'dev'] }, tags: [] as string[], values: [] as number[], note: '' };
    for (let i = 0; i < 12; i++) o.tags.push(`tag-${i}`);
    for (let i = 0; i < 40; i++) o.values.push(i * 1.5);
    o.note = 'x'.repeat(600);
    return o;
  },
  large: () => {
    const rows = [];
    for (let i = 0; i < 400; i++) rows.push({ id: i, name: `Row number ${i}`, email: `user${i}@example.org`, score: i * 0.75, active: i % 3 === 0, tags: ['alpha', 'beta', `t${i % 7}`], note: 'y'.repeat(120) });
    return { kind: 'page', offset: 0, total: 400, rows };
  },
};

function time(label: string, n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 2_000); i++) fn(i); // warm-up
  const best: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    best.push(((performance.now() - t0) * 1000) / n);
  }
  best.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} ${best[0]!.toFixed(2).padStart(8)} µs (best of 5; median ${best[2]!.toFixed(2)})`);
  return best[0]!;
}

let sink: unknown;
for (const kind of Object.keys(payloads)) {
  // A fresh structured-clone copy each time, as a receiver gets it.
  const copies = Array.from({ length: 64 }, () => structuredClone(payloads[kind]!()));
  time(`receiver preview, ${kind}`, kind === 'large' ? 500 : 20_000, (i) => {
    sink = previewValue(copies[i & 63], true);
  });
}

let chars = 0;
let t = 1_733_480_000_000.123;
{
  const emitter = new Emitter('bench1', () => (envelope) => {
    chars += envelope.length;
  });
  time('record + serialize: one send and its receipt', 50_000, () => {
    t += 0.01;
    emitter.record({ type: 'messageSent', t, route: 'port', port: 'bench1:1', partner: 'bench1:2', transfer: [], outcome: 'posted' } as never);
    emitter.record({ type: 'messageReceived', t, route: 'port', origin: '', port: 'bench1:2', ports: [], preview: { $t: 'skipped', reason: 'load' } } as never);
  });
  emitter.flush();
  console.log(`(${(chars / emitter.lastSeq).toFixed(0)} characters per event sent)`);
}
void sink;
