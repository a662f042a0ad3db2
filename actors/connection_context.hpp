#pragma once

#include "actors/engine_stats.hpp"
#include "actors/timer_wheel.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace warren {

class config;

/// Per-connection limits and timeouts, read once from the config.
struct connection_settings {
  /// Close after this long without traffic (zero: never).
  std::chrono::milliseconds idle_timeout{60000};
  /// Close when pending output makes no progress for this long (zero: never).
  std::chrono::milliseconds write_timeout{30000};
  /// Graceful shutdown: how long pending output may take to flush.
  std::chrono::milliseconds shutdown_timeout{5000};
  /// Stop reading while more output than this is pending.
  std::size_t output_high_water_bytes = 1u << 20;
  /// Close when more output than this, pushed by other actors, is pending (zero: no limit).
  std::size_t max_output_bytes = 8u << 20;
  /// Largest frame payload a framed connection accepts.
  std::uint32_t max_frame_size = 1u << 20;

  static connection_settings from(const config& cfg);
};

/// What every connection of one engine shares: settings and counters. Immutable settings,
/// atomic counters, so any actor on any thread may use it.
struct connection_context {
  using clock_type = timer_wheel::clock_type;

  connection_settings settings;
  std::shared_ptr<engine_stats> stats;
  /// Delivers the connections' timer ticks (kept alive by every connection using it).
  std::shared_ptr<timer_wheel> timers;

  /// When the engine's graceful shutdown must be over; time_point::max() until it starts.
  clock_type::time_point shutdown_deadline() const noexcept {
    return clock_type::time_point{clock_type::duration{shutdown_deadline_.load(std::memory_order_acquire)}};
  }
  /// Starts the shutdown clock (the engine, once, before telling the listeners).
  void start_shutdown_clock(clock_type::time_point deadline) const noexcept {
    shutdown_deadline_.store(deadline.time_since_epoch().count(), std::memory_order_release);
  }

private:
  mutable std::atomic<clock_type::rep> shutdown_deadline_{clock_type::time_point::max().time_since_epoch().count()};
};

using connection_context_ptr = std::shared_ptr<const connection_context>;

} // namespace warren
