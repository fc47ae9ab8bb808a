import { describe, expect, it } from 'vitest';
import { DEFAULT_PANEL_SETTINGS, loadPanelSettings, savePanelSettings } from './panelSettings';

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('panel settings', () => {
  it('defaults when nothing, garbage or out-of-range values are stored', () => {
    expect(loadPanelSettings(null)).toEqual(DEFAULT_PANEL_SETTINGS);
    expect(loadPanelSettings(memory({ 'entangle.panel': '{nope' }))).toEqual(DEFAULT_PANEL_SETTINGS);
    expect(loadPanelSettings(memory({ 'entangle.panel': '{"preserveLog":"yes","logBound":7}' }))).toEqual(DEFAULT_PANEL_SETTINGS);
  });

  it('saves a change and reads it back', () => {
    const m = memory();
    savePanelSettings({ preserveLog: true }, m);
    savePanelSettings({ logBound: 100_000 }, m);
    expect(loadPanelSettings(m)).toEqual({ preserveLog: true, logBound: 100_000 });
  });

  it('survives a storage that throws', () => {
    const bad = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
    expect(loadPanelSettings(bad)).toEqual(DEFAULT_PANEL_SETTINGS);
    expect(savePanelSettings({ preserveLog: true }, bad).preserveLog).toBe(true);
  });
});
