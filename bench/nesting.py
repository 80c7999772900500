#!/usr/bin/env python3
# nesting.py: how the compile time of weft.h's macros grows with nesting depth.
# Covered by test/plugin/nesting.c (which compiles the 30-deep file this writes).
#
#   nesting.py source DEPTH            print a C file nesting every combinator DEPTH deep
#   nesting.py bench CLANG [PLUGIN]    print seconds and peak memory per combinator and
#                                      depth, without and with the checker plugin
#
# Every macro of weft.h writes each of its arguments once in its expansion, so a
# combinator nested in its own first argument costs time and memory linear in
# the depth; a macro that repeats an argument would double the work per level.
import os
import subprocess
import sys
import tempfile
import time

PRELUDE = """#include <weft.h>
#include <stddef.h>
static async(int) k_int(void *env, int v) { (void)env; return weft_return(int, v + 1); }
static async(void) k_void(void *env) { (void)env; return weft_return(void); }
static async(int) h_int(void *env, int err) { (void)env; return weft_return(int, err); }
static async(void) fin(void *env) { (void)env; return weft_return(void); }
static int f_int(void *env, int v) { (void)env; return v * 2; }
"""

# name -> (result type, innermost action, one level of nesting around X)
COMBINATORS = {
    "bind": ("int", "weft_return(int, 1)", "weft_bind({x}, k_int, NULL)"),
    "then": ("void", "weft_return(void)", "weft_then({x}, k_void, NULL)"),
    "map": ("int", "weft_return(int, 1)", "weft_map({x}, f_int, NULL)"),
    "map_to": ("int", "weft_return(int, 1)", "weft_map_to(int, {x}, f_int, NULL)"),
    "catch": ("int", "weft_fail(int, -5)", "weft_catch({x}, h_int, NULL)"),
    "finally": ("int", "weft_return(int, 1)", "weft_finally({x}, fin, NULL)"),
    "join": ("void", "weft_return(void)", "weft_join({x}, weft_return(void))"),
    "join_right": ("void", "weft_return(void)", "weft_join(weft_return(void), {x})"),
    "pick": ("int", "weft_return(int, 1)", "weft_pick({x}, weft_return(int, 2))"),
    "pick_right": ("int", "weft_return(int, 1)", "weft_pick(weft_return(int, 2), {x})"),
    "timeout": ("int", "weft_return(int, 1)", "weft_timeout({x}, 10)"),
}


def nest(name, depth):
    _, expr, level = COMBINATORS[name]
    for _ in range(depth):
        expr = level.format(x=expr)
    return expr


def source(names, depth):
    out = [PRELUDE]
    for name in names:
        result = COMBINATORS[name][0]
        out.append("async(%s) nested_%s(void) { return %s; }\n" % (result, name, nest(name, depth)))
    # The sinks, around the deepest nesting of each kind of value.
    out.append("mayyield int run_nested(void) {\n  int v = 0;\n  int rc = weft_run(%s, &v);\n"
               "  weft_spawn(%s);\n  return rc + v;\n}\n" % (nest("bind", depth), nest("then", depth)))
    return "".join(out)


def compile_once(clang, args, path):
    """Seconds and peak resident memory (MiB) of one compile."""
    start = time.monotonic()
    proc = subprocess.Popen([clang, "-fsyntax-only"] + args + [path], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit("nesting.py: %s failed:\n%s" % (path, err.decode(errors="replace")))
    return seconds, usage.ru_maxrss // 1024


def bench(clang, plugin):
    include = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "include")
    configs = [("plain", ["-I" + include])]
    if plugin:
        configs.append(("plugin", ["-I" + include, "-fplugin=" + os.path.abspath(plugin)]))
    depths = [1, 10, 20, 30, 60]
    print("%-12s %6s  %s" % ("combinator", "depth", "  ".join("%-24s" % c for c, _ in configs)))
    with tempfile.TemporaryDirectory() as tmp:
        for name in COMBINATORS:
            for depth in depths:
                path = os.path.join(tmp, "%s_%d.c" % (name, depth))
                with open(path, "w") as f:
                    f.write(source([name], depth))
                cells = []
                for _, args in configs:
                    seconds, mib = compile_once(clang, args, path)
                    cells.append("%8.3f s %6d MiB      " % (seconds, mib))
                print("%-12s %6d  %s" % (name, depth, "  ".join(cells)), flush=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "source":
        sys.stdout.write(source(list(COMBINATORS), int(sys.argv[2])))
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "bench":
        bench(sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else None)
    else:
        sys.exit("usage: nesting.py source DEPTH | nesting.py bench CLANG [PLUGIN]")


if __name__ == "__main__":
    main()
