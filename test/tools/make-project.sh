#!/bin/sh
# make-project.sh CMAKE CLANG WEFT_INCLUDE INPUTS DIR [cmake options]: copies
# the sample project INPUTS to DIR and configures it in DIR/build, so that the
# tests of test/tools/ have a real compile_commands.json to check.
set -eu
cmake=$1 clang=$2 include=$3 inputs=$4 dir=$5
shift 5
rm -rf "$dir"
mkdir -p "$dir"
cp "$inputs"/* "$dir"/
"$cmake" -S "$dir" -B "$dir/build" -DCMAKE_C_COMPILER="$clang" -DWEFT_INCLUDE="$include" "$@" >"$dir/configure.log" 2>&1 ||
  { cat "$dir/configure.log" >&2; exit 1; }
