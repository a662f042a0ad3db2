// Tests for protocols/http/request.hpp and for request_parser's API: events,
// consumed counts, sticky errors, defaults, moves. (http_parser_test.cpp feeds
// its tables of good and bad input at every split.)
#define BOOST_TEST_MODULE http_request
#include <boost/test/unit_test.hpp>

#include "protocols/http/request_parser.hpp"

#include <string>

using namespace warren::http;
using namespace std::string_literals;

namespace {

/// Parses one complete request fed whole.
request parse_one(std::string_view input) {
  request_parser parser;
  auto res = parser.feed(input);
  BOOST_REQUIRE(res.status == parse_status::request_ready);
  BOOST_TEST(res.consumed == input.size());
  return parser.take_request();
}

} // namespace

BOOST_AUTO_TEST_CASE(header_lookup_is_case_insensitive) {
  auto r = parse_one("GET / HTTP/1.1\r\nHost: a\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n");
  BOOST_TEST(r.find("HOST").value() == "a");
  BOOST_TEST(r.find("x-DUP").value() == "1"); // the first of duplicates
  BOOST_TEST(!r.find("X-Missing"));
  BOOST_TEST(count_header(r.headers, "X-Dup") == 2u);
}

BOOST_AUTO_TEST_CASE(path_and_query) {
  auto r = parse_one("GET /a/b%20c?x=1&y=?2#f HTTP/1.1\r\nHost: a\r\n\r\n");
  BOOST_TEST(r.target == "/a/b%20c?x=1&y=?2#f");
  BOOST_TEST(r.path() == "/a/b%20c");
  BOOST_TEST(r.query() == "x=1&y=?2");
  BOOST_TEST(parse_one("GET /p HTTP/1.1\r\nHost: a\r\n\r\n").query() == "");
  BOOST_TEST(parse_one("GET http://h.example/x/y?q HTTP/1.1\r\nHost: h\r\n\r\n").path() == "/x/y");
  BOOST_TEST(parse_one("GET http://h.example?q HTTP/1.1\r\nHost: h\r\n\r\n").path() == "/");
  BOOST_TEST(parse_one("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").path() == "*");
  request authority_form;
  authority_form.target = "h.example:443";  // CONNECT's form; the parser refuses CONNECT (501)
  BOOST_TEST(authority_form.path() == "h.example:443");
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
  BOOST_TEST(percent_decode("/a%20b%2Fc+d").value() == "/a b/c+d");
  BOOST_TEST(percent_decode("").value() == "");
  BOOST_TEST(!percent_decode("%"));
  BOOST_TEST(!percent_decode("abc%4"));
  BOOST_TEST(!percent_decode("%zz"));
  BOOST_TEST(!percent_decode("a%00b"));
  BOOST_TEST(!percent_decode("a\0b"s));
}

BOOST_AUTO_TEST_CASE(expect_continue_stops_before_the_body) {
  std::string head = "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  std::string input = head + "data";
  request_parser parser;
  auto res = parser.feed(input);
  BOOST_TEST((res.status == parse_status::expect_continue));
  BOOST_TEST(res.consumed == head.size());
  BOOST_TEST(parser.current().target == "/up");
  BOOST_TEST(parser.has_partial_request());
  res = parser.feed(input.data() + res.consumed, input.size() - res.consumed);
  BOOST_TEST((res.status == parse_status::request_ready));
  BOOST_TEST(parser.take_request().body == "data");
  BOOST_TEST(!parser.has_partial_request());
}

BOOST_AUTO_TEST_CASE(oversized_content_length_refused_before_continue) {
  parser_limits limits;
  limits.max_body_bytes = 10;
  request_parser parser{limits};
  auto res = parser.feed("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
  BOOST_TEST((res.status == parse_status::error));
  BOOST_TEST(res.error_status == 413);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_come_one_at_a_time) {
  std::string one = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string two = "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string input = one + two;
  request_parser parser;
  auto res = parser.feed(input);
  BOOST_TEST((res.status == parse_status::request_ready));
  BOOST_TEST(res.consumed == one.size());
  // Not taken yet: feeding again consumes nothing and repeats the event.
  res = parser.feed(input.data() + one.size(), two.size());
  BOOST_TEST((res.status == parse_status::request_ready));
  BOOST_TEST(res.consumed == 0u);
  BOOST_TEST(parser.take_request().target == "/1");
  res = parser.feed(input.data() + one.size(), two.size());
  BOOST_TEST(res.consumed == two.size());
  BOOST_TEST(parser.take_request().target == "/2");
}

BOOST_AUTO_TEST_CASE(partial_request_tracking) {
  request_parser parser;
  BOOST_TEST(!parser.has_partial_request());
  BOOST_TEST((parser.feed("GET / HT").status == parse_status::need_more));
  BOOST_TEST(parser.has_partial_request());
  BOOST_TEST((parser.feed("TP/1.1\r\nHost: a\r\n\r\n").status == parse_status::request_ready));
  BOOST_TEST(!parser.has_partial_request());
}

BOOST_AUTO_TEST_CASE(errors_are_sticky) {
  request_parser parser;
  auto res = parser.feed("GET / HTTP/1.1\r\nHost a\r\n\r\n");
  BOOST_TEST((res.status == parse_status::error));
  BOOST_TEST(res.error_status == 400);
  BOOST_TEST(std::string(res.error_reason).size() > 0u);
  BOOST_TEST(parser.failed());
  res = parser.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  BOOST_TEST((res.status == parse_status::error));
  BOOST_TEST(res.error_status == 400);
  BOOST_TEST(res.consumed == 0u);
}

BOOST_AUTO_TEST_CASE(restart_forgets_everything_but_memory) {
  request_parser parser{parser_limits{64, 100, 1024}};
  BOOST_TEST((parser.feed("POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
                .status
              == parse_status::request_ready));
  auto first = parser.take_request();
  parser.recycle(std::move(first));
  BOOST_TEST((parser.feed("GET / HTTP/1.1\r\nHost a\r\n\r\n").status == parse_status::error));
  // A failed parser, restarted with other limits, parses as a new one with those limits.
  parser.restart(parser_limits{});
  BOOST_TEST(!parser.failed());
  BOOST_TEST(!parser.has_partial_request());
  auto long_target = "/" + std::string(100, 'x');
  BOOST_TEST((parser.feed("GET " + long_target + " HTTP/1.0\r\nHost: b\r\n\r\n").status
              == parse_status::request_ready));
  auto second = parser.take_request();
  BOOST_TEST(second.target == long_target);
  BOOST_TEST(second.headers.size() == 1u);
  BOOST_TEST(second.body.empty());
  BOOST_TEST(!second.keep_alive);
  // Half a request, then a restart: the half is gone.
  request_parser half;
  BOOST_TEST((half.feed("GET /a HTTP/1.1\r\nX: 1\r\n").status == parse_status::need_more));
  half.restart(parser_limits{});
  BOOST_TEST((half.feed("GET /b HTTP/1.1\r\nHost: c\r\n\r\n").status
              == parse_status::request_ready));
  auto third = half.take_request();
  BOOST_TEST(third.target == "/b");
  BOOST_TEST(third.headers.size() == 1u);
}

BOOST_AUTO_TEST_CASE(recycling_is_ignored_while_a_request_is_under_way) {
  request_parser parser;
  BOOST_TEST((parser.feed("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nX-A: 1\r\n")
                .status
              == parse_status::request_ready));
  auto first = parser.take_request();
  BOOST_TEST((parser.feed("GET /2 HTTP/1.1\r\nX-A: 1\r\n").status == parse_status::need_more));
  parser.recycle(std::move(first));
  BOOST_TEST((parser.feed("Host: b\r\n\r\n").status == parse_status::request_ready));
  auto second = parser.take_request();
  BOOST_TEST(second.target == "/2");
  BOOST_TEST(second.headers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(default_limits) {
  parser_limits limits;
  BOOST_TEST(limits.max_header_bytes == 16u * 1024);
  BOOST_TEST(limits.max_header_count == 100u);
  BOOST_TEST(limits.max_body_bytes == 8u * 1024 * 1024);
  std::string fields;
  for (int i = 0; i < 100; ++i)
    fields += "F" + std::to_string(i) + ": v\r\n";
  request_parser over;
  BOOST_TEST(over.feed("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n").error_status == 431);
  request_parser at_limit;
  fields.erase(0, fields.find('\n') + 1); // 99 fields + Host = 100
  BOOST_TEST((at_limit.feed("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n").status
              == parse_status::request_ready));
  request_parser big;
  auto res = big.feed("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(16 * 1024, 'x') + "\r\n\r\n");
  BOOST_TEST(res.error_status == 431);
}

BOOST_AUTO_TEST_CASE(empty_feed_and_moved_parser) {
  request_parser parser;
  BOOST_TEST((parser.feed(nullptr, 0).status == parse_status::need_more));
  BOOST_TEST((parser.feed("GET / HTTP/1.1\r\nHo").status == parse_status::need_more));
  request_parser moved = std::move(parser); // llhttp's back pointer is set on each feed
  BOOST_TEST((moved.feed("st: a\r\n\r\n").status == parse_status::request_ready));
  BOOST_TEST(moved.take_request().find("Host").value() == "a");
}

BOOST_AUTO_TEST_CASE(malformed_chunk_framing_is_named) {
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  struct bad {
    std::string body;
    std::string reason;
  };
  const bad cases[] = {
    {"3\r\nabcXY0\r\n\r\n", "chunk data not followed by CRLF"},
    {"3\rXabc\r\n0\r\n\r\n", "CR not followed by LF"},
    {"0\r\n\n", "bare LF line ending"},
    {"0\r\nT: x\r\n\n", "bare LF line ending"},
    {"0\r\nT: x\r\n y\r\n\r\n", "obsolete line folding"},
    {"0\r\nT : x\r\n\r\n", "invalid trailer field name"},
    {"3;=b\r\nabc\r\n0\r\n\r\n", "empty chunk extension name"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.body) {
      request_parser parser;
      auto res = parser.feed(head + c.body);
      BOOST_TEST((res.status == parse_status::error));
      BOOST_TEST(res.error_status == 400);
      BOOST_TEST(res.error_reason == c.reason);
    }
  }
}
