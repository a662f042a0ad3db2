#pragma once

#include "tests/support/test_client.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warren::test {

/// One HTTP/1.1 response as a client sees it on the wire.
struct wire_response {
  int status = 0;
  std::string head;  ///< status line and header fields, final empty line excluded
  std::string body;
};

/// The responses found at the start of a byte stream.
struct wire_responses {
  std::vector<wire_response> responses;
  std::size_t consumed = 0;  ///< bytes making up `responses`
  std::string error;         ///< empty unless the bytes are not a valid response sequence
};

/// Splits `bytes` into complete responses the way warren frames them (every response that
/// may have a body carries Content-Length; 1xx, 204 and 304 have none). Stops at the first
/// incomplete response (it is left unconsumed) or at the first malformed one (`error` says
/// why). Responses to HEAD requests cannot be told apart here: do not send HEAD.
wire_responses parse_responses(std::string_view bytes);

/// Sends `request` on `client` and reads until one complete response arrived; nothing on
/// EOF, a malformed response or the deadline.
std::optional<wire_response> http_exchange(test_client& client, std::string_view request,
                                      std::chrono::milliseconds deadline = generous);

/// `GET path` on a fresh connection (Connection: close); nothing on failure.
std::optional<wire_response> http_get(std::uint16_t port, const std::string& path,
                                      std::chrono::milliseconds deadline = generous);

/// The number after `"name":` in a flat-keyed JSON text such as warren's /stats.
std::optional<std::uint64_t> json_counter(const std::string& json, const std::string& name);

} // namespace warren::test
