#include "protocols/http/chunk_framing.hpp"

#include "protocols/http/header_list.hpp"

#include <algorithm>

namespace warren::http {

const char* scan_framing(const char* bytes, std::size_t size, char& last_byte,
                          std::uint64_t& data_left, int& crlf_due) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    if (data_left > 0) {
      auto skip = static_cast<std::size_t>(std::min<std::uint64_t>(data_left, size - i));
      data_left -= skip;
      i += skip - 1;
      if (data_left == 0)
        crlf_due = 2;
      continue;
    }
    char c = bytes[i];
    if (crlf_due > 0) {
      if (c != (crlf_due == 2 ? '\r' : '\n'))
        return "chunk data not followed by CRLF";
      --crlf_due;
      last_byte = c;
      continue;
    }
    if (const char* error = check_line_byte(last_byte, c))
      return error;
  }
  return nullptr;
}

void chunk_framing::add_token_span(std::string_view part) noexcept {
  span_size += part.size();
  span_token = span_token && (part.empty() || is_token(part));
}

bool chunk_framing::end_span() noexcept {
  bool ok = span_size > 0 && span_token;
  span_size = 0;
  span_token = true;
  return ok;
}

} // namespace warren::http
