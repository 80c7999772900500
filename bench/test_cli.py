#!/usr/bin/env python3
# test_cli.py BENCH_BIN_DIR CC: bad input to the benchmark suite's tools gets a clear error and exit 2, never a traceback,
# a silent exit or a run that never ends (ctest bench.cli, every configuration).  Runs no benchmark.
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
bindir, cc = sys.argv[1], sys.argv[2]
failed = []


def expect_usage(what, cmd, says):
    """cmd exits 2 within 20 s, with says on stderr and no Python traceback."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=20)
        ok = p.returncode == 2 and says in p.stderr and "Traceback" not in p.stderr
        got = "exit %d, stderr %r" % (p.returncode, p.stderr[-300:])
    except subprocess.TimeoutExpired:
        ok, got = False, "still running after 20 s"
    print("%s: %s%s" % ("ok" if ok else "FAIL", what, "" if ok else " (%s)" % got))
    if not ok:
        failed.append(what)


py = sys.executable
with tempfile.TemporaryDirectory() as tmp:
    for tool in ("run.py", "checker_cost.py"):
        build = ["--build", tmp] if tool == "run.py" else [tmp]
        for bad in ("(", "[a-", "*"):
            expect_usage("%s --only %r" % (tool, bad), [py, os.path.join(HERE, tool)] + build + ["--only", bad],
                         "not a regular expression")
    expect_usage("run.py --mode slow", [py, os.path.join(HERE, "run.py"), "--build", tmp, "--mode", "slow"],
                 "invalid choice")

    loadgen = os.path.join(tmp, "loadgen")
    subprocess.check_call([cc, "-O1", "-o", loadgen, os.path.join(HERE, "loadgen.c")])
    bad_args = {
        "bench_pingpong": [["0"], ["-3"], ["abc"], ["12abc"], ["99999999999999999999"], ["10", "extra"]],
        "bench_sleeps": [[], ["run", "x", "3"], ["run", "3", "0"], ["run", "99999999999999999999", "1"],
                         ["pending", "-1"], ["pending", "1e3"], ["bogus", "1"]],
        "detach": [["0"], ["1x"], ["10", "0"], ["10", "500"], ["10", "3", "-1"], ["10", "3", "1", "extra"]],
        "loadgen": [[], ["echo", "x", "2", "1"], ["echo", "80", "0", "1"], ["echo", "80", "2", "abc"],
                    ["echo", "80", "2", "1", "0"], ["echo", "80", "2", "1", "70000"], ["idle", "80", "2", "5"],
                    ["echo", "70000", "2", "1"]],
    }
    for prog, cases in sorted(bad_args.items()):
        exe = loadgen if prog == "loadgen" else os.path.join(bindir, prog)
        for args in cases:
            expect_usage("%s %s" % (prog, " ".join(args)), [exe] + args, "usage:")

sys.exit(1 if failed else 0)
