"""Drives examples/conn_table: its server and its 16 clients run in one loop; the connection table kept by
noyield helpers must account for every connection and byte.  Usage: conn_table.py PATH-TO-conn_table"""
import re
import sys

from common import check, check_that, finish, program, run

prog = program(sys.argv[1])

for attempt in range(3):
    rc, out, err = run(prog, timeout=60)
    m = re.fullmatch(rb"conn_table: (\d+) connections, (\d+) refused, (\d+) bytes echoed, at most (\d+) open at once\n",
                     out)
    check(f"run {attempt + 1}: exit status and stderr", (rc, err), (0, b""))
    check_that(f"run {attempt + 1}: the report", m is not None, repr(out))
    if m:
        conns, refused, echoed, most = (int(g) for g in m.groups())
        check(f"run {attempt + 1}: every client connected, none refused", (conns, refused), (16, 0))
        check(f"run {attempt + 1}: every byte echoed (16 lines of 25 bytes)", echoed, 400)
        check_that(f"run {attempt + 1}: the table held several connections at once", 1 < most <= 16, str(most))

finish()
