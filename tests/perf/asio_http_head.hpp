#pragma once
// The plain asio HTTP baseline's response-head helpers (asio_http_server.cpp): date,
// header tokens, content types, status lines. Header-only, used by that one program.

#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

namespace asio_http_baseline {

/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted once per second.
class date_cache {
public:
  const std::string& now() {
    std::time_t t = std::time(nullptr);
    if (t != second_) {
      second_ = t;
      text_ = format(t);
    }
    return text_;
  }
  static std::string format(std::time_t t) {
    static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
                          tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                          tm.tm_sec);
    return std::string(buf, static_cast<std::size_t>(n));
  }

private:
  std::time_t second_ = -1;
  std::string text_;
};

date_cache dates; // one thread: one cache

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

/// True when the comma-separated list `value` holds `token` (case-insensitive).
inline bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (iequals(item, token))
      return true;
    if (comma == std::string_view::npos)
      break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

inline std::string_view content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos)
    return "application/octet-stream";
  auto ext = name.substr(dot + 1);
  if (iequals(ext, "html") || iequals(ext, "htm"))
    return "text/html; charset=utf-8";
  if (iequals(ext, "txt"))
    return "text/plain; charset=utf-8";
  if (iequals(ext, "css"))
    return "text/css; charset=utf-8";
  if (iequals(ext, "js"))
    return "text/javascript; charset=utf-8";
  if (iequals(ext, "json"))
    return "application/json";
  if (iequals(ext, "png"))
    return "image/png";
  if (iequals(ext, "jpg") || iequals(ext, "jpeg"))
    return "image/jpeg";
  return "application/octet-stream";
}

inline const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

/// Appends the status line and the fields every response carries.
inline void append_head_start(std::string& out, int status) {
  out.append("HTTP/1.1 ");
  out.append(std::to_string(status));
  out.push_back(' ');
  out.append(reason(status));
  out.append("\r\nServer: warren\r\nDate: ");
  out.append(dates.now());
  out.append("\r\n");
}

inline void append_head_end(std::string& out, std::uint64_t content_length, bool keep_alive,
                     bool http10) {
  out.append("Content-Length: ");
  out.append(std::to_string(content_length));
  out.append("\r\n");
  if (!keep_alive)
    out.append("Connection: close\r\n");
  else if (http10)
    out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

} // namespace asio_http_baseline
