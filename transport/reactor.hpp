#pragma once

#include <caf/fwd.hpp>
#include <caf/intrusive_ptr.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <memory>

namespace warren::transport {

/// Turns socket readiness into messages for connection actors.
///
/// One asio io_context (epoll). While there is work, the reactor is a job on CAF's scheduler:
/// each turn runs `io_context::poll()` on a worker thread, whose completion handlers only send
/// `readable`/`writable` messages, then yields to the actors it woke and polls again. When a
/// poll finds nothing, the io_context is handed to a parked waiter thread that blocks in
/// `run_one()` and puts the reactor back on the scheduler once something is ready. So readiness
/// handling stays on the scheduler's threads under load, and an idle engine burns no CPU.
///
/// Between the two, the poller spins: after a poll that found something it keeps polling (as a
/// job that yields after each empty poll, so actors queued on its worker still run) for `spin`
/// before it parks. A peer in a request/response exchange usually sends its next message
/// within that window; catching it there saves three thread wake-ups (waiter, worker, then the
/// waiter again), which on a virtual machine cost more than the exchange itself: one
/// connection doing back-to-back requests ran at 8k requests/s without the spin and 25k with
/// 100 us. After a longer stretch of activity the spin grows with it, up to ten times `spin`:
/// a load generator that reads all its responses and then writes all its requests leaves the
/// server idle for a few hundred microseconds between bursts, and paying the wake-ups at the
/// start of every burst doubled the median latency under wrk. Readiness found by one poll is
/// delivered in the kernel's order (see poll_batch).
///
/// @warning stop() must run before the actor system shuts down its scheduler, and every socket
///          registered with context() must be destroyed before the reactor is.
class reactor {
public:
  /// How long a reactor polls on after its last ready event unless told otherwise.
  static constexpr std::chrono::microseconds default_spin{100};

  explicit reactor(caf::actor_system& sys, std::chrono::microseconds spin = default_spin);
  ~reactor();

  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;

  /// The io_context that sockets register with. Thread-safe to register from any thread.
  asio::io_context& context() noexcept { return *io_; }

  /// Stops polling and joins the waiter thread. Idempotent.
  void stop();

  class poller;

private:
  std::unique_ptr<asio::io_context> io_;
  caf::intrusive_ptr<poller> poller_;
};

} // namespace warren::transport
