"""Drives examples/read_line: lines (empty ones, a last unterminated one, NULs, a long one)
printed as LENGTH "LINE", lines arriving one at a time, and flat memory.  Usage: read_line.py PATH-TO-read_line"""
import subprocess
import sys

from common import check, check_that, finish, program, run, run_rusage, wrapped

prog = program(sys.argv[1])


def expect(*lines):
    return b"".join(b'%d "%s"\n' % (len(line), line) for line in lines)


check("lines, empty lines and an unterminated last one",
      run([*prog], b"alpha\n\nbeta gamma\n\n\nlast"),
      (0, expect(b"alpha", b"", b"beta gamma", b"", b"", b"last"), b""))
check("a final newline ends the last line", run([*prog], b"one\ntwo\n"), (0, expect(b"one", b"two"), b""))
check("empty input: no line at all", run([*prog], b""), (0, b"", b""))
check("a lone newline: one empty line", run([*prog], b"\n"), (0, expect(b""), b""))
check("bytes other than \\n are kept, \\r and NUL too",
      run([*prog], b"a\r\nb\0c\n"), (0, expect(b"a\r", b"b\0c"), b""))
long_line = bytes(ord("a") + i % 26 for i in range(100000))
check("a 100000-byte line", run([*prog], long_line + b"\nend\n"), (0, expect(long_line, b"end"), b""))

# Lines are printed as they arrive, not at end of input.
p = subprocess.Popen([*prog], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
p.stdin.write(b"first\nsec")
p.stdin.flush()
check("the first line comes out before the input ends", p.stdout.readline(), b'5 "first"\n')
p.stdin.write(b"ond")
p.stdin.close()
out = p.stdout.read()
p.wait(timeout=10)
check("then the unterminated rest", (p.returncode, out, p.stderr.read()), (0, b'6 "second"\n', b""))

# Constant memory: ten times more lines (and one-byte reads) need no more.
few = b"0123456789\n" * 3000
many = b"0123456789\n" * 30000
if not wrapped():  # a wrapper's own memory would hide the program's
    short = run_rusage([*prog], few)
    long = run_rusage([*prog], many)
    check("3000 lines", short[:3], (0, expect(*[b"0123456789"] * 3000), b""))
    check("30000 lines", long[:3], (0, expect(*[b"0123456789"] * 30000), b""))
    growth = long[3] - short[3]
    check_that(f"peak memory flat over 10x the lines (grew {growth} KiB)", growth < 1024)

finish()
