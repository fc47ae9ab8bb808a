/**
 * Messages on the extension's runtime ports (content ⇄ background ⇄ panel).
 *
 * While a document lives, the background holds no event data: the content relay of each document keeps
 * a bounded buffer and resends whatever the panel reports it does not have, so a restarted service
 * worker loses nothing. When the document leaves (`pagehide`), its relay hands every batch no panel
 * acknowledged to the background (`final`), which keeps them in `storage.session` (bounded per
 * inspected tab, see DEPARTED_*) for panels that subscribe later, until the tab closes.
 */
import type { DroppedRange, RealmId, RoutedBatch, UntrustedReason } from './protocol';
import type { ReplayRequested } from './replay';

export const CONTENT_PORT = 'entangle-content';
export const PANEL_PORT = 'entangle-panel';

/** Events a content relay keeps per document while they may still be needed by a panel. */
export const RELAY_BUFFER_EVENTS = 50_000;
/** Characters of batch JSON a content relay keeps per document (with RELAY_BUFFER_EVENTS, whichever binds first). */
export const RELAY_BUFFER_CHARS = 32 * 1024 * 1024;
/**
 * While no panel has ever listened for its tab (the background answers the relay's hello with
 * `uninspected`), a relay keeps only its document's first batches (the head, up to
 * UNWATCHED_HEAD_*) and its newest ones (up to UNWATCHED_TAIL_*): the recorder runs in every frame of
 * every site, and a tab nobody inspects should not hold 32 MB a document. The batches dropped between
 * the two are one counted gap (`unwatched`). Once a panel attaches, the document keeps the full bound
 * (RELAY_BUFFER_*) for the rest of its life, detaches included.
 */
export const UNWATCHED_HEAD_EVENTS = 2_000;
/** Head and tail together stay within DEPARTED_CHARS, so a leaving document hands all of it over. */
export const UNWATCHED_HEAD_CHARS = 768 * 1024;
export const UNWATCHED_TAIL_EVENTS = 2_000;
export const UNWATCHED_TAIL_CHARS = 768 * 1024;
/** Events of departed documents the background keeps per inspected tab (popups count with their
 *  opener's tab). Beyond it, or beyond DEPARTED_CHARS, the oldest batches go and the panel gets their
 *  seq range as a gap (`relayBufferFull`). */
export const DEPARTED_EVENTS = 20_000;
/** Characters of batch JSON of departed documents kept per inspected tab: `storage.session` holds
 *  10 MB for the whole extension, so a few busy tabs must fit. */
export const DEPARTED_CHARS = 2 * 1024 * 1024;
/** Largest batch (JSON characters) the relay accepts from the main world. */
export const MAX_BATCH_CHARS = 8 * 1024 * 1024;
/** Most events in one batch. */
export const MAX_BATCH_EVENTS = 5_000;

export type ContentToBackground =
  /** `popup`: the relay runs in the top window of a tab opened by another (`window.open`), and so
   *  streams every batch at once: a closing tab's last messages never reach the background. */
  | { kind: 'hello'; realm: RealmId; popup?: true; untrusted?: UntrustedReason }
  /** A batch as the recorder wrote it (`json` is a `WireBatch`, model/protocol.ts), validated by the panel. */
  | {
      kind: 'batch';
      realm: RealmId;
      first: number;
      last: number;
      json: string;
      dropped?: DroppedRange;
      /** The document is leaving: no panel acknowledged this batch yet and the relay's buffer dies
       *  with the document, so the background keeps it for panels that subscribe later. */
      final?: true;
    };

export type BackgroundToContent =
  /** A panel for this tab is listening: send every buffered event with `seq > have`
   *  (`have` null: everything after the last acknowledged one), then stream live. */
  | { kind: 'panelAttached'; have: number | null }
  /** No panel listens (any more, or now but one did before for this tab): keep buffering with the
   *  full bound, stop streaming. */
  | { kind: 'panelDetached' }
  /** The answer to `hello` when no panel listens for the tab and none ever did: keep only the
   *  document's first and newest batches (UNWATCHED_*), until a panel attaches. */
  | { kind: 'uninspected' }
  /** The panel holds every event of this realm up to `seq`. */
  | { kind: 'ack'; seq: number };

export type PanelToBackground =
  /** `have`: per realm, the highest sequence number the panel already holds. */
  | { kind: 'subscribe'; tabId: number; have: Record<RealmId, number> }
  /** Per realm, the highest sequence number the panel holds (every event up to it). The panel sends
   *  these together, at most every ACK_DELAY_MS: a page that churns frames has hundreds of realms,
   *  and one message per batch was a tenth of the panel's CPU. */
  | { kind: 'ack'; held: { realm: RealmId; seq: number }[] }
  /** Turn "Record inside workers" on or off for the origin of the tab's top document (the one the
   *  last `workers` state named). On while it stopped (`stopped`): try again. */
  | { kind: 'recordInsideWorkers'; on: boolean };

/** A RoutedBatch whose batch travels as the recorder's JSON text with its envelope (a string crosses
 *  the extension's message channel far more cheaply than the object). The panel parses and validates
 *  it (`batchFromText`); `json` is empty when the background already rejected it, or when the batch
 *  only carries a `dropped` range of `relayBufferFull` (the background's store of departed documents
 *  dropped every batch of that realm: the panel shows the range as a gap). */
export type RoutedBatchText = Omit<RoutedBatch, 'batch'> & { realm: RealmId; first: number; last: number; json: string };

export type BackgroundToPanel =
  | { kind: 'batch'; routed: RoutedBatchText }
  | { kind: 'frameGone'; realm: RealmId; frameId: number }
  /** A worker recorded from the inside ended (or its recording did): its realm is gone. */
  | { kind: 'workerGone'; realm: RealmId; target: string }
  /** "Record inside workers" for the subscribed tab: sent on subscribe and on every change. */
  | { kind: 'workers'; state: WorkersState };

/**
 * Recording inside workers (issue 13) for one inspected tab, as the background sees it.
 * `unavailable`: the browser gives extensions no debugging protocol (Firefox): workers are seen from
 * the outside only. Otherwise `origin` is the top document's (null when the setting cannot apply to
 * it: about:blank, a browser page…) and `on` the setting remembered for it.
 */
export type WorkersState =
  | { status: 'unavailable' }
  | {
      status: WorkersStatus;
      origin: string | null;
      on: boolean;
      /** `stopped`: why (the user cancelled the browser's debugging bar, the tab could not be debugged…). */
      reason?: string;
      /** Workers recorded from the inside since the recording started. */
      recorded: number;
      /** The newest workers that could not be recorded (at most WORKERS_UNRECORDED_LISTED), and why. */
      unrecorded: { url: string; reason: string }[];
    };

/** `off`: the setting is off (or no panel…); `starting`: attaching; `recording`: attached; `stopped`:
 *  the attachment ended without the setting going off, and is not retried until the setting is
 *  switched on again or the tab's top document moves to another origin. */
export type WorkersStatus = 'off' | 'starting' | 'recording' | 'stopped';
export const WORKERS_UNRECORDED_LISTED = 5;

/** One-off requests from extension pages to the background (`runtime.sendMessage`). */
export type ExtensionRequest = { kind: 'inspectableTabs' } | FrameFactsRequest | ReplayRequested;

/**
 * What the page knows of a frame realm, asked on demand by the panel's inspector (never streamed: a
 * page that rotates thousands of ad frames must not pay for it). The background asks the frame's own
 * relay for its title and its index among its parent's frames, then the parent frame's relay for the
 * element holding that child (ContentRequest), and answers FrameFacts. Additive: an older background
 * gives no answer, which the panel shows as such.
 */
export interface FrameFactsRequest {
  kind: 'frameFacts';
  tabId: number;
  frameId: number;
  /** The realm shown: the frame's relay answers its title only while that document is still there. */
  realm: RealmId;
}

/** Longest page-supplied string in FrameFacts (title, attributes, DOM path), in characters. */
export const FRAME_FACT_CHARS = 200;

/** The frame's element in its parent's document, attributes as written (each cut to FRAME_FACT_CHARS). */
export interface FrameElementFacts {
  /** `iframe`, `frame`, `object` or `embed`. */
  tag: string;
  id?: string;
  name?: string;
  /** The `src` attribute (`data` for an object) as written, not resolved. */
  src?: string;
  sandbox?: string;
  allow?: string;
  /** A short CSS-like path from the parent's body (`body > div#ads > iframe:nth-of-type(2)`). */
  path: string;
}

/** Why a fact is not known: the relay did not answer (an older one, a frame without a relay, a
 *  timeout), the parent has no such element (any more), the frame holds another document now, or
 *  the frame is a top frame (no element). */
export const FRAME_FACT_MISSING = ['noAnswer', 'notFound', 'otherDocument', 'topFrame'] as const;
export type FrameFactMissing = (typeof FRAME_FACT_MISSING)[number];

export type FrameFact<T> = { known: T } | { missing: FrameFactMissing };

/** The background's answer to FrameFactsRequest. */
export interface FrameFacts {
  element: FrameFact<FrameElementFacts>;
  title: FrameFact<string>;
}

/** The background's questions to one frame's relay (`tabs.sendMessage` with its frameId). */
export type ContentRequest =
  /** Your document's realm and title, and your window's index in `parent.frames` (the frame id is the
   *  browser's, unknown to the parent's document; Chrome has no `runtime.getFrameId`). Answer: a
   *  FrameSelfAnswer. */
  | { kind: 'frameSelf' }
  /** Which of your frame-like elements holds your child window `frames[childIndex]`? Answer: a
   *  FrameElementFacts, or null. */
  | { kind: 'frameElement'; childIndex: number };

export interface FrameSelfAnswer {
  realm: RealmId;
  title: string;
  /** Absent in a top window, or when the window is not among its parent's frames. */
  childIndex?: number;
}

/** A tab with at least one live relay, and the document URLs of its relays (top first when known). */
export interface InspectableTab {
  tabId: number;
  urls: string[];
  /** A popup's tab: the inspected tab whose session it belongs to (its panels show the popup too). */
  popupOf?: number;
}
