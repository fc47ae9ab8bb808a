import { useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { ConnectionStatus } from './connection';
import { EventList } from './EventList';
import { InspectorPane } from './Inspector';
import { RealmTable } from './RealmTable';
import type { LogStore } from './store';
import type { TabChoice } from './tabId';
import { SettingsBar, type SettingsControl } from './SettingsBar';
import { Toolbar } from './Toolbar';
import { useVanilla } from './useLog';

export interface AppProps {
  store: LogStore;
  tab: TabChoice;
  /** The connection's status store, once connected; null before. */
  status: StoreApi<ConnectionStatus> | null;
  /** A problem that keeps the panel from working (no tab, not an extension page, …). */
  problem?: string | null;
  /** The recorder settings, once loaded from extension storage. */
  settings?: SettingsControl | null;
}

function ConnectedToolbar({ store, status }: { store: LogStore; status: StoreApi<ConnectionStatus> }) {
  return <Toolbar store={store} status={useVanilla(status)} />;
}

export function App({ store, tab, status, problem = null, settings = null }: AppProps) {
  // The inspected entry's arrival index: view state, not log state, so it lives here.
  const [selected, setSelected] = useState<number | null>(null);
  const message = problem ?? (tab.tabId === null ? tab.problem : null);
  if (message !== null) {
    return (
      <div className="app">
        <div className="problem-banner" role="alert" data-testid="problem">
          {message}
        </div>
      </div>
    );
  }
  return (
    <div className="app">
      {status ? <ConnectedToolbar store={store} status={status} /> : <Toolbar store={store} status={null} />}
      {settings && <SettingsBar control={settings} />}
      <RealmTable store={store} />
      <div className="split">
        <EventList store={store} selected={selected} onSelect={setSelected} />
        <InspectorPane store={store} selected={selected} />
      </div>
    </div>
  );
}
