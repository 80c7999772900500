#!/bin/sh
# handoff.sh BUILD_DIR: fiber-to-fiber handoff through weft's channel and mvar against Lwt_stream and Lwt_mvar
# (native code), side by side, with ratios.  An extra of scripts/bench.sh (WEFT_BENCH_MODE=quick: 10^5 messages).
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
case "${WEFT_BENCH_MODE:-full}" in quick) n=100000 ;; *) n=1000000 ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Into a file, then shown: through a pipe (| tee) a crash of the program would not fail the script.
"$build/bench/chan_handoff" "$n" >"$out/weft.txt"
cat "$out/weft.txt"
if ! command -v ocamlfind >/dev/null 2>&1 || ! ocamlfind query lwt.unix >/dev/null 2>&1; then
  echo "MISSING: Lwt (apt-get install ocaml-nox ocaml-findlib liblwt-ocaml-dev)" >&2
  exit 1
fi
cp "$here/lwt_handoff.ml" "$out/"
(cd "$out" && ocamlfind ocamlopt -thread -package lwt.unix -linkpkg lwt_handoff.ml -o lwt_handoff)
"$out/lwt_handoff" "$n" >"$out/lwt.txt"
cat "$out/lwt.txt"
# weft adv., as in the suite's table: Lwt's ns per message over weft's, case by case (above 1: weft is faster).
# A case missing on either side fails the script.
awk 'FNR == NR && !/^#/ { weft[$1] = $2; next }
     !/^#/ { lwt[$1] = $2 }
     END {
       split("weft_mvar:Lwt_mvar weft_chan(1):Lwt_stream(1) weft_chan(64):Lwt_stream(64)", pairs, " ")
       for (i = 1; i <= 3; i++) {
         split(pairs[i], p, ":")
         if (!(p[1] in weft) || !(p[2] in lwt) || weft[p[1]] <= 0) {
           print "handoff.sh: no figure for " p[1] " or " p[2] > "/dev/stderr"
           bad = 1
           continue
         }
         printf "weft adv. %-14s over %-15s %6.2f (Lwt ns / weft ns; above 1: weft faster)\n", p[1], p[2],
                lwt[p[2]] / weft[p[1]]
       }
       exit bad
     }' "$out/weft.txt" "$out/lwt.txt"
