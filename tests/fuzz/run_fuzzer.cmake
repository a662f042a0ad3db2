# Runs one libFuzzer target for CTest (see fuzz_tests.cmake):
#   cmake -DFUZZER=exe -DCORPUS=dir -DREGRESSIONS=dir -DWORK_DIR=dir -DSECONDS=n [-DDICT=file]
#         -P run_fuzzer.cmake
# First every input in REGRESSIONS runs once (crashes found earlier must stay fixed), then
# the target fuzzes for SECONDS from a copy of the seed corpus in WORK_DIR (the corpus in
# the source tree is never written). Fails if any input crashes or breaks an invariant.
# The random seed is fixed (SEED, default 1), so a run explores the same inputs every time
# and CI stays reproducible; scripts/fuzz.sh explores with fresh seeds for as long as asked.
foreach(var FUZZER CORPUS REGRESSIONS WORK_DIR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS ${FUZZER})
  message(FATAL_ERROR "${FUZZER} is not built: run cmake --build on the build directory")
endif()
get_filename_component(name ${FUZZER} NAME)

file(GLOB regressions LIST_DIRECTORIES false ${REGRESSIONS}/*)
list(FILTER regressions EXCLUDE REGEX "\\.md$")
list(LENGTH regressions count)
if(count GREATER 0)
  message(STATUS "${name}: ${count} regression inputs")
  execute_process(COMMAND ${FUZZER} -rss_limit_mb=1024 -timeout=10 ${regressions}
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${name}: a regression input in ${REGRESSIONS} fails again (see above)")
  endif()
endif()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(GLOB seeds LIST_DIRECTORIES false ${CORPUS}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${WORK_DIR}/corpus)
endif()
if(NOT DEFINED SEED)
  set(SEED 1)
endif()
set(dict_option)
if(DEFINED DICT AND EXISTS "${DICT}")
  set(dict_option -dict=${DICT})
endif()
message(STATUS "${name}: fuzzing for ${SECONDS} s with seed ${SEED} from ${WORK_DIR}/corpus")
execute_process(COMMAND ${FUZZER} -seed=${SEED} -max_total_time=${SECONDS} -rss_limit_mb=1024 -timeout=10
                        -max_len=4096 -print_final_stats=1 ${dict_option}
                        -artifact_prefix=${WORK_DIR}/artifacts/ ${WORK_DIR}/corpus
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${name} found a failing input, saved in ${WORK_DIR}/artifacts/. Minimise it "
                      "(${name} -minimize_crash=1 -runs=20000 INPUT), fix the code, and add it to "
                      "tests/fuzz/regressions/ (see tests/fuzz/README.md)")
endif()
