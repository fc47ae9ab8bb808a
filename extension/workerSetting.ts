/**
 * The "Record inside workers" setting (issue 13): off by default, remembered per origin of the
 * inspected tab's top document, in `storage.local` under WORKERS_KEY as `{ [origin]: true }` (only the
 * origins where it is on). Pure, with no extension API: the background, the panel (through
 * extension/settings.ts) and the CLI (which writes the same record from an extension page) share it.
 */

export const WORKERS_KEY = 'recordInsideWorkers';

/** The key a top document's URL is remembered under: its origin for http(s), `file://` for any local
 *  file (their origin is opaque); null for a page the setting cannot apply to (about:, data:,
 *  chrome:, another extension's page…): the browser does not let an extension debug those, or they
 *  have no origin to remember it for. */
export function settingOrigin(url: string | undefined): string | null {
  if (url === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin;
  if (parsed.protocol === 'file:') return 'file://';
  return null;
}

/** The origins where the setting is on, from whatever storage holds (it may hold anything). */
export function workerOrigins(stored: unknown): Set<string> {
  const out = new Set<string>();
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return out;
  for (const [origin, on] of Object.entries(stored)) if (on === true) out.add(origin);
  return out;
}

/** The stored record with the setting of `origin` changed. */
export function withWorkerOrigin(stored: unknown, origin: string, on: boolean): Record<string, true> {
  const origins = workerOrigins(stored);
  if (on) origins.add(origin);
  else origins.delete(origin);
  return Object.fromEntries([...origins].sort().map((o) => [o, true as const]));
}
