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
