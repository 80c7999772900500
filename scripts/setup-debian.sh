#!/bin/sh
# setup-debian.sh: installs, on Debian 12, whatever the build, the demo and the tests need and is missing.
# Run by `make demo` and `make test` (and so by .ci/run); idempotent, quiet when nothing is missing.
set -eu

PACKAGES="
  make cmake pkg-config gcc g++ python3 procps
  clang-14 libclang-14-dev llvm-14-dev llvm-14-tools libclang-rt-14-dev
  clang-19 libclang-19-dev llvm-19-dev llvm-19-tools
  clang-22 libclang-22-dev llvm-22-dev llvm-22-tools
  clang-tidy-14 clang-tidy-19 clang-tidy-22 python3-jsonschema
  clangd-14 clangd-19 clangd-22 neovim
  valgrind wrk gdb time
  libssl-dev libcurl4-openssl-dev
  ocaml-nox ocaml-findlib liblwt-ocaml-dev
  libuv1-dev libev-dev nodejs strace
"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# OCaml and Lwt, libuv, libev and Node build and run the peers of scripts/bench.sh (make bench, and its quick
# mode in ctest bench-quick); wrk, valgrind and strace measure them.
# OpenSSL and libcurl are the real libraries test/runtime/ready_tls.c and ready_curl.c drive through the
# readiness waits; libuv is also what bench/detach.sh compares weft_detach with (uv_queue_work).
# npm fetches the large C corpus of the checker's robustness test.
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi
