#!/bin/sh
# read_line.sh [MB] [RUNS]: lines per second reading a file of short lines through a pipe (cat FILE | prog):
# weft_read_line (reader buffers of 4 KiB, as Lwt_io's default, and 64 KiB) against Lwt_io.read_line (native OCaml)
# and getline(3) on a blocking stdio stream, the practical limit.  Each runs RUNS times (default 5); the median is
# printed, then the ratios.  Not a test: it prints figures.  Needs ocaml-nox, ocaml-findlib, liblwt-ocaml-dev for Lwt.
set -eu
cd "$(dirname "$0")/.."
mb=${1:-100}
runs=${2:-5}
out=build/bench-read-line
mkdir -p "$out"
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_PLUGIN=OFF -DWEFT_BUILD_TESTS=OFF >"$out/configure.log" 2>&1 ||
  { cat "$out/configure.log" >&2; exit 1; }
cmake --build "$out" --target bench_read_line bench_getline_lines -j2 >/dev/null

# The input: short lines of 0 to 40 bytes (about 20 on average), a fixed pseudo-random sequence.
input="$out/lines-${mb}MB.txt"
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
  mkdir -p "$out/lwt"
  cp bench/lwt_read_line.ml "$out/lwt/"
  (cd "$out/lwt" && ocamlfind ocamlopt -O3 -thread -package lwt.unix -linkpkg lwt_read_line.ml -o lwt_read_line 2>/dev/null ||
     ocamlfind ocamlopt -thread -package lwt.unix -linkpkg lwt_read_line.ml -o lwt_read_line)
  progs="$progs
Lwt_io.read_line:$out/lwt/lwt_read_line"
else
  echo "# Lwt not installed (apt-get install ocaml-nox ocaml-findlib liblwt-ocaml-dev): no comparison"
fi

results="$out/results.txt"
: >"$results"
echo "$progs" | while IFS=: read -r name cmd; do
  i=0
  rates=""
  while [ "$i" -lt "$runs" ]; do
    # shellcheck disable=SC2086
    line=$(cat "$input" | $cmd)
    lines=$(echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i == "lines") print $(i - 1) }' | head -1)
    rate=$(echo "$line" | awk '{ print $(NF - 1) }')
    rates="$rates $rate"
    i=$((i + 1))
  done
  median=$(echo "$rates" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf "%-22s %12.0f lines/s (median of %s; %s lines)\n" "$name" "$median" "$runs" "$lines"
  echo "$name $median $lines" >>"$results"
done

# Ratios: weft against each peer (above 1: weft reads more lines per second).
awk '{ rate[$1] = $2; lines[$1] = $3 }
     END {
       for (w in rate) if (w ~ /^weft/) for (p in rate) if (p !~ /^weft/)
         printf "ratio %-22s / %-18s %6.2f\n", w, p, rate[w] / rate[p]
       for (a in lines) for (b in lines) if (lines[a] != lines[b]) { print "# line counts differ: " a " " b; exit 1 }
     }' "$results" | sort
