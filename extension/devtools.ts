/**
 * The DevTools page: runs once per DevTools window and registers the Entangle panel. The panel page
 * itself (panel.html) finds the inspected tab through `chrome.devtools.inspectedWindow.tabId`.
 */
chrome.devtools.panels.create('Entangle', 'icons/entangle-128.png', 'panel.html');

export {};
