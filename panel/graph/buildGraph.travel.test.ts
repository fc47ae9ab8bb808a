/**
 * Which drawn edge a message travels along in playback (`GraphData.routeOf`): its channel's edge in the
 * right direction, a realm route edge, one per delivery of a broadcast, and the bundle or folded node's
 * edge when its end is not drawn on its own.
 */
import { describe, expect, it } from 'vitest';
import type { CaptureModel, MessageModel, PortModel } from '../../model/correlator';
import { captureModel, heldPort, realmModel } from '../modelFixture';
import { GONE_REALM, PORTS_SHOWN, createGraphBuilder, type GraphData, type GraphInput } from './buildGraph';

const realm = realmModel;
const top = realm('top', { kind: 'top', parent: undefined, url: 'https://a.test/' });
const held = heldPort;
let seq = 0;
const msg = (extra: Partial<MessageModel>): MessageModel => ({ id: `m#${++seq}`, route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...extra });
const NO_VIEW: GraphInput = { focus: null, selection: null };
const build = (m: CaptureModel): GraphData => createGraphBuilder().build(m, NO_VIEW, 0);
const edgeIds = (g: GraphData): Set<string> => new Set(g.edges.map((e) => e.id));

/** top ⇄ ifr over channel top:c1 (top:1 in the top, ifr:1 in the frame), plus a second frame. */
function twoFrames(messages: MessageModel[] = []): CaptureModel {
  return captureModel({
    realms: [top, realm('ifr'), realm('other')],
    channels: [{ id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'ifr:1'] }],
    ports: [held('top:1', 'top', 'ifr:1', 'top:c1'), held('ifr:1', 'ifr', 'top:1', 'top:c1')],
    messages,
  });
}

describe('routeOf: the edge a message travels along', () => {
  it('a port message: its channel edge, from the sending port (reversed when sent from the target end)', () => {
    const g = build(twoFrames());
    const edge = g.edges.find((e) => e.id === 'channel:top:c1')!;
    expect(edge.source).toBe('realm:top');
    // The frame as its box names it.
    const frame = g.nodes.find((n) => n.id === 'realm:ifr')!.data;
    const ifr = `${frame.prefix ?? frame.kind} ${frame.label}`;
    expect(ifr).toMatch(/^iframe .*ifr\.test/);
    expect(g.routeOf(msg({ fromPort: 'top:1', toPort: 'ifr:1' }))).toEqual([{ edge: 'channel:top:c1', reverse: false, from: 'top', to: ifr }]);
    expect(g.routeOf(msg({ fromPort: 'ifr:1', toPort: 'top:1' }))).toEqual([{ edge: 'channel:top:c1', reverse: true, from: ifr, to: 'top' }]);
    // The sender unknown: towards the receiving port.
    expect(g.routeOf(msg({ toPort: 'top:1' }))).toEqual([{ edge: 'channel:top:c1', reverse: true, from: ifr, to: 'top' }]);
    // A port the graph does not draw: nowhere.
    expect(g.routeOf(msg({ fromPort: 'nope:1' }))).toEqual([]);
  });

  it('a window message: the route edge between its realms; a broadcast: one per realm it reached', () => {
    const m = [
      msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' }),
      msg({ route: 'broadcast', fromRealm: 'top', deliveries: [{ toRealm: 'ifr', receivedAt: 1 }, { toRealm: 'other', receivedAt: 1 }] as MessageModel['deliveries'] }),
    ];
    const g = build(twoFrames(m));
    expect(g.routeOf(m[0]!).map((r) => r.edge)).toEqual(['route:window:top->ifr']);
    expect(g.routeOf(m[1]!).map((r) => r.edge)).toEqual(['route:broadcast:top->ifr', 'route:broadcast:top->other']);
    for (const r of [...g.routeOf(m[0]!), ...g.routeOf(m[1]!)]) expect(edgeIds(g).has(r.edge)).toBe(true);
    // No sender, or a route the graph has no edge for (no message counted on it): nowhere.
    expect(g.routeOf(msg({ route: 'window', toRealm: 'top' }))).toEqual([]);
    expect(g.routeOf(msg({ route: 'worker', fromRealm: 'top', toRealm: 'ifr' }))).toEqual([]);
  });

  it('routes made once per graph: messages on one path share them, and each path keeps its own', () => {
    const g = build(twoFrames([msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' })]));
    const a = g.routeOf(msg({ fromPort: 'top:1', toPort: 'ifr:1' }));
    expect(g.routeOf(msg({ fromPort: 'top:1', toPort: 'ifr:1' }))).toBe(a);
    // The same sending port, the receiver unknown: the same route, asked by other keys.
    expect(g.routeOf(msg({ fromPort: 'top:1' }))).toEqual(a);
    const back = g.routeOf(msg({ toPort: 'top:1' }));
    expect(back).not.toBe(a);
    expect(back[0]?.reverse).toBe(true);
    const w = g.routeOf(msg({ route: 'window', fromRealm: 'top', toRealm: 'ifr' }));
    expect(g.routeOf(msg({ route: 'window', fromRealm: 'top', deliveries: [{ toRealm: 'ifr', receivedAt: 1 }] as MessageModel['deliveries'] }))).toBe(w);
    expect(g.routeOf(msg({ route: 'window', fromRealm: 'ifr', toRealm: 'top' }))).not.toBe(w);
  });

  it('a port drawn in its realm\'s "+N ports" chip: along the bundle edge', () => {
    const ports: PortModel[] = [];
    const channels: CaptureModel['channels'] = [];
    for (let i = 1; i <= PORTS_SHOWN + 10; i++) {
      ports.push(held(`top:${i}`, 'top', `ifr:${i}`, `top:c${i}`), held(`ifr:${i}`, 'ifr', `top:${i}`, `top:c${i}`));
      channels.push({ id: `top:c${i}`, createdIn: 'top', createdAt: 0, ports: [`top:${i}`, `ifr:${i}`] });
    }
    const g = build(captureModel({ realms: [top, realm('ifr')], ports, channels }));
    const last = PORTS_SHOWN + 10;
    const [there] = g.routeOf(msg({ fromPort: `top:${last}`, toPort: `ifr:${last}` }));
    const [back] = g.routeOf(msg({ fromPort: `ifr:${last}`, toPort: `top:${last}` }));
    expect(there?.edge).toMatch(/^bundle:/);
    expect(edgeIds(g).has(there!.edge)).toBe(true);
    expect(back?.edge).toBe(there?.edge);
    expect(back?.reverse).toBe(!there?.reverse);
    expect(there?.from).toBe('top');
    expect(there?.to).toMatch(/^iframe ifr\.test/);
  });

  it('a realm folded into "N gone realms": along the folded node\'s edge', () => {
    const realms = [top];
    const messages: MessageModel[] = [];
    for (let i = 0; i < 10; i++) {
      realms.push(realm(`f${i}`, { goneAt: 1000 + i }));
      messages.push(msg({ route: 'window', fromRealm: `f${i}`, toRealm: 'top' }));
    }
    const g = build(captureModel({ realms, messages }));
    const [r] = g.routeOf(messages[0]!);
    expect(r?.edge).toBe(`route:window:${GONE_REALM}->top`);
    expect(edgeIds(g).has(r!.edge)).toBe(true);
    expect(r?.from).toMatch(/gone realms$/);
  });
});
