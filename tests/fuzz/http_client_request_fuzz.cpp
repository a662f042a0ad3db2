// libFuzzer target for the client's request side: parse_url (url.hpp) and write_request
// (request_writer.hpp), read back by the server's request_parser.
//
// Input: [flags][url piece][method piece][body piece] then (name piece, value piece) pairs
//        to the end; a piece is [length byte][bytes].
//   flags % 8 picks the method: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, or (7) the
//     method piece as it is; flags & 8: the url piece is used raw as the request-target with
//     the method piece's bytes as the Host value (to reach the writer's refusals).
//
// parse_url must give a host, port and origin-form target that print back (host_header) to
// an equivalent URL. write_request must append nothing when it refuses; otherwise the head
// must hold exactly the promised lines (no CR/LF injected), and request_parser must read back
// the same method, target, fields and body, and find where the request ends.

#include "protocols/http/request_parser.hpp"
#include "protocols/http/request_writer.hpp"
#include "protocols/http/url.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <string>
#include <vector>

using namespace warren::http;
using warren::fuzz::printable;

namespace {

bool visible_ascii(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return false;
  }
  return !s.empty();
}

void check_url(std::string_view text, const url& u) {
  const std::string where = printable(text);
  FUZZ_CHECK(!u.host.empty() && visible_ascii(u.host), "host of " + where);
  FUZZ_CHECK(u.host.find_first_of("/?#@[]") == std::string::npos, "host of " + where);
  FUZZ_CHECK(u.port != 0, "port 0 from " + where);
  FUZZ_CHECK(!u.target.empty() && u.target.front() == '/' && visible_ascii(u.target)
               && u.target.find('#') == std::string::npos,
             "target " + printable(u.target) + " from " + where);
  FUZZ_CHECK(visible_ascii(u.host_header()), "Host value " + printable(u.host_header()));
  auto again = parse_url("http://" + u.host_header() + u.target);
  FUZZ_CHECK(again && again->host == u.host && again->port == u.port && again->target == u.target,
             "does not print back: " + where + " -> " + printable(u.host_header() + u.target));
}

/// The fields write_request promises, in order.
header_list expected_fields(std::string_view method, std::string_view host,
                            const header_list& headers, std::string_view body) {
  header_list fields{{"Host", std::string(host)}};
  if (!find_header(headers, "User-Agent"))
    fields.push_back({"User-Agent", "warren"});
  fields.insert(fields.end(), headers.begin(), headers.end());
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    fields.push_back({"Content-Length", std::to_string(body.size())});
  return fields;
}

void check_layout(std::string_view method, std::string_view target, const header_list& fields,
                  std::string_view body, std::string_view out) {
  std::vector<std::string> lines{std::string(method) + ' ' + std::string(target) + " HTTP/1.1"};
  for (const auto& f : fields)
    lines.push_back(f.name + ": " + f.value);
  lines.emplace_back();
  std::size_t at = 0;
  for (const auto& expected : lines) {
    auto end = out.find("\r\n", at);
    FUZZ_CHECK(end != std::string_view::npos, "head ends early: " + printable(out));
    auto line = out.substr(at, end - at);
    FUZZ_CHECK(line.find_first_of("\r\n") == std::string_view::npos,
               "line break inside a head line: " + printable(line));
    FUZZ_CHECK(line == expected, "head line " + printable(line) + " instead of " + printable(expected));
    at = end + 2;
  }
  FUZZ_CHECK(out.substr(at) == body, "body " + printable(out.substr(at)));
}

void check_parse_back(std::string_view method, std::string_view target,
                      const header_list& fields, std::string_view body, const std::string& out) {
  parser_limits limits; // no bound the writer does not have
  limits.max_header_count = static_cast<std::size_t>(-1);
  limits.max_header_bytes = limits.max_body_bytes = static_cast<std::size_t>(-1) / 2;
  request_parser parser{limits};
  constexpr std::string_view sentinel = "GET /sentinel HTTP/1.1\r\nHost: s\r\n\r\n";
  std::string input = out;
  input += sentinel;
  auto res = parser.feed(input);
  std::size_t consumed = res.consumed;
  if (res.status == parse_status::expect_continue) {
    res = parser.feed(input.data() + consumed, input.size() - consumed);
    consumed += res.consumed;
  }
  FUZZ_CHECK(res.status == parse_status::request_ready,
             "written request does not parse: " + std::to_string(res.error_status) + ' '
               + res.error_reason + "\n" + printable(out));
  FUZZ_CHECK(consumed == out.size(), "request ends elsewhere: " + printable(out));
  auto r = parser.take_request();
  FUZZ_CHECK(r.method == method && r.target == target && r.version_minor == 1,
             "request line read back as " + printable(r.method + ' ' + r.target));
  FUZZ_CHECK(r.headers.size() == fields.size(), "field count differs: " + printable(out));
  for (std::size_t i = 0; i < fields.size(); ++i)
    FUZZ_CHECK(r.headers[i].name == fields[i].name && r.headers[i].value == trim_ows(fields[i].value),
               "field " + printable(r.headers[i].name) + ": " + printable(r.headers[i].value)
                 + " instead of " + printable(fields[i].name) + ": " + printable(fields[i].value));
  FUZZ_CHECK(r.body == body, "body " + printable(r.body));
  res = parser.feed(input.data() + consumed, input.size() - consumed);
  if (!r.keep_alive) {
    FUZZ_CHECK(res.status == parse_status::need_more, "bytes read after a closing request");
    return;
  }
  FUZZ_CHECK(res.status == parse_status::request_ready,
             "pipelined request does not parse: " + std::to_string(res.error_status) + ' '
               + res.error_reason + "\n" + printable(out));
  FUZZ_CHECK(parser.take_request().target == "/sentinel", "pipelined request misread");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::string_view methods[] = {"GET", "HEAD", "POST", "PUT",
                                                 "PATCH", "DELETE", "OPTIONS"};
  warren::fuzz::input_reader in{data, size};
  const std::uint8_t flags = in.byte();
  const std::string_view url_text = in.piece();
  const std::string_view method_piece = in.piece();
  const std::string_view body = in.piece();
  header_list headers;
  while (!in.empty()) {
    std::string name{in.piece()};
    headers.push_back({std::move(name), std::string(in.piece())});
  }
  const bool known_method = flags % 8 != 7;
  const std::string_view method = known_method ? methods[flags % 8] : method_piece;

  std::string target;
  std::string host;
  if (flags & 8) {
    target = std::string(url_text);
    host = std::string(method_piece);
  } else {
    auto u = parse_url(url_text);
    if (!u)
      return 0;
    check_url(url_text, *u);
    target = u->target;
    host = u->host_header();
  }

  const std::string before = "<before>";
  std::string out = before;
  if (auto ec = write_request(method, target, host, headers, body, out)) {
    FUZZ_CHECK(out == before, "refused (" + ec.message() + ") but appended " + printable(out));
    FUZZ_CHECK(flags & 8 || !known_method || !headers.empty(),
               "refused a request built from a parsed URL: " + ec.message());
    return 0;
  }
  FUZZ_CHECK(is_token(method) && visible_ascii(target) && visible_ascii(host),
             "accepted request line " + printable(std::string(method) + ' ' + target));
  for (const auto& f : headers)
    FUZZ_CHECK(is_token(f.name) && is_field_value(f.value) && !iequals(f.name, "Host")
                 && !iequals(f.name, "Content-Length") && !iequals(f.name, "Transfer-Encoding"),
               "accepted field " + printable(f.name) + ": " + printable(f.value));
  FUZZ_CHECK(out.compare(0, before.size(), before) == 0, "overwrote the buffer");
  out.erase(0, before.size());
  const header_list fields = expected_fields(method, host, headers, body);
  check_layout(method, target, fields, body, out);
  // The server parser reads requests from a known method with an origin-form target.
  if (known_method && target.front() == '/')
    check_parse_back(method, target, fields, body, out);
  return 0;
}
