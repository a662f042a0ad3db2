#!/usr/bin/env bash
# HTTP/1.1 under wrk: warren-http against nginx and the plain-asio floor.
#
# usage: tests/perf/bench_http.sh BUILD_DIR [ROUNDS=5]
#
# Servers: warren-http (BUILD_DIR/demos/warren-http), nginx (one worker, from
# nginx_bench.conf.in, in a temporary prefix) and asio-http-server
# (BUILD_DIR/tests/perf/asio-http-server: one thread, no actors). Every round
# starts each server in turn on a loopback port (order rotated every round:
# warren nginx asio, nginx asio warren, asio warren nginx, ...), checks that it
# answers correctly (curl), runs the four tests below against it, and stops
# it:
#   plaintext  keep-alive GET /plaintext (13-byte body): wrk -t1 -c64, a 2 s
#              warm-up run, then 8 s measured with --latency: requests/s, p99
#   static4k   keep-alive GET /static/4k.bin (a generated 4 KiB file, sendfile):
#              requests/s and transfer/s (1 s warm-up, 8 s measured)
#   static1m   the same with a 1 MiB file
#   close      GET /plaintext with "Connection: close": a new connection per
#              request (the server answers "Connection: close" and closes, and
#              wrk reconnects; the script checks that by counting the machine's
#              TCP active opens: conn/req ~ 1), 5 s: requests/s
# Prints a row per run, the ratios per round, then the medians per server and
# test and the ratios warren/nginx and warren/asio of the medians. Targets:
# warren >= 1.0x nginx in requests/s for every test, and warren's median p99
# in plaintext <= nginx's.
#
# Each row also shows wrk's socket errors (connect/read/write/timeout) and
# non-2xx responses, the CPU the server used (`srv_cores`; nginx: master and
# worker), requests per server CPU-second (`req/cpu_s`: what a request costs
# the server, less sensitive to how the cores were shared; its ratios are
# printed too), wrk's CPU, and the CPU every other process used meanwhile (machine
# busy time minus both): a run during which others used more than
# MAX_OTHER_CORES is run again, up to RETRIES times, keeping the least
# disturbed one (as bench_echo.sh does).
#
# Environment overrides (defaults in brackets):
#   CONNS [64] DURATION_S [8] WARMUP_S [2] STATIC_WARMUP_S [1] CLOSE_DURATION_S [5]
#   WRK_TIMEOUT_S [2]  wrk --timeout (a request slower than this is a timeout error)
#   TESTS [plaintext static4k static1m close]   SERVERS [warren nginx asio]
#   WARREN_ARGS []     extra warren-http arguments (e.g. --scheduler.max-threads=1)
#   ASIO_ARGS []       extra asio-http-server arguments
#   WARREN_HTTP [BUILD_DIR/demos/warren-http]  ASIO_HTTP [BUILD_DIR/tests/perf/asio-http-server]
#   NGINX [nginx from PATH or /usr/sbin/nginx]  WRK [wrk from PATH]
#   MAX_OTHER_CORES [0.25] RETRIES [2] QUIET_WAIT_S [10]: before each run, wait
#                      up to QUIET_WAIT_S for other processes to use less CPU
#                      than MAX_OTHER_CORES
#   WRK_LOG_DIR []     if set, every measured wrk output is kept there as
#                      ROUND-TEST-SERVER-ATTEMPT.txt
#   TARGET [1.0] (ratio to nginx)   STRICT [0]: 1 makes a missed target exit 2
# Exit status: 0 done, 1 a server or a wrk run failed (did not start, answered
# wrongly, died, non-2xx responses, no requests completed), 2 a target missed
# with STRICT=1. Socket errors are reported, not failures (see the summary).

set -u
source "$(dirname "$0")/bench_common.sh" || exit 1
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)

[[ $# -ge 1 ]] || die "usage: $0 BUILD_DIR [ROUNDS=5]"
BUILD_DIR=$(cd "$1" && pwd) || die "no such build dir: $1"
ROUNDS=${2:-5}
WARREN_HTTP=${WARREN_HTTP:-$BUILD_DIR/demos/warren-http}
ASIO_HTTP=${ASIO_HTTP:-$BUILD_DIR/tests/perf/asio-http-server}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
WRK=${WRK:-$(command -v wrk || echo wrk)}
CONNS=${CONNS:-64}
DURATION_S=${DURATION_S:-8}
WARMUP_S=${WARMUP_S:-2}
STATIC_WARMUP_S=${STATIC_WARMUP_S:-1}
CLOSE_DURATION_S=${CLOSE_DURATION_S:-5}
WRK_TIMEOUT_S=${WRK_TIMEOUT_S:-2}
TARGET=${TARGET:-1.0}
STRICT=${STRICT:-0}
MAX_OTHER_CORES=${MAX_OTHER_CORES:-0.25}
RETRIES=${RETRIES:-2}
QUIET_WAIT_S=${QUIET_WAIT_S:-10}
read -r -a TEST_LIST <<<"${TESTS:-plaintext static4k static1m close}"
read -r -a SERVER_LIST <<<"${SERVERS:-warren nginx asio}"
read -r -a WARREN_EXTRA <<<"${WARREN_ARGS:-}"
read -r -a ASIO_EXTRA <<<"${ASIO_ARGS:-}"
need_exe "$WRK"
for name in "${SERVER_LIST[@]}"; do
  case $name in
    warren) need_exe "$WARREN_HTTP" ;;
    nginx) need_exe "$NGINX" ;;
    asio) need_exe "$ASIO_HTTP" ;;
    *) die "unknown server '$name' in SERVERS (warren nginx asio)" ;;
  esac
done
for test in "${TEST_LIST[@]}"; do
  [[ $test =~ ^(plaintext|static4k|static1m|close)$ ]] \
    || die "unknown test '$test' in TESTS (plaintext static4k static1m close)"
done
if [[ -n ${WRK_LOG_DIR:-} ]]; then mkdir -p "$WRK_LOG_DIR" || die "cannot create $WRK_LOG_DIR"; fi
command -v curl >/dev/null || die "curl is needed for the answer checks"
[[ -r $SCRIPT_DIR/nginx_bench.conf.in ]] || die "missing $SCRIPT_DIR/nginx_bench.conf.in"

# nginx's worker runs as nobody when started by root: it must be able to read
# the static root inside the (mode 0700) temporary directory.
chmod 755 "$BENCH_TMP"
STATIC_ROOT=$BENCH_TMP/static
mkdir -p "$STATIC_ROOT"
head -c 4096 /dev/urandom >"$STATIC_ROOT/4k.bin"
head -c 1048576 /dev/urandom >"$STATIC_ROOT/1m.bin"
chmod 644 "$STATIC_ROOT"/*.bin

# nginx workers are children of the master we start; if the master has to be
# killed they could outlive it, so they are stopped by PID as well.
NGINX_WORKERS=()
# shellcheck disable=SC2317 # run by the EXIT trap
http_cleanup() {
  local pid
  bench_cleanup
  for pid in "${NGINX_WORKERS[@]}"; do
    if [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == "nginx: worker"* ]]; then
      kill -KILL "$pid" 2>/dev/null
    fi
  done
}
trap http_cleanup EXIT

echo "http benchmark: $ROUNDS rounds, servers ${SERVER_LIST[*]}, tests ${TEST_LIST[*]}," \
     "wrk -t1 -c$CONNS, ${DURATION_S}s measured (close: ${CLOSE_DURATION_S}s), $(nproc) cores"
warn_if_busy

FAILED=0
declare -A RPS=() P99=() MBS=() EFF=() # "test:server" -> space-separated values, one per round
declare -A SOCK_ERRS=() NON2XX=() # "test:server" -> totals over the kept runs
OTHERS=()
declare -A ROUND_RATIOS=() # "test:baseline" -> per-round ratios
declare -A ROUND_P99_RATIOS=() # test -> per-round p99 ratios warren/nginx
ROW='  %-9s %-6s %10s %9s %9s %7s %7s %8s %9s %10s %9s %11s\n'

# --- servers -----------------------------------------------------------------

# tree_cpu_ticks PID: CPU ticks of PID plus its direct children (nginx workers).
tree_cpu_ticks() {
  local total child t
  total=$(proc_cpu_ticks "$1") || return 1
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    t=$(proc_cpu_ticks "$child") && total=$((total + t))
  done
  echo "$total"
}

# port_free PORT: nobody listens on 127.0.0.1:PORT (or any address).
port_free() {
  [[ -z $(ss -Htln "sport = :$1" 2>/dev/null) ]]
}

# start_nginx: writes a config for a free port below the ephemeral range,
# starts nginx in the foreground, waits until it answers; sets SERVER_PID and
# SERVER_PORT.
start_nginx() {
  local dir=$BENCH_TMP/nginx attempt port i
  rm -rf "$dir"
  mkdir -p "$dir"
  for ((attempt = 0; attempt < 5; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    port_free "$port" || continue
    sed -e "s|@TMP@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@ROOT@|$STATIC_ROOT|g" \
      "$SCRIPT_DIR/nginx_bench.conf.in" >"$dir/nginx.conf"
    : >"$dir/error.log"
    "$NGINX" -c "$dir/nginx.conf" -p "$dir" >"$BENCH_TMP/nginx.out" 2>"$BENCH_TMP/nginx.err" \
      </dev/null &
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
    for ((i = 0; i < 100; i++)); do
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        wait "$SERVER_PID" 2>/dev/null
        break
      fi
      if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/plaintext"; then
        SERVER_PORT=$port
        local w
        for w in $(ps -o pid= --ppid "$SERVER_PID"); do NGINX_WORKERS+=("$w"); done
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "nginx did not answer on port $port within 10 s" >&2
      stop_pid "$SERVER_PID"
      return 1
    fi
    # Died: most likely the port was taken meanwhile; try another one.
    grep -q 'Address already in use' "$dir/error.log" "$BENCH_TMP/nginx.err" 2>/dev/null \
      && continue
    echo "nginx exited before answering; its messages:" >&2
    cat "$BENCH_TMP/nginx.err" "$dir/error.log" | sed 's/^/  /' >&2
    return 1
  done
  echo "nginx: found no free port in 5 tries" >&2
  return 1
}

# start_named NAME: starts the server NAME; sets SERVER_PID and SERVER_PORT.
start_named() {
  case $1 in
    warren) start_server warren "$WARREN_HTTP" --static-root="$STATIC_ROOT" "${WARREN_EXTRA[@]}" ;;
    asio) start_server asio "$ASIO_HTTP" --static-root="$STATIC_ROOT" "${ASIO_EXTRA[@]}" ;;
    nginx) start_nginx ;;
    *) die "unknown server $1" ;;
  esac
}

# check_answers NAME: the server answers /plaintext and both files correctly.
check_answers() {
  local name=$1 base="http://127.0.0.1:$SERVER_PORT" body f
  body=$(curl -sS --max-time 5 "$base/plaintext") || {
    echo "  $name: GET /plaintext failed" >&2
    return 1
  }
  if [[ $body != "Hello, World!" ]]; then
    echo "  $name: GET /plaintext answered '${body:0:80}', not 'Hello, World!'" >&2
    return 1
  fi
  for f in 4k.bin 1m.bin; do
    if ! curl -sS --max-time 5 -o "$BENCH_TMP/check.bin" "$base/static/$f" \
       || ! cmp -s "$BENCH_TMP/check.bin" "$STATIC_ROOT/$f"; then
      echo "  $name: GET /static/$f did not return the file" >&2
      return 1
    fi
  done
}

# --- wrk ---------------------------------------------------------------------

# tcp_active_opens: the machine's count of TCP connect()s (/proc/net/snmp).
tcp_active_opens() {
  awk '/^Tcp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "ActiveOpens") c = i; n = 1 }
                 else { print $c; exit } }' /proc/net/snmp
}

# to_us VALUE: wrk's time ("812.00us", "1.23ms", "2.01s", "1.05m") in microseconds.
to_us() {
  awk -v v="$1" 'BEGIN {
    if (match(v, /^[0-9.]+/) == 0) { print ""; exit }
    n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1)
    f = (u == "us") ? 1 : (u == "ms") ? 1e3 : (u == "s") ? 1e6 : (u == "m") ? 6e7 : (u == "h") ? 3.6e9 : -1
    if (f < 0) print ""; else printf "%.1f", n * f }'
}

# to_mib VALUE: wrk's size ("512.00B", "2.19KB", "17.55MB", "1.10GB") in MiB (wrk's units are binary).
to_mib() {
  awk -v v="$1" 'BEGIN {
    if (match(v, /^[0-9.]+/) == 0) { print ""; exit }
    n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1)
    f = (u == "B") ? 1 / 1048576 : (u == "KB") ? 1 / 1024 : (u == "MB") ? 1 : (u == "GB") ? 1024 : (u == "TB") ? 1048576 : -1
    if (f < 0) print ""; else printf "%.2f", n * f }'
}

# parse_wrk FILE: sets W_RPS W_P99_US W_MIBS W_REQUESTS W_SOCK_ERRS W_ERR_DETAIL W_NON2XX.
parse_wrk() {
  local f=$1 v
  W_RPS=$(awk '/^Requests\/sec:/ { print $2; exit }' "$f")
  v=$(awk '$1 == "99%" { print $2; exit }' "$f")
  W_P99_US=$([[ -n $v ]] && to_us "$v")
  v=$(awk '/^Transfer\/sec:/ { print $2; exit }' "$f")
  W_MIBS=$([[ -n $v ]] && to_mib "$v")
  W_REQUESTS=$(awk '$2 == "requests" && $3 == "in" { print $1; exit }' "$f")
  # "Socket errors: connect 0, read 12, write 0, timeout 3" (only when there are any)
  W_ERR_DETAIL=$(sed -n 's/^ *Socket errors: *//p' "$f" | head -n1)
  W_SOCK_ERRS=$(awk -F'[ ,]+' '/Socket errors:/ { s = 0; for (i = 1; i < NF; i++) if ($i ~ /^(connect|read|write|timeout)$/) s += $(i + 1); print s; exit }' "$f")
  W_SOCK_ERRS=${W_SOCK_ERRS:-0}
  W_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF; exit }' "$f")
  W_NON2XX=${W_NON2XX:-0}
}

# run_wrk OUT SECONDS URL [EXTRA...]: runs wrk; its CPU seconds go to WRK_CPU.
run_wrk() {
  local out=$1 secs=$2 url=$3 rc
  shift 3
  local TIMEFORMAT='%U %S'
  { time timeout -k 2 $((secs + WRK_TIMEOUT_S + 15)) "$WRK" -t1 -c"$CONNS" -d"${secs}s" \
      --timeout "${WRK_TIMEOUT_S}s" "$@" "$url" >"$out" 2>&1 </dev/null; } 2>"$BENCH_TMP/wrk.time"
  rc=$?
  WRK_CPU=$(awk '{ print $1 + $2 }' "$BENCH_TMP/wrk.time" 2>/dev/null)
  return $rc
}

# run_one TEST NAME: one measured wrk run against the running server; prints a
# row; sets OK (1 = usable), OTHER and the W_* values.
run_one() {
  local test=$1 name=$2 url="http://127.0.0.1:$SERVER_PORT" secs=$DURATION_S extra=()
  case $test in
    plaintext) url+=/plaintext; extra=(--latency) ;;
    static4k) url+=/static/4k.bin ;;
    static1m) url+=/static/1m.bin ;;
    close) url+=/plaintext; secs=$CLOSE_DURATION_S; extra=(-H 'Connection: close') ;;
  esac
  OK=0
  local out=$BENCH_TMP/wrk.out t0 t1 busy0 busy1 srv0 srv1 opens0 opens1 rc
  t0=$(date +%s.%N)
  busy0=$(machine_busy_ticks)
  srv0=$(tree_cpu_ticks "$SERVER_PID")
  opens0=$(tcp_active_opens)
  run_wrk "$out" "$secs" "$url" "${extra[@]}"
  rc=$?
  opens1=$(tcp_active_opens)
  t1=$(date +%s.%N)
  busy1=$(machine_busy_ticks)
  srv1=$(tree_cpu_ticks "$SERVER_PID")
  parse_wrk "$out"
  if [[ -n ${WRK_LOG_DIR:-} ]]; then
    cp "$out" "$WRK_LOG_DIR/$round-$test-$name-$ATTEMPT.txt"
  fi
  local alive=1
  if [[ -z $srv1 ]] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    alive=0
    srv1=$srv0
  fi
  local cpu
  cpu=$(awk -v t0="$t0" -v t1="$t1" -v b0="$busy0" -v b1="$busy1" -v s0="${srv0:-0}" -v s1="${srv1:-0}" \
            -v hz="$CLK_TCK" -v load="${WRK_CPU:-0}" -v o0="$opens0" -v o1="$opens1" \
            -v reqs="${W_REQUESTS:-0}" -v rate="${W_RPS:-0}" 'BEGIN {
          wall = t1 - t0; srv = (s1 - s0) / hz; others = (b1 - b0) / hz - srv - load
          if (others < 0) others = 0
          printf "%.2f %.2f %.2f %.3f %.0f", srv / wall, load / wall, others / wall,
                 (reqs > 0 ? (o1 - o0) / reqs : 0), (srv > 0 ? rate * wall / srv : 0) }')
  local srv_cores wrk_cores other_cores conn_per_req
  read -r srv_cores wrk_cores other_cores conn_per_req W_EFF <<<"$cpu"
  local p99=- mibs=-
  [[ $test == plaintext && -n $W_P99_US ]] && p99=$(awk -v u="$W_P99_US" 'BEGIN { printf "%.0fus", u }')
  [[ $test == static* && -n $W_MIBS ]] && mibs=$W_MIBS
  # shellcheck disable=SC2059 # ROW is this script's own format
  printf "$ROW" "$test" "$name" "${W_RPS:-FAILED}" "$p99" "$mibs" "$W_SOCK_ERRS" "$W_NON2XX" \
    "$conn_per_req" "$srv_cores" "$W_EFF" "$wrk_cores" "$other_cores"
  OTHER=$other_cores
  if ((W_SOCK_ERRS > 0)); then
    echo "    ($name, $test: wrk socket errors: $W_ERR_DETAIL)"
  fi
  if ((alive == 0)); then
    echo "  $name died during the $test run; its stderr:" >&2
    tail -n 20 "$BENCH_TMP/$name.err" 2>/dev/null | sed 's/^/    /' >&2
    FAILED=1
    SERVER_DEAD=1
    return
  fi
  if [[ $rc -ne 0 || -z $W_RPS || ${W_REQUESTS:-0} -eq 0 ]]; then
    echo "  wrk against $name ($test) failed (status $rc, ${W_REQUESTS:-no} requests); its output:" >&2
    sed 's/^/    /' "$out" | tail -n 15 >&2
    FAILED=1
    return
  fi
  if ((W_NON2XX > 0)); then
    echo "  $name answered $W_NON2XX non-2xx/3xx responses in $test; wrk's output:" >&2
    sed 's/^/    /' "$out" | tail -n 15 >&2
    FAILED=1
    # still counted: the rate is what it is, and the failure is reported
  fi
  if [[ $test == close ]] && awk -v c="$conn_per_req" 'BEGIN { exit !(c < 0.9) }'; then
    echo "    (close: only $conn_per_req connections per request: wrk did not reconnect per request)"
  fi
  OK=1
}

# measure TEST NAME: warm-up, then run_one repeated (up to RETRIES times) while
# other processes used more than MAX_OTHER_CORES; records the least disturbed.
measure() {
  local test=$1 name=$2 attempt warm=0 best_other='' best_rps='' best_p99='' best_mibs=''
  local best_errs=0 best_non2xx=0 best_eff=''
  case $test in
    plaintext) warm=$WARMUP_S ;;
    static*) warm=$STATIC_WARMUP_S ;;
  esac
  if ((warm > 0)); then
    local path=/plaintext
    [[ $test == static4k ]] && path=/static/4k.bin
    [[ $test == static1m ]] && path=/static/1m.bin
    run_wrk "$BENCH_TMP/warmup.out" "$warm" "http://127.0.0.1:$SERVER_PORT$path"
  fi
  for ((attempt = 0; attempt <= RETRIES; attempt++)); do
    wait_for_quiet "$MAX_OTHER_CORES" "$QUIET_WAIT_S" \
      || echo "    (other processes still busy after ${QUIET_WAIT_S}s of waiting; running anyway)"
    OTHER=0
    ATTEMPT=$attempt
    run_one "$test" "$name"
    ((OK)) || return
    if [[ -z $best_other ]] || awk -v o="$OTHER" -v b="$best_other" 'BEGIN { exit !(o < b) }'; then
      best_other=$OTHER best_rps=$W_RPS best_p99=$W_P99_US best_mibs=$W_MIBS best_eff=$W_EFF
      best_errs=$W_SOCK_ERRS best_non2xx=$W_NON2XX
    fi
    awk -v o="$OTHER" -v m="$MAX_OTHER_CORES" 'BEGIN { exit !(o > m) }' || break
    if ((attempt < RETRIES)); then
      echo "    ($name disturbed: other processes used $OTHER cores; running it again)"
    else
      echo "    ($name disturbed: other processes used $OTHER cores; keeping its least disturbed" \
           "run: $best_rps req/s, others $best_other cores)"
    fi
  done
  local key=$test:$name
  RPS[$key]+="$best_rps "
  EFF[$key]+="$best_eff "
  [[ -n $best_p99 ]] && P99[$key]+="$best_p99 "
  [[ $test == static* && -n $best_mibs ]] && MBS[$key]+="$best_mibs "
  SOCK_ERRS[$key]=$((${SOCK_ERRS[$key]:-0} + best_errs))
  NON2XX[$key]=$((${NON2XX[$key]:-0} + best_non2xx))
  OTHERS+=("$best_other")
  ROUND_RPS[$key]=$best_rps
  ROUND_P99[$key]=$best_p99
}

# report_stderr NAME: shows what the server wrote to stderr while under load
# (warren and asio-http print nothing there in normal operation).
report_stderr() {
  local f=$BENCH_TMP/$1.err
  [[ $1 == nginx ]] && f=$BENCH_TMP/nginx/error.log
  [[ -s $f ]] || return 0
  # asio-http's exit line and nginx's notices are expected.
  local lines
  lines=$(grep -v -e '^asio-http: stopped after' -e '\[notice\]' "$f" | grep -c .)
  ((lines > 0)) || return 0
  echo "    ($1 wrote $lines lines to stderr/error.log; the first ones:)"
  grep -v -e '^asio-http: stopped after' -e '\[notice\]' "$f" | head -n 5 | cut -c1-200 | sed 's/^/      /'
}

ratio_of() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b <= 0) print "-"; else printf "%.3f", a / b }'
}

# --- rounds ------------------------------------------------------------------

for ((round = 1; round <= ROUNDS; round++)); do
  n=${#SERVER_LIST[@]}
  order=()
  for ((i = 0; i < n; i++)); do order+=("${SERVER_LIST[$(((i + round - 1) % n))]}"); done
  echo
  echo "round $round (order: ${order[*]}; TIME_WAIT sockets now: $(ss -Htan state time-wait | wc -l))"
  # shellcheck disable=SC2059
  printf "$ROW" test server req/s p99 MiB/s sockerr non2xx conn/req srv_cores req/cpu_s \
    wrk_cores other_cores
  declare -A ROUND_RPS=() ROUND_P99=()
  for name in "${order[@]}"; do
    if ! start_named "$name"; then
      FAILED=1
      continue
    fi
    if ! check_answers "$name"; then
      FAILED=1
      stop_pid "$SERVER_PID"
      continue
    fi
    SERVER_DEAD=0
    for test in "${TEST_LIST[@]}"; do
      measure "$test" "$name"
      ((SERVER_DEAD)) && break
    done
    ((SERVER_DEAD)) || stop_pid "$SERVER_PID"
    report_stderr "$name"
  done
  for test in "${TEST_LIST[@]}"; do
    line=""
    for base in nginx asio; do
      r=$(ratio_of "${ROUND_RPS[$test:warren]:-}" "${ROUND_RPS[$test:$base]:-}")
      [[ $r == - ]] && continue
      ROUND_RATIOS[$test:$base]+="$r "
      line+=" warren/$base $r"
    done
    r=$(ratio_of "${ROUND_P99[$test:warren]:-}" "${ROUND_P99[$test:nginx]:-}")
    if [[ $r != - ]]; then
      ROUND_P99_RATIOS[$test]+="$r "
      line+=" p99 warren/nginx $r"
    fi
    [[ -n $line ]] && echo "  $test this round:$line"
  done
  unset ROUND_RPS ROUND_P99
done

# --- summary -----------------------------------------------------------------

echo
echo "medians over $ROUNDS rounds (min .. max):"
MISSED=0
SUMMARY="http_bench"
# Word splitting of the per-run lists is meant below.
# shellcheck disable=SC2086
for test in "${TEST_LIST[@]}"; do
  echo "  $test"
  declare -A med_rps=() med_p99=() med_eff=()
  for name in "${SERVER_LIST[@]}"; do
    key=$test:$name
    if [[ -z ${RPS[$key]:-} ]]; then
      echo "    $name: no measurement"
      continue
    fi
    med_rps[$name]=$(median ${RPS[$key]})
    text="    $(printf '%-6s' "$name") req/s $(printf '%.0f' "${med_rps[$name]}") ($(min_of ${RPS[$key]}) .. $(max_of ${RPS[$key]}))"
    if [[ -n ${P99[$key]:-} ]]; then
      med_p99[$name]=$(median ${P99[$key]})
      text+=", p99 $(printf '%.0f' "${med_p99[$name]}")us ($(min_of ${P99[$key]}) .. $(max_of ${P99[$key]}))"
    fi
    med_eff[$name]=$(median ${EFF[$key]})
    text+=", req/cpu_s $(printf '%.0f' "${med_eff[$name]}")"
    if [[ -n ${MBS[$key]:-} ]]; then
      text+=", $(median ${MBS[$key]}) MiB/s"
    fi
    text+=", socket errors ${SOCK_ERRS[$key]}, non-2xx ${NON2XX[$key]}"
    echo "$text"
    SUMMARY+=" ${test}_${name}_rps=${med_rps[$name]}"
    [[ -n ${med_p99[$name]:-} ]] && SUMMARY+=" ${test}_${name}_p99_us=${med_p99[$name]}"
  done
  for base in nginx asio; do
    r=$(ratio_of "${med_rps[warren]:-}" "${med_rps[$base]:-}")
    [[ $r == - ]] && continue
    text="    ratio warren/$base = $r"
    [[ -n ${ROUND_RATIOS[$test:$base]:-} ]] && text+=" (per round: ${ROUND_RATIOS[$test:$base]% })"
    if [[ $base == nginx ]]; then
      verdict=$(awk -v r="$r" -v t="$TARGET" 'BEGIN { print (r >= t ? "PASS" : "MISS") }')
      [[ $verdict == MISS ]] && MISSED=1
      text+="; target >= $TARGET: $verdict"
    fi
    echo "$text"
    SUMMARY+=" ${test}_ratio_${base}=$r"
  done
  text=""
  for base in nginx asio; do
    r=$(ratio_of "${med_eff[warren]:-}" "${med_eff[$base]:-}")
    [[ $r == - ]] && continue
    text+=" warren/$base $r"
    SUMMARY+=" ${test}_cpu_efficiency_ratio_${base}=$r"
  done
  [[ -n $text ]] && echo "    requests per server CPU-second:$text"
  if [[ -n ${med_p99[warren]:-} && -n ${med_p99[nginx]:-} ]]; then
    verdict=$(awk -v w="${med_p99[warren]}" -v n="${med_p99[nginx]}" 'BEGIN { print (w <= n ? "PASS" : "MISS") }')
    [[ $verdict == MISS ]] && MISSED=1
    echo "    p99 warren $(printf '%.0f' "${med_p99[warren]}")us vs nginx $(printf '%.0f' "${med_p99[nginx]}")us" \
         "(ratio $(ratio_of "${med_p99[warren]}" "${med_p99[nginx]}"); target <= nginx): $verdict"
    if [[ -n ${ROUND_P99_RATIOS[$test]:-} ]]; then
      # shellcheck disable=SC2086
      echo "    p99 warren/nginx per round: ${ROUND_P99_RATIOS[$test]% } (median $(median ${ROUND_P99_RATIOS[$test]}))"
    fi
  fi
  unset med_rps med_p99 med_eff
done
if [[ ${#OTHERS[@]} -gt 0 ]]; then
  others_median=$(median "${OTHERS[@]}")
  echo "other processes: median $others_median, max $(max_of "${OTHERS[@]}") cores busy during the kept runs"
  if awk -v o="$others_median" -v m="$MAX_OTHER_CORES" 'BEGIN { exit !(o > m) }'; then
    echo "note: other work used CPU during the runs; treat the ratios as noisy and rerun on a quiet machine" >&2
  fi
fi
echo "$SUMMARY"

if ((FAILED)); then exit 1; fi
if [[ $STRICT == 1 ]] && ((MISSED)); then exit 2; fi
exit 0
