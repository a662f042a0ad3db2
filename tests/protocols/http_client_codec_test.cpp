// Tests for the client side of HTTP/1.1: protocols/http/response_parser.hpp, client_response.hpp,
// request_writer.hpp and url.hpp. Every response table input is also fed split at every byte
// position and one byte at a time (as Beast's basic_parser tests do); the outcome must match.
#define BOOST_TEST_MODULE http_client_codec
#include <boost/test/unit_test.hpp>

#include "protocols/http/request_writer.hpp"
#include "protocols/http/response_parser.hpp"
#include "protocols/http/url.hpp"

#include <sstream>
#include <string>
#include <vector>

using namespace warren::http;
using namespace std::string_literals;

namespace {

void print(std::ostream& seen, const client_response& r) {
  seen << "HTTP/" << r.version_major << '.' << r.version_minor << ' ' << r.status << " ["
       << r.reason << "] keep_alive=" << r.keep_alive << " upgrade=" << r.upgrade;
  for (const auto& h : r.headers)
    seen << " [" << h.name << ": " << h.value << ']';
  seen << " body(" << r.body.size() << ")=" << r.body << '\n';
}

/// Feeds `input` in pieces cut at `cuts`, the way a connection does: unconsumed
/// bytes are kept and fed again with the next read. `methods[i]` is passed to
/// `expect` before response i. Ends with `finish_eof` unless a response
/// upgraded the connection. Returns a canonical text of everything observed.
std::string run(std::string_view input, const std::vector<std::size_t>& cuts,
                const std::vector<std::string>& methods, response_limits limits) {
  response_parser parser{limits};
  std::ostringstream seen;
  std::string pending;
  std::size_t from = 0, responses = 0;
  if (!methods.empty())
    parser.expect(methods[0]);
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t to = i < cuts.size() ? cuts[i] : input.size();
    pending.append(input.substr(from, to - from));
    from = to;
    for (;;) {
      auto res = parser.feed(pending);
      pending.erase(0, res.consumed);
      if (res.status == response_parse_status::need_more) {
        seen << (pending.empty() ? "" : "need_more left bytes!\n");
        break;
      }
      if (res.status == response_parse_status::error)
        return seen.str() + "error: " + res.error_reason + "\n";
      auto r = parser.take_response();
      print(seen, r);
      if (r.upgrade)
        return seen.str() + "then: " + pending + std::string(input.substr(from)) + "\n";
      if (++responses < methods.size())
        parser.expect(methods[responses]);
    }
  }
  auto res = parser.finish_eof();
  if (res.status == response_parse_status::response_ready)
    print(seen << "at eof: ", parser.take_response());
  else
    seen << (res.status == response_parse_status::error ? "error: "s + res.error_reason : "eof"s) << '\n';
  return seen.str();
}

/// Runs `input` whole, split in two at every position and byte by byte;
/// returns the whole-input outcome after checking that all runs agree.
std::string run_all_splits(std::string_view input, const std::vector<std::string>& methods,
                           response_limits limits) {
  auto whole = run(input, {}, methods, limits);
  std::vector<std::size_t> every;
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    every.push_back(cut);
    auto split = run(input, {cut}, methods, limits);
    BOOST_TEST(split == whole, "split at " << cut << ":\n" << split << "whole:\n" << whole);
  }
  BOOST_TEST(run(input, every, methods, limits) == whole, "byte-by-byte differs");
  return whole;
}

struct response_case {
  const char* name;
  std::string input;
  std::string expected; // canonical outcome, see run()
  std::vector<std::string> methods = {};
  response_limits limits = {};
};

std::string repeat(std::string_view s, int times) {
  std::string out;
  while (times-- > 0)
    out += s;
  return out;
}

/// {max_header_bytes, max_header_count, max_body_bytes}
const response_limits small_head{64, 3, 16};
const response_limits small_body{1024, 100, 16};

const std::string ok = "HTTP/1.1 200 OK\r\n";
const std::string chunked = ok + "Transfer-Encoding: chunked\r\n\r\n";
const std::string ok_empty = "HTTP/1.1 200 [OK] keep_alive=1 upgrade=0";
const std::string te_line = " [Transfer-Encoding: chunked]";
const std::string too_big = "response body too large", truncated = "response truncated by end of connection";

const std::vector<response_case> valid_cases = {
  {"nothing at all", "", "eof\n"},
  {"content-length", ok + "Content-Length: 5\r\n\r\nhello", ok_empty + " [Content-Length: 5] body(5)=hello\neof\n"},
  {"chunked with extensions and trailers",
   chunked + "5;a=1\r\nhello\r\n1;q=\"x y\"\r\n!\r\nA\r\n0123456789\r\n000\r\nX-Trailer: t\r\n\r\n",
   ok_empty + te_line + " body(16)=hello!0123456789\neof\n"},
  {"Chunked", ok + "Transfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
   ok_empty + " [Transfer-Encoding: Chunked] body(2)=hi\neof\n"},
  {"204 without body, then the next response", "HTTP/1.1 204 No Content\r\n\r\n" + ok + "Content-Length: 1\r\n\r\nx",
   "HTTP/1.1 204 [No Content] keep_alive=1 upgrade=0 body(0)=\n" + ok_empty + " [Content-Length: 1] body(1)=x\neof\n"},
  {"304 with content-length has no body",
   "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok",
   "HTTP/1.1 304 [Not Modified] keep_alive=1 upgrade=0 [Content-Length: 5] body(0)=\n" + ok_empty +
     " [Content-Length: 2] body(2)=ok\neof\n"},
  {"204 with chunked has no body", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
   "HTTP/1.1 204 [No Content] keep_alive=1 upgrade=0" + te_line + " body(0)=\neof\n"},
  // expect("HEAD") lasts for one response: the next one is read as an answer to GET.
  {"HEAD response with content-length has no body", ok + "Content-Length: 9\r\n\r\n" + ok + "Content-Length: 1\r\n\r\nx",
   ok_empty + " [Content-Length: 9] body(0)=\n" + ok_empty + " [Content-Length: 1] body(1)=x\neof\n",
   {"HEAD"}},
  {"HEAD response with chunked and an unknown coding", ok + "Transfer-Encoding: gzip, chunked\r\n\r\n",
   ok_empty + " [Transfer-Encoding: gzip, chunked] body(0)=\neof\n", {"HEAD"}},
  {"http/1.0 without content-length: read until EOF", "HTTP/1.0 200 OK\r\n\r\nhello\r\nworld",
   "at eof: HTTP/1.0 200 [OK] keep_alive=0 upgrade=0 body(12)=hello\r\nworld\n"},
  {"http/1.1 read until EOF is never kept alive", ok + "Connection: keep-alive\r\n\r\nrest",
   "at eof: HTTP/1.1 200 [OK] keep_alive=0 upgrade=0 [Connection: keep-alive] body(4)=rest\n"},
  {"100 Continue skipped", "HTTP/1.1 100 Continue\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok",
   ok_empty + " [Content-Length: 2] body(2)=ok\neof\n"},
  {"103 Early Hints with fields and 1xx content-length skipped",
   "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\nContent-Length: 3\r\n\r\n"
   "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
   "HTTP/1.1 201 [Created] keep_alive=1 upgrade=0 [Content-Length: 0] body(0)=\neof\n"},
  {"two pipelined responses", ok + "Content-Length: 1\r\n\r\na" + chunked + "1\r\nb\r\n0\r\n\r\n",
   ok_empty + " [Content-Length: 1] body(1)=a\n" + ok_empty + te_line + " body(1)=b\neof\n"},
  {"connection close; later bytes dropped",
   ok + "Connection: foo, close\r\nContent-Length: 1\r\n\r\nx" + ok + "Content-Length: 0\r\n\r\n",
   "HTTP/1.1 200 [OK] keep_alive=0 upgrade=0 [Connection: foo, close] [Content-Length: 1] body(1)=x\neof\n"},
  {"http/1.0 keep-alive, then 1.0 closing", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx"
   "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
   "HTTP/1.0 200 [OK] keep_alive=1 upgrade=0 [Connection: Keep-Alive] [Content-Length: 1] body(1)=x\n"
   "HTTP/1.0 200 [OK] keep_alive=0 upgrade=0 [Content-Length: 0] body(0)=\neof\n"},
  {"close wins over keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n",
   "HTTP/1.0 200 [OK] keep_alive=0 upgrade=0 [Connection: keep-alive, close] [Content-Length: 0] body(0)=\neof\n"},
  {"empty lines before a status line", ok + "Content-Length: 0\r\n\r\n\r\n\r\n" + ok + "Content-Length: 0\r\n\r\n",
   ok_empty + " [Content-Length: 0] body(0)=\n" + ok_empty + " [Content-Length: 0] body(0)=\neof\n"},
  {"reason phrases: none, empty, obs-text, tab",
   "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"
   "HTTP/1.1 299 Caf\xc3\xa9\tok\r\nContent-Length: 0\r\n\r\n",
   "HTTP/1.1 200 [] keep_alive=1 upgrade=0 [Content-Length: 0] body(0)=\n"
   "HTTP/1.1 200 [] keep_alive=1 upgrade=0 [Content-Length: 0] body(0)=\n"
   "HTTP/1.1 299 [Caf\xc3\xa9\tok] keep_alive=1 upgrade=0 [Content-Length: 0] body(0)=\neof\n"},
  {"whitespace around values trimmed", ok + "X-A: \t v  w \t\r\nX-E:\r\nContent-Length: 0\r\n\r\n",
   ok_empty + " [X-A: v  w] [X-E: ] [Content-Length: 0] body(0)=\neof\n"},
  // RFC 9112 5.2: a user agent unfolds obs-fold (the continuation keeps its whitespace).
  {"obs-fold unfolded", ok + "X: a\r\n  b\r\n\tc\r\nContent-Length: 0\r\n\r\n",
   ok_empty + " [X: a  b\tc] [Content-Length: 0] body(0)=\neof\n"},
  {"101 switching protocols hands over the rest",
   "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
   "HTTP/1.1 101 [Switching Protocols] keep_alive=0 upgrade=1 [Connection: Upgrade] [Upgrade: websocket] body(0)=\n"
   "then: \x81\x05hello\n"},
  {"2xx to CONNECT opens a tunnel", "HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0",
   "HTTP/1.1 200 [Connection established] keep_alive=0 upgrade=1 body(0)=\nthen: SSH-2.0\n", {"CONNECT"}},
  {"refused CONNECT is an ordinary response", "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno",
   "HTTP/1.1 403 [Forbidden] keep_alive=1 upgrade=0 [Content-Length: 2] body(2)=no\neof\n", {"CONNECT"}},
  // 64 bytes of head exactly: 17 + 45 + 2.
  {"head at max_header_bytes", ok + "X: " + std::string(40, 'v') + "\r\n\r\n",
   "at eof: HTTP/1.1 200 [OK] keep_alive=0 upgrade=0 [X: " + std::string(40, 'v') + "] body(0)=\n", {}, small_head},
  {"content-length at max_body_bytes", ok + "Content-Length: 16\r\n\r\n" + std::string(16, 'b'),
   ok_empty + " [Content-Length: 16] body(16)=" + std::string(16, 'b') + "\neof\n", {}, small_body},
  // A chunked payload is bounded exactly, whatever its framing: 16 one-byte chunks.
  {"chunked body at max_body_bytes", chunked + repeat("1\r\nc\r\n", 16) + "0\r\n\r\n",
   ok_empty + te_line + " body(16)=" + std::string(16, 'c') + "\neof\n", {}, small_body},
  {"read-until-close body at max_body_bytes", ok + "\r\n" + std::string(16, 'u'),
   "at eof: HTTP/1.1 200 [OK] keep_alive=0 upgrade=0 body(16)=" + std::string(16, 'u') + "\n", {},
   small_body},
};

const std::vector<response_case> invalid_cases = {
  {"two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "status code is not three digits"},
  {"four-digit status with a leading zero", "HTTP/1.1 0200 OK\r\n\r\n", "status code is not three digits"},
  {"status below 100", "HTTP/1.1 099 Odd\r\n\r\n", "status code below 100"},
  {"double space before status", "HTTP/1.1  200 OK\r\n\r\n", "status code is not three digits"},
  {"no space after status", "HTTP/1.1 200OK\r\n\r\n", "Invalid response status"},
  {"four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", "Response overflow"},
  {"lower-case protocol", "http/1.1 200 OK\r\n\r\n", "Expected HTTP/"},
  {"not http at all", "SSH-2.0-OpenSSH\r\n", "Expected HTTP/"},
  {"HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", "unsupported HTTP version"},
  {"HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", "Invalid HTTP version"},
  {"control character in reason", "HTTP/1.1 200 O\x01K\r\n\r\n", "control character in reason phrase"},
  {"NUL in reason", "HTTP/1.1 200 O\0K\r\n\r\n"s, "control character in reason phrase"},
  {"CR inside the status line", "HTTP/1.1 200 OK\rX\r\n\r\n", "CR not followed by LF"},
  {"bare LF after status line", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare LF line ending"},
  {"bare LF ending the head", ok + "Content-Length: 0\r\n\n", "bare LF line ending"},
  {"whitespace before the first field", ok + " X: a\r\nContent-Length: 0\r\n\r\n", "obsolete line folding"},
  // llhttp reads the continuation of a folded Content-Length as a second one.
  {"obs-fold in Content-Length", ok + "Content-Length: 1\r\n 0\r\n\r\n0123456789",
   "Duplicate Content-Length"},
  {"space before colon", ok + "X : a\r\n\r\n", "invalid header field name"},
  {"empty header name", ok + ": a\r\n\r\n", "invalid header field name"},
  {"control character in value", ok + "X: a\x01z\r\n\r\n", "Invalid header value char"},
  {"DEL in value", ok + "X: a\x7fz\r\n\r\n", "Invalid header value char"},
  {"NUL in value", ok + "X: a\0z\r\n\r\n"s, "Invalid header value char"},
  {"CL and TE", ok + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
   "Content-Length can't be present with Transfer-Encoding"},
  {"TE and CL", ok + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
   "Content-Length can't be present with Transfer-Encoding"},
  {"duplicate CL", ok + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nab", "Duplicate Content-Length"},
  {"CL with a sign", ok + "Content-Length: +2\r\n\r\nab", "Invalid character in Content-Length"},
  {"bad chunk size", chunked + "Z\r\nabc\r\n0\r\n\r\n", "Invalid character in chunk size"},
  {"chunk size overflow", chunked + "fffffffffffffffffff\r\n", "Chunk size overflow"},
  {"chunk data not followed by CRLF", chunked + "5\r\nhelloXY0\r\n\r\n", "chunk data not followed by CRLF"},
  {"CR without LF after chunk size", chunked + "5\rXhello\r\n0\r\n\r\n", "CR not followed by LF"},
  {"bare LF ending the chunked body", chunked + "0\r\n\n", "bare LF line ending"},
  {"bare LF in trailers", chunked + "0\r\nT: x\r\n\n", "bare LF line ending"},
  {"obs-fold in trailers", chunked + "0\r\nT: x\r\n y\r\n\r\n", "obsolete line folding"},
  {"unknown coding", ok + "Transfer-Encoding: gzip\r\n\r\nxx", "unsupported transfer coding"},
  {"gzip before chunked", ok + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "unsupported transfer coding"},
  {"chunked not last", ok + "Transfer-Encoding: chunked, gzip\r\n\r\n", "unsupported transfer coding"},
  {"chunked twice", ok + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "chunked applied more than once"},
  {"empty TE", ok + "Transfer-Encoding: \r\n\r\n", "empty Transfer-Encoding"},
  {"TE in 1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding in an HTTP/1.0 response"},
  {"head over max", ok + "X: " + std::string(41, 'v') + "\r\n\r\n", "response header section too large", {},
   small_head},
  {"interim heads count towards the limit", repeat("HTTP/1.1 100 Continue\r\n\r\n", 2) + ok + "\r\n",
   "response header section too large", {}, small_head},
  {"lone CRs", std::string(80, '\r'), "CR not followed by LF", {}, small_head},
  {"endless empty lines", repeat("\r\n", 40), "response header section too large", {}, small_head},
  {"too many fields", ok + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", "too many header fields", {}, small_head},
  {"content-length over max", ok + "Content-Length: 17\r\n\r\n", too_big, {}, small_head},
  {"chunk size over max", chunked + "11\r\n", too_big, {}, small_body},
  {"chunked body over max", chunked + "9\r\n123456789\r\n8\r\n12345678\r\n0\r\n\r\n", too_big, {}, small_body},
  // Framing gets the payload limit plus max_header_bytes again (16 + 16 + 1024 here).
  {"trailer flood", chunked + "0\r\nT: " + std::string(1100, 't') + "\r\n\r\n", too_big, {}, small_body},
  {"read-until-close body over max", ok + "\r\n" + std::string(17, 'u'), too_big, {}, small_body},
  {"EOF inside the head", ok + "Content-Len", truncated},
  {"EOF inside a content-length body", ok + "Content-Length: 5\r\n\r\nhel", truncated},
  {"EOF inside a chunked body", chunked + "5\r\nhello\r\n", truncated},
  {"EOF inside trailers", chunked + "0\r\nT: x\r\n", truncated},
  {"EOF after 100 Continue", "HTTP/1.1 100 Continue\r\n\r\n", truncated},
};

} // namespace

BOOST_AUTO_TEST_CASE(responses_at_every_split) {
  for (const auto& c : valid_cases)
    BOOST_TEST_CONTEXT(c.name) { BOOST_TEST(run_all_splits(c.input, c.methods, c.limits) == c.expected); }
  for (const auto& c : invalid_cases) // expected: the error reason
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(run_all_splits(c.input, c.methods, c.limits) == "error: " + c.expected + "\n");
    }
}

using st = response_parse_status;

BOOST_AUTO_TEST_CASE(pipelined_responses_come_one_at_a_time) {
  std::string one = ok + "Content-Length: 1\r\n\r\na", two = ok + "Content-Length: 0\r\n\r\n";
  std::string input = one + two;
  response_parser parser;
  auto res = parser.feed(input);
  BOOST_TEST((res.status == st::response_ready && res.consumed == one.size()));
  // Not taken yet: feeding again consumes nothing and repeats the event.
  res = parser.feed(input.data() + one.size(), two.size());
  BOOST_TEST((res.status == st::response_ready && res.consumed == 0u));
  auto first = parser.take_response();
  BOOST_TEST(first.find("content-LENGTH").value() == "1");
  BOOST_TEST(!first.find("X-Missing"));
  BOOST_TEST(parser.feed(input.data() + one.size(), two.size()).consumed == two.size());
  BOOST_TEST(parser.take_response().body.empty());
}

BOOST_AUTO_TEST_CASE(end_of_connection_and_sticky_errors) {
  response_parser idle;
  BOOST_TEST((idle.finish_eof().status == st::need_more));
  BOOST_TEST((idle.feed("late").status == st::need_more)); // discarded
  response_parser until_close;
  BOOST_TEST((until_close.feed(ok + "\r\nab").status == st::need_more));
  BOOST_TEST(until_close.has_partial_response());
  BOOST_TEST((until_close.finish_eof().status == st::response_ready));
  BOOST_TEST((until_close.finish_eof().status == st::response_ready)); // until taken
  auto r = until_close.take_response();
  BOOST_TEST((r.body == "ab" && !r.keep_alive && !until_close.has_partial_response()));
  response_parser failed;
  BOOST_TEST((failed.feed("HTTP/1.1 20 OK\r\n\r\n").status == st::error));
  BOOST_TEST(failed.failed());
  auto res = failed.feed(ok + "Content-Length: 0\r\n\r\n");
  BOOST_TEST((res.status == st::error && res.consumed == 0u));
  BOOST_TEST(std::string(res.error_reason) == "status code is not three digits");
  BOOST_TEST((failed.finish_eof().status == st::error));
}

BOOST_AUTO_TEST_CASE(default_limits_and_moved_parser) {
  response_limits limits;
  BOOST_TEST((limits.max_header_bytes == 64u << 10 && limits.max_header_count == 100u
              && limits.max_body_bytes == 64u << 20));
  std::string big_field = "X: " + std::string(64 * 1024 - ok.size() - 7, 'x') + "\r\n";
  response_parser at_limit, over, parser;
  BOOST_TEST((at_limit.feed(ok + big_field + "\r\n").status == st::need_more)); // body until EOF
  BOOST_TEST((over.feed(ok + "Y" + big_field + "\r\n").status == st::error));
  BOOST_TEST((parser.feed(nullptr, 0).status == st::need_more));
  BOOST_TEST((parser.feed(ok + "Content-Le").status == st::need_more));
  response_parser moved = std::move(parser); // llhttp's back pointer is set on each feed
  BOOST_TEST((moved.feed("ngth: 2\r\n\r\nhi").status == st::response_ready));
  BOOST_TEST(moved.take_response().body == "hi");
}

BOOST_AUTO_TEST_CASE(request_writer_bytes) {
  auto written = [](std::string_view method, std::string_view body, header_list headers = {}) {
    std::string out = "<previous>";
    BOOST_TEST(!write_request(method, "/p?q=1", "example.com:8080", headers, body, out));
    BOOST_TEST(out.rfind("<previous>", 0) == 0u); // appends, keeps what was there
    return out.substr(10);
  };
  const std::string start = " /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\n";
  const std::string agent = "User-Agent: warren\r\n";
  BOOST_TEST(written("GET", "") == "GET" + start + agent + "\r\n");
  BOOST_TEST(written("HEAD", "") == "HEAD" + start + agent + "\r\n");
  BOOST_TEST(written("DELETE", "") == "DELETE" + start + agent + "\r\n");
  BOOST_TEST(written("POST", "") == "POST" + start + agent + "Content-Length: 0\r\n\r\n");
  BOOST_TEST(written("PATCH", "") == "PATCH" + start + agent + "Content-Length: 0\r\n\r\n");
  BOOST_TEST(written("PUT", "data", {{"Content-Type", "text/plain"}, {"X-A", "1"}})
             == "PUT" + start + agent + "Content-Type: text/plain\r\nX-A: 1\r\nContent-Length: 4\r\n\r\ndata");
  BOOST_TEST(written("GET", "q", {{"user-agent", "probe/1"}, {"Connection", "close"}})
             == "GET" + start + "user-agent: probe/1\r\nConnection: close\r\nContent-Length: 1\r\n\r\nq");
}

BOOST_AUTO_TEST_CASE(request_writer_refusals) {
  struct row { std::string method, target, host; header_list headers; request_error expected; };
  using e = request_error;
  const std::vector<row> rows = {
    {"", "/", "h", {}, e::invalid_method}, {"GET /evil HTTP/1.1\r\nX:", "/", "h", {}, e::invalid_method},
    {"G(T", "/", "h", {}, e::invalid_method}, {"GET", "", "h", {}, e::invalid_target},
    {"GET", "/a b", "h", {}, e::invalid_target}, {"GET", "/\r\nX: y", "h", {}, e::invalid_target},
    {"GET", "/\x7f", "h", {}, e::invalid_target}, {"GET", "/caf\xc3\xa9", "h", {}, e::invalid_target},
    {"GET", "/", "", {}, e::invalid_host}, {"GET", "/", "h\r\nX: y", {}, e::invalid_host},
    {"GET", "/", "h h", {}, e::invalid_host}, {"GET", "/", "h", {{"X:Y", "v"}}, e::invalid_header_name},
    {"GET", "/", "h", {{"X Y", "v"}}, e::invalid_header_name}, {"GET", "/", "h", {{"", "v"}}, e::invalid_header_name},
    {"GET", "/", "h", {{"X\r\nY", "v"}}, e::invalid_header_name}, {"GET", "/", "h", {{"X", "a\nb"}}, e::invalid_header_value},
    {"GET", "/", "h", {{"X", "a\r\nEvil: 1"}}, e::invalid_header_value},
    {"GET", "/", "h", {{"X", "a\0b"s}}, e::invalid_header_value},
    {"GET", "/", "h", {{"host", "x"}}, e::reserved_header}, {"PUT", "/", "h", {{"Content-Length", "0"}}, e::reserved_header},
    {"POST", "/", "h", {{"Transfer-Encoding", "chunked"}}, e::reserved_header},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.method << ' ' << r.target << " host=" << r.host) {
      std::string out = "kept";
      BOOST_TEST((write_request(r.method, r.target, r.host, r.headers, "body", out) == make_error_code(r.expected)));
      BOOST_TEST(out == "kept"); // nothing appended
    }
  }
  BOOST_TEST(std::string(request_category().name()) == "warren.http.request");
  BOOST_TEST(make_error_code(e::reserved_header).message() == "header is set by the request writer");
}

BOOST_AUTO_TEST_CASE(parse_url_rows) {
  // Expected: host|port|target|host_header().
  const std::vector<std::pair<std::string, std::string>> valid = {
    {"http://example.com", "example.com|80|/|example.com"}, {"http://h?q", "h|80|/?q|h"},
    {"HTTP://Example.COM:8080/a/b?x=1&y=2#frag", "Example.COM|8080|/a/b?x=1&y=2|Example.COM:8080"},
    {"http://h#f", "h|80|/|h"}, {"http://h:80/", "h|80|/|h"}, {"http://0.0.0.0", "0.0.0.0|80|/|0.0.0.0"},
    {"http://my_host-1.local:65535/%20", "my_host-1.local|65535|/%20|my_host-1.local:65535"},
    {"http://127.0.0.1:1/p@q", "127.0.0.1|1|/p@q|127.0.0.1:1"}, {"http://[::]", "::|80|/|[::]"},
    {"http://[::1]:8080/x", "::1|8080|/x|[::1]:8080"}, {"http://[1:2:3:4:5:6::]", "1:2:3:4:5:6::|80|/|[1:2:3:4:5:6::]"},
    {"http://[2001:db8::8a2e:370:7334]/", "2001:db8::8a2e:370:7334|80|/|[2001:db8::8a2e:370:7334]"},
    {"http://[1:2:3:4:5:6:7:8]", "1:2:3:4:5:6:7:8|80|/|[1:2:3:4:5:6:7:8]"},
    {"http://[::ffff:192.0.2.1]:81", "::ffff:192.0.2.1|81|/|[::ffff:192.0.2.1]:81"},
    {"http://a.b.example.123/", "a.b.example.123|80|/|a.b.example.123"},
  };
  for (const auto& [text, expected] : valid) {
    auto u = parse_url(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_REQUIRE(u.has_value());
      BOOST_TEST(u->host + '|' + std::to_string(u->port) + '|' + u->target + '|' + u->host_header() == expected);
    }
  }
  BOOST_TEST((parse_url("http://[::1]/")->is_ipv6() && !parse_url("http://1.2.3.4/")->is_ipv6()));
  const std::vector<std::string> invalid = {
    "", "http://", "http:///p", "https://example.com/", "ftp://h/", "example.com", "//h/", "http:/h",
    "http://user@h/", "http://user:pw@h/", "http://h:/", "http://h:0/", "http://h:65536/", "http://h:123456/",
    "http://h:8a/", "http://h:-1/", "http://h:80:81/", "http:// h/", "http://h/a b", "http://h/\r\n",
    "http://caf\xc3\xa9.fr/", "http://h..a/", "http://.h/", "http://h./", "http://h%41/", "http://h!/",
    "http://1.2.3/", "http://1.2.3.4.5/", "http://256.1.1.1/", "http://010.0.0.1/", "http://1.2.3.4./",
    "http://[::1/", "http://[::1]x/", "http://[]/", "http://[:::]/", "http://[1::2::3]/",
    "http://[1:2:3:4:5:6:7:8:9]/", "http://[1:2:3:4:5:6:7]/", "http://[12345::]/", "http://[::1%25eth0]/",
    "http://[1:2:3:4:5:6:7:8::]/", "http://[::1:]/", "http://[:1::]/", "http://[1.2.3.4]/",
    "http://[::1.2.3]/", "http://::1/", "http://h\\@evil/",
  };
  for (const auto& text : invalid)
    BOOST_TEST(!parse_url(text).has_value(), "accepted: " << text);
  BOOST_TEST(!parse_url("http://"s + std::string(250, 'a') + ".com/").has_value()); // > 253 octets
  BOOST_TEST(!parse_url("http://"s + std::string(64, 'a') + ".com/").has_value());  // label > 63
  BOOST_TEST(parse_url("http://"s + std::string(63, 'a') + ".com/").has_value());
}
