import { describe, expect, it } from 'vitest';
import { captureModel, heldPort, realmModel } from '../modelFixture';
import type { CaptureModel, PortModel } from '../../model/correlator';
import { createGraphBuilder, type GraphData } from './buildGraph';
import { boxHandles } from './handles';
import { PORT_H, PORT_W } from './layout';

describe('boxHandles: where a box and its chips are attached', () => {
  it("puts the box's own handles inside its border, and each chip's inside the chip's, at half height", () => {
    const handles = boxHandles(300, 100, [{ port: 'top:1', x: 10, y: 30 }], { x: 150, y: 30 });
    const at = (id: string) => handles.find((h) => h.id === id);
    expect(at('l')).toMatchObject({ x: 1, y: 50, position: 'left', type: 'source' });
    expect(at('r')).toMatchObject({ x: 300 - 2, y: 50, position: 'right' });
    // Chip at (10, 30) in the box's padding box: its own padding box starts 1 + 10 + 1 from the node's edge.
    expect(at('top:1|l')).toMatchObject({ x: 12, y: 32 + (PORT_H - 2) / 2 });
    expect(at('top:1|r')).toMatchObject({ x: 12 + PORT_W - 2 - 1, y: 32 + (PORT_H - 2) / 2 });
    expect(at('+more|l')).toMatchObject({ x: 152 });
    expect(handles).toHaveLength(6);
  });
});

/** Every edge ends at a handle its node carries (React Flow does not draw an edge to a handle it lacks). */
function looseEnds(g: GraphData): string[] {
  const handles = new Map(g.nodes.map((n) => [n.id, new Set((n.handles ?? []).map((h) => h.id))]));
  return g.edges.flatMap((e) => [
    ...(handles.get(e.source)?.has(e.sourceHandle ?? '') ? [] : [`${e.id} source ${e.sourceHandle}`]),
    ...(handles.get(e.target)?.has(e.targetHandle ?? '') ? [] : [`${e.id} target ${e.targetHandle}`]),
  ]);
}

describe('buildGraph: nodes carry their handles', () => {
  const realm = realmModel;
  const model = (n: number): CaptureModel => {
    // The top holds n ports, entangled with ports in a frame: past PORTS_SHOWN, a "+N" chip and bundles.
    const ports: PortModel[] = [];
    const channels: CaptureModel['channels'] = [];
    for (let i = 1; i <= n; i++) {
      ports.push(heldPort(`top:${i}`, 'top', `ifr:${i}`, `top:c${i}`), heldPort(`ifr:${i}`, 'ifr', `top:${i}`, `top:c${i}`));
      channels.push({ id: `top:c${i}`, createdIn: 'top', createdAt: 0, ports: [`top:${i}`, `ifr:${i}`] });
    }
    return captureModel({ realms: [realm('top', { kind: 'top', parent: undefined, url: 'https://a.test/' }), realm('ifr')], ports, channels });
  };

  it('every edge ends at a handle of its node, as chips come and the "+N" chip appears', () => {
    const builder = createGraphBuilder();
    for (const n of [1, 5, 30, 60, 2]) {
      const g = builder.build(model(n), { focus: null, selection: null }, 0);
      expect(g.edges.length).toBeGreaterThan(0);
      expect(looseEnds(g), `${n} channels`).toEqual([]);
    }
  });

  it('the "N gone realms" node carries the "+N" handles its bundles end at, as it changes', () => {
    // 30 gone frames, each holding one end of a channel to the top: most fold into the gone node,
    // their channels drawn as bundles to it.
    const goneFrames = (n: number): CaptureModel => {
      const ports: PortModel[] = [];
      const channels: CaptureModel['channels'] = [];
      const realms = [realm('top', { kind: 'top', parent: undefined, url: 'https://a.test/' })];
      for (let i = 0; i < n; i++) {
        realms.push(realm(`f${i}`, { goneAt: 1000 + i }));
        ports.push(heldPort(`top:${i}`, 'top', `f${i}:1`, `top:c${i}`), heldPort(`f${i}:1`, `f${i}`, `top:${i}`, `top:c${i}`));
        channels.push({ id: `top:c${i}`, createdIn: 'top', createdAt: 0, ports: [`top:${i}`, `f${i}:1`] });
      }
      return captureModel({ realms, ports, channels });
    };
    const builder = createGraphBuilder();
    for (const n of [30, 31, 40]) {
      const g = builder.build(goneFrames(n), { focus: null, selection: null }, 0);
      const fold = g.nodes.find((x) => x.data.folded);
      expect(fold, `${n} gone`).toBeDefined();
      expect(g.edges.some((e) => e.source === fold!.id || e.target === fold!.id)).toBe(true);
      expect(looseEnds(g), `${n} gone`).toEqual([]);
    }
  });

  it('a node that did not change keeps its handles (the same node object)', () => {
    const builder = createGraphBuilder();
    const a = builder.build(model(3), { focus: null, selection: null }, 0);
    const b = builder.build(model(3), { focus: null, selection: null }, 0);
    expect(b.nodes.find((x) => x.id === 'realm:top')?.handles).toBe(a.nodes.find((x) => x.id === 'realm:top')?.handles);
  });
});
