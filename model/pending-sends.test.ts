/**
 * Port sends that wait for their receipt are built once and reused by later model builds while
 * nothing they show changed (build-model's PendingLook): in a flood the page records its sends long
 * before it delivers them, and each build made all of them again. A change of what their port says
 * (the partner started, its realm gone, a receipt) gives new messages with the new status.
 */
import { describe, expect, it } from 'vitest';
import { createCorrelator, type Correlator } from './correlator';
import type { LogRecord } from './log';
import { PROTOCOL_VERSION, type EntangleEvent } from './protocol';

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;

function page() {
  const records: LogRecord[] = [];
  let seq = 0;
  let t = 1000;
  const emit = (body: Body<EntangleEvent>): LogRecord => {
    const rec: LogRecord = { realm: 'top', tabId: 1, frameId: 0, parentFrameId: -1, event: { ...body, seq: ++seq, t: (t += 1) } as EntangleEvent };
    records.push(rec);
    return rec;
  };
  emit({ type: 'realmStarted', kind: 'top', url: 'https://a.test/', origin: 'https://a.test', protocol: PROTOCOL_VERSION });
  emit({ type: 'channelCreated', channel: 'top:c1', port1: 'top:1', port2: 'top:2' });
  return {
    records,
    send: () => emit({ type: 'messageSent', route: 'port', port: 'top:1', transfer: [], outcome: 'posted' }),
    started: () => emit({ type: 'portStarted', port: 'top:2', implicit: true }),
    recv: () => emit({ type: 'messageReceived', route: 'port', port: 'top:2', origin: '', ports: [], preview: { $t: 'string', v: 'x', length: 1 } }),
  };
}

const statuses = (c: Correlator) => c.model().messages.map((m) => m.status);

describe('port sends waiting for their receipt', () => {
  it('are the same objects in the next model while their port says the same', () => {
    const p = page();
    p.started();
    for (let i = 0; i < 3; i++) p.send();
    const c = createCorrelator();
    c.append(p.records);
    const first = c.model().messages;
    expect(first.map((m) => m.status)).toEqual(['in-flight', 'in-flight', 'in-flight']);
    c.append([p.send()]);
    const second = c.model().messages;
    expect(second.slice(0, 3)).toEqual(first);
    expect(second.slice(0, 3).every((m, i) => m === first[i])).toBe(true);
    expect(second.map((m) => m.status)).toEqual(['in-flight', 'in-flight', 'in-flight', 'in-flight']);
  });

  it('are made again when their port says something else: queued, then in flight once the partner starts', () => {
    const p = page();
    p.send();
    p.send();
    const c = createCorrelator();
    c.append(p.records);
    const queued = c.model().messages;
    expect(queued.map((m) => [m.status, m.reason])).toEqual([
      ['queued', 'notStarted'],
      ['queued', 'notStarted'],
    ]);
    c.append([p.started()]);
    const now = c.model().messages;
    expect(now.map((m) => [m.status, m.reason])).toEqual([
      ['in-flight', 'awaitingReceipt'],
      ['in-flight', 'awaitingReceipt'],
    ]);
    expect(now[0]).not.toBe(queued[0]);
    // A receipt delivers the first; the second still waits (and is reused from the last build).
    c.append([p.recv()]);
    const after = c.model().messages;
    expect(statuses(c)).toEqual(['delivered', 'in-flight']);
    expect(after[1]).toBe(now[1]);
  });

  it('are made again when the realm holding the partner goes away: lost', () => {
    const p = page();
    p.started();
    p.send();
    const c = createCorrelator();
    c.append(p.records);
    expect(statuses(c)).toEqual(['in-flight']);
    c.realmGone('top', 5000);
    expect(c.model().messages.map((m) => [m.status, m.reason])).toEqual([['lost', 'realmGone']]);
  });
});
