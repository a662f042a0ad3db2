#pragma once

#include "actors/coarse_clock.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace warren {

/// Delivers one `tick_atom` per registered actor at (about) the time it asked for.
///
/// Every connection has one entry at most: scheduling again moves it, and the actor removes
/// it when it ends. Entries hold no reference, so a closed connection is never kept alive by
/// its timer (CAF's delayed_send would keep it for up to a whole idle timeout), and an entry
/// costs 16 bytes instead of a delayed message. One thread advances the wheel every
/// `resolution`; ticks arrive up to one resolution late, never early.
///
/// Thread-safe. @warning An actor must cancel its entry before it terminates (on_exit).
class timer_wheel {
public:
  using clock_type = coarse_clock;

  static constexpr std::chrono::milliseconds resolution{50};

  /// Where an actor's entry is; kept by the actor, 0 while it has none.
  struct handle {
    std::uint64_t due_tick = 0;
  };

  timer_wheel();
  ~timer_wheel();

  timer_wheel(const timer_wheel&) = delete;
  timer_wheel& operator=(const timer_wheel&) = delete;

  /// Schedules `target`'s single tick at `due`, replacing the one `h` refers to.
  /// Called by the target actor itself (it owns `h`).
  void schedule(caf::actor_control_block* target, clock_type::time_point due, handle& h);

  /// The wheel tick at or after `t` (ticks count from the wheel's start).
  std::uint64_t tick_for(clock_type::time_point t) const noexcept;

  /// Removes `target`'s tick, if any. Called by the target actor itself.
  void cancel(caf::actor_control_block* target, handle& h);

  /// Stops the wheel's thread; no tick is delivered afterwards. Idempotent.
  void stop();

  /// Entries currently registered (for tests and stats).
  std::size_t size() const;

  /// Bytes the slots hold for entries, used or not (for tests and stats).
  std::size_t capacity_bytes() const;

private:
  struct entry {
    caf::actor_control_block* target;
    std::uint64_t due_tick;
  };

  /// Slots cover slot_count * resolution (about 205 s); later deadlines wait for their turn.
  static constexpr std::size_t slot_count = 4096;

  void remove_locked(caf::actor_control_block* target, std::uint64_t due_tick);
  /// Gives a slot's memory back once it is empty.
  static void release_if_drained(std::vector<entry>& slot);
  void run();

  const clock_type::time_point start_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<std::vector<entry>> slots_;
  std::uint64_t processed_tick_ = 0;  ///< every tick up to this one was delivered
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace warren
