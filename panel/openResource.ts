/**
 * Opening a source location in DevTools' Sources panel. Only a DevTools page has
 * `chrome.devtools.panels.openResource`; the same panel build opened as an ordinary extension tab (or as
 * a capture viewer) does not, so the API is looked up at call time and callers fall back to text.
 */

type OpenResourceFn = (url: string, lineNumber: number, columnNumber: number | undefined, callback: () => void) => void;

function api(): OpenResourceFn | undefined {
  const chromeApi = (globalThis as { chrome?: { devtools?: { panels?: { openResource?: unknown } } } }).chrome;
  const panels = chromeApi?.devtools?.panels;
  const fn = panels?.openResource;
  return typeof fn === 'function' ? (fn.bind(panels) as OpenResourceFn) : undefined;
}

/** Whether this page can open sources in DevTools (it is a DevTools panel). */
export function canOpenResource(): boolean {
  return api() !== undefined;
}

/**
 * Opens `url` at a 1-based `line` and `column` (as stack traces print them) in the Sources panel.
 * Returns false when this page cannot (not a DevTools page, or the call threw).
 */
export function openResource(url: string, line: number, column: number, done?: () => void): boolean {
  const open = api();
  if (!open) return false;
  try {
    open(url, Math.max(0, line - 1), Math.max(0, column - 1), () => done?.());
    return true;
  } catch {
    return false;
  }
}
