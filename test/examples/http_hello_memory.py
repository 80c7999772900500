"""Drives examples/http_hello with 2,000 connections that say nothing, and measures the server's resident memory
per connection: an idle connection holds no buffer (its 24 KiB of request and answer buffers are taken when bytes
arrive and given back when they have been dealt with; it used to hold them for its whole life).  It then prints the
cost of a kept-alive connection after one request, and what is left once all are closed.
Usage: http_hello_memory.py PATH-TO-http_hello"""
import socket
import sys
import time

from common import check_that, connect, finish, program, recv_exact, server

prog = program(sys.argv[1])
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n"
GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
CONNS = 2000
# The connections' own state (struct conn, the runtime's fiber and frames)
# is well under this; the buffers alone were 24 KiB.
BOUND_PER_CONN = 8192


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def served(port):
    """Whether the server has accepted everything so far: it answers a new client."""
    with connect(port) as s:
        s.sendall(GET)
        return recv_exact(s, len(OK)) == OK


with server(prog, "--header-timeout", "600000", "--idle-timeout", "600000", nofile=CONNS + 64) as (p, port):
    served(port)
    before = rss(p.pid)
    conns = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(CONNS)]
    served(port)  # answered after every earlier connection was accepted
    silent = (rss(p.pid) - before) / CONNS
    print(f"resident bytes per silent connection: {silent:.0f}")
    check_that(f"a silent connection costs under {BOUND_PER_CONN} bytes", silent < BOUND_PER_CONN, f"{silent:.0f}")
    for s in conns:
        s.sendall(GET)
    for s in conns:
        recv_exact(s, len(OK))
    print(f"resident bytes per kept-alive connection after one request: {(rss(p.pid) - before) / CONNS:.0f}")
    for s in conns:
        s.close()
    time.sleep(0.5)  # not a check: lets the server see the closes before the figure is read
    print(f"resident bytes once all are closed: {rss(p.pid) - before}")

finish()
