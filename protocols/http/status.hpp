#pragma once

#include <string_view>

namespace warren::http {

/// Reason phrase for a status code as registered in RFC 9110 section 15
/// (plus 429 and 431 from RFC 6585), or "Unknown" for other codes.
std::string_view reason_phrase(int status) noexcept;

/// False for statuses whose responses never carry content: 1xx, 204, 304
/// (RFC 9110 6.4.1). Such responses get no Content-Length and no body.
bool status_allows_body(int status) noexcept;

} // namespace warren::http
