#include "protocols/http/header_list.hpp"

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
