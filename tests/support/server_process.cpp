#include "tests/support/server_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace warren::test {

server_process::server_process(const std::string& program, std::vector<std::string> args,
                               std::chrono::seconds start_deadline) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0)
    throw std::runtime_error("pipe failed");
  auto parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // The server dies with the test process, even one killed by CTest's timeout: no orphan
    // keeps a port or a core. (Set by the forking thread; every test forks on its main thread.)
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);  // the test died before the line above took effect
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (auto& arg : args)
      argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  // Read until the "listening on HOST:PORT" line arrives.
  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + start_deadline;
  while (seen.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      break;
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
      continue;
    char buf[256];
    auto n = ::read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0)
      break;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  auto colon = seen.rfind(':', seen.find('\n'));
  if (seen.find("listening on") == std::string::npos || colon == std::string::npos) {
    signal(SIGKILL);
    wait_exit(std::chrono::seconds(10));
    throw std::runtime_error("server did not start: " + program + " said '" + seen + "'");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(seen.substr(colon + 1)));
}

server_process::~server_process() {
  if (!exited_) {
    signal(SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
}

void server_process::signal(int sig) {
  if (pid_ > 0 && !exited_)
    ::kill(pid_, sig);
}

int server_process::wait_exit(std::chrono::seconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!exited_) {
    int status = 0;
    auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (r < 0 && errno != EINTR)
      return -1;
    if (std::chrono::steady_clock::now() > until)
      return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

} // namespace warren::test
