/**
 * The browser's reports of a tab's dropped window messages (extension/originDropEntry.ts) as a stream
 * of batches of its own, routed to the session's panels like a relay's: one reporter "realm" per tab
 * (a random id, no `realmStarted`: the model knows it is no realm of the page), `frameId` -1,
 * numbered from 1, kept in a bounded buffer for panels that subscribe again. One per top document of
 * the tab (a panel retires the old page's realms, this one's with them); it outlives the attachments
 * to that document (off and on again continues the numbering): the browser hands its earlier entries
 * again on every attachment, and the model counts a report it already has as a duplicate.
 */
import type { FrameRef, WindowMessageDropped } from '../model/protocol';
import { PROTOCOL_VERSION } from '../model/protocol';
import type { RoutedBatchText } from '../model/relay';
import { BatchBuffer, type BufferBounds, type RawBatch } from './buffer';
import type { DropReport } from './originDropEntry';

/** A reporter's id: random like a recorder's realm, so no page can name it in advance. */
export function reporterRealmId(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 3; i++) s += Math.floor(random() * 0x1_0000_0000).toString(36);
  return `browser-${s}`;
}

export class OriginDropStream {
  private seq = 0;
  private readonly buffer: BatchBuffer;

  constructor(
    readonly tabId: number,
    private readonly opener: () => FrameRef | undefined = () => undefined,
    readonly realm: string = reporterRealmId(),
    bounds?: BufferBounds,
  ) {
    this.buffer = new BatchBuffer(bounds);
  }

  /** One report: the batch to route to the panels now. */
  add(report: DropReport): RoutedBatchText {
    const event: WindowMessageDropped = { ...report, seq: ++this.seq };
    const raw: RawBatch = { first: event.seq, last: event.seq, json: JSON.stringify({ v: PROTOCOL_VERSION, realm: this.realm, events: [event] }) };
    this.buffer.append(raw);
    return this.routed(raw);
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
