#include "protocols/http/request_writer.hpp"

namespace warren::http {

namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "warren.http.request"; }

  std::string message(int code) const override {
    switch (static_cast<request_error>(code)) {
      case request_error::invalid_method: return "method is not a token";
      case request_error::invalid_target: return "request target is empty or not visible ASCII";
      case request_error::invalid_host: return "host is empty or not uri-host[:port]";
      case request_error::invalid_header_name: return "header name is not a token";
      case request_error::invalid_header_value: return "control character in header value";
      case request_error::reserved_header: return "header is set by the request writer";
    }
    return "unknown request error";
  }
};

/// Visible ASCII only: no SP, no control octets, nothing >= 0x7f (RFC 9112 3.2).
bool is_visible_ascii(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return false;
  }
  return true;
}

bool is_reserved(std::string_view name) noexcept {
  return iequals(name, "Host") || iequals(name, "Content-Length")
         || iequals(name, "Transfer-Encoding");
}

std::error_code check(std::string_view method, std::string_view target, std::string_view host,
                      const header_list& headers) noexcept {
  if (!is_token(method))
    return request_error::invalid_method;
  if (!is_visible_ascii(target))
    return request_error::invalid_target;
  if (host.empty() || !is_host_value(host))  // what a server would refuse with 400
    return request_error::invalid_host;
  for (const auto& field : headers) {
    if (!is_token(field.name))
      return request_error::invalid_header_name;
    if (!is_field_value(field.value))
      return request_error::invalid_header_value;
    if (is_reserved(field.name))
      return request_error::reserved_header;
  }
  return {};
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

} // namespace

const std::error_category& request_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(request_error e) noexcept {
  return {static_cast<int>(e), request_category()};
}

std::error_code write_request(std::string_view method, std::string_view target,
                              std::string_view host_header, const header_list& headers,
                              std::string_view body, std::string& out) {
  if (auto ec = check(method, target, host_header, headers))
    return ec;
  out.reserve(out.size() + 128 + target.size() + body.size());
  out.append(method);
  out.push_back(' ');
  out.append(target);
  out.append(" HTTP/1.1\r\n");
  append_field(out, "Host", host_header);
  if (!find_header(headers, "User-Agent"))
    append_field(out, "User-Agent", "warren");
  for (const auto& field : headers)
    append_field(out, field.name, field.value);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    append_field(out, "Content-Length", std::to_string(body.size()));
  out.append("\r\n");
  out.append(body);
  return {};
}

} // namespace warren::http
