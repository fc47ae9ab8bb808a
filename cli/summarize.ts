/**
 * `entangle summarize <file>`: reads a capture, correlates it, and prints the model as the documented
 * `entangle-summary` JSON (docs/capture-format.md, "Summary").
 */
import { readFile } from 'node:fs/promises';
import { readCapture } from '../model/capture';
import { correlateSaved, summarize, type CaptureSummary } from '../model/correlator';

export const SUMMARY_FORMAT = 'entangle-summary';
export const SUMMARY_VERSION = 1;

export type Summary = {
  format: typeof SUMMARY_FORMAT;
  version: typeof SUMMARY_VERSION;
  page: { url: string; title?: string };
} & CaptureSummary;

export async function summarizeFile(path: string): Promise<Summary> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const read = await readCapture(bytes);
  if (!read.ok) throw new Error(`${path}: ${read.error}`);
  const correlator = correlateSaved(read.capture);
  const s = summarize(correlator.model());
  return {
    format: SUMMARY_FORMAT,
    version: SUMMARY_VERSION,
    page: read.capture.page,
    realms: s.realms,
    channels: s.channels,
    ports: s.ports,
    messages: s.messages,
    // `droppedOrigin`: window messages the browser reported dropped for their targetOrigin, recorded
    // only while the debugging protocol was attached, and only same-process ones (docs/recording.md).
    totals: s.totals,
  };
}
