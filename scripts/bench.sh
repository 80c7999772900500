#!/bin/sh
# bench.sh [quick|full] [run.py options]: the benchmark suite (make bench): builds weft Release into build/bench,
# the peers (libev, libuv, epoll, Lwt, Node) from bench/peers/, runs bench/run.py (one table), then the extras.
# Not a test of figures: ctest's bench-quick (clang14 only) runs `bench.sh quick` to see that it runs whole.
#
#   quick   every benchmark, small sizes, under 3 minutes on 2 cores (the CI smoke test)
#   full    the sizes of docs/performance.md, under 15 minutes (the default)
#
# WEFT_BENCH_BUILD=DIR uses the weft build tree DIR as it is instead of building build/bench (ctest gives its own).
# Extras: after the table, every bench/*.sh is run as `bench/NAME.sh BUILD_DIR` with WEFT_BENCH_MODE=quick|full in
# the environment, each under a 300 s timeout; each prints its own figures, and a non-zero exit fails the suite.
# A new side benchmark is plugged in by adding such a script (and its program to bench/CMakeLists.txt).
set -eu
cd "$(dirname "$0")/.."
mode=${1:-full}
case "$mode" in
  quick | full) ;;
  *) echo "usage: scripts/bench.sh [quick|full] [--only REGEX] [--no-pin]" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift

if [ -n "${WEFT_BENCH_BUILD:-}" ]; then
  build=$WEFT_BENCH_BUILD
else
  build=build/bench
  mkdir -p build
  # Release, the plugin against Clang 14 (for the checker's overhead), no tests.  C at -O2, as the C peers are
  # built (bench/run.py) and as Debian builds libev and libuv: CMake's Release default, -O3, would favour weft.
  cmake -S . -B "$build" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DWEFT_CLANG_VERSION=14 -DWEFT_BUILD_TESTS=OFF >build/bench.configure.log 2>&1 ||
    { cat build/bench.configure.log >&2; exit 1; }
  echo "building weft (Release) in $build"
  # What the suite runs: the plugin (not the other checker tools), the examples and bench/'s programs.
  { cmake --build "$build" -j"$(nproc)" --target weft-plugin && make -C "$build/examples" -j"$(nproc)" &&
    make -C "$build/bench" -j"$(nproc)"; } >build/bench.build.log 2>&1 || { tail -n 40 build/bench.build.log >&2; exit 1; }
fi
[ -d "$build" ] || { echo "bench.sh: no build tree $build" >&2; exit 2; }

# bounded SECONDS CMD...: runs CMD under timeout(1), in the background so that this shell can pass on a
# SIGTERM, SIGINT (Ctrl-C) or SIGHUP.  timeout(1) puts itself in a process group of its own, so neither a Ctrl-C
# at the terminal nor a kill of this shell would reach it: without the trap, run.py, its servers and load
# generators would run on after this script ended.  run.py kills its servers when it gets SIGTERM.
child=
stop() {
  trap - TERM INT HUP
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  echo "bench.sh: stopped by a signal" >&2
  exit 130
}
trap stop TERM INT HUP
bounded() {
  limit=$1
  shift
  timeout --kill-after=10 "$limit" "$@" &
  child=$!
  rc=0
  wait "$child" || rc=$?
  child=
  return "$rc"
}

status=0
# A bound on the whole table, well above each mode's time (children have their own timeouts in run.py).
case "$mode" in quick) limit=400 ;; *) limit=1800 ;; esac
rc=0
bounded "$limit" python3 bench/run.py --build "$build" --mode "$mode" "$@" || rc=$?
[ "$rc" -eq 2 ] && exit 2 # bad usage (run.py said why): no extras
[ "$rc" -eq 0 ] || status=1

export WEFT_BENCH_MODE="$mode"
for extra in bench/*.sh; do
  [ -f "$extra" ] || continue
  echo
  echo "== extra: $extra"
  bounded 300 sh "$extra" "$build" || { echo "FAILED: extra $extra"; status=1; }
done
exit $status
