/**
 * Entry of the main-world recorder (built to dist/chrome/inject.js, an IIFE with no exports so it
 * leaves no global behind). Runs at document_start in every frame, before any page script.
 */
import { PROTOCOL_VERSION } from '../model/protocol';
import { afterCall, installToStringDisguise, replaceValue } from './disguise';
import { documentOutlet } from './documentOutlet';
import { Emitter } from './emit';
import { instrument } from './instrument';
import { addEventListener, apply, getter, randomId, read } from './natives';

const persistedGetter = getter(globalThis.PageTransitionEvent?.prototype, 'persisted');
const visibilityGetter = getter(Document.prototype, 'visibilityState');

function start(): void {
  const win = window;
  const doc = document;
  const emitter = new Emitter(randomId(), (e) => documentOutlet(e, doc), location.href === 'about:blank');
  const top = win === win.top;
  // A top window with an opener at start was opened by another window (`window.open`, a link with
  // target=_blank without noopener): a popup, which belongs to its opener's session.
  const opener = top ? read(getter(win, 'opener'), win) : null;
  emitter.record({
    type: 'realmStarted',
    t: emitter.now(),
    kind: !top ? 'iframe' : opener !== null && opener !== undefined ? 'popup' : 'top',
    url: location.href,
    origin: win.origin,
    protocol: PROTOCOL_VERSION,
  });
  installToStringDisguise();
  instrument(win as Window & typeof globalThis, emitter);
  watchDeparture(win, doc, emitter);
}

/**
 * A document on its way out gets its last events out: timers may never fire again. `pagehide` is the
 * last event a leaving document is sure to get (navigated, its frame removed, its tab or popup
 * closed, or put in the back/forward cache); `freeze` may be followed by discarding without any
 * other event; a hidden page may be killed. No `unload`/`beforeunload` listener: they cost the page
 * its back/forward-cache eligibility, and a permissions policy may forbid them.
 */
function watchDeparture(win: Window, doc: Document, emitter: Emitter): void {
  const listen = (target: EventTarget, type: string, fn: (e: Event) => void): void => {
    apply(addEventListener, target, [
      type,
      (e: Event) => {
        // A page can dispatch a `pagehide` of its own: the document is not leaving for that, and
        // must not be shown gone (`isTrusted` is an own, unforgeable property of every event).
        if (!e.isTrusted) return;
        try {
          fn(e);
        } catch (err) {
          emitter.fault('lifecycle', err);
        }
      },
      true,
    ]);
  };
  let gone = false;
  const leaving = (persisted: boolean): void => {
    if (!gone && !emitter.idle) emitter.record({ type: 'realmGone', t: emitter.now(), persisted });
    gone = !persisted;
    emitter.setLeaving(true);
  };
  listen(win, 'pagehide', (e) => leaving(read(persistedGetter, e) === true));
  // A popup that posts and closes itself in the same task: what its tab sends to the extension while
  // it unloads is dropped by the browser, so its last events must leave at the close() call itself.
  // (A close() the browser refuses, on a window no script opened, leaves `closed` false: nothing then.)
  const closedGetter = getter(win, 'closed');
  replaceValue(
    win,
    'close',
    afterCall(
      (self) => {
        if (self === win && read(closedGetter, win) === true) leaving(false);
      },
      (err) => emitter.fault('lifecycle', err),
    ),
  );
  // Back from the back/forward cache (the relay came back with it): recording just goes on.
  listen(win, 'pageshow', () => emitter.setLeaving(false));
  listen(doc, 'freeze', () => emitter.setLeaving(true));
  listen(doc, 'resume', () => emitter.setLeaving(false));
  listen(doc, 'visibilitychange', () => {
    if (read(visibilityGetter, doc) === 'hidden') emitter.flush();
  });
}

try {
  start();
} catch {
  // A recorder that cannot start must leave the page exactly as it was.
}
