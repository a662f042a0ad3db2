#include "protocols/http/url.hpp"

#include "protocols/http/header_list.hpp"

namespace warren::http {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_alnum(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool all_of(std::string_view s, bool (*pred)(char) noexcept) noexcept {
  for (char c : s)
    if (!pred(c))
      return false;
  return true;
}

/// Four decimal parts 0..255 without leading zeros (which some resolvers
/// read as octal).
bool valid_ipv4(std::string_view s) noexcept {
  for (int part = 0; part < 4; ++part) {
    auto dot = s.find('.');
    if ((dot == std::string_view::npos) != (part == 3))
      return false;
    auto digits = s.substr(0, dot);
    if (digits.empty() || digits.size() > 3 || !all_of(digits, is_digit)
        || (digits.size() > 1 && digits.front() == '0'))
      return false;
    int value = 0;
    for (char c : digits)
      value = value * 10 + (c - '0');
    if (value > 255)
      return false;
    s.remove_prefix(part == 3 ? s.size() : dot + 1);
  }
  return true;
}

bool valid_hex_group(std::string_view s) noexcept {
  return !s.empty() && s.size() <= 4 && all_of(s, is_hex);
}

/// RFC 4291 2.2: eight groups of 1..4 hex digits, at most one "::" standing
/// for one or more zero groups, optionally ending in a dotted IPv4 address
/// (two groups). No zone identifier.
bool valid_ipv6(std::string_view s) noexcept {
  int groups = 0;
  bool compressed = false;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    s.remove_prefix(2);
  }
  while (!s.empty()) {
    auto colon = s.find(':');
    auto part = s.substr(0, colon);
    if (colon == std::string_view::npos) {
      if (part.find('.') != std::string_view::npos) {
        if (!valid_ipv4(part))
          return false;
        groups += 2;
      } else if (valid_hex_group(part)) {
        ++groups;
      } else {
        return false;
      }
      break;
    }
    if (!valid_hex_group(part))
      return false;
    ++groups;
    s.remove_prefix(colon + 1);
    if (s.empty())
      return false; // a single trailing ':'
    if (s.front() == ':') {
      if (compressed)
        return false; // a second "::"
      compressed = true;
      s.remove_prefix(1);
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool is_name_char(char c) noexcept {
  return is_alnum(c) || c == '-' || c == '_';
}

bool is_digit_or_dot(char c) noexcept {
  return is_digit(c) || c == '.';
}

/// Dot-separated non-empty labels of letters, digits, '-' and '_'.
bool valid_host_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253)
    return false;
  for (;;) {
    auto dot = s.find('.');
    auto label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || !all_of(label, is_name_char))
      return false;
    if (dot == std::string_view::npos)
      return true;
    s.remove_prefix(dot + 1);
  }
}

bool valid_port(std::string_view s, std::uint16_t& port) noexcept {
  if (s.empty() || s.size() > 5 || !all_of(s, is_digit))
    return false;
  unsigned value = 0;
  for (char c : s)
    value = value * 10 + static_cast<unsigned>(c - '0');
  if (value == 0 || value > 65535)
    return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool is_visible(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f;
}

} // namespace

std::string url::host_header() const {
  std::string out = is_ipv6() ? "[" + host + "]" : host;
  if (port != 80) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  return out;
}

std::optional<url> parse_url(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (text.size() < scheme.size() || !iequals(text.substr(0, scheme.size()), scheme)
      || !all_of(text, is_visible))
    return std::nullopt;
  text.remove_prefix(scheme.size());
  text = text.substr(0, text.find('#'));
  auto authority_end = text.find_first_of("/?");
  auto authority = text.substr(0, authority_end);
  auto rest = authority_end == std::string_view::npos ? std::string_view{}
                                                      : text.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return std::nullopt;
  url out;
  std::string_view host;
  std::string_view after_host;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
    if (!valid_ipv6(host))
      return std::nullopt;
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    bool valid = all_of(host, is_digit_or_dot) ? valid_ipv4(host) : valid_host_name(host);
    if (!valid)
      return std::nullopt;
  }
  if (!after_host.empty()
      && (after_host.front() != ':' || !valid_port(after_host.substr(1), out.port)))
    return std::nullopt;
  out.host = std::string(host);
  if (rest.empty())
    out.target = "/";
  else if (rest.front() == '?')
    out.target = "/" + std::string(rest);
  else
    out.target = std::string(rest);
  return out;
}

} // namespace warren::http
