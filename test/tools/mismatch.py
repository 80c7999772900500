#!/usr/bin/env python3
# mismatch.py PLUGIN TIDY INCLUDE SOURCE CLANG...: loads this build's plugin
# (and tidy module, if built) into each other major's clang (clang-tidy), and
# checks for exit status 1 with a clear message and no crash report.
import os
import subprocess
import sys

plugin, tidy, include, source = sys.argv[1:5]
failed = False
for clang in sys.argv[5:]:
    runs = [[clang, "-fsyntax-only", "-fplugin=" + plugin, "-I" + include, source]]
    tidy_bin = os.path.join(os.path.dirname(clang), "clang-tidy")
    if tidy and os.path.exists(tidy_bin):
        runs.append([tidy_bin, "--load=" + tidy, "--checks=-*,weft-*", source, "--", "-I" + include])
    for cmd in runs:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = r.stdout.decode("utf-8", "replace")
        clear = ("unable to load plugin" in out or "Error opening" in out or "was built for Clang" in out)
        ok = r.returncode == 1 and clear and "PLEASE submit" not in out and "Stack dump" not in out
        print("%s: exit %d, %s" % (" ".join(os.path.basename(c) for c in cmd[:2]), r.returncode,
                                   "clear error" if ok else "NOT A CLEAR ERROR"))
        if not ok:
            print(out[:2000])
            failed = True
sys.exit(1 if failed else 0)
