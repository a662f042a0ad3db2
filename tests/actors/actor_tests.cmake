add_library(warren_test_support STATIC support/test_client.cpp support/server_process.cpp)
target_include_directories(warren_test_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(warren_test_support PRIVATE warren_warnings)

warren_add_test(NAME framed_connection_test SOURCES actors/framed_connection_test.cpp
                LIBS warren_actors warren_test_support LABELS actors)
warren_add_test(NAME timer_wheel_test SOURCES actors/timer_wheel_test.cpp
                LIBS warren_actors warren_test_support LABELS actors)
warren_add_test(NAME http_router_test SOURCES actors/http_router_test.cpp
                LIBS warren_actors LABELS unit)
warren_add_test(NAME open_file_cache_test SOURCES actors/open_file_cache_test.cpp
                LIBS warren_actors warren_test_support LABELS actors)
