#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace warren::test {

/// A demo server run as a child process for an integration test. The constructor starts it
/// and waits (with a generous deadline) for its "... listening on HOST:PORT" line; the
/// destructor kills it by PID, so a failed assertion never leaves a server behind.
class server_process {
public:
  server_process(const std::string& program, std::vector<std::string> args,
                 std::chrono::seconds start_deadline = std::chrono::seconds(30));
  ~server_process();

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  int pid() const noexcept { return pid_; }

  /// Sends `signal` to the server.
  void signal(int signal);

  /// Waits for the server to exit; returns its exit code, or -1 on timeout / abnormal end.
  int wait_exit(std::chrono::seconds deadline);

private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  bool exited_ = false;
};

} // namespace warren::test
