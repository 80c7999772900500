"""Drives examples/echo_server over real TCP: 50 clients served at once (they wait for each
other mid-conversation), a client that resets, one that says nothing, then a clean exit.
Usage: echo_server.py PATH-TO-echo_server"""
import random
import socket
import struct
import sys
import threading

from common import (check, check_that, connect, finish, program, recv_all, recv_exact, run, server, server_on,
                    stderr_of)

prog = program(sys.argv[1])
CLIENTS = 50
OTHERS = 3                      # the resetting, the silent and the late client below
results = [None] * CLIENTS
# Every client waits here after its first exchange, until all have had theirs:
# only a server that serves them concurrently gets everyone past it.
halfway = threading.Barrier(CLIENTS, timeout=30)


def client(port, i):
    rng = random.Random(i)
    first = b"client %02d says hello\n" % i
    rest = rng.randbytes(64 << 10)
    try:
        with connect(port) as s:
            s.sendall(first)
            got_first = recv_exact(s, len(first))
            halfway.wait()
            got_rest = bytearray()
            for k in range(0, len(rest), 4096):
                s.sendall(rest[k : k + 4096])
                got_rest += recv_exact(s, len(rest[k : k + 4096]))
            s.shutdown(socket.SHUT_WR)
            tail = recv_all(s)
        results[i] = (got_first == first, bytes(got_rest) == rest, tail)
    except Exception as e:  # reported below as this client's result
        results[i] = repr(e)


with server(prog, "--exit-after", str(CLIENTS + OTHERS)) as (p, port):
    threads = [threading.Thread(target=client, args=(port, i)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, r in enumerate(results):
        check(f"client {i:02d}: both parts echoed, then EOF", r, (True, True, b""))

    # A client that resets its connection mid-stream is that client's failure only.
    s = connect(port)
    s.sendall(b"x" * 100000)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    # A client that connects and says nothing gets nothing back.
    with connect(port) as s:
        s.shutdown(socket.SHUT_WR)
        check("a silent client: EOF at once", recv_all(s), b"")
    # The server is still serving.
    with connect(port) as s:
        s.sendall(b"still there?")
        s.shutdown(socket.SHUT_WR)
        check("after the reset, a new client is echoed", recv_all(s), b"still there?")

    rc = p.wait(timeout=20)
    check(f"after {CLIENTS + OTHERS} connections it exits 0", rc, 0)
    check("and prints nothing more", p.stdout.read(), b"")
    log = stderr_of(p)
    check_that("its log has only client reports", all(line.startswith(b"echo_server: client ")
                                                      for line in log.splitlines()), repr(log))
    # The report is allocated when a connection fails (tcp_server.c, connection_failed).
    check_that("the reset client's failure is reported", any(
        line.endswith((b": Connection reset by peer", b": Broken pipe")) for line in log.splitlines()), repr(log))

# An explicit port is used as given; a port already taken is a reported failure.
with socket.socket() as taken:
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    check("a port in use: the failure, exit 1", run([*prog, str(busy)], timeout=10),
          (1, b"", b"echo_server: listen: Address already in use\n"))
    taken.close()
    with server_on(prog, busy, "--exit-after", "1") as p:
        with connect(busy) as s:
            s.sendall(b"on the port asked for")
            s.shutdown(socket.SHUT_WR)
            check(f"on port {busy} as asked", recv_all(s), b"on the port asked for")
        check("and exits 0 after its one connection", p.wait(timeout=20), 0)

check("an unknown option: usage, exit 2", run([*prog, "--bogus"], timeout=10),
      (2, b"", b"usage: echo_server [port] [--exit-after N] [--drain-timeout MS]\n"))

finish()
