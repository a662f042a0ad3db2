#include "protocols/http/request.hpp"

namespace warren::http {

namespace {

std::string_view without_query(std::string_view target) noexcept {
  return target.substr(0, target.find_first_of("?#"));
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::string_view request::path() const noexcept {
  auto raw = without_query(target);
  if (raw.empty() || raw.front() == '/')
    return raw;
  auto scheme_end = raw.find("://");
  if (scheme_end == std::string_view::npos)
    return raw;
  auto slash = raw.find('/', scheme_end + 3);
  if (slash == std::string_view::npos)
    return "/";
  return raw.substr(slash);
}

std::string_view request::query() const noexcept {
  std::string_view t = target;
  auto mark = t.find('?');
  if (mark == std::string_view::npos)
    return {};
  auto rest = t.substr(mark + 1);
  return rest.substr(0, rest.find('#'));
}

std::optional<std::string_view> request::find(std::string_view name) const noexcept {
  if (auto value = find_header(headers, name))
    return std::string_view{*value};
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size())
        return std::nullopt;
      int hi = hex_value(encoded[i + 1]);
      int lo = hex_value(encoded[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0')
      return std::nullopt;
    out.push_back(c);
  }
  return out;
}

} // namespace warren::http
