/**
 * *Copy as script* (issue 11 §2): the selected messages as a script for the DevTools console that sends
 * again what a console can reach — a window message to itself, `parent` or `frames[i]` with the
 * receiver's origin as `targetOrigin`, a broadcast through a new BroadcastChannel of the same name —
 * in recorded order with the recorded spacing. A console cannot reach the page's own MessagePort or
 * Worker objects: for those the script says so, with the payload in a comment. Pure.
 *
 * Page data (payloads, URLs) is written only inside string literals (JSON.stringify, U+2028/2029
 * escaped) or single-line comments with every line terminator replaced, so no page text can end a
 * comment or a string and become code.
 */
import type { MessageModel, RealmModel } from '../model/correlator';
import type { Preview, RealmId, WindowRelation } from '../model/protocol';
import { previewToJs } from './snippet';
import { momentOf, type ReplayPace } from './replaySequence';

/** How the receiver of a window message saw its sender (`MessageReceived.source` / `childIndex`). */
export interface WindowReceipt {
  source?: WindowRelation;
  childIndex?: number;
}

export interface ScriptContext {
  realms: ReadonlyMap<RealmId, RealmModel>;
  /** A realm as the panel names it. */
  realmName(id: RealmId): string;
  /** The receipt of a window message, from the log. */
  windowReceipt(m: MessageModel): WindowReceipt | undefined;
  /** Every message of the model: a child frame's index is learnt from the messages it sent its parent. */
  messages: readonly MessageModel[];
}

const LINE_BREAKS = /\r\n|[\n\r\u2028\u2029]/g;

/** Text for a `//` comment: one line whatever the page put in it. */
function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ');
}

/** JS source with U+2028/2029 escaped: inside a string literal they are the same characters, and a
 *  `//` comment around the source cannot be ended by them. */
function safeSource(js: string): string {
  return js.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function payloadOf(m: MessageModel): string {
  return safeSource(previewToJs(m.preview ?? { $t: 'undefined' } as Preview, '  '));
}

/** The index of `child` in `parent`'s `frames`, as a message from the child to the parent recorded it. */
function childIndexOf(child: RealmId, parent: RealmId, ctx: ScriptContext): number | undefined {
  for (const m of ctx.messages) {
    if (m.route !== 'window' || m.fromRealm !== child || m.toRealm !== parent) continue;
    const r = ctx.windowReceipt(m);
    if (r?.source === 'child' && r.childIndex !== undefined) return r.childIndex;
  }
  return undefined;
}

/** The expression for the receiving window as the sender's console names it, or why it cannot. */
function windowTarget(m: MessageModel, ctx: ScriptContext): { ok: true; js: string; says: string } | { ok: false; why: string } {
  const receipt = ctx.windowReceipt(m);
  const to = m.toRealm === undefined ? undefined : ctx.realms.get(m.toRealm);
  if (!receipt || !to || m.fromRealm === undefined) return { ok: false, why: 'the receiving window is not known' };
  switch (receipt.source) {
    case 'self':
      return { ok: true, js: 'window', says: 'to itself' };
    case 'child':
      return { ok: true, js: 'parent', says: 'to the parent' };
    case 'parent':
    case 'top': {
      if (to.parent !== m.fromRealm) return { ok: false, why: 'the receiver is deeper than a child frame of the sender' };
      const i = childIndexOf(to.id, m.fromRealm, ctx);
      if (i !== undefined) return { ok: true, js: `frames[${i}]`, says: `to child frame ${i}` };
      // No message from the child recorded its index: find its element by the URL it loaded.
      const url = JSON.stringify(to.url ?? '');
      return { ok: true, js: `childFrame(${safeSource(url)})`, says: 'to a child frame' };
    }
    case 'opener':
    case 'other':
    case 'none':
    case undefined:
      return { ok: false, why: 'the console cannot name the receiving window (a popup, an opener or another window)' };
  }
}

interface Part {
  /** Comment lines, without `//`. */
  notes: string[];
  /** Statements that send; none when the console cannot reach the sender. */
  code: string[];
  /** Statements the console cannot run, shown commented out. */
  unreachable: string[];
}

function partOf(m: MessageModel, ctx: ScriptContext, channels: Map<string, string>): Part {
  const payload = payloadOf(m);
  switch (m.route) {
    case 'window': {
      const target = windowTarget(m, ctx);
      const origin = m.toRealm === undefined ? undefined : ctx.realms.get(m.toRealm)?.origin;
      // An opaque origin ("null") can only be reached with "*".
      const targetOrigin = origin === undefined || origin === 'null' ? '*' : origin;
      const call = `${target.ok ? target.js : 'targetWindow'}.postMessage(${payload}, ${safeSource(JSON.stringify(targetOrigin))});`;
      return target.ok ? { notes: [`window message ${target.says}`], code: [call], unreachable: [] } : { notes: [`window message: ${target.why}`], code: [], unreachable: [call] };
    }
    case 'broadcast': {
      if (m.channelName === undefined) return { notes: ['broadcast on a channel whose name was not recorded'], code: [], unreachable: [`channel.postMessage(${payload});`] };
      let name = channels.get(m.channelName);
      if (name === undefined) {
        name = `channel${channels.size + 1}`;
        channels.set(m.channelName, name);
      }
      return { notes: [`broadcast on ${JSON.stringify(m.channelName)}, from a new BroadcastChannel of that name`], code: [`${name}.postMessage(${payload});`], unreachable: [] };
    }
    case 'port':
      return { notes: ["port message: the console cannot reach the page's MessagePort; its payload:"], code: [], unreachable: [`port.postMessage(${payload});`] };
    case 'worker':
      return { notes: ["worker message: the console cannot reach the page's Worker object; its payload:"], code: [], unreachable: [`worker.postMessage(${payload});`] };
  }
}

/** Milliseconds between two sends at `pace`, rounded for the script. */
function spacing(ms: number, pace: ReplayPace): number {
  return pace.kind === 'backToBack' ? 0 : Math.round(Math.max(0, ms) / pace.speed);
}

/** The script for `messages` (in recorded order, as `inRecordedOrder` gives them). */
export function replayScript(messages: readonly MessageModel[], ctx: ScriptContext, pace: ReplayPace = { kind: 'recorded', speed: 1 }): string {
  const channels = new Map<string, string>();
  const senders = [...new Set(messages.map((m) => m.fromRealm))];
  const head: string[] = [
    `// Entangle: ${messages.length} message${messages.length === 1 ? '' : 's'} sent again, in recorded order${pace.kind === 'backToBack' ? ', back to back' : pace.speed === 1 ? ', with the recorded spacing' : `, at ${pace.speed}× the recorded pace`}.`,
  ];
  if (senders.length === 1) {
    const s = senders[0];
    head.push(`// Run it in the console of the realm that sent them (the console's context menu): ${oneLine(s === undefined ? 'the sender is not known' : ctx.realmName(s))}.`);
  } else {
    head.push(`// They were sent from ${senders.length} realms: each part sends as intended only from the console of its sender (the console's context menu).`);
  }
  const body: string[] = [];
  let previous: number | undefined;
  let childFrame = false;
  messages.forEach((m, i) => {
    const at = momentOf(m);
    const wait = previous === undefined ? 0 : spacing(at - previous, pace);
    previous = at;
    if (wait > 0) body.push(`  await wait(${wait});`);
    const part = partOf(m, ctx, channels);
    const from = m.fromRealm === undefined ? 'an unknown sender' : ctx.realmName(m.fromRealm);
    body.push(`  // ${i + 1}. ${oneLine(m.id)}, sent from ${oneLine(from)}: ${oneLine(part.notes.join(' '))}`);
    for (const line of part.code) {
      if (line.includes('childFrame(')) childFrame = true;
      body.push(`  ${line}`);
    }
    for (const line of part.unreachable) for (const l of line.split('\n')) body.push(`  // ${l}`);
  });
  const setup: string[] = ['  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));'];
  if (childFrame) {
    setup.push(
      '  // A child frame by the URL it loaded (its index in frames was not recorded).',
      '  const childFrame = (url) => {',
      "    const frame = [...document.querySelectorAll('iframe, frame')].find((f) => f.src === url);",
      "    if (!frame?.contentWindow) throw new Error(`no child frame loaded from ${url}: use frames[i]`);",
      '    return frame.contentWindow;',
      '  };',
    );
  }
  for (const [name, variable] of channels) setup.push(`  const ${variable} = new BroadcastChannel(${safeSource(JSON.stringify(name))});`);
  const close: string[] = [];
  if (channels.size > 0) {
    // Closed once the last broadcast is on its way: a channel kept open would go on receiving the page's broadcasts.
    close.push('  await wait(100);', ...[...channels.values()].map((v) => `  ${v}.close();`));
  }
  return [...head, '(async () => {', ...setup, ...body, ...close, '})();', ''].join('\n');
}
