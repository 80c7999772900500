#!/bin/sh
# build.sh CONFIG: configures and builds one of the named build configurations into build/CONFIG.
# Used by the Makefile, test/run-all.sh and .ci/run; the configurations are listed here and nowhere else.
set -eu
cd "$(dirname "$0")/.."
config=${1:-clang14}
case "$config" in
  # The everyday build: runtime and examples by clang 14, the checker against Clang 14.
  # It alone also runs the benchmark suite's quick mode as a smoke test (ctest bench-quick).
  clang14) flags="-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DWEFT_CLANG_VERSION=14 -DWEFT_BENCH_SMOKE=ON" ;;
  # The runtime by gcc, the checker against Clang 19: one source, two compilers, two Clang APIs.
  clang19) flags="-DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=clang++-19 -DWEFT_CLANG_VERSION=19" ;;
  # The newest Clang Debian 12 ships: runtime, examples and checker all by clang 22.
  clang22) flags="-DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DWEFT_CLANG_VERSION=22" ;;
  # The runtime, the examples and their tests under AddressSanitizer and UndefinedBehaviorSanitizer.
  asan) flags="-DCMAKE_C_COMPILER=clang-14 -DWEFT_SANITIZE=ON -DWEFT_BUILD_PLUGIN=OFF" ;;
  *) echo "build.sh: unknown configuration '$config' (clang14, clang19, clang22, asan)" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
cmake -S . -B "build/$config" -DCMAKE_BUILD_TYPE=Debug $flags >"build-$config.configure.log" 2>&1 ||
  { cat "build-$config.configure.log" >&2; rm -f "build-$config.configure.log"; exit 1; }
mv "build-$config.configure.log" "build/$config/configure.log"
cmake --build "build/$config" -j"$(nproc)"
