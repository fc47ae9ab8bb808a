// Tiny visible log for the demo iframes: frameLog(text) appends to #frame-log.
// Plain classic script shared by frame-same.html and frame-cross.html.
(function () {
  'use strict';
  const where = document.getElementById('where');
  if (where) where.textContent = location.origin;

  function frameDescribe(value) {
    if (value instanceof Map) return 'Map(' + value.size + ')';
    if (value instanceof Set) return 'Set(' + value.size + ')';
    if (value instanceof Date) return 'Date';
    if (value instanceof ArrayBuffer) return 'ArrayBuffer(' + value.byteLength + ')';
    if (ArrayBuffer.isView(value)) return value.constructor.name + '(' + value.length + ')';
    if (value && typeof value === 'object') return 'object';
    return typeof value;
  }

  function frameLog(text) {
    const list = document.getElementById('frame-log');
    const li = document.createElement('li');
    li.textContent = text;
    list.append(li);
    while (list.children.length > 12) list.firstElementChild.remove();
  }

  self.frameLog = frameLog;
  self.frameDescribe = frameDescribe;
})();
