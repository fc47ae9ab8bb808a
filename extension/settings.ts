/** Recorder settings, persisted in extension storage and shared by every frame and the panel. */
import browser from 'webextension-polyfill';
import { WORKERS_KEY, withWorkerOrigin, workerOrigins } from './workerSetting';

export interface RecorderSettings {
  /** Record the sending stack of every send (costs a stack trace per message). */
  captureStacks: boolean;
  /** Payload previews per second a realm makes at most (see inject/instrument.ts). */
  previewsPerSecond: number;
}

export const DEFAULT_SETTINGS: RecorderSettings = { captureStacks: false, previewsPerSecond: 2_000 };
const KEY = 'recorderSettings';

export async function loadSettings(): Promise<RecorderSettings> {
  try {
    const stored = (await browser.storage.local.get(KEY))[KEY] as Partial<RecorderSettings> | undefined;
    return { ...DEFAULT_SETTINGS, ...stored };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export async function saveSettings(settings: RecorderSettings): Promise<void> {
  await browser.storage.local.set({ [KEY]: settings });
}

export function onSettingsChanged(listener: (s: RecorderSettings) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[KEY]) listener({ ...DEFAULT_SETTINGS, ...(changes[KEY].newValue as Partial<RecorderSettings>) });
  });
}

/** The origins where "Record inside workers" is on (extension/workerSetting.ts). */
export async function loadWorkerOrigins(): Promise<Set<string>> {
  try {
    return workerOrigins((await browser.storage.local.get(WORKERS_KEY))[WORKERS_KEY]);
  } catch {
    return new Set();
  }
}

/** Turns "Record inside workers" on or off for one origin (read and written in one go: the panel, the
 *  background and the CLI all write it, though never at the same moment for one origin). */
export async function saveWorkerOrigin(origin: string, on: boolean): Promise<void> {
  const stored = (await browser.storage.local.get(WORKERS_KEY))[WORKERS_KEY];
  await browser.storage.local.set({ [WORKERS_KEY]: withWorkerOrigin(stored, origin, on) });
}

export function onWorkerOriginsChanged(listener: (origins: Set<string>) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[WORKERS_KEY]) listener(workerOrigins(changes[WORKERS_KEY].newValue));
  });
}

/** What a recorder is handed as its CONFIG (the content relay's event, a worker's ENTANGLE_CONFIG). */
export function recorderConfigText(settings: RecorderSettings): string {
  return JSON.stringify({ captureStacks: settings.captureStacks, previewsPerSecond: settings.previewsPerSecond });
}
