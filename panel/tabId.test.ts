import { describe, expect, it } from 'vitest';
import { chooseTabId, NO_TAB_MESSAGE } from './tabId';

describe('chooseTabId', () => {
  it('prefers the inspected window of DevTools', () => {
    expect(chooseTabId({ devtools: { inspectedWindow: { tabId: 12 } } }, '?tabId=3')).toEqual({ tabId: 12, source: 'devtools' });
  });

  it('falls back to the tabId query parameter', () => {
    expect(chooseTabId({}, '?tabId=3')).toEqual({ tabId: 3, source: 'query' });
    expect(chooseTabId(undefined, '?x=1&tabId=0')).toEqual({ tabId: 0, source: 'query' });
  });

  it('explains what to do when there is no tab', () => {
    expect(chooseTabId(undefined, '')).toEqual({ tabId: null, problem: NO_TAB_MESSAGE });
    const bad = chooseTabId({}, '?tabId=abc');
    expect(bad.tabId).toBeNull();
    expect('problem' in bad && bad.problem).toContain('panel.html?tabId=N');
  });
});
