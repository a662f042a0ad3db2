#!/usr/bin/env bash
# Runs warren's libFuzzer targets (tests/fuzz/) for as long as asked, one target after the
# other, and reports the executions of each. New corpus entries go to a temporary folder
# (the seed corpus in tests/fuzz/corpus/ is only read, unless --merge).
#
# Usage: scripts/fuzz.sh [--merge] [SECONDS_PER_TARGET=60] [TARGET...]
#   TARGET       a name from tests/fuzz/targets.txt (default: all of them)
#   --merge      afterwards, add the inputs that reach new coverage to tests/fuzz/corpus/
#   WARREN_FUZZ_BUILD_DIR=dir   where the fuzzers are built (default: build-fuzz)
#   WARREN_FUZZ_JOBS=n          parallel libFuzzer processes per target (default: cores)
#   WARREN_FUZZ_WORK_DIR=dir    where corpora, logs and crashes go (default: a new /tmp dir)
# Exit status: 0 when no target failed, 1 when one crashed or broke an invariant (its
# input is under WORK_DIR/<target>/artifacts/; tests/fuzz/README.md says what to do next).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

merge=0
if [[ ${1:-} == --merge ]]; then
  merge=1
  shift
fi
seconds=60
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
if ((seconds == 0)); then
  echo "usage: scripts/fuzz.sh [--merge] [SECONDS_PER_TARGET=60] [TARGET...]" >&2
  exit 2
fi
mapfile -t all_targets < <(grep -E '^[a-z_]+$' tests/fuzz/targets.txt)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if ! printf '%s\n' "${all_targets[@]}" | grep -qx "$t"; then
    echo "fuzz: unknown target '$t' (known: ${all_targets[*]})" >&2
    exit 2
  fi
done

build_dir=${WARREN_FUZZ_BUILD_DIR:-build-fuzz}
cxx=${CXX_FOR_FUZZING:-$(command -v clang++ || true)}
cc=${CC_FOR_FUZZING:-$(command -v clang || true)}
if [[ -z $cxx || -z $cc ]]; then
  echo "fuzz: clang and clang++ are needed (apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi
cmake -S tests/fuzz -B "$build_dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
build_dir=$(cd "$build_dir" && pwd)

jobs=${WARREN_FUZZ_JOBS:-$(nproc)}
work=${WARREN_FUZZ_WORK_DIR:-$(mktemp -d /tmp/warren-fuzz.XXXXXX)}
echo "fuzz: ${#targets[@]} target(s), ${seconds} s each, $jobs job(s); corpora and logs in $work"

failed=()
report=()
for t in "${targets[@]}"; do
  dir=$work/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/logs"
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/" 2>/dev/null || true
  # A dictionary of tokens, as in fuzz_tests.cmake: <target>.dict, or http.dict for http_*.
  dict=
  if [[ -f tests/fuzz/$t.dict ]]; then
    dict=$root/tests/fuzz/$t.dict
  elif [[ $t == http_* ]]; then
    dict=$root/tests/fuzz/http.dict
  fi
  exe=$build_dir/${t}_fuzz
  # Inputs that crashed before must not crash again.
  regressions=()
  for f in tests/fuzz/regressions/"$t"/*; do
    [[ -f $f && $f != *.md ]] && regressions+=("$f")
  done
  if ((${#regressions[@]})); then
    if ! "$exe" -rss_limit_mb=1024 -timeout=10 "${regressions[@]}" >"$dir/logs/regressions.log" 2>&1; then
      echo "fuzz: $t: a regression input fails again, see $dir/logs/regressions.log"
      failed+=("$t")
    fi
  fi
  echo "fuzz: $t for ${seconds} s ..."
  # -jobs runs that many fuzzing processes on one shared corpus; each writes fuzz-N.log in
  # the current folder and stops after max_total_time.
  status=0
  (cd "$dir/logs" &&
     "$exe" -jobs="$jobs" -workers="$jobs" -max_total_time="$seconds" -rss_limit_mb=1024 \
       -timeout=10 -max_len=4096 -print_final_stats=1 ${dict:+-dict="$dict"} \
       -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/logs/driver.log" 2>&1) || status=$?
  execs=0
  for log in "$dir"/logs/fuzz-*.log; do
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    # A job that crashed prints no final stats: count its last status line instead.
    [[ -n $n ]] || n=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    execs=$((execs + ${n:-0}))
  done
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  line=$(printf '%-22s %12d execs  %8d/s  corpus %5d  crashes %d' "$t" "$execs" \
           $((execs / seconds)) "$(ls "$dir/corpus" | wc -l)" "$crashes")
  report+=("$line")
  echo "fuzz: $line"
  if ((status != 0 || crashes > 0)); then
    [[ " ${failed[*]} " == *" $t "* ]] || failed+=("$t")
    find "$dir/artifacts" -type f -exec echo "fuzz:   failing input: {}" \;
    grep -h -A1 -E 'invariant violated|ERROR: (Address|Leak)Sanitizer|runtime error:|ERROR: libFuzzer: (timeout|out-of-memory)' \
      "$dir"/logs/fuzz-*.log | cut -c1-300 | head -n 12 | sed 's/^/fuzz:     /' || true
  fi
  if ((merge)); then
    "$exe" -merge=1 -max_len=4096 tests/fuzz/corpus/"$t" "$dir/corpus" >"$dir/logs/merge.log" 2>&1 ||
      echo "fuzz: $t: merge failed, see $dir/logs/merge.log"
  fi
done

echo
echo "fuzz: summary (${seconds} s per target, $jobs job(s))"
printf '  %s\n' "${report[@]}"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs under $work/<target>/artifacts/; see tests/fuzz/README.md)"
  exit 1
fi
echo "fuzz: no failures"
