/** A browser report of a dropped window message, as extension/originDropEntry.ts makes it: the drop
 *  tests' one builder. */
import type { DropReport } from './originDropEntry';

export const dropReport = (t: number, over: Partial<DropReport> = {}): DropReport => ({
  type: 'windowMessageDropped',
  t,
  targetOrigin: 'https://wrong.example',
  recipientOrigin: 'http://127.0.0.1:8080',
  url: 'http://127.0.0.1:8080/page.html',
  line: 12,
  column: 5,
  ...over,
});
