/**
 * The panel page's entry: picks the tab, creates the store, renders the app, and connects to the
 * background. The connection (and with it webextension-polyfill, which refuses to load outside an
 * extension page) is imported only when there is a tab to show.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RecorderSettings } from '../extension/settings';
import type { LogBoundControl, SettingsControl } from './SettingsBar';
import { App, type CaptureView } from './App';
import { captureBytes, captureFileName, openCapture } from './captureFiles';
import type { ConnectionStatus } from './connection';
import { loadPanelSettings, savePanelSettings } from './panelSettings';
import { createLogStore, type LogStore } from './store';
import { chooseTabId, type ChromeLike } from './tabId';
import { createViewStore, type ViewStore } from './viewState';
import './panel.css';

declare global {
  interface Window {
    /** For tests and benchmarks driving the panel page (the extension's own page, not the inspected one). */
    __entangle?: {
      store: LogStore;
      view: ViewStore;
      connects(): number;
      /** The store and view of an opened capture file, while one is shown. */
      capture(): CaptureView | null;
      /** Opens capture bytes as if the user picked a file (benchmarks). */
      openCaptureBytes(bytes: Uint8Array, name: string): Promise<void>;
      /** The bytes Save would write now, of the store shown (tests). */
      savedCaptureBytes(): Promise<Uint8Array>;
    };
  }
}

type ChromeGlobal = ChromeLike & {
  devtools?: { panels?: { themeName?: string; setThemeChangeHandler?: (cb: (name: string) => void) => void } };
  runtime?: { id?: string };
};
const chromeApi = (globalThis as { chrome?: ChromeGlobal }).chrome;

// DevTools tells its theme (and its changes); elsewhere the stylesheet follows prefers-color-scheme.
const applyTheme = (name: string): void => {
  document.documentElement.dataset.theme = name === 'dark' ? 'dark' : 'light';
};
const themeName = chromeApi?.devtools?.panels?.themeName;
if (themeName !== undefined) applyTheme(themeName);
try {
  chromeApi?.devtools?.panels?.setThemeChangeHandler?.(applyTheme);
} catch {
  // Older DevTools: the theme stays as it was when the panel opened.
}

const params = new URLSearchParams(location.search);
const panelSettings = loadPanelSettings();
const store = createLogStore({
  bound: panelSettings.logBound,
  // The command-line recorder keeps everything: a navigation must not clear what it records.
  preserveLog: params.get('preserveLog') === '1' || panelSettings.preserveLog,
});
const view = createViewStore();
let connection: StoreApi<ConnectionStatus> | null = null;
let capture: CaptureView | null = null;
let notice: string | null = null;
let savedBound = panelSettings.logBound;

const tab = chooseTabId(chromeApi, location.search);
const container = document.getElementById('root');
if (!container) throw new Error('panel.html: #root is missing');
const root = createRoot(container);

let settings: SettingsControl | null = null;
let lastStatus: StoreApi<ConnectionStatus> | null = null;
let lastProblem: string | null = null;

async function openBytes(bytes: Uint8Array, name: string): Promise<void> {
  const result = await openCapture(bytes, name);
  if (!result.ok) {
    notice = result.error;
  } else {
    notice = null;
    capture = {
      name,
      store: result.opened.store,
      view: createViewStore(),
      onClose: () => {
        capture = null;
        rerender();
      },
    };
  }
  rerender();
}

async function openFile(file: File): Promise<void> {
  try {
    await openBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (err) {
    notice = `${file.name}: could not be read (${err instanceof Error ? err.message : String(err)})`;
    rerender();
  }
}

async function save(): Promise<void> {
  const shown = capture?.store ?? store;
  try {
    const bytes = await captureBytes(shown.getState());
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/gzip' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = captureFileName(shown.getState());
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    notice = `The capture could not be saved: ${err instanceof Error ? err.message : String(err)}`;
    rerender();
  }
}

const logBound: () => LogBoundControl = () => ({
  current: store.getState().log.bound,
  saved: savedBound,
  save: (bound) => {
    savedBound = savePanelSettings({ logBound: bound }).logBound;
    rerender();
  },
});

function render(status: StoreApi<ConnectionStatus> | null, problem: string | null = null): void {
  lastStatus = status;
  lastProblem = problem;
  root.render(
    <StrictMode>
      <App
        store={store}
        view={view}
        tab={tab}
        status={status}
        problem={problem}
        settings={settings}
        logBound={logBound()}
        capture={capture}
        notice={notice}
        onDismissNotice={() => {
          notice = null;
          rerender();
        }}
        onOpenFile={(file) => void openFile(file)}
        onSave={() => void save()}
        onPreserveLog={(on) => savePanelSettings({ preserveLog: on })}
      />
    </StrictMode>,
  );
}

function rerender(): void {
  render(lastStatus, lastProblem);
}

window.__entangle = {
  store,
  view,
  connects: () => connection?.getState().connects ?? 0,
  capture: () => capture,
  openCaptureBytes: openBytes,
  savedCaptureBytes: () => captureBytes((capture?.store ?? store).getState()),
};

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
