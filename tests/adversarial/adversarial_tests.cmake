# Adversarial suite (label "adversarial"): the demo servers and in-process engines under
# hostile clients (slowloris, never-reading peers, descriptor exhaustion, resets, garbage,
# failing handlers), each case checking that ordinary "canary" clients stay served.
if(NOT WARREN_BUILD_DEMOS)
  return()  # these drive the demo programs
endif()

add_library(warren_adversarial_support STATIC
            adversarial/canary.cpp adversarial/connection_batch.cpp
            adversarial/demo_servers.cpp adversarial/http_wire.cpp
            adversarial/process_probe.cpp)
target_include_directories(warren_adversarial_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(warren_adversarial_support PUBLIC warren_test_support Threads::Threads
                      PRIVATE warren_warnings)
target_compile_definitions(warren_adversarial_support PRIVATE
                           WARREN_ECHO_PATH="$<TARGET_FILE:warren-echo>"
                           WARREN_CHAT_PATH="$<TARGET_FILE:warren-chat>"
                           WARREN_HTTP_PATH="$<TARGET_FILE:warren-http>")
add_dependencies(warren_adversarial_support warren-echo warren-chat warren-http)

foreach(name slowloris backpressure fd_exhaustion abrupt_peers garbage_input)
  warren_add_test(NAME adversarial_${name}_test SOURCES adversarial/${name}_test.cpp
                  LIBS warren_adversarial_support LABELS adversarial TIMEOUT 300)
endforeach()

# In-process engines (handlers that throw, killed connection actors).
warren_add_test(NAME adversarial_failing_handlers_test
                SOURCES adversarial/failing_handlers_test.cpp support/http_test_server.cpp
                LIBS warren_actors warren_adversarial_support LABELS adversarial TIMEOUT 300)
