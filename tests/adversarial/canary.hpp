#pragma once

#include "tests/support/test_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace warren::test {

/// What a canary client is.
enum class canary_kind {
  echo,  ///< framed echo round trips (random payloads of 1..4096 bytes)
  http,  ///< GET /plaintext on a keep-alive connection; "Hello, World!" expected
  chat,  ///< two members of a chat room; each round one says a unique line, the other must
         ///< hear it (lines relayed from other clients are skipped)
};

/// How a canary did.
struct canary_report {
  std::uint64_t rounds = 0;    ///< round trips that came back intact
  std::uint64_t failures = 0;  ///< round trips that failed, came back wrong or too late
  std::string first_failure;
  std::chrono::milliseconds slowest{0};  ///< slowest successful round trip
};

/// An ordinary client that keeps being served, or not, while an attack runs: a thread doing
/// round trips (every byte checked) until `stop()`. Each round trip has `round_deadline`; a
/// failure is recorded and the canary reconnects. With `reconnect_every` > 0 it also opens a
/// fresh connection every that many rounds, so accepting new clients is checked too.
class canary {
public:
  static constexpr std::chrono::milliseconds round_deadline{10000};

  /// `pace`: the pause between rounds (a client, not a load generator).
  canary(canary_kind kind, std::uint16_t port, int reconnect_every = 0, unsigned seed = 1,
         std::chrono::milliseconds pace = std::chrono::milliseconds(10));
  ~canary();

  canary(const canary&) = delete;
  canary& operator=(const canary&) = delete;

  /// Successful rounds so far.
  std::uint64_t rounds() const noexcept { return rounds_.load(); }

  /// Waits until `n` more rounds than `since` succeeded; false on the deadline.
  bool wait_rounds(std::uint64_t n, std::uint64_t since = 0,
                   std::chrono::milliseconds deadline = generous) const;

  /// Stops the thread (idempotent) and reports.
  canary_report stop();

private:
  struct connection;

  void run();
  bool connect(std::string& why);
  bool round(std::uint64_t n, std::string& why);

  canary_kind kind_;
  std::uint16_t port_;
  int reconnect_every_;
  unsigned seed_;
  std::chrono::milliseconds pace_;
  std::mt19937 rng_;  ///< payloads; used by the canary's thread only
  std::unique_ptr<test_client> a_;
  std::unique_ptr<test_client> b_;  ///< the second chat member
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> rounds_{0};
  std::mutex mtx_;
  canary_report report_;
  std::thread thread_;
};

} // namespace warren::test
