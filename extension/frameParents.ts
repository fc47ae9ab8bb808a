/**
 * Each frame's parent, as webNavigation said when the frame's document committed. The background
 * looks a relay's frame up when the relay connects (`webNavigation.getFrame`), but a frame the page
 * removes at once (an ad slot that posts once and goes) may be gone by then, and with it the only
 * place the frame had in the tree: the receiver of its window message could not name it. Bounded: the
 * newest MAX_FRAMES commits; lost with the service worker (getFrame is still asked first).
 */
export const MAX_FRAMES = 5_000;

export class FrameParents {
  private readonly parents = new Map<string, number>();

  constructor(private readonly max = MAX_FRAMES) {}

  committed(tabId: number, frameId: number, parentFrameId: number): void {
    const k = `${tabId}:${frameId}`;
    // Re-inserted: the newest commits stay when the oldest are let go.
    this.parents.delete(k);
    this.parents.set(k, parentFrameId);
    if (this.parents.size > this.max) this.parents.delete(this.parents.keys().next().value!);
  }

  parentOf(tabId: number, frameId: number): number | undefined {
    return this.parents.get(`${tabId}:${frameId}`);
  }

  tabClosed(tabId: number): void {
    const prefix = `${tabId}:`;
    for (const k of this.parents.keys()) if (k.startsWith(prefix)) this.parents.delete(k);
  }
}
