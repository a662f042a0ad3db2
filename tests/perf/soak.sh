#!/usr/bin/env bash
# Soak: DURATION seconds of mixed HTTP load on warren-http, all at once: keep-alive requests
# over several routes, pipelined requests, and one request per new connection. Samples the
# server's RSS every SAMPLE seconds and reports its growth after the warm-up (target < 5 %)
# and every error any client saw (target 0). Loopback only; everything stops by itself.
#
#   tests/perf/soak.sh BUILD_DIR [DURATION_S=300] [WARMUP_S=30] [SAMPLE_S=5]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench_common.sh
source "$here/bench_common.sh"

build=${1:?usage: soak.sh BUILD_DIR [DURATION_S] [WARMUP_S] [SAMPLE_S]}
duration=${2:-300}
warmup=${3:-30}
sample=${4:-5}
server_bin=$build/demos/warren-http
need_exe "$server_bin"
command -v wrk >/dev/null || die "wrk is not installed"

root=$BENCH_TMP/root
mkdir -p "$root"
head -c 4096 /dev/urandom >"$root/f4k.bin"
head -c 262144 /dev/urandom >"$root/f256k.bin"

start_server warren "$server_bin" --static-root="$root" || die "warren-http did not start"
pid=$SERVER_PID
base=http://127.0.0.1:$SERVER_PORT

# Keep-alive requests rotating over routes (memory, sendfile, reader actors, stats).
cat >"$BENCH_TMP/mixed.lua" <<'LUA'
local paths = {"/plaintext", "/static/f4k.bin", "/dynamic/f4k.bin", "/static/f256k.bin",
               "/", "/plaintext", "/dynamic/f256k.bin", "/stats"}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
# Eight pipelined requests per write.
cat >"$BENCH_TMP/pipeline.lua" <<'LUA'
init = function(args)
  local r = {}
  for i = 1, 8 do r[i] = wrk.format("GET", "/plaintext") end
  req = table.concat(r)
end
request = function() return req end
LUA

wrk -t1 -c32 -d"${duration}s" --timeout 10s -s "$BENCH_TMP/mixed.lua" "$base" \
  >"$BENCH_TMP/mixed.out" 2>&1 &
BENCH_PIDS+=($!)
wrk -t1 -c8 -d"${duration}s" --timeout 10s -s "$BENCH_TMP/pipeline.lua" "$base" \
  >"$BENCH_TMP/pipeline.out" 2>&1 &
BENCH_PIDS+=($!)
wrk -t1 -c8 -d"${duration}s" --timeout 10s -H 'Connection: close' "$base/plaintext" \
  >"$BENCH_TMP/close.out" 2>&1 &
BENCH_PIDS+=($!)

echo "soak: ${duration}s of mixed load on warren-http (pid $pid), RSS every ${sample}s"
printf '%8s %10s\n' "t_s" "rss_kib"
samples=()
times=()
start=$(date +%s)
while (($(date +%s) - start < duration)); do
  sleep "$sample"
  t=$(($(date +%s) - start))
  rss=$(vm_rss_kb "$pid")
  [[ -z $rss ]] && die "warren-http died during the soak"
  printf '%8d %10d\n' "$t" "$rss"
  samples+=("$rss")
  times+=("$t")
done
wait_clients=0
for f in mixed pipeline close; do
  while pgrep -f "wrk .*$f.lua|wrk .*Connection: close" >/dev/null 2>&1 && ((wait_clients < 30)); do
    sleep 1
    wait_clients=$((wait_clients + 1))
  done
done
sleep 2

# RSS growth: from the median of the first three samples after the warm-up to the median of
# the last three (RSS moves a few hundred KiB either way with the connections open at the
# instant of a sample; a single sample at either end would turn that into "growth").
after=()
for i in "${!samples[@]}"; do
  ((times[i] >= warmup)) && after+=("${samples[i]}")
done
((${#after[@]} >= 6)) || die "soak too short for its warm-up; raise DURATION or lower WARMUP"
first=$(median "${after[0]}" "${after[1]}" "${after[2]}")
n=${#after[@]}
last=$(median "${after[n - 1]}" "${after[n - 2]}" "${after[$((n > 2 ? n - 3 : n - 1))]}")
growth=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')

errors=0
total=0
for f in mixed pipeline close; do
  out=$BENCH_TMP/$f.out
  reqs=$(awk '/requests in/ { print $1 }' "$out")
  sock=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx/ { print $NF }' "$out")
  printf 'load %-9s requests=%-10s socket_errors=%-6s non_2xx_3xx=%s\n' "$f" "${reqs:-0}" \
    "${sock:-0}" "${non2xx:-0}"
  errors=$((errors + ${sock:-0} + ${non2xx:-0}))
  total=$((total + ${reqs:-0}))
done
kill -0 "$pid" 2>/dev/null || die "warren-http is gone at the end of the soak"
stop_pid "$pid"
code=$?
echo "soak: requests=$total errors=$errors rss_after_warmup_kib=$first rss_end_kib=$last" \
     "growth_pct=$growth exit_code=$code"
verdict=PASS
awk -v g="$growth" 'BEGIN { exit !(g < 5) }' || verdict=FAIL
((errors == 0)) || verdict=FAIL
((code == 0)) || verdict=FAIL
echo "soak: target growth < 5 % and 0 errors and exit 0: $verdict"
[[ $verdict == PASS || ${STRICT:-0} != 1 ]]
