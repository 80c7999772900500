// echo.js: the TCP echo server on Node's net module: every chunk read is written back.  Prints
// "listening on 127.0.0.1:PORT" like weft's examples/echo_server.  Usage: node echo.js [port]
// Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole).
'use strict';
const net = require('net');
const server = net.createServer((socket) => {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});
