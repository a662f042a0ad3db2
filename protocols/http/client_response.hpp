#pragma once

#include "protocols/http/header_list.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace warren::http {

/// One complete HTTP/1.x response as produced by `response_parser` on the
/// client side. Owns all of its bytes, so it stays valid after the input
/// buffer is reused. Interim (1xx other than 101) responses never appear here.
struct client_response {
  /// Status code, 100..999 (three digits on the wire).
  int status = 0;
  /// Reason phrase as sent (may be empty; clients should not rely on it).
  std::string reason;
  int version_major = 1;
  int version_minor = 1;
  /// Fields in arrival order; values have surrounding whitespace removed.
  header_list headers;
  /// Content with any chunked framing removed; trailers are dropped. Empty
  /// for responses that cannot have content (HEAD, 1xx, 204, 304, tunnels).
  std::string body;
  /// Whether the connection may carry another request after this response
  /// (RFC 9112 9.3: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
  /// `Connection: keep-alive`). Always false for a body delimited by the
  /// end of the connection and for `upgrade`.
  bool keep_alive = false;
  /// 101 Switching Protocols, or a 2xx answer to CONNECT: the bytes after
  /// this response belong to another protocol (see `response_parser`).
  bool upgrade = false;

  /// Value of the first field called `name` (case-insensitive), if any.
  /// The view is valid as long as this response is not modified.
  std::optional<std::string_view> find(std::string_view name) const noexcept {
    if (const std::string* value = find_header(headers, name))
      return std::string_view{*value};
    return std::nullopt;
  }
};

} // namespace warren::http
