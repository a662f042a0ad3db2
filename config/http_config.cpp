#include "config/http_config.hpp"

namespace warren {

http_config::http_config() {
  opt_group{custom_options_, "global"}
    .add(max_header_bytes, "max-header-bytes",
         "request line + headers in bytes; more gets 431, or 414 within the request target (default 16384)")
    .add(max_header_count, "max-header-count", "header fields per request; more gets 431 (default 100)")
    .add(max_body_bytes, "max-body-bytes", "request body bytes; more gets 413 (default 8388608)")
    .add(header_timeout_ms, "header-timeout-ms",
         "headers incomplete this long after a request began: 408, 0 = never (default 10000)")
    .add(handler_timeout_ms, "handler-timeout-ms",
         "a handler answering later gets this long, then 503, 0 = no limit (default 30000)")
    .add(max_keepalive_requests, "max-keepalive-requests",
         "requests per connection before Connection: close (default 10000)");
  port = 8080;
  idle_timeout_ms = 60000;
}

std::string http_config::validate() const {
  if (auto problem = config::validate(); !problem.empty())
    return problem;
  if (max_header_bytes < 256)
    return "--max-header-bytes must be at least 256";
  if (max_header_count < 1)
    return "--max-header-count must be at least 1";
  if (max_keepalive_requests < 1)
    return "--max-keepalive-requests must be at least 1";
  for (auto [value, name] : {std::pair{header_timeout_ms, "header-timeout-ms"},
                             std::pair{handler_timeout_ms, "handler-timeout-ms"}})
    if (auto problem = check_timeout(value, name); !problem.empty())
      return problem;
  return {};
}

} // namespace warren
