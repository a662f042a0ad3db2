#pragma once

#include "config/config.hpp"

#include <cstddef>

namespace warren {

/// The engine's options plus those of HTTP servers, defaults in one place; `--help` lists
/// them. Map them onto connections with `http_settings_from(cfg)` (actors/engine.hpp).
class http_config : public config {
public:
  /// Request line plus headers, in bytes; more gets 431.
  std::size_t max_header_bytes = 16 * 1024;
  /// Header fields per request; more gets 431.
  std::size_t max_header_count = 100;
  /// Request body bytes (as sent, chunked framing included); more gets 413.
  std::size_t max_body_bytes = 8u << 20;
  /// Headers not complete this long after a request's first byte: 408 and close.
  std::size_t header_timeout_ms = 10000;
  /// A handler answering through a promise gets this long; then 503 and close.
  std::size_t handler_timeout_ms = 30000;
  /// Requests per connection; the last one's response says `Connection: close`.
  std::size_t max_keepalive_requests = 10000;

  http_config();

  std::string validate() const;
};

} // namespace warren
