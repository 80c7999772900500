"""Drives examples/chat_server over real TCP: 30 clients broadcast to each other, a silent client is dropped after
--idle-ms, a client that stops reading is dropped (its writer cancelled) while the others go on, then a clean exit.
Usage: chat_server.py PATH-TO-chat_server"""
import socket
import sys
import threading
import time

from common import check, check_that, connect, finish, program, recv_all, server, stderr_of

prog = program(sys.argv[1])
WELCOME = b"* welcome\n"
CLIENTS = 30
LINES = 20


def read_lines(s, n, buf=b""):
    """n whole lines from s (after the bytes in buf), and what follows them."""
    while buf.count(b"\n") < n:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        buf += chunk
    lines = buf.split(b"\n")
    return [line + b"\n" for line in lines[:n]], b"\n".join(lines[n:])


def welcomed(port):
    s = connect(port)
    got, rest = read_lines(s, 1)
    if got != [WELCOME] or rest:
        raise RuntimeError(f"no welcome: {got!r} {rest!r}")
    return s


# ---- broadcast: every line reaches every other client, in its sender's order ----
results = [None] * CLIENTS
ready = threading.Barrier(CLIENTS, timeout=60)


def chatter(port, i):
    try:
        with welcomed(port) as s:
            ready.wait()  # everyone is in the room before anyone speaks
            # Each line is sent in two pieces, the split inside the line.
            for k in range(LINES):
                line = b"client %02d line %02d\n" % (i, k)
                s.sendall(line[:7])
                s.sendall(line[7:])
            got, rest = read_lines(s, (CLIENTS - 1) * LINES)
            results[i] = (got, rest)
    except Exception as e:  # reported below as this client's result
        results[i] = repr(e)


with server(prog, "--idle-ms", "60000") as (p, port):
    threads = [threading.Thread(target=chatter, args=(port, i)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, r in enumerate(results):
        if not check_that(f"client {i:02d} read its lines", isinstance(r, tuple), repr(r)):
            continue
        got, rest = r
        by_sender = {}
        for line in got:
            by_sender.setdefault(line[:9], []).append(line)
        want = {b"client %02d" % j: [b"client %02d line %02d\n" % (j, k) for k in range(LINES)]
                for j in range(CLIENTS) if j != i}
        check(f"client {i:02d}: every other client's lines, each sender's in order, not its own", by_sender, want)
        check(f"client {i:02d}: nothing more", rest, b"")
    check("no client was dropped", stderr_of(p), b"")

# ---- idle: a silent client is dropped after --idle-ms; one that talks is not ----
with server(prog, "--idle-ms", "1000", "--exit-after", "3") as (p, port):
    start = time.monotonic()
    with welcomed(port) as silent:
        check("a silent client: EOF once idle", recv_all(silent), b"")
    check_that("not before --idle-ms", time.monotonic() - start >= 1.0)
    check_that("the server reports the idle client",
               b"chat_server: client " in stderr_of(p) and b"Connection timed out" in stderr_of(p), stderr_of(p))
    with welcomed(port) as a, welcomed(port) as b:
        a.sendall(b"still here\n")
        check("after the drop, the others still chat", read_lines(b, 1)[0], [b"still here\n"])
    check("then it drains and exits 0", p.wait(timeout=60), 0)

# ---- slow: a client that never reads is dropped by cancelling its writer ----
BATCH = 100
LINE = b"x" * 1000 + b"\n"
# --queue 512: more than one turn of the talker's reader offers (64 reads of
# 4 lines), so that the observer, which reads, is never the one dropped.
with server(prog, "--idle-ms", "60000", "--queue", "512", "--exit-after", "3") as (p, port):
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", port))
    observer = welcomed(port)
    talker = welcomed(port)
    got, rest = read_lines(slow, 1)
    check("the slow client is welcomed", got, [WELCOME])
    # The talker floods in batches; the observer reads each batch before the
    # next, so only the slow client falls behind.  Its socket buffers fill,
    # then its outbox, and then it is dropped.
    dropped = False
    sent = 0
    buf = rest = b""
    while not dropped and sent < 200_000:
        talker.sendall(LINE * BATCH)
        sent += BATCH
        got, buf = read_lines(observer, BATCH, buf)
        if got != [LINE] * BATCH:
            check("the observer gets every line", got, [LINE] * BATCH)
            break
        dropped = b"No buffer space available" in stderr_of(p)
    check_that(f"the slow client is dropped (after {sent} lines)", dropped, stderr_of(p))
    talker.sendall(b"after the drop\n")
    check("the observer still gets lines", read_lines(observer, 1, buf)[0], [b"after the drop\n"])
    # The slow client gets what was on its way, then the end.
    tail = recv_all(slow)
    check_that("the slow client reads what was sent before the drop, then EOF",
               len(tail) < sent * len(LINE) and tail.strip(b"x\n") in (b"", rest), len(tail))
    for s in (slow, observer, talker):
        s.close()
    check("then it drains and exits 0", p.wait(timeout=60), 0)
    log = stderr_of(p)
    check_that("the log names only the slow client",
               log.count(b"\n") == 1 and log.startswith(b"chat_server: client "), log)

# ---- --exit-after: the server drains its clients and exits 0 ----
with server(prog, "--exit-after", "2") as (p, port):
    with welcomed(port) as a, welcomed(port) as b:
        a.sendall(b"bye\n")
        check("a line before the exit", read_lines(b, 1)[0], [b"bye\n"])
    check("after 2 connections it exits 0", p.wait(timeout=30), 0)

check("a bad --queue: usage, exit 2", __import__("common").run([*prog, "--queue", "0"], timeout=10),
      (2, b"", b"usage: chat_server [port] [--exit-after N] [--idle-ms MS] [--queue N]\n"))
finish()
