/**
 * Frame churn (issue 14, item 4): gone realms fold into one "N gone realms" node, and a realm that
 * comes and goes costs no layout of the whole history.
 */
import dagre from '@dagrejs/dagre';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaptureModel, MessageModel, PortModel, RealmModel } from '../../model/correlator';
import { captureModel } from '../modelFixture';
import { GONE_EXPANDED, GONE_REALM, GONE_SHOWN, MORE_CHIP, createGraphBuilder, realmNodeId, type GraphData, type GraphInput } from './buildGraph';

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

/** The top, `gone` ad frames that came and went (each posted one message to the top), `live` still there. */
function churned(gone: number, live = 2, extra: Partial<CaptureModel> = {}): CaptureModel {
  const realms = [top];
  const messages: MessageModel[] = [];
  for (let i = 0; i < gone + live; i++) {
    realms.push(realm(`f${i}`, i < gone ? { goneAt: 1000 + i } : {}));
    messages.push({ id: `f${i}#2`, route: 'window', status: 'delivered', ambiguous: false, transfers: [], fromRealm: `f${i}`, toRealm: 'top', sentAt: 900 + i });
  }
  return captureModel({ realms, messages, ...extra });
}

const realmNodes = (g: GraphData) => g.nodes.filter((n) => !n.data.folded);
const foldedNode = (g: GraphData) => g.nodes.find((n) => n.data.folded);

afterEach(() => vi.restoreAllMocks());

describe('gone realms', () => {
  it('are folded into one "N gone realms" node but for the newest GONE_SHOWN', () => {
    const g = createGraphBuilder().build(churned(50), NO_VIEW, 0);
    const folded = foldedNode(g);
    expect(folded?.id).toBe(realmNodeId(GONE_REALM));
    expect(folded?.ariaLabel).toBe(`${50 - GONE_SHOWN} gone realms`);
    expect(folded?.data.folded).toEqual({ count: 50 - GONE_SHOWN, shown: GONE_SHOWN, expanded: false });
    // top, the two live frames, the newest gone ones (they went last).
    expect(realmNodes(g).map((n) => n.data.realm)).toEqual(['top', 'f47', 'f48', 'f49', 'f50', 'f51']);
    expect(realmNodes(g).find((n) => n.data.realm === 'f49')?.ariaLabel).toBe('iframe #50 realm about:srcdoc, gone');
  });

  it('are not folded while there are no more than GONE_SHOWN', () => {
    const g = createGraphBuilder().build(churned(GONE_SHOWN), NO_VIEW, 0);
    expect(foldedNode(g)).toBeUndefined();
    expect(realmNodes(g)).toHaveLength(1 + GONE_SHOWN + 2);
  });

  it('draws the newest GONE_EXPANDED when expanded, and a focused or selected gone realm whatever its age', () => {
    const b = createGraphBuilder();
    const expanded = b.build(churned(100), { ...NO_VIEW, goneExpanded: true }, 0);
    expect(foldedNode(expanded)?.data.folded).toEqual({ count: 100 - GONE_EXPANDED, shown: GONE_EXPANDED, expanded: true });
    expect(realmNodes(expanded)).toHaveLength(1 + GONE_EXPANDED + 2);
    const focused = b.build(churned(100), { focus: { kind: 'realm', id: 'f3' }, selection: null }, 0);
    expect(realmNodes(focused).map((n) => n.data.realm)).toContain('f3');
    expect(foldedNode(focused)?.data.folded?.count).toBe(100 - GONE_SHOWN - 1);
    const m = churned(100);
    const selected = b.build(m, { focus: null, selection: { kind: 'message', id: 'f7#2' } }, 0);
    expect(realmNodes(selected).map((n) => n.data.realm)).toContain('f7');
  });

  it('adds up the folded realms\' edges: one frame edge and one window edge to the top, with the sum', () => {
    const g = createGraphBuilder().build(churned(40), NO_VIEW, 0);
    const fromFold = g.edges.filter((e) => e.source === realmNodeId(GONE_REALM) || e.target === realmNodeId(GONE_REALM));
    expect(fromFold.map((e) => e.id).sort()).toEqual(['frame:top->(gone)', 'route:window:(gone)->top']);
    expect(fromFold.find((e) => e.data?.kind === 'route')?.data?.fwd).toBe(40 - GONE_SHOWN);
  });

  it("draws a folded realm's channels as bundles to the folded node", () => {
    const port = (id: string, realm: string, partner: string): PortModel => ({
      id,
      custody: [{ realm, from: 0, via: 'created', started: true, closed: false }],
      started: true,
      closed: false,
      channel: 'top:c1',
      entangledWith: partner,
    });
    const g = createGraphBuilder().build(
      churned(10, 0, { channels: [{ id: 'top:c1', createdIn: 'top', createdAt: 0, ports: ['top:1', 'f0:1'] }], ports: [port('top:1', 'top', 'f0:1'), port('f0:1', 'f0', 'top:1')] }),
      NO_VIEW,
      0,
    );
    const bundle = g.edges.find((e) => e.data?.kind === 'bundle');
    expect(bundle?.source === realmNodeId(GONE_REALM) || bundle?.target === realmNodeId(GONE_REALM)).toBe(true);
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
    expect(foldedNode(g)?.ariaLabel).toBe(`${400 - GONE_SHOWN} gone realms`);
  });
});
