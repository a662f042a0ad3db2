#pragma once

#include "tests/support/server_process.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace warren::test {

/// The demo programs under attack, each on an ephemeral loopback port. `fd_limit` > 0 starts
/// the server with that many file descriptors at most (RLIMIT_NOFILE, lowered in a shell that
/// then execs the server, so the PID is the server's).
server_process start_echo(std::vector<std::string> extra = {}, int fd_limit = 0);
server_process start_chat(std::vector<std::string> extra = {}, int fd_limit = 0);
/// warren-http serving `static_root` under /static/ and /dynamic/.
server_process start_http(const std::string& static_root, std::vector<std::string> extra = {},
                          int fd_limit = 0);

/// A temporary directory of files for warren-http's --static-root: `small.txt` ("small
/// file\n") and `big.bin` (`big_bytes` of a known pattern, see big_byte). Removed on
/// destruction.
class static_root {
public:
  static constexpr std::size_t big_bytes = 8u << 20;

  static_root();
  ~static_root();

  static_root(const static_root&) = delete;
  static_root& operator=(const static_root&) = delete;

  const std::string& path() const noexcept { return path_; }

  /// Byte `i` of big.bin.
  static char big_byte(std::size_t i) noexcept { return static_cast<char>('a' + (i * 7) % 26); }

private:
  std::string path_;
};

} // namespace warren::test
