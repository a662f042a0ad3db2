#pragma once

#include <cstddef>

namespace warren::http {

/// Bounds on one request, enforced by `request_parser`. The defaults live here
/// and nowhere else; the engine's config copies them as its own defaults.
struct parser_limits {
  /// Bytes of request line plus header section, final empty line included
  /// (and any empty lines before the request line). Over: 431.
  std::size_t max_header_bytes = 16 * 1024;
  /// Header fields per request. Over: 431.
  std::size_t max_header_count = 100;
  /// Body bytes. A Content-Length above it is refused as soon as the header
  /// section ends (before any 100 Continue). A chunked body is bounded as it
  /// is sent: chunk framing, extensions and trailers count too. Over: 413.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
};

} // namespace warren::http
