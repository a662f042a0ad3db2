#include "protocols/http/response.hpp"

#include "protocols/http/status.hpp"

#include <algorithm>
#include <utility>

namespace warren::http {

namespace {

bool is_reserved(std::string_view name, int status) noexcept {
  if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding"))
    return true;
  return iequals(name, "Connection") && status >= 200;
}

} // namespace

response::response(int status_code, std::string content, std::string_view content_type)
  : status(status_code), body(std::move(content)) {
  headers.push_back({"Content-Type", std::string(content_type)});
}

response& response::set_header(std::string name, std::string value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const header_field& f) { return iequals(f.name, name); }),
                headers.end());
  return add_header(std::move(name), std::move(value));
}

response& response::add_header(std::string name, std::string value) {
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

std::string_view response::reason_text() const noexcept {
  return reason.empty() ? reason_phrase(status) : std::string_view{reason};
}

std::error_code validate(const response& r) {
  if (r.status < 100 || r.status > 999)
    return response_error::invalid_status;
  for (char c : r.reason)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return response_error::invalid_reason;
  for (const auto& field : r.headers) {
    if (!is_token(field.name))
      return response_error::invalid_header_name;
    if (!is_field_value(field.value))
      return response_error::invalid_header_value;
    if (is_reserved(field.name, r.status))
      return response_error::reserved_header;
  }
  return {};
}

response make_error_response(int status) {
  std::string text = std::to_string(status);
  text += ' ';
  text += reason_phrase(status);
  text += '\n';
  return response{status, std::move(text)};
}

} // namespace warren::http
