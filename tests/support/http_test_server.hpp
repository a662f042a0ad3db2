#pragma once

#include "actors/engine.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace warren::test {

/// An in-process HTTP server for integration tests, on an ephemeral loopback port, with
/// routes that exercise the engine (echo, throwing and misbehaving handlers, promises,
/// static and dynamic files under a temporary root, with a secret file outside it).
/// Stops everything in its destructor, also when an assertion failed.
class http_test_server {
public:
  /// `configure` may adjust the config (e.g. short timeouts) before the server starts.
  explicit http_test_server(void (*configure)(http_config&) = nullptr);
  ~http_test_server();

  std::uint16_t port() const noexcept { return port_; }
  engine_stats& stats() { return engine_->stats(); }
  const std::string& root() const noexcept { return root_; }
  const std::string& secret_path() const noexcept { return secret_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

private:
  http_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<engine> engine_;
  caf::actor helper_;
  std::string dir_;     ///< temporary directory holding root_ and the secret
  std::string root_;    ///< served under /static/ and /dynamic/
  std::string secret_;  ///< a file outside the root that must never be served
  std::uint16_t port_ = 0;
  std::function<void()> stop_readers_;
};

/// Runs a shell command, returns its standard output (and its exit status in `status`).
std::string run_command(const std::string& command, int* status = nullptr);

/// Sends `bytes` on a fresh connection and returns all bytes received until the server
/// closes the connection or `deadline` passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds deadline = std::chrono::seconds(30));

} // namespace warren::test
