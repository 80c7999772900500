"""Drives examples/http_hello with slow clients: 500 slowloris connections (a request line without its CRLF),
silent and trickling clients, clients sending empty lines, and an idle keep-alive connection are all closed by the server's deadlines
(--header-timeout, --idle-timeout), a client that never reads its answers is dropped (--send-timeout), while a prompt client is still served; then SIGTERM, exit 0.
Usage: http_hello_timeouts.py PATH-TO-http_hello"""
import selectors
import signal
import socket
import sys
import time

from common import check, check_that, connect, finish, program, recv_exact, server

prog = program(sys.argv[1])
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n"
GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
SLOWLORIS = 500
# Deadlines short enough for a quick test; the bound below only turns a hang
# into a failure, it is not a measure of the server's speed.
DEADLINE_MS = 300
BOUND_S = 60


def closed_by_server(sockets):
    """How many of sockets the server closes (EOF or reset, after any bytes)
    before BOUND_S; all are closed by the caller afterwards."""
    sel = selectors.DefaultSelector()
    for s in sockets:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    closed = 0
    end = time.monotonic() + BOUND_S
    while closed < len(sockets) and time.monotonic() < end:
        for key, _ in sel.select(timeout=1):
            try:
                data = key.fileobj.recv(1 << 16)
            except ConnectionResetError:
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                closed += 1
    sel.close()
    return closed


def reset_by_server(s):
    """Whether the server drops s (a reset, since requests it never read
    are left) before BOUND_S, found without reading its answers: reading
    them would let a server without a send deadline go on."""
    end = time.monotonic() + BOUND_S
    while time.monotonic() < end:
        try:
            s.send(GET)
        except (BlockingIOError, InterruptedError):
            time.sleep(0.05)
        except OSError:  # ECONNRESET, EPIPE
            return True
    return False


with server(prog, "--header-timeout", str(DEADLINE_MS), "--idle-timeout", str(DEADLINE_MS),
            "--send-timeout", str(DEADLINE_MS)) as (p, port):
    # 1. Slowloris: many connections each holding a request line without its CRLF.
    start = time.monotonic()
    lorises = [connect(port) for _ in range(SLOWLORIS)]
    for s in lorises:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x")
    # A prompt client is served meanwhile.
    with connect(port) as s:
        s.sendall(GET)
        check("beside them, a prompt client is answered", recv_exact(s, len(OK)), OK)
    got = closed_by_server(lorises)
    print(f"{got} slowloris connections closed in {time.monotonic() - start:.2f} s "
          f"(header deadline {DEADLINE_MS} ms)")
    check(f"all {SLOWLORIS} slowloris connections closed by the server", got, SLOWLORIS)
    for s in lorises:
        s.close()

    # 2. A client that connects and says nothing is closed as well.
    with connect(port) as s:
        check("a silent client is closed", closed_by_server([s]), 1)

    # 3. A head trickling in a byte at a time, each byte within the deadline
    #    but the whole head not: the deadline is for the whole head.
    with connect(port) as s:
        sent = 0
        request = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"p" * 200 + b"\r\n\r\n"
        try:
            for k in range(len(request)):
                s.sendall(request[k : k + 1])
                sent += 1
                time.sleep(DEADLINE_MS / 1000 / 10)
        except OSError:  # closed by the server while sending
            pass
        check_that("a trickling head is cut before it is complete", sent < len(request), f"sent {sent}")
        check("and its connection closed", closed_by_server([s]), 1)

    # 4. Keep-alive: answered, then closed once idle for the idle timeout.
    with connect(port) as s:
        s.sendall(GET)
        check("a keep-alive request is answered", recv_exact(s, len(OK)), OK)
        check("then the idle connection is closed", closed_by_server([s]), 1)

    # 5. Empty lines (allowed before a request, RFC 9112 section 2.2) sent
    #    within the deadline, on a new connection and on a kept-alive one:
    #    they are not a request, and do not put its deadline off.
    for answered in (False, True):
        with connect(port) as s:
            if answered:
                s.sendall(GET)
                check("a keep-alive request is answered", recv_exact(s, len(OK)), OK)
            sent = 0
            try:
                for _ in range(40):
                    s.sendall(b"\r\n")
                    sent += 1
                    time.sleep(DEADLINE_MS / 1000 / 5)
            except OSError:  # closed by the server while sending
                pass
            what = "after an answer" if answered else "before a request"
            check_that(f"empty lines {what} do not hold the connection", sent < 40, f"sent {sent}")
            check("and it is closed", closed_by_server([s]), 1)

    # 6. Slow read: a client pipelines requests and never reads the answers.
    #    Once the socket buffers are full the server's write waits; the send
    #    deadline drops the connection.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        check_that("a client that never reads its answers is dropped", reset_by_server(s))
    with connect(port) as s:
        s.sendall(GET)
        check("and a prompt client is still answered", recv_exact(s, len(OK)), OK)

    p.send_signal(signal.SIGTERM)
    check("SIGTERM: exit 0", p.wait(timeout=BOUND_S), 0)

finish()
