if(NOT WARREN_BUILD_DEMOS)
  return()  # these drive the demo programs
endif()

warren_add_test(NAME echo_server_test SOURCES integration/echo_server_test.cpp
                LIBS warren_test_support LABELS integration TIMEOUT 300)
target_compile_definitions(echo_server_test PRIVATE WARREN_ECHO_PATH="$<TARGET_FILE:warren-echo>")
add_dependencies(echo_server_test warren-echo)

warren_add_test(NAME chat_server_test SOURCES integration/chat_server_test.cpp
                LIBS warren_test_support LABELS integration TIMEOUT 300)
target_compile_definitions(chat_server_test PRIVATE WARREN_CHAT_PATH="$<TARGET_FILE:warren-chat>")
add_dependencies(chat_server_test warren-chat)

warren_add_test(NAME http_server_test
                SOURCES integration/http_server_test.cpp support/http_test_server.cpp
                LIBS warren_actors warren_test_support LABELS integration TIMEOUT 300)

warren_add_test(NAME http_client_test
                SOURCES integration/http_client_test.cpp support/http_test_server.cpp
                LIBS warren_actors warren_test_support LABELS integration TIMEOUT 300)
target_compile_definitions(http_client_test PRIVATE
                           WARREN_HTTP_CLIENT_PATH="$<TARGET_FILE:warren-http-client>")
add_dependencies(http_client_test warren-http-client)
