#!/bin/sh
# sqlite.sh CLANG PLUGIN CORPUS_DIR: the checker over a large C code base that
# does not use weft, the SQLite amalgamation, must print nothing and exit 0
# (ctest plugin-sqlite).  The amalgamation comes from the npm package
# better-sqlite3 (deps/sqlite3/sqlite3.c), fetched once into CORPUS_DIR in
# the build tree and never committed.  No network means failure, not a skip.
set -u
clang=$1 plugin=$2 corpus=$3
src="$corpus/package/deps/sqlite3/sqlite3.c"

if [ ! -s "$src" ]; then
  mkdir -p "$corpus" || exit 1
  if ! command -v npm >/dev/null 2>&1; then
    echo "FAIL: npm is needed to fetch the SQLite amalgamation (better-sqlite3)" >&2
    exit 1
  fi
  echo "fetching better-sqlite3@12 into $corpus"
  rm -f "$corpus"/better-sqlite3-*.tgz
  if ! (cd "$corpus" && npm pack --silent better-sqlite3@12 >/dev/null); then
    echo "FAIL: npm pack better-sqlite3@12 failed (is the npm registry reachable?)" >&2
    exit 1
  fi
  tarball=$(ls "$corpus"/better-sqlite3-*.tgz 2>/dev/null | head -n 1)
  if [ -z "$tarball" ] || ! tar -xzf "$tarball" -C "$corpus" package/deps/sqlite3; then
    echo "FAIL: could not unpack deps/sqlite3 from ${tarball:-the package}" >&2
    exit 1
  fi
  if [ ! -s "$src" ]; then
    echo "FAIL: $src is missing from the package" >&2
    exit 1
  fi
fi

out=$("$clang" -fsyntax-only -fplugin="$plugin" -fplugin-arg-weft-werror -w "$src" 2>&1)
rc=$?
# -w silences Clang's own warnings about SQLite; the plugin's, made errors
# by werror, would still show.
if [ $rc -ne 0 ] || [ -n "$out" ]; then
  echo "FAIL: the checker reported on $src (exit $rc):"
  printf '%s\n' "$out" | head -n 50
  exit 1
fi
# Again with weft.h included first: the translation unit then declares async
# types, so every rule runs over all of SQLite (the effect inference walks
# every function of it) instead of stopping at the fast path.
inc=$(cd "$(dirname "$0")/../../runtime/include" && pwd)
out=$("$clang" -fsyntax-only -fplugin="$plugin" -fplugin-arg-weft-werror -w -D_GNU_SOURCE \
      -I"$inc" -include weft.h "$src" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
  echo "FAIL: the checker reported on $src with weft.h included (exit $rc):"
  printf '%s\n' "$out" | head -n 50
  exit 1
fi
echo "ok: $(wc -l <"$src") lines of SQLite, no diagnostics, with and without weft.h"
