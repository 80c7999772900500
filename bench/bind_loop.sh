#!/bin/sh
# bind_loop.sh BUILD-DIR [N]: instruction counts (callgrind, repeatable) of N binds (default 10^7), side by side.
# Compares the bind loop built with call sites (the default) and with WEFT_NO_SITES; prints both and the ratio.
# An extra of scripts/bench.sh, which sets WEFT_BENCH_MODE: then (and no N) it makes 10^5 binds (quick) or 10^6
# (full), to keep within the suite's time; the ratio does not depend on N.
set -eu
build=$1
case "${WEFT_BENCH_MODE:-}" in quick) n=${2:-100000} ;; full) n=${2:-1000000} ;; *) n=${2:-10000000} ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
  valgrind --tool=callgrind --callgrind-out-file="$out/$1.cg" "$build/bench/$1" "$n" >"$out/$1.log" 2>&1
  sed -n 's/^==[0-9]*== Collected : //p' "$out/$1.log"
}
with=$(count bench_bind_loop)
without=$(count bench_bind_loop_nosites)
echo "bind loop, $n binds, instructions (callgrind Ir):"
echo "  with call sites     $with"
echo "  WEFT_NO_SITES       $without"
awk -v a="$with" -v b="$without" 'BEGIN { printf "  ratio               %.4f\n", a / b }'
