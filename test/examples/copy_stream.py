"""Drives examples/copy_stream: MiBs of random binary data through pipes, regular files and a
socket, in several chunk sizes, compared byte for byte; plus flat memory.  Usage: copy_stream.py PATH-TO-copy_stream"""
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time

from common import check, check_that, finish, program, recv_all, run, run_rusage, wrapped

prog = program(sys.argv[1])
rng = random.Random(20261127)
data = rng.randbytes(4 << 20)   # NUL bytes included, many of them

check("4 MiB, default chunk size", run([*prog], data), (0, data, b""))
check("3 MiB in chunks of 1000", run([*prog, "1000"], data[: 3 << 20]), (0, data[: 3 << 20], b""))
check("64 KiB in chunks of 1", run([*prog, "1"], data[: 1 << 16]), (0, data[: 1 << 16], b""))
check("empty input", run([*prog], b""), (0, b"", b""))
check("a bad chunk size", run([*prog, "0"]), (2, b"", b"usage: copy_stream [chunk-size > 0]\n"))

# Input that trickles in: the copy keeps up and stops only at end of input.
p = subprocess.Popen([*prog, "4096"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
pieces = [data[i : i + 10000] for i in range(0, 200000, 10000)]


def trickle():
    for piece in pieces:
        p.stdin.write(piece)
        p.stdin.flush()
        time.sleep(0.01)
    p.stdin.close()


writer = threading.Thread(target=trickle)
writer.start()
out = p.stdout.read()
writer.join()
err = p.stderr.read()
p.wait(timeout=10)
check("input arriving in pieces", (p.returncode, out, err), (0, b"".join(pieces), b""))

# Regular files (which epoll cannot watch) on both sides.
with tempfile.TemporaryFile() as src, tempfile.TemporaryFile() as dst:
    src.write(data[: 1 << 20])
    src.seek(0)
    p = subprocess.run([*prog, "5000"], stdin=src, stdout=dst, stderr=subprocess.PIPE, timeout=30)
    dst.seek(0)
    check("a regular file to a regular file", (p.returncode, dst.read(), p.stderr), (0, data[: 1 << 20], b""))

# One socket as both stdin and stdout, as inetd would start it.
ours, theirs = socket.socketpair()
p = subprocess.Popen([*prog, "1000"], stdin=theirs, stdout=theirs, stderr=subprocess.PIPE)
theirs.close()
echoed = []
reader = threading.Thread(target=lambda: echoed.append(recv_all(ours)))
reader.start()
ours.sendall(data[: 2 << 20])
ours.shutdown(socket.SHUT_WR)
reader.join()
ours.close()
p.wait(timeout=10)
check("one socket as stdin and stdout", (p.returncode, echoed[0], p.stderr.read()), (0, data[: 2 << 20], b""))

# A closed reader is a failure the program reports.
r, w = os.pipe()
os.close(r)
p = subprocess.run([*prog], input=data[:100], stdout=w, stderr=subprocess.PIPE, timeout=10)
os.close(w)
check("a closed stdout is a reported failure", (p.returncode, p.stderr), (1, b"copy_stream: Broken pipe\n"))

# Constant memory: 16 times more iterations of the loop (chunks of 16 bytes)
# must not need more memory.  A runtime that kept one node or frame per
# iteration would need tens of MiB more for the long run.
if not wrapped():  # a wrapper's own memory would hide the program's
    short = run_rusage([*prog, "16"], data[: 256 << 10])
    long = run_rusage([*prog, "16"], data)
    check("16-byte chunks, 256 KiB", short[:3], (0, data[: 256 << 10], b""))
    check("16-byte chunks, 4 MiB", long[:3], (0, data, b""))
    growth = long[3] - short[3]
    check_that(f"peak memory flat over 16x the iterations (grew {growth} KiB)", growth < 1024)

finish()
