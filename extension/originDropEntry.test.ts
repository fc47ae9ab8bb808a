import { describe, expect, it } from 'vitest';
import { eventProblem } from '../model/validate';
import { DROPPED_URL_CHARS } from '../model/protocol';
import { dropReportOf } from './originDropEntry';

const TEXT = "Failed to execute 'postMessage' on 'DOMWindow': The target origin provided ('https://wrong.example') does not match the recipient window's origin ('http://127.0.0.1:8080').";

/** Log.entryAdded as Chromium 156 sent it in the probe (docs/recording.md): 0-based lines and columns. */
const entry = (over: Record<string, unknown> = {}) => ({
  entry: {
    source: 'security',
    level: 'warning',
    text: TEXT,
    timestamp: 1_700_000_000_123.5,
    url: 'http://127.0.0.1:8080/page.html',
    lineNumber: 11,
    stackTrace: {
      callFrames: [
        { functionName: 'send', scriptId: '4', url: 'http://127.0.0.1:8080/page.html', lineNumber: 11, columnNumber: 20 },
        { functionName: '', scriptId: '4', url: 'http://127.0.0.1:8080/page.html', lineNumber: 14, columnNumber: 2 },
      ],
    },
    ...over,
  },
});

describe('dropReportOf', () => {
  it('reads both origins, the call site (1-based) and the stack', () => {
    expect(dropReportOf(entry())).toEqual({
      type: 'windowMessageDropped',
      t: 1_700_000_000_123.5,
      targetOrigin: 'https://wrong.example',
      recipientOrigin: 'http://127.0.0.1:8080',
      url: 'http://127.0.0.1:8080/page.html',
      line: 12,
      column: 21,
      stack: '    at send (http://127.0.0.1:8080/page.html:12:21)\n    at http://127.0.0.1:8080/page.html:15:3',
    });
  });

  it('without a stack, the entry’s own URL and line', () => {
    expect(dropReportOf(entry({ stackTrace: undefined }))).toEqual({
      type: 'windowMessageDropped',
      t: 1_700_000_000_123.5,
      targetOrigin: 'https://wrong.example',
      recipientOrigin: 'http://127.0.0.1:8080',
      url: 'http://127.0.0.1:8080/page.html',
      line: 12,
    });
  });

  it('passes validation as the panel checks it', () => {
    const report = dropReportOf(entry({ url: 'data:text/html,'.padEnd(100_000, 'x'), stackTrace: { callFrames: [{ url: 'data:text/html,'.padEnd(100_000, 'x'), lineNumber: 0, columnNumber: 0 }] } }));
    expect(report?.url).toHaveLength(DROPPED_URL_CHARS);
    expect(eventProblem({ ...report, seq: 1 }, 'e')).toBeUndefined();
  });

  it.each([
    ['another security entry', entry({ text: "Refused to display 'x' in a frame because it set 'X-Frame-Options' to 'deny'." })],
    ['another source', entry({ source: 'javascript' })],
    ['a console call that prints the same words', entry({ source: 'console-api' })],
    ['no timestamp', entry({ timestamp: undefined })],
    ['no entry', {}],
    ['nothing', undefined],
  ])('is none of ours: %s', (_, params) => {
    expect(dropReportOf(params)).toBeNull();
  });
});
