import { describe, expect, it, vi } from 'vitest';
import type { RoutedBatchText } from '../model/relay';
import { DepartedStore, type SessionArea } from './departed';

class FakeArea implements SessionArea {
  data = new Map<string, unknown>();
  get(): Promise<Record<string, unknown>> {
    return Promise.resolve(Object.fromEntries(structuredClone([...this.data])));
  }
  set(items: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
    return Promise.resolve();
  }
  remove(keys: string[]): Promise<void> {
    for (const k of keys) this.data.delete(k);
    return Promise.resolve();
  }
}

const batch = (realm: string, first: number, last: number, tabId = 7, chars = 10): RoutedBatchText => ({ tabId, frameId: 3, realm, first, last, json: 'x'.repeat(chars) });
const spans = (bs: RoutedBatchText[]) => bs.map((b) => `${b.realm}:${b.first}-${b.last}${b.json === '' ? ` gap ${b.dropped?.reason}` : ''}`);

describe('DepartedStore', () => {
  it('gives a later panel what it does not have, in arrival order, only of its session’s tabs', () => {
    const d = new DepartedStore(new FakeArea(), 100, 1_000);
    d.add(7, batch('A', 1, 5));
    d.add(7, batch('B', 1, 2, 9));
    d.add(7, batch('A', 6, 8));
    expect(spans(d.batchesFor(7, new Set([7, 9]), {}))).toEqual(['A:1-5', 'B:1-2', 'A:6-8']);
    expect(spans(d.batchesFor(7, new Set([7, 9]), { A: 5 }))).toEqual(['B:1-2', 'A:6-8']);
    expect(spans(d.batchesFor(7, new Set([7]), {}))).toEqual(['A:1-5', 'A:6-8']);
    expect(d.batchesFor(8, new Set([8]), {})).toEqual([]);
  });

  it('drops the oldest beyond its bound and hands the dropped range out as a gap', () => {
    const d = new DepartedStore(new FakeArea(), 10, 1_000);
    d.add(7, batch('A', 1, 6));
    d.add(7, batch('B', 1, 3));
    d.add(7, batch('A', 7, 10));
    expect(d.held(7)).toEqual({ events: 7, chars: 20 });
    expect(spans(d.batchesFor(7, new Set([7]), {}))).toEqual(['A:1-6 gap relayBufferFull', 'B:1-3', 'A:7-10']);
    expect(d.batchesFor(7, new Set([7]), {})[0]!.dropped).toEqual({ from: 1, to: 6, reason: 'relayBufferFull' });
    // A panel that has the dropped range already gets no gap for it.
    expect(spans(d.batchesFor(7, new Set([7]), { A: 6 }))).toEqual(['B:1-3', 'A:7-10']);
  });

  it('bounds by characters too, even a single batch over the bound', () => {
    const d = new DepartedStore(new FakeArea(), 100, 50);
    d.add(7, batch('A', 1, 2, 7, 60));
    expect(spans(d.batchesFor(7, new Set([7]), {}))).toEqual(['A:1-2 gap relayBufferFull']);
    expect(d.held(7)).toEqual({ events: 0, chars: 0 });
  });

  it('survives a restart of the worker (rebuilt from storage), and forgets a closed tab', async () => {
    const area = new FakeArea();
    const d = new DepartedStore(area, 10, 1_000);
    d.add(7, batch('A', 1, 6));
    d.add(7, batch('B', 1, 3));
    d.add(7, batch('A', 7, 10));
    d.add(8, batch('C', 1, 1, 8));
    await d.flushed();
    const again = new DepartedStore(area, 10, 1_000);
    await again.load();
    expect(spans(again.batchesFor(7, new Set([7]), {}))).toEqual(['A:1-6 gap relayBufferFull', 'B:1-3', 'A:7-10']);
    again.add(7, batch('B', 4, 4));
    expect(spans(again.batchesFor(7, new Set([7]), {})).slice(-1)).toEqual(['B:4-4']);
    again.forget(7);
    await again.flushed();
    expect([...area.data.keys()].every((k) => k.startsWith('departed:8:'))).toBe(true);
    expect(again.batchesFor(7, new Set([7]), {})).toEqual([]);
  });

  it('reports a failed write and goes on', async () => {
    const area = new FakeArea();
    area.set = () => Promise.reject(new Error('quota'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const d = new DepartedStore(area);
    d.add(7, batch('A', 1, 1));
    d.add(7, batch('A', 2, 2));
    await d.flushed();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(spans(d.batchesFor(7, new Set([7]), {}))).toEqual(['A:1-1', 'A:2-2']);
    warn.mockRestore();
  });
});
