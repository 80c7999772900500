#!/bin/sh
# install.sh BUILD-DIR WORK-DIR: installs the build into a scratch prefix and builds a program against it three ways.
# Proves the installed package works: find_package(weft) with weft::weft and weft::weft_shared, and pkg-config.
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")

cmake -S "$here/consumer" -B "$work/consumer" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log"
cmake --build "$work/consumer" >"$work/build.log"
"$work/consumer/consumer_static"
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/consumer_shared"

libdir=$(ls -d "$work/prefix"/lib*/pkgconfig | head -n 1)
# shellcheck disable=SC2046
"$cc" -o "$work/consumer_pc" "$here/consumer/consumer.c" \
  $(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs --static weft)
LD_LIBRARY_PATH="$(dirname "$libdir")" "$work/consumer_pc"
echo "install: find_package and pkg-config both work"

# The GDB extension: installed under the auto-load directory for the shared
# library's real path, and named by the .debug_gdb_scripts section that
# static links carry.  With ptrace allowed, GDB must load it by itself.
lib=$(cd "$(dirname "$libdir")" && pwd -P)
real=$(basename "$(readlink -f "$lib/libweft.so")")
autoload="$work/prefix/share/gdb/auto-load"
test -f "$autoload$lib/$real-gdb.py" || { echo "install: no $autoload$lib/$real-gdb.py" >&2; exit 1; }
test -f "$work/prefix/share/weft/weft-gdb.py" || { echo "install: no share/weft/weft-gdb.py" >&2; exit 1; }
readelf -p .debug_gdb_scripts "$work/consumer/consumer_static" | grep -q "/gdb/auto-load/.*/$real-gdb.py" ||
  { echo "install: consumer_static has no .debug_gdb_scripts entry for $real-gdb.py" >&2; exit 1; }
if command -v gdb >/dev/null 2>&1; then
  out=$(LD_LIBRARY_PATH="$lib" gdb -nx -batch -iex "set debuginfod enabled off" \
        -iex "add-auto-load-scripts-directory $autoload" -iex "add-auto-load-safe-path $work/prefix" \
        -ex "break answer" -ex run -ex "info auto-load python-scripts" -ex "weft fibers" \
        "$work/consumer/consumer_shared" 2>&1) || true
  if echo "$out" | grep -q "^Breakpoint 1, .*answer"; then
    echo "$out" | grep -q "^Yes .*$real-gdb.py" || { echo "$out" >&2; echo "install: gdb did not auto-load the extension" >&2; exit 1; }
    echo "$out" | grep -q "^\*\[0\] fiber 0x[0-9a-f]* running \[root\]" || { echo "$out" >&2; echo "install: weft fibers failed" >&2; exit 1; }
    echo "install: gdb auto-loads the extension"
  else
    echo "install: gdb could not run the consumer (ptrace not permitted?): auto-load not checked"
  fi
fi

# weft-clangd, where the checker is built: the installed program runs and
# links the diagnostics to the installed rule pages.
if [ -x "$work/prefix/bin/weft-clangd" ]; then
  mkdir -p "$work/editor"
  cat >"$work/editor/editor.c" <<'EOF_C'
#include <weft.h>
static async(void) job(void *env) { (void)env; return weft_return(void); }
void start(void) { weft_spawn(job(0)); }
EOF_C
  echo "-I$work/prefix/include" >"$work/editor/compile_flags.txt"
  "$work/prefix/bin/weft-clangd" --check "$work/editor/editor.c" >"$work/editor/out.txt" 2>"$work/editor/log.txt"
  grep -q "docs: file://$work/prefix/share/doc/weft/diagnostics/mayyield.md" "$work/editor/out.txt" ||
    { echo "install: weft-clangd --check did not link the installed docs:"; cat "$work/editor/out.txt" "$work/editor/log.txt"; exit 1; }
  echo "install: weft-clangd runs from the prefix and links the installed docs"
fi
