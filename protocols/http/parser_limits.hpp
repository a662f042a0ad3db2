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
  /// Body bytes (the payload). A Content-Length above it is refused as soon as
  /// the header section ends (before any 100 Continue); a chunked body as soon
  /// as a chunk size would pass it. Over: 413.
  std::size_t max_body_bytes = 8 * 1024 * 1024;

  /// What a chunked body may take on the wire: its payload plus as much again
  /// plus `max_header_bytes` for chunk framing, extensions and trailers. More
  /// (e.g. one-byte chunks, an extension flood) is refused with 413 too.
  std::size_t max_chunked_wire_bytes() const noexcept {
    auto allowance = max_body_bytes + max_header_bytes;  // limits are far below SIZE_MAX / 3
    return max_body_bytes + allowance;
  }
};

} // namespace warren::http
