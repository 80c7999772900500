#!/usr/bin/env python3
# test_run.py: checks bench/run.py's bookkeeping without running a benchmark (ctest bench.run_py, every
# configuration): a row dropped from the suite is reported, a figure of 0 fails its row, weft adv. points one way.
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (after the path)

failed = []


def check(what, ok):
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        failed.append(what)


def full_rows():
    return [(prefix + "x", unit, "lower", {"weft": [1.0]}, ["weft"]) for prefix, unit in run.EXPECTED_ROWS]


with tempfile.TemporaryDirectory() as build:
    check("a whole table misses no row", run.missing_rows(full_rows()) == [])
    for i, (prefix, unit) in enumerate(run.EXPECTED_ROWS):
        rows = full_rows()
        del rows[i]
        check("dropping %s (%s) is reported" % (prefix, unit), len(run.missing_rows(rows)) == 1)
    rows = full_rows()
    rows[0] = (rows[0][0], "another unit") + rows[0][2:]
    check("a row under another unit does not count", len(run.missing_rows(rows)) == 1)

    suite = run.Suite(build, "quick", None, False)
    suite.bench("rate", "req/s", "higher", [("weft", lambda: 200.0), ("peer", lambda: 100.0)], 3)
    suite.bench("cost", "ns", "lower", [("weft", lambda: 100.0), ("peer", lambda: 200.0)], 3)
    suite.bench("idle server", "req/s", "higher", [("weft", lambda: 10.0), ("peer", lambda: 0.0)], 2)
    table = suite.table()
    lines = {tuple(c.strip() for c in l.strip("|").split("|")[:2]): l for l in table.splitlines()}
    check("rate: weft twice the peer's rate is weft adv. 2.00", lines[("rate", "peer")].rstrip(" |").endswith("2.00"))
    check("cost: weft half the peer's cost is weft adv. 2.00", lines[("cost", "peer")].rstrip(" |").endswith("2.00"))
    check("a figure of 0 is a FAILED row", "FAILED" in lines[("idle server", "peer")])
    check("and a failure of the suite", any("idle server / peer" in f for f in suite.failures))
    check("the other rows did not fail", len(suite.failures) == 1)

sys.exit(1 if failed else 0)
