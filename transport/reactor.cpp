#include "transport/reactor.hpp"

#include "transport/readiness.hpp"

#include <caf/actor_system.hpp>
#include <caf/ref_counted.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include <asio/executor_work_guard.hpp>

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
  poller(caf::actor_system& sys, asio::io_context& io)
    : sys_(sys), io_(io), guard_(asio::make_work_guard(io)) {
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
    current_execution_unit() = unit;
    auto handled = io_.poll();
    current_execution_unit() = nullptr;
    if (handled > 0)
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
      intrusive_ptr_add_ref(this);  // the scheduler's reference, dropped after resume
      sys_.scheduler().enqueue(this);
    }
  }

  caf::actor_system& sys_;
  asio::io_context& io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread waiter_;
  std::mutex mtx_;
  std::condition_variable cv_;
  turn turn_ = turn::waiter;
  bool stopping_ = false;
};

reactor::reactor(caf::actor_system& sys) : io_(std::make_unique<asio::io_context>()) {
  poller_ = caf::make_counted<poller>(sys, *io_);
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
