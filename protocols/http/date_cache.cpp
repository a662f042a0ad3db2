#include "protocols/http/date_cache.hpp"

#include <cstdio>

namespace warren::http {

date_cache::date_cache(clock_fn clock) noexcept : clock_(clock) {}

std::string_view date_cache::now() {
  std::time_t t = clock_();
  if (t != second_) {
    text_ = format(t);
    second_ = t;
  }
  return text_;
}

std::string date_cache::format(std::time_t t) {
  // Fixed English names: strftime's %a and %b follow the locale.
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                        days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                        tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::time_t date_cache::system_clock() noexcept {
  return std::time(nullptr);
}

} // namespace warren::http
