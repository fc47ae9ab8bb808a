// Entangle demo — top page (origin A). Plain classic script, no dependencies.
//
// On load it creates a same-origin iframe (#frame-same, frame-same.html on origin A), a cross-origin
// iframe (#frame-cross, frame-cross.html on origin B) and a dedicated worker (worker.js), then runs the
// scenarios a–g once, in order. Each scenario creates its own channels, so it can be re-run from its
// button. When every scenario has run and every expected reply has arrived:
//   window.__demoDone = true   and a "demo finished" line in #log.
// If a reply does not arrive within REPLY_TIMEOUT_MS, the scenario logs what is missing,
// window.__demoError holds a summary and window.__demoDone stays false.
//
// Names a test can rely on (see README.md): message types 'connect', 'hello-from-cross',
// 'echo' {value}, 'hello-from-same', 'ping' {n}, 'pong' {n}, 'hello-from-worker', 'bc-from-top',
// 'bc-from-same', 'big', 'cyclic', 'ack', 'queued'; window.__demoLog (lines), window.__demoErrors
// ({scenario, label, name, message}); window.__demoSilent ({scenario, label, threw, delivered}).
(function () {
  'use strict';

  const REPLY_TIMEOUT_MS = 5000;
  const SILENCE_MS = 300; // how long we watch for a message that must NOT arrive
  const config = self.ENTANGLE_DEMO || { originA: location.origin, originB: location.origin };
  const originA = config.originA;
  const originB = config.originB;

  const logEl = document.getElementById('log');
  const statusEl = document.getElementById('status');
  document.getElementById('origin-a').textContent = originA;
  document.getElementById('origin-b').textContent = originB;

  window.__demoDone = false;
  window.__demoError = null;
  window.__demoLog = [];
  window.__demoErrors = [];
  window.__demoSilent = [];

  // Everything that must stay alive (never-started ports, listeners) is kept here so the garbage
  // collector cannot close a channel the demo still wants to show.
  const keep = [];

  // ---------------------------------------------------------------- logging

  function log(scenario, text, kind) {
    const line = '[' + scenario + '] ' + text;
    window.__demoLog.push(line);
    const li = document.createElement('li');
    li.className = kind || 'info';
    li.dataset.scenario = scenario;
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = scenario;
    li.append(tag, document.createTextNode(' ' + text));
    logEl.append(li);
    li.scrollIntoView({ block: 'nearest' });
  }

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = 'status ' + kind;
  }

  /** Short human description of a structured-clone value, for the log. */
  function describe(value, depth) {
    depth = depth || 0;
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string') {
        return value.length > 40 ? JSON.stringify(value.slice(0, 40)) + '…(' + value.length + ' chars)' : JSON.stringify(value);
      }
      return String(value);
    }
    if (depth > 3) return '…';
    if (value instanceof Date) return 'Date(' + value.toISOString() + ')';
    if (value instanceof Map) {
      return 'Map(' + value.size + ') {' + Array.from(value, ([k, v]) => describe(k, depth + 1) + ' => ' + describe(v, depth + 1)).join(', ') + '}';
    }
    if (value instanceof Set) return 'Set(' + value.size + ') {' + Array.from(value, (v) => describe(v, depth + 1)).join(', ') + '}';
    if (value instanceof ArrayBuffer) return 'ArrayBuffer(' + value.byteLength + ')';
    if (ArrayBuffer.isView(value)) {
      return value.constructor.name + '(' + value.length + ') [' + Array.from(value).slice(0, 8).join(', ') + ']';
    }
    if (Array.isArray(value)) return '[' + value.map((v) => describe(v, depth + 1)).join(', ') + ']';
    const seen = Object.keys(value).map((k) => (value[k] === value ? k + ': <cycle>' : k + ': ' + describe(value[k], depth + 1)));
    return '{' + seen.join(', ') + '}';
  }

  // ---------------------------------------------------------------- waiting for replies

  /**
   * Records every message that arrives on `target` (a MessagePort, Worker or BroadcastChannel) and lets
   * a scenario wait for the next one that matches. Setting onmessage starts a port, as apps usually do.
   */
  function inbox(target, name) {
    const items = [];
    const taken = new Set();
    let waiters = [];
    target.onmessage = (event) => {
      items.push(event.data);
      waiters = waiters.filter((w) => !w.check());
    };
    return {
      items,
      /** Resolves with the first not-yet-taken message for which `match` is true. */
      next(match, label) {
        return new Promise((resolve, reject) => {
          const waiter = {
            check() {
              const i = items.findIndex((item, idx) => !taken.has(idx) && match(item));
              if (i < 0) return false;
              taken.add(i);
              clearTimeout(timer);
              resolve(items[i]);
              return true;
            },
          };
          const timer = setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            reject(new Error(name + ': no ' + label + ' within ' + REPLY_TIMEOUT_MS + ' ms'));
          }, REPLY_TIMEOUT_MS);
          if (!waiter.check()) waiters.push(waiter);
        });
      },
    };
  }

  const isType = (type, extra) => (data) => data != null && data.type === type && (!extra || extra(data));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Runs `fn` and records the exception it throws (the demo expects one). */
  function expectThrow(scenario, label, fn) {
    try {
      fn();
      log(scenario, label + ' → no exception (unexpected)', 'error');
      window.__demoErrors.push({ scenario, label, name: null, message: null });
    } catch (err) {
      log(scenario, label + ' → ' + err.name + ': ' + err.message, 'caught');
      window.__demoErrors.push({ scenario, label, name: err.name, message: err.message });
    }
  }

  // ---------------------------------------------------------------- frames and worker

  let sameFrame = null;
  let crossFrame = null;
  let worker = null;
  let workerInbox = null;

  function loadFrame(id, src, title) {
    return new Promise((resolve, reject) => {
      const iframe = document.createElement('iframe');
      iframe.id = id;
      iframe.title = title;
      const timer = setTimeout(() => reject(new Error(id + ' did not load: ' + src)), REPLY_TIMEOUT_MS * 2);
      iframe.addEventListener('load', () => {
        clearTimeout(timer);
        resolve(iframe);
      }, { once: true });
      iframe.src = src;
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      caption.textContent = title + ' — ' + src;
      figure.append(caption, iframe);
      document.getElementById('frames').append(figure);
    });
  }

  async function setUp() {
    log('setup', 'origin A = ' + originA + ', origin B = ' + originB);
    [sameFrame, crossFrame] = await Promise.all([
      loadFrame('frame-same', new URL('frame-same.html', originA + '/').href, 'same-origin iframe'),
      loadFrame('frame-cross', new URL('frame-cross.html', originB + '/').href, 'cross-origin iframe'),
    ]);
    worker = new Worker('worker.js', { name: 'entangle-demo-worker' });
    worker.onerror = (event) => log('setup', 'worker error: ' + event.message, 'error');
    workerInbox = inbox(worker, 'worker');
    const note = document.createElement('p');
    note.className = 'worker-note';
    note.textContent = 'dedicated worker — worker.js (name "entangle-demo-worker")';
    document.getElementById('frames').append(note);
    log('setup', 'iframes loaded, worker started', 'ok');
  }

  // ---------------------------------------------------------------- scenarios

  const scenarioRuns = { d: 0 };

  const scenarios = {
    // a. MessageChannel into the CROSS-origin iframe. port2 is transferred with window.postMessage
    //    (targetOrigin = origin B). The iframe greets with {type:'hello-from-cross'} and echoes every
    //    message it gets as {type:'echo', value}. We send a Map, a Date, a transferred ArrayBuffer,
    //    a typed array and a nested object.
    async a() {
      const channel = new MessageChannel();
      const replies = inbox(channel.port1, 'cross-origin port');
      crossFrame.contentWindow.postMessage({ type: 'connect' }, originB, [channel.port2]);
      log('a', 'sent {type:"connect"} + port2 to the cross-origin iframe (' + originB + ')');
      await replies.next(isType('hello-from-cross'), '{type:"hello-from-cross"}');
      log('a', 'got {type:"hello-from-cross"}', 'ok');

      const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
      const payloads = [
        ['Map', new Map([['answer', 42]])],
        ['Date', new Date('2024-01-02T03:04:05.000Z')],
        ['ArrayBuffer (transferred)', buffer],
        ['Uint16Array', new Uint16Array([1, 2, 65535])],
        ['nested object', { user: { name: 'Ada', tags: ['x', 'y'], prefs: { dark: true, langs: new Set(['en', 'fr']) } }, n: 1 }],
      ];
      for (const [what, value] of payloads) {
        if (value === buffer) {
          channel.port1.postMessage(value, [value]);
          log('a', 'sent ' + what + ' — byteLength after transfer: ' + buffer.byteLength);
        } else {
          channel.port1.postMessage(value);
          log('a', 'sent ' + what + ': ' + describe(value));
        }
      }
      for (const [what] of payloads) {
        const reply = await replies.next(isType('echo'), '{type:"echo"} for ' + what);
        log('a', 'echo: ' + describe(reply.value), 'ok');
      }
      keep.push(channel);
    },

    // b. MessageChannel into the SAME-origin iframe (port2 transferred by window.postMessage with
    //    targetOrigin = origin A), then ping/pong three times.
    async b() {
      const channel = new MessageChannel();
      const replies = inbox(channel.port1, 'same-origin port');
      sameFrame.contentWindow.postMessage({ type: 'connect' }, originA, [channel.port2]);
      log('b', 'sent {type:"connect"} + port2 to the same-origin iframe');
      await replies.next(isType('hello-from-same'), '{type:"hello-from-same"}');
      log('b', 'got {type:"hello-from-same"}', 'ok');
      for (let n = 1; n <= 3; n++) {
        channel.port1.postMessage({ type: 'ping', n });
        const pong = await replies.next(isType('pong', (d) => d.n === n), '{type:"pong", n:' + n + '}');
        log('b', 'ping ' + n + ' → pong ' + pong.n, 'ok');
      }
      keep.push(channel);
    },

    // c. Dedicated worker: worker.postMessage({type:'ping', n}) → {type:'pong', n}; then a
    //    MessageChannel port transferred to the worker, greeting {type:'hello-from-worker'} and
    //    ping/pong over the port ({type:'pong', n, via:'port'}).
    async c() {
      for (let n = 1; n <= 3; n++) {
        worker.postMessage({ type: 'ping', n });
        const pong = await workerInbox.next(isType('pong', (d) => d.n === n && !d.via), '{type:"pong", n:' + n + '} from the worker');
        log('c', 'worker ping ' + n + ' → pong ' + pong.n, 'ok');
      }
      const channel = new MessageChannel();
      const replies = inbox(channel.port1, 'worker port');
      worker.postMessage({ type: 'connect' }, [channel.port2]);
      log('c', 'sent {type:"connect"} + port2 to the worker');
      await replies.next(isType('hello-from-worker'), '{type:"hello-from-worker"}');
      log('c', 'got {type:"hello-from-worker"}', 'ok');
      for (let n = 1; n <= 2; n++) {
        channel.port1.postMessage({ type: 'ping', n });
        const pong = await replies.next(isType('pong', (d) => d.n === n), '{type:"pong", n:' + n + '} over the worker port');
        log('c', 'port ping ' + n + ' → pong ' + pong.n + ' (via ' + pong.via + ')', 'ok');
      }
      keep.push(channel);
    },

    // d. BroadcastChannel('entangle-demo') between the top page and the same-origin iframe: one
    //    message each way ({type:'bc-from-top', run} → {type:'bc-from-same', run}).
    async d() {
      const bc = new BroadcastChannel('entangle-demo');
      const replies = inbox(bc, 'BroadcastChannel');
      const run = ++scenarioRuns.d;
      bc.postMessage({ type: 'bc-from-top', run });
      log('d', 'broadcast {type:"bc-from-top", run:' + run + '} on "entangle-demo"');
      const reply = await replies.next(isType('bc-from-same', (d) => d.run === run), '{type:"bc-from-same"}');
      log('d', 'got {type:"bc-from-same", run:' + reply.run + '} from the same-origin iframe', 'ok');
      bc.close();
    },

    // e. Deliberate errors. The four thrown ones are caught and logged with err.name and
    //    err.message. Then two silent failures that must NOT throw: a "doomed" post (the transfer
    //    list holds the sending port's own partner) and a post on a closed port.
    async e() {
      const channel = new MessageChannel();
      const received = inbox(channel.port2, 'error-case port');

      // e1: functions cannot be cloned.
      expectThrow('e', 'port1.postMessage(function f(){})', () => channel.port1.postMessage(function f() {}));

      // e2: the same ArrayBuffer twice in one transfer list.
      const buffer = new ArrayBuffer(8);
      expectThrow('e', 'postMessage(buf, [buf, buf])', () => channel.port1.postMessage(buffer, [buffer, buffer]));

      // e3: transferring the sending port itself.
      expectThrow('e', 'port1.postMessage("x", [port1])', () => channel.port1.postMessage('x', [channel.port1]));

      // e4: a targetOrigin that is not a URL.
      expectThrow('e', 'window.postMessage("x", "not a url")', () => window.postMessage('x', 'not a url'));

      // The failed posts above must not have delivered anything.
      await sleep(SILENCE_MS);
      log('e', 'messages delivered by the failed posts: ' + received.items.length, received.items.length ? 'error' : 'ok');

      // e5 (silent): "doomed" — p1.postMessage('doomed', [p2]) where p2 is p1's own partner. The spec
      // says the message is silently discarded; the partner is transferred into the void.
      {
        const doomed = new MessageChannel();
        const back = inbox(doomed.port1, 'doomed port1');
        let threw = null;
        try {
          doomed.port1.postMessage('doomed', [doomed.port2]);
        } catch (err) {
          threw = err.name + ': ' + err.message;
        }
        await sleep(SILENCE_MS);
        const outcome = { scenario: 'e', label: 'doomed', threw, delivered: back.items.length };
        window.__demoSilent.push(outcome);
        log('e', 'p1.postMessage("doomed", [p2]) (p2 = p1\'s partner) → ' + (threw ? 'threw ' + threw : 'no exception') +
          ', messages that came back on p1: ' + back.items.length, threw ? 'error' : 'silent');
        keep.push(doomed);
      }

      // e6 (silent): post on a port after close().
      {
        const closed = new MessageChannel();
        const got = inbox(closed.port2, 'closed-channel port2');
        closed.port1.close();
        let threw = null;
        try {
          closed.port1.postMessage('after-close');
        } catch (err) {
          threw = err.name + ': ' + err.message;
        }
        await sleep(SILENCE_MS);
        const outcome = { scenario: 'e', label: 'post-after-close', threw, delivered: got.items.length };
        window.__demoSilent.push(outcome);
        log('e', 'port1.close(); port1.postMessage("after-close") → ' + (threw ? 'threw ' + threw : 'no exception') +
          ', delivered to port2: ' + got.items.length, threw ? 'error' : 'silent');
        keep.push(closed);
      }
      keep.push(channel);
    },

    // f. A port that is never started: port2 gets no onmessage, no start(), no listener. Three
    //    messages posted to it stay queued for as long as the page lives.
    async f() {
      const channel = new MessageChannel();
      for (let n = 1; n <= 3; n++) channel.port1.postMessage({ type: 'queued', n });
      keep.push(channel); // keep both ends alive so the messages stay queued, not garbage-collected
      log('f', 'posted 3 × {type:"queued", n} to a port that is never started — they stay queued', 'silent');
    },

    // g. Big and cyclic payloads over a new port in the same-origin iframe: a ~100 KB string
    //    ({type:'big', text}) and a self-referencing object ({type:'cyclic', self}); the iframe
    //    acknowledges each with {type:'ack', what, ...}.
    async g() {
      const channel = new MessageChannel();
      const replies = inbox(channel.port1, 'big/cyclic port');
      sameFrame.contentWindow.postMessage({ type: 'connect' }, originA, [channel.port2]);
      await replies.next(isType('hello-from-same'), '{type:"hello-from-same"}');

      const text = 'entangle '.repeat(11378).slice(0, 100 * 1024); // 102400 chars
      channel.port1.postMessage({ type: 'big', text });
      log('g', 'sent {type:"big"} with a ' + text.length + '-character string');
      const bigAck = await replies.next(isType('ack', (d) => d.what === 'big'), '{type:"ack", what:"big"}');
      log('g', 'ack: the iframe received ' + bigAck.length + ' characters', bigAck.length === text.length ? 'ok' : 'error');

      const cyclic = { type: 'cyclic', label: 'o' };
      cyclic.self = cyclic; // structured clone keeps the cycle
      channel.port1.postMessage(cyclic);
      log('g', 'sent {type:"cyclic"} where o.self === o');
      const cyclicAck = await replies.next(isType('ack', (d) => d.what === 'cyclic'), '{type:"ack", what:"cyclic"}');
      log('g', 'ack: in the iframe o.self === o is ' + cyclicAck.cyclic, cyclicAck.cyclic ? 'ok' : 'error');
      keep.push(channel);
    },
  };

  const order = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  let busy = false;

  async function runScenario(letter) {
    try {
      await scenarios[letter]();
      return null;
    } catch (err) {
      log(letter, 'MISSING: ' + err.message, 'error');
      return letter + ': ' + err.message;
    }
  }

  async function runAll() {
    if (busy) return;
    busy = true;
    window.__demoDone = false;
    window.__demoError = null;
    setStatus('running…', 'running');
    const missing = [];
    for (const letter of order) {
      const problem = await runScenario(letter);
      if (problem) missing.push(problem);
    }
    if (missing.length === 0) {
      log('done', 'demo finished: every scenario ran and every expected reply arrived', 'ok');
      setStatus('demo finished', 'ok');
      window.__demoDone = true;
    } else {
      window.__demoError = 'missing replies: ' + missing.join('; ');
      log('done', 'demo finished with problems — ' + window.__demoError, 'error');
      setStatus('finished with problems', 'error');
    }
    busy = false;
  }

  async function runOne(letter) {
    if (busy) return;
    busy = true;
    setStatus('running scenario ' + letter + '…', 'running');
    const problem = await runScenario(letter);
    setStatus(problem ? 'scenario ' + letter + ' had problems' : 'scenario ' + letter + ' finished', problem ? 'error' : 'ok');
    busy = false;
  }

  // ---------------------------------------------------------------- wiring

  document.getElementById('run-all').addEventListener('click', () => runAll());
  document.getElementById('clear-log').addEventListener('click', () => logEl.replaceChildren());
  // A window message with no port, on demand only (the scenarios' counts stay as they are): a message
  // Entangle can send again (docs/replay.md).
  let notes = 0;
  document.getElementById('send-note').addEventListener('click', () => {
    if (!crossFrame) return;
    crossFrame.contentWindow.postMessage({ type: 'note', text: 'note ' + ++notes }, originB);
    log('note', 'sent {type:"note"} to the cross-origin iframe');
  });
  for (const button of document.querySelectorAll('button[data-scenario]')) {
    button.addEventListener('click', () => runOne(button.dataset.scenario));
  }
  window.__demo = { runAll, run: runOne, scenarios: order.slice() };

  setUp().then(runAll, (err) => {
    window.__demoError = 'setup failed: ' + err.message;
    log('setup', window.__demoError, 'error');
    setStatus('setup failed', 'error');
  });
})();
