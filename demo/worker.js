// Entangle demo — dedicated worker (classic script).
//  - {type:'ping', n} on the worker itself            → {type:'pong', n}
//  - {type:'connect'} with a transferred port          → {type:'hello-from-worker'} on that port,
//    then {type:'ping', n} on the port                 → {type:'pong', n, via:'port'}
(function () {
  'use strict';
  const ports = []; // keep every port alive

  self.onmessage = (event) => {
    const data = event.data;
    if (!data) return;
    if (data.type === 'ping') {
      self.postMessage({ type: 'pong', n: data.n });
    } else if (data.type === 'connect' && event.ports[0]) {
      const port = event.ports[0];
      ports.push(port);
      port.onmessage = (e) => {
        if (e.data && e.data.type === 'ping') port.postMessage({ type: 'pong', n: e.data.n, via: 'port' });
      };
      port.postMessage({ type: 'hello-from-worker' });
    }
  };
})();
