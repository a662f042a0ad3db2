#pragma once

#include "protocols/http/header_list.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace warren::http {

/// One complete HTTP/1.x request as produced by `request_parser`. Owns all of
/// its bytes, so it stays valid after the input buffer is reused.
struct request {
  /// Method name in upper case as registered with llhttp ("GET", "POST", ...).
  std::string method;
  /// Raw request-target exactly as sent (origin-, absolute-, authority- or asterisk-form).
  std::string target;
  int version_major = 1;
  int version_minor = 1;
  /// Fields in arrival order; values have surrounding whitespace removed.
  header_list headers;
  /// Message body with any chunked framing removed; trailers are dropped.
  std::string body;
  /// Whether the connection may carry another request after this one
  /// (RFC 9112 9.3: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
  /// `Connection: keep-alive`). When false the caller closes after responding.
  bool keep_alive = true;
  /// HTTP/1.1 request with `Expect: 100-continue`.
  bool expects_continue = false;
  /// `Connection: upgrade` with an `Upgrade` field. A caller that ignores the
  /// upgrade may keep parsing HTTP; one that accepts it must stop feeding the
  /// parser and hand the following bytes to the new protocol. (CONNECT, whose
  /// following bytes are tunnel data, is refused by the parser with 501.)
  bool upgrade = false;

  /// Target up to '?' or '#', still percent-encoded. For absolute-form
  /// (`http://host/p`) the path part (`/p`, or `/` when empty); authority-
  /// and asterisk-form targets are returned unchanged.
  std::string_view path() const noexcept;

  /// Text after the first '?' up to any '#', still encoded; empty if none.
  std::string_view query() const noexcept;

  /// Value of the first field called `name` (case-insensitive), if any.
  /// The view is valid as long as this request is not modified.
  std::optional<std::string_view> find(std::string_view name) const noexcept;

  /// True for HEAD, whose response carries no body.
  bool is_head() const noexcept { return method == "HEAD"; }
};

/// Decodes %XX escapes (no '+' to space: that is a form-encoding rule).
/// Returns nullopt on a '%' not followed by two hex digits and on any NUL,
/// raw or encoded. Decoding "%2F" yields '/', so callers that route on path
/// segments should split before decoding.
std::optional<std::string> percent_decode(std::string_view encoded);

} // namespace warren::http
