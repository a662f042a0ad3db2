#pragma once

#include "protocols/http/header_list.hpp"

#include <string>
#include <string_view>
#include <system_error>

namespace warren::http {

/// Why `write_request` refused a request. Nothing was written; the caller
/// reports the code to whoever built the request.
enum class request_error {
  /// Method that is not an RFC 9110 token (empty, or with SP, CR, LF, ...).
  invalid_method = 1,
  /// Request-target that is empty or not visible ASCII (SP, CR, LF, NUL, >= 0x7f).
  invalid_target,
  /// Host value that is empty or not `uri-host[:port]` (see is_host_value).
  invalid_host,
  /// Header name that is not a token (e.g. contains ':', CR, LF, SP).
  invalid_header_name,
  /// Header value with CR, LF, NUL or another control character.
  invalid_header_value,
  /// A header the writer owns: Host, Content-Length, Transfer-Encoding.
  reserved_header,
};

/// The category of `request_error` codes ("warren.http.request").
const std::error_category& request_category() noexcept;

std::error_code make_error_code(request_error e) noexcept;

/// Appends an HTTP/1.1 request to `out`:
///
///     METHOD target HTTP/1.1\r\n
///     Host: host_header\r\n
///     User-Agent: warren\r\n          (unless `headers` has one)
///     <headers, in order>\r\n
///     Content-Length: n\r\n           (see below)
///     \r\n
///     body
///
/// Content-Length is sent when `body` is not empty, and for POST, PUT and
/// PATCH even with an empty body (RFC 9110 8.6: a user agent should send it
/// when the method defines a meaning for content); never for a GET or HEAD
/// without body. The body is always framed by Content-Length, never chunked.
///
/// Everything is checked before anything is appended, so a refused request
/// (see `request_error`) leaves `out` unchanged: no field or target can
/// smuggle a line break into the head.
std::error_code write_request(std::string_view method, std::string_view target,
                              std::string_view host_header, const header_list& headers,
                              std::string_view body, std::string& out);

} // namespace warren::http

namespace std {
template <>
struct is_error_code_enum<warren::http::request_error> : true_type {};
} // namespace std
