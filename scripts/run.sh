#!/usr/bin/env bash
# Installs what is missing, builds flod (Release) and runs it in the foreground on port 9000
# with its data in ./data under the checkout. Extra arguments go to flod.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLOD_BUILD_TESTS=OFF \
  -DFLOD_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target flod -j"$(nproc)"
mkdir -p data
exec ./build/release/src/flod --port 9000 --data-dir ./data "$@"
