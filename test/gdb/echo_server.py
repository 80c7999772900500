"""Drives GDB on examples/echo_server stopped inside a continuation (echo_data) with three real clients connected:
weft fibers must list the root's pick, the accept loop, the pick of the two signal waiters (SIGINT, SIGTERM) and the
three connection fibers with their waits and async backtraces, weft loop the sockets with their queues and the
signal waiters, and the printers the fiber and frame fields.  Usage: echo_server.py GDB SCRIPT PROGRAM SRCDIR.
Exits 77 (skipped) only when ptrace is not permitted."""
import os
import re
import socket
import subprocess
import sys

from gdbtest import check, check_that, finish, gdb_args, run_allowed, skip

gdb, script, prog, srcdir = sys.argv[1:5]
if not run_allowed(gdb):
    skip("ptrace is not permitted here, so gdb cannot run the program")


def line_of(path, fragment):
    with open(os.path.join(srcdir, path)) as f:
        return next(i + 1 for i, l in enumerate(f) if fragment in l)


ECHO = line_of("echo_server.c", "weft_bind(weft_read(c->fd, 4096), echo_data, c)")
SPAWN = line_of("tcp_server.c", "weft_spawn(weft_finally(weft_catch(")
SERVE = line_of("tcp_server.c", "weft_bind(weft_accept(s->listen_fd), accepted, s)")
RUN = line_of("tcp_server.c", "return weft_bind(weft_pick(serve(s), signal), stopped, s);")
SIGNALS = line_of("tcp_server.c", "async(int) signal = weft_pick(weft_signal(SIGINT), weft_signal(SIGTERM));")

# The third client's message stops the server in echo_data, the continuation of its read.
argv = gdb_args(gdb, script) + ["-ex", "break echo_data if data[0] == 'S'", "-ex", "run",
                                "-ex", "weft fibers", "-ex", "weft loop",
                                "-ex", "print weft__loop.current", "-ex", "print weft__loop.current->frames[0]",
                                "-ex", "bt 1", "--args", prog]
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")  # LeakSanitizer cannot run under a tracer
p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
head = []
port = None
for raw in p.stdout:
    head.append(raw.decode(errors="replace"))
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", head[-1])
    if m:
        port = int(m.group(1))
        break
if not check_that("the server starts under gdb", port is not None, "".join(head)):
    p.kill()
    finish()
clients = []
try:
    for i in range(2):  # two clients echoed once, then waiting in their next read
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(b"hello %d" % i)
        got = b""
        while len(got) < 7:
            got += s.recv(64)
        check(f"client {i} is echoed", got, b"hello %d" % i)
        clients.append(s)
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(b"STOP")
    clients.append(s)
    out = "".join(head) + p.communicate(timeout=120)[0].decode(errors="replace")
finally:
    p.kill()
    for s in clients:
        s.close()
print(out)

# An optimised build (Release) shows an argument's value at entry as c=c@entry=0x...
check_that("stopped in echo_data", re.search(r"Breakpoint 1, echo_data \(c=(?:c@entry=)?0x[0-9a-f]+, "
                                            r"data=(?:data@entry=)?0x[0-9a-f]+ \"STOP\"\)", out)
           is not None)
check_that("weft fibers: eight fibers (root, accept loop, signal pick and its two waiters, three connections)",
           "8 fiber(s)\n" in out)
H = r"0x[0-9a-f]+"
root = re.search(rf"^ \[\d\] fiber ({H}) wait_children \[root\]: weft_pick of fibers ({H}), ({H}) at run_server "
                 rf"\(\S*examples/tcp_server\.c:{RUN}\), 1 pending continuation\(s\)\n"
                 rf"      #0   weft_bind -> stopped\(env={H}\) at run_server \(\S*examples/tcp_server\.c:{RUN}\)\n",
                 out, re.M)
check_that("the root picks between the accept loop and the signals, then stopped", root is not None)
accept = re.search(rf"^ \[\d\] fiber ({H}) wait_io \[branch of ({H})\]: weft_accept: fd (\d+) read, head of the queue, "
                   r"waiting for readiness, 1 pending continuation\(s\)\n"
                   r"      running  weft_accept fd=\d+\n"
                   rf"      #0   weft_bind -> accepted\(env={H}\) at serve \(\S*examples/tcp_server\.c:{SERVE}\)\n",
                   out, re.M)
check_that("the accept loop waits on the listening fd, then accepted", accept is not None)
sigpick = re.search(rf"^ \[\d\] fiber ({H}) wait_children \[branch of ({H})\]: weft_pick of fibers ({H}), ({H}) at "
                    rf"run_server \(\S*examples/tcp_server\.c:{SIGNALS}\), 0 pending continuation\(s\)\n", out, re.M)
check_that("the signals' pick waits on its two waiters", sigpick is not None)
signals = re.findall(rf"^ \[\d\] fiber ({H}) wait_signal \[branch of ({H})\]: weft_signal: signal (\d+ \(SIG\w+\)), "
                     r"0 pending continuation\(s\)\n      running  weft_signal signal (\d+ \(SIG\w+\))\n", out, re.M)
check("two fibers wait for a signal, each naming its number", sorted(s[2] for s in signals),
      ["15 (SIGTERM)", "2 (SIGINT)"])
if root and accept and sigpick:
    check("the accept loop and the signals' pick are the root's branches",
          sorted([accept.group(1), sigpick.group(1)]), sorted([root.group(2), root.group(3)]))
    check_that("the accept loop's and the pick's parent is the root",
               accept.group(2) == root.group(1) and sigpick.group(2) == root.group(1))
    check("the signal waiters are the pick's branches, and it their parent",
          (sorted(s[0] for s in signals), {s[1] for s in signals}),
          (sorted([sigpick.group(3), sigpick.group(4)]), {sigpick.group(1)}))
conn_tail = (rf"      #1   weft_catch -> connection_failed\(env=0x[0-9a-f]+\) at accepted \(\S*examples/tcp_server\.c:{SPAWN}\)\n"
             rf"      #2   weft_finally -> connection_done\(env=0x[0-9a-f]+\) at accepted \(\S*examples/tcp_server\.c:{SPAWN}\)\n")
waiting = re.findall(r"^ \[\d\] fiber (0x[0-9a-f]+) wait_io: weft_read: fd (\d+) read, head of the queue, waiting for "
                     r"readiness, 3 pending continuation\(s\)\n"
                     r"      running  weft_read fd=\d+ n=4096\n"
                     rf"      #0   weft_bind -> echo_data\(env=0x[0-9a-f]+\) at echo \(\S*examples/echo_server\.c:{ECHO}\)\n"
                     + conn_tail, out, re.M)
check("two connections wait to read, with their async backtrace: echo_data, the catch, the finally",
      len(waiting), 2)
running = re.search(r"^\*\[\d\] fiber (0x[0-9a-f]+) running: running now \(the current fiber\), 2 pending continuation\(s\)\n"
                    + conn_tail.replace("#1", "#0").replace("#2", "#1"), out, re.M)
check_that("the third runs echo_data; its catch and finally are pending", running is not None)

if accept and len(waiting) == 2:
    for addr, fd in [(accept.group(1), accept.group(3))] + waiting:
        check_that(f"weft loop: fd {fd} is a socket registered for reading, fiber {addr} the armed head of its readers",
                   re.search(rf"^  fd {fd}: socket; interest read; readers {addr} \(armed\)\n", out, re.M) is not None)
loop_signals = re.findall(rf"^  fiber ({H}) weft_signal signal (\d+ \(SIG\w+\))\n", out, re.M)
check("weft loop: the two signal waiters", sorted(loop_signals), sorted((s[0], s[2]) for s in signals))
check_that("weft loop: no timers, nothing else ready",
           re.search(r"timers: 0\nsignal waiters: 2\n(  .*\n){2}ready queue: 0 fiber\(s\)\n", out) is not None)
if running:
    check_that("print weft__loop.current: the fiber printer",
               f"= (struct weft__fiber *) fiber {running.group(1)} running: running now (the current fiber), "
               "2 pending continuation(s)" in out)
check_that("print a frame: the finally, its continuation, env and site",
           re.search(rf"= weft_finally -> connection_done\(env=0x[0-9a-f]+\) at accepted \(\S*tcp_server\.c:{SPAWN}\)\n",
                     out) is not None)
check_that("bt still works", re.search(r"^#0  echo_data \(", out, re.M) is not None)
finish()
