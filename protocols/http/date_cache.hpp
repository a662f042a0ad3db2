#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace warren::http {

/// Formats the `Date` header value (IMF-fixdate, RFC 9110 5.6.7, e.g.
/// "Sun, 06 Nov 1994 08:49:37 GMT") at most once per second.
///
/// @warning Not thread-safe: keep one per thread (or per actor) and do not
/// share the views it returns across threads.
class date_cache {
public:
  /// Source of the current time in seconds; tests inject a fixed clock.
  using clock_fn = std::time_t (*)();

  explicit date_cache(clock_fn clock = &system_clock) noexcept;

  /// The current date; valid until the next call to `now` on this cache.
  std::string_view now();

  /// Formats `t` (seconds since the epoch, UTC) as IMF-fixdate.
  static std::string format(std::time_t t);

  /// `std::time(nullptr)`.
  static std::time_t system_clock() noexcept;

private:
  clock_fn clock_;
  std::time_t second_ = -1;
  std::string text_;
};

} // namespace warren::http
