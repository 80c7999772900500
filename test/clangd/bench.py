#!/usr/bin/env python3
"""bench.py WEFT_CLANGD [CLANGD]: how long after an edit to a 1,000-line C file
weft's diagnostics arrive through weft-clangd (a benchmark: it prints figures,
it asserts nothing).  Each round sends one textDocument/didChange that
replaces a weft finding by another and times until the publishDiagnostics
showing the new one;
the default debounce (50 ms) is included, as an editor would see it."""
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp import Client, has  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def source(lines):
    out = ["#include <weft.h>", "#include <string.h>",
           "static async(void) done(void *env) { (void)env; return weft_return(void); }"]
    i = 0
    while len(out) < lines - 6:
        out += ["static async(void) step%d(void *env, char *s) {" % i,
                "  (void)env;",
                "  size_t n = strlen(s) + %d;" % i,
                "  return weft_then(weft_write(1, s, n), done, NULL);",
                "}"]
        i += 1
    out += ["static async(void) last(void) {", "  return weft_return(void);", "}"]
    while len(out) < lines:
        out.append("")
    return "\n".join(out) + "\n"


def main():
    weft_clangd = os.path.abspath(sys.argv[1])
    clangd = sys.argv[2] if len(sys.argv) > 2 else None
    rounds = 30
    work = tempfile.mkdtemp(prefix="weft-bench-")
    try:
        text = source(1000)
        path = os.path.join(work, "big.c")
        with open(path, "w") as f:
            f.write(text)
        with open(os.path.join(work, "compile_commands.json"), "w") as f:
            json.dump([{"directory": work, "file": "big.c",
                        "arguments": ["clang", "-I" + os.path.join(ROOT, "runtime", "include"), "-c", "big.c"]}], f)
        argv = [weft_clangd, "--weft-verbose"] + (["--clangd=" + clangd] if clangd else [])
        c = Client(argv, work, os.path.join(work, "stderr.log"))
        c.initialize("file://" + work)
        uri = "file://" + path
        c.open(uri, text)
        c.diagnostics(uri, lambda ds: not has(ds, "weft"), timeout=120)
        lines = text.split("\n")
        at = lines.index("  return weft_return(void);", len(lines) - 10)
        times = []
        # Each edit swaps one line for another with a different finding, so
        # that the publication carrying it can only come from the new result.
        variants = [("  weft_sleep(1);\n", "is discarded"), ("  (void)weft_sleep(1);\n", "casting an action")]
        for r in range(rounds):
            line, message = variants[r % 2]
            m = c.mark()
            start = time.monotonic()
            c.change(uri, r + 2, [{
                "range": {"start": {"line": at, "character": 0}, "end": {"line": at + (1 if r else 0), "character": 0}},
                "text": line}])
            c.diagnostics(uri, lambda ds: has(ds, "weft", "async-drop", message), since=m, timeout=120)
            arrived = [t for t, msg in c.messages[m:] if msg.get("method") == "textDocument/publishDiagnostics"
                       and has(msg["params"]["diagnostics"], "weft", "async-drop", message)][0]
            times.append((arrived - start) * 1000)
            time.sleep(0.2)
        c.shutdown()
        cpu = []
        with open(os.path.join(work, "stderr.log"), errors="replace") as f:
            for line in f:
                if line.startswith("weft-clangd: checked") and "ms of CPU" in line:
                    cpu.append(int(line.rsplit("(", 1)[1].split()[0]))
        times.sort()
        print("weft-clangd latency, edit to weft's diagnostics, 1,000-line file, %d edits:" % rounds)
        print("  min %.0f ms  median %.0f ms  p90 %.0f ms  max %.0f ms  (debounce 50 ms included)" % (
            times[0], statistics.median(times), times[int(len(times) * 0.9) - 1], times[-1]))
        if cpu:
            print("  the checker itself: median %d ms of CPU per check (%d checks)" % (statistics.median(cpu), len(cpu)))
        print("  load average while measuring: %.1f on %d CPUs; target: within 300 ms" % (
            os.getloadavg()[0], os.cpu_count()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
