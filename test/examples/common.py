"""Shared helpers for the tests that drive the example programs.
Used by every test in test/examples/: checks that print both values, and servers that are always stopped."""
import contextlib
import ctypes
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading

_failures = 0


def _show(value):
    text = repr(value)
    if len(text) > 300:
        text = text[:300] + f"... ({len(value)} in all)"
    return text


def check(what, got, want):
    """Compares got with want and reports both when they differ."""
    global _failures
    if got == want:
        print(f"ok   {what}")
        return True
    _failures += 1
    print(f"FAIL {what}\n     got:  {_show(got)}\n     want: {_show(want)}")
    return False


def check_that(what, cond, detail=""):
    global _failures
    if cond:
        print(f"ok   {what}")
    else:
        _failures += 1
        print(f"FAIL {what} {detail}")
    return cond


def finish():
    print(f"{_failures} failure(s)")
    sys.exit(1 if _failures else 0)


def program(path):
    """The command that runs the example at path: the path itself, after the
    wrapper named by $WEFT_EXAMPLE_WRAPPER (valgrind, say) if there is one."""
    return shlex.split(os.environ.get("WEFT_EXAMPLE_WRAPPER", "")) + [path]


def wrapped():
    """Whether the examples run under a wrapper, whose own memory use would
    hide theirs."""
    return bool(os.environ.get("WEFT_EXAMPLE_WRAPPER"))


def run(argv, data=b"", timeout=30, **kw):
    """Runs argv with data on its stdin; returns (returncode, stdout, stderr)."""
    p = subprocess.run(argv, input=data, capture_output=True, timeout=timeout, **kw)
    return p.returncode, p.stdout, p.stderr


def run_rusage(argv, data, timeout=60):
    """Like run, but also returns the child's peak resident set size in KiB.
    Under AddressSanitizer, freed memory waits in a quarantine before reuse,
    which would look like growth: the quarantine is switched off."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "quarantine_size_mb=0",
                                                 "thread_local_quarantine_size_kb=0"]))
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = []

    def collect():
        out.append(p.stdout.read())

    collector = threading.Thread(target=collect)
    collector.start()
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    try:
        p.stdin.write(data)
    except BrokenPipeError:
        pass
    p.stdin.close()
    collector.join()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    p.stderr.close()
    return p.returncode, out[0], err, usage.ru_maxrss


def _die_with_parent():
    """In the child: be killed if the driver dies first (ctest's timeout
    kills the driver, not its children)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@contextlib.contextmanager
def server(prog, *args, nofile=None):
    """Starts `prog 0 args...` (prog a command from program()) on a port of
    its choosing, reads its "listening on 127.0.0.1:PORT" line and yields
    (process, port).  nofile: the server's RLIMIT_NOFILE, if given."""
    with server_on(prog, 0, *args, nofile=nofile) as p:
        yield p, p.port


@contextlib.contextmanager
def server_on(prog, port, *args, nofile=None):
    """Starts `prog PORT args...` and yields the process once it listens.
    The server is killed on the way out if it has not exited by then, so no
    test leaves one behind."""
    err = tempfile.TemporaryFile()

    def prepare():
        _die_with_parent()
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    p = subprocess.Popen([*prog, str(port), *args], stdout=subprocess.PIPE, stderr=err, preexec_fn=prepare)
    try:
        line = p.stdout.readline()
        m = re.fullmatch(rb"listening on 127\.0\.0\.1:(\d+)\n", line)
        if not m or (port and int(m.group(1)) != port):
            raise RuntimeError(f"{prog[-1]}: unexpected first line {line!r}")
        p.error_log = err
        p.port = int(m.group(1))
        yield p
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stdout.close()
        err.close()


def stderr_of(p):
    p.error_log.seek(0)
    return p.error_log.read()


def connect(port, timeout=20):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def recv_all(s):
    """Everything until the peer closes."""
    buf = bytearray()
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            return bytes(buf)
        buf += chunk


def recv_to_end(s):
    """Everything until the peer closes, and how it closed: "EOF" or "reset"."""
    got = bytearray()
    try:
        while chunk := s.recv(1 << 16):
            got += chunk
        return bytes(got), "EOF"
    except ConnectionResetError:
        return bytes(got), "reset"
