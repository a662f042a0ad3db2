#include "protocols/http/response_writer.hpp"

#include "protocols/http/status.hpp"

#include <cstdio>

namespace warren::http {

namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

} // namespace

std::error_code response_writer::write(const response& r, const response_context& ctx,
                                       std::string& out) {
  if (auto ec = validate(r))
    return ec;
  const bool has_content = status_allows_body(r.status);
  out.reserve(out.size() + 160 + r.body.size());
  auto length = r.file ? r.file->length : r.stream ? r.stream->length : r.body.size();
  if (has_content)
    write_head(r, ctx, "Content-Length", std::to_string(length), out);
  else
    write_head(r, ctx, {}, {}, out);
  if (has_content && !ctx.head_request && !r.file && !r.stream)
    out.append(r.body);
  return {};
}

std::error_code response_writer::write_chunked_head(const response& r,
                                                    const response_context& ctx,
                                                    std::string& out) {
  if (auto ec = validate(r))
    return ec;
  if (ctx.version_minor < 1 || !status_allows_body(r.status))
    return response_error::chunked_not_allowed;
  write_head(r, ctx, "Transfer-Encoding", "chunked", out);
  if (!ctx.head_request)
    write_chunk(r.body, out);
  return {};
}

void response_writer::write_chunk(std::string_view data, std::string& out) {
  if (data.empty())
    return;
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out.append(size, static_cast<std::size_t>(n));
  out.append(data);
  out.append("\r\n");
}

void response_writer::write_last_chunk(std::string& out) {
  out.append("0\r\n\r\n");
}

void response_writer::write_continue(std::string& out) {
  out.append("HTTP/1.1 100 Continue\r\n\r\n");
}

void response_writer::write_head(const response& r, const response_context& ctx,
                                 std::string_view framing_name, std::string_view framing_value,
                                 std::string& out) {
  // Always HTTP/1.1: a server sends its own version, even to 1.0 clients.
  out.append("HTTP/1.1 ");
  out.append(std::to_string(r.status));
  out.push_back(' ');
  out.append(r.reason_text());
  out.append("\r\n");
  if (!find_header(r.headers, "Server"))
    append_field(out, "Server", "warren");
  if (!find_header(r.headers, "Date"))
    append_field(out, "Date", dates_.now());
  for (const auto& field : r.headers)
    append_field(out, field.name, field.value);
  if (!framing_name.empty())
    append_field(out, framing_name, framing_value);
  // Interim (1xx) responses leave persistence to the final response.
  if (r.status >= 200 && !ctx.keep_alive)
    append_field(out, "Connection", "close");
  else if (r.status >= 200 && ctx.version_minor == 0)
    append_field(out, "Connection", "keep-alive");
  out.append("\r\n");
}

} // namespace warren::http
