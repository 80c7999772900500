#!/usr/bin/env python3
"""protocol.py WEFT_CLANGD CLANGD INCLUDE_DIR WORK_DIR: weft-clangd at the
protocol level, one real clangd each: a malformed message, clangd killed
mid-session (restarted, documents replayed), a result for an older version
never published, 50 open files and a large message, incremental edits in
UTF-16, every kind of quick fix, a clangd that keeps dying, shutdown/exit and the end of input (no process left behind)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp import Client, alive, children, has  # noqa: E402

WEFT_CLANGD, CLANGD, INCLUDE, WORK = sys.argv[1:5]

HEADER = """#include <weft.h>
static async(void) job(void *env) { (void)env; return weft_return(void); }
"""
# A file with one clang error (line 4) and one weft error (async-conversion).
FAULTY = HEADER + """static async(str) rd(void) { return weft_read(0, 1); }
static async(void) f(void) {
  char *c = rd();
  (void)c;
  return weft_return(void);
}
"""
CLEAN = HEADER + "static async(void) g(void) {\n  return job(0);\n}\n"


def path_uri(path):
    return "file://" + path


def workspace(name, files):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    cmds = []
    for fname, text in files.items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(text)
        cmds.append({"directory": d, "file": fname, "arguments": ["clang", "-I" + INCLUDE, "-c", fname]})
    with open(os.path.join(d, "compile_commands.json"), "w") as f:
        json.dump(cmds, f)
    return d


def start(d, *extra):
    c = Client([WEFT_CLANGD, "--clangd=" + CLANGD, "--weft-verbose", *extra], d, os.path.join(d, "stderr.log"))
    c.initialize(path_uri(d))
    return c


def clangd_of(c):
    kids = [k for k in children(c.proc.pid) if alive(k)]
    assert len(kids) == 1, "expected one clangd child, found %s" % kids
    return kids[0]


def test_malformed():
    d = workspace("malformed", {"a.c": FAULTY})
    c = start(d)
    try:
        uri = path_uri(os.path.join(d, "a.c"))
        c.open(uri, FAULTY)
        c.diagnostics(uri, lambda ds: has(ds, "weft", "async-conversion") and has(ds, "clang"))
        for bad, code in [(b"{not json", -32700), (b"[1, 2]", -32600), (b'{"jsonrpc": "2.0", "method": ', -32700)]:
            m = c.mark()
            c.send_raw(b"Content-Length: %d\r\n\r\n" % len(bad) + bad)
            e = c.wait_for(lambda msg: "error" in msg, since=m, what="an error for %r" % bad)
            assert e["error"]["code"] == code and e["id"] is None, e
        m = c.mark()
        c.send_raw(b"Content-Type: application/vscode-jsonrpc\r\n\r\n")  # no Content-Length
        e = c.wait_for(lambda msg: "error" in msg, since=m, what="an error for a header without length")
        assert e["error"]["code"] == -32700, e
        # The session goes on: clangd still answers, the checker still runs.
        rid = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        r = c.response(rid)
        assert any(s["name"] == "f" for s in r["result"]), r
        m = c.mark()
        c.change(uri, 2, [{"text": CLEAN}])
        c.diagnostics(uri, lambda ds: not has(ds, "weft") and not has(ds, "clang"), since=m)
        _, code = c.shutdown()
        assert code == 0, code
    finally:
        c.kill()


def test_restart():
    d = workspace("restart", {"a.c": FAULTY, "b.c": CLEAN})
    c = start(d)
    try:
        a, b = path_uri(os.path.join(d, "a.c")), path_uri(os.path.join(d, "b.c"))
        c.open(a, FAULTY)
        c.open(b, CLEAN)
        c.diagnostics(a, lambda ds: has(ds, "weft", "async-conversion") and has(ds, "clang"))
        old = clangd_of(c)
        m = c.mark()
        os.kill(old, signal.SIGKILL)
        msg = c.wait_for(lambda x: x.get("method") == "window/showMessage", since=m, what="window/showMessage")
        assert "signal 9" in msg["params"]["message"] and "restarted" in msg["params"]["message"], msg
        new = clangd_of(c)
        assert new != old
        # The new clangd has both documents: it diagnoses a.c again, and an
        # edit to b.c made after the restart reaches it.
        c.diagnostics(a, lambda ds: has(ds, "clang") and has(ds, "weft", "async-conversion"), since=m)
        m = c.mark()
        c.change(b, 2, [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
                         "text": "  int z = undeclared_thing;\n"}])
        c.diagnostics(b, lambda ds: has(ds, "clang", message="undeclared_thing"), since=m)
        rid = c.request("textDocument/documentSymbol", {"textDocument": {"uri": a}})
        assert c.response(rid).get("result"), "no symbols from the restarted clangd"
        _, code = c.shutdown()
        assert code == 0, code
        assert not alive(new), "clangd left running"
    finally:
        c.kill()


def test_stale():
    """A result computed for version 2 is not published once version 3 exists.
    --weft-test-gate holds each result until the test releases it."""
    d = workspace("stale", {"a.c": CLEAN})
    for fifo in ("analyzed", "release"):
        os.mkfifo(os.path.join(d, fifo))
    c = start(d, "--weft-test-gate=" + d, "--weft-debounce=0")
    try:
        uri = path_uri(os.path.join(d, "a.c"))
        c.open(uri, CLEAN)
        analyzed = open(os.path.join(d, "analyzed"))
        release = open(os.path.join(d, "release"), "w")

        def step(version):
            line = analyzed.readline().split()
            assert line == [uri, str(version)], line
        step(1)
        release.write("go\n")
        release.flush()
        # Version 2 drops an action (async-drop); version 3 has none, but a
        # function that must be declared mayyield.
        v2 = CLEAN.replace("  return job(0);", "  job(0);\n  return job(0);")
        v3 = CLEAN + "void spawner(void) { weft_spawn(job(0)); }\n"
        m = c.mark()
        c.change(uri, 2, [{"text": v2}])
        step(2)             # the worker holds the result for version 2
        c.change(uri, 3, [{"text": v3}])
        rid = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        c.response(rid)     # weft-clangd has handled the change to version 3
        release.write("go\n")
        release.flush()
        step(3)
        release.write("go\n")
        release.flush()
        c.diagnostics(uri, lambda ds: has(ds, "weft", "mayyield"), since=m)
        for _, msg in c.messages[m:]:
            if msg.get("method") == "textDocument/publishDiagnostics":
                assert not has(msg["params"]["diagnostics"], "weft", "async-drop"), \
                    "the result for version 2 was published after version 3 arrived"
        _, code = c.shutdown()
        assert code == 0, code
    finally:
        c.kill()


def test_many_files_and_large_message():
    files = {}
    for i in range(50):
        files["f%02d.c" % i] = HEADER + "void spawn%d(void) { weft_spawn(job(0)); }\nint broken%d = ;\n" % (i, i)
    # 3 MB of declarations: a large message in, and a large one out (their symbols).
    big = HEADER + "".join("int variable_number_%06d = %d;\n" % (i, i) for i in range(100000)) + \
        "void spawn_big(void) { weft_spawn(job(0)); }\n"
    files["big.c"] = big
    d = workspace("many", files)
    c = start(d)
    try:
        uris = {name: path_uri(os.path.join(d, name)) for name in files}
        for name, text in files.items():   # all at once, reading nothing in between
            c.open(uris[name], text)
        for name in files:
            c.diagnostics(uris[name], lambda ds: has(ds, "weft", "mayyield") and
                          (name == "big.c" or has(ds, "clang")), timeout=300)
        rid = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uris["big.c"]}})
        assert len(c.response(rid, timeout=120)["result"]) > 100000
        _, code = c.shutdown(timeout=120)
        assert code == 0, code
    finally:
        c.kill()


def test_utf16_incremental():
    d = workspace("utf16", {"a.c": CLEAN})
    c = start(d)
    try:
        uri = path_uri(os.path.join(d, "a.c"))
        c.open(uri, CLEAN)
        c.diagnostics(uri, lambda ds: not has(ds, "weft"))
        # Line 3 is "  return job(0);".  Insert, in two incremental edits, a
        # comment holding characters of 2, 3 and 4 UTF-8 bytes (1, 1 and 2
        # UTF-16 units), then an action dropped after it.
        m = c.mark()
        c.change(uri, 2, [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
                           "text": "  /* \u00e9\u20ac\U0001D11E */\n"}])
        c.change(uri, 3, [{"range": {"start": {"line": 3, "character": 12}, "end": {"line": 3, "character": 12}},
                           "text": " job(0);"}])
        pub = c.diagnostics(uri, lambda ds: has(ds, "weft", "async-drop"), since=m)
        drop = [x for x in pub["params"]["diagnostics"] if x.get("code") == "async-drop"][0]
        # "  /* é€𝄞 */ job(0);": the comment ends at UTF-16 unit 12, 'job' starts at 13.
        assert drop["range"]["start"] == {"line": 3, "character": 13}, drop["range"]
        assert drop["range"]["end"] == {"line": 3, "character": 19}, drop["range"]
        c.shutdown()
    finally:
        c.kill()


def test_clangd_keeps_dying():
    """A clangd that exits at once: restarted three times, then given up on,
    with requests answered and weft's own diagnostics still published."""
    d = workspace("dying", {"a.c": FAULTY})
    c = Client([WEFT_CLANGD, "--clangd=/bin/false"], d, os.path.join(d, "stderr.log"))
    try:
        rid = c.request("initialize", {"processId": os.getpid(), "rootUri": path_uri(d), "capabilities": {}})
        assert "error" in c.response(rid)
        c.notify("initialized", {})
        gone = c.wait_for(lambda m: m.get("method") == "window/showMessage" and m["params"]["type"] == 1,
                          what="the message that clangd is given up on")
        assert "does not restart it again" in gone["params"]["message"], gone
        restarts = [m for _, m in c.messages if m.get("method") == "window/showMessage" and m["params"]["type"] == 2]
        assert len(restarts) == 3, restarts
        uri = path_uri(os.path.join(d, "a.c"))
        c.open(uri, FAULTY)
        c.diagnostics(uri, lambda ds: has(ds, "weft", "async-conversion"))
        rid = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        assert c.response(rid)["error"]["code"] == -32603
        r, code = c.shutdown()
        assert r.get("result", "missing") is None and code == 0, (r, code)
    finally:
        c.kill()


FIXABLE = """#include <weft.h>
static async(void) k_long(void *env, long v) { (void)env; (void)v; return weft_return(void); }
static async(void) k_unit(void *env) { (void)env; return weft_return(void); }
async(void) wrong_value_type(void) {
  return weft_bind(weft_sleep(1), k_long, NULL);
}
async(void) void_action(void) {
  return weft_bind(weft_write(1, "x", 1), k_unit, NULL);
}
async(int) narrowed(long n) {
  return weft_return(int, n);
}
"""


def apply_edits(text, edits):
    """Applies LSP TextEdits (ASCII text: characters are bytes)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p):
        return starts[p["line"]] + p["character"]
    for e in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[:offset(e["range"]["start"])] + e["newText"] + text[offset(e["range"]["end"]):]
    return text


def clangd_major():
    out = subprocess.run([CLANGD, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True).stdout
    m = re.search(r"clangd version (\d+)", out)
    return int(m.group(1)) if m else 0


# Clang 22 drops a statement after C's own errors in it, so weft_bind on an
# async(void) action (a C error first) never reaches the checker there.
VOID_BIND = """async(void) void_action(void) {
  return weft_bind(weft_write(1, "x", 1), k_unit, NULL);
}
"""


def test_quick_fixes():
    """Every kind of fix-it the checker makes (on the diagnostic itself, on
    one of its notes, a replacement, an insertion) comes back from
    textDocument/codeAction as a quick fix whose edit removes the finding."""
    void_bind = clangd_major() < 22
    fixable = FIXABLE if void_bind else FIXABLE.replace(VOID_BIND, "")
    d = workspace("fixes", {"a.c": fixable})
    c = start(d)
    try:
        uri = path_uri(os.path.join(d, "a.c"))
        c.open(uri, fixable)
        want = {"bind-continuation": 2 if void_bind else 1, "return-value": 1}
        pub = c.diagnostics(uri, lambda ds: all(sum(1 for x in ds if x.get("code") == k) == n
                                                 for k, n in want.items()))
        text, version = fixable, 1
        titles = []
        for diag in [x for x in pub["params"]["diagnostics"] if x.get("source") == "weft"]:
            rid = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diag["range"],
                                                          "context": {"diagnostics": [diag]}})
            actions = [a for a in c.response(rid)["result"] if a.get("title", "").startswith("weft:")]
            assert len(actions) == 1, (diag, actions)
            a = actions[0]
            assert a["kind"] == "quickfix" and a["diagnostics"][0]["code"] == diag["code"], a
            titles.append(a["title"])
            text = apply_edits(text, a["edit"]["changes"][uri])
        assert sorted(titles) == ["weft: insert '(int)'", "weft: replace with 'int'"] + (
            ["weft: replace with 'weft_then'"] if void_bind else []), titles
        assert "long v" not in text and "(int)n" in text.replace(" ", ""), text
        assert "weft_then(weft_write" in text or not void_bind, text
        # Each was fixed at the version the diagnostics were for; the new
        # text has no finding and no error left.
        m = c.mark()
        c.change(uri, version + 1, [{"text": text}])
        c.diagnostics(uri, lambda ds: not has(ds, "weft") and not any(x.get("severity") == 1 for x in ds), since=m)
        c.shutdown()
    finally:
        c.kill()


def test_end_of_input():
    """The editor dies: weft-clangd and clangd are gone, no orphan."""
    d = workspace("eof", {"a.c": CLEAN})
    c = start(d)
    try:
        c.open(path_uri(os.path.join(d, "a.c")), CLEAN)
        clangd = clangd_of(c)
        c.proc.stdin.close()
        code = c.proc.wait(60)
        assert code == 1, code   # no shutdown request came: LSP's exit code 1
        for _ in range(200):
            if not alive(clangd):
                break
            time.sleep(0.05)
        assert not alive(clangd), "clangd outlived weft-clangd"
    finally:
        c.kill()


def test_killed():
    """weft-clangd itself terminated or killed outright: clangd does not stay behind."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        d = workspace("killed-%d" % sig, {"a.c": CLEAN})
        c = start(d)
        try:
            clangd = clangd_of(c)
            c.proc.send_signal(sig)
            c.proc.wait(60)
            for _ in range(200):
                if not alive(clangd):
                    break
                time.sleep(0.05)
            assert not alive(clangd), "clangd outlived weft-clangd (signal %d)" % sig
        finally:
            c.kill()


def main():
    tests = [test_malformed, test_restart, test_stale, test_many_files_and_large_message,
             test_utf16_incremental, test_quick_fixes, test_clangd_keeps_dying, test_end_of_input, test_killed]
    only = os.environ.get("WEFT_PROTOCOL_TEST")
    failed = 0
    for t in tests:
        if only and only not in t.__name__:
            continue
        try:
            t()
            print("PASS %s" % t.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % t.__name__, flush=True)
            traceback.print_exc()
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
