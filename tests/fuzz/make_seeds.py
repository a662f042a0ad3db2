#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ (run from anywhere).

Each seed starts with the control bytes that target reads (see the comment at the top of
tests/fuzz/<target>_fuzz.cpp), then the bytes under test: rows of the table tests in
tests/protocols/, split and limit settings varied so the fuzzer starts from every path.
Re-running rewrites the files with the same names; files added by hand or by `fuzz.sh
--merge` stay.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# Split patterns (fuzz::cut_positions): 0 one cut, 1 every k bytes, 2 byte by byte,
# 3 pseudo-random; +4 also copies/moves the parser at every cut.
SPLITS = [(0, 128), (1, 2), (2, 0), (3, 7), (4 | 1, 4), (4 | 3, 99), (0, 10), (1, 16)]
DEFAULT_LIMITS = (0, 0)
# {max_header_bytes 64, max_header_count 3, max_body_bytes 16}, as small_limits() in the tests.
SMALL_LIMITS = (0x80 | 24, (16 << 3) | 3)
SMALL_BODY = (0x80 | 127, (16 << 3) | 7)

HOST = b"Host: a\r\n"
CHUNKED = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

REQUESTS = [
    ("get", b"GET / HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("leading_empty_lines", b"\r\n\r\nGET / HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("trimmed_values", b"GET /x?q=1 HTTP/1.1\r\nHost:a\r\nX-A: \t v  w \t\r\nX-E:\r\n\r\n", DEFAULT_LIMITS),
    ("http10", b"GET / HTTP/1.0\r\n\r\n", DEFAULT_LIMITS),
    ("http10_keep_alive", b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n", DEFAULT_LIMITS),
    ("connection_close_then_more", b"GET / HTTP/1.1\r\n" + HOST + b"Connection: foo, close\r\n\r\nGET /2 HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("post_content_length", b"POST /p HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\n\r\nhello", DEFAULT_LIMITS),
    ("chunked_extensions_trailers", CHUNKED + b"5;a=1\r\nhello\r\n1;q=\"x y\"\r\n!\r\n000\r\nX-Trailer: t\r\n\r\n", DEFAULT_LIMITS),
    ("pipelined_three", b"GET /1 HTTP/1.1\r\n" + HOST + b"\r\nPOST /2 HTTP/1.1\r\n" + HOST + b"Content-Length: 2\r\n\r\nok" + CHUNKED + b"2\r\nhi\r\n0\r\n\r\n", DEFAULT_LIMITS),
    ("expect_continue", b"PUT /u HTTP/1.1\r\n" + HOST + b"Expect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc", DEFAULT_LIMITS),
    ("expect_chunked_pipelined", b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nT1: x\r\nT-2:y \r\n\r\nGET /n HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("head", b"HEAD /h HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("upgrade_ignored", b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("connect", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", DEFAULT_LIMITS),
    ("options_asterisk", b"OPTIONS * HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("absolute_form", b"GET http://a/b?c HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("head_at_limit", b"GET / HTTP/1.1\r\n" + HOST + b"X: " + b"v" * 32 + b"\r\n\r\n", SMALL_LIMITS),
    ("head_over_limit", b"GET / HTTP/1.1\r\n" + HOST + b"X: " + b"v" * 33 + b"\r\n\r\n", SMALL_LIMITS),
    ("fields_at_limit", b"GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\n\r\n", SMALL_LIMITS),
    ("too_many_fields", b"GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", SMALL_LIMITS),
    ("body_at_limit", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 16\r\n\r\n" + b"b" * 16, SMALL_LIMITS),
    ("body_over_limit", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n", SMALL_LIMITS),
    ("chunked_at_limit", CHUNKED + b"6\r\nsixsix\r\n0\r\n\r\n", SMALL_BODY),
    ("chunked_over_limit", CHUNKED + b"9\r\n123456789\r\n9\r\n123456789\r\n0\r\n\r\n", SMALL_LIMITS),
    ("chunk_extension_flood", CHUNKED + b"1;" + b"e" * 40 + b"\r\nx\r\n0\r\n\r\n", SMALL_BODY),
    ("trailer_flood_then_bare_lf", CHUNKED + b"0\r\nT: " + b"t" * 40 + b"\r\n\n", SMALL_BODY),
    ("chunk_data_in_lines", CHUNKED + b"6\r\n\r\n\n\r \t\r\n0\r\n\r\n", DEFAULT_LIMITS),
    ("chunk_extensions_mixed", CHUNKED + b"3;a;b=\"\"\r\nabc\r\n1;q=\"v\";t=u\r\nd\r\n0;x=y\r\n\r\n", DEFAULT_LIMITS),
    ("space_in_target", b"GET /a b HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("http09", b"GET /\r\n\r\n", DEFAULT_LIMITS),
    ("non_ascii_target", b"GET /\xc3\xa9 HTTP/1.1\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("space_before_colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", DEFAULT_LIMITS),
    ("bare_lf", b"GET / HTTP/1.1\nHost: a\n\n", DEFAULT_LIMITS),
    ("obs_fold", b"GET / HTTP/1.1\r\n" + HOST + b"X: a\r\n b\r\n\r\n", DEFAULT_LIMITS),
    ("nul_in_value", b"GET / HTTP/1.1\r\n" + HOST + b"X: a\0b\r\n\r\n", DEFAULT_LIMITS),
    ("cl_and_te", b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", DEFAULT_LIMITS),
    ("duplicate_cl", b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", DEFAULT_LIMITS),
    ("chunk_size_overflow", CHUNKED + b"fffffffffffffffffff\r\n", DEFAULT_LIMITS),
    ("xy_after_chunk", CHUNKED + b"3\r\nabcXY0\r\n\r\n", DEFAULT_LIMITS),
    ("cr_cr_lf_end", CHUNKED + b"0\r\n\r\r\n", DEFAULT_LIMITS),
    ("trailer_space_before_colon", CHUNKED + b"0\r\nT : x\r\n\r\n", DEFAULT_LIMITS),
    ("two_token_extensions", CHUNKED + b"3;a=b;c=d\r\nabc\r\n0\r\n\r\n", DEFAULT_LIMITS),
    ("gzip_chunked", b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", DEFAULT_LIMITS),
    ("te_in_http10", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", DEFAULT_LIMITS),
    ("h2_preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", DEFAULT_LIMITS),
    ("http12", b"GET / HTTP/1.2\r\n" + HOST + b"\r\n", DEFAULT_LIMITS),
    ("endless_empty_lines", b"\r\n" * 40, SMALL_LIMITS),
]

OK = b"HTTP/1.1 200 OK\r\n"
RCHUNKED = OK + b"Transfer-Encoding: chunked\r\n\r\n"
GET, HEAD, CONNECT, POST = 0, 1, 2, 3

RESPONSES = [
    ("content_length", OK + b"Content-Length: 5\r\n\r\nhello", 0, DEFAULT_LIMITS),
    ("chunked", RCHUNKED + b"5;a=1\r\nhello\r\n1;q=\"x y\"\r\n!\r\nA\r\n0123456789\r\n000\r\nX-Trailer: t\r\n\r\n", 0, DEFAULT_LIMITS),
    ("204_then_next", b"HTTP/1.1 204 No Content\r\n\r\n" + OK + b"Content-Length: 1\r\n\r\nx", 0, DEFAULT_LIMITS),
    ("304_with_cl", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n" + OK + b"Content-Length: 2\r\n\r\nok", 0, DEFAULT_LIMITS),
    ("head_then_get", OK + b"Content-Length: 9\r\n\r\n" + OK + b"Content-Length: 1\r\n\r\nx", HEAD, DEFAULT_LIMITS),
    ("until_eof_http10", b"HTTP/1.0 200 OK\r\n\r\nhello\r\nworld", 0, DEFAULT_LIMITS),
    ("100_continue_skipped", b"HTTP/1.1 100 Continue\r\n\r\n" + OK + b"Content-Length: 2\r\n\r\nok", 0, DEFAULT_LIMITS),
    ("103_early_hints", b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\nContent-Length: 3\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("pipelined", OK + b"Content-Length: 1\r\n\r\na" + RCHUNKED + b"1\r\nb\r\n0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("connection_close", OK + b"Connection: foo, close\r\nContent-Length: 1\r\n\r\nx" + OK + b"Content-Length: 0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("reason_phrases", b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.1 299 Caf\xc3\xa9\tok\r\nContent-Length: 0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("101_upgrade", b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello", 0, DEFAULT_LIMITS),
    ("connect_tunnel", b"HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0", CONNECT, DEFAULT_LIMITS),
    ("connect_refused", b"HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno", CONNECT, DEFAULT_LIMITS),
    ("head_at_limit", OK + b"X: " + b"v" * 40 + b"\r\n\r\n", 0, SMALL_LIMITS),
    ("chunked_at_limit", RCHUNKED + b"6\r\nsixsix\r\n0\r\n\r\n", 0, SMALL_BODY),
    ("until_close_over_limit", OK + b"\r\n" + b"u" * 17, 0, SMALL_BODY),
    ("interim_over_limit", b"HTTP/1.1 100 Continue\r\n\r\n" * 2 + OK + b"\r\n", 0, SMALL_LIMITS),
    ("two_digit_status", b"HTTP/1.1 20 OK\r\n\r\n", 0, DEFAULT_LIMITS),
    ("status_0200", b"HTTP/1.1 0200 OK\r\n\r\n", 0, DEFAULT_LIMITS),
    ("cr_in_status_line", b"HTTP/1.1 200 OK\rX\r\n\r\n", 0, DEFAULT_LIMITS),
    ("obs_fold", OK + b"X: a\r\n b\r\nContent-Length: 0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("cl_and_te", OK + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 0, DEFAULT_LIMITS),
    ("chunked_twice", OK + b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("gzip", OK + b"Transfer-Encoding: gzip\r\n\r\nxx", 0, DEFAULT_LIMITS),
    ("chunk_not_crlf", RCHUNKED + b"5\r\nhelloXY0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("trailer_obs_fold", RCHUNKED + b"0\r\nT: x\r\n y\r\n\r\n", 0, DEFAULT_LIMITS),
    ("eof_in_body", OK + b"Content-Length: 5\r\n\r\nhel", 0, DEFAULT_LIMITS),
    ("eof_after_100", b"HTTP/1.1 100 Continue\r\n\r\n", 0, DEFAULT_LIMITS),
    ("http10_keep_alive", b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nxHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, DEFAULT_LIMITS),
    ("mixed_methods", OK + b"Content-Length: 2\r\n\r\n" + OK + b"Content-Length: 2\r\n\r\nok" + b"HTTP/1.1 204 No Content\r\n\r\n", HEAD | (POST << 2) | (GET << 4), DEFAULT_LIMITS),
]


def piece(data):
    assert len(data) < 256
    return bytes([len(data)]) + data


def writer_seed(flags, status, reason=b"", body=b"", chunk=b"", headers=()):
    out = bytes([flags]) + struct.pack(">H", status) + piece(reason) + piece(body) + piece(chunk)
    for name, value in headers:
        out += piece(name) + piece(value)
    return out


HEAD_REQ, CLOSE, HTTP10, CHUNKED_MODE = 1, 2, 4, 8

WRITER = [
    ("ok", writer_seed(0, 200, b"", b"hello", b"", [(b"Content-Type", b"text/plain")])),
    ("custom_reason", writer_seed(0, 299, b"Fine Thanks", b"x")),
    ("head", writer_seed(HEAD_REQ, 200, b"", b"hello")),
    ("close", writer_seed(CLOSE, 404, b"", b"nope")),
    ("http10_keep_alive", writer_seed(HTTP10, 200, b"", b"a")),
    ("204_with_body", writer_seed(0, 204, b"", b"dropped")),
    ("304", writer_seed(0, 304, b"", b"", b"", [(b"ETag", b"\"x\"")])),
    ("100_continue", writer_seed(0, 100)),
    ("101_upgrade", writer_seed(0, 101, b"", b"", b"", [(b"Connection", b"upgrade"), (b"Upgrade", b"websocket")])),
    ("103_hints", writer_seed(0, 103, b"", b"", b"", [(b"Link", b"</s.css>; rel=preload")])),
    ("own_server_date", writer_seed(0, 200, b"", b"", b"", [(b"Server", b"me"), (b"date", b"Mon, 07 Nov 1994 08:49:37 GMT")])),
    ("set_cookie_twice", writer_seed(0, 200, b"", b"", b"", [(b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2")])),
    ("value_whitespace", writer_seed(0, 200, b"", b"", b"", [(b"X-A", b" \tpadded\t ")])),
    ("value_obs_text", writer_seed(0, 200, b"Caf\xc3\xa9", b"", b"", [(b"X-U", b"caf\xc3\xa9")])),
    ("crlf_in_value", writer_seed(0, 200, b"", b"", b"", [(b"X", b"a\r\nInjected: 1")])),
    ("lf_in_reason", writer_seed(0, 200, b"OK\nInjected: 1")),
    ("tab_in_reason", writer_seed(0, 200, b"O\tK")),
    ("nul_in_value", writer_seed(0, 200, b"", b"", b"", [(b"X", b"a\0b")])),
    ("colon_in_name", writer_seed(0, 200, b"", b"", b"", [(b"X:Y", b"v")])),
    ("empty_name", writer_seed(0, 200, b"", b"", b"", [(b"", b"v")])),
    ("content_length_set", writer_seed(0, 200, b"", b"abc", b"", [(b"content-length", b"3")])),
    ("te_set", writer_seed(0, 200, b"", b"", b"", [(b"Transfer-Encoding", b"chunked")])),
    ("connection_on_200", writer_seed(0, 200, b"", b"", b"", [(b"Connection", b"keep-alive")])),
    ("status_99", writer_seed(0, 99)),
    ("status_1000", writer_seed(0, 1000)),
    ("status_999", writer_seed(0, 999, b"", b"z")),
    ("chunked", writer_seed(CHUNKED_MODE, 200, b"", b"first", b"second", [(b"Content-Type", b"text/plain")])),
    ("chunked_empty_first", writer_seed(CHUNKED_MODE, 200, b"", b"", b"only")),
    ("chunked_head", writer_seed(CHUNKED_MODE | HEAD_REQ, 200, b"", b"first", b"second")),
    ("chunked_close", writer_seed(CHUNKED_MODE | CLOSE, 500, b"", b"e", b"rr")),
    ("chunked_http10", writer_seed(CHUNKED_MODE | HTTP10, 200, b"", b"x")),
    ("chunked_204", writer_seed(CHUNKED_MODE, 204)),
    ("proxy_connection", writer_seed(0, 200, b"", b"x", b"", [(b"Proxy-Connection", b"close")])),
    ("upgrade_on_200", writer_seed(0, 200, b"", b"x", b"", [(b"Upgrade", b"h2c")])),
    ("many_fields", writer_seed(0, 201, b"", b"body", b"", [(b"A%d" % i, b"v%d" % i) for i in range(12)])),
]


def client_seed(flags, url, method=b"", body=b"", headers=()):
    out = bytes([flags]) + piece(url) + piece(method) + piece(body)
    for name, value in headers:
        out += piece(name) + piece(value)
    return out


GET_M, HEAD_M, POST_M, PUT_M, PATCH_M, DELETE_M, OPTIONS_M, RAW_METHOD, RAW_TARGET = 0, 1, 2, 3, 4, 5, 6, 7, 8

CLIENT = [
    ("get", client_seed(GET_M, b"http://example.com/")),
    ("port_query_fragment", client_seed(GET_M, b"http://example.com:8080/a/b?c=d#frag")),
    ("query_only", client_seed(GET_M, b"HTTP://a?x")),
    ("ipv4", client_seed(HEAD_M, b"http://127.0.0.1:7000/x")),
    ("ipv4_leading_zero", client_seed(GET_M, b"http://010.0.0.1/")),
    ("ipv4_three_parts", client_seed(GET_M, b"http://1.2.3/")),
    ("ipv6", client_seed(GET_M, b"http://[::1]:8080/p")),
    ("ipv6_full", client_seed(GET_M, b"http://[2001:db8:0:0:0:0:2:1]/")),
    ("ipv6_v4_tail", client_seed(GET_M, b"http://[::ffff:192.0.2.1]/")),
    ("ipv6_zone", client_seed(GET_M, b"http://[fe80::1%25eth0]/")),
    ("userinfo", client_seed(GET_M, b"http://user@host/")),
    ("https", client_seed(GET_M, b"https://host/")),
    ("empty_port", client_seed(GET_M, b"http://host:/")),
    ("port_65536", client_seed(GET_M, b"http://host:65536/")),
    ("underscore_label", client_seed(GET_M, b"http://a_b.c-d/")),
    ("post_body", client_seed(POST_M, b"http://h/submit", b"", b"name=value", [(b"Content-Type", b"application/x-www-form-urlencoded")])),
    ("put_empty", client_seed(PUT_M, b"http://h/r")),
    ("patch", client_seed(PATCH_M, b"http://h/r", b"", b"{}")),
    ("delete", client_seed(DELETE_M, b"http://h/r", b"", b"", [(b"Connection", b"close")])),
    ("options", client_seed(OPTIONS_M, b"http://h/")),
    ("own_user_agent", client_seed(GET_M, b"http://h/", b"", b"", [(b"user-agent", b"me/1"), (b"Accept", b"*/*")])),
    ("expect_continue", client_seed(POST_M, b"http://h/", b"", b"abc", [(b"Expect", b"100-continue")])),
    ("upgrade", client_seed(GET_M, b"http://h/ws", b"", b"", [(b"Connection", b"Upgrade"), (b"Upgrade", b"websocket")])),
    ("value_whitespace", client_seed(GET_M, b"http://h/", b"", b"", [(b"X", b" \tv\t ")])),
    ("crlf_in_value", client_seed(GET_M, b"http://h/", b"", b"", [(b"X", b"a\r\nInjected: 1")])),
    ("host_field", client_seed(GET_M, b"http://h/", b"", b"", [(b"Host", b"other")])),
    ("raw_method", client_seed(RAW_METHOD, b"http://h/", b"BREW")),
    ("raw_method_space", client_seed(RAW_METHOD, b"http://h/", b"GET /x")),
    ("raw_target_space", client_seed(RAW_TARGET | GET_M, b"/a b", b"h")),
    ("raw_target_crlf", client_seed(RAW_TARGET | GET_M, b"/a\r\nX: y", b"h")),
    ("raw_host_crlf", client_seed(RAW_TARGET | GET_M, b"/", b"h\r\nX: y")),
    ("raw_asterisk", client_seed(RAW_TARGET | OPTIONS_M, b"*", b"h")),
    ("raw_absolute", client_seed(RAW_TARGET | GET_M, b"http://h/x", b"h")),
]


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


FRAMES = [
    ("one", 100, frame(b"hello")),
    ("empty_frames", 100, frame(b"") * 3),
    ("three", 100, frame(b"a") + frame(b"bb") + frame(b"ccc")),
    ("at_limit", 5, frame(b"12345")),
    ("over_limit", 4, frame(b"12345")),
    ("over_after_frames", 4, frame(b"ab") + frame(b"12345") + frame(b"x")),
    ("partial_header", 100, frame(b"abc") + b"\x00\x00"),
    ("partial_payload", 100, frame(b"abc") + b"\x00\x00\x00\x09abc"),
    ("max_zero", 0, frame(b"") + frame(b"x")),
    ("big_length", 0x80 + 2, struct.pack(">I", 0xFFFFFFFF) + b"zz"),
    ("large_limit", 0x80 + 1, frame(b"y" * 300) + frame(b"z" * 10)),
    ("binary", 64, frame(bytes(range(64))) + frame(b"\x00\x00\x00\x04")),
    ("header_only", 100, b"\x00\x00\x00"),
    ("empty_stream", 100, b""),
    ("one_byte_payloads", 1, b"".join(frame(bytes([c])) for c in b"abcdefgh")),
    ("limit_one_then_two", 1, frame(b"a") + frame(b"bb")),
    ("exact_127", 127, frame(b"q" * 127)),
    ("over_127", 127, frame(b"q" * 128)),
    ("length_2_pow_24", 0x80 + 127, struct.pack(">I", 1 << 24) + b"x"),
    ("length_bytes_high", 100, b"\x80\x00\x00\x01z"),
    ("echo_hello_twice", 0x80 + 2, frame(b"hello") * 2),
    ("frame_then_garbage", 10, frame(b"ok") + b"\xff\xff\xff\xff"),
    ("many_empty", 0, frame(b"") * 40),
    ("chat_lines", 0x80 + 4, frame(b"alice: hi\n") + frame(b"bob: hello\n") + frame(b"")),
]


def range_seed(size_class, n, text):
    return bytes([size_class]) + struct.pack(">Q", n) + text


FILES = [
    ("range_a_b", range_seed(1, 1000, b"bytes=0-499")),
    ("range_open", range_seed(1, 1000, b"bytes=500-")),
    ("range_suffix", range_seed(1, 1000, b"bytes=-200")),
    ("range_suffix_big", range_seed(0, 10, b"bytes=-200")),
    ("range_zero_suffix", range_seed(1, 10, b"bytes=-0")),
    ("range_past_end", range_seed(1, 10, b"bytes=10-20")),
    ("range_empty_size", range_seed(0, 0, b"bytes=0-")),
    ("range_reversed", range_seed(1, 100, b"bytes=9-3")),
    ("range_several", range_seed(1, 100, b"bytes=0-1,5-6")),
    ("range_spaces", range_seed(1, 100, b"bytes= 1 - 5 ")),
    ("range_units", range_seed(1, 100, b"items=0-1")),
    ("range_huge", range_seed(3, 0xFFFFFFFFFFFFFFFF, b"bytes=18446744073709551614-9999999999999999999")),
    ("range_19_digits", range_seed(3, 0x8000000000000000, b"bytes=9999999999999999999-")),
    ("date_imf", range_seed(0, 784111777, b"Sun, 06 Nov 1994 08:49:37 GMT")),
    ("date_rfc850", range_seed(0, 0, b"Sunday, 06-Nov-94 08:49:37 GMT")),
    ("date_asctime", range_seed(0, 951782400, b"Sun Nov  6 08:49:37 1994")),
    ("date_leap_second", range_seed(0, 253402300799, b"Fri, 31 Dec 9999 23:59:60 GMT")),
    ("date_feb_31", range_seed(0, 0, b"Sat, 31 Feb 2024 00:00:00 GMT")),
    ("date_1969", range_seed(0, 0, b"Wed, 31 Dec 1969 23:59:59 GMT")),
    ("date_lower_month", range_seed(0, 0, b"Sun, 06 nov 1994 08:49:37 GMT")),
    ("path_plain", range_seed(0, 0, b"docs/a%20b.txt")),
    ("path_dotdot", range_seed(0, 0, b"a/../b")),
    ("path_encoded_dotdot", range_seed(0, 0, b"a/%2e%2e/b")),
    ("path_encoded_slash", range_seed(0, 0, b"..%2fetc/passwd")),
    ("path_leading_slash", range_seed(0, 0, b"/etc/passwd")),
    ("path_encoded_leading_slash", range_seed(0, 0, b"%2fetc/passwd")),
    ("path_nul", range_seed(0, 0, b"a%00b")),
    ("path_backslash", range_seed(0, 0, b"a%5c..%5cb")),
    ("path_trailing_slash", range_seed(0, 0, b"dir/")),
    ("path_dot", range_seed(0, 0, b"./a")),
    ("path_bad_escape", range_seed(0, 0, b"a%zz")),
    ("path_escape_at_end", range_seed(0, 0, b"a%2")),
    ("path_dotfile", range_seed(0, 0, b".hidden/...x")),
    ("type_html", range_seed(0, 0, b"index.HTML")),
    ("type_none", range_seed(0, 0, b"dir.d/README")),
]


def main():
    for i, (name, data, limits) in enumerate(REQUESTS):
        pattern, param = SPLITS[i % len(SPLITS)]
        write("http_request", name, bytes([pattern, param, *limits]) + data)
    for i, (name, data, methods, limits) in enumerate(RESPONSES):
        pattern, param = SPLITS[i % len(SPLITS)]
        write("http_response_parse", name, bytes([pattern, param, *limits, methods]) + data)
    for name, data in WRITER:
        write("http_response_writer", name, data)
    for i, (name, max_byte, data) in enumerate(FRAMES):
        pattern, param = SPLITS[i % len(SPLITS)]
        write("framing", name, bytes([max_byte, pattern, param]) + data)
    for name, data in FILES:
        write("file_request", name, data)
    for name, data in CLIENT:
        write("http_client_request", name, data)


if __name__ == "__main__":
    main()
