#include "protocols/http/header_list.hpp"

#include <cctype>

namespace warren::http {

namespace {

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_tchar(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

} // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

const std::string* find_header(const header_list& headers, std::string_view name) noexcept {
  for (const auto& field : headers)
    if (iequals(field.name, name))
      return &field.value;
  return nullptr;
}

std::size_t count_header(const header_list& headers, std::string_view name) noexcept {
  std::size_t n = 0;
  for (const auto& field : headers)
    if (iequals(field.name, name))
      ++n;
  return n;
}

bool is_token(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s)
    if (!is_tchar(static_cast<unsigned char>(c)))
      return false;
  return true;
}

bool is_field_value(std::string_view s) noexcept {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f)
      return false;
  }
  return true;
}

bool is_host_value(std::string_view host) noexcept {
  auto is_hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos || close == 1)
      return false;
    for (char c : host.substr(1, close - 1))
      if (!(is_hex(c) || c == ':' || c == '.' || c == 'v' || c == 'V'))
        return false;
    i = close + 1;
  } else {
    for (; i < host.size() && host[i] != ':'; ++i) {
      char c = host[i];
      if (c == '%') {
        if (i + 2 >= host.size() || !is_hex(host[i + 1]) || !is_hex(host[i + 2]))
          return false;
        i += 2;
        continue;
      }
      if (!(std::isalnum(static_cast<unsigned char>(c)) != 0
            || std::string_view{"-._~!$&'()*+,;="}.find(c) != std::string_view::npos))
        return false;
    }
  }
  if (i == host.size())
    return true;
  if (host[i] != ':')
    return false;
  auto port = host.substr(i + 1);
  return port.size() <= 5
         && port.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back()))
    s.remove_suffix(1);
  return s;
}

bool has_token(const header_list& headers, std::string_view name, std::string_view token) noexcept {
  bool found = false;
  for (const auto& field : headers)
    if (iequals(field.name, name))
      for_each_element(field.value, [&](std::string_view element) {
        found = found || iequals(element, token);
      });
  return found;
}

} // namespace warren::http
