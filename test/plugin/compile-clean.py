#!/usr/bin/env python3
# compile-clean.py CLANG PLUGIN SOURCE_ROOT COMPILE_COMMANDS: every C file of
# examples/ and runtime/ compiles under the checker with no diagnostic at all
# (ctest plugin-clean-tree).  Each file is checked with its own flags from the
# build's compile_commands.json (whichever C compiler the build uses).  Only
# the checker speaks: the compiler's own warnings are off (-w) and the
# checker's are made errors, which -w does not silence.
import json
import os
import shlex
import subprocess
import sys


def checker_command(entry, clang, plugin):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out = [clang]
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if arg in ("-c", "-MD", "-MMD") or (arg.startswith("-W") and not arg.startswith("-Wl,")):
            continue
        out.append(arg)
    return out + ["-fsyntax-only", "-w", "-fplugin=" + plugin, "-fplugin-arg-weft-werror"]


def main():
    clang, plugin, root, database = sys.argv[1:5]
    plugin = os.path.abspath(plugin)
    root = os.path.abspath(root)
    with open(database) as f:
        entries = json.load(f)
    wanted = [os.path.join(root, d) + os.sep for d in ("examples", "runtime")]
    checked, failed, seen = 0, 0, set()
    for entry in entries:
        path = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
        if not path.endswith(".c") or not any(path.startswith(w) for w in wanted):
            continue
        if path in seen:  # a file built into two libraries is checked once
            continue
        seen.add(path)
        checked += 1
        proc = subprocess.run(checker_command(entry, clang, plugin), cwd=entry["directory"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0 or proc.stdout.strip():
            failed += 1
            print("FAIL: %s (exit %d)\n%s" % (path, proc.returncode, proc.stdout))
    if checked == 0:
        print("FAIL: %s lists no file of examples/ or runtime/" % database)
        return 1
    print("%s: %d files checked, %d with diagnostics" % ("FAIL" if failed else "ok", checked, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
