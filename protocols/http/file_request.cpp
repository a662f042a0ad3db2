#include "protocols/http/file_request.hpp"

#include "protocols/http/header_list.hpp"
#include "protocols/http/request.hpp"

#include <array>
#include <cctype>
#include <cstring>

namespace warren::http {

namespace {

std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 19)
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

/// A byte position of a Range field: digits of any length (RFC 9110 14.1.1), saturating at
/// UINT64_MAX, which is past the end of any file.
std::optional<std::uint64_t> parse_position(std::string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      return UINT64_MAX;
    value = value * 10 + digit;
  }
  return value;
}

int month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> months{
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < months.size(); ++i)
    if (months[i] == name)
      return static_cast<int>(i);
  return -1;
}

/// Parses "HH:MM:SS".
bool parse_clock(std::string_view s, std::tm& tm) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':')
    return false;
  auto h = parse_digits(s.substr(0, 2));
  auto m = parse_digits(s.substr(3, 2));
  auto sec = parse_digits(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60)
    return false;
  tm.tm_hour = static_cast<int>(*h);
  tm.tm_min = static_cast<int>(*m);
  tm.tm_sec = static_cast<int>(*sec);
  return true;
}

std::optional<std::time_t> to_time(std::tm& tm, std::uint64_t day, std::uint64_t year) {
  if (day < 1 || day > 31 || year < 1970 || year > 9999)
    return std::nullopt;
  tm.tm_mday = static_cast<int>(day);
  tm.tm_year = static_cast<int>(year) - 1900;
  return ::timegm(&tm);
}

} // namespace

byte_range parse_range(std::string_view header, std::uint64_t size) {
  constexpr std::string_view unit = "bytes=";
  if (!iequals(header.substr(0, unit.size()), unit))  // units compare case-insensitively
    return {};
  auto spec = trim_ows(header.substr(unit.size()));
  if (spec.find(',') != std::string_view::npos)
    return {};  // several ranges: serve the whole representation
  auto dash = spec.find('-');
  if (dash == std::string_view::npos)
    return {};
  auto first_text = trim_ows(spec.substr(0, dash));
  auto last_text = trim_ows(spec.substr(dash + 1));
  if (first_text.empty()) {  // suffix range: the last n bytes
    auto n = parse_position(last_text);
    if (!n)
      return {};
    if (*n == 0)
      return {byte_range::unsatisfiable};
    if (size == 0)
      return {};  // satisfiable (RFC 9110 14.1.1), yet no byte to send: the whole, empty file
    auto length = std::min(*n, size);
    return {byte_range::partial, size - length, size - 1};
  }
  auto first = parse_position(first_text);
  if (!first)
    return {};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    auto parsed = parse_position(last_text);
    if (!parsed || *parsed < *first)
      return {};  // malformed: ignore the header
    last = std::min(*parsed, last);
  }
  if (*first >= size)
    return {byte_range::unsatisfiable};
  return {byte_range::partial, *first, last};
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  std::tm tm{};
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() == 29 && text[3] == ',' && text.substr(25) == " GMT") {
    auto day = parse_digits(text.substr(5, 2));
    tm.tm_mon = month_index(text.substr(8, 3));
    auto year = parse_digits(text.substr(12, 4));
    if (!day || !year || tm.tm_mon < 0 || text[4] != ' ' || text[7] != ' ' || text[11] != ' '
        || text[16] != ' ' || !parse_clock(text.substr(17, 8), tm))
      return std::nullopt;
    return to_time(tm, *day, *year);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  auto comma = text.find(", ");
  if (comma != std::string_view::npos && text.size() == comma + 24
      && text.substr(comma + 20) == " GMT" && text[comma + 4] == '-' && text[comma + 8] == '-') {
    auto rest = text.substr(comma + 2);
    auto day = parse_digits(rest.substr(0, 2));
    tm.tm_mon = month_index(rest.substr(3, 3));
    auto yy = parse_digits(rest.substr(7, 2));
    if (!day || !yy || tm.tm_mon < 0 || rest[9] != ' ' || !parse_clock(rest.substr(10, 8), tm))
      return std::nullopt;
    return to_time(tm, *day, *yy < 70 ? 2000 + *yy : 1900 + *yy);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (text.size() == 24 && text[3] == ' ' && text[7] == ' ' && text[10] == ' '
      && text[19] == ' ') {
    tm.tm_mon = month_index(text.substr(4, 3));
    auto day_text = text.substr(8, 2);
    if (day_text[0] == ' ')
      day_text.remove_prefix(1);
    auto day = parse_digits(day_text);
    auto year = parse_digits(text.substr(20, 4));
    if (!day || !year || tm.tm_mon < 0 || !parse_clock(text.substr(11, 8), tm))
      return std::nullopt;
    return to_time(tm, *day, *year);
  }
  return std::nullopt;
}

precondition_outcome evaluate_preconditions(const request& req, std::time_t mtime,
                                            std::time_t now) {
  // A usable date field: a valid HTTP-date that is not in the future (RFC 9110 13.1.3/4).
  auto date_field = [&](std::string_view name) -> std::optional<std::time_t> {
    auto value = req.find(name);
    if (!value)
      return std::nullopt;
    auto when = parse_http_date(trim_ows(*value));
    if (!when || *when > now)
      return std::nullopt;
    return when;
  };
  precondition_outcome out;
  if (auto match = req.find("If-Match")) {
    if (trim_ows(*match) != "*")  // no entity tags: nothing else can match
      return {precondition_outcome::precondition_failed, false};
  } else if (auto since = date_field("If-Unmodified-Since"); since && mtime > *since) {
    return {precondition_outcome::precondition_failed, false};
  }
  if (auto none_match = req.find("If-None-Match")) {
    if (trim_ows(*none_match) == "*")
      return {precondition_outcome::not_modified, false};
  } else if (auto since = date_field("If-Modified-Since"); since && mtime <= *since) {
    return {precondition_outcome::not_modified, false};
  }
  if (auto if_range = req.find("If-Range")) {
    auto when = parse_http_date(trim_ows(*if_range));  // an entity tag never matches
    out.honour_range = when && *when == mtime;
  }
  return out;
}

std::string_view content_type_for(std::string_view file_name) {
  struct entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr entry table[] = {
    {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},   {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},         {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},   {"xml", "application/xml"},
    {"svg", "image/svg+xml"},             {"png", "image/png"},
    {"jpg", "image/jpeg"},                {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},                 {"webp", "image/webp"},
    {"ico", "image/x-icon"},              {"avif", "image/avif"},
    {"woff", "font/woff"},                {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},                  {"otf", "font/otf"},
    {"pdf", "application/pdf"},           {"zip", "application/zip"},
    {"gz", "application/gzip"},           {"tar", "application/x-tar"},
    {"wasm", "application/wasm"},         {"mp4", "video/mp4"},
    {"webm", "video/webm"},               {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},                 {"wav", "audio/wav"},
  };
  auto slash = file_name.rfind('/');
  auto base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  auto dot = base.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == base.size())
    return "application/octet-stream";
  auto ext = base.substr(dot + 1);
  for (auto& e : table)
    if (iequals(e.extension, ext))
      return e.type;
  return "application/octet-stream";
}

std::string with_directory_index(std::string_view url_path) {
  std::string file{url_path};
  if (file.empty() || file.back() == '/')
    file += "index.html";
  return file;
}

std::optional<std::string> safe_relative_path(std::string_view url_path) {
  if (url_path.empty() || url_path.front() == '/')
    return std::nullopt;
  auto decoded = percent_decode(url_path);  // refuses NUL, raw or encoded
  if (!decoded)
    return std::nullopt;
  std::string_view rest = *decoded;
  if (rest.find('\\') != std::string_view::npos)
    return std::nullopt;
  // Every segment must be a plain name: no empty, "." or ".." segment anywhere (this also
  // catches %2e%2e and %2f, which were decoded above).
  for (;;) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..")
      return std::nullopt;
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  return decoded;
}

} // namespace warren::http
