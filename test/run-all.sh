#!/bin/bash
# run-all.sh: builds every configuration of scripts/build.sh and runs its ctest suite, then totals them.
# The README's test command (make test) and .ci/run end here; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
configs=${WEFT_TEST_CONFIGS:-"clang14 clang19 clang22 asan"}
passed=0
failed=0
for config in $configs; do
  echo "=== $config: build"
  if ! scripts/build.sh "$config"; then
    echo "=== $config: BUILD FAILED"
    failed=$((failed + 1))
    continue
  fi
  echo "=== $config: test"
  log="build/$config/ctest.log"
  ctest --test-dir "build/$config" --output-on-failure -j"$(nproc)" 2>&1 | tee "$log"
  summary=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [ -z "$summary" ]; then
    echo "=== $config: ctest printed no summary"
    failed=$((failed + 1))
    continue
  fi
  nfail=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  total=$(echo "$summary" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
  echo "=== $config: $((total - nfail)) passed, $nfail failed"
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
