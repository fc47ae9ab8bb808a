// Types of synthetic.mjs, for the tests that replay its log (model/settled-messages.test.ts).
import type { LogRecord } from '../model/log';

export declare function syntheticLog(options?: { messages?: number; ports?: number; realms?: number; batch?: number }): (LogRecord & { url: string })[];
