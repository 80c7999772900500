#!/bin/sh
# check.sh WEFT_CLANGD INCLUDE_DIR WORK_DIR: the self-test `weft-clangd --check
# <file>` prints clangd's and weft's diagnostics together, as an editor gets
# them, with notes and docs links; --weft-werror makes weft's warnings errors.
set -eu
tool=$1 include=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cp "$(dirname "$0")/Inputs/faulty.c" "$work/faulty.c"
cat >"$work/compile_commands.json" <<JSON
[{"directory": "$work", "file": "faulty.c", "arguments": ["clang", "-Wall", "-I$include", "-c", "faulty.c"]}]
JSON
out=$("$tool" --check "$work/faulty.c" 2>"$work/log")
echo "$out"
expect() {
  printf '%s\n' "$out" | grep -q -- "$1" || { echo "check.sh: FAIL: no line matching: $1"; cat "$work/log"; exit 1; }
}
expect "faulty.c:11:9: error: .* \[clang"
expect "faulty.c:11:13: error: this expression has type 'async(str)' .* \[weft async-conversion\]"
expect "docs: file://.*/async-conversion.md"
expect "faulty.c:15:6: error: function 'start_job' may yield but is not declared 'mayyield' \[weft mayyield\]"
expect "faulty.c:16:3: note: 'start_job' calls 'weft_spawn' here"
expect "faulty.c:20:[0-9]*: warning: .*assignment.* \[clang"
expect "^4 diagnostic(s)"
# The rule pages can live anywhere.
out=$("$tool" --weft-docs=https://example.org/weft/docs/diagnostics --check "$work/faulty.c" 2>"$work/log")
expect "docs: https://example.org/weft/docs/diagnostics/mayyield.md"

# A warning of weft's becomes an error with --weft-werror, and with the
# plugin's own argument in the compile command.
sed 's/  char \*c = read_stdin(1);/  weft_sleep(1);/; s/  return write_stdout(c);/  return write_stdout("x");/' \
  "$(dirname "$0")/Inputs/faulty.c" >"$work/faulty.c"
out=$("$tool" --check "$work/faulty.c" 2>"$work/log")
expect "faulty.c:11:3: warning: action of type 'async(int)' is discarded .* \[weft async-drop\]"
out=$("$tool" --weft-werror --check "$work/faulty.c" 2>"$work/log")
expect "faulty.c:11:3: error: action of type 'async(int)' is discarded .* \[weft async-drop\]"
cat >"$work/compile_commands.json" <<JSON
[{"directory": "$work", "file": "faulty.c",
  "arguments": ["clang", "-I$include", "-fplugin=/nonexistent/libweft-plugin.so", "-fplugin-arg-weft-werror", "-c", "faulty.c"]}]
JSON
out=$("$tool" --check "$work/faulty.c" 2>"$work/log")
expect "faulty.c:11:3: error: action of type 'async(int)' is discarded .* \[weft async-drop\]"
# ... and a rule disabled there is off here too.
sed -i 's/-fplugin-arg-weft-werror/-fplugin-arg-weft-disable=async-drop/' "$work/compile_commands.json"
out=$("$tool" --check "$work/faulty.c" 2>"$work/log")
if printf '%s\n' "$out" | grep -q "async-drop"; then echo "check.sh: FAIL: disabled rule reported"; exit 1; fi

# No compilation database: clangd's fallback command, for both (outside the
# build tree, whose own compile_commands.json would be found).
alone=$(mktemp -d)
cp "$work/faulty.c" "$alone/faulty.c"
out=$("$tool" --check "$alone/faulty.c" 2>"$work/log")
rm -rf "$alone"
expect "'weft.h' file not found"
# An option of weft-clangd's without its value is one clear line and exit 2,
# not clangd's own --check of nothing with its whole log.
for opt in --check --clangd --weft-docs --check=; do
  set +e
  "$tool" $opt >"$work/out" 2>&1
  status=$?
  set -e
  name=${opt%=}
  [ "$status" = 2 ] || { echo "check.sh: FAIL: '$opt' alone exited $status"; cat "$work/out"; exit 1; }
  [ "$(cat "$work/out")" = "weft-clangd: $name needs a value (see --help)" ] ||
    { echo "check.sh: FAIL: '$opt' alone printed:"; cat "$work/out"; exit 1; }
done
# A clangd that does not stay up fails the self-test (exit 1) with a line
# saying so; weft's own diagnostics are still printed.
set +e
out=$("$tool" --clangd=/bin/true --check "$work/faulty.c" 2>"$work/log")
status=$?
set -e
[ "$status" = 1 ] || { echo "check.sh: FAIL: --check with a clangd that exits gave $status"; cat "$work/log"; exit 1; }
grep -q "weft-clangd: clangd did not stay up during the check" "$work/log" ||
  { echo "check.sh: FAIL: no line about clangd"; cat "$work/log"; exit 1; }
expect "\[weft "
echo "check.sh: PASS"
