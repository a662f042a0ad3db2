#pragma once

#include "protocols/http/header_list.hpp"
#include "protocols/http/response_error.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warren::http {

/// A range of an open file sent as a response body with sendfile (zero copy).
struct file_body {
  std::shared_ptr<const void> owner;  ///< keeps `fd` open while the range is queued
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

/// A body that another party produces piece by piece, exactly `length` bytes, so a large
/// body needs bounded memory. `source` is opaque here: the connection layer that created it
/// knows how to pull from it (see actors/http_connection.hpp, make_streamed_body).
struct streamed_body {
  std::shared_ptr<const void> source;
  std::uint64_t length = 0;
};

/// A response as a handler builds it. The writer adds the status line,
/// `Server`, `Date` (unless set here), `Content-Length` or chunked framing and
/// `Connection`; handlers must not set the framing headers themselves.
struct response {
  int status = 200;
  /// Empty: the registered phrase for `status` is sent.
  std::string reason;
  header_list headers;
  std::string body;
  /// When set, the body is this file range instead of `body` (the connection sends it with
  /// sendfile after the head the writer produces).
  std::optional<file_body> file;
  /// When set, the body is produced in pieces by this source instead of `body`.
  std::optional<streamed_body> stream;

  response() = default;

  explicit response(int status_code) : status(status_code) {}

  /// A response with content and its `Content-Type`.
  response(int status_code, std::string content,
           std::string_view content_type = "text/plain; charset=utf-8");

  /// Replaces every field called `name` (case-insensitive) with one field.
  response& set_header(std::string name, std::string value);

  /// Appends a field, keeping any existing ones (e.g. `Set-Cookie`).
  response& add_header(std::string name, std::string value);

  /// `reason`, or the registered phrase when it is empty.
  std::string_view reason_text() const noexcept;
};

/// Refuses responses that could inject or break framing: a status outside
/// 100..999, a reason or header value with control characters (CR, LF, NUL...),
/// a header name that is not a token, or a writer-owned header (see
/// `response_error::reserved_header`). Returns an empty code when valid.
std::error_code validate(const response& r);

/// A short text/plain response for a status the engine itself sends
/// (400, 404, 408, 413, 431, 500, 501, 505, ...), body "<code> <reason>\n".
response make_error_response(int status);

} // namespace warren::http
