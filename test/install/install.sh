#!/bin/sh
# install.sh BUILD-DIR WORK-DIR: installs the build into a scratch prefix and builds programs against it.
# Proves the installed package works as a new user meets it: find_package(weft) with weft::weft and
# weft::weft_shared, pkg-config (weft: shared, weft-static: libweft.a), every program run as it is (no
# LD_LIBRARY_PATH); and, with the checker, weft_enable_checks picking the plugin of the compiler's major
# (and refusing another major), weft-config, and the installed weft-check.
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
major=$(sed -n 's/^WEFT_LLVM_MAJOR:INTERNAL=//p' "$build/CMakeCache.txt")
unset LD_LIBRARY_PATH

fail() { echo "FAIL: $*" >&2; exit 1; }

cmake -S "$here/consumer" -B "$work/consumer" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log"
cmake --build "$work/consumer" >"$work/build.log"
"$work/consumer/consumer_static"
"$work/consumer/consumer_shared"

pcdir=$(ls -d "$work/prefix"/lib*/pkgconfig | head -n 1)
libdir=$(dirname "$pcdir")
# The shared library through weft.pc: the program starts from this
# non-system prefix with no LD_LIBRARY_PATH.
# shellcheck disable=SC2046
"$cc" -o "$work/consumer_pc" "$here/consumer/consumer.c" $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs weft)
readelf -d "$work/consumer_pc" | grep -q 'NEEDED.*libweft\.so' || fail "weft.pc did not link libweft.so"
"$work/consumer_pc"
# The archive through weft-static.pc: nothing of weft is loaded at run time.
# shellcheck disable=SC2046
"$cc" -o "$work/consumer_pc_static" "$here/consumer/consumer.c" \
  $(PKG_CONFIG_PATH="$pcdir" pkg-config --static --cflags --libs weft-static)
if readelf -d "$work/consumer_pc_static" | grep -q 'NEEDED.*libweft'; then
  fail "weft-static.pc linked the shared libweft"
fi
"$work/consumer_pc_static"
echo "install: find_package and pkg-config (shared and static) work, with no LD_LIBRARY_PATH"

# The GDB extension: installed under the auto-load directory for the shared
# library's real path, and named by the .debug_gdb_scripts section that
# static links carry.  With ptrace allowed, GDB must load it by itself.
lib=$(cd "$libdir" && pwd -P)
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
  elif echo "$out" | grep -q "ptrace: Operation not permitted"; then
    echo "install: ptrace is not permitted here: gdb's auto-load not checked"
  else
    echo "$out" >&2
    echo "install: gdb did not stop in the consumer" >&2
    exit 1
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

if [ -z "$major" ]; then
  exit 0
fi
# The checker: one plugin per major, weft-config, weft-check.
[ -f "$libdir/libweft-plugin-$major.so" ] || fail "libweft-plugin-$major.so is not installed in $libdir"
flag=$("$work/prefix/bin/weft-config" --plugin --clang="/usr/lib/llvm-$major/bin/clang")
[ "$flag" = "-fplugin=$libdir/libweft-plugin-$major.so" ] || fail "weft-config --plugin printed '$flag'"
"$work/prefix/bin/weft-check" --version | grep -q "weft-check" || fail "the installed weft-check does not run"
# The flag works as printed.
if "/usr/lib/llvm-$major/bin/clang" -fsyntax-only "$flag" -I"$work/prefix/include" \
    "$here/../tools/Inputs/project/faulty.c" 2>"$work/plugin.err"; then
  fail "the installed plugin did not report faulty.c"
fi
grep -q "may yield but is not declared 'mayyield'" "$work/plugin.err" || fail "the installed plugin said: $(cat "$work/plugin.err")"
# weft_enable_checks with the plugin's own major configures; with another
# clang it stops at configure time with a message naming the majors.
if [ -x "/usr/lib/llvm-$major/bin/clang" ]; then
  cmake -S "$here/consumer" -B "$work/checked" -DCMAKE_C_COMPILER="/usr/lib/llvm-$major/bin/clang" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DWEFT_REQUIRE_CHECKS=ON >"$work/checked.log" 2>&1 ||
    fail "weft_enable_checks refused clang $major: $(cat "$work/checked.log")"
  cmake --build "$work/checked" >>"$work/checked.log" 2>&1 || fail "the checked consumer does not build: $(cat "$work/checked.log")"
fi
for other in 14 19 22; do
  [ "$other" != "$major" ] && [ -x "/usr/lib/llvm-$other/bin/clang" ] || continue
  [ -f "$libdir/libweft-plugin-$other.so" ] && continue
  if cmake -S "$here/consumer" -B "$work/mismatch-$other" -DCMAKE_C_COMPILER="/usr/lib/llvm-$other/bin/clang" \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DWEFT_REQUIRE_CHECKS=ON >"$work/mismatch-$other.log" 2>&1; then
    fail "weft_enable_checks accepted clang $other with only a plugin for Clang $major"
  fi
  grep -q "no weft checker plugin for clang $other" "$work/mismatch-$other.log" ||
    fail "weft_enable_checks gave no clear message for clang $other: $(cat "$work/mismatch-$other.log")"
  echo "install: weft_enable_checks refuses clang $other (plugins for Clang $major only)"
  break
done
echo "install: the checker for Clang $major: plugin, weft-config and weft-check work as installed"
