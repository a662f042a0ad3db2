#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace warren::test {

/// How one connection of a batch ended.
enum class ending {
  eof,             ///< the server closed the connection (FIN)
  reset,           ///< the server reset it, or a socket error
  deadline,        ///< still open at the case deadline: the server hung
  connect_failed,  ///< never connected
};

const char* to_string(ending e);

inline std::ostream& operator<<(std::ostream& os, ending e) {
  return os << to_string(e);
}

/// What one connection of a batch sent back.
struct case_result {
  std::string received;  ///< the bytes received, the first `max_received_bytes` of them
  std::size_t received_bytes = 0;  ///< every byte received (more than kept: truncated)
  ending end = ending::deadline;
  std::chrono::milliseconds took{0};
};

struct batch_options {
  /// Connections open at the same time.
  std::size_t max_in_flight = 32;
  /// A case not ended by the server this long after its connect counts as hung.
  std::chrono::milliseconds case_deadline{10000};
  /// Shut down the sending side once the input is sent (the server sees EOF).
  bool half_close = true;
  std::size_t max_received_bytes = 1 << 20;
};

/// Sends each input on its own connection to 127.0.0.1:`port` and reads until the server
/// ends it (or the case deadline), with a bounded number of connections in flight, all
/// driven by one poll loop. Results are in input order.
std::vector<case_result> run_batch(std::uint16_t port, const std::vector<std::string>& inputs,
                                   const batch_options& options = {});

} // namespace warren::test
