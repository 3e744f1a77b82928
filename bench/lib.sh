# Shell helpers shared by the benchmark scripts (sourced, not run).

# A TCP port on 127.0.0.1 that nothing listened on a moment ago.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until the RESP server on port $1 answers PING with PONG (a loading Redis answers
# -LOADING, which does not count).
wait_ready() {
  until [[ "$(redis-cli -p "$1" PING 2>/dev/null)" == "PONG" ]]; do sleep 0.01; done
}

# Brings the given targets in build/bench-release (Release, no tests) up to date with the
# checkout, so a run never measures a stale binary (an up-to-date build takes a moment).
ensure_release_build() {
  if [[ ! -f build/bench-release/CMakeCache.txt ]]; then
    echo "configuring build/bench-release (Release) ..." >&2
    cmake -S . -B build/bench-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLOD_BUILD_TESTS=OFF \
      -DFLOD_BUILD_BENCH=ON >/dev/null
  fi
  echo "building $* in build/bench-release ..." >&2
  cmake --build build/bench-release --target "$@" >/dev/null
}

require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null && continue
    # redis-server is left out of install-deps.sh: its package starts a service on port 6379.
    if [[ "$tool" == redis-server ]]; then
      echo "redis-server is required: apt-get install redis-server" >&2
    else
      echo "$tool is required (scripts/install-deps.sh)" >&2
    fi
    exit 1
  done
}
