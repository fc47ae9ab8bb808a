/**
 * The browser's reports of a tab's dropped window messages (extension/originDropEntry.ts) as a stream
 * of batches of its own, routed to the session's panels like a relay's: one reporter "realm" per tab
 * (a random id, no `realmStarted`: the model knows it is no realm of the page), `frameId` -1,
 * numbered from 1, kept in a bounded buffer for panels that subscribe again. One per top document of
 * the tab (a panel retires the old page's realms, this one's with them); it outlives the attachments
 * to that document (off and on again continues the numbering). The browser hands its earlier entries
 * again on every attachment: those already reported are not reported again (originDropReplays.ts).
 *
 * Batched like a recorder's events (inject/emit.ts): a report waits at most FLUSH_DELAY_MS for the
 * ones after it, and a batch goes out at once when it holds FLUSH_AT reports or BATCH_CHARS
 * characters, so a page posting to a wrong `targetOrigin` in a loop costs the panels a few messages,
 * not one per drop. What waits when the background's service worker is stopped is not lost: nothing
 * but the panels has it, and the browser's log hands it again to the next attachment (a new reporter,
 * whose reports the model matches with the old one's: model/origin-drops.ts `DropReplays`).
 */
import type { FrameRef, WindowMessageDropped } from '../model/protocol';
import { PROTOCOL_VERSION } from '../model/protocol';
import type { RoutedBatchText } from '../model/relay';
import { BatchBuffer, type BufferBounds, type RawBatch } from './buffer';
import type { DropReport } from './originDropEntry';
import { ReportedDrops } from './originDropReplays';

/** The recorder's own flush rules (inject/emit.ts). */
export const FLUSH_AT = 512;
export const FLUSH_DELAY_MS = 15;
/** A report holds at most ~11 KB (origins, call site, stack: model/protocol.ts bounds), so a full
 *  batch stays far below what a panel accepts (MAX_BATCH_CHARS). */
export const BATCH_CHARS = 1024 * 1024;

/** A reporter's id: random like a recorder's realm, so no page can name it in advance. */
export function reporterRealmId(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 3; i++) s += Math.floor(random() * 0x1_0000_0000).toString(36);
  return `browser-${s}`;
}

export class OriginDropStream {
  private seq = 0;
  private readonly buffer: BatchBuffer;
  private readonly reported = new ReportedDrops();
  /** Events numbered and serialized, waiting for their batch. */
  private waiting: string[] = [];
  private waitingChars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly tabId: number,
    /** Routes a batch to the session's panels. */
    private readonly send: (routed: RoutedBatchText) => void,
    private readonly opener: () => FrameRef | undefined = () => undefined,
    readonly realm: string = reporterRealmId(),
    bounds?: BufferBounds,
  ) {
    this.buffer = new BatchBuffer(bounds);
  }

  /** One report, as the log session `log` handed it (an id unique per session and attachment): queued
   *  for the next batch, unless it was reported already. */
  add(report: DropReport, log: string): void {
    if (!this.reported.isNew(report, log)) return;
    const event: WindowMessageDropped = { ...report, seq: ++this.seq };
    const json = JSON.stringify(event);
    if (this.waiting.length > 0 && this.waitingChars + json.length > BATCH_CHARS) this.flush();
    this.waiting.push(json);
    this.waitingChars += json.length + 1;
    if (this.waiting.length >= FLUSH_AT) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /** Sends what waits now (the tab's page is replaced, the tab closes). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const last = this.seq;
    const first = last - this.waiting.length + 1;
    // The text JSON.stringify({ v, realm, events }) gives, from the events already serialized.
    const json = `{"v":${PROTOCOL_VERSION},"realm":${JSON.stringify(this.realm)},"events":[${this.waiting.join(',')}]}`;
    this.waiting = [];
    this.waitingChars = 0;
    const raw: RawBatch = { first, last, json };
    this.buffer.append(raw);
    this.send(this.routed(raw));
  }

  /** Every buffered batch holding a seq above `have` (a panel subscribing again). */
  batchesAfter(have: number): RoutedBatchText[] {
    return this.buffer.batchesFrom(have + 1).map((b) => this.routed(b.batch, b.dropped));
  }

  private routed(b: RawBatch, dropped?: RoutedBatchText['dropped']): RoutedBatchText {
    const opener = this.opener();
    return {
      tabId: this.tabId,
      frameId: -1,
      ...(opener ? { opener } : {}),
      realm: this.realm,
      first: b.first,
      last: b.last,
      json: b.json,
      ...(dropped ? { dropped } : {}),
    };
  }
}
