"""Drives examples/echo_one: one byte from stdin to stdout, whatever follows it.
Usage: echo_one.py PATH-TO-echo_one"""
import os
import subprocess
import sys
import time

from common import check, check_that, finish, program, run

prog = program(sys.argv[1])

check("'abc' gives 'a'", run([*prog], b"abc"), (0, b"a", b""))
check("a NUL byte is one byte", run([*prog], b"\0xyz"), (0, b"\0", b""))
check("empty input gives empty output", run([*prog], b""), (0, b"", b""))

# The byte arrives late: the program waits for it without spinning or failing.
p = subprocess.Popen([*prog], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(0.3)
check_that("it waits for input", p.poll() is None)
p.stdin.write(b"Qrest")
p.stdin.close()
out, err = p.stdout.read(), p.stderr.read()
p.wait(timeout=10)
check("a late byte is echoed", (p.returncode, out, err), (0, b"Q", b""))

# Writing to a pipe nobody reads fails with EPIPE, reported, not a SIGPIPE death.
r, w = os.pipe()
os.close(r)
p = subprocess.run([*prog], input=b"z", stdout=w, stderr=subprocess.PIPE, timeout=10)
os.close(w)
check("a closed stdout is a reported failure", (p.returncode, p.stderr), (1, b"echo_one: Broken pipe\n"))

finish()
