#!/usr/bin/env bash
# The unit tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs="$(nproc)"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOD_SANITIZE=ON \
  -DFLOD_BUILD_BENCH=OFF -DFLOD_BUILD_INTEGRATION_TESTS=OFF >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -L unit -j"$jobs"
