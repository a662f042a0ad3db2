// Tests for protocols/http/response_writer.hpp, response.hpp, date_cache.hpp, status.hpp.
#define BOOST_TEST_MODULE http_response
#include <boost/test/unit_test.hpp>

#include "protocols/http/response_writer.hpp"
#include "protocols/http/status.hpp"

#include <string>

using namespace warren::http;
using namespace std::string_literals;

namespace {

std::time_t fixed_clock() {
  return 784111777; // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
}

const std::string date = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";

/// Writes `r` for a request described by `ctx`; returns the bytes (or the error text).
std::string written(const response& r, response_context ctx = {}) {
  date_cache dates{&fixed_clock};
  response_writer writer{dates};
  std::string out = "<previous>";
  if (auto ec = writer.write(r, ctx, out))
    return "refused: " + ec.message();
  BOOST_TEST(out.rfind("<previous>", 0) == 0u); // appends, keeps what was there
  return out.substr(10);
}

response with_header(std::string name, std::string value) {
  response r{200, "x"};
  r.add_header(std::move(name), std::move(value));
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(date_format) {
  BOOST_TEST(date_cache::format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  BOOST_TEST(date_cache::format(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  BOOST_TEST(date_cache::format(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
  date_cache dates{&fixed_clock};
  auto first = dates.now();
  BOOST_TEST(first == "Sun, 06 Nov 1994 08:49:37 GMT");
  BOOST_TEST(dates.now().data() == first.data()); // same second: not reformatted
  date_cache real;
  BOOST_TEST(real.now().size() == 29u);
}

BOOST_AUTO_TEST_CASE(reason_phrases) {
  BOOST_TEST(reason_phrase(200) == "OK");
  BOOST_TEST(reason_phrase(413) == "Content Too Large");
  BOOST_TEST(reason_phrase(431) == "Request Header Fields Too Large");
  BOOST_TEST(reason_phrase(505) == "HTTP Version Not Supported");
  BOOST_TEST(reason_phrase(299) == "Unknown");
  BOOST_TEST(!status_allows_body(100));
  BOOST_TEST(!status_allows_body(204));
  BOOST_TEST(!status_allows_body(304));
  BOOST_TEST(status_allows_body(200));
  BOOST_TEST(status_allows_body(404));
}

BOOST_AUTO_TEST_CASE(simple_ok) {
  BOOST_TEST(written(response{200, "hello", "text/plain"}) ==
             "HTTP/1.1 200 OK\r\nServer: warren\r\n" + date +
             "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
}

BOOST_AUTO_TEST_CASE(closing_and_http10_keep_alive) {
  response_context closing;
  closing.keep_alive = false;
  BOOST_TEST(written(response{404}, closing) ==
             "HTTP/1.1 404 Not Found\r\nServer: warren\r\n" + date +
             "Content-Length: 0\r\nConnection: close\r\n\r\n");
  response_context http10;
  http10.version_minor = 0;
  BOOST_TEST(written(response{200}, http10) ==
             "HTTP/1.1 200 OK\r\nServer: warren\r\n" + date +
             "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  http10.keep_alive = false;
  BOOST_TEST(written(response{200}, http10).find("Connection: close\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(custom_reason_server_and_date) {
  response r{299};
  r.reason = "Fine Anyway";
  r.set_header("Server", "other").set_header("Date", "then").set_header("server", "last");
  BOOST_TEST(written(r) == "HTTP/1.1 299 Fine Anyway\r\nDate: then\r\nserver: last\r\nContent-Length: 0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(head_has_length_but_no_body) {
  response_context head;
  head.head_request = true;
  BOOST_TEST(written(response{200, "hello", "text/plain"}, head) ==
             "HTTP/1.1 200 OK\r\nServer: warren\r\n" + date +
             "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(no_body_statuses) {
  BOOST_TEST(written(response{204, "dropped"}) ==
             "HTTP/1.1 204 No Content\r\nServer: warren\r\n" + date +
             "Content-Type: text/plain; charset=utf-8\r\n\r\n");
  BOOST_TEST(written(response{304}) == "HTTP/1.1 304 Not Modified\r\nServer: warren\r\n" + date + "\r\n");
  response_context closing;
  closing.keep_alive = false;
  BOOST_TEST(written(response{103}, closing) == "HTTP/1.1 103 Unknown\r\nServer: warren\r\n" + date + "\r\n");
  std::string out;
  response_writer::write_continue(out);
  BOOST_TEST(out == "HTTP/1.1 100 Continue\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(injection_is_refused) {
  auto refused = [](const response& r, response_error e) {
    BOOST_TEST(validate(r) == make_error_code(e));
    BOOST_TEST(written(r) == "refused: " + make_error_code(e).message());
  };
  refused(with_header("X-A\r\nEvil", "1"), response_error::invalid_header_name);
  refused(with_header("X-A\nEvil", "1"), response_error::invalid_header_name);
  refused(with_header("X\0A"s, "1"), response_error::invalid_header_name);
  refused(with_header("X A", "1"), response_error::invalid_header_name);
  refused(with_header("X:A", "1"), response_error::invalid_header_name);
  refused(with_header("", "1"), response_error::invalid_header_name);
  refused(with_header("X-A", "1\r\nSet-Cookie: evil"), response_error::invalid_header_value);
  refused(with_header("X-A", "1\nx"), response_error::invalid_header_value);
  refused(with_header("X-A", "1\rx"), response_error::invalid_header_value);
  refused(with_header("X-A", "1\0x"s), response_error::invalid_header_value);
  refused(with_header("Content-Length", "1"), response_error::reserved_header);
  refused(with_header("transfer-encoding", "chunked"), response_error::reserved_header);
  refused(with_header("Connection", "keep-alive"), response_error::reserved_header);
  response bad_reason{200};
  bad_reason.reason = "OK\r\nX: y";
  refused(bad_reason, response_error::invalid_reason);
  refused(response{42}, response_error::invalid_status);
  BOOST_TEST(!validate(with_header("X-Ok", "a\tb c")));
  response upgrade{101};
  upgrade.set_header("Connection", "upgrade").set_header("Upgrade", "websocket");
  BOOST_TEST(!validate(upgrade)); // 1xx may carry Connection (for 101)
  BOOST_TEST(std::string(response_category().name()) == "warren.http.response");
}

BOOST_AUTO_TEST_CASE(chunked_streaming) {
  date_cache dates{&fixed_clock};
  response_writer writer{dates};
  std::string out;
  BOOST_TEST(!writer.write_chunked_head(response{200, "first", "text/plain"}, {}, out));
  response_writer::write_chunk("", out); // no-op: an empty chunk would end the body
  response_writer::write_chunk(std::string(26, 'z'), out);
  response_writer::write_last_chunk(out);
  BOOST_TEST(out == "HTTP/1.1 200 OK\r\nServer: warren\r\n" + date +
                        "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nfirst\r\n1a\r\n" + std::string(26, 'z') + "\r\n0\r\n\r\n");
  response_context head;
  head.head_request = true;
  out.clear();
  BOOST_TEST(!writer.write_chunked_head(response{200, "first"}, head, out));
  BOOST_TEST(out.substr(out.size() - 30) == "Transfer-Encoding: chunked\r\n\r\n");
  response_context http10;
  http10.version_minor = 0;
  out.clear();
  BOOST_TEST(writer.write_chunked_head(response{200}, http10, out) ==
             make_error_code(response_error::chunked_not_allowed));
  BOOST_TEST(writer.write_chunked_head(response{204}, {}, out) ==
             make_error_code(response_error::chunked_not_allowed));
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(error_responses) {
  for (int status : {400, 404, 408, 413, 431, 500, 501, 505}) {
    auto r = make_error_response(status);
    BOOST_TEST(r.status == status);
    BOOST_TEST(r.body == std::to_string(status) + " " + std::string(reason_phrase(status)) + "\n");
    BOOST_TEST(*find_header(r.headers, "content-type") == "text/plain; charset=utf-8");
  }
  response_context closing;
  closing.keep_alive = false;
  BOOST_TEST(written(make_error_response(431), closing) ==
             "HTTP/1.1 431 Request Header Fields Too Large\r\nServer: warren\r\n" + date +
             "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 36\r\n"
             "Connection: close\r\n\r\n431 Request Header Fields Too Large\n");
}
