"""lsp.py: a small LSP client over a weft-clangd process, for protocol.py and
bench.py.  Messages are read by a thread into a list that tests wait on."""
import json
import os
import subprocess
import threading
import time


class Client:
    def __init__(self, argv, cwd, stderr_path):
        self.stderr = open(stderr_path, "ab")
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr)
        self.messages = []      # (arrival time, message), in arrival order
        self.cond = threading.Condition()
        self.next_id = 1
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # ---- wire -------------------------------------------------------------
    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.closed = True
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = out.read(length)
            msg = json.loads(body)
            with self.cond:
                self.messages.append((time.monotonic(), msg))
                self.cond.notify_all()

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        msg = dict(msg, jsonrpc="2.0")
        body = json.dumps(msg).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"id": rid, "method": method, "params": params})
        return rid

    # ---- waiting ------------------------------------------------------------
    def mark(self):
        with self.cond:
            return len(self.messages)

    def wait_for(self, pred, timeout=60, since=0, what="a message"):
        """The first message from index `since` on that satisfies pred."""
        deadline = time.monotonic() + timeout
        with self.cond:
            i = since
            while True:
                while i < len(self.messages):
                    if pred(self.messages[i][1]):
                        return self.messages[i][1]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError("timed out waiting for %s" % what)
                self.cond.wait(left)

    def response(self, rid, timeout=60):
        return self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout,
                             what="the response to request %s" % rid)

    def diagnostics(self, uri, pred, since=0, timeout=60, what=None):
        """The first publishDiagnostics for uri whose list satisfies pred."""
        return self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            and pred(m["params"]["diagnostics"]), timeout, since, what or "diagnostics for " + uri)

    # ---- session --------------------------------------------------------------
    def initialize(self, root_uri):
        rid = self.request("initialize", {"processId": os.getpid(), "rootUri": root_uri, "capabilities": {}})
        r = self.response(rid)
        self.notify("initialized", {})
        return r

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "c", "version": version, "text": text}})

    def change(self, uri, version, changes):
        self.notify("textDocument/didChange",
                    {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def shutdown(self, timeout=60):
        rid = self.request("shutdown", None)
        r = self.response(rid)
        self.notify("exit", None)
        code = self.proc.wait(timeout)
        self.stderr.close()
        return r, code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def children(pid):
    """The pids of pid's child processes."""
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return kids


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def has(diags, source, code=None, message=None):
    return any(d.get("source") == source and (code is None or d.get("code") == code)
               and (message is None or message in d.get("message", "")) for d in diags)
