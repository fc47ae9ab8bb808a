/**
 * The panel page's entry: picks the tab, creates the store, renders the app, and connects to the
 * background. The connection (and with it webextension-polyfill, which refuses to load outside an
 * extension page) is imported only when there is a tab to show.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RecorderSettings } from '../extension/settings';
import type { SettingsControl } from './SettingsBar';
import { App } from './App';
import type { ConnectionStatus } from './connection';
import { createLogStore, type LogStore } from './store';
import { chooseTabId, type ChromeLike } from './tabId';
import './panel.css';

declare global {
  interface Window {
    /** For tests driving the panel page (the extension's own page, not the inspected one). */
    __entangle?: { store: LogStore; connects(): number };
  }
}

type ChromeGlobal = ChromeLike & { devtools?: { panels?: { themeName?: string } }; runtime?: { id?: string } };
const chromeApi = (globalThis as { chrome?: ChromeGlobal }).chrome;

// DevTools tells its theme; elsewhere the stylesheet follows prefers-color-scheme.
const themeName = chromeApi?.devtools?.panels?.themeName;
if (themeName !== undefined) document.documentElement.dataset.theme = themeName === 'dark' ? 'dark' : 'light';

const store = createLogStore();
let connection: StoreApi<ConnectionStatus> | null = null;
window.__entangle = { store, connects: () => connection?.getState().connects ?? 0 };

const tab = chooseTabId(chromeApi, location.search);
const container = document.getElementById('root');
if (!container) throw new Error('panel.html: #root is missing');
const root = createRoot(container);

let settings: SettingsControl | null = null;

function render(status: StoreApi<ConnectionStatus> | null, problem: string | null = null): void {
  root.render(
    <StrictMode>
      <App store={store} tab={tab} status={status} problem={problem} settings={settings} />
    </StrictMode>,
  );
}

render(null);

if (tab.tabId !== null) {
  const tabId = tab.tabId;
  if (!chromeApi?.runtime?.id) {
    render(null, 'This page must be opened from the Entangle extension (as its DevTools panel, or as panel.html?tabId=N in an extension tab).');
  } else {
    Promise.all([import('./connection'), import('../extension/settings')])
      .then(async ([{ connectPanel }, { loadSettings, saveSettings, onSettingsChanged }]) => {
        connection = connectPanel({ store, tabId }).status;
        const settingsStore = createStore<RecorderSettings>()(() => ({ captureStacks: false, previewsPerSecond: 0 }));
        settingsStore.setState(await loadSettings(), true);
        onSettingsChanged((next) => settingsStore.setState(next, true));
        settings = { store: settingsStore, save: (next) => void saveSettings(next) };
        render(connection);
      })
      .catch((err: unknown) => render(null, `Entangle could not connect to its background: ${err instanceof Error ? err.message : String(err)}`));
  }
}
