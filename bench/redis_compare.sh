#!/usr/bin/env bash
# Side-by-side redis-benchmark of flod (RESP, default durability) and a local redis-server
# without persistence, with and without pipelining. Not a test: it prints a table with the
# flod/Redis ratio of every row.
#
# Usage: bench/redis_compare.sh [-n requests] [-c clients] [-P pipeline] [-t tests] [--no-xadd]
#                               [--flod PATH]
#   defaults: -n 500000 -c 50 -P 16 -t set,get,incr,mset,lpush,rpop, plus an XADD row (a
#   redis-benchmark custom command: XADD mystream * field value). On flod, lpush/rpop are a
#   Flo queue (RPOP leases) and XADD appends to a stream. FLOD_BINARY or --flod picks the
#   binary, else build/bench-release/src/flod is built (Release) when missing.
#   FLOD_ARGS adds flags to flod (e.g. FLOD_ARGS="--shards 2").
set -euo pipefail

cd "$(dirname "$0")/.."
requests=500000
clients=50
pipeline=16
tests=set,get,incr,mset,lpush,rpop
xadd=1
flod="${FLOD_BINARY:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) requests="$2"; shift 2 ;;
    -c) clients="$2"; shift 2 ;;
    -P) pipeline="$2"; shift 2 ;;
    -t) tests="$2"; shift 2 ;;
    --no-xadd) xadd=0; shift ;;
    --flod) flod="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

for tool in redis-server redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "$tool is required (scripts/install-deps.sh)" >&2; exit 1; }
done

if [[ -z "$flod" ]]; then
  flod=build/bench-release/src/flod
  if [[ ! -x "$flod" ]]; then
    echo "building a Release flod in build/bench-release ..." >&2
    cmake -S . -B build/bench-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLOD_BUILD_TESTS=OFF \
      -DFLOD_BUILD_BENCH=OFF >/dev/null
    cmake --build build/bench-release --target flod -j1 >/dev/null
  fi
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

workdir="$(mktemp -d /tmp/flod-bench.XXXXXX)"
flod_pid=""
redis_pid=""
cleanup() {
  [[ -n "$flod_pid" ]] && kill "$flod_pid" 2>/dev/null && wait "$flod_pid" 2>/dev/null
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$workdir"
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 200); do
    redis-cli -p "$1" PING >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  return 1
}

flod_port="$(free_port)"
redis_port="$(free_port)"
# shellcheck disable=SC2086  # FLOD_ARGS is a list of flags
"$flod" --port "$flod_port" --bind 127.0.0.1 --data-dir "$workdir/flod" --log-level warn \
  ${FLOD_ARGS:-} >"$workdir/flod.log" 2>&1 &
flod_pid=$!
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$workdir" --logfile "$workdir/redis.log" &
redis_pid=$!
wait_ready "$flod_port"
wait_ready "$redis_port"

# requests per second of each test, as "TEST rps" lines
run_benchmark() {
  local port="$1" pipe="$2"
  redis-benchmark -p "$port" -t "$tests" -n "$requests" -c "$clients" -P "$pipe" --csv 2>/dev/null |
    awk -F'","' 'NR > 1 { gsub(/"/, "", $1); gsub(/"/, "", $2); print $1 "\t" $2 }'
  if [[ "$xadd" == 1 ]]; then
    redis-benchmark -p "$port" -n "$requests" -c "$clients" -P "$pipe" --csv \
      XADD mystream '*' field value 2>/dev/null |
      awk -F'","' 'NR > 1 { gsub(/"/, "", $2); print "XADD\t" $2 }'
  fi
}

durability="$(redis-cli -p "$flod_port" INFO persistence | tr -d '\r' | awk -F: '/^flod_durability/ {print $2}')"
shards="$(redis-cli -p "$flod_port" INFO server | tr -d '\r' | awk -F: '/^flod_shards/ {print $2}')"
echo "redis-benchmark -n $requests -c $clients -t $tests$([[ "$xadd" == 1 ]] && echo " + XADD mystream '*' field value")"
echo "flod: $flod (durability $durability, $shards shards); redis-server $(redis-server --version | awk '{print $3}') --save '' --appendonly no"
printf '%-16s %9s %14s %14s %8s\n' test pipeline redis_rps flod_rps ratio
for pipe in 1 "$pipeline"; do
  redis_rows="$(run_benchmark "$redis_port" "$pipe")"
  flod_rows="$(run_benchmark "$flod_port" "$pipe")"
  while IFS=$'\t' read -r test redis_rps; do
    flod_rps="$(awk -F'\t' -v t="$test" '$1 == t {print $2}' <<<"$flod_rows")"
    ratio="$(awk -v f="${flod_rps:-0}" -v r="$redis_rps" 'BEGIN { printf "%.2fx", (r > 0 ? f / r : 0) }')"
    printf '%-16s %9s %14s %14s %8s\n' "$test" "$pipe" "$redis_rps" "${flod_rps:-n/a}" "$ratio"
  done <<<"$redis_rows"
done
