"""Drives examples/sleep_min: sleeps at least N seconds, including the N = 0 case the
reference's `left < slept` would never finish.  Usage: sleep_min.py PATH-TO-sleep_min"""
import re
import sys
import time

from common import check, check_that, finish, program, run

prog = program(sys.argv[1])

for n in (0, 1, 2):
    start = time.monotonic()
    rc, out, err = run([*prog, str(n)], timeout=n + 20)
    elapsed = time.monotonic() - start
    m = re.fullmatch(rb"asked for at least (\d+) s, slept (\d+) s\n", out)
    check(f"sleep_min {n}: exit status and stderr", (rc, err), (0, b""))
    check_that(f"sleep_min {n}: the report", m and int(m.group(1)) == n and int(m.group(2)) >= n, repr(out))
    check_that(f"sleep_min {n}: at least {n} s passed", elapsed >= n, f"(only {elapsed:.3f} s)")

check("a negative duration is refused", run([*prog, "-1"]), (2, b"", b"usage: sleep_min [seconds >= 0]\n"))

finish()
