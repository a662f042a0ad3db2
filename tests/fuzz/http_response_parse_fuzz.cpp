// libFuzzer target for protocols/http/response_parser.hpp (client side).
//
// Input: [split pattern][split param][limits a][limits b][methods][bytes fed to the parser...]
//   split pattern, param: see fuzz::cut_positions; bit 2 of the pattern also copies or
//     moves the parser to a new object at every cut.
//   limits: a below 0x80 keeps the defaults; otherwise max_header_bytes 16 + (a & 0x7f) * 2,
//     max_header_count b & 7, max_body_bytes b >> 3.
//   methods: 2 bits per response (cycling): GET, HEAD, CONNECT, POST, passed to `expect`.
//
// The bytes are fed whole and split, then the connection ends (finish_eof) unless a
// response upgraded it. Both runs must observe the same responses, the same bytes left to
// an upgraded protocol and the same final error; every call must respect the contract
// and every response the limits and RFC 9112 6.3 body rules.

#include "protocols/http/response_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <memory>
#include <string>

using namespace warren::http;
using warren::fuzz::printable;

namespace {

response_limits limits_from(std::uint8_t a, std::uint8_t b) {
  response_limits limits;
  if (a < 0x80)
    return limits;
  limits.max_header_bytes = 16 + std::size_t{a & 0x7fu} * 2; // 16..270
  limits.max_header_count = b & 7u;                         // 0..7
  limits.max_body_bytes = b >> 3;                           // 0..31
  return limits;
}

std::string_view method_for(std::uint8_t methods, std::size_t response_index) {
  static constexpr std::string_view names[] = {"GET", "HEAD", "CONNECT", "POST"};
  return names[(methods >> (2 * (response_index % 4))) & 3];
}

std::string check_response(const client_response& r, std::string_view method,
                           const response_limits& limits) {
  std::string text = "HTTP/" + std::to_string(r.version_major) + '.'
                     + std::to_string(r.version_minor) + ' ' + std::to_string(r.status) + " ["
                     + r.reason + "]";
  FUZZ_CHECK(r.status >= 100 && r.status <= 999, text);
  FUZZ_CHECK(r.status >= 200 || r.status == 101, "interim response handed out: " + text);
  FUZZ_CHECK(r.version_major == 1 && (r.version_minor == 0 || r.version_minor == 1), text);
  FUZZ_CHECK(is_field_value(r.reason), "reason: " + printable(r.reason));
  FUZZ_CHECK(r.headers.size() <= limits.max_header_count, printable(text));
  FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, std::to_string(r.body.size()) + " body bytes");
  for (const auto& h : r.headers) {
    FUZZ_CHECK(is_token(h.name), "field name: " + printable(h.name));
    FUZZ_CHECK(is_field_value(h.value), "field value: " + printable(h.value));
    FUZZ_CHECK(trim_ows(h.value).size() == h.value.size(), "untrimmed value: " + printable(h.value));
    text += " [" + h.name + ": " + h.value + ']';
  }
  const bool tunnel = r.status == 101 || (method == "CONNECT" && r.status / 100 == 2);
  FUZZ_CHECK(r.upgrade == tunnel, "upgrade flag: " + printable(text));
  FUZZ_CHECK(!r.upgrade || !r.keep_alive, "keep_alive on an upgrade");
  if (method == "HEAD" || r.status == 204 || r.status == 304 || r.upgrade)
    FUZZ_CHECK(r.body.empty(), "body on a response without content: " + printable(text));
  else if (auto cl = find_header(r.headers, "Content-Length");
           cl && !find_header(r.headers, "Transfer-Encoding"))
    FUZZ_CHECK(warren::fuzz::decimal(*cl) == r.body.size(),
               "body size differs from Content-Length: " + printable(text));
  if (has_token(r.headers, "Connection", "close"))
    FUZZ_CHECK(!r.keep_alive, "keep_alive against Connection: close");
  text += " keep_alive=" + std::to_string(r.keep_alive) + " upgrade=" + std::to_string(r.upgrade)
          + " body(" + std::to_string(r.body.size()) + ")=" + r.body + '\n';
  return text;
}

/// keep_alive promises that the connection can carry the next response: a copy of the
/// parser must read a well-formed one (and after keep_alive false, swallow it unread).
void check_ready_for_next(const response_parser& parser, const client_response& r,
                          const response_limits& limits, const std::string& text) {
  constexpr std::string_view next = "HTTP/1.1 204 No Content\r\n\r\n";
  if (limits.max_header_bytes < next.size())
    return;
  response_parser probe = parser;
  auto res = probe.feed(next);
  if (r.keep_alive)
    FUZZ_CHECK(res.status == response_parse_status::response_ready && res.consumed == next.size(),
               "keep_alive, but the next response does not parse (status "
                 + std::to_string(static_cast<int>(res.status)) + ", " + res.error_reason
                 + ") after " + printable(text));
  else
    FUZZ_CHECK(res.status == response_parse_status::need_more && res.consumed == next.size(),
               "bytes after a closing response were read");
}

/// Checks an error result and that it sticks; returns its canonical text.
std::string check_error(response_parser& parser, const response_parse_result& res) {
  FUZZ_CHECK(res.error_reason && *res.error_reason, "error without a reason");
  FUZZ_CHECK(parser.failed(), "error but not failed()");
  auto again = parser.feed("HTTP/1.1 200 OK\r\n\r\n");
  FUZZ_CHECK(again.status == response_parse_status::error && again.consumed == 0, "error not sticky");
  auto eof = parser.finish_eof();
  FUZZ_CHECK(eof.status == response_parse_status::error, "error not sticky at EOF");
  return std::string("error: ") + res.error_reason + '\n';
}

std::string run(std::string_view input, const std::vector<std::size_t>& cuts,
                const response_limits& limits, std::uint8_t methods, bool relocate) {
  auto parser = std::make_unique<response_parser>(limits);
  std::string seen;
  std::string pending;
  std::size_t from = 0;
  std::size_t responses = 0;
  bool closed = false;
  parser->expect(method_for(methods, 0));
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t to = i < cuts.size() ? cuts[i] : input.size();
    pending.append(input.substr(from, to - from));
    from = to;
    if (relocate && i > 0) {
      if (i % 2)
        parser = std::make_unique<response_parser>(*parser);
      else
        parser = std::make_unique<response_parser>(std::move(*parser));
    }
    for (std::size_t rounds = 0;; ++rounds) {
      FUZZ_CHECK(rounds <= input.size() + 2, "no progress after " + std::to_string(rounds) + " feeds");
      auto res = parser->feed(pending);
      FUZZ_CHECK(res.consumed <= pending.size(),
                 std::to_string(res.consumed) + " > " + std::to_string(pending.size()));
      pending.erase(0, res.consumed);
      if (closed)
        FUZZ_CHECK(res.status == response_parse_status::need_more, "event after a closing response");
      if (res.status == response_parse_status::need_more) {
        FUZZ_CHECK(pending.empty(), "need_more left " + std::to_string(pending.size()) + " bytes");
        break;
      }
      if (res.status == response_parse_status::error)
        return seen + check_error(*parser, res);
      FUZZ_CHECK(!parser->has_partial_response(), "response_ready with a partial response");
      auto r = parser->take_response();
      const std::string text = check_response(r, method_for(methods, responses), limits);
      seen += text;
      ++responses;
      if (r.upgrade)
        return seen + "then: " + pending + std::string(input.substr(from)) + '\n';
      check_ready_for_next(*parser, r, limits, text);
      closed = !r.keep_alive;
      parser->expect(method_for(methods, responses));
    }
  }
  const bool partial = parser->has_partial_response();
  auto eof = parser->finish_eof();
  switch (eof.status) {
    case response_parse_status::need_more:
      FUZZ_CHECK(!partial, "EOF with a partial response passed");
      return seen + "eof\n";
    case response_parse_status::error:
      FUZZ_CHECK(partial, "EOF error without a partial response");
      return seen + check_error(*parser, eof);
    case response_parse_status::response_ready: {
      auto r = parser->take_response();
      FUZZ_CHECK(!r.keep_alive, "keep_alive on a response read until EOF");
      return seen + check_response(r, method_for(methods, responses), limits) + "eof\n";
    }
  }
  return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warren::fuzz::input_reader in{data, size};
  const std::uint8_t pattern = in.byte();
  const std::uint8_t param = in.byte();
  const response_limits limits = limits_from(in.byte(), in.byte());
  const std::uint8_t methods = in.byte();
  const std::string_view bytes = in.rest();

  const std::string whole = run(bytes, {}, limits, methods, false);
  const auto cuts = warren::fuzz::cut_positions(bytes.size(), pattern, param);
  const std::string split = run(bytes, cuts, limits, methods, (pattern & 4) != 0);
  FUZZ_CHECK(split == whole,
             "split run differs\nwhole:\n" + printable(whole) + "\nsplit:\n" + printable(split));
  return 0;
}
