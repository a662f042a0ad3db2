#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace warren::test {

/// Every wait in a test is bounded by a deadline this generous, so a busy 2-core machine
/// slows tests down instead of failing them.
constexpr std::chrono::seconds generous{30};

/// Polls `done` every `step` until it holds (true) or `generous` has passed (false).
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds step = std::chrono::milliseconds{2}) {
  auto until = std::chrono::steady_clock::now() + generous;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

/// A blocking TCP client for tests, with deadlines on every wait. Loopback only.
class test_client {
public:
  /// Connects to 127.0.0.1:`port`; throws on failure. A positive `receive_buffer` sets
  /// SO_RCVBUF first (a peer that should hold little in the kernel).
  explicit test_client(std::uint16_t port, int receive_buffer = 0);
  ~test_client();

  test_client(test_client&& other) noexcept;
  test_client(const test_client&) = delete;
  test_client& operator=(const test_client&) = delete;

  /// Writes all bytes (blocking); stops quietly if the server closed the connection (EPIPE,
  /// ECONNRESET): the reads that follow then see the close.
  void send_all(std::string_view bytes);

  /// Sends one length-prefixed frame.
  void send_frame(std::string_view payload);

  /// Reads exactly `n` bytes; nullopt on EOF, error or deadline.
  std::optional<std::string> read_exact(std::size_t n,
                                        std::chrono::milliseconds deadline = generous);

  /// Reads one length-prefixed frame; nullopt on EOF, error or deadline.
  std::optional<std::string> read_frame(std::chrono::milliseconds deadline = generous);

  /// Reads whatever arrives until EOF or the deadline.
  std::string read_until_eof(std::chrono::milliseconds deadline = generous);

  /// True when the server closed the connection (EOF or reset) within the deadline.
  bool wait_closed(std::chrono::milliseconds deadline = generous);

  void shutdown_write();

  int fd() const noexcept { return fd_; }

private:
  /// Waits until readable; false on deadline.
  bool wait_readable(std::chrono::steady_clock::time_point until);

  int fd_ = -1;
};

/// Encodes one frame (4-byte big-endian length + payload).
std::string encode_frame(std::string_view payload);

} // namespace warren::test

namespace std {

/// Lets Boost.Test print optional strings in failed assertions (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& os, const std::optional<std::string>& x) {
  if (!x)
    return os << "<nothing>";
  if (x->size() > 80)
    return os << '"' << x->substr(0, 80) << "...\" (" << x->size() << " bytes)";
  return os << '"' << *x << '"';
}

} // namespace std
