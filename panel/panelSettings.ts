/**
 * The panel's own settings (not the recorder's, which live in extension storage: extension/settings.ts):
 * preserve log and the log's bound. Kept in the panel page's localStorage, read synchronously at start
 * so the store is created with them. Storage may be unavailable or hold anything: every read is checked.
 */
import { LOG_BOUND } from './store';

export interface PanelSettings {
  preserveLog: boolean;
  /** Most events the panel's log holds (applies when the panel is opened again). */
  logBound: number;
}

export const LOG_BOUND_CHOICES: readonly number[] = [50_000, 100_000, LOG_BOUND, 500_000];
export const DEFAULT_PANEL_SETTINGS: PanelSettings = { preserveLog: false, logBound: LOG_BOUND };
const KEY = 'entangle.panel';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** The panel page's localStorage, or null where there is none (or it throws: storage blocked). */
export function storage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadPanelSettings(from: StorageLike | null = storage()): PanelSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(from?.getItem(KEY) ?? 'null');
  } catch {
    raw = null;
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    preserveLog: typeof o.preserveLog === 'boolean' ? o.preserveLog : DEFAULT_PANEL_SETTINGS.preserveLog,
    logBound: typeof o.logBound === 'number' && LOG_BOUND_CHOICES.includes(o.logBound) ? o.logBound : DEFAULT_PANEL_SETTINGS.logBound,
  };
}

export function savePanelSettings(patch: Partial<PanelSettings>, to: StorageLike | null = storage()): PanelSettings {
  const next = { ...loadPanelSettings(to), ...patch };
  try {
    to?.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused: the setting still applies to this panel.
  }
  return next;
}
