#!/usr/bin/env bash
# demo.sh: runs each reference program of examples/ with real input and shows what it does.
# Usage: scripts/demo.sh [BUILD-DIR] (default: build, already built).  The programs' checks are test/examples/.
set -euo pipefail

build=${1:-build}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" 2>/dev/null && pwd) || { echo "demo.sh: no build directory ${1:-build}; run make demo" >&2; exit 1; }
examples=$(cd "$build/examples" 2>/dev/null && pwd) || {
  echo "demo.sh: no $build/examples; build first (cmake -S . -B $build && cmake --build $build)" >&2
  exit 1
}
PATH=$examples:$PATH
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
echo "weft's reference programs (examples/), run from $examples"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
header() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
# show CMD: prints the command, runs it, prints its output (with a final newline).
show() {
  printf '$ %s\n' "$1"
  local out
  out=$(eval "$1")
  if [ -n "$out" ]; then printf '%s\n' "$out"; fi
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# timed CMD: show, plus the wall-clock time it took.
timed() {
  local start
  start=$(now_ms)
  show "$1"
  printf '(%d ms)\n' $(( $(now_ms) - start ))
}
# start_server NAME ARGS...: starts it on a free port; sets server_pid and port.
start_server() {
  "$@" > "$tmp/server.out" 2> "$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 100); do
    [ -s "$tmp/server.out" ] && break
    sleep 0.05
  done
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/server.out")
  printf '$ %s &\n%s\n' "$*" "$(cat "$tmp/server.out")"
}
# stop_server: waits up to 5 s for the server's own exit, else kills it.
stop_server() {
  local status
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    echo "(still running after 5 s: killed)"
  else
    status=0
    wait "$server_pid" || status=$?
    echo "(the server exited by itself, status $status)"
  fi
  server_pid=
}

header "echo_one: read 1 byte from stdin, write it to stdout   (read_stdin 1 >>= write_stdout)"
show "printf 'abc' | echo_one"

header "sleepy_writer: read up to 10 bytes, sleep 2 s, write them"
timed "printf '0123456789abc' | sleepy_writer"

header "copy_stream: chunked copy stdin -> stdout until end of input, binary-safe, constant memory"
cd "$tmp"
show "head -c 4194304 /dev/urandom > random.bin"
timed "cat random.bin | copy_stream 4096 | cmp - random.bin && echo '4 MiB of random bytes copied identically'"
show "printf 'no newline, then a NUL:\\0!' | copy_stream 7 | od -c | head -2"

header "read_line: a line reader built from one-byte reads; prints each line as LENGTH \"LINE\""
show "printf 'alpha\\n\\nbeta gamma\\nlast, unterminated' | read_line"
show "seq 100000 | read_line | tail -2"

header "sleep_min: sleep at least N seconds, looping on weft_sleep (sleep 0 included)"
timed "sleep_min 0"
timed "sleep_min 1"

header "echo_server: TCP echo, one fiber per client (here: three clients at once, then exit)"
start_server echo_server 0 --exit-after 3
exec 3<>"/dev/tcp/127.0.0.1/$port" 4<>"/dev/tcp/127.0.0.1/$port" 5<>"/dev/tcp/127.0.0.1/$port"
echo "three clients connected; each sends a line and reads the echo, all still open:"
for fd in 3 4 5; do printf 'hello from the client on fd %d\n' "$fd" >&"$fd"; done
for fd in 5 4 3; do read -r line <&"$fd"; echo "  fd $fd got back: $line"; done
exec 3>&- 4>&- 5>&-
stop_server

header "http_hello: HTTP/1.1 keep-alive server, pipelining, Connection: close honoured"
have_wrk=0
command -v wrk >/dev/null && have_wrk=1
start_server http_hello 0 --exit-after $(( 1 + 10 * have_wrk ))
echo "two pipelined requests on one connection, the second asking to close:"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET / HTTP/1.1\r\nHost: demo\r\n\r\nGET /again HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n' >&3
sed 's/\r$//; s/^/  | /' <&3
exec 3>&-
if [ "$have_wrk" = 1 ]; then
  echo "\$ wrk -t1 -c10 -d2s http://127.0.0.1:$port/"
  wrk -t1 -c10 -d2s "http://127.0.0.1:$port/" | grep -E 'requests in|Requests/sec|errors|Non-2xx' | sed 's/^ */  /'
else
  echo "(wrk not found: no load test)"
fi
stop_server

# The checker: the plugin built beside the examples, run by the Clang it was
# built against (recorded by CMake), over the reference programs and attempt.
clang_bin=$(sed -n 's/^WEFT_CLANG_EXECUTABLE:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
major=$(sed -n 's/^WEFT_LLVM_MAJOR:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
plugin="$build/lib/libweft-plugin-$major.so"
if [ -f "$plugin" ] && [ -n "$clang_bin" ]; then
  plugin=$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")
  check() { "$clang_bin" -std=gnu11 -fsyntax-only -D_GNU_SOURCE -I "$source_dir/runtime/include" -fplugin="$plugin" "$@"; }
  header "the checker: every reference program compiles clean under the plugin (warnings as errors)"
  echo "\$ $(basename "$clang_bin") -fsyntax-only -fplugin=$(basename "$plugin") -fplugin-arg-weft-werror examples/X.c"
  for f in "$source_dir"/examples/*.c; do
    if check -fplugin-arg-weft-werror "$f"; then echo "  clean: examples/$(basename "$f")"; else echo "  NOT CLEAN: examples/$(basename "$f")"; exit 1; fi
  done

  header "the checker: the ill-typed reference program 'attempt' is rejected"
  echo "  let attempt () = let char = read_stdin 1 in let _ = write_stdout char in ()"
  echo "\$ $(basename "$clang_bin") -fsyntax-only -fplugin=$(basename "$plugin") test/plugin/attempt.c"
  if check "$source_dir/test/plugin/attempt.c" 2>"$tmp/attempt.err"; then
    echo "attempt.c was accepted: the checker is not working" >&2
    exit 1
  fi
  sed "s|$source_dir/||g" "$tmp/attempt.err" | grep -E 'error|note' | sed 's/^/  /'
else
  header "the checker: not built in $build (configure with a Clang development package to see it)"
fi
echo
echo "demo finished"
