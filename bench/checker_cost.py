#!/usr/bin/env python3
# checker_cost.py BUILD_DIR: the checker's overhead in instructions (callgrind), per file and in total, on
# examples/ and on the SQLite amalgamation with weft.h included; the figures of docs/checker.md's "Checker cost".
"""Usage: checker_cost.py BUILD_DIR [--no-sqlite] [--only REGEX] [--keep DIR]

Runs `clang -fsyntax-only` under `valgrind --tool=callgrind` on each input twice, without and with
-fplugin=BUILD_DIR/lib/libweft-plugin-N.so, with the flags of bench/run.py's checker rows (examples:
-Werror -Iruntime/include -Iexamples; SQLite: -w -D_GNU_SOURCE -Iruntime/include -include weft.h), and prints
the instructions of each and the overhead.  The clang is the one BUILD_DIR was configured with.  The SQLite
amalgamation is the one bench/run.py fetched (BUILD_DIR/bench/corpus) or the plugin-sqlite test did
(BUILD_DIR/test/plugin/corpus); without either, or with --no-sqlite, its row is left out.  A benchmark: it
prints figures and asserts nothing (exit 1 only when a compilation fails).  Give it a Release build
(scripts/bench.sh makes build/bench): scripts/build.sh's trees compile the plugin without optimisation.
--keep DIR keeps the callgrind files (NAME.base.cg, NAME.weft.cg) for callgrind_annotate."""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from benchlib import cache_value, regex  # noqa: E402


def instructions(cmd, out):
    """Instructions callgrind counts over cmd (the whole process), its output file kept at out."""
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=1800)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise SystemExit("checker_cost.py: failed: %s" % " ".join(cmd))
    m = re.search(r"Collected : (\d+)", p.stderr)
    if not m:
        raise SystemExit("checker_cost.py: no count from callgrind for %s" % " ".join(cmd))
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(usage=__doc__.splitlines()[0][len("Usage: "):])
    ap.add_argument("build")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--only", type=regex, default="")
    ap.add_argument("--keep", default="")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.build, "CMakeCache.txt")):
        raise SystemExit("checker_cost.py: %s is not a configured build tree (no CMakeCache.txt)" % a.build)
    if not shutil.which("valgrind"):
        raise SystemExit("checker_cost.py: valgrind is not installed (scripts/setup-debian.sh installs it)")
    clang = cache_value(a.build, "WEFT_CLANG_EXECUTABLE")
    plugins = sorted(glob.glob(os.path.join(a.build, "lib", "libweft-plugin-*.so")))
    if not clang or not plugins:
        raise SystemExit("checker_cost.py: no clang or no plugin in %s/lib" % a.build)
    include = os.path.join(ROOT, "runtime", "include")
    inputs = []
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.c"))):
        inputs.append((os.path.basename(f),
                       ["-fsyntax-only", "-Werror", "-I" + include, "-I" + os.path.join(ROOT, "examples"), f]))
    if not a.no_sqlite:
        for corpus in ("bench", "test/plugin"):
            src = os.path.join(a.build, corpus, "corpus", "package", "deps", "sqlite3", "sqlite3.c")
            if os.path.exists(src):
                inputs.append(("sqlite3.c + weft.h",
                               ["-fsyntax-only", "-w", "-D_GNU_SOURCE", "-I" + include, "-include", "weft.h", src]))
                break
    inputs = [i for i in inputs if re.search(a.only, i[0])]
    if not inputs:
        raise SystemExit("checker_cost.py: no input matches --only %s" % a.only)
    if a.keep and os.path.exists(a.keep) and not os.path.isdir(a.keep):
        raise SystemExit("checker_cost.py: --keep %s: not a directory" % a.keep)
    keep = a.keep or tempfile.mkdtemp(prefix="checker-cost.")
    os.makedirs(keep, exist_ok=True)
    try:
        measure(inputs, clang, plugins[0], keep)
    finally:
        if not a.keep:  # the callgrind files of a failed run go too
            shutil.rmtree(keep, ignore_errors=True)


def measure(inputs, clang, plugin, keep):
    """Prints the table: each input's instructions without and with the plugin, and examples/' total."""
    print("%-20s %15s %15s %9s" % ("input", "clang", "clang + weft", "overhead"))
    total = [0, 0]
    for name, args in inputs:
        stem = os.path.join(keep, re.sub(r"[^A-Za-z0-9_.]", "_", name))
        base = instructions([clang] + args, stem + ".base.cg")
        weft = instructions([clang, "-fplugin=" + os.path.abspath(plugin)] + args, stem + ".weft.cg")
        print("%-20s %15d %15d %+8.2f%%" % (name, base, weft, 100.0 * (weft - base) / base), flush=True)
        if name.endswith(".c") and not name.startswith("sqlite"):
            total[0] += base
            total[1] += weft
    if total[0]:
        print("%-20s %15d %15d %+8.2f%%" % ("examples/ total", total[0], total[1],
                                             100.0 * (total[1] - total[0]) / total[0]))


if __name__ == "__main__":
    main()
