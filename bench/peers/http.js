// http.js: the HTTP/1.1 keep-alive "Hello, world!\n" server on Node's http module, with the status line, headers
// and body of weft's examples/http_hello (Node adds its own Connection/Keep-Alive headers; no Date).  Prints
// "listening on 127.0.0.1:PORT".  Usage: node http.js [port]
// Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole).
'use strict';
const http = require('http');
const server = http.createServer((req, res) => {
  res.sendDate = false;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 14 });
  res.end('Hello, world!\n');
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});
