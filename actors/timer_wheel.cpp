#include "actors/timer_wheel.hpp"

#include "actors/atoms.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/make_message.hpp>
#include <caf/message_id.hpp>

#include <algorithm>

namespace warren {

namespace {

const caf::message& tick_message() {
  static const caf::message msg = caf::make_message(tick_atom::value);
  return msg;
}

} // namespace

timer_wheel::timer_wheel() : start_(clock_type::now()), slots_(slot_count) {
  thread_ = std::thread{[this] { run(); }};
}

timer_wheel::~timer_wheel() {
  stop();
}

std::uint64_t timer_wheel::tick_for(clock_type::time_point t) const noexcept {
  auto ticks = (t - start_ + resolution - clock_type::duration{1}) / resolution;  // round up
  return ticks > 0 ? static_cast<std::uint64_t>(ticks) : 0;
}

void timer_wheel::schedule(caf::actor_control_block* target, clock_type::time_point due,
                           handle& h) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (h.due_tick != 0)
    remove_locked(target, h.due_tick);
  auto tick = std::max(tick_for(due), processed_tick_ + 1);
  slots_[tick % slot_count].push_back(entry{target, tick});
  h.due_tick = tick;
}

void timer_wheel::cancel(caf::actor_control_block* target, handle& h) {
  if (h.due_tick == 0)
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  remove_locked(target, h.due_tick);
  h.due_tick = 0;
}

void timer_wheel::remove_locked(caf::actor_control_block* target, std::uint64_t due_tick) {
  auto& slot = slots_[due_tick % slot_count];
  auto i = std::find_if(slot.begin(), slot.end(), [&](const entry& e) {
    return e.target == target && e.due_tick == due_tick;
  });
  if (i != slot.end()) {
    *i = slot.back();
    slot.pop_back();
    release_if_drained(slot);
  }
}

void timer_wheel::release_if_drained(std::vector<entry>& slot) {
  // An empty slot holds no memory. Keeping even a few entries' room per slot would let every
  // one of the 4096 slots keep its own high-water mark as the deadlines of new connections
  // sweep across the wheel: about 600 KB reached only after the wheel's whole span (205 s),
  // which a long-running server would see as creeping memory. The price is one small
  // allocation when an entry lands in an empty slot, once per connection, not per request.
  if (slot.empty() && slot.capacity() > 0)
    std::vector<entry>{}.swap(slot);
}

void timer_wheel::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_)
      return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

std::size_t timer_wheel::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::size_t n = 0;
  for (auto& slot : slots_)
    n += slot.size();
  return n;
}

std::size_t timer_wheel::capacity_bytes() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::size_t n = 0;
  for (auto& slot : slots_)
    n += slot.capacity() * sizeof(entry);
  return n;
}

void timer_wheel::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    auto next = start_ + resolution * static_cast<std::int64_t>(processed_tick_ + 1);
    if (cv_.wait_until(lock, next, [this] { return stopping_; }))
      return;
    auto now_tick = static_cast<std::uint64_t>((clock_type::now() - start_) / resolution);
    // Deliver every slot up to now (several after a stall), each entry whose tick has come.
    // The targets are alive: each removes its entry (under this lock) before it ends.
    auto first = processed_tick_ + 1;
    if (now_tick >= first + slot_count)
      first = now_tick - slot_count + 1;  // one pass over every slot covers a long stall
    for (auto tick = first; tick <= now_tick; ++tick) {
      auto& slot = slots_[tick % slot_count];
      for (std::size_t i = 0; i < slot.size();) {
        if (slot[i].due_tick > tick) {
          ++i;  // a later round of the wheel
          continue;
        }
        slot[i].target->enqueue(nullptr, caf::make_message_id(), tick_message(), nullptr);
        slot[i] = slot.back();
        slot.pop_back();
      }
      release_if_drained(slot);
    }
    processed_tick_ = std::max(processed_tick_, now_tick);
  }
}

} // namespace warren
