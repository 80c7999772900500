#!/usr/bin/env python3
# run.py: the side-by-side benchmark suite of issue 13 (scripts/bench.sh builds, then runs this): weft against
# libev, libuv, hand-written epoll, Lwt and Node, interleaved, repeated, one table.  ctest's bench-quick runs it.
"""Usage: run.py --build DIR [--mode quick|full] [--only REGEX] [--no-pin]

DIR is a weft build tree holding bench/bench_*, examples/ and the checker plugin (scripts/bench.sh makes a
Release one in build/bench).  The peers' programs (bench/peers/) are compiled here, into DIR/bench/peers.
Every benchmark runs weft and each peer in turn, round after round (interleaved), so that a change in the
machine's load hits all of them alike; the table gives the median, the range, and weft's advantage over each
peer.  Exit status: 0 when every row has figures, 1 when a peer is missing, a run failed or gave a figure of 0, or
(without --only) a row of EXPECTED_ROWS is missing (the table is printed either way), 2 on bad usage."""
import argparse
import atexit
import glob
import os
import re
import resource
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import benchlib  # noqa: E402
from benchlib import regex  # noqa: E402
PEERS = os.path.join(HERE, "peers")

# Sizes per mode.  quick: the CI smoke test, under 3 minutes on 2 cores; full: the published table, under 15.
MODES = {
    "quick": dict(reps=3, heavy_reps=2, bind=10**6, pingpong=10**5, sleep=(1000, 100), echo_s=0.5, http_s=1,
                  idle=10**4, pending=10**5, copy_mib=128, cg_bind=10**5, cg_pingpong=10**4, cg_sleep=(100, 10),
                  st_pingpong=10**4, st_s=0.5),
    "full": dict(reps=5, heavy_reps=3, bind=10**7, pingpong=10**6, sleep=(1000, 1000), echo_s=3, http_s=3,
                 idle=10**4, pending=10**5, copy_mib=512, cg_bind=10**6, cg_pingpong=10**5, cg_sleep=(1000, 100),
                 st_pingpong=10**5, st_s=2),
}

TIMEOUT = 120  # seconds any one child may take before it is killed and the run counted as failed

# Every row of issue 13's table, as (start of the benchmark's name, unit).  A whole run (no --only) that prints
# no row for one of them fails, so that a benchmark dropped from the suite cannot pass the CI smoke test.
EXPECTED_ROWS = [
    ("bind loop, 1", "ns/bind"),
    ("socketpair ping-pong", "rt/s"),
    ("sleeps of 1 ms", "ns CPU/sleep"),
    ("TCP echo, 50 conns", "req/s"), ("TCP echo, 50 conns", "server us CPU/req"),
    ("TCP echo, 500 conns", "req/s"), ("TCP echo, 500 conns", "server us CPU/req"),
    ("HTTP keep-alive, wrk -c100", "req/s"), ("HTTP keep-alive, wrk -c100", "server us CPU/req"),
    ("idle TCP connections", "B/conn (RSS)"),
    ("pending sleeps", "B/sleep (RSS)"),
    ("copy ", "MiB/s"),
    ("checker on sqlite3.c + weft.h", "s CPU"),
    ("checker on examples/", "s CPU"),
    ("bind loop, instructions", "instr/bind"),
    ("ping-pong, user instructions", "instr/rt"),
    ("sleeps, user instructions", "instr/sleep"),
    ("ping-pong, syscalls", "syscalls/rt"),
    ("TCP echo 50 conns, syscalls", "syscalls/req"),
    ("TCP echo 500 conns, syscalls", "syscalls/req"),
    ("HTTP wrk -c100, syscalls", "syscalls/req"),
]


def missing_rows(rows):
    """The EXPECTED_ROWS that rows (the suite's (name, unit, ...) tuples) lack, as "name (unit)" strings."""
    return ["%s... (%s)" % (prefix, unit) for prefix, unit in EXPECTED_ROWS
            if not any(r[0].startswith(prefix) and r[1] == unit for r in rows)]


class BenchError(Exception):
    pass


class Missing(BenchError):
    pass


# ---- processes: every child has a timeout; servers are killed, with their process group, whatever happens ----

_servers = []


def _kill_all():
    for p in list(_servers):
        _kill(p)


def _kill(p):
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    if p in _servers:
        _servers.remove(p)


atexit.register(_kill_all)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, lambda s, f: sys.exit(128 + s))


def _raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run(cmd, timeout=TIMEOUT, stdin=None, cwd=None):
    """Runs cmd to its end; its stdout.  A non-zero exit or a timeout is a BenchError."""
    try:
        r = subprocess.run(cmd, stdin=stdin if stdin is not None else subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, universal_newlines=True, cwd=cwd,
                           start_new_session=True, preexec_fn=_raise_nofile)
    except subprocess.TimeoutExpired:
        raise BenchError("%s: no end after %d s (killed)" % (os.path.basename(cmd[0]), timeout))
    if r.returncode != 0:
        raise BenchError("%s exited %d: %s" % (" ".join(cmd[:4]), r.returncode, r.stderr.strip()[-300:]))
    return r.stdout


def first_number(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    m = re.search(r"[-+]?\d+(?:\.\d+)?", lines[-1]) if lines else None
    if not m:
        raise BenchError("no figure in the output: %r" % text[-200:])
    return float(m.group(0))


class Server:
    """A server started in its own process group, ready once it prints "listening on 127.0.0.1:PORT"."""

    def __init__(self, cmd, timeout=20):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, universal_newlines=True, start_new_session=True,
                                     preexec_fn=_raise_nofile)
        _servers.append(self.proc)
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        self.port = None
        while self.port is None:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                self.stop()
                raise BenchError("%s printed no 'listening on' line within %d s" % (cmd[0], timeout))
            line = self.proc.stdout.readline()
            if not line:
                self.stop()
                raise BenchError("%s ended before listening" % cmd[0])
            m = re.search(r"listening on [0-9.]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
        sel.close()

    def pid(self):
        return self.proc.pid

    def stop(self):
        _kill(self.proc)
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def proc_cpu_seconds(pid):
    """utime + stime of process pid and its threads, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise BenchError("no VmRSS for %d" % pid)


# ---- the suite ----


class Suite:
    def __init__(self, build, mode, only, pin):
        self.build = os.path.abspath(build)
        self.mode = mode
        self.p = MODES[mode]
        self.only = re.compile(only) if only else None
        self.out = os.path.join(self.build, "bench", "peers")
        os.makedirs(self.out, exist_ok=True)
        self.rows = []        # (benchmark, unit, better, {impl: [values] or error string}, order)
        self.missing = {}     # peer -> why
        ncpu = os.cpu_count() or 1
        self.pin = pin and ncpu >= 2 and shutil.which("taskset") is not None
        # The server (or the single process) on CPU 0, its load generator on CPU 1.
        self.cpu_server = ["taskset", "-c", "0"] if self.pin else []
        self.cpu_client = ["taskset", "-c", "1"] if self.pin else []
        self.failures = []

    # -- building the peers --

    def weft(self, *path):
        f = os.path.join(self.build, *path)
        if not os.path.exists(f):
            raise Missing("%s is not built (cmake --build %s)" % (f, self.build))
        return f

    def build_peers(self):
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang-14")
        libs = {"ev": ["-lev"], "uv": ["-luv"], "epoll": [], "loadgen": []}
        c_progs = {
            "pingpong_ev": "ev", "pingpong_uv": "uv", "pingpong_epoll": "epoll", "sleeps_ev": "ev",
            "sleeps_uv": "uv", "echo_ev": "ev", "echo_uv": "uv", "echo_epoll": "epoll", "http_uv": "uv",
        }
        headers = {"ev": "/usr/include/ev.h", "uv": "/usr/include/uv.h"}
        for name, lib in sorted(c_progs.items()) + [("loadgen", "loadgen")]:
            src = os.path.join(HERE, "loadgen.c") if name == "loadgen" else os.path.join(PEERS, name + ".c")
            exe = os.path.join(self.out, name)
            if lib in headers and not os.path.exists(headers[lib]):
                self.missing[lib] = "%s missing: apt-get install lib%s-dev (scripts/setup-debian.sh)" % (
                    headers[lib], "uv1" if lib == "uv" else lib)
                continue
            if not cc:
                self.missing[lib] = "no C compiler"
                continue
            try:
                run([cc, "-O2", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-o", exe, src] + libs[lib], timeout=120)
            except BenchError as e:
                self.missing[lib] = "could not build %s: %s" % (name, e)
        ocamlfind = shutil.which("ocamlfind")
        lwt_ok = False
        if not ocamlfind:
            self.missing["lwt"] = "ocamlfind missing: apt-get install ocaml-nox ocaml-findlib liblwt-ocaml-dev"
        else:
            try:
                run([ocamlfind, "query", "lwt.unix"], timeout=30)
                lwt_ok = True
            except BenchError:
                self.missing["lwt"] = "Lwt missing: apt-get install liblwt-ocaml-dev"
        if lwt_ok:
            flambda = self._flambda(ocamlfind)
            with tempfile.TemporaryDirectory() as tmp:
                for name in ("bind_lwt", "pingpong_lwt", "sleeps_lwt", "echo_lwt"):
                    shutil.copy(os.path.join(PEERS, name + ".ml"), tmp)
                    try:
                        run([ocamlfind, "ocamlopt"] + (["-O3"] if flambda else []) +
                            ["-thread", "-package", "lwt.unix", "-linkpkg", name + ".ml", "-o",
                             os.path.join(self.out, name)], cwd=tmp, timeout=180)
                    except BenchError as e:
                        self.missing["lwt"] = "could not build %s: %s" % (name, e)
        self.node = shutil.which("node") or shutil.which("nodejs")
        if not self.node:
            self.missing["node"] = "node missing: apt-get install nodejs"
        self.wrk = shutil.which("wrk")
        if not self.wrk:
            self.missing["wrk"] = "wrk missing: apt-get install wrk"
        for tool in ("valgrind", "strace"):
            if not shutil.which(tool):
                self.missing[tool] = "%s missing: apt-get install %s" % (tool, tool)

    @staticmethod
    def _flambda(ocamlfind):
        try:
            return "true" in run([ocamlfind, "ocamlopt", "-config-var", "flambda"], timeout=30)
        except BenchError:
            return False

    def peer(self, name, lib):
        if lib in self.missing:
            raise Missing(self.missing[lib])
        return os.path.join(self.out, name)

    # -- running one benchmark, interleaved --

    def bench(self, name, unit, better, impls, reps):
        """impls: [(implementation, function returning one figure)], weft's first."""
        if self.only and not self.only.search(name):
            return
        values = {impl: [] for impl, _ in impls}
        errors = {}
        t0 = time.monotonic()
        for _ in range(reps):
            for impl, fn in impls:
                if impl in errors:
                    continue
                try:
                    v = fn()
                    # A figure of 0 (or less) means no work was measured: a server that accepted but never
                    # answered gives 0 req/s with a clean exit, and must fail its row, not pass as slow.
                    if not v > 0 or v == float("inf"):
                        raise BenchError("no work measured (figure %r)" % v)
                    values[impl].append(v)
                except Missing as e:
                    errors[impl] = "MISSING: %s" % e
                    self.failures.append("%s / %s: %s" % (name, impl, e))
                except (BenchError, subprocess.SubprocessError, OSError, ValueError, AttributeError) as e:
                    errors[impl] = str(e) or type(e).__name__
                    self.failures.append("%s / %s: %s" % (name, impl, errors[impl]))
        result = {impl: (errors[impl] if impl in errors else values[impl]) for impl, _ in impls}
        self.rows.append((name, unit, better, result, [impl for impl, _ in impls]))
        self.progress(name, result, time.monotonic() - t0)

    def progress(self, name, result, seconds):
        parts = []
        for impl, v in result.items():
            parts.append("%s %s" % (impl, ("%.4g" % statistics.median(v)) if isinstance(v, list) else "FAILED"))
        print("  %-34s %s  (%.0f s)" % (name, ", ".join(parts), seconds), file=sys.stderr, flush=True)

    # -- the benchmarks --

    def solo(self, cmd):
        return lambda: first_number(run(self.cpu_server + cmd))

    def lazy(self, make):
        """A run function whose command is made at run time (so that a missing peer fails its row only)."""
        return lambda: make()()

    def cpu_bound(self):
        p, r = self.p, self.p["reps"]
        self.bench("bind loop, %d binds" % p["bind"], "ns/bind", "lower", [
            ("weft", self.lazy(lambda: self.solo([self.weft("bench", "bench_bind_loop"), str(p["bind"])]))),
            ("Lwt", self.lazy(lambda: self.solo([self.peer("bind_lwt", "lwt"), str(p["bind"])]))),
        ], r)
        n = str(p["pingpong"])
        self.bench("socketpair ping-pong, %d round trips" % p["pingpong"], "rt/s", "higher", [
            ("weft", self.lazy(lambda: self.solo([self.weft("bench", "bench_pingpong"), n]))),
            ("libev", self.lazy(lambda: self.solo([self.peer("pingpong_ev", "ev"), n]))),
            ("libuv", self.lazy(lambda: self.solo([self.peer("pingpong_uv", "uv"), n]))),
            ("epoll", self.lazy(lambda: self.solo([self.peer("pingpong_epoll", "epoll"), n]))),
            ("Lwt", self.lazy(lambda: self.solo([self.peer("pingpong_lwt", "lwt"), n]))),
        ], p["heavy_reps"])
        f, k = (str(x) for x in p["sleep"])
        self.bench("sleeps of 1 ms, %s fibers x %s" % (f, k), "ns CPU/sleep", "lower", [
            ("weft", self.lazy(lambda: self.solo([self.weft("bench", "bench_sleeps"), "run", f, k]))),
            ("libev", self.lazy(lambda: self.solo([self.peer("sleeps_ev", "ev"), "run", f, k]))),
            ("libuv", self.lazy(lambda: self.solo([self.peer("sleeps_uv", "uv"), "run", f, k]))),
            ("Lwt", self.lazy(lambda: self.solo([self.peer("sleeps_lwt", "lwt"), "run", f, k]))),
            ("Node", self.lazy(lambda: self.solo([self.need_node(), os.path.join(PEERS, "sleeps.js"), "run", f, k]))),
        ], r)

    def need_node(self):
        if "node" in self.missing:
            raise Missing(self.missing["node"])
        return self.node

    def echo_servers(self):
        return [
            ("weft", lambda: [self.weft("examples", "echo_server"), "0"]),
            ("libev", lambda: [self.peer("echo_ev", "ev"), "0"]),
            ("libuv", lambda: [self.peer("echo_uv", "uv"), "0"]),
            ("epoll", lambda: [self.peer("echo_epoll", "epoll"), "0"]),
            ("Lwt", lambda: [self.peer("echo_lwt", "lwt"), "0"]),
            ("Node", lambda: [self.need_node(), os.path.join(PEERS, "echo.js"), "0"]),
        ]

    def echo_once(self, server_cmd, conns, seconds, cpu_rows):
        loadgen = self.peer("loadgen", "loadgen")
        with Server(self.cpu_server + server_cmd()) as s:
            cpu0 = proc_cpu_seconds(s.pid())
            out = run(self.cpu_client + [loadgen, "echo", str(s.port), str(conns), str(seconds)],
                      timeout=seconds + 60)
            cpu = proc_cpu_seconds(s.pid()) - cpu0
        rps, total = (float(x) for x in out.split()[:2])
        cpu_rows.append(cpu * 1e6 / max(total, 1))
        return rps

    def network(self):
        p = self.p
        for conns in (50, 500):
            cpu = {}
            impls = []
            for impl, cmd in self.echo_servers():
                cpu[impl] = []
                impls.append((impl, (lambda c=cmd, i=impl: self.echo_once(c, conns, p["echo_s"], cpu[i]))))
            name = "TCP echo, %d conns, 128 B" % conns
            self.bench(name, "req/s", "higher", impls, p["heavy_reps"])
            if self.rows and self.rows[-1][0] == name:
                self.rows.append((name, "server us CPU/req", "lower", self.cpu_row(cpu), self.rows[-1][4]))
        self.http()
        self.memory()

    def wrk_once(self, server_cmd, seconds, cpu_rows):
        if "wrk" in self.missing:
            raise Missing(self.missing["wrk"])
        with Server(self.cpu_server + server_cmd()) as s:
            cpu0 = proc_cpu_seconds(s.pid())
            out = run(self.cpu_client + [self.wrk, "-t1", "-c100", "-d%ds" % seconds,
                                         "http://127.0.0.1:%d/" % s.port], timeout=seconds + 60)
            cpu = proc_cpu_seconds(s.pid()) - cpu0
        m = re.search(r"(\d+) requests in", out)
        rps = re.search(r"Requests/sec:\s*([0-9.]+)", out)
        if not m or not rps:
            raise BenchError("wrk printed no figures: %r" % out[-300:])
        if "Non-2xx" in out or "Socket errors" in out:
            raise BenchError("wrk saw errors: %s" % out.strip().splitlines()[-3:])
        cpu_rows.append(cpu * 1e6 / max(int(m.group(1)), 1))
        return float(rps.group(1))

    def http_servers(self):
        return [
            ("weft", lambda: [self.weft("examples", "http_hello"), "0"]),
            ("libuv", lambda: [self.peer("http_uv", "uv"), "0"]),
            ("Node", lambda: [self.need_node(), os.path.join(PEERS, "http.js"), "0"]),
        ]

    def http(self):
        cpu = {}
        impls = []
        for impl, cmd in self.http_servers():
            cpu[impl] = []
            impls.append((impl, (lambda c=cmd, i=impl: self.wrk_once(c, self.p["http_s"], cpu[i]))))
        name = "HTTP keep-alive, wrk -c100"
        self.bench(name, "req/s", "higher", impls, self.p["reps"])
        if self.rows and self.rows[-1][0] == name:
            self.rows.append((name, "server us CPU/req", "lower", self.cpu_row(cpu), self.rows[-1][4]))

    def cpu_row(self, cpu):
        """The server-CPU row beside the last row (a rate): an implementation that failed there fails here too."""
        rates = self.rows[-1][3]
        return {i: (v if isinstance(rates[i], list) and v else rates[i]) for i, v in cpu.items()}

    def idle_once(self, server_cmd, conns):
        loadgen = self.peer("loadgen", "loadgen")
        with Server(self.cpu_server + server_cmd()) as s:
            time.sleep(0.2)
            rss0 = proc_rss_bytes(s.pid())
            gen = subprocess.Popen(self.cpu_client + [loadgen, "idle", str(s.port), str(conns)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, start_new_session=True, preexec_fn=_raise_nofile)
            _servers.append(gen)
            try:
                sel = selectors.DefaultSelector()
                sel.register(gen.stdout, selectors.EVENT_READ)
                if not sel.select(60) or gen.stdout.readline().strip() != "ready":
                    raise BenchError("loadgen idle: not ready (%s)" % (gen.poll() is not None and
                                                                        gen.stderr.read().strip()))
                sel.close()
                time.sleep(0.2)
                rss1 = proc_rss_bytes(s.pid())
            finally:
                gen.stdin.close()
                _kill(gen)
                gen.stdout.close()
                gen.stderr.close()
        return (rss1 - rss0) / conns

    def memory(self):
        p = self.p
        n = p["idle"]
        servers = dict(self.echo_servers())
        self.bench("idle TCP connections, %d open" % n, "B/conn (RSS)", "lower", [
            (impl, (lambda c=servers[impl]: self.idle_once(c, n))) for impl in ("weft", "libuv", "libev")
        ], p["heavy_reps"])
        m = str(p["pending"])
        self.bench("pending sleeps, %s" % m, "B/sleep (RSS)", "lower", [
            ("weft", self.lazy(lambda: self.solo([self.weft("bench", "bench_sleeps"), "pending", m]))),
            ("libuv", self.lazy(lambda: self.solo([self.peer("sleeps_uv", "uv"), "pending", m]))),
            ("libev", self.lazy(lambda: self.solo([self.peer("sleeps_ev", "ev"), "pending", m]))),
        ], p["reps"])

    # -- copy_stream against cat --

    def copy(self):
        mib = self.p["copy_mib"]
        src = os.path.join(self.out, "copy-%dMiB.in" % mib)
        if not os.path.exists(src) or os.path.getsize(src) != mib << 20:
            chunk = bytes(range(256)) * 4096
            with open(src + ".tmp", "wb") as f:
                for _ in range(mib):
                    f.write(chunk)
            os.replace(src + ".tmp", src)

        def through(cmd):
            def once():
                with open(src, "rb") as inp, open(os.devnull, "wb") as out:
                    t0 = time.monotonic()
                    try:
                        r = subprocess.run(self.cpu_server + cmd, stdin=inp, stdout=out, stderr=subprocess.PIPE,
                                           timeout=TIMEOUT, start_new_session=True)
                    except subprocess.TimeoutExpired:
                        raise BenchError("%s: no end after %d s" % (cmd[0], TIMEOUT))
                    t = time.monotonic() - t0
                if r.returncode != 0:
                    raise BenchError("%s exited %d" % (cmd[0], r.returncode))
                return mib / t
            return once
        self.bench("copy %d MiB file -> /dev/null" % mib, "MiB/s", "higher", [
            ("weft copy_stream", self.lazy(lambda: through([self.weft("examples", "copy_stream")]))),
            ("cat", through(["cat"])),
        ], self.p["reps"])

    # -- the checker's overhead --

    def cache_value(self, key):
        return benchlib.cache_value(self.build, key)

    def sqlite(self):
        for corpus in (os.path.join(self.build, "bench", "corpus"), os.path.join(self.build, "test", "plugin", "corpus")):
            src = os.path.join(corpus, "package", "deps", "sqlite3", "sqlite3.c")
            if os.path.exists(src):
                return src
        corpus = os.path.join(self.build, "bench", "corpus")
        os.makedirs(corpus, exist_ok=True)
        if not shutil.which("npm"):
            raise Missing("npm missing (it fetches the SQLite amalgamation, better-sqlite3@12)")
        print("fetching better-sqlite3@12 into %s" % corpus, file=sys.stderr)
        out = run(["npm", "pack", "--silent", "better-sqlite3@12"], cwd=corpus, timeout=300)
        tgz = out.split()[-1]
        run(["tar", "-xzf", tgz, "package/deps/sqlite3"], cwd=corpus, timeout=120)
        os.remove(os.path.join(corpus, tgz))
        return os.path.join(corpus, "package", "deps", "sqlite3", "sqlite3.c")

    def checker(self):
        clang = self.cache_value("WEFT_CLANG_EXECUTABLE")
        plugins = glob.glob(os.path.join(self.build, "**", "libweft-plugin-*.so"), recursive=True)
        if not clang or not plugins:
            err = "no checker plugin in %s (built with WEFT_BUILD_PLUGIN and a Clang dev package?)" % self.build
            for name in ("checker on sqlite3.c + weft.h", "checker on examples/"):
                self.rows.append((name, "s CPU", "lower", {"clang + weft": err, "clang": err},
                                  ["clang + weft", "clang"]))
                self.failures.append(err)
            return
        plugin = plugins[0]
        include = os.path.join(ROOT, "runtime", "include")

        def cpu_of(cmds):
            def once():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                for c in cmds:
                    run(self.cpu_server + c, timeout=300)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            return once

        try:
            src = self.sqlite()
            base = [[clang, "-fsyntax-only", "-w", "-D_GNU_SOURCE", "-I" + include, "-include", "weft.h", src]]
            with_plugin = [c[:1] + ["-fplugin=" + plugin] + c[1:] for c in base]
            sqlite_impls = [("clang + weft", cpu_of(with_plugin)), ("clang", cpu_of(base))]
        except BenchError as e:
            err = str(e)
            sqlite_impls = [("clang + weft", self._fail(err)), ("clang", self._fail(err))]
        self.bench("checker on sqlite3.c + weft.h", "s CPU", "lower", sqlite_impls, self.p["heavy_reps"])
        ex = sorted(glob.glob(os.path.join(ROOT, "examples", "*.c")))
        base = [[clang, "-fsyntax-only", "-Werror", "-I" + include, "-I" + os.path.join(ROOT, "examples"), f]
                for f in ex]
        with_plugin = [c[:1] + ["-fplugin=" + plugin] + c[1:] for c in base]
        self.bench("checker on examples/ (%d files)" % len(ex), "s CPU", "lower",
                   [("clang + weft", cpu_of(with_plugin)), ("clang", cpu_of(base))], self.p["heavy_reps"])

    @staticmethod
    def _fail(msg):
        def f():
            raise BenchError(msg)
        return f

    # -- instruction counts (callgrind) and syscalls (strace -c) --

    def callgrind(self, cmd, n):
        if "valgrind" in self.missing:
            raise Missing(self.missing["valgrind"])
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + os.path.join(tmp, "cg")]
                               + cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=600, start_new_session=True)
        m = re.search(r"Collected : (\d+)", r.stderr)
        if r.returncode != 0 or not m:
            raise BenchError("callgrind of %s failed: %s" % (os.path.basename(cmd[0]), r.stderr.strip()[-300:]))
        return int(m.group(1)) / n

    def instructions(self):
        p = self.p
        b = p["cg_bind"]
        self.bench("bind loop, instructions", "instr/bind", "lower", [
            ("weft", self.lazy(lambda: lambda: self.callgrind([self.weft("bench", "bench_bind_loop"), str(b)], b))),
            ("Lwt", self.lazy(lambda: lambda: self.callgrind([self.peer("bind_lwt", "lwt"), str(b)], b))),
        ], 1)
        n = p["cg_pingpong"]
        progs = [("weft", lambda: self.weft("bench", "bench_pingpong")),
                 ("libev", lambda: self.peer("pingpong_ev", "ev")),
                 ("libuv", lambda: self.peer("pingpong_uv", "uv")),
                 ("epoll", lambda: self.peer("pingpong_epoll", "epoll")),
                 ("Lwt", lambda: self.peer("pingpong_lwt", "lwt"))]
        self.bench("ping-pong, user instructions", "instr/rt", "lower", [
            (impl, (lambda g=get: self.callgrind([g(), str(n)], n))) for impl, get in progs], 1)
        f, k = p["cg_sleep"]
        sl = [("weft", lambda: self.weft("bench", "bench_sleeps")),
              ("libev", lambda: self.peer("sleeps_ev", "ev")),
              ("libuv", lambda: self.peer("sleeps_uv", "uv")),
              ("Lwt", lambda: self.peer("sleeps_lwt", "lwt"))]
        self.bench("sleeps, user instructions (%dx%d)" % (f, k), "instr/sleep", "lower", [
            (impl, (lambda g=get: self.callgrind([g(), "run", str(f), str(k)], f * k))) for impl, get in sl], 1)
        # Syscalls per operation: the traced program's whole run, over the operations it made.
        n = p["st_pingpong"]
        self.bench("ping-pong, syscalls", "syscalls/rt", "lower", [
            (impl, (lambda g=get: self.strace_run([g(), str(n)]) / n)) for impl, get in progs], 1)
        s = p["st_s"]
        for conns in (50, 500):
            self.bench("TCP echo %d conns, syscalls" % conns, "syscalls/req", "lower", [
                (impl, (lambda c=cmd, k=conns: self.strace_server(c, "echo", s, k)))
                for impl, cmd in self.echo_servers()], 1)
        self.bench("HTTP wrk -c100, syscalls", "syscalls/req", "lower", [
            (impl, (lambda c=cmd: self.strace_server(c, "http", s))) for impl, cmd in self.http_servers()], 1)

    def strace_cmd(self, out):
        if "strace" in self.missing:
            raise Missing(self.missing["strace"])
        return ["strace", "-f", "-c", "-U", "name,calls", "-o", out]

    @staticmethod
    def strace_total(path):
        with open(path) as f:
            for line in f:
                if line.startswith("total"):
                    return int(line.split()[1])
        raise BenchError("strace wrote no total")

    def strace_run(self, cmd):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "st")
            run(self.strace_cmd(out) + cmd, timeout=300)
            return self.strace_total(out)

    def strace_server(self, server_cmd, kind, seconds, conns=50):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "st")
            s = Server(self.strace_cmd(out) + server_cmd())
            try:
                if kind == "echo":
                    res = run([self.peer("loadgen", "loadgen"), "echo", str(s.port), str(conns), str(seconds)],
                              timeout=seconds + 60)
                    reqs = float(res.split()[1])
                else:
                    if "wrk" in self.missing:
                        raise Missing(self.missing["wrk"])
                    res = run([self.wrk, "-t1", "-c100", "-d%ss" % max(1, int(seconds)),
                               "http://127.0.0.1:%d/" % s.port], timeout=seconds + 60)
                    reqs = float(re.search(r"(\d+) requests in", res).group(1))
                # strace writes its summary when its tracee ends: kill the server under it, not strace.
                try:
                    with open("/proc/%d/task/%d/children" % (s.proc.pid, s.proc.pid)) as f:
                        for child in f.read().split():
                            os.kill(int(child), signal.SIGKILL)
                except OSError:
                    pass
                try:
                    s.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pass
            finally:
                s.stop()
            return self.strace_total(out) / max(reqs, 1)

    # -- the table --

    def table(self):
        lines = []
        head = ("benchmark", "implementation", "median", "min-max", "unit", "weft adv.")
        rows = []
        for name, unit, better, result, order in self.rows:
            weft_impl = order[0]
            wv = result.get(weft_impl)
            wmed = statistics.median(wv) if isinstance(wv, list) and wv else None
            for impl in order:
                v = result[impl]
                if not isinstance(v, list) or not v:
                    rows.append((name, impl, "MISSING" if str(v).startswith("MISSING") else "FAILED", "-", unit, "-"))
                    continue
                med = statistics.median(v)
                adv = "-"
                if impl != weft_impl and wmed is not None and med > 0 and wmed > 0:
                    adv = "%.2f" % ((wmed / med) if better == "higher" else (med / wmed))
                rows.append((name, impl, fmt(med), "%s-%s" % (fmt(min(v)), fmt(max(v))), unit, adv))
        widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
        sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
        lines.append(sep)
        for r in rows:
            lines.append("| " + " | ".join(str(c).ljust(w) if i < 2 or i == 4 else str(c).rjust(w)
                                            for i, (c, w) in enumerate(zip(r, widths))) + " |")
        return "\n".join(lines)


def fmt(x):
    if x >= 1e5:
        return "%.0fk" % (x / 1e3)
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.3g" % x


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, %s, load %.2f %.2f %.2f" % (cpu, os.cpu_count() or 1, os.uname().release,
                                                      *os.getloadavg())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("--mode", choices=sorted(MODES), default="full")
    ap.add_argument("--only", type=regex, help="run only the benchmarks whose name matches this regular expression")
    ap.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs with taskset")
    args = ap.parse_args()
    if not os.path.isdir(args.build):
        print("run.py: %s is not a build directory" % args.build, file=sys.stderr)
        return 2
    suite = Suite(args.build, args.mode, args.only, not args.no_pin)
    t0 = time.monotonic()
    print("weft benchmarks (%s mode) on %s" % (args.mode, machine()), flush=True)
    print("build: %s (%s)" % (suite.build, suite.cache_value("CMAKE_BUILD_TYPE") or "?"), flush=True)
    print("pinning: %s" % ("servers and single-process programs on CPU 0, load generators on CPU 1 (taskset)"
                           if suite.pin else "none"), flush=True)
    suite.build_peers()
    for peer, why in sorted(suite.missing.items()):
        print("MISSING peer %s: %s" % (peer, why), flush=True)
    for part in (suite.cpu_bound, suite.network, suite.copy, suite.checker, suite.instructions):
        part()
    print()
    print(suite.table())
    print()
    print("weft adv.: how many times better weft is than that peer on that row (>1: weft better, <1: weft worse);")
    print("  peer/weft for costs (ns, instructions, syscalls, bytes, CPU), weft/peer for rates (rt/s, req/s, MiB/s).")
    print("  For the checker rows weft's line is clang with the plugin, and its advantage under 1 is the overhead.")
    print("total time %.0f s" % (time.monotonic() - t0))
    if not args.only:
        suite.failures += ["row missing from the table: %s" % m for m in missing_rows(suite.rows)]
    if suite.missing or suite.failures:
        for f in suite.failures:
            print("FAILED: %s" % f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
