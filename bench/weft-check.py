#!/usr/bin/env python3
# weft-check.py BUILD_DIR [-j N]: weft-check against plain `clang -fsyntax-only`
# over the same compilation database with the same -j: wall time, the ratio,
# and peak memory (the largest resident set of any one process).  Two corpora:
# BUILD_DIR's own compile_commands.json (the weft tree), and the SQLite
# amalgamation (fetched like test/plugin/sqlite.sh, from npm better-sqlite3@12),
# once as it is and once with weft.h included so that every rule runs.  A
# benchmark: it prints figures and asserts nothing.  Time includes GNU time's
# own start-up for both sides.  For figures that mean something, give it a
# Release build (cmake -DCMAKE_BUILD_TYPE=Release ... -DWEFT_CLANG_VERSION=N):
# scripts/build.sh configurations compile the analysis core without optimisation.
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from benchlib import cache_value  # noqa: E402


def syntax_only(entry):
    """The entry's command as clang -fsyntax-only (no output files)."""
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        out.append(a)
    return out + ["-fsyntax-only"]


def measure(cmds, jobs):
    """Runs the commands, jobs at a time: (seconds, peak RSS of one process in MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        running, pending, n = [], list(cmds), 0
        while pending or running:
            while pending and len(running) < jobs:
                cwd, argv = pending.pop(0)
                n += 1
                out = os.path.join(tmp, "%d.rss" % n)
                running.append(subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", out] + argv, cwd=cwd,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            running[0].wait()
            running = [p for p in running if p.poll() is None]
        wall = time.monotonic() - start
        peak = 0
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name)) as f:
                peak = max(peak, int(f.read().strip().splitlines()[-1]))
        return wall, peak / 1024.0


def peak_of(argv, cwd=None):
    """Wall time and peak RSS (MiB) of one command, through GNU time."""
    with tempfile.NamedTemporaryFile("r") as t:
        start = time.monotonic()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + argv, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        return wall, int(t.read().strip().splitlines()[-1]) / 1024.0


def sqlite_source(corpus):
    src = os.path.join(corpus, "package", "deps", "sqlite3", "sqlite3.c")
    if os.path.exists(src):
        return src
    os.makedirs(corpus, exist_ok=True)
    print("fetching better-sqlite3@12 into %s" % corpus, file=sys.stderr)
    tgz = subprocess.run(["npm", "pack", "--silent", "better-sqlite3@12"], cwd=corpus, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout.split()[-1]
    subprocess.run(["tar", "-xzf", tgz, "package/deps/sqlite3"], cwd=corpus, check=True)
    os.remove(os.path.join(corpus, tgz))
    return src


def compare(name, db_path, clang, weft_check, resource_dir, jobs, runs):
    with open(db_path) as f:
        entries = json.load(f)
    clang_cmds = [(e["directory"], [clang, "-resource-dir=" + resource_dir] + syntax_only(e))
                  for e in entries]
    best_c = best_w = None
    mem_c = mem_w = 0.0
    for _ in range(runs):
        wc, mc = measure(clang_cmds, jobs)
        ww, mw = peak_of([weft_check, "-p", db_path, "-j", str(jobs), "--no-progress"])
        best_c = wc if best_c is None else min(best_c, wc)
        best_w = ww if best_w is None else min(best_w, ww)
        mem_c, mem_w = max(mem_c, mc), max(mem_w, mw)
    print("%-28s %4d TUs  -j%-2d  clang -fsyntax-only %7.2f s  weft-check %7.2f s  ratio %.2f  "
          "peak RSS %6.1f / %6.1f MiB" % (name, len(entries), jobs, best_c, best_w, best_w / best_c,
                                          mem_c, mem_w))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("build", help="a build directory with weft-check (scripts/build.sh clang14)")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--runs", type=int, default=3, help="best of this many runs")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    clang = cache_value(build, "WEFT_CLANG_EXECUTABLE")
    resource_dir = cache_value(build, "WEFT_RESOURCE_DIR")
    weft_check = os.path.join(build, "bin", "weft-check")
    if not clang or not os.path.exists(weft_check):
        sys.exit("bench: %s has no checker build (scripts/build.sh clang14 first)" % build)
    print("weft-check against %s -fsyntax-only (same database, same -j; best of %d; load: %s)"
          % (clang, args.runs, os.getloadavg()))
    compare("weft tree", os.path.join(build, "compile_commands.json"), clang, weft_check,
            resource_dir, args.j, args.runs)
    if args.no_sqlite:
        return
    src = sqlite_source(os.path.join(build, "bench", "corpus"))
    include = os.path.join(ROOT, "runtime", "include")
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in (("sqlite3.c", []),
                            ("sqlite3.c with weft.h", ["-D_GNU_SOURCE", "-I" + include, "-include", "weft.h"])):
            db = os.path.join(tmp, "compile_commands.json")
            with open(db, "w") as f:
                json.dump([{"directory": os.path.dirname(src), "file": src,
                            "arguments": ["cc", "-w", "-c", src] + extra}], f)
            compare(name, db, clang, weft_check, resource_dir, 1, args.runs)


if __name__ == "__main__":
    main()
