#include "transport/reactor.hpp"

#include "transport/readiness.hpp"

#include <caf/actor_system.hpp>
#include <caf/ref_counted.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include <asio/executor_work_guard.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace warren::transport {

/// The reactor's scheduler job plus its waiter thread. Exactly one of them drives the
/// io_context at any time (`turn_`), so the hand-off needs no further locking.
class reactor::poller final : public caf::resumable, public caf::ref_counted {
public:
  poller(caf::actor_system& sys, asio::io_context& io, std::chrono::microseconds spin)
    : sys_(sys), io_(io), guard_(asio::make_work_guard(io)), spin_(spin),
      run_inline_(sys.scheduler().num_workers() == 1) {
    waiter_ = std::thread{[this] { run_waiter(); }};
  }

  resume_result resume(caf::execution_unit* unit, size_t) override {
    {
      std::lock_guard<std::mutex> lock{mtx_};
      if (stopping_) {
        turn_ = turn::nobody;
        cv_.notify_all();
        return done;
      }
    }
    current_poll_batch() = &found_;
    auto handled = io_.poll();
    current_poll_batch() = nullptr;
    found_.schedule_on(unit, run_inline_);
    auto now = std::chrono::steady_clock::now();
    if (handled > 0)
      last_ready_ = now;
    if (handled > 0 || now - last_ready_ < spin_limit())
      return resume_later;  // back of this worker's queue: the woken actors run first
    std::lock_guard<std::mutex> lock{mtx_};
    turn_ = stopping_ ? turn::nobody : turn::waiter;
    cv_.notify_all();
    return awaiting_message;
  }

  void intrusive_ptr_add_ref_impl() override { ref(); }
  void intrusive_ptr_release_impl() override { deref(); }

  /// Makes both sides let go of the io_context; returns once neither touches it.
  void stop() {
    std::unique_lock<std::mutex> lock{mtx_};
    if (stopping_)
      return;
    stopping_ = true;
    guard_.reset();
    io_.stop();
    cv_.notify_all();
    // The poller job may still be queued on the scheduler; it sees stopping_ when it runs.
    cv_.wait_for(lock, std::chrono::seconds(10), [this] { return turn_ == turn::nobody; });
    lock.unlock();
    waiter_.join();
  }

private:
  enum class turn { waiter, poller, nobody };

  /// How long to poll on after the last ready event: `spin_`, or as long as the stretch of
  /// activity before it (since the waiter last woke the reactor), up to ten times `spin_`. A
  /// busy reactor whose peers pause between bursts (a load generator that reads all its
  /// responses, then writes all its requests) then polls through those pauses instead of
  /// paying two thread wake-ups at the start of every burst; sparse traffic still parks after
  /// `spin_`, so spinning never costs more CPU than the activity that preceded it.
  std::chrono::steady_clock::duration spin_limit() const {
    return std::max(spin_, std::min(last_ready_ - active_since_, 10 * spin_));
  }

  void run_waiter() {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock{mtx_};
        cv_.wait(lock, [this] { return turn_ == turn::waiter || stopping_; });
        if (stopping_) {
          if (turn_ == turn::waiter)
            turn_ = turn::nobody;
          cv_.notify_all();
          return;
        }
      }
      io_.run_one();  // blocks until one handler ran; it sent its message unscheduled
      std::lock_guard<std::mutex> lock{mtx_};
      if (stopping_) {
        turn_ = turn::nobody;
        cv_.notify_all();
        return;
      }
      turn_ = turn::poller;
      last_ready_ = active_since_ = std::chrono::steady_clock::now();  // it ran a ready handler
      intrusive_ptr_add_ref(this);  // the scheduler's reference, dropped after resume
      sys_.scheduler().enqueue(this);
    }
  }

  caf::actor_system& sys_;
  asio::io_context& io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::chrono::steady_clock::duration spin_;  // see reactor: polling on after the last event
  /// One worker: owners found ready read right in this job (see poll_batch::schedule_on),
  /// which saves each one a message and a turn through the scheduler.
  bool run_inline_;
  std::chrono::steady_clock::time_point last_ready_{};
  std::chrono::steady_clock::time_point active_since_{};  // see spin_limit
  poll_batch found_;  // used only by the poller job, so by one thread at a time
  std::thread waiter_;
  std::mutex mtx_;
  std::condition_variable cv_;
  turn turn_ = turn::waiter;
  bool stopping_ = false;
};

reactor::reactor(caf::actor_system& sys, std::chrono::microseconds spin)
  : io_(std::make_unique<asio::io_context>()) {
  poller_ = caf::make_counted<poller>(sys, *io_, spin);
}

reactor::~reactor() {
  stop();
}

void reactor::stop() {
  if (!poller_)
    return;
  poller_->stop();
  poller_.reset();
  // Run what the stop left behind (aborted waits release their actor references), then
  // destroy the io_context while every handler's captures can still be released.
  io_->restart();
  io_->poll();
}

} // namespace warren::transport
