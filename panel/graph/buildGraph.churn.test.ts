/**
 * Frame churn (issue 14, item 4): gone realms fold into one "N gone realms" node, a parent's many quiet
 * live frames into one "N iframes" node, and a realm that comes and goes costs no layout of the whole
 * history.
 */
import dagre from '@dagrejs/dagre';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaptureModel, MessageModel, PortModel, RealmModel } from '../../model/correlator';
import { captureModel } from '../modelFixture';
import { CROWD_AT, GONE_EXPANDED, GONE_REALM, GONE_SHOWN, MORE_CHIP, createGraphBuilder, crowdId, realmNodeId, type GraphData, type GraphInput } from './buildGraph';

const realm = (id: string, extra: Partial<RealmModel> = {}): RealmModel => ({
  id,
  kind: 'iframe',
  parent: 'top',
  url: 'about:srcdoc',
  instrumented: true,
  events: 2,
  gaps: 0,
  missing: 0,
  faults: 0,
  ...extra,
});
const top = realm('top', { kind: 'top', url: 'https://a.test/', parent: undefined });
const NO_VIEW: GraphInput = { focus: null, selection: null };

/** A port `id` created in `realm` (a channel's end). */
const port = (id: string, realm: string, partner: string, channel = 'top:c1'): PortModel => ({
  id,
  custody: [{ realm, from: 0, via: 'created', started: true, closed: false }],
  started: true,
  closed: false,
  channel,
  entangledWith: partner,
});

/** The top, `gone` ad frames that came and went (each posted one message to the top), `live` still
 *  there; `first` numbers the first of them. The frames hold no port: they are quiet. */
function churned(gone: number, live = 2, extra: Partial<CaptureModel> = {}, first = 0): CaptureModel {
  const realms = [top];
  const messages: MessageModel[] = [];
  for (let i = first; i < first + gone + live; i++) {
    realms.push(realm(`f${i}`, i < first + gone ? { goneAt: 1000 + i } : {}));
    messages.push({ id: `f${i}#2`, route: 'window', status: 'delivered', ambiguous: false, transfers: [], fromRealm: `f${i}`, toRealm: 'top', sentAt: 900 + i });
  }
  return captureModel({ realms, messages, ...extra });
}

/** `churned`, where every tenth frame held one end of a channel to the top (so it is not quiet). */
function churnedWithPorts(gone: number, live = 2): CaptureModel {
  const m = churned(gone, live);
  const ports: PortModel[] = [];
  const channels: CaptureModel['channels'] = [];
  for (let i = 0; i < gone + live; i += 10) {
    channels.push({ id: `top:c${i}`, createdIn: 'top', createdAt: 0, ports: [`top:${i}`, `f${i}:1`] });
    ports.push(port(`top:${i}`, 'top', `f${i}:1`, `top:c${i}`), port(`f${i}:1`, `f${i}`, `top:${i}`, `top:c${i}`));
  }
  return { ...m, ports, channels };
}

const realmNodes = (g: GraphData) => g.nodes.filter((n) => !n.data.folded && !n.data.crowd);
const foldedNode = (g: GraphData) => g.nodes.find((n) => n.data.folded);
const crowdNodes = (g: GraphData) => g.nodes.filter((n) => n.data.crowd);

afterEach(() => vi.restoreAllMocks());

describe('gone realms', () => {
  it('are folded into one "N gone realms" node but for the newest GONE_SHOWN that held ports', () => {
    const g = createGraphBuilder().build(churnedWithPorts(50), NO_VIEW, 0);
    const folded = foldedNode(g);
    expect(folded?.id).toBe(realmNodeId(GONE_REALM));
    expect(folded?.ariaLabel).toBe(`${50 - GONE_SHOWN} gone realms`);
    expect(folded?.data.folded).toEqual({ count: 50 - GONE_SHOWN, shown: GONE_SHOWN, expanded: false });
    // top, the newest gone frames that held a port (quiet ones are not drawn one by one), the two live frames.
    expect(realmNodes(g).map((n) => n.data.realm)).toEqual(['top', 'f20', 'f30', 'f40', 'f50', 'f51']);
    expect(realmNodes(g).find((n) => n.data.realm === 'f40')?.ariaLabel).toBe('iframe #41 realm about:srcdoc, gone');
  });

  it('folds every gone quiet frame: the newest ones do not come and go one by one', () => {
    const g = createGraphBuilder().build(churned(50), NO_VIEW, 0);
    expect(foldedNode(g)?.data.folded).toEqual({ count: 50, shown: 0, expanded: false });
    expect(realmNodes(g).map((n) => n.data.realm)).toEqual(['top', 'f50', 'f51']);
  });

  it('are not folded while there are no more than GONE_SHOWN', () => {
    const g = createGraphBuilder().build(churned(GONE_SHOWN), NO_VIEW, 0);
    expect(foldedNode(g)).toBeUndefined();
    expect(realmNodes(g)).toHaveLength(1 + GONE_SHOWN + 2);
  });

  it('draws the newest GONE_EXPANDED of any kind when expanded, and a focused or selected gone realm whatever its age', () => {
    const b = createGraphBuilder();
    const expanded = b.build(churned(100), { ...NO_VIEW, goneExpanded: true }, 0);
    expect(foldedNode(expanded)?.data.folded).toEqual({ count: 100 - GONE_EXPANDED, shown: GONE_EXPANDED, expanded: true });
    expect(realmNodes(expanded)).toHaveLength(1 + GONE_EXPANDED + 2);
    const focused = b.build(churned(100), { focus: { kind: 'realm', id: 'f3' }, selection: null }, 0);
    expect(realmNodes(focused).map((n) => n.data.realm)).toContain('f3');
    expect(foldedNode(focused)?.data.folded?.count).toBe(100 - 1);
    const m = churned(100);
    const selected = b.build(m, { focus: null, selection: { kind: 'message', id: 'f7#2' } }, 0);
    expect(realmNodes(selected).map((n) => n.data.realm)).toContain('f7');
  });

  it("adds up the folded realms' edges: one frame edge and one window edge to the top, with the sum", () => {
    const g = createGraphBuilder().build(churned(40), NO_VIEW, 0);
    const fromFold = g.edges.filter((e) => e.source === realmNodeId(GONE_REALM) || e.target === realmNodeId(GONE_REALM));
    expect(fromFold.map((e) => e.id).sort()).toEqual(['frame:top->(gone)', 'route:window:(gone)->top']);
    expect(fromFold.find((e) => e.data?.kind === 'route')?.data?.fwd).toBe(40);
  });

  it("draws a folded realm's channels as bundles to the folded node", () => {
    const g = createGraphBuilder().build(churnedWithPorts(40, 0), NO_VIEW, 0);
    expect(foldedNode(g)?.data.folded?.count).toBe(40 - GONE_SHOWN);
    // f0 held a port, and is older than the GONE_SHOWN newest that did: folded, its channel a bundle.
    const bundle = g.edges.find((e) => e.id.startsWith('bundle:') && (e.source === realmNodeId(GONE_REALM) || e.target === realmNodeId(GONE_REALM)));
    expect(bundle?.data?.kind).toBe('bundle');
    expect([bundle?.sourceHandle, bundle?.targetHandle].some((h) => h?.startsWith(`${MORE_CHIP}|`))).toBe(true);
  });

  it('are drawn in bounded number however many came and went, and a new one costs no dagre layout', () => {
    const b = createGraphBuilder();
    const spy = vi.spyOn(dagre, 'layout');
    let g = b.build(churned(0, 1), NO_VIEW, 0);
    expect(spy).toHaveBeenCalledTimes(1);
    for (let n = 1; n <= 400; n++) {
      g = b.build(churned(n, 1), NO_VIEW, 0);
      expect(g.nodes.length).toBeLessThanOrEqual(1 + GONE_SHOWN + 1 + 1 + 1);
    }
    expect(spy).toHaveBeenCalledTimes(1);
    expect(foldedNode(g)?.ariaLabel).toBe('400 gone realms');
    // 400 builds: seconds on a loaded machine (no timing is asserted here).
  }, 60_000);
});

describe('quiet live frames', () => {
  it(`are drawn one by one up to CROWD_AT (${CROWD_AT}) per parent`, () => {
    const g = createGraphBuilder().build(churned(0, CROWD_AT), NO_VIEW, 0);
    expect(crowdNodes(g)).toEqual([]);
    expect(realmNodes(g)).toHaveLength(1 + CROWD_AT);
  });

  it('beyond that are one "N iframes" node, with the frame edge and the sum of their window messages', () => {
    const g = createGraphBuilder().build(churned(0, 20), NO_VIEW, 0);
    expect(realmNodes(g).map((n) => n.data.realm)).toEqual(['top']);
    const [crowd] = crowdNodes(g);
    expect(crowd?.id).toBe(realmNodeId(crowdId('top')));
    expect(crowd?.ariaLabel).toBe('20 iframes of top');
    expect(crowd?.data.title).toContain('20 about:srcdoc');
    const edges = g.edges.filter((e) => e.source === crowd?.id || e.target === crowd?.id);
    expect(edges.map((e) => e.id).sort()).toEqual([`frame:top->${crowdId('top')}`, `route:window:${crowdId('top')}->top`]);
    expect(edges.find((e) => e.data?.kind === 'route')?.data?.fwd).toBe(20);
  });

  it('leave out a frame that holds a port, has a frame of its own, or is focused or selected', () => {
    const m = churned(0, 20);
    const withPort = { ...m, channels: [{ id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'f3:1'] as [string, string] }], ports: [port('top:1', 'top', 'f3:1'), port('f3:1', 'f3', 'top:1')] };
    const withChild = { ...withPort, realms: [...m.realms, realm('g1', { parent: 'f4' })] };
    const b = createGraphBuilder();
    const g = b.build(withChild, { focus: { kind: 'realm', id: 'f5' }, selection: { kind: 'message', id: 'f6#2' } }, 0);
    expect(realmNodes(g).map((n) => n.data.realm).sort()).toEqual(['f3', 'f4', 'f5', 'f6', 'g1', 'top']);
    expect(crowdNodes(g).map((n) => n.ariaLabel)).toEqual(['16 iframes of top']);
  });

  it('stay a crowd down to CROWD_AT / 2, so the graph does not change shape at the threshold', () => {
    const b = createGraphBuilder();
    const counts = [CROWD_AT, CROWD_AT + 1, CROWD_AT, CROWD_AT / 2 + 1, CROWD_AT / 2, CROWD_AT, CROWD_AT + 1];
    const crowded = counts.map((live) => crowdNodes(b.build(churned(0, live), NO_VIEW, 0)).length);
    expect(crowded).toEqual([0, 1, 1, 1, 0, 0, 1]);
  });

  it('come and go without a dagre layout or a node that comes or goes', () => {
    const b = createGraphBuilder();
    // Twenty live frames at any time, one replaced by a new one per build.
    b.build(churned(0, 20), NO_VIEW, 0);
    const spy = vi.spyOn(dagre, 'layout');
    let ids = '';
    for (let n = 1; n <= 100; n++) {
      const g = b.build(churned(0, 20, {}, n), NO_VIEW, 0);
      const now = g.nodes.map((x) => x.id).join(' ');
      if (ids !== '') expect(now).toBe(ids);
      ids = now;
    }
    expect(spy).not.toHaveBeenCalled();
  });
});
