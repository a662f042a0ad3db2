warren_add_test(NAME framing_decoder_test SOURCES protocols/framing_decoder_test.cpp
                LIBS warren_framing LABELS unit)
