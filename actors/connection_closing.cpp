// connection_actor: deadlines (timer ticks) and closing (graceful, lingering, immediate).
// The reading and writing half is in connection_actor.cpp.
#include "actors/connection_actor.hpp"

#include <algorithm>

namespace warren {

void connection_actor::close_after_flush(close_reason reason) {
  if (closing())
    return;
  reading_done_ = true;
  closing_after_flush_ = true;
  pending_close_reason_ = reason;
  if (in_read_batch_)
    return;  // the batch's end flushes and finishes the close
  if (output_.empty())
    finish_graceful_close();
  else
    flush_output();
}

void connection_actor::finish_graceful_close() {
  if (closed_ || lingering_)
    return;
  if (peer_eof_) {  // nothing more can arrive: no reset can hit our output
    close_now(pending_close_reason_);
    return;
  }
  if (!unconsumed_ && stream_->unread_bytes() == 0
      && (!peer_may_send_more()
          || (pending_close_reason_ == close_reason::shutdown && stream_->unsent_bytes() == 0))) {
    // Nothing unread and nothing more expected: a plain close sends FIN after the output
    // the kernel still holds, no reset (nginx's lingering_close "on" decides the same way).
    // In a shutdown, a connection whose output the peer has all acknowledged (an idle one)
    // closes at once too: a reset for whatever it sends later cannot destroy any of it.
    close_now(pending_close_reason_);
    return;
  }
  // Closing a socket with unread input makes the kernel send a reset, which can destroy
  // output still in flight. So send FIN, then read and discard until the peer closes too, or
  // the linger time is over.
  lingering_ = true;
  stream_->shutdown_write();
  release_input_buffer();
  close_deadline_ = std::min(close_deadline_, clock_type::now() + linger_timeout);
  schedule_tick();
  reading_done_ = false;
  reading_paused_ = false;
  arm_read();
}

void connection_actor::remember_kernel_unsent(std::size_t unsent) noexcept {
  kernel_unsent_seen_ = static_cast<std::uint32_t>(std::min<std::size_t>(unsent, UINT32_MAX));
}

void connection_actor::close_now(close_reason reason) {
  if (closed_)
    return;
  closed_ = true;
  reading_done_ = true;
  stats().count_close(reason);
  on_closing(reason);
  if (stream_)
    stream_->close();
  output_.clear();
  quit();
}

std::optional<connection_actor::clock_type::time_point>
connection_actor::next_deadline() const {
  auto& s = settings();
  auto next = close_deadline_;
  if (!output_.empty() && s.write_timeout.count() > 0)
    next = std::min(next, last_write_progress_ + write_look_interval() * (write_looks_ + 1));
  else if (s.idle_timeout.count() > 0 && !busy())
    next = std::min(next, last_activity_ + s.idle_timeout);
  if (auto protocol = protocol_deadline())
    next = std::min(next, *protocol);
  if (next == clock_type::time_point::max())
    return std::nullopt;
  return next;
}

void connection_actor::schedule_tick() {
  if (closed_)
    return;
  auto next = next_deadline();
  if (!next)
    return;  // a tick already pending stays; it finds nothing due and does not come back
  auto& wheel = *context_->timers;
  auto tick = wheel.tick_for(*next);
  auto pending = timer_.due_tick;
  if (pending > wheel.tick_for(clock_type::now()) && pending <= tick)
    return;  // an earlier tick is on its way; it re-checks every deadline
  wheel.schedule(ctrl(), *next, timer_);
}

void connection_actor::handle_tick() {
  if (closed_)
    return;
  auto& s = settings();
  auto now = clock_type::now();
  if (now >= close_deadline_) {
    if (lingering_) {
      // Closing now would reset the connection and drop what the kernel still holds for the
      // peer: linger on while the peer keeps taking it, and in a graceful shutdown for as
      // long as its deadline allows (the operator gave that long for output to drain).
      auto unsent = stream_->unsent_bytes();
      const bool progress = unsent > 0 && unsent < kernel_unsent_seen_;
      const auto shutdown_deadline = context_->shutdown_deadline();
      const bool shutdown_budget = unsent > 0 && pending_close_reason_ == close_reason::shutdown
                                   && now < shutdown_deadline;
      // A shutdown's deadline caps every linger (it is time_point::max() outside one).
      if ((progress || shutdown_budget) && now < shutdown_deadline) {
        remember_kernel_unsent(unsent);
        close_deadline_ = std::min(now + linger_timeout, shutdown_deadline);
        schedule_tick();
        return;
      }
    }
    close_now(closing_after_flush_ ? pending_close_reason_ : close_reason::shutdown);
    return;
  }
  if (!output_.empty()) {
    auto interval = write_look_interval();
    if (s.write_timeout.count() > 0
        && now >= last_write_progress_ + interval * (write_looks_ + 1)) {
      // A peer with a small receive window may be reading all along, only too slowly for
      // the kernel to take our next write: what the kernel held shrinking since the last
      // look is progress too, made after that look. Four looks per timeout: bytes already in
      // flight when the write blocked (acknowledged into the peer's buffer, not read) make
      // the first look shrink, but move the deadline by nothing.
      auto unsent = stream_->unsent_bytes();
      if (unsent < kernel_unsent_seen_) {
        last_write_progress_ += interval * write_looks_;
        write_looks_ = 1;
      } else if (write_looks_ == 3) {
        close_now(close_reason::write_timeout);
        return;
      } else {
        ++write_looks_;
      }
      remember_kernel_unsent(unsent);
    }
  } else if (s.idle_timeout.count() > 0 && now - last_activity_ >= s.idle_timeout && !busy()) {
    close_now(close_reason::idle_timeout);
    return;
  }
  on_protocol_tick(now);
  schedule_tick();
}

void connection_actor::begin_shutdown() {
  if (closing())
    return;
  close_deadline_ = clock_type::now() + settings().shutdown_timeout;
  close_after_flush(close_reason::shutdown);
  schedule_tick();
}

} // namespace warren
