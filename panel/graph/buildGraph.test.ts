import { describe, expect, it } from 'vitest';
import { createCorrelator, type CaptureModel, type MessageModel, type PortModel, type RealmModel } from '../../model/correlator';
import type { LogRecord } from '../../model/log';
import { PROTOCOL_VERSION, type EntangleEvent, type PortId } from '../../model/protocol';
import { captureModel, heldPort, realmModel } from '../modelFixture';
import {
  PORTS_SHOWN,
  PULSE_MS,
  UNKNOWN_REALM,
  MORE_CHIP,
  createGraphBuilder,
  trafficOf,
  type GraphData,
  type GraphEdge,
  type GraphInput,
  type GraphNode,
  type PortChipData,
  type RealmNode,
} from './buildGraph';

// ── hand-made models ──

const realm = (id: string, extra: Partial<RealmModel> = {}): RealmModel => ({
  id,
  kind: 'top',
  url: `https://a.test/${id}`,
  instrumented: true,
  events: 1,
  gaps: 0,
  missing: 0,
  faults: 0,
  ...extra,
});

const port = (id: PortId, holders: string[], extra: Partial<PortModel> = {}): PortModel => ({
  id,
  custody: holders.map((realm, i) => ({ realm, from: i, via: i === 0 ? 'created' : 'port', started: true, closed: false })),
  started: true,
  closed: false,
  ...extra,
});

let seq = 0;
const msg = (extra: Partial<MessageModel>): MessageModel => ({ id: `m#${++seq}`, route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...extra });

const model = captureModel;

/** top with an iframe and a worker; channel c1 top:1 ⇄ top:2, top:2 now in the iframe. */
function base(messages: MessageModel[] = [], more: Partial<CaptureModel> = {}): CaptureModel {
  return model({
    realms: [realm('top'), realm('ifr', { kind: 'iframe', parent: 'top', url: 'https://b.test/frame.html?x=1#y' }), realm('w', { kind: 'worker', parent: 'top', instrumented: false, url: 'https://a.test/worker.js' })],
    channels: [{ id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'top:2'] }],
    ports: [port('top:1', ['top'], { channel: 'top:c1', entangledWith: 'top:2' }), port('top:2', ['top', 'ifr'], { channel: 'top:c1', entangledWith: 'top:1' })],
    messages,
    ...more,
  });
}

const NO_VIEW: GraphInput = { focus: null, selection: null };

const node = (g: GraphData, id: string): GraphNode => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};
/** A port chip and the realm node it is drawn in. */
const portNode = (g: GraphData, id: string): { parentId: string; data: PortChipData } => {
  for (const n of g.nodes) {
    const chip = n.data.ports.find((c) => c.port === id);
    if (chip) return { parentId: n.id, data: chip };
  }
  throw new Error(`no port chip ${id}`);
};
const allChips = (g: GraphData): PortChipData[] => g.nodes.flatMap((n) => [...n.data.ports]);
/** Realm nodes and chips (as `port:<id>`) that are highlighted, or selected. */
const marked = (g: GraphData, how: 'hl' | 'selected'): string[] => [
  ...g.nodes.filter((n) => (how === 'hl' ? classes(n).includes('hl') : n.selected)).map((n) => n.id),
  ...allChips(g)
    .filter((c) => c[how])
    .map((c) => `port:${c.port}`),
];
const realmNode = (g: GraphData, id: string): RealmNode => node(g, `realm:${id}`) as RealmNode;
const edge = (g: GraphData, id: string): GraphEdge => {
  const e = g.edges.find((x) => x.id === id);
  if (!e) throw new Error(`no edge ${id}; have ${g.edges.map((x) => x.id).join(', ')}`);
  return e;
};
const classes = (x: { className?: string | undefined }): string[] => (x.className ?? '').split(' ').filter(Boolean);

// ── a recorded tab, through the correlator ──

function recorded(): CaptureModel {
  const records: LogRecord[] = [];
  let t = 1000;
  const seqs = new Map<string, number>();
  const emit = (realmId: string, frameId: number, parentFrameId: number, body: Record<string, unknown>): void => {
    const s = (seqs.get(realmId) ?? 0) + 1;
    seqs.set(realmId, s);
    records.push({ realm: realmId, tabId: 1, frameId, parentFrameId, event: { ...body, seq: s, t: ++t } as unknown as EntangleEvent });
  };
  const top = (b: Record<string, unknown>) => emit('top', 0, -1, b);
  const ifr = (b: Record<string, unknown>) => emit('ifr', 3, 0, b);
  top({ type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION });
  ifr({ type: 'realmStarted', kind: 'iframe', url: 'https://a.test/frame', origin: 'https://a.test', protocol: PROTOCOL_VERSION });
  top({ type: 'channelCreated', channel: 'top:c1', port1: 'top:1', port2: 'top:2' });
  top({ type: 'portStarted', port: 'top:1', implicit: true });
  // top:2 goes to the iframe by window.postMessage, where it is ifr:1.
  ifr({ type: 'messageReceived', route: 'window', origin: 'https://a.test', source: 'parent', ports: ['ifr:1'], preview: 'hello', size: 7 });
  ifr({ type: 'portStarted', port: 'ifr:1', implicit: true });
  top({ type: 'messageSent', route: 'port', port: 'top:1', transfer: [], outcome: 'posted' });
  ifr({ type: 'messageReceived', route: 'port', port: 'ifr:1', origin: '', ports: [], preview: 'ping', size: 4 });
  const c = createCorrelator();
  c.append(records);
  return c.model();
}

describe('buildGraph: nodes and edges', () => {
  it('draws realms as boxes, with parent → child links for frames and workers', () => {
    const g = createGraphBuilder().build(base(), NO_VIEW, 0);
    expect(g.empty).toBe(false);
    expect(realmNode(g, 'top').data).toMatchObject({ realm: 'top', kind: 'top', label: '', gone: false });
    expect(realmNode(g, 'top').ariaLabel).toBe('top realm');
    expect(realmNode(g, 'ifr').data).toMatchObject({ kind: 'iframe', prefix: 'iframe', label: 'b.test/frame.html' });
    expect(realmNode(g, 'ifr').ariaLabel).toBe('iframe realm b.test/frame.html');
    expect(realmNode(g, 'ifr').data.title).toContain('realm ifr');
    expect(realmNode(g, 'w').data).toMatchObject({ kind: 'worker', instrumented: false });
    expect(edge(g, 'frame:top->ifr')).toMatchObject({ source: 'realm:top', target: 'realm:ifr' });
    expect(edge(g, 'owner:top->w')).toMatchObject({ source: 'realm:top', target: 'realm:w' });
    expect(edge(g, 'owner:top->w').data?.label).toBe('worker');
    // Realms are the only nodes: ports are chips inside them.
    expect(g.nodes.every((n) => n.type === 'realm')).toBe(true);
  });

  it('greys out a gone realm', () => {
    const g = createGraphBuilder().build(model({ realms: [realm('top'), realm('old', { kind: 'iframe', parent: 'top', goneAt: 5 })] }), NO_VIEW, 0);
    expect(realmNode(g, 'old').data.gone).toBe(true);
    expect(realmNode(g, 'top').data.gone).toBe(false);
  });

  it('puts a port inside the realm that holds it now, and says where it came from', () => {
    const g = createGraphBuilder().build(base(), NO_VIEW, 0);
    expect(portNode(g, 'top:1')).toMatchObject({ parentId: 'realm:top' });
    const moved = portNode(g, 'top:2');
    expect(moved.parentId).toBe('realm:ifr');
    expect(moved.data.movedFrom).toBe('top');
    expect(moved.data.title).toContain('transferred: top top → iframe ifr');
  });

  it('follows a transfer recorded by the correlator (logical port ids, current holder)', () => {
    const m = recorded();
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(portNode(g, 'top:2').parentId).toBe('realm:ifr');
    expect(portNode(g, 'top:1').parentId).toBe('realm:top');
    expect(edge(g, 'channel:top:c1')).toMatchObject({ source: 'realm:top', target: 'realm:ifr' });
    expect(edge(g, 'channel:top:c1').sourceHandle).toMatch(/^top:1\|/);
    expect(edge(g, 'channel:top:c1').targetHandle).toMatch(/^top:2\|/);
    expect(edge(g, 'channel:top:c1').data?.label).toBe('1 →');
    expect(edge(g, 'route:window:top->ifr').data?.label).toBe('window ×1');
    expect(allChips(g)).toHaveLength(2);
  });

  it('draws exactly one edge per channel, and ports without a channel still appear', () => {
    const m = model({
      realms: [realm('top'), realm('w', { kind: 'worker', parent: 'top', instrumented: false })],
      channels: [
        { id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'top:2'] },
        { id: 'top:c2', createdIn: 'top', createdAt: 0, ports: ['top:3', 'top:4'] },
      ],
      ports: [
        port('top:1', ['top'], { channel: 'top:c1', entangledWith: 'top:2' }),
        port('top:2', ['top'], { channel: 'top:c1', entangledWith: 'top:1' }),
        port('top:3', ['top'], { channel: 'top:c2', entangledWith: 'top:4' }),
        port('top:4', ['top', 'w'], { channel: 'top:c2', entangledWith: 'top:3' }),
        port('top:9', ['top']),
        port('ghost:1', []),
      ],
    });
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(g.edges.filter((e) => e.id.startsWith('channel:')).map((e) => e.id).sort()).toEqual(['channel:top:c1', 'channel:top:c2']);
    expect(portNode(g, 'top:9').parentId).toBe('realm:top');
    expect(portNode(g, 'ghost:1').parentId).toBe(`realm:${UNKNOWN_REALM}`);
    expect(realmNode(g, UNKNOWN_REALM).data.placeholder).toBe(true);
    expect(portNode(g, 'top:4').parentId).toBe('realm:w');
  });

  it('draws entangled ports with no recorded channel as a pair edge', () => {
    const m = model({
      realms: [realm('top')],
      ports: [port('top:5', ['top'], { entangledWith: 'top:6' }), port('top:6', ['top'], { entangledWith: 'top:5' })],
    });
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(g.edges.filter((e) => e.data?.kind === 'pair').map((e) => e.id)).toEqual(['pair:top:5|top:6']);
  });

  it('counts channel messages in both directions', () => {
    const m = base([
      msg({ fromPort: 'top:1', toPort: 'top:2', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ fromPort: 'top:1', toPort: 'top:2', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ fromPort: 'top:2', toPort: 'top:1', fromRealm: 'ifr', toRealm: 'top' }),
      // A receipt whose sending port is unknown still counts, towards the receiving end.
      msg({ toPort: 'top:1', toRealm: 'top' }),
    ]);
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(edge(g, 'channel:top:c1').data?.label).toBe('2 ⇄ 2');
  });

  it('aggregates window, worker and broadcast traffic per route and direction; unknown ends are left out', () => {
    const m = base([
      msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ route: 'window', fromRealm: 'ifr', toRealm: 'top' }),
      msg({ route: 'worker', fromRealm: 'top', toRealm: 'w', status: 'in-flight' }),
      msg({ route: 'worker', fromRealm: 'top', toRealm: 'w', status: 'in-flight' }),
      msg({ route: 'broadcast', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ route: 'broadcast', fromRealm: 'top' }), // several receivers: no single end
      msg({ route: 'window', toRealm: 'top' }), // source unknown
    ]);
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    const routes = g.edges.filter((e) => e.data?.kind === 'route');
    expect(routes.map((e) => [e.id, e.data?.label]).sort()).toEqual([
      ['route:broadcast:top->ifr', 'broadcast ×1'],
      ['route:window:ifr->top', 'window ×1'],
      ['route:window:top->ifr', 'window ×3'],
      ['route:worker:top->w', 'worker ×2'],
    ]);
    expect(edge(g, 'route:window:top->ifr')).toMatchObject({ source: 'realm:top', target: 'realm:ifr' });
    // Edges between the same two realms (the frame link and three routes) are bent apart: distinct
    // offsets once each is seen in the same direction.
    // (Channel edges attach to port chips' handles and are not bent.)
    const between = g.edges.filter((e) => e.data?.kind !== 'channel' && [e.source, e.target].sort().join() === 'realm:ifr,realm:top');
    const canonical = between.map((e) => (e.data?.bend ?? 0) * (e.source < e.target ? 1 : -1));
    expect(between).toHaveLength(4);
    expect(new Set(canonical).size).toBe(4);
  });

  it('marks ports with queued messages, failed sends, closed and lost ports, saying why', () => {
    const m = model({
      realms: [realm('top')],
      channels: [
        { id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'top:2'] },
        { id: 'top:c2', createdIn: 'top', createdAt: 0, ports: ['top:3', 'top:4'] },
      ],
      ports: [
        port('top:1', ['top'], { channel: 'top:c1', entangledWith: 'top:2' }),
        port('top:2', ['top'], { channel: 'top:c1', entangledWith: 'top:1', started: false }),
        port('top:3', ['top'], { channel: 'top:c2', entangledWith: 'top:4', closed: true }),
        port('top:4', ['top'], { channel: 'top:c2', entangledWith: 'top:3', lost: { at: 3, reason: 'doomed' } }),
        port('top:5', ['top']),
      ],
      messages: [
        msg({ fromPort: 'top:1', toPort: 'top:2', status: 'queued', reason: 'notStarted' }),
        msg({ fromPort: 'top:1', toPort: 'top:2', status: 'queued', reason: 'notStarted' }),
        msg({ fromPort: 'top:5', status: 'failed', reason: 'sendThrew', error: { name: 'DataCloneError', message: 'x' } }),
        msg({ fromPort: 'top:3', toPort: 'top:4', status: 'doomed' }),
      ],
    });
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(portNode(g, 'top:1').data.state).toBe('ok');
    expect(portNode(g, 'top:2').data).toMatchObject({ state: 'queued', badge: '2' });
    expect(portNode(g, 'top:2').data.title).toContain('2 messages queued here: this port was never started');
    expect(portNode(g, 'top:5').data).toMatchObject({ state: 'failed', badge: '1' });
    expect(portNode(g, 'top:5').data.title).toContain('1 send from this port failed');
    // Closed, and a doomed send from it: the failure is what stands out; the title says both.
    expect(portNode(g, 'top:3').data.state).toBe('failed');
    expect(portNode(g, 'top:3').data.title).toContain('closed');
    expect(portNode(g, 'top:4').data.state).toBe('lost');
    const closedOnly = createGraphBuilder().build(model({ realms: [realm('top')], ports: [port('top:7', ['top'], { closed: true })] }), NO_VIEW, 0);
    expect(portNode(closedOnly, 'top:7').data.state).toBe('closed');
  });

  it('shows an empty model as empty', () => {
    expect(createGraphBuilder().build(model({}), NO_VIEW, 0)).toMatchObject({ empty: true, nodes: [], edges: [] });
  });
});

describe('buildGraph: focus and highlight', () => {
  const traffic = () =>
    base([
      msg({ id: 'top#7', fromPort: 'top:1', toPort: 'top:2', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ id: 'top#8', route: 'window', fromRealm: 'top', toRealm: 'ifr' }),
    ]);

  it('highlights the selected message: its ports, channel and realms', () => {
    const g = createGraphBuilder().build(traffic(), { focus: null, selection: { kind: 'message', id: 'top#7' } }, 0);
    expect(g.highlighting).toBe(true);
    const hl = [...marked(g, 'hl'), ...g.edges.filter((e) => classes(e).includes('hl')).map((e) => e.id)];
    expect(hl.sort()).toEqual(['channel:top:c1', 'port:top:1', 'port:top:2', 'realm:ifr', 'realm:top']);
    expect(edge(g, 'channel:top:c1').data?.hl).toBe(true);
  });

  it('highlights the realm route edge of a window message', () => {
    const g = createGraphBuilder().build(traffic(), { focus: null, selection: { kind: 'message', id: 'top#8' } }, 0);
    expect(g.edges.filter((e) => classes(e).includes('hl')).map((e) => e.id)).toEqual(['route:window:top->ifr']);
    expect(marked(g, 'hl').sort()).toEqual(['realm:ifr', 'realm:top']);
  });

  it('draws the focused realm, port (by any of its local ids) or channel selected', () => {
    const b = createGraphBuilder();
    const m = traffic();
    expect(marked(b.build(m, { focus: { kind: 'realm', id: 'ifr' }, selection: null }, 0), 'selected')).toEqual(['realm:ifr']);
    const byLocal = model({ ...m, ports: [port('top:1', ['top']), { ...port('top:2', ['top', 'ifr']), custody: [...port('top:2', ['top']).custody, { realm: 'ifr', localId: 'ifr:1', from: 1, via: 'window', started: true, closed: false }] }] });
    expect(marked(b.build(byLocal, { focus: { kind: 'port', id: 'ifr:1' }, selection: null }, 0), 'selected')).toEqual(['port:top:2']);
    const g = b.build(m, { focus: { kind: 'channel', id: 'top:c1' }, selection: null }, 0);
    expect(g.edges.filter((e) => e.selected).map((e) => e.id)).toEqual(['channel:top:c1']);
    expect(marked(g, 'selected')).toEqual([]);
  });
});

describe('buildGraph: stability and cost', () => {
  it('reuses the layout and the node objects when only messages or ports within capacity were added', () => {
    const b = createGraphBuilder();
    const g1 = b.build(base([msg({ fromPort: 'top:1', toPort: 'top:2' })]), NO_VIEW, 0);
    expect(b.stats.layouts).toBe(1);
    const m2 = base([msg({ fromPort: 'top:1', toPort: 'top:2' }), msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' })]);
    m2.ports.push(port('top:3', ['top']));
    const g2 = b.build(m2, NO_VIEW, 1000);
    expect(b.stats.layouts).toBe(1);
    expect(g2.topology).toBe(g1.topology);
    // The top's box has one chip more; everything else is the very same object.
    for (const id of ['realm:ifr', 'realm:w']) expect(node(g2, id)).toBe(node(g1, id));
    for (const id of ['top:1', 'top:2']) expect(portNode(g2, id).data).toBe(portNode(g1, id).data);
    expect(portNode(g2, 'top:3').parentId).toBe('realm:top');
    expect(edge(g2, 'frame:top->ifr')).toBe(edge(g1, 'frame:top->ifr'));
  });

  it('lays out again when a realm appears, keeping the others where they were', () => {
    const b = createGraphBuilder();
    const g1 = b.build(base(), NO_VIEW, 0);
    const m2 = base();
    m2.realms.push(realm('ifr2', { kind: 'iframe', parent: 'top' }));
    const g2 = b.build(m2, NO_VIEW, 0);
    expect(b.stats.layouts).toBe(2);
    expect(g2.topology).not.toBe(g1.topology);
    for (const id of ['realm:top', 'realm:ifr', 'realm:w']) expect(node(g2, id).position).toEqual(node(g1, id).position);
    b.relayout();
    b.build(m2, NO_VIEW, 0);
    expect(b.stats.layouts).toBe(3);
  });

  it('pulses an edge whose count grew since the last redraw, restarting on each growth, until PULSE_MS passes', () => {
    const b = createGraphBuilder();
    const one = [msg({ fromPort: 'top:1', toPort: 'top:2' })];
    const pulse = (g: GraphData) => classes(edge(g, 'channel:top:c1')).filter((c) => c.startsWith('pulse'));
    // What was there when the panel opened does not flash.
    expect(pulse(b.build(base(one), NO_VIEW, 0))).toEqual([]);
    const g2 = b.build(base([...one, msg({ fromPort: 'top:1', toPort: 'top:2' })]), NO_VIEW, 100);
    expect(pulse(g2)).toEqual(['pulse-a']);
    expect(g2.pulsing).toBe(true);
    const g3 = b.build(base([...one, msg({ fromPort: 'top:1' }), msg({ fromPort: 'top:1' })]), NO_VIEW, 200);
    expect(pulse(g3)).toEqual(['pulse-b']);
    // Same count, later: still pulsing until PULSE_MS after the last growth, then not.
    const m4 = base([...one, msg({ fromPort: 'top:1' }), msg({ fromPort: 'top:1' })]);
    expect(pulse(b.build(m4, NO_VIEW, 250))).toEqual(['pulse-b']);
    const g5 = b.build(m4, NO_VIEW, 200 + PULSE_MS);
    expect(pulse(g5)).toEqual([]);
    expect(g5.pulsing).toBe(false);
    // Route edges pulse too; an unchanged edge does not.
    const g6 = b.build(base([...one, msg({ fromPort: 'top:1' }), msg({ fromPort: 'top:1' }), msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' })]), NO_VIEW, 2000);
    expect(classes(edge(g6, 'route:window:top->ifr'))).toContain('pulse-a');
    expect(pulse(g6)).toEqual([]);
  });

  it('counts traffic once per model object', () => {
    const m = base([msg({ fromPort: 'top:1', toPort: 'top:2' })]);
    expect(trafficOf(m)).toBe(trafficOf(m));
    expect(Array.from(trafficOf(m).out)).toEqual([1, 0]);
  });
});

describe('a realm with more ports than its box shows', () => {
  it('draws the first PORTS_SHOWN - 1 ports, a "+N ports" chip, and bundles the channels to the rest', () => {
    // 30 channels in the top: 60 ports in one realm, more than its box shows.
    const events: LogRecord[] = [];
    let tSeq = 0;
    const topRec = (event: Record<string, unknown>): void => {
      tSeq++;
      events.push({ realm: 'top', tabId: 1, frameId: 0, parentFrameId: -1, event: { seq: tSeq, t: 1000 + tSeq, ...event } as LogRecord['event'] });
    };
    topRec({ type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: 1 });
    for (let c = 1; c <= 30; c++) topRec({ type: 'channelCreated', channel: `top:c${c}`, port1: `top:${2 * c - 1}`, port2: `top:${2 * c}` });
    const c = createCorrelator();
    c.append(events);
    const model = c.model();
    expect(model.ports).toHaveLength(60);
    const g = createGraphBuilder().build(model, { focus: null, selection: null }, 0);
    expect(allChips(g)).toHaveLength(PORTS_SHOWN - 1);
    expect(realmNode(g, 'top').data.more).toMatchObject({ hidden: 60 - (PORTS_SHOWN - 1) });
    // Channels with both ports drawn keep their own edge; the others are bundled to the chip.
    const channelEdges = g.edges.filter((e) => e.data?.kind === 'channel');
    const bundles = g.edges.filter((e) => e.data?.kind === 'bundle');
    const drawnPairs = Math.floor((PORTS_SHOWN - 1) / 2);
    expect(channelEdges).toHaveLength(drawnPairs);
    expect(bundles.reduce((n, e) => n + (e.data?.channels ?? 0), 0)).toBe(30 - drawnPairs);
    for (const e of bundles) expect([e.sourceHandle?.split('|')[0], e.targetHandle?.split('|')[0]]).toContain(MORE_CHIP);
    // A port that is not drawn, focused from elsewhere, selects the chip.
    const hidden = model.ports[model.ports.length - 1]!.id;
    const focused = createGraphBuilder().build(model, { focus: { kind: 'port', id: hidden }, selection: null }, 0);
    expect(realmNode(focused, 'top').data.more?.selected).toBe(true);
  });

  it("bundles another realm's channels to the \"+N\" chip as one edge from that realm's box, not one per chip", () => {
    const realm = realmModel;
    const held = heldPort;
    const ports: PortModel[] = [];
    const channels: CaptureModel['channels'] = [];
    // The top holds 60 ports (its first ones drawn), the frame 3, each entangled with a top port not drawn.
    for (let i = 1; i <= 60; i++) ports.push(held(`top:${i}`, 'top', i > 57 ? `ifr:${i - 57}` : `top:x${i}`, `top:c${i}`));
    for (let i = 1; i <= 3; i++) {
      ports.push(held(`ifr:${i}`, 'ifr', `top:${57 + i}`, `top:c${57 + i}`));
      channels.push({ id: `top:c${57 + i}`, createdIn: 'top', createdAt: 0, ports: [`top:${57 + i}`, `ifr:${i}`] });
    }
    const model = captureModel({ realms: [realm('top', { kind: 'top', parent: undefined, url: 'https://a.test/' }), realm('ifr')], ports, channels });
    const g = createGraphBuilder().build(model, { focus: null, selection: null }, 0);
    expect(allChips(g).filter((c) => c.port.startsWith('ifr:'))).toHaveLength(3);
    const toFrame = g.edges.filter((e) => e.data?.kind === 'bundle' && (e.source === 'realm:ifr' || e.target === 'realm:ifr'));
    expect(toFrame).toHaveLength(1);
    expect(toFrame[0]?.data?.channels).toBe(3);
    const handles = [toFrame[0]?.sourceHandle, toFrame[0]?.targetHandle];
    // The top's end is its "+N" chip; the frame's is its box (a handle of no chip).
    expect(handles.some((h) => h?.startsWith(`${MORE_CHIP}|`))).toBe(true);
    expect(handles.some((h) => h === 'l' || h === 'r')).toBe(true);
  });
});
