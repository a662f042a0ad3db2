#!/usr/bin/env bash
# Server memory per idle connection: warren-echo against the plain-asio floor.
#
# usage: tests/perf/bench_idle_memory.sh BUILD_DIR [CONNS=15000] [ROUNDS=3]
#
# For each server: start it on an ephemeral loopback port, let it settle, read
# VmRSS from /proc/PID/status; run idle-clients in its own process, opening
# CONNS connections from 127.0.0.1..127.0.0.$SOURCES, each pinging one frame
# so the server has really accepted and served it; once all are up, settle,
# read VmRSS again: (after - before) / connected is the cost per idle
# connection. The servers run one after the other, order alternating across
# rounds. Baselines: asio-echo-server in its default mode (per-session read
# buffer, the classic asio server) and with --mode=wait (readiness + shared
# scratch buffer: no buffer while idle, the design warren follows).
# Target for warren: <= 2048 bytes per connection.
#
# The server needs one fd per connection and so does idle-clients: keep CONNS
# well under the 20,000 open files a process may have here.
#
# Environment overrides (defaults in brackets):
#   SOURCES [4] PING [1] SETTLE_S [1] CONNECT_TIMEOUT_S [60]
#   WARREN_ARGS []  extra warren-echo arguments (after --max-connections=20000
#                   --idle-timeout-ms=600000)
#   WARREN_ECHO [BUILD_DIR/demos/warren-echo]   ASIO_ECHO, IDLE_CLIENTS likewise
#   TARGET_BYTES [2048]   STRICT [0]: 1 makes a missed target exit with status 2
# Exit status: 0 done, 1 a run failed, 2 target missed with STRICT=1.

set -u
source "$(dirname "$0")/bench_common.sh" || exit 1

[[ $# -ge 1 ]] || die "usage: $0 BUILD_DIR [CONNS=15000] [ROUNDS=3]"
BUILD_DIR=$(cd "$1" && pwd) || die "no such build dir: $1"
CONNS=${2:-15000}
ROUNDS=${3:-3}
WARREN_ECHO=${WARREN_ECHO:-$BUILD_DIR/demos/warren-echo}
ASIO_ECHO=${ASIO_ECHO:-$BUILD_DIR/tests/perf/asio-echo-server}
IDLE_CLIENTS=${IDLE_CLIENTS:-$BUILD_DIR/tests/perf/idle-clients}
SOURCES=${SOURCES:-4}
PING=${PING:-1}
SETTLE_S=${SETTLE_S:-1}
CONNECT_TIMEOUT_S=${CONNECT_TIMEOUT_S:-60}
TARGET_BYTES=${TARGET_BYTES:-2048}
STRICT=${STRICT:-0}
read -r -a WARREN_EXTRA <<<"${WARREN_ARGS:-}"
for exe in "$WARREN_ECHO" "$ASIO_ECHO" "$IDLE_CLIENTS"; do need_exe "$exe"; done
((CONNS + 64 <= $(ulimit -Hn))) || die "$CONNS connections need more fds than ulimit -Hn ($(ulimit -Hn))"

echo "idle memory benchmark: $ROUNDS rounds, $CONNS connections from $SOURCES source addresses," \
     "ping=$PING, settle ${SETTLE_S}s"

SERVERS=(warren asio asio-wait)
declare -A RESULTS=() # name -> space-separated bytes/connection of each round
FAILED=0

# run_one NAME: one server, one idle-clients run; prints a row, sets PER_CONN.
run_one() {
  local name=$1 bin args=()
  PER_CONN=
  case $name in
    warren) bin=$WARREN_ECHO
            args=(--max-connections=20000 --idle-timeout-ms=600000 "${WARREN_EXTRA[@]}") ;;
    asio) bin=$ASIO_ECHO ;;
    asio-wait) bin=$ASIO_ECHO; args=(--mode=wait) ;;
  esac
  if ! start_server "$name" "$bin" "${args[@]}"; then
    FAILED=1
    return
  fi
  sleep "$SETTLE_S"
  local before after
  before=$(vm_rss_kb "$SERVER_PID")

  local out=$BENCH_TMP/idle.out
  "$IDLE_CLIENTS" --host=127.0.0.1 --port="$SERVER_PORT" --connections="$CONNS" \
    --sources="$SOURCES" --ping="$PING" --connect-timeout-s="$CONNECT_TIMEOUT_S" \
    --hold-s=$((CONNECT_TIMEOUT_S + 120)) >"$out" 2>"$BENCH_TMP/idle.err" </dev/null &
  local clients_pid=$!
  BENCH_PIDS+=("$clients_pid")
  local line='' i
  for ((i = 0; i < (CONNECT_TIMEOUT_S + 10) * 10; i++)); do
    line=$(grep -m1 '^connected=' "$out")
    [[ -n $line ]] && break
    kill -0 "$clients_pid" 2>/dev/null || break
    sleep 0.1
  done
  local connected failed
  connected=$(field connected "$line")
  failed=$(field failed "$line")
  if [[ -n $connected && $connected -gt 0 ]]; then
    sleep "$SETTLE_S"
    after=$(vm_rss_kb "$SERVER_PID")
  fi
  stop_pid "$clients_pid"
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "  $name died while holding the connections" >&2
    after=
  fi
  stop_pid "$SERVER_PID"

  if [[ -z ${after:-} || -z $before ]]; then
    echo "  $name: no measurement (idle-clients: ${line:-no result line})" >&2
    sed 's/^/    /' "$BENCH_TMP/idle.err" | tail -n 5 >&2
    FAILED=1
    return
  fi
  PER_CONN=$(awk -v a="$after" -v b="$before" -v n="$connected" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')
  printf '  %-10s %10s %10s %10s %8s %12s\n' "$name" "$before" "$after" "$connected" "$failed" "$PER_CONN"
  if [[ $failed != 0 ]]; then
    echo "  $name: $failed of $CONNS connections failed; the row is per connected one" >&2
    sed 's/^/    /' "$BENCH_TMP/idle.err" | tail -n 3 >&2
    FAILED=1
  fi
}

for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=("${SERVERS[@]}"); else order=(asio-wait asio warren); fi
  echo
  echo "round $round"
  printf '  %-10s %10s %10s %10s %8s %12s\n' server rss_before rss_after connected failed bytes/conn
  printf '  %-10s %10s %10s %10s %8s %12s\n' "" KiB KiB "" "" ""
  for name in "${order[@]}"; do
    run_one "$name"
    [[ -n $PER_CONN ]] && RESULTS[$name]+="$PER_CONN "
  done
done

echo
for name in "${SERVERS[@]}"; do
  [[ -n ${RESULTS[$name]:-} ]] || die "no measurement for $name"
done
# shellcheck disable=SC2086 # word splitting of the per-round lists is meant
warren_median=$(median ${RESULTS[warren]})
# shellcheck disable=SC2086
asio_median=$(median ${RESULTS[asio]})
# shellcheck disable=SC2086
wait_median=$(median ${RESULTS[asio-wait]})
ratio=$(awk -v w="$warren_median" -v a="$asio_median" 'BEGIN { printf "%.3f", (a > 0 ? w / a : 0) }')
ratio_wait=$(awk -v w="$warren_median" -v a="$wait_median" 'BEGIN { printf "%.3f", (a > 0 ? w / a : 0) }')
verdict=$(awk -v w="$warren_median" -v t="$TARGET_BYTES" 'BEGIN { print (w <= t ? "PASS" : "MISS") }')
echo "median bytes per idle connection: warren=$warren_median asio=$asio_median asio-wait=$wait_median"
echo "ratio warren/asio = $ratio, warren/asio-wait = $ratio_wait"
echo "warren: $warren_median bytes/connection (target <= $TARGET_BYTES): $verdict"
echo "idle_bench warren_bytes_per_conn=$warren_median asio_bytes_per_conn=$asio_median" \
     "asio_wait_bytes_per_conn=$wait_median ratio=$ratio"

if ((FAILED)); then exit 1; fi
if [[ $STRICT == 1 && $verdict != PASS ]]; then exit 2; fi
exit 0
