#!/bin/sh
# read_line.sh [MB] [RUNS], or read_line.sh BUILD_DIR with WEFT_BENCH_MODE=quick|full (an extra of scripts/bench.sh): lines per second reading a file of short lines through a pipe (cat FILE | prog):
# weft_read_line (reader buffers of 4 KiB, as Lwt_io's default, and 64 KiB) against Lwt_io.read_line (native OCaml)
# and getline(3) on a blocking stdio stream, the practical limit.  Each runs RUNS times (default 5); the median is
# printed, then weft's advantage over each (above 1: weft faster).  Not a test: it prints figures.  Needs ocaml-nox, ocaml-findlib, liblwt-ocaml-dev for Lwt.
set -eu
cd "$(dirname "$0")/.."
if [ -n "${WEFT_BENCH_MODE:-}" ]; then
  # An extra of scripts/bench.sh: $1 is its build tree (bench/ programs built); 5 MB in quick mode.
  out=$1
  case "$WEFT_BENCH_MODE" in quick) mb=5; runs=3 ;; *) mb=100; runs=5 ;; esac
  data=build/bench-read-line
  mkdir -p "$data"
else
  mb=${1:-100}
  runs=${2:-5}
  out=build/bench-read-line
  data=$out
  mkdir -p "$out"
  cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_PLUGIN=OFF -DWEFT_BUILD_TESTS=OFF >"$out/configure.log" 2>&1 ||
    { cat "$out/configure.log" >&2; exit 1; }
  cmake --build "$out" --target bench_read_line bench_getline_lines -j2 >/dev/null
fi

# The input: short lines of 0 to 40 bytes (about 20 on average), a fixed pseudo-random sequence.
input="$data/lines-${mb}MB.txt"
if [ ! -s "$input" ]; then
  awk -v bytes=$((mb * 1000000)) 'BEGIN {
    srand(12); total = 0; chars = "abcdefghijklmnopqrstuvwxyz0123456789 ,.;:"
    while (total < bytes) {
      n = int(rand() * 41); line = ""
      for (i = 0; i < n; i++) line = line substr(chars, 1 + int(rand() * 41), 1)
      print line; total += n + 1
    }
  }' >"$input.tmp"
  mv "$input.tmp" "$input"
fi
echo "# input: $input, $(wc -c <"$input") bytes, $(wc -l <"$input") lines; median of $runs runs"

progs="weft_read_line(4K):$out/bench/bench_read_line
weft_read_line(64K):$out/bench/bench_read_line 65536
getline:$out/bench/bench_getline_lines"
if command -v ocamlfind >/dev/null 2>&1 && ocamlfind query lwt.unix >/dev/null 2>&1; then
  mkdir -p "$data/lwt"
  cp bench/lwt_read_line.ml "$data/lwt/"
  (cd "$data/lwt" && ocamlfind ocamlopt -O3 -thread -package lwt.unix -linkpkg lwt_read_line.ml -o lwt_read_line 2>/dev/null ||
     ocamlfind ocamlopt -thread -package lwt.unix -linkpkg lwt_read_line.ml -o lwt_read_line)
  progs="$progs
Lwt_io.read_line:$data/lwt/lwt_read_line"
else
  echo "# Lwt not installed (apt-get install ocaml-nox ocaml-findlib liblwt-ocaml-dev): no comparison"
fi

# Two figures per program: lines per second of wall time (what a user sees, but on a loaded machine it
# mostly measures the scheduler) and lines per second of the reader's own CPU time (user + system).
results="$data/results.txt"
: >"$results"
echo "$progs" | while IFS=: read -r name cmd; do
  i=0
  walls=""
  cpus=""
  lines=""
  while [ "$i" -lt "$runs" ]; do
    # shellcheck disable=SC2086
    line=$(cat "$input" | $cmd)
    lines=$(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i == "lines") { print $(i - 1); exit } }')
    walls="$walls $(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i == "lines/s") print $(i - 1) }')"
    cpus="$cpus $(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i == "lines/cpu-s") print $(i - 1) }')"
    i=$((i + 1))
  done
  wall=$(echo "$walls" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  cpu=$(echo "$cpus" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf "%-22s %11.0f lines/s wall %11.0f lines/s CPU (medians of %s; %s lines)\n" "$name" "$wall" "$cpu" "$runs" "$lines"
  echo "$name $wall $cpu $lines" >>"$results"
done

# Every program must have read every line: a count that differs (or a program that printed none) fails the script.
# Checked apart from the ratios below, whose pipe into sort would hide awk's exit status.
awk '{ lines[$1] = $4 }
     END {
       for (a in lines) {
         if (lines[a] == "") { print "read_line.sh: no line count from " a > "/dev/stderr"; exit 1 }
         for (b in lines) if (lines[a] != lines[b]) { print "read_line.sh: line counts differ: " a " " b > "/dev/stderr"; exit 1 }
       }
     }' "$results"
# weft adv., as in the suite's table: weft's lines per second over each peer's (above 1: weft reads more).
awk '{ wall[$1] = $2; cpu[$1] = $3 }
     END {
       for (w in wall) if (w ~ /^weft/) for (p in wall) if (p !~ /^weft/)
         printf "weft adv. %-20s over %-17s %6.2f wall %6.2f CPU (above 1: weft faster)\n", w, p, wall[w] / wall[p], cpu[w] / cpu[p]
     }' "$results" | sort
