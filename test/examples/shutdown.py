"""Drives examples/echo_server or examples/http_hello through a shutdown: SIGTERM (or SIGINT) mid-transfer, after
which the server refuses new clients, finishes what is in flight (an echo stream, a half-received HTTP request, a
pipelined batch), closes idle keep-alive connections, and exits 0; and a client that never finishes is cut at the
--drain-timeout deadline, still with exit 0.
Usage: shutdown.py echo_server|http_hello PATH"""
import random
import signal
import socket
import sys
import threading
import time

from common import check, check_that, connect, finish, program, recv_exact, recv_to_end, server, stderr_of

kind, prog = sys.argv[1], program(sys.argv[2])
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n"
OK_CLOSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\nConnection: close\r\n\r\nHello, world!\n"
BOUND_S = 60
BATCH = 50000  # turns a hang into a failure; not a measure


def wait_refused(port):
    """Connects until the server refuses: it has seen the signal and closed
    its listening socket.  Each probe that still got in closes at once; a
    probe caught in the backlog as the socket closes is reset, which is the
    same answer."""
    for _ in range(BOUND_S * 20):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=BOUND_S).close()
        except (ConnectionRefusedError, ConnectionResetError):
            return True
        time.sleep(0.05)
    return False


def send_then_end(s, data):
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def signame(sig):
    return sig.name.encode()


def echo_mid_transfer(sig):
    rng = random.Random(7)
    data = rng.randbytes(1 << 20)
    with server(prog) as (p, port):
        with connect(port, timeout=BOUND_S) as s:
            half = len(data) // 2
            for k in range(0, half, 4096):
                s.sendall(data[k : k + 4096])
                recv_exact(s, 4096)
            p.send_signal(sig)
            check(f"{sig.name}: new clients are refused", wait_refused(port), True)
            got = bytearray()
            for k in range(half, len(data), 4096):
                s.sendall(data[k : k + 4096])
                got += recv_exact(s, 4096)
            s.shutdown(socket.SHUT_WR)
            tail = recv_to_end(s)
        check(f"{sig.name} mid-transfer: the second half still echoed, then EOF", (bytes(got) == data[half:], tail),
              (True, (b"", "EOF")))
        check(f"{sig.name}: exit 0", p.wait(timeout=BOUND_S), 0)
        check(f"{sig.name}: it says it stops", stderr_of(p), b"echo_server: %s: stopping\n" % signame(sig))


def http_mid_transfer(sig):
    with server(prog) as (p, port):
        idle = connect(port, timeout=BOUND_S)
        idle.sendall(b"GET / HTTP/1.1\r\n\r\n")
        check("an idle keep-alive client was answered", recv_exact(idle, len(OK)), OK)
        # A request and the head of the next: once the first is answered, the
        # server surely holds the second's beginning.
        half = connect(port, timeout=BOUND_S)
        half.sendall(b"GET / HTTP/1.1\r\n\r\nGET /half HTTP/1.1\r\nHost: x\r\n")
        check("a client in the middle of its second request", recv_exact(half, len(OK)), OK)
        # A pipelined batch whose answers the client does not read yet.
        batch = connect(port, timeout=BOUND_S)
        sender = threading.Thread(target=send_then_end, args=(batch, b"GET / HTTP/1.1\r\n\r\n" * BATCH))
        sender.start()
        first = recv_exact(batch, len(OK))
        p.send_signal(sig)
        check(f"{sig.name}: new clients are refused", wait_refused(port), True)
        check(f"{sig.name}: the idle keep-alive connection is closed", recv_to_end(idle), (b"", "EOF"))
        half.sendall(b"\r\n")
        check(f"{sig.name}: a half-received request is answered, with Connection: close", recv_to_end(half),
              (OK_CLOSE, "EOF"))
        got, how = recv_to_end(batch)
        sender.join()
        got = first + got
        n = len(got) // len(OK)
        check_that(f"{sig.name}: a pipelined batch ends with a whole answer saying close, then EOF",
                   how == "EOF" and n >= 1 and got == OK * (n - 1) + OK_CLOSE, f"{n} answers, {how}, {got[-120:]!r}")
        print(f"     ({n} of {BATCH} pipelined requests answered before the close)")
        for s in (idle, half, batch):
            s.close()
        check(f"{sig.name}: exit 0", p.wait(timeout=BOUND_S), 0)
        check(f"{sig.name}: it says it stops", stderr_of(p), b"http_hello: %s: stopping\n" % signame(sig))


def drain_deadline():
    with server(prog, "--drain-timeout", "300") as (p, port):
        with connect(port, timeout=BOUND_S) as s:
            if kind == "echo_server":
                s.sendall(b"ping")
                check("an echo client that never ends", recv_exact(s, 4), b"ping")
            else:
                s.sendall(b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n")
                check("an HTTP client that never ends its second request", recv_exact(s, len(OK)), OK)
            p.send_signal(signal.SIGTERM)
            check("a client that never finishes is cut at the drain deadline", recv_to_end(s)[1], "EOF")
        check("and the server exits 0", p.wait(timeout=BOUND_S), 0)
        check("saying so", stderr_of(p), b"%s: SIGTERM: stopping\n%s: 1 connection(s) cut at the drain deadline\n"
              % (kind.encode(), kind.encode()))


for sig in (signal.SIGTERM, signal.SIGINT):
    (echo_mid_transfer if kind == "echo_server" else http_mid_transfer)(sig)
drain_deadline()
finish()
