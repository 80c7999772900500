#!/bin/sh
# compile-clean.sh CLANG PLUGIN SOURCE_ROOT: every C file of examples/ and
# runtime/ compiles under the checker with no diagnostic at all (ctest
# plugin-clean-tree).  The warnings are made errors so nothing slips by.
set -u
clang=$1 plugin=$2 root=$3
status=0
count=0
for f in "$root"/examples/*.c "$root"/runtime/src/*.c; do
  [ -e "$f" ] || continue
  count=$((count + 1))
  out=$("$clang" -fsyntax-only -std=gnu11 -fplugin="$plugin" -fplugin-arg-weft-werror \
        -I"$root/runtime/include" -I"$root/runtime/src" "$f" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: $f (exit $rc)"
    printf '%s\n' "$out"
    status=1
  fi
done
if [ $count -eq 0 ]; then
  echo "FAIL: no C files found under $root/examples and $root/runtime/src"
  exit 1
fi
[ $status -eq 0 ] && echo "ok: $count files, no diagnostics"
exit $status
