/**
 * Entry of the main-world recorder (built to dist/chrome/inject.js, an IIFE with no exports so it
 * leaves no global behind). Runs at document_start in every frame, before any page script.
 */
import { PROTOCOL_VERSION } from '../model/protocol';
import { installToStringDisguise } from './disguise';
import { Emitter } from './emit';
import { instrument } from './instrument';
import { addEventListener, apply, randomId } from './natives';

function start(): void {
  const win = window;
  const emitter = new Emitter(randomId(), document);
  emitter.record({
    type: 'realmStarted',
    t: emitter.now(),
    kind: win === win.top ? 'top' : 'iframe',
    url: location.href,
    origin: win.origin,
    protocol: PROTOCOL_VERSION,
  });
  installToStringDisguise();
  instrument(win as Window & typeof globalThis, emitter);
  // A document on its way out still gets its last events out.
  apply(addEventListener, win, ['pagehide', () => emitter.flush(), true]);
}

try {
  start();
} catch {
  // A recorder that cannot start must leave the page exactly as it was.
}
