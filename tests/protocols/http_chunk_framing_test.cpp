// Tests for protocols/http/chunk_framing.hpp, the framing checks shared by
// request_parser and response_parser (both parsers' tables cover them too):
// the checker on its own, and the response side of what it catches, fed
// whole, split at every byte and one byte at a time.
#define BOOST_TEST_MODULE http_chunk_framing
#include <boost/test/unit_test.hpp>

#include "protocols/http/chunk_framing.hpp"
#include "protocols/http/response_parser.hpp"

#include <string>
#include <vector>

using namespace warren::http;

namespace {

/// Runs `f` over `bytes` in pieces of `step` bytes (0: whole), announcing
/// each chunk size in `sizes` when the checker reaches the byte after it at
/// `at` (the pause llhttp's on_chunk_header gives). Returns the error or "ok".
std::string check(const std::string& bytes, std::size_t step,
                  const std::vector<std::pair<std::size_t, std::uint64_t>>& chunks) {
  chunk_framing f;
  std::size_t pos = 0;
  auto next = chunks.begin();
  while (pos < bytes.size()) {
    if (next != chunks.end() && next->first == pos)
      f.start_chunk((next++)->second);
    std::size_t end = next != chunks.end() ? next->first : bytes.size();
    std::size_t n = step == 0 ? end - pos : std::min(step, end - pos);
    if (const char* error = f.check(bytes.data() + pos, n))
      return error;
    pos += n;
  }
  return "ok";
}

std::string check_all_steps(const std::string& bytes,
                            const std::vector<std::pair<std::size_t, std::uint64_t>>& chunks) {
  auto whole = check(bytes, 0, chunks);
  for (std::size_t step = 1; step < bytes.size(); ++step)
    BOOST_TEST(check(bytes, step, chunks) == whole, "step " << step);
  return whole;
}

/// Feeds a response split at `cut` (0: whole; SIZE_MAX: byte by byte) and
/// returns its error reason or "ready".
std::string respond(const std::string& input, std::size_t cut, response_limits limits) {
  response_parser parser{limits};
  std::string pending;
  for (std::size_t from = 0; from < input.size();) {
    std::size_t to = cut == SIZE_MAX ? from + 1 : (cut > from ? cut : input.size());
    pending.append(input, from, to - from);
    from = to;
    auto res = parser.feed(pending);
    pending.erase(0, res.consumed);
    if (res.status == response_parse_status::error)
      return res.error_reason;
    if (res.status == response_parse_status::response_ready)
      return "ready";
  }
  return "need_more";
}

std::string respond_all_splits(const std::string& input, response_limits limits = {}) {
  auto whole = respond(input, 0, limits);
  for (std::size_t cut = 1; cut < input.size(); ++cut)
    BOOST_TEST(respond(input, cut, limits) == whole, "split at " << cut);
  BOOST_TEST(respond(input, SIZE_MAX, limits) == whole, "byte by byte");
  return whole;
}

const std::string chunked_response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

} // namespace

BOOST_AUTO_TEST_CASE(line_rules) {
  BOOST_TEST(check_all_steps("GET / HTTP/1.1\r\nHost: a\r\n\r\n", {}) == "ok");
  BOOST_TEST(check_all_steps("\r\n\r\nGET", {}) == "ok");
  BOOST_TEST(check_all_steps("GET /\r\nHost: a\n", {}) == "bare LF line ending");
  BOOST_TEST(check_all_steps("\nGET", {}) == "bare LF line ending");
  BOOST_TEST(check_all_steps("A: b\r\nC: d\re", {}) == "CR not followed by LF");
  BOOST_TEST(check_all_steps("A: b\r\n c\r\n", {}) == "obsolete line folding");
  BOOST_TEST(check_all_steps("A: b\r\n\tc\r\n", {}) == "obsolete line folding");
  BOOST_TEST(check_all_steps("A: b \t\r\n", {}) == "ok");
}

BOOST_AUTO_TEST_CASE(chunk_data_is_skipped_then_crlf_is_required) {
  // Data may hold any byte; the size line and the CRLF after the data may not.
  BOOST_TEST(check_all_steps("4\r\n\n\r \r\r\n0\r\n\r\n", {{3, 4}, {12, 0}}) == "ok");
  BOOST_TEST(check_all_steps("3\r\nabc\r\n", {{3, 3}}) == "ok");
  BOOST_TEST(check_all_steps("3\r\nabcXY", {{3, 3}}) == "chunk data not followed by CRLF");
  BOOST_TEST(check_all_steps("3\r\nabc\rX", {{3, 3}}) == "chunk data not followed by CRLF");
  BOOST_TEST(check_all_steps("3\r\nabc\n", {{3, 3}}) == "chunk data not followed by CRLF");
  BOOST_TEST(check_all_steps("3\r\nabc\r\n\n", {{3, 3}}) == "bare LF line ending");
  // The last chunk (size 0) is followed by trailer lines, not by data.
  BOOST_TEST(check_all_steps("0\r\nT: x\r\n\r\n", {{3, 0}}) == "ok");
  BOOST_TEST(check_all_steps("0\r\nT: x\r\n y\r\n", {{3, 0}}) == "obsolete line folding");
  BOOST_TEST(check_all_steps("0\r\n\r\r\n", {{3, 0}}) == "CR not followed by LF");
}

BOOST_AUTO_TEST_CASE(spans_must_be_non_empty_tokens) {
  chunk_framing f;
  BOOST_TEST(!f.end_span());
  f.add_span("na");
  f.add_span("");
  f.add_span("me");
  BOOST_TEST(f.end_span());
  BOOST_TEST(!f.end_span()); // cleared
  f.add_token_span("T");
  f.add_token_span("-x");
  BOOST_TEST(f.end_span());
  f.add_token_span("T ");
  BOOST_TEST(!f.end_span());
  f.add_token_span("T");
  f.add_token_span(" ");
  BOOST_TEST(!f.end_span());
  BOOST_TEST(!f.end_span());
  f.reset();
  BOOST_TEST(f.last_byte == '\0');
}

BOOST_AUTO_TEST_CASE(response_framing_at_every_split) {
  const auto& r = chunked_response;
  BOOST_TEST(respond_all_splits(r + "3\r\nabcXY0\r\n\r\n") == "chunk data not followed by CRLF");
  BOOST_TEST(respond_all_splits(r + "3\r\nabcd\n0\r\n\r\n") == "chunk data not followed by CRLF");
  BOOST_TEST(respond_all_splits(r + "0\r\n\r\r\n") == "CR not followed by LF");
  BOOST_TEST(respond_all_splits(r + "0\r\n\rX") == "CR not followed by LF");
  BOOST_TEST(respond_all_splits(r + "0\r\nT: x\r\n\ty\r\n\r\n") == "obsolete line folding");
  BOOST_TEST(respond_all_splits(r + "3\r\n\r\n\n\r\n0\r\n\r\n") == "ready");
  BOOST_TEST(respond_all_splits("HTTP/1.1 20\nX") == "bare LF line ending");
}

BOOST_AUTO_TEST_CASE(response_limit_wins_over_later_framing_errors) {
  // llhttp is shown at most one body byte over the limit, so a framing error
  // further on cannot replace the limit error when more bytes come at once.
  response_limits limits;
  limits.max_body_bytes = 16;
  const std::string too_big = "response body too large";
  const auto& r = chunked_response;
  BOOST_TEST(respond_all_splits(r + "11\r\n" + std::string(17, 'x') + "\r\n\n", limits) == too_big);
  BOOST_TEST(respond_all_splits(r + "9\r\n123456789\r\n8\r\n12345678XY", limits) == too_big);
  BOOST_TEST(respond_all_splits(r + "9\r\n123456789\r\n8\r\n12345678\r\n\n", limits) == too_big);
  // The payload limit is exact, whatever the framing: 16 bytes in one-byte chunks pass.
  std::string ones;
  for (int i = 0; i < 16; ++i)
    ones += "1\r\nb\r\n";
  BOOST_TEST(respond_all_splits(r + ones + "0\r\n\r\n", limits) == "ready");
  // Framing and trailers get max_header_bytes more on top; past that, too large as well.
  limits.max_header_bytes = 64;
  BOOST_TEST(respond_all_splits(r + "0\r\nT: " + std::string(100, 't') + "\r\n\r\n", limits)
             == too_big);
}
