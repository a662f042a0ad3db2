#pragma once

#include "transport/reactor.hpp"

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace warren::transport {

/// A fixed set of reactors; new sockets are spread over them round-robin.
class reactor_pool {
public:
  reactor_pool(caf::actor_system& sys, std::size_t count,
               std::chrono::microseconds spin = reactor::default_spin) {
    for (std::size_t i = 0; i < count; ++i)
      reactors_.push_back(std::make_unique<reactor>(sys, spin));
  }

  /// The reactor for the next new socket. Thread-safe.
  reactor& next() noexcept {
    return *reactors_[next_.fetch_add(1, std::memory_order_relaxed) % reactors_.size()];
  }

  /// Stops every reactor (see reactor::stop).
  void stop() {
    for (auto& r : reactors_)
      r->stop();
  }

private:
  std::vector<std::unique_ptr<reactor>> reactors_;
  std::atomic<std::size_t> next_{0};
};

} // namespace warren::transport
