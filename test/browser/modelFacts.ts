/**
 * The panel's model as plain facts for real-browser tests that check what Entangle says against what a
 * page did (libraries.test.ts, workerRpc.test.ts): realms, channels, where ports went, and each
 * message's story, read from the panel page's store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'puppeteer-core';
import { panelEvents, type PanelEntry } from './harness';

export interface RealmFacts {
  id: string;
  kind: string;
  url?: string;
  origin?: string;
  parent?: string;
  instrumented: boolean;
}
export interface PortFacts {
  id: string;
  channel?: string;
  /** Custody, oldest first: the realms that held the port. */
  holders: string[];
}
export interface DeliveryFacts {
  toRealm: string;
  ambiguous: boolean;
  failed: boolean;
}
export interface MessageFacts {
  id: string;
  route: string;
  fromRealm?: string;
  toRealm?: string;
  fromPort?: string;
  toPort?: string;
  channelName?: string;
  status: string;
  reason?: string;
  senderUnknown?: string;
  ambiguous: boolean;
  ambiguity?: string[];
  deliveries?: DeliveryFacts[];
  transfers: { kind: string; port?: string }[];
  sent: boolean;
  received: boolean;
}
export interface Facts {
  realms: RealmFacts[];
  channels: { id: string; createdIn: string; ports: [string, string] }[];
  ports: PortFacts[];
  messages: MessageFacts[];
}

/** The panel's model, reduced to what these tests check (plain data). */
export function modelFacts(panel: Page): Promise<Facts> {
  return panel.evaluate(() => {
    type M = {
      realms: RealmFacts[];
      channels: { id: string; createdIn: string; ports: [string, string] }[];
      ports: { id: string; channel?: string; custody: { realm: string }[] }[];
      messages: (Omit<MessageFacts, 'sent' | 'received' | 'deliveries'> & {
        send?: unknown;
        receipt?: unknown;
        deliveries?: { toRealm: string; ambiguous?: boolean; failed?: boolean }[];
      })[];
    };
    const m = (window as unknown as { __entangle: { store: { getState(): { model(): M } } } }).__entangle.store.getState().model();
    return {
      realms: m.realms.map((r) => ({ id: r.id, kind: r.kind, url: r.url, origin: r.origin, parent: r.parent, instrumented: r.instrumented })),
      channels: m.channels.map((c) => ({ id: c.id, createdIn: c.createdIn, ports: c.ports })),
      ports: m.ports.map((p) => ({ id: p.id, channel: p.channel, holders: p.custody.map((c) => c.realm) })),
      messages: m.messages.map((x) => ({
        id: x.id,
        route: x.route,
        fromRealm: x.fromRealm,
        toRealm: x.toRealm,
        fromPort: x.fromPort,
        toPort: x.toPort,
        channelName: x.channelName,
        status: x.status,
        reason: x.reason,
        senderUnknown: x.senderUnknown,
        ambiguous: x.ambiguous,
        ambiguity: x.ambiguity,
        deliveries: x.deliveries?.map((d) => ({ toRealm: d.toRealm, ambiguous: d.ambiguous === true, failed: d.failed === true })),
        transfers: x.transfers.map((t) => ({ kind: t.kind, port: t.port })),
        sent: x.send !== undefined,
        received: x.receipt !== undefined,
      })),
    };
  });
}

/** The parts of a message that say who sent it to whom and how it went: what the assertions compare,
 *  so that a failure prints the whole story of the message. */
export const story = (m: MessageFacts) => ({
  route: m.route,
  from: m.fromRealm,
  to: m.toRealm,
  status: m.status,
  ambiguous: m.ambiguous,
  senderUnknown: m.senderUnknown,
});

/** A message's name in a failure: its id, and why the model doubts it when it does. */
export const label = (m: MessageFacts): string =>
  `${m.id}${m.ambiguity?.length ? ` (ambiguity: ${m.ambiguity.join('; ')})` : ''}${m.reason ? ` (reason: ${m.reason})` : ''}`;

export const realmNamed = (facts: Facts, kind: string, urlPart: string): RealmFacts => {
  const found = facts.realms.filter((r) => r.kind === kind && r.url?.includes(urlPart));
  expect(found.map((r) => `${r.kind} ${r.url}`), `one ${kind} realm at a URL with ${urlPart}`).toHaveLength(1);
  return found[0]!;
};

export type Received = Extract<PanelEntry['event'], { type: 'messageReceived' }>;
export type Sent = Extract<PanelEntry['event'], { type: 'messageSent' }>;
export const receipts = (log: PanelEntry[], route: string): (PanelEntry & { event: Received })[] =>
  log.filter((e): e is PanelEntry & { event: Received } => e.event.type === 'messageReceived' && e.event.route === route);
export const sends = (log: PanelEntry[], route: string): (PanelEntry & { event: Sent })[] =>
  log.filter((e): e is PanelEntry & { event: Sent } => e.event.type === 'messageSent' && e.event.route === route);

/** With ENTANGLE_DUMP_DIR set, each scenario writes what it checked (the model's facts and the raw
 *  log) to `<name>.json` there: to tell a missing feature from a test bug. */
export async function dump(name: string, panel: Page, facts: Facts): Promise<void> {
  const dir = process.env.ENTANGLE_DUMP_DIR;
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify({ facts, log: await panelEvents(panel) }, null, 1));
}
