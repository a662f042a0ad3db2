#pragma once

#include <string>
#include <system_error>

namespace warren::http {

/// Why `validate` or `response_writer` refused a response. The caller answers
/// with a 500 instead (see `make_error_response`) and logs the code.
enum class response_error {
  /// Status outside 100..999.
  invalid_status = 1,
  /// Reason phrase with a control character (CR, LF, NUL, ...).
  invalid_reason,
  /// Header name that is not an RFC 9110 token (e.g. contains ':', CR, LF, SP).
  invalid_header_name,
  /// Header value with CR, LF, NUL or another control character.
  invalid_header_value,
  /// A framing header the writer owns: Content-Length, Transfer-Encoding,
  /// and Connection (allowed on 1xx, where a 101 needs `Connection: upgrade`).
  reserved_header,
  /// Chunked streaming asked for an HTTP/1.0 peer or a status without content.
  chunked_not_allowed,
};

/// The category of `response_error` codes ("warren.http.response").
const std::error_category& response_category() noexcept;

std::error_code make_error_code(response_error e) noexcept;

} // namespace warren::http

namespace std {
template <>
struct is_error_code_enum<warren::http::response_error> : true_type {};
} // namespace std
