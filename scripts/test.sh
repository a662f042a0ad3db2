#!/usr/bin/env bash
# The whole test suite, as CI runs it (Debian 12, as root; installs what is missing):
#   1. build/       every suite through CTest: unit, actors, integration, faults (the
#                   integration suites again under the fault-injection shim), fuzz (each
#                   libFuzzer target briefly), adversarial;
#   2. build-asan/  the suites again under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. build-tsan/  the suites again under ThreadSanitizer.
# The fault-injection shim is preloaded, which the sanitizer runtimes refuse, the fuzzers
# carry their own sanitizers, and the adversarial suite asserts RSS and CPU bounds that the
# sanitizers' overhead distorts: those run in step 1 only.
# Usage: scripts/test.sh [plain|asan|tsan]...   (default: all three, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
steps=("$@")
((${#steps[@]})) || steps=(plain asan tsan)

for step in "${steps[@]}"; do
  case $step in
    plain)
      scripts/setup.sh
      ctest --test-dir build --output-on-failure --timeout 900
      ;;
    asan)
      WARREN_BUILD_DIR=build-asan scripts/setup.sh -DWARREN_SANITIZE=address,undefined
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$here/scripts/ubsan.supp \
        ctest --test-dir build-asan --output-on-failure --timeout 900 -LE 'faults|fuzz|adversarial'
      ;;
    tsan)
      WARREN_BUILD_DIR=build-tsan scripts/setup.sh -DWARREN_SANITIZE=thread
      TSAN_OPTIONS=halt_on_error=0:report_signal_unsafe=0:suppressions=$here/scripts/tsan.supp \
        ctest --test-dir build-tsan --output-on-failure --timeout 900 -LE 'faults|fuzz|adversarial'
      ;;
    *)
      echo "scripts/test.sh: unknown step '$step' (plain, asan or tsan)" >&2
      exit 2
      ;;
  esac
done
