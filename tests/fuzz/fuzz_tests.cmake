# libFuzzer targets (tests/fuzz/). They need clang (-fsanitize=fuzzer) while the main build
# may use g++, so tests/fuzz/ is a project of its own, configured with clang and built as part
# of `cmake --build` through ExternalProject (a fuzzer that does not compile fails the build).
# CTest runs each target over its regression inputs, then fuzzes it for a short bounded time
# (label "fuzz"); scripts/fuzz.sh runs them for as long as asked.
option(WARREN_BUILD_FUZZERS "Build the libFuzzer targets (needs clang) and run them briefly in CTest" ON)
set(WARREN_FUZZ_SECONDS 15 CACHE STRING "Seconds of fuzzing per target in CTest")
if(NOT WARREN_BUILD_FUZZERS)
  return()
endif()

if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND CMAKE_C_COMPILER_ID MATCHES "Clang")
  set(WARREN_FUZZ_CXX ${CMAKE_CXX_COMPILER})
  set(WARREN_FUZZ_CC ${CMAKE_C_COMPILER})
else()
  find_program(WARREN_FUZZ_CXX NAMES clang++ clang++-16 clang++-15 clang++-14)
  find_program(WARREN_FUZZ_CC NAMES clang clang-16 clang-15 clang-14)
endif()
if(NOT WARREN_FUZZ_CXX OR NOT WARREN_FUZZ_CC)
  message(STATUS "Fuzz targets skipped: no clang/clang++ found (apt-get install clang)")
  return()
endif()

# clang without its libFuzzer runtime (libclang-rt-dev on Debian) cannot link a fuzzer.
# Only success is cached, so installing the runtime later needs no cache surgery.
if(NOT WARREN_FUZZ_CAN_LINK)
  set(probe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe.cpp)
  file(WRITE ${probe} "#include <cstddef>\n#include <cstdint>\n"
       "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
  execute_process(COMMAND ${WARREN_FUZZ_CXX} -fsanitize=fuzzer,address,undefined ${probe}
                          -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe
                  RESULT_VARIABLE probe_result OUTPUT_QUIET ERROR_QUIET)
  if(NOT probe_result EQUAL 0)
    message(STATUS "Fuzz targets skipped: ${WARREN_FUZZ_CXX} cannot link -fsanitize=fuzzer "
                   "(apt-get install libclang-rt-dev)")
    return()
  endif()
  set(WARREN_FUZZ_CAN_LINK ON CACHE INTERNAL "clang can link libFuzzer targets")
endif()
message(STATUS "Fuzz targets: built with ${WARREN_FUZZ_CXX}, ${WARREN_FUZZ_SECONDS} s each in CTest")

include(ExternalProject)
set(fuzz_source_dir ${CMAKE_CURRENT_LIST_DIR})
set(fuzz_binary_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz)
file(STRINGS ${fuzz_source_dir}/targets.txt fuzz_targets REGEX "^[a-z_]+$")
set(fuzz_executables)
foreach(name IN LISTS fuzz_targets)
  list(APPEND fuzz_executables ${fuzz_binary_dir}/${name}_fuzz)
endforeach()
ExternalProject_Add(warren_fuzzers
  SOURCE_DIR ${fuzz_source_dir}
  BINARY_DIR ${fuzz_binary_dir}
  PREFIX ${CMAKE_CURRENT_BINARY_DIR}/fuzz-ep
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${WARREN_FUZZ_CXX} -DCMAKE_C_COMPILER=${WARREN_FUZZ_CC}
  BUILD_ALWAYS ON  # the sub-build decides what is out of date
  BUILD_BYPRODUCTS ${fuzz_executables}
  INSTALL_COMMAND "")

foreach(name IN LISTS fuzz_targets)
  # A dictionary of tokens, if there is one: <name>.dict, or http.dict for the http_ targets.
  set(dict ${fuzz_source_dir}/${name}.dict)
  if(NOT EXISTS ${dict} AND name MATCHES "^http_")
    set(dict ${fuzz_source_dir}/http.dict)
  endif()
  add_test(NAME fuzz_${name}
           COMMAND ${CMAKE_COMMAND}
                   -DFUZZER=${fuzz_binary_dir}/${name}_fuzz
                   -DCORPUS=${fuzz_source_dir}/corpus/${name}
                   -DREGRESSIONS=${fuzz_source_dir}/regressions/${name}
                   -DDICT=${dict}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/fuzz-work/${name}
                   -DSECONDS=${WARREN_FUZZ_SECONDS}
                   -P ${fuzz_source_dir}/run_fuzzer.cmake)
  # Fuzzing keeps a core busy: never beside the timing-sensitive tests under ctest -j.
  set_tests_properties(fuzz_${name} PROPERTIES TIMEOUT 120 LABELS fuzz RUN_SERIAL TRUE)
endforeach()
