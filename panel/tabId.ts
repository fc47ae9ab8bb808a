/**
 * Which tab the panel shows: the inspected tab when running inside DevTools, otherwise the `tabId`
 * query parameter (`panel.html?tabId=N`, the panel opened as an ordinary extension tab).
 */

export const NO_TAB_MESSAGE = 'Entangle does not know which tab to show: open this page from DevTools, or as panel.html?tabId=N.';

export type TabChoice = { tabId: number; source: 'devtools' | 'query' } | { tabId: null; problem: string };

/** The little of `chrome` this needs (absent outside extension pages). */
export interface ChromeLike {
  devtools?: { inspectedWindow?: { tabId?: number } };
}

export function chooseTabId(chromeApi: ChromeLike | undefined, search: string): TabChoice {
  const inspected = chromeApi?.devtools?.inspectedWindow?.tabId;
  if (typeof inspected === 'number' && Number.isInteger(inspected) && inspected >= 0) return { tabId: inspected, source: 'devtools' };
  const raw = new URLSearchParams(search).get('tabId');
  if (raw !== null && /^\d{1,15}$/.test(raw.trim())) return { tabId: Number(raw.trim()), source: 'query' };
  if (raw !== null) return { tabId: null, problem: `"${raw}" is not a tab id. ${NO_TAB_MESSAGE}` };
  return { tabId: null, problem: NO_TAB_MESSAGE };
}
