/**
 * The graph shows what the correlator now says: broadcasts counted per delivery, no edge from a realm
 * that did not send, popups and service workers as realms of their own. Hand-made models only (types
 * from the model, no correlator at run time).
 */
import { describe, expect, it } from 'vitest';
import type { CaptureModel, DeliveryModel, MessageModel, RealmModel } from '../../model/correlator';
import { createGraphBuilder, edgeTitle, type GraphData, type GraphEdge, type GraphInput, type RealmNode } from './buildGraph';
import { captureModel } from '../modelFixture';

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

let seq = 0;
const msg = (extra: Partial<MessageModel>): MessageModel => ({ id: `m#${++seq}`, route: 'port', status: 'delivered', ambiguous: false, transfers: [], ...extra });

const model = captureModel;

/** top with an iframe and a worker. */
function base(messages: MessageModel[]): CaptureModel {
  return model({
    realms: [realm('top'), realm('ifr', { kind: 'iframe', parent: 'top' }), realm('w', { kind: 'worker', parent: 'top', instrumented: false })],
    messages,
  });
}

const NO_VIEW: GraphInput = { focus: null, selection: null };
const realmNode = (g: GraphData, id: string): RealmNode => {
  const n = g.nodes.find((x) => x.id === `realm:${id}`);
  if (!n) throw new Error(`no realm ${id}`);
  return n;
};
const edge = (g: GraphData, id: string): GraphEdge => {
  const e = g.edges.find((x) => x.id === id);
  if (!e) throw new Error(`no edge ${id}; have ${g.edges.map((x) => x.id).join(', ')}`);
  return e;
};
const highlighted = (g: GraphData): string[] => g.nodes.filter((n) => (n.className ?? '').split(' ').includes('hl')).map((n) => n.id);

describe('buildGraph: unknown senders, broadcast deliveries, popups and service workers', () => {
  const delivery = (toRealm: string, i: number): DeliveryModel => ({ toRealm, bc: `${toRealm}:b1`, receivedAt: 10 + i, latency: 1, receipt: { realm: toRealm, seq: i + 2, index: i } });

  it('counts a broadcast on the edge to each realm that received it, once per delivery', () => {
    const m = base([
      msg({ route: 'broadcast', fromRealm: 'top', channelName: 'news', deliveries: [delivery('ifr', 0), delivery('w', 1)] }),
      msg({ route: 'broadcast', fromRealm: 'top', toRealm: 'ifr', channelName: 'news', deliveries: [delivery('ifr', 2)] }),
    ]);
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(edge(g, 'route:broadcast:top->ifr').data?.label).toBe('broadcast ×2');
    expect(edge(g, 'route:broadcast:top->w').data?.label).toBe('broadcast ×1');
  });

  it('draws no edge from a realm that did not send: a message with an unknown sender is left out', () => {
    const m = base([
      msg({ route: 'window', toRealm: 'top', senderUnknown: 'sourceOutsideTab' }),
      msg({ route: 'broadcast', senderUnknown: 'broadcastUnmatched', deliveries: [delivery('ifr', 0)] }),
    ]);
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(g.edges.filter((e) => e.data?.kind === 'route')).toEqual([]);
  });

  it('highlights every realm a selected broadcast was delivered to', () => {
    const b = msg({ route: 'broadcast', fromRealm: 'ifr', channelName: 'news', deliveries: [delivery('top', 0), delivery('w', 1)] });
    const g = createGraphBuilder().build(base([b]), { focus: null, selection: { kind: 'message', id: b.id } }, 0);
    expect(highlighted(g).sort()).toEqual(['realm:ifr', 'realm:top', 'realm:w']);
  });

  it('draws popups and service workers as realms of their own kind, linked to their opener', () => {
    const m = model({
      realms: [
        realm('top'),
        realm('pop', { kind: 'popup', parent: 'top', url: 'https://pay.test/checkout' }),
        realm('top:s1', { kind: 'serviceworker', parent: 'top', instrumented: false, url: 'https://a.test/sw.js' }),
      ],
    });
    const g = createGraphBuilder().build(m, NO_VIEW, 0);
    expect(realmNode(g, 'pop').data).toMatchObject({ kind: 'popup', label: 'pay.test/checkout' });
    expect(realmNode(g, 'pop').data.title).toContain('opened by top (top)');
    expect(realmNode(g, 'top:s1').data).toMatchObject({ kind: 'service worker', instrumented: false, label: 'sw.js' });
    expect(edge(g, 'owner:top->pop').data?.label).toBe('popup');
    expect(edgeTitle(edge(g, 'owner:top->pop'))).toBe('popup pop, opened by top');
    expect(edgeTitle(edge(g, 'owner:top->top:s1'))).toBe('service worker top:s1, known to top');
  });
});
