#!/bin/sh
# detach.sh [N] [RUNS], or detach.sh BUILD_DIR with WEFT_BENCH_MODE=quick|full (an extra of scripts/bench.sh): weft_detach against libuv's uv_queue_work, side by side in one invocation: median ns per round trip,
# and weft's advantage (uv ns over weft ns, above 1: weft faster).  Alone, builds both (Release, in build/bench-detach) and runs two shapes: one round trip at a
# time (the latency of a hand-off to a worker and back) and 64 in flight (throughput).  Both pools have 4 threads.
# Not a test: it prints figures.  libuv comes from libuv1-dev (scripts/setup-debian.sh installs it).
set -eu
cd "$(dirname "$0")/.."
if [ -n "${WEFT_BENCH_MODE:-}" ]; then
  # An extra of scripts/bench.sh: $1 is its build tree, bench/ programs built; fewer round trips in quick mode.
  out=$1
  case "$WEFT_BENCH_MODE" in quick) n=2000; runs=3 ;; *) n=20000; runs=7 ;; esac
  [ -x "$out/bench/detach_uv" ] || { echo "detach.sh: $out/bench/detach_uv is missing: is libuv1-dev installed?" >&2; exit 1; }
else
  n=${1:-20000}
  runs=${2:-7}
  out=build/bench-detach
  cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_PLUGIN=OFF -DWEFT_BUILD_TESTS=OFF >"$out.configure.log" 2>&1 ||
    { cat "$out.configure.log" >&2; exit 1; }
  rm -f "$out.configure.log"
  cmake --build "$out" --target detach -j2 >/dev/null
  cmake --build "$out" --target detach_uv -j2 >/dev/null 2>&1 ||
    { echo "detach.sh: bench/detach_uv.c did not build: is libuv1-dev installed?" >&2; exit 1; }
fi
export WEFT_POOL_SIZE=4 UV_THREADPOOL_SIZE=4
for flight in 1 64; do
  w=$("$out/bench/detach" "$n" "$runs" "$flight")
  u=$("$out/bench/detach_uv" "$n" "$runs" "$flight")
  echo "$w" | grep -v '^median_ns'
  echo "$u" | grep -v '^median_ns'
  wn=$(echo "$w" | sed -n 's/^median_ns //p')
  un=$(echo "$u" | sed -n 's/^median_ns //p')
  [ -n "$wn" ] && [ -n "$un" ] || { echo "detach.sh: no median_ns line from detach or detach_uv" >&2; exit 1; }
  # weft adv., as in the suite's table: libuv's ns over weft's (above 1: weft faster).
  awk -v a="$wn" -v b="$un" -v f="$flight" \
    'BEGIN { printf "weft adv. over uv_queue_work, %2d in flight: %.2f (uv ns / weft ns; above 1: weft faster)\n", f, b / a }'
done
