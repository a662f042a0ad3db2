# The integration suites run a second time with the fault-injection shim preloaded: short
# writes, EINTR and paced writes on every TCP socket of the test process and of the demo servers
# it starts (they inherit the environment). See tests/fault/README.md.

if(WARREN_SANITIZE)
  # A sanitizer runtime must come first in the process; a preloaded shim in front of it
  # breaks ASan's start-up check. The plain build covers the fault runs.
  message(STATUS "warren: fault-injection tests skipped with WARREN_SANITIZE")
  return()
endif()

add_library(warren_fault_shim SHARED fault/fault_shim.c)
target_compile_options(warren_fault_shim PRIVATE -Wall -Wextra)
target_link_libraries(warren_fault_shim PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)

# warren_add_fault_run(TEST [BOOST_TEST_FILTER])
# Registers TEST_under_faults: the same executable and arguments as TEST, with the shim on.
function(warren_add_fault_run test)
  if(NOT TARGET ${test})
    return()  # e.g. the demo-driven suites when WARREN_BUILD_DEMOS is off
  endif()
  set(filter)
  if(ARGC GREATER 1)
    set(filter "--run_test=${ARGV1}")
  endif()
  add_test(NAME ${test}_under_faults
           COMMAND ${test} --log_level=test_suite --report_level=short ${filter})
  set_tests_properties(${test}_under_faults PROPERTIES
    ENVIRONMENT "LD_PRELOAD=$<TARGET_FILE:warren_fault_shim>;WARREN_FAULT_ENABLE=1;WARREN_FAULT_VERBOSE=1"
    LABELS "faults"
    TIMEOUT 600)
  add_dependencies(${test} warren_fault_shim)
endfunction()

foreach(test chat_server_test http_server_test http_client_test framed_connection_test
             echo_server_test)
  warren_add_fault_run(${test})
endforeach()
