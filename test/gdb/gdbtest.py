"""Shared helpers for the GDB tests: batch runs of gdb with the weft extension, the ptrace probe, skips.
Used by every driver in test/gdb/; the checks themselves come from test/examples/common.py."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
from common import check, check_that, finish  # noqa: E402,F401  (re-exported for the drivers)

SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def gdb_args(gdb, script):
    """gdb in batch mode, no ~/.gdbinit, the extension from the source tree (an installed one
    is found by auto-load; test/install checks that)."""
    return [gdb, "-nx", "-batch", "-iex", "set debuginfod enabled off", "-iex", "set pagination off",
            "-iex", "set auto-load python-scripts off", "-ex", f"source {script}"]


def gdb_batch(gdb, script, commands, program, core=None, timeout=120):
    argv = gdb_args(gdb, script)
    for c in commands:
        argv += ["-ex", c]
    argv += [program] + ([core] if core else [])
    try:
        p = subprocess.run(argv, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:  # reported as the output, which the checks then fail on
        return f"gdb timed out after {timeout} s\n" + (e.stdout or b"").decode(errors="replace")
    return p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")


def ptrace_allowed(gdb):
    """Whether gdb may attach to a process of ours (needed for gcore and live tests)."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        p = subprocess.run([gdb, "-nx", "-batch", "-p", str(child.pid), "-ex", "detach"],
                           capture_output=True, timeout=60)
        text = (p.stdout + p.stderr).decode(errors="replace")
        return "Operation not permitted" not in text and "ptrace" not in text.lower()
    finally:
        child.kill()
        child.wait()


def run_allowed(gdb):
    """Whether gdb may start a program under ptrace (PTRACE_TRACEME)."""
    p = subprocess.run([gdb, "-nx", "-batch", "-ex", "run", "--args", "/bin/true"], capture_output=True,
                       timeout=60)
    text = (p.stdout + p.stderr).decode(errors="replace")
    return "exited normally" in text
