#!/usr/bin/env node
// Sums a heap snapshot (bench/panel.mjs --heap-snapshot FILE) by what the live objects are: plain
// objects by shape (their property names), arrays and strings and heap numbers by what holds them
// (the holder's shape and the property). A snapshot's own summary groups every plain object under
// "Object", which does not tell a message model from a log entry or a preview.
//
// Usage: node --max-old-space-size=8000 bench/heapShapes.mjs FILE [top N, default 40] [--by-count]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/heapShapes.mjs FILE.heapsnapshot [N]');
const TOP = Number(process.argv.slice(3).find((a) => !a.startsWith('--')) ?? 40);
const snap = JSON.parse(readFileSync(file, 'latin1'));
const { node_fields: nodeFields, edge_fields: edgeFields, node_types: nodeTypes, edge_types: edgeTypes } = snap.snapshot.meta;
const NF = nodeFields.length;
const EF = edgeFields.length;
const [nType, nName, , nSize, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => nodeFields.indexOf(f));
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => edgeFields.indexOf(f));
const types = nodeTypes[nType];
const eTypes = edgeTypes[eType];
const { nodes, edges, strings } = snap;
const count = nodes.length / NF;

const firstEdge = new Uint32Array(count + 1);
for (let i = 0, e = 0; i < count; i++) {
  firstEdge[i] = e;
  e += nodes[i * NF + nEdges] * EF;
  firstEdge[i + 1] = e;
}
/** The node holding each node (its first retainer by a property or element edge), -1 if none. */
const holder = new Int32Array(count).fill(-1);
const holderEdge = new Int32Array(count).fill(-1);
for (let i = 0; i < count; i++) {
  for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += EF) {
    const t = eTypes[edges[e + eType]];
    if (t !== 'property' && t !== 'element' && t !== 'internal') continue;
    const to = edges[e + eTo] / NF;
    if (holder[to] === -1 || (t !== 'internal' && eTypes[edges[holderEdge[to] + eType]] === 'internal')) {
      holder[to] = i;
      holderEdge[to] = e;
    }
  }
}

const shapeCache = new Map();
/** An object's shape: its constructor and its first property names. */
function shapeOf(i) {
  if (shapeCache.has(i)) return shapeCache.get(i);
  const type = types[nodes[i * NF + nType]];
  const name = strings[nodes[i * NF + nName]];
  let s;
  if (type !== 'object' || name === 'Array') s = `${type}:${name.slice(0, 40)}`;
  else {
    const props = [];
    for (let e = firstEdge[i]; e < firstEdge[i + 1] && props.length < 10; e += EF) {
      if (eTypes[edges[e + eType]] === 'property') props.push(strings[edges[e + eName]]);
    }
    s = `${name}{${props.join(',')}}`;
  }
  shapeCache.set(i, s);
  return s;
}
function edgeName(e) {
  const t = eTypes[edges[e + eType]];
  return t === 'element' ? '[]' : t === 'internal' ? `(${strings[edges[e + eName]]})` : strings[edges[e + eName]];
}
/** What holds node i: the holder's shape and the property, walking up through arrays and backing stores. */
function heldBy(i) {
  let h = holder[i];
  let via = holderEdge[i] >= 0 ? edgeName(holderEdge[i]) : '?';
  for (let hops = 0; h >= 0 && hops < 3; hops++) {
    const t = types[nodes[h * NF + nType]];
    const n = strings[nodes[h * NF + nName]];
    if (!(t === 'array' || n === 'Array' || n === '(object elements)' || n === '(object properties)')) break;
    via = `${holderEdge[h] >= 0 ? edgeName(holderEdge[h]) : '?'}.${via}`;
    h = holder[h];
  }
  return h >= 0 ? `${shapeOf(h)} .${via}` : '(none)';
}

const byShape = new Map();
const byHolder = new Map();
let total = 0;
const add = (map, key, size) => {
  const v = map.get(key) ?? { n: 0, size: 0 };
  v.n++;
  v.size += size;
  map.set(key, v);
};
for (let i = 0; i < count; i++) {
  const size = nodes[i * NF + nSize];
  total += size;
  const type = types[nodes[i * NF + nType]];
  const name = strings[nodes[i * NF + nName]];
  if (type === 'object' && name !== 'Array') add(byShape, shapeOf(i), size);
  else if (type === 'native' && name === 'system / PropertyArray') add(byHolder, `PropertyArray ← ${heldBy(i)}`, size);
  else if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' || type === 'heap number' || type === 'array' || name === 'Array' || type === 'hidden') {
    add(byHolder, `${type === 'object' ? 'Array' : type} ← ${heldBy(i)}`, size);
  }
}
const mb = (n) => (n / 1e6).toFixed(1).padStart(6);
/** --by-count: sorted by how many (a major collection's marking visits each object once), not by size. */
const BY_COUNT = process.argv.includes('--by-count');
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => (BY_COUNT ? b[1].n - a[1].n : b[1].size - a[1].size)).slice(0, TOP)) console.log(`${mb(v.size)} MB ${String(v.n).padStart(9)}  ${k.slice(0, 200)}`);
};
console.log(`${count.toLocaleString('en')} nodes, ${mb(total)} MB`);
show('plain objects by shape (self size)', byShape);
show('arrays, strings, numbers, hidden by holder (self size)', byHolder);

const byType = new Map();
for (let i = 0; i < count; i++) add(byType, types[nodes[i * NF + nType]], nodes[i * NF + nSize]);
show('by node type', byType);
if (process.argv.includes('--weakmaps')) {
  // The largest WeakMap and Map tables, with what holds the map (a closure's context names the variable).
  const tables = [];
  for (let i = 0; i < count; i++) {
    const size = nodes[i * NF + nSize];
    if (size < 100_000 || types[nodes[i * NF + nType]] !== 'array') continue;
    const h = holder[i];
    const hh = h >= 0 ? holder[h] : -1;
    tables.push(`${mb(size)} MB ${heldBy(i)} ← ${hh >= 0 ? `${shapeOf(hh)} .${edgeName(holderEdge[h])}` : '?'}`);
  }
  console.log('\nlarge arrays and tables');
  for (const t of tables.sort().reverse().slice(0, TOP)) console.log(t);
}
