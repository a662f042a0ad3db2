// libFuzzer target for protocols/http/file_request.hpp (parse_range, parse_http_date,
// safe_relative_path, content_type_for) and percent_decode from request.hpp.
//
// Input: [size class][8 bytes, big-endian number n][text...]
//   parse_range(text, size) with size = n masked by the size class (% 4: 6, 16, 32 or 64
//   bits); the other functions get the text. n also picks a time for the date round trip.

#include "protocols/http/date_cache.hpp"
#include "protocols/http/file_request.hpp"
#include "protocols/http/header_list.hpp"
#include "protocols/http/request.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstdio>
#include <string>

using namespace warren::http;
using warren::fuzz::printable;

namespace {

/// 9999-12-31 23:59:59 UTC + 1: parse_http_date accepts years up to 9999 (and second 60).
constexpr std::time_t end_of_9999 = 253402300800;

void check_range(std::string_view header, std::uint64_t size) {
  auto r = parse_range(header, size);
  const std::string where = printable(header) + " size " + std::to_string(size);
  switch (r.kind) {
    case byte_range::partial:
      FUZZ_CHECK(r.first <= r.last && r.last < size, "partial range " + std::to_string(r.first)
                                                       + "-" + std::to_string(r.last) + " for " + where);
      FUZZ_CHECK(r.length() <= size, where);
      [[fallthrough]];
    case byte_range::unsatisfiable:
      // the unit compares case-insensitively (RFC 9110 14.1)
      FUZZ_CHECK(warren::http::iequals(header.substr(0, 6), "bytes="),
                 "range without bytes= : " + where);
      break;
    case byte_range::whole:
      break;
    default:
      FUZZ_CHECK(false, "kind " + std::to_string(static_cast<int>(r.kind)));
  }
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

/// `t` in the three forms RFC 9110 5.6.7 asks recipients to accept; all must parse to `t`.
void check_date_round_trip(std::time_t t) {
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const long_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto fixdate = date_cache::format(t);
  FUZZ_CHECK(parse_http_date(fixdate) == t, "IMF-fixdate round trip: " + fixdate);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const std::string clock = two(tm.tm_hour) + ':' + two(tm.tm_min) + ':' + two(tm.tm_sec);
  char day[4];
  std::snprintf(day, sizeof day, "%2d", tm.tm_mday);
  const std::string asctime = std::string(days[tm.tm_wday]) + ' ' + months[tm.tm_mon] + ' ' + day
                              + ' ' + clock + ' ' + std::to_string(tm.tm_year + 1900);
  FUZZ_CHECK(parse_http_date(asctime) == t, "asctime round trip: " + asctime);
  if (tm.tm_year + 1900 < 2070) { // two-digit years: 70..99 are 19xx, 00..69 20xx
    const std::string rfc850 = std::string(long_days[tm.tm_wday]) + ", " + two(tm.tm_mday) + '-'
                               + months[tm.tm_mon] + '-' + two(tm.tm_year % 100) + ' ' + clock
                               + " GMT";
    FUZZ_CHECK(parse_http_date(rfc850) == t, "RFC 850 round trip: " + rfc850);
  }
}

void check_date(std::string_view text) {
  auto t = parse_http_date(text);
  if (!t)
    return;
  FUZZ_CHECK(*t >= 0 && *t <= end_of_9999, printable(text) + " parsed to " + std::to_string(*t));
}

/// A segment that could leave the served root or confuse the file system.
bool bad_segment(std::string_view segment) {
  return segment.empty() || segment == "." || segment == "..";
}

void check_path(std::string_view url_path) {
  auto decoded = percent_decode(url_path);
  if (decoded) {
    FUZZ_CHECK(decoded->find('\0') == std::string::npos, "NUL decoded from " + printable(url_path));
    FUZZ_CHECK(decoded->size() <= url_path.size(), printable(url_path));
  }
  auto path = safe_relative_path(url_path);
  // What must be refused: see file_request.hpp.
  bool refuse = url_path.empty() || url_path.front() == '/' || !decoded
                || decoded->find('\\') != std::string::npos;
  if (decoded && !refuse) {
    std::string_view rest = *decoded;
    for (;;) {
      auto slash = rest.find('/');
      refuse = refuse || bad_segment(rest.substr(0, slash));
      if (slash == std::string_view::npos)
        break;
      rest.remove_prefix(slash + 1);
    }
  }
  if (!path) {
    FUZZ_CHECK(refuse, "refused a plain path: " + printable(url_path));
    return;
  }
  const std::string where = printable(url_path) + " -> " + printable(*path);
  FUZZ_CHECK(!refuse, "accepted " + where);
  FUZZ_CHECK(*path == *decoded, where);
  FUZZ_CHECK(!path->empty() && path->front() != '/', where);
  FUZZ_CHECK(path->find('\0') == std::string::npos, "NUL in " + where);
  FUZZ_CHECK(path->find('\\') == std::string::npos, "backslash in " + where);
  std::string_view rest = *path;
  for (;;) {
    auto slash = rest.find('/');
    FUZZ_CHECK(!bad_segment(rest.substr(0, slash)), "bad segment in " + where);
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
}

/// Precondition fields with fuzzed values, and with well-formed dates whose outcome is known.
void check_preconditions(std::string_view text, std::uint8_t selector, std::uint64_t n) {
  static const char* const fields[] = {"If-Match", "If-None-Match", "If-Modified-Since",
                                       "If-Unmodified-Since", "If-Range"};
  const auto mtime = static_cast<std::time_t>(n % 4102444800);  // before 2100
  const auto now = mtime + static_cast<std::time_t>(selector);
  request req;
  req.method = "GET";
  for (int i = 0; i < 5; ++i)
    if (selector & (1u << i))
      req.headers.push_back({fields[i], std::string{text}});
  auto out = evaluate_preconditions(req, mtime, now);
  FUZZ_CHECK(out.status == precondition_outcome::proceed
               || out.status == precondition_outcome::not_modified
               || out.status == precondition_outcome::precondition_failed,
             "outcome " + std::to_string(static_cast<int>(out.status)));
  FUZZ_CHECK(out.status == precondition_outcome::proceed || !out.honour_range,
             "a range honoured with a 304/412 for " + printable(text));
  // Known answers: an unmodified file is 304 for its own date, and If-Range with its exact
  // Last-Modified keeps the range.
  request since;
  since.headers.push_back({"If-Modified-Since", date_cache::format(mtime)});
  FUZZ_CHECK(evaluate_preconditions(since, mtime, now).status
               == precondition_outcome::not_modified,
             "not 304 at " + std::to_string(mtime));
  request range;
  range.headers.push_back({"If-Range", date_cache::format(mtime)});
  FUZZ_CHECK(evaluate_preconditions(range, mtime, now).honour_range,
             "If-Range date mismatch at " + std::to_string(mtime));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warren::fuzz::input_reader in{data, size};
  const std::uint8_t size_class = in.byte();
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n = (n << 8) | in.byte();
  const std::string_view text = in.rest();

  static constexpr std::uint64_t masks[] = {0x3f, 0xffff, 0xffffffff, ~std::uint64_t{0}};
  check_range(text, n & masks[size_class % 4]);
  check_date(text);
  check_date_round_trip(static_cast<std::time_t>(n % static_cast<std::uint64_t>(end_of_9999)));
  check_path(text);
  check_preconditions(text, size_class, n);
  FUZZ_CHECK(!content_type_for(text).empty(), "no content type for " + printable(text));
  return 0;
}
