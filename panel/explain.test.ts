import { describe, expect, it } from 'vitest';
import type { MessageModel, MessageStatus, SenderUnknownReason, StatusReason } from '../model/correlator';
import {
  explainAmbiguity,
  explainCloneCulprit,
  explainError,
  explainGapReason,
  explainMessage,
  explainSenderUnknown,
  explainStatusReason,
  reasonLabel,
  senderUnknownLabel,
  statusLabel,
  type ErrorFamily,
} from './explain';

const REASONS: StatusReason[] = [
  'sendThrew',
  'undeserializable',
  'sendingPortClosed',
  'partnerClosed',
  'partnerLost',
  'realmGone',
  'notStarted',
  'awaitingReceipt',
  'inTransit',
  'receiverUninstrumented',
  'partnerUnknown',
  'broadcastUnmatched',
  'deliveryInferred',
];

describe('status reasons', () => {
  it.each(REASONS)('%s has a label and an explanation', (reason) => {
    expect(reasonLabel(reason).length).toBeGreaterThan(5);
    expect(explainStatusReason(reason).length).toBeGreaterThan(40);
  });

  it('explains each reason differently', () => {
    expect(new Set(REASONS.map(explainStatusReason)).size).toBe(REASONS.length);
  });

  it('notStarted says how a port gets started', () => {
    expect(explainStatusReason('notStarted')).toContain('the receiving port was never started: messages wait in its queue until start() is called or onmessage is set'.replace(/^t/, 'T'));
  });

  it.each<[MessageStatus, string]>([
    ['delivered', 'Delivered'],
    ['queued', 'Queued'],
    ['failed', 'Failed'],
    ['lost', 'Lost'],
    ['doomed', 'Doomed'],
    ['dropped-origin', 'Dropped'],
    ['in-flight', 'In flight'],
  ])('status %s reads %s', (s, label) => expect(statusLabel(s)).toBe(label));
});

/** Exceptions as Chromium (and Firefox) throw them from postMessage. */
const CHROMIUM: [string, string, ErrorFamily, string][] = [
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': function f() {} could not be cloned.", 'uncloneable', 'cannot be copied to another context (a function, a DOM node, a symbol'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': Symbol(s) could not be cloned.", 'uncloneable', 'Here: Symbol(s).'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': HTMLDivElement object could not be cloned.", 'uncloneable', 'Here: HTMLDivElement object.'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'Window': () => 1 could not be cloned.", 'uncloneable', 'Here: () => 1.'],
  ['DataCloneError', 'The object could not be cloned.', 'uncloneable', 'cannot be copied'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': ArrayBuffer at index 1 is a duplicate of an earlier ArrayBuffer.", 'duplicate', 'the same object twice'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': Message port at index 1 is a duplicate of an earlier port.", 'duplicate', 'the same object twice'],
  ['DataCloneError', 'A MessagePort was transferred more than once.', 'duplicate', 'the same object twice'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': Port at index 0 contains the source port.", 'sourcePort', 'cannot be sent through itself'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': ArrayBuffer at index 0 is already detached.", 'detached', 'already transferred (detached)'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': An ArrayBuffer is detached and could not be cloned.", 'detached', 'ArrayBuffer'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': An ImageBitmap is detached and could not be cloned.", 'detached', 'ImageBitmap'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'Window': SharedArrayBuffer transfer requires self.crossOriginIsolated.", 'sharedArrayBuffer', 'cross-origin isolated'],
  ['TypeError', "Failed to execute 'postMessage' on 'MessagePort': Value at index 0 does not have a transferable type.", 'notTransferable', 'cannot be transferred'],
  ['TypeError', "Failed to execute 'postMessage' on 'MessagePort': Overload resolution failed.", 'transferNotList', 'the transfer argument is not a list'.replace(/^t/, 'T')],
  ['TypeError', "Failed to execute 'postMessage' on 'MessagePort': The object must have a callable @@iterator property.", 'transferNotList', 'not a list'],
  ['TypeError', 'MessagePort.postMessage: Argument 2 is not iterable.', 'transferNotList', 'not a list'],
  ['TypeError', 'MessagePort.postMessage: Argument 2 can\u2019t be converted to a sequence.', 'transferNotList', 'not a list'],
  ['InvalidStateError', "Failed to execute 'postMessage' on 'BroadcastChannel': Channel is closed", 'closedChannel', 'BroadcastChannel was closed'],
  ['SyntaxError', "Failed to execute 'postMessage' on 'Window': Invalid target origin 'not a url' in a call to 'postMessage'.", 'targetOrigin', 'targetOrigin'],
  ['DataCloneError', "Failed to execute 'postMessage' on 'MessagePort': Data cannot be cloned, out of memory.", 'tooLarge', 'too large'],
  ['TypeError', "Failed to execute 'postMessage' on 'MessagePort': 1 argument required, but only 0 present.", 'missingArgument', 'without the message'],
  ['TypeError', 'Illegal invocation', 'illegalInvocation', 'wrong `this`'],
  ['messageerror', 'the receiver could not deserialize the message', 'undeserializable', 'messageerror'],
  ['DataCloneError', 'something new', 'other', 'could not copy'],
  ['TypeError', 'something new', 'other', 'wrong type'],
  ['WeirdError', 'huh', 'other', 'postMessage threw WeirdError'],
];

describe('explainError', () => {
  it.each(CHROMIUM)('%s: %s → %s', (name, message, family, words) => {
    const e = explainError({ name, message });
    expect(e.family).toBe(family);
    expect(e.text).toContain(words);
  });

  it('uses the transfer list when the message is unspecific', () => {
    const generic = { name: 'DataCloneError', message: 'The object could not be cloned.' };
    expect(explainError(generic, { fromPort: 'A:1', transfers: [{ kind: 'MessagePort', port: 'A:1' }] }).family).toBe('sourcePort');
    expect(
      explainError(generic, {
        transfers: [
          { kind: 'MessagePort', port: 'A:3' },
          { kind: 'MessagePort', port: 'A:3' },
        ],
      }).family,
    ).toBe('duplicate');
    expect(explainError(generic, { fromPort: 'A:1', transfers: [{ kind: 'MessagePort', port: 'A:2' }] }).family).toBe('uncloneable');
  });

  it('an InvalidStateError on a broadcast route is a closed channel', () => {
    expect(explainError({ name: 'InvalidStateError', message: 'x' }, { route: 'broadcast' }).family).toBe('closedChannel');
    expect(explainError({ name: 'InvalidStateError', message: 'x' }, { route: 'port' }).family).toBe('invalidState');
  });

  it('tolerates malformed summaries', () => {
    expect(explainError({} as never).family).toBe('other');
  });
});

describe('explainAmbiguity', () => {
  const known = [
    'gap',
    'uninstrumentedHolder',
    'portCount',
    'receivedBeforeSent',
    'size',
    'partnerMayHaveMoved',
    'sendNotRecorded',
    'partnerUnknown',
    'severalSenders',
    'transferredPorts',
    'transferInferred',
    'source:originMismatch',
    'source:childIndex',
    'source:severalCandidates',
  ];
  it.each(known)('%s has its own explanation', (r) => {
    expect(explainAmbiguity(r)).not.toMatch(/^Not confirmed:|could not be told for certain \(/);
  });
  it('explains each reason differently', () => {
    expect(new Set(known.map(explainAmbiguity)).size).toBe(known.length);
  });
  it('falls back for reasons it does not know', () => {
    expect(explainAmbiguity('source:newThing')).toContain('newThing');
    expect(explainAmbiguity('brandNew')).toContain('brandNew');
  });
});

describe('explainGapReason', () => {
  it('explains each reason', () => {
    expect(explainGapReason('relayBufferFull')).toContain('buffer was full');
    expect(explainGapReason('batchRejected')).toContain('rejected');
    expect(explainGapReason('unknown')).toContain('never reached');
  });
});

describe('explainMessage', () => {
  const base: MessageModel = { id: 'A#2', route: 'port', status: 'delivered', ambiguous: false, transfers: [] };

  it('a failed send: status, and the exception explained', () => {
    const m: MessageModel = {
      ...base,
      status: 'failed',
      reason: 'sendThrew',
      error: { name: 'DataCloneError', message: "Failed to execute 'postMessage' on 'MessagePort': function f() {} could not be cloned." },
    };
    const e = explainMessage(m);
    expect(e.status).toBe('Failed — postMessage threw');
    expect(e.explanation).toContain('cannot be copied to another context');
  });

  it('a queued message', () => {
    const e = explainMessage({ ...base, status: 'queued', reason: 'notStarted', ambiguous: true, ambiguity: ['partnerMayHaveMoved'] });
    expect(e.status).toBe('Queued — the receiving port was never started');
    expect(e.explanation).toContain('start() is called or onmessage is set');
    expect(e.ambiguity).toEqual([explainAmbiguity('partnerMayHaveMoved')]);
  });

  it('a doomed message', () => {
    const e = explainMessage({ ...base, status: 'doomed' });
    expect(e.status).toContain('Doomed');
    expect(e.explanation).toContain("sending port's own partner");
  });

  it('a window message dropped for its targetOrigin names both origins and the call site', () => {
    const e = explainMessage({
      ...base,
      route: 'window',
      status: 'dropped-origin',
      dropped: { targetOrigin: 'https://wrong.example', recipientOrigin: 'http://127.0.0.1:8080', url: 'http://127.0.0.1:8080/page.html', line: 12, column: 5 },
      senderUnknown: 'callSiteAmbiguous',
    });
    expect(e.status).toBe("Dropped — targetOrigin 'https://wrong.example' does not match the receiver's origin 'http://127.0.0.1:8080'");
    expect(e.explanation).toMatch(/^dropped: targetOrigin 'https:\/\/wrong\.example' does not match the receiver's origin 'http:\/\/127\.0\.0\.1:8080'\./);
    expect(e.explanation).toContain('The call was made at http://127.0.0.1:8080/page.html:12:5.');
    expect(e.sender).toContain('several windows of the session are at that URL');
  });

  it('a delivered message has nothing to explain', () => {
    expect(explainMessage(base)).toEqual({ status: 'Delivered', ambiguity: [] });
  });
});

describe('unknown senders', () => {
  const ALL: SenderUnknownReason[] = [
    'sendNotRecorded',
    'custodyUncertain',
    'partnerUnknown',
    'sourceAmbiguous',
    'sourceOutsideTab',
    'sourceNone',
    'frameUnknown',
    'broadcastUnmatched',
    'broadcastAmbiguous',
    'callSiteUnmatched',
    'callSiteAmbiguous',
  ];

  it('says in words, for every reason, why the sender is not known', () => {
    const labels = new Set(ALL.map(senderUnknownLabel));
    const texts = new Set(ALL.map(explainSenderUnknown));
    expect(labels.size).toBe(ALL.length);
    expect(texts.size).toBe(ALL.length);
    for (const t of texts) expect(t).toMatch(/^[A-Z].{40,}\.$/s);
    expect(explainSenderUnknown('sourceOutsideTab')).toContain('outside the recorded session');
  });

  it('a message with no sending realm explains why; one with a sender does not', () => {
    const m: MessageModel = { id: 'B#2', route: 'window', toRealm: 'B', receivedAt: 1, status: 'delivered', ambiguous: false, transfers: [], senderUnknown: 'sourceAmbiguous' };
    expect(explainMessage(m).sender).toBe(explainSenderUnknown('sourceAmbiguous'));
    expect(explainMessage({ ...m, fromRealm: 'A', senderUnknown: undefined }).sender).toBeUndefined();
  });
});

describe('where a clone failed', () => {
  const DCE = { name: 'DataCloneError', message: "Failed to execute 'postMessage' on 'MessagePort': function f() {} could not be cloned." };

  it('names the path and what sits there, then what the error means', () => {
    expect(explainCloneCulprit({ ...DCE, path: 'payload.handlers[2]', culprit: 'Function' })).toBe('`payload.handlers[2]` is a Function, which structured clone cannot copy.');
    expect(explainCloneCulprit({ ...DCE, path: 'payload.el', culprit: 'HTMLDivElement' })).toBe('`payload.el` is an HTMLDivElement, which structured clone cannot copy.');
    expect(explainCloneCulprit({ ...DCE, path: 'payload' })).toBe('`payload` is a value structured clone cannot copy.');
    expect(explainCloneCulprit(DCE)).toBeUndefined();
    const e = explainError({ ...DCE, path: 'payload.handlers[2]', culprit: 'Function' });
    expect(e.family).toBe('uncloneable');
    expect(e.text.startsWith('`payload.handlers[2]` is a Function, which structured clone cannot copy. The message contains')).toBe(true);
    // Without a path, as before.
    expect(explainError(DCE).text.startsWith('The message contains')).toBe(true);
  });
});
