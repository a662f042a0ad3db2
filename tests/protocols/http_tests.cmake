# HTTP/1.1 protocol layer (protocols/http/).
warren_add_test(NAME http_parser_test SOURCES protocols/http_parser_test.cpp LIBS warren_http_protocol)
warren_add_test(NAME http_response_test SOURCES protocols/http_response_test.cpp LIBS warren_http_protocol)
warren_add_test(NAME http_client_codec_test SOURCES protocols/http_client_codec_test.cpp LIBS warren_http_protocol LABELS unit)
warren_add_test(NAME http_request_test SOURCES protocols/http_request_test.cpp LIBS warren_http_protocol LABELS unit)
warren_add_test(NAME http_chunk_framing_test SOURCES protocols/http_chunk_framing_test.cpp LIBS warren_http_protocol LABELS unit)
warren_add_test(NAME http_file_request_test SOURCES protocols/http_file_request_test.cpp LIBS warren_http_protocol LABELS unit)
