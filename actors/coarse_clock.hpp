#pragma once

#include <chrono>
#include <ctime>

namespace warren {

/// CLOCK_MONOTONIC as of the kernel's last timer interrupt: a few milliseconds of resolution,
/// read from memory (about 4 ns), where steady_clock reads the hardware clock (about 30 ns,
/// more under virtualisation). Connections stamp their activity with it on every read and
/// write; their deadlines (timeouts of tens of milliseconds and more, ticked by a 50 ms timer
/// wheel) need no finer clock.
struct coarse_clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<coarse_clock>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return time_point{std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec}};
  }
};

} // namespace warren
