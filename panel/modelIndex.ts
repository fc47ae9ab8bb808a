/**
 * Look-ups over one capture model (messages by id, ports, realms, channels), built once per model
 * object and shared by every view that needs them (graph, timeline, inspector).
 */
import type { CaptureModel, ChannelModel, MessageModel, PortModel, RealmModel } from '../model/correlator';
import type { ChannelId, PortId, RealmId } from '../model/protocol';

export interface ModelIndex {
  /** The message with this id (the map behind it is built on first use: most redraws need none). */
  message(id: string): MessageModel | undefined;
  ports: ReadonlyMap<PortId, PortModel>;
  realms: ReadonlyMap<RealmId, RealmModel>;
  channels: ReadonlyMap<ChannelId, ChannelModel>;
  /** Every local id a port had in any realm → its logical id (PortModel.id). */
  logicalPort: ReadonlyMap<PortId, PortId>;
}

const cache = new WeakMap<CaptureModel, ModelIndex>();
const finders = new WeakMap<CaptureModel, (id: string) => MessageModel | undefined>();

/** How `message(id)` finds a message of `model` without reading its `messages`: a playback moment
 *  makes that array (up to 100,000 messages) only when it is read, and the graph looks up the selected
 *  message on every playing tick. */
export function noteMessageFinder(model: CaptureModel, find: (id: string) => MessageModel | undefined): void {
  finders.set(model, find);
}

export function indexOf(model: CaptureModel): ModelIndex {
  let ix = cache.get(model);
  if (ix) return ix;
  const logicalPort = new Map<PortId, PortId>();
  for (const p of model.ports) {
    logicalPort.set(p.id, p.id);
    for (const c of p.custody) if (c.localId !== undefined) logicalPort.set(c.localId, p.id);
  }
  let byId: Map<string, MessageModel> | null = null;
  ix = {
    message(id) {
      const find = finders.get(model);
      if (find) return find(id);
      byId ??= new Map(model.messages.map((m) => [m.id, m]));
      return byId.get(id);
    },
    ports: new Map(model.ports.map((p) => [p.id, p])),
    realms: new Map(model.realms.map((r) => [r.id, r])),
    channels: new Map(model.channels.map((c) => [c.id, c])),
    logicalPort,
  };
  cache.set(model, ix);
  return ix;
}

/** The realm holding a port now (the last custody span's), if known. */
export function holderOf(port: PortModel): RealmId | undefined {
  return port.custody[port.custody.length - 1]?.realm;
}
