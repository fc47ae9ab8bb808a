/** Writing text to the clipboard from the panel, where the async clipboard may be refused (DevTools pages). */

/** Copies through a hidden textarea: works in DevTools pages where the async clipboard is blocked. */
export function legacyCopy(text: string): boolean {
  if (typeof document === 'undefined' || typeof document.execCommand !== 'function') return false;
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** Copies `text`: the async clipboard, else the textarea. Resolves with why it failed, or null. */
export async function copyText(text: string): Promise<string | null> {
  let why: string;
  try {
    const clip = (navigator as Partial<Navigator>).clipboard;
    if (!clip) why = 'the clipboard is not available here';
    else {
      await clip.writeText(text);
      return null;
    }
  } catch (err) {
    why = err instanceof Error ? err.message : String(err);
  }
  return legacyCopy(text) ? null : why;
}
