#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace warren::http {

/// One header field as received or to be sent; the name keeps its original case.
struct header_field {
  std::string name;
  std::string value;
};

/// Header fields in arrival (or sending) order. Messages carry tens of fields at
/// most, so lookups are linear scans; duplicates are kept as separate entries.
using header_list = std::vector<header_field>;

/// ASCII case-insensitive equality (header names, tokens, codings).
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Value of the first field called `name` (case-insensitive), or nullptr.
const std::string* find_header(const header_list& headers, std::string_view name) noexcept;

/// Number of fields called `name` (case-insensitive).
std::size_t count_header(const header_list& headers, std::string_view name) noexcept;

/// True if `s` is a non-empty RFC 9110 token (only tchar octets).
bool is_token(std::string_view s) noexcept;

/// True if `s` may be sent as a field value: no control octets other than HTAB
/// (so no CR, LF or NUL; RFC 9110 5.5).
bool is_field_value(std::string_view s) noexcept;

/// True if `host` is a valid Host field value (RFC 9112 3.2, RFC 3986 3.2.2-3.2.3): empty,
/// or `uri-host [ ":" port ]` where uri-host is an IP literal in brackets or a reg-name
/// (unreserved, pct-encoded, sub-delims) and port is at most 5 digits.
bool is_host_value(std::string_view host) noexcept;

/// `s` without leading and trailing SP / HTAB (RFC 9110 OWS).
std::string_view trim_ows(std::string_view s) noexcept;

/// Calls `fn(element)` for each non-empty element of a comma-separated field
/// value (RFC 9110 5.6.1), with surrounding whitespace removed.
template <class F>
void for_each_element(std::string_view list, F&& fn) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto element = trim_ows(list.substr(0, comma));
    if (!element.empty())
      fn(element);
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
}

/// True if any field called `name` lists `token` (case-insensitive), e.g.
/// `has_token(headers, "Connection", "close")`.
bool has_token(const header_list& headers, std::string_view name, std::string_view token) noexcept;

} // namespace warren::http
