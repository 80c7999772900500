"""Drives GDB on test/gdb/waits.c stopped while its fibers wait on three timers, two reads queued on a pipe (one under a
timeout), two writes queued on another, a FIFO read through a private description, a signal, an accept paused at the
descriptor limit, and joins: weft fibers, weft loop and the printers of async values, nodes, fibers and frames must
show each of them.
Usage: waits.py GDB SCRIPT PROGRAM SOURCE [--no-core].  Exits 77 (skipped) only when ptrace is not permitted;
--no-core (the sanitized build) leaves out the core-file half, which would dump ASan's terabytes of shadow."""
import os
import re
import sys
import tempfile

from gdbtest import check, check_that, finish, gdb_batch, run_allowed, skip

gdb, script, prog, source = sys.argv[1:5]
with_core = "--no-core" not in sys.argv[5:]
if not run_allowed(gdb):
    skip("ptrace is not permitted here, so gdb cannot run the program")

text = open(source).read().splitlines()


def line_of(fragment):
    return next(i + 1 for i, l in enumerate(text) if fragment in l)


NAP = line_of("static async(void) nap(long ms)")
READER = line_of("async(void) reader =")
PENDING = line_of("async(long) pending =")
RESOLVED = line_of("async(long) resolved =")
TIMERS = line_of("async(void) timers =")
H = r"0x[0-9a-f]+"

out = gdb_batch(gdb, script, ["break waits_stop_here", "run", "weft fibers"], prog)
# The fd the reader waits on is only known once stopped: run again with it.
fd = re.search(r"running  weft_read fd=(\d+) n=64", out)
if not check_that("a fiber waits to read the pipe", fd is not None, out):
    finish()
fd = fd.group(1)
out = gdb_batch(gdb, script, ["break waits_stop_here", "run", "weft fibers", "weft loop", "up",
                              "print pending", "print line", "print *pending.node_",
                              "print resolved", "print (struct weft__node *) -13", "print *resolved.node_",
                              f"print *weft__loop.fds[{fd}].q[0].head->io_next",
                              f"print weft__loop.fds[{fd}].q[0].head->io_next->frames[0]", "print weft__loop"], prog)
print(out)

fibers = out[out.index("fiber(s)") - 3:out.index("loop: ")]
check("weft fibers: seventeen fibers", re.search(r"(\d+) fiber\(s\)", fibers).group(1), "17")
check("one is running, the root, marked *", re.findall(r"^\*\[\d+\] fiber 0x[0-9a-f]+ running \[root\]", fibers, re.M)
      != [], True)
for ms in (10000, 20000, 30000):
    m = re.search(r"wait_timer \[branch of 0x[0-9a-f]+\]: timer due in (\d+) ms, 1 pending continuation\(s\)\n"
                  rf"      running  weft_sleep {ms} ms\n"
                  rf"      #0   weft_bind -> slept\(env=0x0\) at nap \(\S*waits\.c:{NAP}\)", fibers)
    check_that(f"a fiber sleeps {ms} ms, due in at most that, bound in nap", m and 0 < int(m.group(1)) <= ms, fibers)
check_that("the timeout's timer fails with ETIMEDOUT, made by main",
           re.search(rf"timer due in \d+ ms, 0 pending continuation\(s\)\n      running  weft_sleep 40000 ms then "
                     rf"fails -110 \(ETIMEDOUT\) at main \(\S*waits\.c:{READER}\)", fibers) is not None)
check_that("the reader under the timeout: fd, direction, queued behind the other reader, its continuation",
           re.search(rf"wait_io \[branch of {H}\]: weft_read: fd {fd} read, queued behind 1 fiber\(s\) \({H}\), "
                     r"1 pending continuation\(s\)\n"
                     rf"      running  weft_read fd={fd} n=64\n"
                     rf"      #0   weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)", fibers)
           is not None)
head = re.search(rf"fiber ({H}) wait_io: weft_read: fd {fd} read, head of the queue, waiting for readiness, "
                 rf"1 pending continuation\(s\)\n      running  weft_read fd={fd} n=32\n", fibers)
check_that("the other reader is the head of the pipe's queue, armed", head is not None)
head_writer = re.search(rf"fiber ({H}) wait_io \[branch of ({H})\]: weft_write: fd (\d+) write, head of the queue, "
                        r"generation 1, waiting for readiness, 0 pending continuation\(s\)\n"
                        r"      running  weft_write fd=\d+ len=1048576\n", fibers)
next_writer = re.search(rf"fiber ({H}) wait_io \[branch of ({H})\]: weft_write: fd (\d+) write, queued behind 1 fiber\(s\) "
                        rf"\(({H})\), generation 1, 0 pending continuation\(s\)\n      running  weft_write fd=\d+ len=6\n", fibers)
check_that("two writes on one pipe: the long one at the head, armed; the short one queued behind it; both on the "
           "second file the number has named for weft (generation 1)",
           head_writer is not None and next_writer is not None and head_writer.group(3) == next_writer.group(3)
           and next_writer.group(4) == head_writer.group(1), fibers)
fifo = re.search(r"wait_io: weft_read: fd (\d+) read, head of the queue, waiting for readiness, 1 pending continuation\(s\)\n"
                 r"      running  weft_read fd=\d+ n=8\n", fibers)
check_that("the FIFO's reader waits", fifo is not None, fibers)
check_that("the signal waiter names its signal",
           re.search(r"wait_signal: weft_signal: signal 10 \(SIGUSR1\), 1 pending continuation\(s\)\n"
                     r"      running  weft_signal signal 10 \(SIGUSR1\)\n", fibers) is not None)
paused = re.search(r"wait_timer: weft_accept: fd (\d+) paused at the descriptor limit \(EMFILE/ENFILE\), retried "
                   r"(?:due in \d+ ms|overdue by \d+ ms) or when weft_close frees a descriptor, 1 pending continuation\(s\)\n"
                   r"      running  weft_accept fd=\d+\n", fibers)
check_that("the accept that met EMFILE is paused at the descriptor limit", paused is not None, fibers)
check_that("a join shows where it was written",
           re.search(rf"weft_join of fibers 0x[0-9a-f]+, 0x[0-9a-f]+ at main \(\S*waits\.c:{TIMERS}\)", fibers)
           is not None)
check("four joins and a pick wait on their child fibers",
      sorted(re.findall(r"wait_children(?: \[[^]]*\])?: weft_(join|pick) of fibers 0x[0-9a-f]+, 0x[0-9a-f]+", fibers)),
      ["join", "join", "join", "join", "pick"])

loop = out[out.index("loop: "):]
check_that("weft loop: the pipe's read end, both readers queued (the head armed)",
           head is not None and re.search(rf"^  fd {fd}: pipe nowait \(RWF_NOWAIT\); interest read; "
                                          rf"readers {head.group(1)} \(armed\) {H}\n", loop, re.M) is not None, loop)
if head_writer and next_writer:
    check_that("weft loop: the other pipe's write end, both writers queued (the head armed)",
               re.search(rf"^  fd {head_writer.group(3)}: pipe nowait \(RWF_NOWAIT\), generation 1; interest write; "
                         rf"writers {head_writer.group(1)} \(armed\) {next_writer.group(1)}\n", loop, re.M) is not None,
               loop)
if fifo:
    check_that("weft loop: the FIFO is read through its private description",
               re.search(rf"^  fd {fifo.group(1)}: private description of a FIFO, IO on pfd \d+; "
                         rf"interest read; readers {H} \(armed\)\n", loop, re.M) is not None, loop)
if paused:
    check_that("weft loop: the listening socket, its interest dropped while the accept is paused, the accept in its queue",
               re.search(rf"^  fd {paused.group(1)}: socket; interest none; readers {H}\n", loop, re.M) is not None, loop)
check("weft loop: four fds known to weft (the two pipe ends, the FIFO, the listening socket)",
      re.search(r"fds: (\d+) known to weft", loop).group(1), "4")
timers = re.findall(r"^  fiber 0x[0-9a-f]+ (?:due in|overdue by) (\d+) ms \(weft_(\w+) ([^\s)]+)", loop, re.M)
check("the timer heap, in deadline order, the paused accept first",
      [t[1:] for t in timers], [("accept", "fd=" + (paused.group(1) if paused else "?")), ("sleep", "10000"),
                                ("sleep", "20000"), ("sleep", "30000"), ("sleep", "40000")])
check_that("the paused accept says so in the heap",
           re.search(r"\(weft_accept fd=\d+\) paused at the descriptor limit\n", loop) is not None, loop)
check("due times ascend", [int(t[0]) for t in timers[1:]] == sorted(int(t[0]) for t in timers[1:]), True)
check_that("the signal waiter in the loop",
           re.search(rf"signal waiters: 1\n  fiber {H} weft_signal signal 10 \(SIGUSR1\)\n", loop) is not None, loop)
check_that("the ready queue is empty", "ready queue: 0 fiber(s)" in loop, loop)

check_that("an async(long) value: the map, its function, env, inner action and site",
           re.search(rf"= async\(long\) weft_map k=halve env=0x0 of weft_sleep at probe \(\S*waits\.c:{PENDING}\)", out)
           is not None)
check_that("an async(str) value: a read with its fd and size",
           re.search(rf"= async\(str\) weft_read fd={fd} n=16\n", out) is not None)
check_that("a node's fields by name: kind, site, the union member of its kind",
           re.search(rf"kind = map, site = probe \(\S*waits\.c:{PENDING}\), owned = 0 '\\000', u\.seq = \{{m = "
                     r"\(struct weft__node \*\) 0x[0-9a-f]+ weft_sleep 1 ms, fn = 0x[0-9a-f]+ <halve>, env = 0x0"
                     r"(, site = 0x[0-9a-f]+ <[^>]*site_[^>]*>)?\}", out)
           is not None)
check_that("a bind of a weft_return's immediate (a value in the pointer, no node)",
           re.search(rf"= async\(long\) weft_bind k=same_long env=0x0 of weft_return \(immediate\) at probe "
                     rf"\(\S*waits\.c:{RESOLVED}\)", out) is not None, out)
check_that("an immediate alone (the word -13 is weft_return's -7): its value, sign included",
           re.search(r"= \(struct weft__node \*\) 0xfffffffffffffff3 weft_return value=-7 \(immediate\)\n", out)
           is not None, out)
check_that("an immediate as a node's field",
           re.search(r"u\.seq = \{m = \(struct weft__node \*\) 0x[0-9a-f]+ weft_return value=-5 \(immediate\), "
                     r"fn = 0x[0-9a-f]+ <same_long>", out) is not None, out)
check_that("a fiber: state, wait, pending continuations",
           re.search(rf"state = wait_io, wait = weft_read: fd {fd} read, queued behind 1 fiber\(s\) \({H}\), "
                     rf"op = weft_read fd={fd} n=64, cur = NULL, "
                     rf"pending\[0\] = weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)", out)
           is not None)
check_that("a frame: kind, continuation, env, site",
           re.search(rf"= weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)\n", out) is not None)
check_that("the loop: a summary, then its fields",
           re.search(r"= weft loop \(open, running\): 17 fiber\(s\), 0 ready, 5 timer\(s\), backend fd \d+ = \{open = true",
                     out) is not None)

# The same program dead: a core file written at the same stop.  The loop is a
# thread-local, found through libthread_db in the core too; timers show their
# deadline, since a core has no clock to compare with.
if not with_core:
    print("note: the core-file checks are left out in the sanitized build (gcore would write ASan's shadow memory)")
    finish()
with tempfile.TemporaryDirectory() as work:
    core = os.path.join(work, "waits.core")
    gdb_batch(gdb, script, ["break waits_stop_here", "run", f"gcore {core}"], prog)
    if check_that("gcore wrote a core at the stop", os.path.exists(core)):
        dead = gdb_batch(gdb, script, ["weft fibers", "weft loop"], prog, core)
        print(dead)
        check_that("weft fibers on the core: the seventeen fibers", "17 fiber(s)\n" in dead, dead)
        check_that("the reader, its fd and its continuation",
                   re.search(rf"wait_io \[branch of 0x[0-9a-f]+\]: weft_read: fd {fd} read, queued behind 1 fiber\(s\) "
                             rf"\({H}\), 1 pending continuation\(s\)\n"
                             r"      running  weft_read fd=\d+ n=64\n"
                             rf"      #0   weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)", dead)
                   is not None)
        check("weft loop on the core: the paused accept and four timers in deadline order, by their absolute deadline",
              re.findall(r"^  fiber 0x[0-9a-f]+ at \d+ ns \(monotonic; no clock in a core file\) \(weft_(\w+ [^\s)]+)",
                         dead, re.M), ["accept fd=" + (paused.group(1) if paused else "?"), "sleep 10000", "sleep 20000",
                                       "sleep 30000", "sleep 40000"])
finish()
