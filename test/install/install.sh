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
