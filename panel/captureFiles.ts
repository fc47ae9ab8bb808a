/**
 * Saving the panel's log as a capture file and opening one: the same format the command-line tool
 * writes (model/capture.ts, docs/capture-format.md). An opened capture gets a store of its own, so a
 * saved session is never mixed with the live one.
 */
import { readCapture, relayBounds, writeCaptureGzip, type Capture } from '../model/capture';
import { recordWithFacts, type LogRecord } from '../model/log';
import { version } from '../package.json';
import { preparePlayback } from './playbackView';
import { createLogStore, LOG_BOUND, type LogState, type LogStore } from './store';

/** The records the store holds, with each realm's frame facts, in arrival order. */
export function recordsOfStore(s: Pick<LogState, 'log' | 'realms'>): LogRecord[] {
  const out: LogRecord[] = [];
  for (const e of s.log) out.push(recordWithFacts(e, s.realms.get(e.realm)));
  return out;
}

/** A gzip capture of what the store holds. */
export async function captureBytes(s: LogState): Promise<Uint8Array> {
  const top = [...s.realms.values()].find((r) => r.kind === 'top' && !r.retired);
  return writeCaptureGzip({
    generator: { name: 'entangle', version },
    page: { url: top?.url ?? top?.documentUrl ?? '' },
    records: recordsOfStore(s),
    context: s.captureContext(),
    gaps: s.gaps.map(({ realm, from, to, reason }) => ({ realm, from, to, reason })),
    bounds: { ...relayBounds(), panelLogEvents: s.log.bound },
  });
}

/** `entangle-<host>-<date>.json.gz` */
export function captureFileName(s: LogState, now = new Date()): string {
  const top = [...s.realms.values()].find((r) => r.kind === 'top' && !r.retired);
  let host = 'page';
  try {
    if (top?.url) host = new URL(top.url).host.replace(/[^A-Za-z0-9.-]/g, '_') || 'page';
  } catch {
    // Not a URL with a host (about:blank, data:): keep "page".
  }
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  return `entangle-${host}-${stamp}.json.gz`;
}

/**
 * Largest capture (JSON text, after decompression) the panel opens: four times the reader's default, so
 * that a full log (LOG_BOUND events with previews, about 70 MB) opens, while a gzip bomb still stops.
 */
export const PANEL_MAX_CAPTURE_BYTES = 256 * 1024 * 1024;

export interface OpenedCapture {
  store: LogStore;
  capture: Capture;
  name: string;
}

/** Reads a capture file into a store of its own; a bad file gives a message naming the problem. */
export async function openCapture(bytes: Uint8Array, name: string): Promise<{ ok: true; opened: OpenedCapture } | { ok: false; error: string }> {
  const read = await readCapture(bytes, { maxBytes: PANEL_MAX_CAPTURE_BYTES });
  if (!read.ok) return { ok: false, error: `${name}: ${read.error}` };
  const { capture } = read;
  const store = createLogStore({ bound: Math.max(LOG_BOUND, capture.records.length), preserveLog: true });
  store.getState().captureLoaded(capture.records, capture.gaps, capture.context);
  // Once the capture is shown: nothing is added to it, so the correlator's working state can go; then
  // its playback is made, before the user's first seek needs it.
  afterIdle(() => {
    store.getState().settle();
    preparePlayback(store.getState().model(), afterIdle);
  });
  return { ok: true, opened: { store, capture, name } };
}

function afterIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 0);
}
