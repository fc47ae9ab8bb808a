/**
 * A test page's realm (FixturePage: events in order, on one clock), and a small live log for the
 * playback tests: a top realm that sends three port messages (the second
 * fails), then an iframe that starts later and sends two on a channel of its own.
 */
import { PROTOCOL_VERSION, type EntangleEvent, type RoutedBatch } from '../model/protocol';
import { createLogStore, type LogStore } from './store';

type Body<E> = E extends EntangleEvent ? Omit<E, 'seq' | 't'> : never;

export class FixturePage {
  seq = 0;
  constructor(
    readonly realm: string,
    public t: number,
    readonly kind: 'top' | 'iframe' = 'top',
    readonly frameId = 0,
    /** Milliseconds between two events of this realm. */
    readonly step = 10,
  ) {}
  ev(body: Body<EntangleEvent>): EntangleEvent {
    return { ...body, seq: ++this.seq, t: (this.t += this.step) } as EntangleEvent;
  }
  batch(events: EntangleEvent[]): RoutedBatch {
    return { tabId: 1, frameId: this.frameId, parentFrameId: this.frameId === 0 ? -1 : 0, url: `https://a.test/${this.realm}`, batch: { v: PROTOCOL_VERSION, realm: this.realm, events } };
  }
  started(): EntangleEvent {
    return this.ev({ type: 'realmStarted', kind: this.kind, url: `https://a.test/${this.realm}`, origin: 'https://a.test', protocol: PROTOCOL_VERSION });
  }
  channel(n: number): EntangleEvent {
    return this.ev({ type: 'channelCreated', channel: `${this.realm}:c${n}`, port1: `${this.realm}:${2 * n - 1}`, port2: `${this.realm}:${2 * n}` });
  }
  portStarted(port: string): EntangleEvent {
    return this.ev({ type: 'portStarted', port, implicit: true });
  }
  send(port: string, error?: { name: string; message: string }): EntangleEvent {
    return this.ev({ type: 'messageSent', route: 'port', port, transfer: [], outcome: 'posted', ...(error ? { error } : {}) });
  }
  recv(port: string, preview: string): EntangleEvent {
    return this.ev({ type: 'messageReceived', route: 'port', port, origin: '', ports: [], preview, size: preview.length + 2 });
  }
}

export const TOP = 'toprealm1';
export const FRAME = 'framerealm';

/** Five messages in time order: top #1 "a", top #2 (fails), top #3 "c", then the iframe's "d" and "e". */
export function playbackLog(): { store: LogStore; top: FixturePage; frame: FixturePage } {
  const store = createLogStore();
  const top = new FixturePage(TOP, 5000);
  const frame = new FixturePage(FRAME, 6000, 'iframe', 1);
  const oops = { name: 'DataCloneError', message: 'could not be cloned' };
  store
    .getState()
    .batchReceived(
      top.batch([top.started(), top.channel(1), top.portStarted(`${TOP}:2`), top.send(`${TOP}:1`), top.recv(`${TOP}:2`, 'a'), top.send(`${TOP}:1`, oops), top.send(`${TOP}:1`), top.recv(`${TOP}:2`, 'c')]),
    );
  store
    .getState()
    .batchReceived(frame.batch([frame.started(), frame.channel(1), frame.portStarted(`${FRAME}:2`), frame.send(`${FRAME}:1`), frame.recv(`${FRAME}:2`, 'd'), frame.send(`${FRAME}:1`), frame.recv(`${FRAME}:2`, 'e')]));
  return { store, top, frame };
}
