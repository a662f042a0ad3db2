// Tables of valid and invalid requests for protocols/http/request_parser.hpp.
// Every table input is also fed split at every byte position and one byte at
// a time (as Beast's basic_parser tests do); the observed outcome must match.
// API tests (events, stickiness, defaults) are in http_request_test.cpp.
#define BOOST_TEST_MODULE http_parser
#include <boost/test/unit_test.hpp>

#include "protocols/http/request_parser.hpp"

#include <sstream>
#include <string>
#include <vector>

using namespace warren::http;
using namespace std::string_literals;

namespace {

/// Feeds `input` in pieces cut at `cuts`, the way a connection does: unconsumed
/// bytes are kept and fed again with the next read. Returns a canonical text
/// of everything observed (requests, 100-continue points, final error).
std::string run(std::string_view input, const std::vector<std::size_t>& cuts,
                parser_limits limits = {}) {
  request_parser parser{limits};
  std::ostringstream seen;
  std::string pending;
  std::size_t from = 0;
  std::size_t requests = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t to = i < cuts.size() ? cuts[i] : input.size();
    pending.append(input.substr(from, to - from));
    from = to;
    for (;;) {
      auto res = parser.feed(pending);
      pending.erase(0, res.consumed);
      if (res.status == parse_status::need_more) {
        if (!pending.empty())
          seen << "need_more left bytes!\n";
        break;
      }
      if (res.status == parse_status::error) {
        seen << "error " << res.error_status << '\n';
        return seen.str();
      }
      if (res.status == parse_status::expect_continue) {
        seen << "continue before request " << requests << '\n';
        continue;
      }
      auto r = parser.take_request();
      ++requests;
      seen << r.method << ' ' << r.target << " HTTP/" << r.version_major << '.'
           << r.version_minor << " keep_alive=" << r.keep_alive
           << " continue=" << r.expects_continue << " upgrade=" << r.upgrade;
      for (const auto& h : r.headers)
        seen << " [" << h.name << ": " << h.value << ']';
      seen << " body(" << r.body.size() << ")=" << r.body << '\n';
      parser.recycle(std::move(r));  // as a connection does: the next request reuses its memory
    }
  }
  return seen.str();
}

/// Runs `input` whole, split in two at every position and byte by byte;
/// returns the whole-input outcome after checking that all runs agree.
std::string run_all_splits(std::string_view input, parser_limits limits = {}) {
  auto whole = run(input, {}, limits);
  std::vector<std::size_t> every;
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    every.push_back(cut);
    auto split = run(input, {cut}, limits);
    BOOST_TEST(split == whole, "split at " << cut << ":\n" << split << "whole:\n" << whole);
  }
  BOOST_TEST(run(input, every, limits) == whole, "byte-by-byte differs");
  return whole;
}

struct valid_case {
  const char* name;
  std::string input;
  std::string expected; // canonical outcome, see run()
  parser_limits limits = {};
};

struct invalid_case {
  const char* name;
  std::string input;
  int status;
  parser_limits limits = {};
};

std::string repeat(std::string_view s, int times) {
  std::string out;
  while (times-- > 0)
    out += s;
  return out;
}

parser_limits small_limits() {
  parser_limits l;
  l.max_header_bytes = 64;
  l.max_header_count = 3;
  l.max_body_bytes = 16;
  return l;
}

const std::string host = "Host: a\r\n";
const std::string chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

const std::vector<valid_case> valid_cases = {
  {"get", "GET / HTTP/1.1\r\n" + host + "\r\n",
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"},
  {"absolute-form http and https",
   "GET HTTP://a/x HTTP/1.1\r\n" + host + "\r\nGET https://a HTTP/1.1\r\n" + host + "\r\n",
   "GET HTTP://a/x HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"
   "GET https://a HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"},
  {"Host forms of RFC 3986",
   "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\nGET / HTTP/1.1\r\nHost: ex-1.example.com:\r\n\r\n"
   "GET / HTTP/1.1\r\nHost:\r\n\r\nGET / HTTP/1.1\r\nHost: a_b~c%41!$&'()*+,;=\r\n\r\n",
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: [::1]:8080] body(0)=\n"
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: ex-1.example.com:] body(0)=\n"
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: ] body(0)=\n"
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a_b~c%41!$&'()*+,;=] body(0)=\n"},
  {"leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\n" + host + "\r\n",
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"},
  {"whitespace around values trimmed", "GET /x?q=1 HTTP/1.1\r\nHost:a\r\nX-A: \t v  w \t\r\nX-E:\r\n\r\n",
   "GET /x?q=1 HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [X-A: v  w] [X-E: ] body(0)=\n"},
  {"http/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n",
   "GET / HTTP/1.0 keep_alive=0 continue=0 upgrade=0 body(0)=\n"},
  {"http/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
   "GET / HTTP/1.0 keep_alive=1 continue=0 upgrade=0 [Connection: Keep-Alive] body(0)=\n"
   "GET /2 HTTP/1.0 keep_alive=0 continue=0 upgrade=0 body(0)=\n"},
  {"http/1.1 connection close; later bytes dropped",
   "GET / HTTP/1.1\r\n" + host + "Connection: foo, close\r\n\r\nGET /2 HTTP/1.1\r\n" + host + "\r\n",
   "GET / HTTP/1.1 keep_alive=0 continue=0 upgrade=0 [Host: a] [Connection: foo, close] body(0)=\n"},
  {"close wins over keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
   "GET / HTTP/1.0 keep_alive=0 continue=0 upgrade=0 [Connection: keep-alive, close] body(0)=\n"},
  {"post with content-length", "POST /p HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhello",
   "POST /p HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Content-Length: 5] body(5)=hello\n"},
  {"chunked with extensions and trailers",
   chunked + "5;a=1\r\nhello\r\n1;q=\"x y\"\r\n!\r\n000\r\nX-Trailer: t\r\n\r\n",
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: chunked] body(6)=hello!\n"},
  {"chunked coding name is case-insensitive",
   "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: Chunked] body(10)=0123456789\n"},
  {"pipelined three",
   "GET /1 HTTP/1.1\r\n" + host + "\r\nPOST /2 HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\nok" + chunked +
   "2\r\nhi\r\n0\r\n\r\n",
   "GET /1 HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"
   "POST /2 HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Content-Length: 2] body(2)=ok\n"
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: chunked] body(2)=hi\n"},
  {"expect 100-continue", "PUT /u HTTP/1.1\r\n" + host + "Expect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc",
   "continue before request 0\n"
   "PUT /u HTTP/1.1 keep_alive=1 continue=1 upgrade=0 [Host: a] [Expect: 100-Continue] [Content-Length: 3] body(3)=abc\n"},
  {"expect without body: no signal", "GET / HTTP/1.1\r\n" + host + "Expect: 100-continue\r\n\r\n",
   "GET / HTTP/1.1 keep_alive=1 continue=1 upgrade=0 [Host: a] [Expect: 100-continue] body(0)=\n"},
  {"expect ignored on http/1.0", "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
   "POST / HTTP/1.0 keep_alive=0 continue=0 upgrade=0 [Expect: 100-continue] [Content-Length: 1] body(1)=x\n"},
  {"head", "HEAD /h HTTP/1.1\r\n" + host + "\r\n",
   "HEAD /h HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"},
  {"ignored upgrade, then plain http",
   "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.1\r\n" + host + "\r\n",
   "GET /ws HTTP/1.1 keep_alive=1 continue=0 upgrade=1 [Host: a] [Connection: Upgrade] [Upgrade: websocket] body(0)=\n"
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"},
  // 64 bytes of head exactly: 16 + 9 + 37 + 2.
  {"head at max_header_bytes", "GET / HTTP/1.1\r\n" + host + "X: " + std::string(32, 'v') + "\r\n\r\n",
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [X: " + std::string(32, 'v') + "] body(0)=\n",
   small_limits()},
  {"max_header_count fields", "GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\n\r\n",
   "GET / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [B: 2] [C: 3] body(0)=\n", small_limits()},
  // The limit is on the payload: chunk framing does not eat into it.
  {"chunked payload at max_body_bytes", chunked + repeat("4\r\nabcd\r\n", 4) + "0\r\n\r\n",
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: chunked] body(16)="
     + repeat("abcd", 4) + "\n",
   small_limits()},
  {"content-length at max_body_bytes", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 16\r\n\r\n" + std::string(16, 'b'),
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Content-Length: 16] body(16)=" + std::string(16, 'b') + "\n",
   small_limits()},
  // Chunked bodies are bounded as sent: "6\r\n" + 6 + "\r\n0\r\n\r\n" = 16 bytes.
  {"chunked body at max_body_bytes", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsixsix\r\n0\r\n\r\n",
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: chunked] body(6)=sixsix\n",
   parser_limits{1024, 100, 16}},
  // Chunk data is not framing: CR, LF and whitespace in it pass as they are.
  {"line breaks inside chunk data", chunked + "6\r\n\r\n\n\r \t\r\n0\r\n\r\n",
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: chunked] body(6)=\r\n\n\r \t\n"},
  {"chunk extensions: flag, quoted empty, quoted then token, on the last chunk",
   chunked + "3;a;b=\"\"\r\nabc\r\n1;q=\"v\";t=u\r\nd\r\n0;x=y\r\n\r\n",
   "POST / HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] [Transfer-Encoding: chunked] body(4)=abcd\n"},
  {"chunked with expect 100-continue, trailers, then pipelined",
   "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
   "2\r\nhi\r\n0\r\nT1: x\r\nT-2:y \r\n\r\nGET /n HTTP/1.1\r\n" + host + "\r\n",
   "continue before request 0\n"
   "POST / HTTP/1.1 keep_alive=1 continue=1 upgrade=0 [Host: a] [Expect: 100-continue] [Transfer-Encoding: chunked] body(2)=hi\n"
   "GET /n HTTP/1.1 keep_alive=1 continue=0 upgrade=0 [Host: a] body(0)=\n"},
};

const std::vector<invalid_case> invalid_cases = {
  {"space after version", "GET / HTTP/1.1 \r\n" + host + "\r\n", 400},
  {"space in target", "GET /a b HTTP/1.1\r\n" + host + "\r\n", 400},
  {"lower-case protocol", "GET / http/1.1\r\n" + host + "\r\n", 400},
  {"lower-case method", "get / HTTP/1.1\r\n" + host + "\r\n", 400},
  {"unknown method", "FOO / HTTP/1.1\r\n" + host + "\r\n", 400},
  {"no version (HTTP/0.9 form)", "GET /\r\n\r\n", 400},
  {"garbled version", "GET / HTTP/1.x\r\n" + host + "\r\n", 400},
  {"non-ascii target", "GET /\xc3\xa9 HTTP/1.1\r\n" + host + "\r\n", 400},
  {"bad header name char", "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", 400},
  {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
  {"empty header name", "GET / HTTP/1.1\r\n" + host + ": x\r\n\r\n", 400},
  {"missing colon", "GET / HTTP/1.1\r\n" + host + "NoColon\r\n\r\n", 400},
  {"bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", 400},
  {"bare LF after a header", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400},
  {"bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400},
  {"whitespace before first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400},
  {"obs-fold", "GET / HTTP/1.1\r\n" + host + "X: a\r\n b\r\n\r\n", 400},
  {"obs-fold after empty value", "GET / HTTP/1.1\r\n" + host + "X:\r\n\tb\r\n\r\n", 400},
  {"NUL in value", "GET / HTTP/1.1\r\n" + host + "X: a\0b\r\n\r\n"s, 400},
  {"CR in value", "GET / HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n", 400},
  {"missing Host", "GET / HTTP/1.1\r\n\r\n", 400},
  {"two Host fields", "GET / HTTP/1.1\r\n" + host + host + "\r\n", 400},
  {"CL then TE", "POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  {"TE then CL", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
  {"conflicting CL", "POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
  // Decision: identical duplicates are refused too (llhttp does; RFC 9112 6.3 allows either).
  {"identical duplicate CL", "POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
  {"CL list", "POST / HTTP/1.1\r\n" + host + "Content-Length: 3, 3\r\n\r\nabc", 400},
  {"negative CL", "POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400},
  {"CL overflow", "POST / HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999999\r\n\r\n", 400},
  {"invalid chunk size", chunked + "Z\r\nabc\r\n0\r\n\r\n", 400},
  {"chunk size overflow", chunked + "fffffffffffffffffff\r\n", 400},
  {"chunk data longer than size", chunked + "3\r\nabcd\r\n0\r\n\r\n", 400},
  // Chunk framing that llhttp 8.1 (loose build) lets through: CRLF after the
  // data, CR only in CRLF, no bare LF, no obs-fold (chunk_framing.hpp).
  {"XY instead of CRLF after chunk data", chunked + "3\r\nabcXY0\r\n\r\n", 400},
  {"chunk data one longer, then bare LF", chunked + "3\r\nabcd\n0\r\n\r\n", 400},
  {"bare LF after chunk data", chunked + "3\r\nabc\n0\r\n\r\n", 400},
  {"bare CR after chunk data", chunked + "3\r\nabc\r0\r\n\r\n", 400},
  {"CR without LF after chunk size", chunked + "3\rXabc\r\n0\r\n\r\n", 400},
  {"bare LF after chunk size", chunked + "3\nabc\r\n0\r\n\r\n", 400},
  {"bare LF after chunk extension", chunked + "3;a=b\nabc\r\n0\r\n\r\n", 400},
  {"bare LF ending the chunked body", chunked + "0\r\n\n", 400},
  {"bare LF ending the body, then a request", chunked + "0\r\n\nGET /x HTTP/1.1\r\n" + host + "\r\n", 400},
  {"CR CR LF ending the chunked body", chunked + "0\r\n\r\r\n", 400},
  {"CR and any byte ending the chunked body", chunked + "0\r\n\rX", 400},
  {"bare LF in trailers", chunked + "0\r\nT: x\r\n\n", 400},
  {"bare LF ending a trailer", chunked + "0\r\nT: x\nU: y\r\n\r\n", 400},
  {"CR and any byte after trailers", chunked + "0\r\nT: x\r\n\rX", 400},
  {"obs-fold in trailers", chunked + "0\r\nT: x\r\n y\r\n\r\n", 400},
  {"obs-fold with HTAB in trailers", chunked + "0\r\nT: x\r\n\ty\r\n\r\n", 400},
  {"whitespace before the first trailer", chunked + "0\r\n T: x\r\n\r\n", 400},
  {"space before colon in a trailer", chunked + "0\r\nT : x\r\n\r\n", 400},
  {"empty trailer name", chunked + "0\r\n: x\r\n\r\n", 400},
  {"empty chunk extension name", chunked + "3;=b\r\nabc\r\n0\r\n\r\n", 400},
  {"empty chunk extension value", chunked + "3;a=\r\nabc\r\n0\r\n\r\n", 400},
  // llhttp 8.1 bug (fixed upstream in nodejs/llhttp#248): an unquoted extension
  // value followed by another extension is refused.
  {"llhttp 8.1: two token extensions", chunked + "3;a=b;c=d\r\nabc\r\n0\r\n\r\n", 400},
  // llhttp 8.1 also refuses a quoted-pair in a quoted extension value.
  {"llhttp 8.1: quoted-pair in extension", chunked + "3;a=\"b\\\"c\"\r\nabc\r\n0\r\n\r\n", 400},
  {"asterisk-form with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400},
  {"absolute-form of another scheme", "GET ftp://a/x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
  {"absolute-form without a scheme", "GET a/x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
  {"Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
  {"Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
  {"Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400},
  {"Host with a query", "GET / HTTP/1.1\r\nHost: a?b\r\n\r\n", 400},
  {"Host with a quote", "GET / HTTP/1.1\r\nHost: \"a\"\r\n\r\n", 400},
  {"Host with a letter port", "GET / HTTP/1.1\r\nHost: a:abc\r\n\r\n", 400},
  {"Host with a long port", "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", 400},
  {"Host with two ports", "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400},
  {"Host with an open bracket", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400},
  {"Host with a bad escape", "GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", 400},
  {"unknown coding", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 501},
  {"unknown coding before chunked", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
  {"identity coding", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: identity\r\n\r\n", 501},
  {"CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501},
  {"CONNECT with a body that looks like a request",
   "CONNECT a:443 HTTP/1.1\r\nHost: a\r\nContent-Length: 27\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n", 501},
  {"chunked not last", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400},
  {"chunked twice", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  {"empty TE", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: \r\n\r\n", 400},
  {"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
  {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400},
  {"HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + host + "\r\n", 505},
  {"HTTP/3.0", "GET / HTTP/3.0\r\n" + host + "\r\n", 505},
  {"HTTP/1.2", "GET / HTTP/1.2\r\n" + host + "\r\n", 505},
  {"head over max_header_bytes", "GET / HTTP/1.1\r\n" + host + "X: " + std::string(33, 'v') + "\r\n\r\n", 431,
   small_limits()},
  {"request target over max_header_bytes", "GET /" + std::string(100, 'u') + " HTTP/1.1\r\n" + host + "\r\n", 414,
   small_limits()},
  {"endless request target", "GET /" + std::string(200, 'u'), 414, small_limits()},
  {"endless header line", "GET / HTTP/1.1\r\nX: " + std::string(200, 'v'), 431, small_limits()},
  {"endless empty lines", repeat("\r\n", 40), 431, small_limits()},
  {"too many fields", "GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431, small_limits()},
  {"content-length over max", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n", 413, small_limits()},
  {"chunked body over max", chunked + "9\r\n123456789\r\n9\r\n123456789\r\n0\r\n\r\n", 413, small_limits()},
  // Framing beyond the allowance (payload limit + max_header_bytes: 80 bytes here) is 413.
  {"chunk extension flood", chunked + "1;" + std::string(120, 'e') + "\r\nx\r\n0\r\n\r\n", 413, small_limits()},
  {"trailer flood", chunked + "0\r\nT: " + std::string(120, 't') + "\r\n\r\n", 413, small_limits()},
  {"leading zeros flood", chunked + std::string(120, '0') + "1\r\nx\r\n0\r\n\r\n", 413, small_limits()},
  {"one-byte chunks flood", chunked + repeat("1\r\nx\r\n", 16) + "0\r\n\r\n", 413, small_limits()},
  {"chunk size over max", chunked + "11\r\n", 413, small_limits()},
  // Over the limit first, bad framing later: 413 whatever the split.
  {"trailer flood, then bare LF", chunked + "0\r\nT: " + std::string(120, 't') + "\r\n\n", 413, small_limits()},
  {"chunked body over max, then bad framing", chunked + "9\r\n123456789\r\n8\r\n12345678XY", 413, small_limits()},
};

} // namespace

BOOST_AUTO_TEST_CASE(valid_requests_at_every_split) {
  for (const auto& c : valid_cases) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(run_all_splits(c.input, c.limits) == c.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_requests_at_every_split) {
  for (const auto& c : invalid_cases) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(run_all_splits(c.input, c.limits) == "error " + std::to_string(c.status) + "\n");
    }
  }
}
