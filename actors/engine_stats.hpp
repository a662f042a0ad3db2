#pragma once

#include "actors/sharded_counter.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace warren {

/// Why a connection ended.
enum class close_reason : std::uint8_t {
  peer_closed,     ///< the peer closed its side and all output was delivered
  io_error,        ///< reset, broken pipe or another socket error
  idle_timeout,    ///< no traffic for idle-timeout-ms
  header_timeout,  ///< HTTP: request headers not complete within header-timeout-ms (408)
  write_timeout,   ///< the peer read none of the pending output for write-timeout-ms
  protocol_error,  ///< the peer broke the protocol (e.g. an oversize frame)
  handler_error,   ///< the user's behaviour threw or could not handle a message
  shutdown,        ///< graceful engine shutdown
  closed_by_user,  ///< the behaviour or another actor asked for it
  output_overflow, ///< other actors queued more than max-output-bytes for a slow peer
  count_
};

/// A printable name for `reason` (snake_case, as in /stats output).
const char* to_string(close_reason reason);

/// Counters of one engine, shared by its listeners and connections.
/// Thread-safe: every field is sharded per thread (see sharded_counter); readers get a
/// consistent-enough snapshot.
struct engine_stats {
  using counter = sharded_counter;

  counter accepted;         ///< connections accepted and given an actor
  counter refused;          ///< closed at once because max-connections was reached
  counter accept_paused;    ///< times accepting paused for lack of file descriptors
  counter open;             ///< connections whose actor is alive
  std::array<counter, static_cast<std::size_t>(close_reason::count_)> closed{};
  counter bytes_in;
  counter bytes_out;
  counter frames_in;
  counter frames_out;
  /// HTTP requests: handed to a behaviour, or refused with a status (400, 408, 413, ...)
  counter http_requests;
  /// HTTP responses sent, by status class: [0] 1xx ... [4] 5xx.
  std::array<counter, 5> http_responses{};

  void count_response(int status) noexcept {
    if (status >= 100 && status < 600)
      http_responses[static_cast<std::size_t>(status / 100 - 1)].fetch_add(
        1, std::memory_order_relaxed);
  }

  void count_close(close_reason reason) noexcept {
    closed[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }

  std::uint64_t closed_by(close_reason reason) const noexcept {
    return closed[static_cast<std::size_t>(reason)].load(std::memory_order_relaxed);
  }

  /// The counters as one JSON object.
  std::string to_json() const;
};

} // namespace warren
