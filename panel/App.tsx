/**
 * The panel's layout: toolbar, settings, filter bar, then the graph, the timeline and the inspector in
 * resizable panes. Wide panels (DevTools undocked or docked at the bottom, ≈ 1400 px) get three
 * columns; narrower ones put the graph in a strip above the timeline and the inspector, a strip a
 * button folds away (the timeline's Message column is what the panel is for, and needs the width);
 * under ~900 px (docked right, ≈ 555 px) the inspector goes below the timeline. Sizes are kept per
 * arrangement in localStorage, and so is whether the strip is shown. Each view sits in its own error
 * boundary: a view that throws shows why, with a Retry button, and the others go on working.
 */
import { useElementWidth } from './useElementWidth';
import { useRef, useState, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import type { StoreApi } from 'zustand/vanilla';
import type { ConnectionStatus } from './connection';
import { ErrorBoundary } from './ErrorBoundary';
import { GraphView } from './graph/GraphView';
import { InspectorPane } from './Inspector';
import { PlaybackBar } from './PlaybackBar';
import type { LogStore } from './store';
import type { TabChoice } from './tabId';
import { SettingsBar, type LogBoundControl, type SettingsControl } from './SettingsBar';
import { FilterBar } from './timeline/FilterBar';
import { Timeline } from './timeline/Timeline';
import { Toolbar } from './Toolbar';
import { useVanilla } from './useLog';
import type { ViewStore } from './viewState';

/**
 * Widths (px) at which the arrangement changes. Three columns need the timeline's pane (half the
 * width) to reach past its Message column (Time, Status, From → To: about 440 px, then the message).
 */
const THREE_COLUMNS_PX = 1240;
const SIDE_INSPECTOR_PX = 900;

/** Whether the graph strip of the narrower arrangements is shown (localStorage). */
const GRAPH_STRIP_KEY = 'entangle.graphStrip';

export interface CaptureView {
  name: string;
  store: LogStore;
  view: ViewStore;
  onClose(): void;
}

export interface AppProps {
  store: LogStore;
  view: ViewStore;
  tab: TabChoice;
  /** The connection's status store, once connected; null before. */
  status: StoreApi<ConnectionStatus> | null;
  /** A problem that keeps the panel from working (no tab, not an extension page, …). */
  problem?: string | null;
  /** The recorder settings, once loaded from extension storage. */
  settings?: SettingsControl | null;
  logBound?: LogBoundControl;
  /** A capture file shown instead of the live log. */
  capture?: CaptureView | null;
  /** A message about the last file action (a capture that could not be opened or saved). */
  notice?: string | null;
  onDismissNotice?(): void;
  onOpenFile?(file: File): void;
  onSave?(): void;
  onPreserveLog?(on: boolean): void;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

function Split({ id, orientation, panes }: { id: string; orientation: 'horizontal' | 'vertical'; panes: { id: string; size: string; min: number; node: ReactNode }[] }) {
  const store = storage();
  const layout = useDefaultLayout({ id: `entangle.${id}`, panelIds: panes.map((p) => p.id), ...(store ? { storage: store } : {}) });
  const items: ReactNode[] = [];
  panes.forEach((p, i) => {
    if (i > 0) items.push(<Separator key={`sep-${p.id}`} className={`resize-handle ${orientation}`} />);
    items.push(
      <Panel key={p.id} id={p.id} defaultSize={p.size} minSize={p.min} className="pane" data-pane={p.id}>
        {p.node}
      </Panel>,
    );
  });
  return (
    <Group id={id} orientation={orientation} className="panes" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
      {items}
    </Group>
  );
}

function useGraphStrip(): [boolean, () => void] {
  const [shown, setShown] = useState(() => storage()?.getItem(GRAPH_STRIP_KEY) !== 'hidden');
  const toggle = (): void =>
    setShown((s) => {
      try {
        storage()?.setItem(GRAPH_STRIP_KEY, s ? 'hidden' : 'shown');
      } catch {
        // Storage full or denied: the choice lasts as long as the panel.
      }
      return !s;
    });
  return [shown, toggle];
}

function Panes({ store, view, width }: { store: LogStore; view: ViewStore; width: number }) {
  const inspectorRef = useRef<HTMLDivElement>(null);
  const [graphShown, toggleGraph] = useGraphStrip();
  const graph = (
    <ErrorBoundary name="graph" resetKey={store}>
      <GraphView store={store} view={view} />
    </ErrorBoundary>
  );
  const timeline = (
    <ErrorBoundary name="timeline" resetKey={store}>
      <Timeline store={store} view={view} onOpen={() => inspectorRef.current?.focus()} />
    </ErrorBoundary>
  );
  const inspector = (
    <div className="inspector-host" ref={inspectorRef} tabIndex={-1}>
      <ErrorBoundary name="inspector" resetKey={store}>
        <InspectorPane store={store} view={view} />
      </ErrorBoundary>
    </div>
  );
  if (width >= THREE_COLUMNS_PX) {
    return (
      <Split
        id="columns"
        orientation="horizontal"
        panes={[
          { id: 'graph', size: '27', min: 160, node: graph },
          { id: 'timeline', size: '50', min: 240, node: timeline },
          { id: 'inspector', size: '23', min: 200, node: inspector },
        ]}
      />
    );
  }
  const side = width >= SIDE_INSPECTOR_PX;
  const strip = graphShown ? [{ id: 'graph', size: '32', min: 80, node: graph }] : [];
  const arrangement = `${side ? 'strip-side' : 'strip-below'}${graphShown ? '' : '-nograph'}`;
  const body = side ? (
    graphShown ? (
      <Split
        id={arrangement}
        orientation="vertical"
        panes={[
          ...strip,
          {
            id: 'rest',
            size: '68',
            min: 120,
            node: (
              <Split
                id="strip-side-lower"
                orientation="horizontal"
                panes={[
                  { id: 'timeline', size: '64', min: 240, node: timeline },
                  { id: 'inspector', size: '36', min: 160, node: inspector },
                ]}
              />
            ),
          },
        ]}
      />
    ) : (
      <Split
        id={arrangement}
        orientation="horizontal"
        panes={[
          { id: 'timeline', size: '64', min: 240, node: timeline },
          { id: 'inspector', size: '36', min: 160, node: inspector },
        ]}
      />
    )
  ) : (
    <Split
      id={arrangement}
      orientation="vertical"
      panes={[
        ...strip,
        { id: 'timeline', size: graphShown ? '46' : '68', min: 80, node: timeline },
        { id: 'inspector', size: graphShown ? '22' : '32', min: 80, node: inspector },
      ]}
    />
  );
  return (
    <div className="strip-layout" data-arrangement={arrangement}>
      <div className="graph-strip-bar">
        <button type="button" className="graph-strip-toggle" aria-expanded={graphShown} aria-label={graphShown ? 'Hide graph' : 'Show graph'} onClick={toggleGraph} title={graphShown ? 'Fold the graph away: more room for the timeline' : 'Show the graph of realms and channels'}>
          <span aria-hidden="true">{graphShown ? '▾' : '▸'}</span> {graphShown ? 'Hide graph' : 'Show graph'}
        </button>
      </div>
      {body}
    </div>
  );
}

function ConnectedToolbar({ status, ...rest }: Omit<Parameters<typeof Toolbar>[0], 'status'> & { status: StoreApi<ConnectionStatus> }) {
  return <Toolbar {...rest} status={useVanilla(status)} />;
}

export function App(props: AppProps) {
  const { tab, status, problem = null, settings = null, logBound, capture = null, notice = null } = props;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(rootRef, typeof window === 'undefined' ? 1200 : window.innerWidth);
  const message = problem ?? (tab.tabId === null && capture === null ? tab.problem : null);
  const store = capture?.store ?? props.store;
  const view = capture?.view ?? props.view;

  const toolbar = {
    store,
    capture: capture ? { name: capture.name, onClose: capture.onClose } : null,
    settingsOpen,
    onToggleSettings: () => setSettingsOpen((o) => !o),
    ...(props.onOpenFile ? { onOpenFile: props.onOpenFile } : {}),
    ...(props.onSave ? { onSave: props.onSave } : {}),
    ...(props.onPreserveLog ? { onPreserveLog: props.onPreserveLog } : {}),
  };

  return (
    <div className="app" ref={rootRef}>
      <ErrorBoundary name="toolbar" resetKey={store}>
        {status && !capture ? <ConnectedToolbar {...toolbar} status={status} /> : <Toolbar {...toolbar} status={null} />}
      </ErrorBoundary>
      {settingsOpen && (
        <ErrorBoundary name="settings">
          <SettingsBar control={settings} {...(logBound ? { logBound } : {})} />
        </ErrorBoundary>
      )}
      {notice !== null && (
        <div className="notice" role="alert" data-testid="notice">
          <span>{notice}</span>
          {props.onDismissNotice && (
            <button type="button" onClick={props.onDismissNotice} aria-label="Dismiss">
              ×
            </button>
          )}
        </div>
      )}
      {message !== null ? (
        <div className="problem-banner" role="alert" data-testid="problem">
          {message}
        </div>
      ) : (
        <>
          {/* Always shown: one compact line, so playback is found without knowing a shortcut. */}
          <ErrorBoundary name="playback bar" resetKey={store}>
            <PlaybackBar store={store} view={view} />
          </ErrorBoundary>
          <ErrorBoundary name="filter bar" resetKey={store}>
            <FilterBar store={store} view={view} />
          </ErrorBoundary>
          <div className="panes-host">
            <Panes key={capture ? `capture:${capture.name}` : 'live'} store={store} view={view} width={width} />
          </div>
        </>
      )}
    </div>
  );
}
