warren_add_test(NAME output_queue_test SOURCES transport/output_queue_test.cpp
                LIBS warren_transport LABELS unit)
warren_add_test(NAME poll_batch_test SOURCES transport/poll_batch_test.cpp
                LIBS warren_transport LABELS actors)
warren_add_test(NAME read_edge_wait_test SOURCES transport/read_edge_wait_test.cpp
                LIBS warren_transport LABELS actors)
