// Types for scripts/browser.mjs, so TypeScript tests can import it (tsconfig has allowJs: false).
import type { Browser, Page } from 'puppeteer-core';

export interface ChromiumSession {
  browser: Browser;
  /** The extension's id (host of its chrome-extension:// URLs); null without the extension. */
  extensionId: string | null;
  /** The thread priorities it runs at: 'user' (see `userPriority`) or 'as launched'. */
  priority: 'user' | 'as launched';
  /** Closes the browser and removes its temporary profile. */
  close(): Promise<void>;
}

export declare function launchChromium(options?: { extension?: boolean; devtools?: boolean; userPriority?: boolean; rendererBackgrounding?: boolean }): Promise<ChromiumSession>;
/** Puppeteer's launch options that drop its --disable-renderer-backgrounding when asked (`{}` otherwise). */
export declare function backgroundingArgs(rendererBackgrounding: boolean): { ignoreDefaultArgs?: string[] };
/** The extension's id, read from its service worker's URL. */
export declare function findExtensionId(browser: import('puppeteer-core').Browser): Promise<string>;
export declare function findInspectedTab(extensionPage: Page, urlPart: string, timeoutMs?: number): Promise<number | null>;
