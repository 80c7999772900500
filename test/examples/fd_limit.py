"""Drives examples/echo_server or examples/http_hello out of descriptors (RLIMIT_NOFILE 64) with real clients: the
clients it has are still served, the others wait in the listen backlog and are served as descriptors free up, and
while saturated the server uses next to no CPU (it used to exit with status 1 at the first EMFILE).
Usage: fd_limit.py echo_server|http_hello PATH"""
import os
import signal
import sys
import time

from common import check, check_that, connect, finish, program, recv_exact, server

kind, prog = sys.argv[1], program(sys.argv[2])
LIMIT = 64
WAITING = 20          # clients beyond what the server can hold
FREED = 10            # clients closed to make room
MEASURE_S = 2.0       # how long the CPU time is measured while saturated
BOUND_S = 60          # turns a hang into a failure; not a measure
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n"


def exchange(i, round_):
    """What client i sends in a round, and what it must get back."""
    if kind == "echo_server":
        msg = b"client %d round %d\n" % (i, round_)
        return msg, msg
    return b"GET /%d/%d HTTP/1.1\r\nHost: x\r\n\r\n" % (i, round_), OK


def fds(pid):
    """The server's descriptors under the limit, by kind (socket, anon_inode, ...)."""
    kinds = []
    for name in os.listdir(f"/proc/{pid}/fd"):
        if int(name) < LIMIT:
            try:
                kinds.append(os.readlink(f"/proc/{pid}/fd/{name}").split(":")[0])
            except FileNotFoundError:
                pass
    return kinds


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wait_for(cond):
    for _ in range(BOUND_S * 20):
        if cond():
            return True
        time.sleep(0.05)
    return False


with server(prog, nofile=LIMIT) as (p, port):
    # One client first, so that the loop runs with everything it keeps open.
    clients = [connect(port, timeout=BOUND_S)]
    ask, want = exchange(0, 0)
    clients[0].sendall(ask)
    check("the first client is served", recv_exact(clients[0], len(want)), want)

    # More clients than it can hold, each asking at once.
    for i in range(1, LIMIT + WAITING):
        clients.append(connect(port, timeout=BOUND_S))
        clients[i].sendall(exchange(i, 0)[0])
    check("the server runs out of descriptors", wait_for(lambda: len(fds(p.pid)) == LIMIT), True)
    check("and still runs", p.poll(), None)
    # Its sockets are the listening one and a connection each.  The backlog
    # is first in, first out: the first `room` clients are accepted.
    room = fds(p.pid).count("socket") - 1
    waiting = len(clients) - room
    print(f"     the server holds {LIMIT - room} descriptors of its own and {room} connections; {waiting} wait")
    served = all(recv_exact(clients[i], len(exchange(i, 0)[1])) == exchange(i, 0)[1] for i in range(1, room))
    check(f"the first {room} clients are served", served, True)

    # Saturated: the clients it has are still served ...
    served = True
    for i in range(room):
        ask, want = exchange(i, 1)
        clients[i].sendall(ask)
        served = served and recv_exact(clients[i], len(want)) == want
    check("saturated, the clients it has are still served", served, True)

    # ... at next to no CPU (a loop retrying accept at once would use a whole core).
    before, start = cpu_seconds(p.pid), time.monotonic()
    time.sleep(MEASURE_S)
    used, wall = cpu_seconds(p.pid) - before, time.monotonic() - start
    print(f"     CPU while saturated: {used:.3f} s in {wall:.2f} s ({100 * used / wall:.1f}% of a core)")
    check_that("saturated, it uses far below one core", used < 0.1 * wall, f"{used:.3f} s in {wall:.2f} s")

    # Closing some clients makes room: as many waiting ones are served.
    for i in range(FREED):
        clients[i].close()
    served = all(recv_exact(clients[i], len(exchange(i, 0)[1])) == exchange(i, 0)[1]
                 for i in range(room, room + FREED))
    check(f"after {FREED} clients leave, {FREED} waiting ones are served", served, True)
    for i in range(room, room + FREED):
        ask, want = exchange(i, 1)
        clients[i].sendall(ask)
        served = served and recv_exact(clients[i], len(want)) == want
    check("and go on being served", served, True)

    # When everyone leaves, the last waiting ones are served too.
    for i in range(FREED, room + FREED):
        clients[i].close()
    served = all(recv_exact(clients[i], len(exchange(i, 0)[1])) == exchange(i, 0)[1]
                 for i in range(room + FREED, len(clients)))
    check(f"then the last {waiting - FREED} waiting clients are served", served, True)
    for s in clients[room + FREED:]:
        s.close()

    p.send_signal(signal.SIGTERM)
    check("SIGTERM: exit 0", p.wait(timeout=BOUND_S), 0)

finish()
