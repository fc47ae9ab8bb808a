// Its first statement: the moment it runs, on the page's clock.
postMessage(performance.timeOrigin + performance.now());
