/** Recorder settings, persisted in extension storage and shared by every frame and the panel. */
import browser from 'webextension-polyfill';

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
