/** Names of the DOM events between the main-world recorder and the content relay (see inject/emit.ts). */
export const HELLO = 'entangle:hello';
export const READY = 'entangle:ready';
export const BOUND = 'entangle:bound';
export const BATCH = 'entangle:batch';
export const CONFIG = 'entangle:config';
