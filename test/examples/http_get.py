"""Drives examples/http_get against a local HTTP server (Python's, in a thread): a 300 KiB body fetched by name
("localhost") and by address into a file, byte for byte; a 404; a name that does not resolve (an empty label, refused
without DNS); a refused connection; an output file that cannot be opened.  Usage: http_get.py PATH-TO-http_get"""
import http.server
import os
import random
import socket
import sys
import tempfile
import threading

from common import check, check_that, finish, program, run

prog = program(sys.argv[1])
BODY = random.Random(12).randbytes(300 << 10)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/data":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = httpd.server_address[1]
threading.Thread(target=httpd.serve_forever, daemon=True).start()

with tempfile.TemporaryDirectory() as d:
    for host in ("localhost", "127.0.0.1"):
        out = os.path.join(d, f"body-{host}")
        rc, stdout, stderr = run([*prog, host, str(port), "/data", out], timeout=60)
        check(f"{host}: exit status", (rc, stderr), (0, b""))
        check(f"{host}: the report", stdout, b"/data: %d bytes to %s\n" % (len(BODY), out.encode()))
        with open(out, "rb") as f:
            check_that(f"{host}: the file holds the body, byte for byte", f.read() == BODY)

    out = os.path.join(d, "missing")
    rc, stdout, stderr = run([*prog, "localhost", str(port), "/nothing", out], timeout=60)
    check("a 404", (rc, stderr), (1, b"http_get: localhost:%d/nothing: not a 200 response\n" % port))

    rc, stdout, stderr = run([*prog, "weft..invalid", str(port), "/data", out], timeout=60)
    check("a name that does not resolve", (rc, stderr),
          (1, b"http_get: weft..invalid:%d: Name or service not known\n" % port))

    # A port nobody listens on: bound, never listened.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
        rc, stdout, stderr = run([*prog, "127.0.0.1", str(closed), "/data", out], timeout=60)
    check("a refused connection", (rc, stderr), (1, b"http_get: 127.0.0.1:%d: Connection refused\n" % closed))

    # An output file that cannot be opened: the failure names the file, not the server.
    bad = os.path.join(d, "no-such-dir", "body")
    rc, stdout, stderr = run([*prog, "localhost", str(port), "/data", bad], timeout=60)
    check("an output file that cannot be opened", (rc, stderr),
          (1, b"http_get: %s: No such file or directory\n" % bad.encode()))

httpd.shutdown()
finish()
