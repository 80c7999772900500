"""Drives `weft detect-recursion` on the core file of test/gdb/recursion.c, a program that does not use weft,
overflowing its 256 KiB stack through rec_a -> rec_b -> rec_c.  Usage: detect_recursion.py GDB SCRIPT PROGRAM...
(each PROGRAM a build of recursion.c: with and without frame pointers, without debug info or unwind tables).  Exits 77 (skipped)
only when no core can be had: the kernel pipes cores to a handler and ptrace, for gcore, is refused."""
import os
import re
import resource
import subprocess
import sys
import tempfile

from gdbtest import check, check_that, finish, gdb_batch, ptrace_allowed, skip

gdb, script, programs = sys.argv[1], sys.argv[2], sys.argv[3:]
STACK = 256 << 10


def limits():
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def core_by_crash(prog, work):
    """Runs prog until its stack overflows; the core file, or None when the kernel writes it
    elsewhere (core_pattern piped to a handler such as systemd-coredump or apport)."""
    with open("/proc/sys/kernel/core_pattern") as f:
        pattern = f.read().strip()
    if os.environ.get("WEFT_TEST_GCORE"):
        print("note: WEFT_TEST_GCORE is set: using gcore")
        return None
    if pattern.startswith("|"):
        print(f"note: core_pattern pipes cores to a handler ({pattern.split()[0]}): using gcore instead")
        return None
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        print("note: RLIMIT_CORE cannot be raised: using gcore instead")
        return None
    p = subprocess.run([prog], cwd=work, preexec_fn=limits, capture_output=True, timeout=60)
    check("the program dies of SIGSEGV", p.returncode, -11)
    cores = [n for n in os.listdir(work) if n == "core" or n.startswith("core.")]
    if not cores:
        print(f"note: no core file in {work} (core_pattern {pattern!r}): using gcore instead")
        return None
    return os.path.join(work, cores[0])


def core_by_gcore(prog, work):
    """The fallback: the program stopped deep in its recursion, dumped by gcore."""
    if not ptrace_allowed(gdb):
        skip("no core file (core_pattern piped, or none written) and ptrace is not permitted for gcore")
    p = subprocess.Popen([prog, "3000"], cwd=work, preexec_fn=limits, stdout=subprocess.PIPE)
    try:
        line = p.stdout.readline()
        check("the program stops at depth 3000", line, b"stopped at depth 3000\n")
        core = os.path.join(work, "gcore")
        subprocess.run([gdb, "-nx", "-batch", "-p", str(p.pid), "-ex", f"gcore {core}"],
                       capture_output=True, timeout=120)
        return core if os.path.exists(core) else None
    finally:
        p.kill()
        p.wait()


def cycle(out):
    """The printed pattern (in call order) and its repetitions, or (None, 0)."""
    m = re.search(r"recurring call pattern of (\d+) function\(s\), repeated (\d+) times", out)
    if not m:
        return None, 0
    names = re.findall(r"^  (?:   |-> )(\w+)$", out[m.end():], re.M)
    return names[: int(m.group(1))], int(m.group(2))


def rotation_of(names, want):
    return len(names) == len(want) and any(names == want[i:] + want[:i] for i in range(len(want)))


CALLS = ["rec_a", "rec_b", "rec_c"]
for prog in programs:
    name = os.path.basename(prog)
    with tempfile.TemporaryDirectory() as work:
        core = core_by_crash(prog, work) or core_by_gcore(prog, work)
        if not check_that(f"{name}: a core file", core is not None):
            continue
        out = gdb_batch(gdb, script, ["weft detect-recursion"], prog, core)
        names, reps = cycle(out)
        check(f"{name}: the three functions, in call order", rotation_of(names or [], CALLS), True) or print(out)
        # 256 KiB of stack hold over a thousand periods of the three frames.
        check_that(f"{name}: repeated over the whole stack ({reps} times)", reps >= 500, out)
        scanned = re.search(r"scanned \d+ words \((\d+) bytes\)", out)
        covered = re.search(r"covering (\d+) bytes of stack", out)
        check_that(f"{name}: the depth it covers, most of the stack scanned",
                   scanned and covered and int(covered.group(1)) * 2 > int(scanned.group(1)), out)

        # From an explicit address, for a bounded number of words.
        out = gdb_batch(gdb, script, ["weft detect-recursion $sp+8192 --words 600"], prog, core)
        names, few = cycle(out)
        check(f"{name}: from $sp+8192, 600 words: the same pattern", rotation_of(names or [], CALLS), True)
        check_that(f"{name}: fewer repetitions in 600 words ({few})", 0 < few < reps and few < 600, out)
        check_that(f"{name}: and it says the scan was cut short",
                   "raise --words to measure its full depth" in out, out)

        # A --max-period below the true period of three finds nothing: never a made-up shorter
        # cycle such as rec_b -> rec_b or rec_a -> rec_b (their occurrences lie a period apart).
        for period in (1, 2):
            out = gdb_batch(gdb, script, [f"weft detect-recursion --max-period {period}"], prog, core)
            check_that(f"{name}: --max-period {period}: no pattern", "no recurring call pattern found" in out, out)

        # An address that cannot be read, negative or past the top of memory included: one error.
        for bad in ("-1", "0xfffffffffffffff8", "0"):
            out = gdb_batch(gdb, script, [f"weft detect-recursion {bad}"], prog, core)
            check_that(f"{name}: address {bad}: one clear error",
                       "weft detect-recursion: cannot read memory at" in out and "Python" not in out, out)

        out = gdb_batch(gdb, script, ["weft detect-recursion --words"], prog, core)
        check_that(f"{name}: a bad argument gets the usage",
                   "usage: weft detect-recursion [ADDRESS] [--words N] [--max-period P]" in out, out)

finish()
