#!/usr/bin/env bash
# Recovery benchmark (not a test): how long flod takes to restart with KEYS keys of 100-byte
# values held in a snapshot plus LATER WAL records written after it, next to redis-server
# loading an RDB of the same data on the same machine. Prints both restart times.
#
# Usage: bench/recovery_bench.sh   (KEYS=1000000 LATER=100000 FLOD_BINARY=... to change)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

keys="${KEYS:-1000000}"
later="${LATER:-100000}"
flod="${FLOD_BINARY:-build/bench-release/src/flod}"
require_tools redis-server redis-cli python3
ensure_release_build flod

work="$(mktemp -d /tmp/flod-recovery.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# RESP SET commands for keys [from, to) with 100-byte values tagged `tag`.
sets() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
start, end, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
out = sys.stdout.buffer
for i in range(start, end):
    key = b"key:%012d" % i
    value = (tag + b"-%d-" % i).ljust(100, b"x")
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n" % (len(key), key, value))
PY
}

# Seconds from now until the server on port $1 answers PING with PONG.
seconds_until_ready() {
  local port="$1" start
  start="$(date +%s.%N)"
  wait_ready "$port"
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" \
    "$start" "$(date +%s.%N)"
}

sets 0 "$keys" base >"$work/base.resp"
sets 0 "$later" later >"$work/later.resp"

# ---- flod: load, snapshot (SIGUSR1), write LATER more records, restart ----
port="$(free_port)"
"$flod" --port "$port" --bind 127.0.0.1 --data-dir "$work/flod" --log-level info \
  >"$work/flod.log" 2>&1 &
pids+=($!)
seconds_until_ready "$port" >/dev/null
redis-cli -p "$port" --pipe <"$work/base.resp" >/dev/null
kill -USR1 "${pids[-1]}"
until grep -q "snapshot complete" "$work/flod.log"; do sleep 0.1; done
redis-cli -p "$port" --pipe <"$work/later.resp" >/dev/null
kill -TERM "${pids[-1]}"
wait "${pids[-1]}" || true
"$flod" --port "$port" --bind 127.0.0.1 --data-dir "$work/flod" --log-level info \
  >>"$work/flod.log" 2>&1 &
pids+=($!)
flod_seconds="$(seconds_until_ready "$port")"
flod_keys="$(redis-cli -p "$port" DBSIZE)"
grep -E "snapshot started|loaded snapshot|replayed" "$work/flod.log" | tail -5 | sed 's/^/  flod: /'

# ---- redis-server: same data, SAVE, restart from the RDB ----
rport="$(free_port)"
mkdir -p "$work/redis"
redis_args=(--port "$rport" --bind 127.0.0.1 --dir "$work/redis" --appendonly no --save '')
redis-server "${redis_args[@]}" --logfile "$work/redis.log" &
pids+=($!)
seconds_until_ready "$rport" >/dev/null
redis-cli -p "$rport" --pipe <"$work/base.resp" >/dev/null
redis-cli -p "$rport" --pipe <"$work/later.resp" >/dev/null
redis-cli -p "$rport" SAVE >/dev/null
redis-cli -p "$rport" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait "${pids[-1]}" || true
redis-server "${redis_args[@]}" --logfile "$work/redis.log" &
pids+=($!)
redis_seconds="$(seconds_until_ready "$rport")"
redis_keys="$(redis-cli -p "$rport" DBSIZE)"
grep -E "DB loaded from disk" "$work/redis.log" | tail -1 | sed 's/^/  redis: /'

echo
echo "restart with $keys keys of 100 bytes (flod: snapshot + $later later WAL records; redis: RDB)"
printf "%-8s %12s %10s\n" server seconds keys
printf "%-8s %12s %10s\n" flod "$flod_seconds" "$flod_keys"
printf "%-8s %12s %10s\n" redis "$redis_seconds" "$redis_keys"
