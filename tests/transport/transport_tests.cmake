warren_add_test(NAME output_queue_test SOURCES transport/output_queue_test.cpp
                LIBS warren_transport LABELS unit)
