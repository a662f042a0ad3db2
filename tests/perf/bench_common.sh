# shellcheck shell=bash disable=SC2034 # SERVER_PORT etc. are for the sourcing script
# Shared helpers for tests/perf/bench_*.sh (sourced, not run).
#
# Every process a benchmark starts is recorded in BENCH_PIDS and killed by PID
# when the script exits, however it exits.

BENCH_PIDS=()
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-bench.XXXXXX")

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      sleep 0.2
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

need_exe() {
  [[ -x $1 ]] || die "not found or not executable: $1"
}

# start_server NAME BINARY [ARGS...]
# Starts BINARY --host=127.0.0.1 --port=0 ARGS in the background, waits (up to
# 15 s) for its "... listening on HOST:PORT" line and sets SERVER_PID and
# SERVER_PORT. Returns 1 (with a message) if it dies or never says it listens.
start_server() {
  local name=$1 bin=$2
  shift 2
  local out=$BENCH_TMP/$name.out err=$BENCH_TMP/$name.err
  "$bin" --host=127.0.0.1 --port=0 "$@" >"$out" 2>"$err" </dev/null &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  SERVER_PORT=
  local i line
  for ((i = 0; i < 150; i++)); do
    line=$(grep -m1 -E 'listening on .*:[0-9]+$' "$out" 2>/dev/null)
    if [[ -n $line ]]; then
      SERVER_PORT=${line##*:}
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "$name exited before listening; its stderr:" >&2
      sed 's/^/  /' "$err" >&2
      wait "$SERVER_PID" 2>/dev/null
      return 1
    fi
    sleep 0.1
  done
  echo "$name did not print its listening line within 15 s" >&2
  stop_pid "$SERVER_PID"
  return 1
}

# stop_pid PID: SIGTERM, up to 5 s of grace, then SIGKILL; reaps it.
# Returns the process's exit status (or 137 when it had to be killed).
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "pid $pid ignored SIGTERM for 5 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
}

# vm_rss_kb PID: the process's resident set size in KiB (VmRSS).
vm_rss_kb() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# median NUMBERS...: prints the median (mean of the middle two when even).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "nan"; else if (NR % 2) printf "%.10g\n", v[(NR + 1) / 2];
          else printf "%.10g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# field KEY LINE: the value of KEY=VALUE in a machine-readable line.
field() {
  tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -n1
}

min_of() { printf '%s\n' "$@" | sort -g | head -n1; }
max_of() { printf '%s\n' "$@" | sort -g | tail -n1; }

CLK_TCK=$(getconf CLK_TCK)

# proc_cpu_ticks PID: user + system clock ticks PID has used (all threads).
proc_cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

# machine_busy_ticks: clock ticks all CPUs spent busy (incl. steal) since boot.
machine_busy_ticks() {
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# warn_if_busy: says so when other work loads the machine (timings get noisy).
warn_if_busy() {
  local load cores
  load=$(cut -d' ' -f1 /proc/loadavg)
  cores=$(nproc)
  if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > c / 4) }'; then
    echo "note: the 1-minute load average is $load on $cores cores: other work competes" \
         "for the CPU and the numbers will be noisy" >&2
  fi
}

# wait_for_quiet MAX_CORES TIMEOUT_S: waits (in 0.5 s samples, at most
# TIMEOUT_S) until the machine is busy with less than MAX_CORES; the caller's
# own processes must be idle meanwhile. Returns 1 on timeout.
wait_for_quiet() {
  local max=$1 timeout=$2 waited=0 b0 b1
  while :; do
    b0=$(machine_busy_ticks)
    sleep 0.5
    b1=$(machine_busy_ticks)
    awk -v b0="$b0" -v b1="$b1" -v hz="$CLK_TCK" -v m="$max" \
      'BEGIN { exit !((b1 - b0) / hz / 0.5 <= m) }' && return 0
    waited=$(awk -v w="$waited" 'BEGIN { print w + 0.5 }')
    awk -v w="$waited" -v t="$timeout" 'BEGIN { exit !(w >= t) }' && return 1
  done
}
