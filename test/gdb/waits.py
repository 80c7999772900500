"""Drives GDB on test/gdb/waits.c stopped while its fibers wait on three timers, a pipe under a timeout, and joins:
weft fibers, weft loop and the printers of async values, nodes, fibers and frames must show each of them.
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
TIMERS = line_of("async(void) timers =")

out = gdb_batch(gdb, script, ["break waits_stop_here", "run", "weft fibers"], prog)
# The fd the reader waits on is only known once stopped: run again with it.
fd = re.search(r"weft_read: fd (\d+) read", out)
if not check_that("a fiber waits to read the pipe", fd is not None, out):
    finish()
fd = fd.group(1)
out = gdb_batch(gdb, script, ["break waits_stop_here", "run", "weft fibers", "weft loop", "up",
                              "print pending", "print line", "print *pending.node_",
                              f"print *weft__loop.fds[{fd}].reader",
                              f"print weft__loop.fds[{fd}].reader->frames[0]", "print weft__loop"], prog)
print(out)

fibers = out[out.index("fiber(s)") - 3:out.index("loop: ")]
check("weft fibers: ten fibers", re.search(r"(\d+) fiber\(s\)", fibers).group(1), "10")
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
check_that("the reader: fd and direction, and its continuation with env and site",
           re.search(rf"wait_io \[branch of 0x[0-9a-f]+\]: weft_read: fd {fd} read, 1 pending continuation\(s\)\n"
                     rf"      running  weft_read fd={fd} n=64\n"
                     rf"      #0   weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)", fibers)
           is not None)
check_that("a join shows where it was written",
           re.search(rf"weft_join of fibers 0x[0-9a-f]+, 0x[0-9a-f]+ at main \(\S*waits\.c:{TIMERS}\)", fibers)
           is not None)
check("three joins and a pick wait on their child fibers",
      sorted(re.findall(r"wait_children(?: \[[^]]*\])?: weft_(join|pick) of fibers 0x[0-9a-f]+, 0x[0-9a-f]+", fibers)),
      ["join", "join", "join", "pick"])

loop = out[out.index("loop: "):]
check_that("weft loop: the pipe is registered for reading by the reader",
           re.search(rf"registered fds: 1\n  fd {fd}: interest read; reader 0x[0-9a-f]+\n", loop) is not None, loop)
timers = re.findall(r"^  fiber 0x[0-9a-f]+ due in (\d+) ms \(weft_sleep (\d+) ms", loop, re.M)
check("the timer heap, in deadline order", [t[1] for t in timers], ["10000", "20000", "30000", "40000"])
check("due times ascend", [int(t[0]) for t in timers] == sorted(int(t[0]) for t in timers), True)
check_that("the ready queue is empty", "ready queue: 0 fiber(s)" in loop, loop)

check_that("an async(long) value: the map, its function, env, inner action and site",
           re.search(rf"= async\(long\) weft_map k=halve env=0x0 of weft_sleep at probe \(\S*waits\.c:{PENDING}\)", out)
           is not None)
check_that("an async(str) value: a read with its fd and size",
           re.search(rf"= async\(str\) weft_read fd={fd} n=16\n", out) is not None)
check_that("a node's fields by name: kind, site, the union member of its kind",
           re.search(rf"kind = map, site = probe \(\S*waits\.c:{PENDING}\), owned = 0 '\\000', u\.seq = \{{m = "
                     r"\(struct weft__node \*\) 0x[0-9a-f]+ weft_sleep 1 ms, fn = 0x[0-9a-f]+ <halve>, env = 0x0\}", out)
           is not None)
check_that("a fiber: state, wait, pending continuations",
           re.search(rf"state = wait_io, wait = weft_read: fd {fd} read, op = weft_read fd={fd} n=64, cur = NULL, "
                     rf"pending\[0\] = weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)", out)
           is not None)
check_that("a frame: kind, continuation, env, site",
           re.search(rf"= weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)\n", out) is not None)
check_that("the loop: a summary, then its fields",
           re.search(r"= weft loop \(open, running\): 10 fiber\(s\), 0 ready, 4 timer\(s\), backend fd \d+ = \{open = true",
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
        check_that("weft fibers on the core: the ten fibers", "10 fiber(s)\n" in dead, dead)
        check_that("the reader, its fd and its continuation",
                   re.search(rf"wait_io \[branch of 0x[0-9a-f]+\]: weft_read: fd {fd} read, 1 pending continuation\(s\)\n"
                             r"      running  weft_read fd=\d+ n=64\n"
                             rf"      #0   weft_bind -> got_line\(env=0x0\) at main \(\S*waits\.c:{READER}\)", dead)
                   is not None)
        check("weft loop on the core: four timers in deadline order, by their absolute deadline",
              re.findall(r"^  fiber 0x[0-9a-f]+ at \d+ ns \(monotonic; no clock in a core file\) \(weft_sleep (\d+) ms",
                         dead, re.M), ["10000", "20000", "30000", "40000"])
finish()
