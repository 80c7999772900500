#!/bin/sh
# bench.sh [MESSAGES]: the benchmark suite: fiber-to-fiber handoff through weft's channel and mvar against Lwt_stream
# and Lwt_mvar (native code), side by side in one invocation, with ratios.  Not a test: it prints figures.
# The Lwt side needs ocaml-nox, ocaml-findlib and liblwt-ocaml-dev (scripts/setup-debian.sh installs them).
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
out=build/bench
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_PLUGIN=OFF -DWEFT_BUILD_TESTS=OFF >"$out.configure.log" 2>&1 ||
  { cat "$out.configure.log" >&2; exit 1; }
rm -f "$out.configure.log"
cmake --build "$out" --target chan_handoff -j2 >/dev/null
"$out/bench/chan_handoff" "$n" | tee "$out/weft.txt"
if command -v ocamlfind >/dev/null 2>&1 && ocamlfind query lwt.unix >/dev/null 2>&1; then
  mkdir -p "$out/lwt"
  cp bench/lwt_handoff.ml "$out/lwt/"
  (cd "$out/lwt" && ocamlfind ocamlopt -thread -package lwt.unix -linkpkg lwt_handoff.ml -o lwt_handoff)
  "$out/lwt/lwt_handoff" "$n" | tee "$out/lwt.txt"
  # Ratios: weft's ns per message over Lwt's, case by case (below 1: weft is faster).
  awk 'FNR == NR && !/^#/ { weft[$1] = $2; next }
       !/^#/ { lwt[$1] = $2 }
       END {
         split("weft_mvar:Lwt_mvar weft_chan(1):Lwt_stream(1) weft_chan(64):Lwt_stream(64)", pairs, " ")
         for (i = 1; i <= 3; i++) {
           split(pairs[i], p, ":")
           if ((p[1] in weft) && (p[2] in lwt) && lwt[p[2]] > 0)
             printf "ratio %-14s / %-15s %6.2f\n", p[1], p[2], weft[p[1]] / lwt[p[2]]
         }
       }' "$out/weft.txt" "$out/lwt.txt"
else
  echo "# Lwt not installed (apt-get install ocaml-nox ocaml-findlib liblwt-ocaml-dev): no comparison"
fi
