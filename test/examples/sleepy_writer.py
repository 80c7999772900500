"""Drives examples/sleepy_writer: up to 10 bytes in, 2 s of sleep, the same bytes out.
Usage: sleepy_writer.py PATH-TO-sleepy_writer"""
import os
import subprocess
import sys
import time

from common import check, check_that, finish, program

prog = program(sys.argv[1])

# The sleep starts once the data has been read: the output comes at least 2 s
# after the input went in, even when the input is late.
p = subprocess.Popen([*prog], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(0.5)
check_that("it waits for input", p.poll() is None)
sent = time.monotonic()
p.stdin.write(b"0123456789abc")
p.stdin.flush()
out = p.stdout.read()
elapsed = time.monotonic() - sent
err = p.stderr.read()
p.stdin.close()
p.wait(timeout=10)
check("ten of the bytes come out", (p.returncode, out, err), (0, b"0123456789", b""))
check_that("at least 2 s after they went in", elapsed >= 2.0, f"(only {elapsed:.3f} s)")

# argv[1] names the output descriptor: here a pipe the child inherits.
r, w = os.pipe()
start = time.monotonic()
p = subprocess.run([*prog, str(w)], input=b"short", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   pass_fds=(w,), timeout=20)
elapsed = time.monotonic() - start
os.close(w)
with os.fdopen(r, "rb") as f:
    piped = f.read()
check("with argv[1] = FD the bytes go to FD", (p.returncode, p.stdout, p.stderr, piped), (0, b"", b"", b"short"))
check_that("again after at least 2 s", elapsed >= 2.0, f"(only {elapsed:.3f} s)")

finish()
