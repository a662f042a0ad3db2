// libFuzzer target for protocols/http/request_parser.hpp with request assembly.
//
// Input: [split pattern][split param][limits a][limits b][bytes fed to the parser...]
//   split pattern, param: see fuzz::cut_positions (how the split run cuts the bytes);
//     bit 2 of the pattern also copies or moves the parser to a new object at every cut.
//   limits: a below 0x80 keeps the defaults; otherwise max_header_bytes 16 + (a & 0x7f) * 2,
//     max_header_count b & 7, max_body_bytes b >> 3 (small, to reach the 431 and 413 paths).
//
// The bytes are fed whole and split, the way a connection does (unconsumed bytes are kept
// and fed again with the next read). Both runs must observe the same events (100-continue
// points, requests with method, target, headers, body and flags, the final error status);
// every feed must respect the contract (consumed <= offered, need_more consumes all, errors
// are sticky) and every request the limits.

#include "protocols/http/request_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <memory>
#include <string>

using namespace warren::http;
using warren::fuzz::printable;

namespace {

parser_limits limits_from(std::uint8_t a, std::uint8_t b) {
  parser_limits limits;
  if (a < 0x80)
    return limits;
  limits.max_header_bytes = 16 + std::size_t{a & 0x7fu} * 2; // 16..270
  limits.max_header_count = b & 7u;                         // 0..7
  limits.max_body_bytes = b >> 3;                           // 0..31
  return limits;
}

bool visible_ascii(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return false;
  }
  return !s.empty();
}

/// Checks one assembled request against the parser's promises; returns its canonical text.
std::string check_request(const request& r, const parser_limits& limits) {
  std::string text = r.method + ' ' + r.target + " HTTP/" + std::to_string(r.version_major) + '.'
                     + std::to_string(r.version_minor);
  FUZZ_CHECK(is_token(r.method), "method: " + printable(r.method));
  FUZZ_CHECK(visible_ascii(r.target), "target: " + printable(r.target));
  FUZZ_CHECK(r.version_major == 1 && (r.version_minor == 0 || r.version_minor == 1), text);
  FUZZ_CHECK(r.headers.size() <= limits.max_header_count,
             std::to_string(r.headers.size()) + " fields in " + printable(text));
  FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, std::to_string(r.body.size()) + " body bytes");
  std::size_t head_text = r.method.size() + r.target.size();
  for (const auto& h : r.headers) {
    FUZZ_CHECK(is_token(h.name), "field name: " + printable(h.name));
    FUZZ_CHECK(is_field_value(h.value), "field value: " + printable(h.value));
    FUZZ_CHECK(trim_ows(h.value).size() == h.value.size(), "untrimmed value: " + printable(h.value));
    head_text += h.name.size() + h.value.size();
    text += " [" + h.name + ": " + h.value + ']';
  }
  FUZZ_CHECK(head_text <= limits.max_header_bytes, printable(text));
  auto hosts = count_header(r.headers, "Host");
  FUZZ_CHECK(hosts == 1 || (hosts == 0 && r.version_minor == 0), printable(text));
  const bool has_cl = find_header(r.headers, "Content-Length") != nullptr;
  const bool has_te = find_header(r.headers, "Transfer-Encoding") != nullptr;
  FUZZ_CHECK(!(has_cl && has_te), "both framing fields: " + printable(text));
  FUZZ_CHECK(!has_te || r.version_minor == 1, "TE in HTTP/1.0: " + printable(text));
  if (!has_cl && !has_te)
    FUZZ_CHECK(r.body.empty(), "body without framing field: " + printable(text));
  if (has_cl)
    FUZZ_CHECK(warren::fuzz::decimal(*find_header(r.headers, "Content-Length")) == r.body.size(),
               "body size differs from Content-Length: " + printable(text));
  if (has_token(r.headers, "Connection", "close")
      || (r.version_minor == 0 && !has_token(r.headers, "Connection", "keep-alive")))
    FUZZ_CHECK(!r.keep_alive, "keep_alive against Connection: " + printable(text));
  auto expect = find_header(r.headers, "Expect");
  FUZZ_CHECK(r.expects_continue
               == (r.version_minor == 1 && expect && iequals(*expect, "100-continue")),
             "expects_continue: " + printable(text));
  text += " keep_alive=" + std::to_string(r.keep_alive) + " continue="
          + std::to_string(r.expects_continue) + " upgrade=" + std::to_string(r.upgrade)
          + " body(" + std::to_string(r.body.size()) + ")=" + r.body + '\n';
  return text;
}

/// keep_alive promises that the connection can carry the next request: a copy of the
/// parser must read a well-formed one (and after keep_alive false, swallow it unread).
void check_ready_for_next(const request_parser& parser, const request& r,
                          const parser_limits& limits) {
  constexpr std::string_view next = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  if (limits.max_header_bytes < next.size() || limits.max_header_count < 1)
    return;
  request_parser probe = parser;
  auto res = probe.feed(next);
  if (r.keep_alive)
    FUZZ_CHECK(res.status == parse_status::request_ready && res.consumed == next.size(),
               "keep_alive, but the next request does not parse (status "
                 + std::to_string(static_cast<int>(res.status)) + ", " + res.error_reason + ")");
  else
    FUZZ_CHECK(res.status == parse_status::need_more && res.consumed == next.size(),
               "bytes after a closing request were read");
}

/// Feeds `input` cut at `cuts` (none: all at once) and returns a canonical text of what
/// was observed, checking the feed contract on the way.
std::string run(std::string_view input, const std::vector<std::size_t>& cuts,
                const parser_limits& limits, bool relocate) {
  auto parser = std::make_unique<request_parser>(limits);
  std::string seen;
  std::string pending;
  std::size_t from = 0;
  std::size_t requests = 0;
  bool closed = false;         // a request without keep-alive was taken
  bool continued = false;      // expect_continue reported for the current request
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t to = i < cuts.size() ? cuts[i] : input.size();
    pending.append(input.substr(from, to - from));
    from = to;
    if (relocate && i > 0) {
      // The parser is copyable and movable: no pointer into itself survives a feed.
      if (i % 2)
        parser = std::make_unique<request_parser>(*parser);
      else
        parser = std::make_unique<request_parser>(std::move(*parser));
    }
    for (std::size_t rounds = 0;; ++rounds) {
      FUZZ_CHECK(rounds <= input.size() + 2, "no progress after " + std::to_string(rounds) + " feeds");
      auto res = parser->feed(pending);
      FUZZ_CHECK(res.consumed <= pending.size(),
                 std::to_string(res.consumed) + " > " + std::to_string(pending.size()));
      pending.erase(0, res.consumed);
      if (closed)
        FUZZ_CHECK(res.status == parse_status::need_more, "event after a closing request");
      if (res.status == parse_status::need_more) {
        FUZZ_CHECK(pending.empty(), "need_more left " + std::to_string(pending.size()) + " bytes");
        FUZZ_CHECK(!parser->failed(), "need_more from a failed parser");
        break;
      }
      if (res.status == parse_status::error) {
        FUZZ_CHECK(res.error_status == 400 || res.error_status == 413 || res.error_status == 414
                     || res.error_status == 431 || res.error_status == 501 || res.error_status == 505,
                   "error status " + std::to_string(res.error_status));
        FUZZ_CHECK(res.error_reason && *res.error_reason, "error without a reason");
        FUZZ_CHECK(parser->failed(), "error but not failed()");
        // Sticky: every later feed repeats the error and consumes nothing.
        pending.append(input.substr(from));
        pending.push_back('\n');
        auto again = parser->feed(pending);
        FUZZ_CHECK(again.status == parse_status::error && again.consumed == 0
                     && again.error_status == res.error_status,
                   "error not sticky");
        seen += "error " + std::to_string(res.error_status) + ' ' + res.error_reason + '\n';
        return seen;
      }
      FUZZ_CHECK(!parser->failed(), "failed() without an error");
      if (res.status == parse_status::expect_continue) {
        FUZZ_CHECK(!continued, "expect_continue twice for one request");
        FUZZ_CHECK(parser->current().expects_continue && parser->head_complete(),
                   "expect_continue for a request without Expect: 100-continue");
        continued = true;
        seen += "continue before request " + std::to_string(requests) + '\n';
        continue;
      }
      FUZZ_CHECK(parser->head_complete() && !parser->has_partial_request(),
                 "request_ready with a partial request");
      // The event repeats until the request is taken.
      auto repeat = parser->feed(pending);
      FUZZ_CHECK(repeat.status == parse_status::request_ready && repeat.consumed == 0,
                 "request_ready not repeated");
      auto r = parser->take_request();
      ++requests;
      seen += check_request(r, limits);
      check_ready_for_next(*parser, r, limits);
      continued = false;
      closed = !r.keep_alive;
      if (relocate)  // as a connection does; the runs without it must see the same
        parser->recycle(std::move(r));
    }
  }
  seen += parser->has_partial_request() ? "partial\n" : "idle\n";
  return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warren::fuzz::input_reader in{data, size};
  const std::uint8_t pattern = in.byte();
  const std::uint8_t param = in.byte();
  const parser_limits limits = limits_from(in.byte(), in.byte());
  const std::string_view bytes = in.rest();

  const std::string whole = run(bytes, {}, limits, false);
  const auto cuts = warren::fuzz::cut_positions(bytes.size(), pattern, param);
  const std::string split = run(bytes, cuts, limits, (pattern & 4) != 0);
  FUZZ_CHECK(split == whole,
             "split run differs\nwhole:\n" + printable(whole) + "\nsplit:\n" + printable(split));
  return 0;
}
