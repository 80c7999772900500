"""Drives examples/http_hello over real TCP and checks its answers byte for byte: keep-alive,
pipelining, Connection: close, HTTP/1.0, split requests, bodies, malformed and oversized heads, NUL bytes,
and an error answer to a client still sending (lingering close: the answer, then EOF, never a reset).
Usage: http_hello.py PATH-TO-http_hello"""
import socket
import sys
import threading
import time

from common import check, connect, finish, program, recv_all, recv_exact, recv_to_end, run, server

prog = program(sys.argv[1])

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n"
OK = HEAD + b"\r\nHello, world!\n"
OK_CLOSE = HEAD + b"Connection: close\r\n\r\nHello, world!\n"
OK_KEEP = HEAD + b"Connection: keep-alive\r\n\r\nHello, world!\n"
OK_HEAD = HEAD + b"\r\n"


def error(status, reason):
    return (b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n" % (status, reason))


def get(path=b"/", *headers):
    return b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (path, b"".join(h + b"\r\n" for h in headers))


CONNECTIONS = 19
with server(prog, "--exit-after", str(CONNECTIONS)) as (p, port):
    # 1. Keep-alive: one request after the other on one connection.
    with connect(port) as s:
        for i, path in enumerate([b"/", b"/index.html", b"/a/b?c=d"]):
            s.sendall(get(path, b"User-Agent: test"))
            check(f"keep-alive request {i + 1} of 3", recv_exact(s, len(OK)), OK)

    # 2. Pipelining: five requests in one write, a HEAD among them.
    with connect(port) as s:
        s.sendall(get() * 2 + b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + get() * 2)
        want = OK * 2 + OK_HEAD + OK * 2
        check("five pipelined requests, answers in order", recv_exact(s, len(want)), want)

    # 3. Connection: close is honoured: the answer says so, then EOF.
    with connect(port) as s:
        s.sendall(get(b"/", b"Connection: close"))
        check("Connection: close", recv_all(s), OK_CLOSE)

    # 4. A request arriving in pieces, then a closing one on the same connection.
    with connect(port) as s:
        request = get(b"/slow")
        for k in range(0, len(request), 7):
            s.sendall(request[k : k + 7])
            time.sleep(0.005)
        check("a request in 7-byte pieces", recv_exact(s, len(OK)), OK)
        s.sendall(get(b"/", b"connection: Keep-Alive, CLOSE"))
        check("then a closing one (any case, in a list)", recv_all(s), OK_CLOSE)

    # 5. Bodies are skipped by Content-Length, even split from their head.
    with connect(port) as s:
        s.sendall(b"POST /form HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello")
        time.sleep(0.05)
        s.sendall(b" world" + get())
        check("a POST body is skipped, the next request answered", recv_exact(s, 2 * len(OK)), OK * 2)

    # 6. HTTP/1.0 closes unless it asks to keep alive.
    with connect(port) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        check("HTTP/1.0 closes by default", recv_all(s), OK_CLOSE)
    with connect(port) as s:
        s.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        check("HTTP/1.0 with keep-alive", recv_exact(s, len(OK_KEEP)), OK_KEEP)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        check("and a second request closing it", recv_all(s), OK_CLOSE)

    # 7. Bare LF line ends, and blank lines between requests, are tolerated.
    with connect(port) as s:
        s.sendall(b"GET / HTTP/1.1\nHost: x\n\n\r\n\nGET / HTTP/1.1\n\n")
        check("bare LF and blank lines between requests", recv_exact(s, 2 * len(OK)), OK * 2)

    # 8. Many pipelined requests: more than one read and more than one write.
    with connect(port) as s:
        s.sendall(b"GET / HTTP/1.1\r\n\r\n" * 1000)
        check("1000 pipelined requests", recv_exact(s, 1000 * len(OK)), OK * 1000)

    # 9. Errors close the connection: a malformed request line, chunked bodies
    #    (not supported) and a head larger than the server's 8192-byte buffer.
    with connect(port) as s:
        s.sendall(b"NONSENSE\r\n\r\n")
        check("a malformed request line: 400", recv_all(s), error(400, b"Bad Request"))
    with connect(port) as s:
        s.sendall(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        check("a chunked body: 501", recv_all(s), error(501, b"Not Implemented"))
    with connect(port) as s:
        start = b"GET / HTTP/1.1\r\nX-Big: "
        s.sendall(start + b"x" * (8192 - len(start)))
        check("a head filling the buffer: 431", recv_all(s), error(431, b"Request Header Fields Too Large"))

    # 10. A NUL byte anywhere in a head is a 400: in the method, the target, a
    #     field value or a field name.
    for where, head in [("the method", b"GE\0T / HTTP/1.1\r\n\r\n"),
                        ("the target", b"GET /a\0b HTTP/1.1\r\n\r\n"),
                        ("a field value", b"GET / HTTP/1.1\r\nX-A: b\0c\r\n\r\n"),
                        ("a field name", b"GET / HTTP/1.1\r\nX\0A: b\r\n\r\n")]:
        with connect(port) as s:
            s.sendall(head)
            check(f"a NUL in {where}: 400", recv_all(s), error(400, b"Bad Request"))

    # 11. An error answer while the client is still sending: the server reads
    #     on after its answer (lingering close), so the client gets the
    #     answer and a clean EOF, not a reset that could destroy it.
    def send_on(s, data):
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:  # the reset, without a lingering close
            pass

    for what, junk, answer in [
            ("a malformed request line", b"NONSENSE\r\n\r\n", error(400, b"Bad Request")),
            ("a NUL in the target", b"GET /\0 HTTP/1.1\r\n\r\n", error(400, b"Bad Request")),
            ("a head larger than the buffer", b"GET / HTTP/1.1\r\nX-Big: ", error(431, b"Request Header Fields Too Large"))]:
        with connect(port) as s:
            sender = threading.Thread(target=send_on, args=(s, junk + b"x" * (256 << 10)))
            sender.start()
            time.sleep(0.1)  # the server has answered; 256 KiB are still on their way
            check(f"{what}, the client still sending: the answer, then EOF", recv_to_end(s), (answer, "EOF"))
            sender.join()

    rc = p.wait(timeout=20)
    check(f"after {CONNECTIONS} connections it exits 0", rc, 0)

check("an unknown option: usage, exit 2", run([*prog, "--bogus"], timeout=10),
      (2, b"", b"usage: http_hello [port] [--exit-after N] [--drain-timeout MS] [--header-timeout MS] "
               b"[--idle-timeout MS] [--linger MS] [--send-timeout MS]\n"))

finish()
