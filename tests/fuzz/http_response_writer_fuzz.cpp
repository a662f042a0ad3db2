// libFuzzer target for the input checks of protocols/http/response_writer.hpp (validate,
// write, write_chunked_head).
//
// Input: [flags][status hi][status lo][reason piece][body piece][chunk piece]
//        then (name piece, value piece) pairs to the end; a piece is [length byte][bytes].
//   flags: bit 0 HEAD request, bit 1 connection closes, bit 2 HTTP/1.0 peer,
//          bit 3 chunked (write_chunked_head + one more chunk + last chunk).
//   status: (hi * 256 + lo) % 1100, so invalid ones occur too.
//
// If the writer refuses, nothing may have been appended. If it accepts, the head must be
// exactly the status line, the writer's own fields and the handler's, one per line (no CR or
// LF inside a line: nothing injected), then the body as framed; and response_parser must
// read it back to the same status, reason, fields and body, and find where it ends (a
// response pipelined behind it parses too).

#include "protocols/http/response_parser.hpp"
#include "protocols/http/response_writer.hpp"
#include "protocols/http/status.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <string>
#include <vector>

using namespace warren::http;
using warren::fuzz::printable;

namespace {

std::time_t fixed_clock() {
  return 784111777; // Sun, 06 Nov 1994 08:49:37 GMT
}

constexpr std::string_view sentinel = "HTTP/1.1 299 Sentinel\r\nContent-Length: 3\r\n\r\nend";

bool has_line_break_or_nul(std::string_view s) {
  return s.find_first_of(std::string_view{"\r\n\0", 3}) != std::string_view::npos;
}

/// The fields the writer promises, in order (see response_writer::write_head).
header_list expected_fields(const response& r, const response_context& ctx,
                            std::string_view framing_name, std::string_view framing_value) {
  header_list fields;
  if (!find_header(r.headers, "Server"))
    fields.push_back({"Server", "warren"});
  if (!find_header(r.headers, "Date"))
    fields.push_back({"Date", "Sun, 06 Nov 1994 08:49:37 GMT"});
  fields.insert(fields.end(), r.headers.begin(), r.headers.end());
  if (!framing_name.empty())
    fields.push_back({std::string(framing_name), std::string(framing_value)});
  if (r.status >= 200 && !ctx.keep_alive)
    fields.push_back({"Connection", "close"});
  else if (r.status >= 200 && ctx.version_minor == 0)
    fields.push_back({"Connection", "keep-alive"});
  return fields;
}

/// Checks the bytes the writer appended: exact head line by line, then `body_bytes`.
void check_layout(const response& r, const header_list& fields, std::string_view out,
                  std::string_view body_bytes) {
  std::vector<std::string> lines{"HTTP/1.1 " + std::to_string(r.status) + ' '
                                 + std::string(r.reason_text())};
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
  FUZZ_CHECK(out.substr(at) == body_bytes,
             "body bytes " + printable(out.substr(at)) + " instead of " + printable(body_bytes));
}

/// Reads `out` back with response_parser and compares with what was written.
void check_parse_back(const response& r, const response_context& ctx, const header_list& fields,
                      std::string_view body, const std::string& out) {
  response_limits limits; // no bound the writer does not have
  limits.max_header_count = static_cast<std::size_t>(-1);
  limits.max_header_bytes = limits.max_body_bytes = static_cast<std::size_t>(-1) / 2;
  response_parser parser{limits};
  if (ctx.head_request)
    parser.expect("HEAD");
  const bool interim = r.status / 100 == 1 && r.status != 101;
  std::string input = out;
  input += sentinel;
  auto res = parser.feed(input);
  FUZZ_CHECK(res.status == response_parse_status::response_ready,
             std::string("written response does not parse: ") + res.error_reason + "\n"
               + printable(out));
  auto parsed = parser.take_response();
  if (interim) {
    // The interim response is skipped; the sentinel right after it must come out (as the
    // answer to a HEAD request, if that was one: without its body).
    const std::size_t unread = ctx.head_request ? 3 : 0;
    FUZZ_CHECK(parsed.status == 299 && parsed.body == (ctx.head_request ? "" : "end")
                 && res.consumed == input.size() - unread,
               "after an interim response: status " + std::to_string(parsed.status) + "\n"
                 + printable(out));
    return;
  }
  FUZZ_CHECK(parsed.status == r.status, "status " + std::to_string(parsed.status));
  FUZZ_CHECK(parsed.reason == r.reason_text(), "reason " + printable(parsed.reason));
  FUZZ_CHECK(parsed.headers.size() == fields.size(), "field count differs: " + printable(out));
  for (std::size_t i = 0; i < fields.size(); ++i)
    FUZZ_CHECK(parsed.headers[i].name == fields[i].name
                 && parsed.headers[i].value == trim_ows(fields[i].value),
               "field " + printable(parsed.headers[i].name) + ": "
                 + printable(parsed.headers[i].value) + " instead of " + printable(fields[i].name)
                 + ": " + printable(fields[i].value));
  FUZZ_CHECK(parsed.body == body, "body " + printable(parsed.body));
  if (parsed.upgrade) {
    FUZZ_CHECK(r.status == 101, "upgrade on " + std::to_string(r.status));
    FUZZ_CHECK(res.consumed == out.size(), "101 ends elsewhere: " + printable(out));
    return;
  }
  // llhttp (like node's HTTP client built on it) reads a Proxy-Connection field as
  // Connection: persistence then depends on the client; framing was checked above.
  if (find_header(r.headers, "Proxy-Connection"))
    return;
  FUZZ_CHECK(parsed.keep_alive == ctx.keep_alive,
             "keep_alive read back as " + std::to_string(parsed.keep_alive) + ": " + printable(out));
  // The response must end exactly where the writer stopped.
  res = parser.feed(input.data() + res.consumed, input.size() - res.consumed);
  if (!ctx.keep_alive) {
    FUZZ_CHECK(res.status == response_parse_status::need_more, "bytes read after close");
    return;
  }
  FUZZ_CHECK(res.status == response_parse_status::response_ready,
             std::string("pipelined response does not parse: ") + res.error_reason + "\n"
               + printable(out));
  auto next = parser.take_response();
  FUZZ_CHECK(next.status == 299 && next.body == "end", "pipelined response misread: " + printable(out));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warren::fuzz::input_reader in{data, size};
  const std::uint8_t flags = in.byte();
  response_context ctx;
  ctx.head_request = flags & 1;
  ctx.keep_alive = !(flags & 2);
  ctx.version_minor = flags & 4 ? 0 : 1;
  const bool chunked = flags & 8;
  const int hi = in.byte();
  response r{(hi * 256 + in.byte()) % 1100};
  r.reason = std::string(in.piece());
  r.body = std::string(in.piece());
  const std::string chunk{in.piece()};
  while (!in.empty()) {
    std::string name{in.piece()};
    r.add_header(std::move(name), std::string(in.piece()));
  }

  date_cache dates{&fixed_clock};
  response_writer writer{dates};
  const std::string before = "<before>";
  std::string out = before;
  const std::error_code refusal = validate(r);
  const std::error_code ec = chunked ? writer.write_chunked_head(r, ctx, out)
                                     : writer.write(r, ctx, out);
  if (refusal) {
    FUZZ_CHECK(ec == refusal, "write and validate disagree: " + ec.message());
  } else {
    // What validate accepts cannot break the head.
    FUZZ_CHECK(r.status >= 100 && r.status <= 999, std::to_string(r.status));
    FUZZ_CHECK(!has_line_break_or_nul(r.reason), "reason " + printable(r.reason));
    for (const auto& f : r.headers) {
      FUZZ_CHECK(is_token(f.name), "name " + printable(f.name));
      FUZZ_CHECK(!has_line_break_or_nul(f.value), "value " + printable(f.value));
      FUZZ_CHECK(!iequals(f.name, "Content-Length") && !iequals(f.name, "Transfer-Encoding"),
                 "framing field accepted: " + printable(f.name));
    }
  }
  if (ec) {
    FUZZ_CHECK(refusal || chunked, "write refused a valid response: " + ec.message());
    FUZZ_CHECK(out == before, "refused (" + ec.message() + ") but appended " + printable(out));
    if (chunked && !refusal)
      FUZZ_CHECK(ec == response_error::chunked_not_allowed
                   && (ctx.version_minor == 0 || !status_allows_body(r.status)),
                 "chunked refused: " + ec.message());
    return 0;
  }
  FUZZ_CHECK(out.compare(0, before.size(), before) == 0, "overwrote the buffer");
  out.erase(0, before.size());

  const bool has_content = status_allows_body(r.status);
  std::string body; // as the client sees it
  std::string wire; // as framed after the head
  header_list fields;
  if (chunked) {
    FUZZ_CHECK(has_content && ctx.version_minor == 1, "chunked head written for a 1.0 peer or no content");
    fields = expected_fields(r, ctx, "Transfer-Encoding", "chunked");
    if (!ctx.head_request) {
      std::string tail;
      response_writer::write_chunk(chunk, tail);
      response_writer::write_last_chunk(tail);
      out += tail;
      for (std::string_view piece : {std::string_view{r.body}, std::string_view{chunk}}) {
        if (piece.empty())
          continue;
        char size_line[24];
        std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
        wire += size_line;
        wire.append(piece);
        wire += "\r\n";
        body.append(piece);
      }
      wire += "0\r\n\r\n";
    }
  } else {
    fields = has_content ? expected_fields(r, ctx, "Content-Length", std::to_string(r.body.size()))
                         : expected_fields(r, ctx, {}, {});
    if (has_content && !ctx.head_request)
      wire = body = r.body;
  }
  check_layout(r, fields, out, wire);
  check_parse_back(r, ctx, fields, body, out);
  return 0;
}
