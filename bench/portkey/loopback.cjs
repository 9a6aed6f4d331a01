// Preloaded into Portkey's gateway by Sluice.LoadTools (node --require): its start script listens with
// serve({ port }) and no host, so on every interface; this binds that socket to 127.0.0.1 instead, as the
// harness binds nginx, Sluice and the fake upstream. Nothing else changes.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
