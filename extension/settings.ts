/** Recorder settings, persisted in extension storage and shared by every frame and the panel. */
import browser from 'webextension-polyfill';

export interface RecorderSettings {
  captureStacks: boolean;
}

export const DEFAULT_SETTINGS: RecorderSettings = { captureStacks: false };
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
