#!/usr/bin/env bash
# Counts the user-space instructions each server executes per request, under valgrind's
# callgrind: a figure that does not move with the machine's load, for comparing two builds on
# a VM whose timings swing by half from one minute to the next. For each TEST it starts flod
# (default durability, all shards) and then redis-server (no persistence) under callgrind,
# warms up, zeroes the counters, runs `redis-benchmark -t TEST` and divides the instructions
# of all the server's threads by the requests. Kernel work (system calls, TCP) is not counted.
#
#   bench/instructions.sh [--flod BINARY] [-n REQUESTS] [-P PIPELINE] [-d BYTES] [TEST ...]
#
# TEST is a redis-benchmark test name (default: set get incr lpush rpop mset).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

requests=200000
pipeline=16
value_bytes=32
flod=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --flod) flod="$2"; shift 2 ;;
    -n) requests="$2"; shift 2 ;;
    -P) pipeline="$2"; shift 2 ;;
    -d) value_bytes="$2"; shift 2 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || set -- set get incr lpush rpop mset
require_tools valgrind callgrind_control callgrind_annotate redis-server redis-benchmark \
  redis-cli python3
if [[ -z "$flod" ]]; then
  ensure_release_build flod
  flod=build/bench-release/src/flod
fi

work="$(mktemp -d /tmp/flod-instructions.XXXXXX)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# load PORT TEST REQUESTS
load() {
  redis-benchmark -p "$1" -c 50 -n "$3" -P "$pipeline" -d "$value_bytes" -t "$2" -q \
    >/dev/null 2>&1
}

# per_request SERVER TEST: prints SERVER's (flod or redis) instructions per request of TEST.
per_request() {
  local server="$1" test="$2" port profile data
  port="$(free_port)"
  profile="$work/$server-$test.callgrind"
  data="$work/$server-$test"
  mkdir -p "$data"
  case "$server" in
    flod) valgrind --tool=callgrind --callgrind-out-file="$profile" "$flod" --port "$port" \
            --bind 127.0.0.1 --data-dir "$data" --log-level warn >/dev/null 2>&1 & ;;
    redis) valgrind --tool=callgrind --callgrind-out-file="$profile" redis-server --port "$port" \
             --bind 127.0.0.1 --dir "$data" --save '' --appendonly no >/dev/null 2>&1 & ;;
  esac
  pid=$!
  wait_ready "$port"
  # GET wants keys to find and RPOP a list at least as long as the run.
  case "$test" in
    get) load "$port" set 20000 ;;
    rpop) load "$port" lpush $((requests + 20000)) ;;
    *) load "$port" "$test" 20000 ;;
  esac
  callgrind_control -z "$pid" >/dev/null 2>&1
  load "$port" "$test" "$requests"
  callgrind_control -d "$pid" >/dev/null 2>&1  # writes "$profile.1": the run alone
  kill -KILL "$pid"  # the counts are written; nothing else of the run is needed
  wait "$pid" 2>/dev/null || true
  pid=""
  callgrind_annotate "$profile.1" |
    awk -v n="$requests" '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%.0f", $1 / n; exit }'
}

echo "user-space instructions per request (callgrind), -n $requests -P $pipeline -d $value_bytes"
printf '%-8s %10s %10s %12s\n' test flod redis flod/redis
for test in "$@"; do
  flod_count="$(per_request flod "$test")"
  redis_count="$(per_request redis "$test")"
  printf '%-8s %10s %10s %12s\n' "$test" "$flod_count" "$redis_count" \
    "$(awk -v f="$flod_count" -v r="$redis_count" 'BEGIN { printf "%.2f", f / r }')"
done
