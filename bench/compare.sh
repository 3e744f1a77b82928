#!/usr/bin/env bash
# flod next to Redis on this machine, with one command (not a test: it prints one table).
#
# Starts, on loopback ports, a fresh flod (default durability, one shard per CPU), a fresh
# redis-server without persistence, and a redis-server with appendonly yes / appendfsync
# everysec (the fair durable peer), and runs the same load against each in turn:
#   - redis-benchmark --threads 2 -t set,get,incr,lpush,rpop,mset -n N -c 50, with -P 1 and
#     -P 16, values of 32 and 1024 bytes; XADD through a redis-benchmark custom command;
#   - p50/p99 latency at a fixed moderate rate (bench/resp_latency, open loop);
#   - memory: RSS after loading 1 M keys of 32-byte values, per key (Redis: used_memory_rss);
#   - flod alone over its binary protocol (bench/flo_load): KV put/get, queue enqueue and
#     dequeue+ack, stream append and group read+ack.
#
# Usage: bench/compare.sh [-n requests] [--min-seconds S] [--rounds R] [--quick] [--flod PATH]
#   -n: requests per redis-benchmark row (default 1000000); --min-seconds: a row that took
#   less runs again with enough requests to take S seconds (default 10; see rerun_count);
#   --rounds: run the redis-benchmark rows R times, each round starting with the next server
#   in turn, and print each row's median (default 1: on a noisy machine one round is not a
#   verdict); --quick: 200000, no reruns and a shorter latency run. FLOD_ARGS adds flags to
#   flod. Builds build/bench-release when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

requests=1000000
min_seconds=10
rounds=1
latency_seconds=10
flod="${FLOD_BINARY:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) requests="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --min-seconds) min_seconds="$2"; shift 2 ;;
    --quick) requests=200000; min_seconds=0; latency_seconds=4; shift ;;
    --flod) flod="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
require_tools redis-server redis-benchmark redis-cli python3

build=build/bench-release
ensure_release_build flod resp_latency flo_load
flod="${flod:-$build/src/flod}"
latency_tool="$build/bench/resp_latency"
flo_load="$build/bench/flo_load"

work="$(mktemp -d /tmp/flod-compare.XXXXXX)"
declare -A pid port
cleanup() {
  for name in "${!pid[@]}"; do kill "${pid[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT


# start NAME: a fresh server of that kind on a new port, in a session of its own. Servers
# run as services in their own cgroup; with the kernel's autogroup scheduling a server started
# in the benchmark's session would instead share one CPU share with redis-benchmark's threads.
start() {
  local name="$1"
  stop "$name"
  port[$name]="$(free_port)"
  rm -rf "${work:?}/$name" && mkdir -p "$work/$name"
  case "$name" in
    flod)
      # shellcheck disable=SC2086  # FLOD_ARGS is a list of flags
      setsid "$flod" --port "${port[$name]}" --bind 127.0.0.1 --data-dir "$work/$name/data" \
        --log-level warn ${FLOD_ARGS:-} >"$work/$name.log" 2>&1 & ;;
    redis)
      setsid redis-server --port "${port[$name]}" --bind 127.0.0.1 --dir "$work/$name" --save '' \
        --appendonly no --logfile "$work/$name.log" & ;;
    redis-aof)
      setsid redis-server --port "${port[$name]}" --bind 127.0.0.1 --dir "$work/$name" --save '' \
        --appendonly yes --appendfsync everysec --logfile "$work/$name.log" & ;;
  esac
  pid[$name]=$!
  wait_ready "${port[$name]}"
}
stop() {
  [[ -n "${pid[$1]:-}" ]] || return 0
  kill "${pid[$1]}" 2>/dev/null || true
  wait "${pid[$1]}" 2>/dev/null || true
  unset "pid[$1]"
}

[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds wants a positive integer" >&2; exit 2; }

servers=(flod redis redis-aof)
declare -A rps cpu
# servers_from ROUND: the servers, starting with the one whose turn it is to go first, since
# on this kind of machine the server measured second in a pair often does a little worse.
servers_from() {
  local first=$(( ($1 - 1) % ${#servers[@]} ))
  echo "${servers[@]:first}" "${servers[@]:0:first}"
}
# benchmark NAME REQUESTS ARGS...: one redis-benchmark run against server NAME, printed as
# "<test>\t<requests/s>" lines.
benchmark() {
  local name="$1" count="$2"; shift 2
  redis-benchmark -p "${port[$name]}" --threads 2 -c 50 -n "$count" --csv "$@" 2>/dev/null |
    awk -F'","' 'NR > 1 { gsub(/"/, "", $1); gsub(/"/, "", $2); print $1 "\t" $2 }'
}
# rerun_count REQUESTS RPS: how many requests a rerun needs to last min_seconds, or 0 when
# the run already did. With --threads, redis-benchmark's client threads notice the last reply
# only on their 250 ms progress timer, so a run's time is rounded up to the next quarter
# second (a 1.3 s run counts as 1.5 s); a run of min_seconds bounds that error by
# 0.25 / min_seconds, and the short first run becomes its warm-up.
rerun_count() {
  awk -v n="$1" -v rps="$2" -v min="$min_seconds" 'BEGIN {
    if (rps <= 0 || n / rps >= min) print 0; else printf "%d", int(rps * min * 1.1 / 1000 + 1) * 1000 }'
}
# cpu_ticks NAME: the CPU time server NAME has used so far, all threads, user and system, in
# clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${pid[$1]}/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
# measure NAME REQUESTS ARGS...: one run; sets label, value (requests/s) and cpu_us (the
# server's CPU microseconds per request, which moves less than requests/s when the host's
# load comes and goes).
measure() {
  local name="$1" count="$2" before after
  before="$(cpu_ticks "$name")"
  IFS=$'\t' read -r label value < <(benchmark "$@")
  after="$(cpu_ticks "$name")"
  cpu_us="$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$count" \
    'BEGIN { printf "%.2f", t * 1e6 / hz / n }')"
}
# bench_all ROUND ROWKEY_PREFIX TESTS ARGS...: runs each of TESTS (redis-benchmark -t names;
# custom:ROW for the custom command in ARGS, reported as ROW) against every server and appends
# its requests/s to rps[<server>|<prefix>|<TEST>] and its CPU per request to cpu[...]
# (space-separated, one figure per round).
bench_all() {
  local round="$1" prefix="$2" tests="$3"; shift 3
  local name test label value cpu_us again pushed
  for name in $(servers_from "$round"); do
    start "$name"
    pushed=0
    for test in $tests; do
      local selector=()
      [[ "$test" == custom:* ]] || selector=(-t "$test")
      measure "$name" "$requests" "${selector[@]}" "$@"
      again="$(rerun_count "$requests" "$value")"
      # RPOP pops as many as LPUSH pushed just before, so it never meets an empty list.
      [[ "$test" == lpush ]] && pushed="$again"
      [[ "$test" == rpop ]] && again="$pushed"
      ((again > 0)) && measure "$name" "$again" "${selector[@]}" "$@"
      # redis-benchmark names a custom command's row after the whole command line.
      [[ "$test" == custom:* ]] && label="${test#custom:}"
      rps["$name|$prefix|$label"]+="$value "
      cpu["$name|$prefix|$label"]+="$cpu_us "
    done
    stop "$name"
  done
}

rows=()
for size in 32 1024; do
  for pipe in 1 16; do
    for test in SET GET INCR LPUSH RPOP "MSET (10 keys)"; do rows+=("$test|d$size|P$pipe"); done
  done
done
for pipe in 1 16; do rows+=("XADD|d32|P$pipe"); done

for round in $(seq "$rounds"); do
  for size in 32 1024; do
    for pipe in 1 16; do
      bench_all "$round" "d$size|P$pipe" "set get incr lpush rpop mset" -d "$size" -P "$pipe"
    done
  done
  for pipe in 1 16; do
    bench_all "$round" "d32|P$pipe" custom:XADD -P "$pipe" XADD bench-stream '*' field value
  done
done

# median FIGURES...: the middle figure (the mean of the middle two for an even count).
median() {
  [[ $# -gt 0 ]] || return 0
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else printf "n/a" }'; }

echo
echo "machine: $(nproc) cores; flod $("$flod" --version | awk '{print $2}') (default durability, $(nproc) shards); $(redis-server --version | awk '{print $1, $2, $3}')"
echo "redis-benchmark --threads 2 -c 50 -n $requests (rows shorter than ${min_seconds}s rerun to last that long); requests/s$( ((rounds > 1)) &&
  echo ", median of $rounds rounds (each started by the next server in turn)")"
printf '%-16s %6s %4s %12s %12s %7s %12s %7s %8s %8s %8s\n' test value pipe flod redis ratio \
  redis-aof ratio flod_us redis_us aof_us
for row in "${rows[@]}"; do
  IFS='|' read -r test size pipe <<<"$row"
  figures=()
  for name in "${servers[@]}"; do
    # shellcheck disable=SC2086  # each entry is a list of figures
    figures+=("$(median ${rps[$name|$size|$pipe|$test]:-})" "$(median ${cpu[$name|$size|$pipe|$test]:-})")
  done
  f="${figures[0]}" r="${figures[2]}" a="${figures[4]}"
  printf '%-16s %6s %4s %12s %12s %7s %12s %7s %8s %8s %8s\n' "$test" "${size#d}" "${pipe#P}" \
    "${f:-n/a}" "${r:-n/a}" "$(ratio "$f" "$r")" "${a:-n/a}" "$(ratio "$f" "$a")" \
    "${figures[1]:-n/a}" "${figures[3]:-n/a}" "${figures[5]:-n/a}"
done
echo "(*_us: the server's CPU time per request, all its threads, user and system, in microseconds)"

echo
echo "latency at a fixed rate (20000 req/s, 8 connections, SET/GET alternating, ${latency_seconds}s, open loop)"
for name in flod redis; do
  start "$name"
  printf '%-10s %s\n' "$name" "$("$latency_tool" --port "${port[$name]}" --rate 20000 --connections 8 --seconds "$latency_seconds")"
  stop "$name"
done

echo
echo "memory after loading 1000000 keys of 32-byte values"
python3 - >"$work/load.resp" <<'PY'
import sys
out = sys.stdout.buffer
value = b"v" * 32
for i in range(1000000):
    key = b"key:%012d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$32\r\n%s\r\n" % (len(key), key, value))
PY
start flod
redis-cli -p "${port[flod]}" --pipe <"$work/load.resp" >/dev/null
flod_rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/${pid[flod]}/status") * 1024 ))
stop flod
start redis
redis-cli -p "${port[redis]}" --pipe <"$work/load.resp" >/dev/null
redis_rss="$(redis-cli -p "${port[redis]}" INFO memory | tr -d '\r' | awk -F: '/^used_memory_rss:/ {print $2}')"
stop redis
printf '%-10s %14s %14s\n' server rss_bytes bytes_per_key
printf '%-10s %14s %14s\n' flod "$flod_rss" "$(( flod_rss / 1000000 ))"
printf '%-10s %14s %14s\n' redis "$redis_rss" "$(( redis_rss / 1000000 ))"

echo
echo "flod over the Flo binary protocol (bench/flo_load, 16 connections on 2 threads, pipeline 16, 5 s each)"
start flod
"$flo_load" --port "${port[flod]}" --connections 16 --threads 2 --pipeline 16 --seconds 5
stop flod
