#include "protocols/http/response_error.hpp"

namespace warren::http {

namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "warren.http.response"; }

  std::string message(int code) const override {
    switch (static_cast<response_error>(code)) {
      case response_error::invalid_status: return "status code outside 100..999";
      case response_error::invalid_reason: return "control character in reason phrase";
      case response_error::invalid_header_name: return "header name is not a token";
      case response_error::invalid_header_value: return "control character in header value";
      case response_error::reserved_header: return "header is set by the response writer";
      case response_error::chunked_not_allowed: return "chunked response not allowed here";
    }
    return "unknown response error";
  }
};

} // namespace

const std::error_category& response_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(response_error e) noexcept {
  return {static_cast<int>(e), response_category()};
}

} // namespace warren::http
