#include "tests/adversarial/connection_batch.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace warren::test {

namespace {

using clock_type = std::chrono::steady_clock;

/// One connection in flight.
struct active_case {
  std::size_t index = 0;
  int fd = -1;
  bool connected = false;
  bool sending_done = false;
  std::size_t sent = 0;
  clock_type::time_point started;
};

int start_connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

const char* to_string(ending e) {
  switch (e) {
    case ending::eof: return "eof";
    case ending::reset: return "reset";
    case ending::deadline: return "deadline";
    case ending::connect_failed: return "connect_failed";
  }
  return "?";
}

std::vector<case_result> run_batch(std::uint16_t port, const std::vector<std::string>& inputs,
                                   const batch_options& options) {
  std::vector<case_result> results(inputs.size());
  std::vector<active_case> active;
  std::size_t next = 0;
  auto finish = [&](std::size_t slot, ending how) {
    auto& c = active[slot];
    results[c.index].end = how;
    results[c.index].took =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - c.started);
    ::close(c.fd);
    active[slot] = active.back();
    active.pop_back();
  };
  std::vector<pollfd> fds;
  char buf[65536];
  while (next < inputs.size() || !active.empty()) {
    while (active.size() < options.max_in_flight && next < inputs.size()) {
      active_case c;
      c.index = next++;
      c.started = clock_type::now();
      c.fd = start_connect(port);
      if (c.fd < 0) {
        results[c.index].end = ending::connect_failed;
        continue;
      }
      active.push_back(c);
    }
    fds.clear();
    for (auto& c : active) {
      short events = POLLIN;
      if (!c.connected || !c.sending_done)
        events |= POLLOUT;
      fds.push_back({c.fd, events, 0});
    }
    if (::poll(fds.data(), fds.size(), 50) < 0 && errno != EINTR)
      break;
    auto now = clock_type::now();
    // Walk backwards: finishing a case moves the last one into its place.
    for (std::size_t i = active.size(); i-- > 0;) {
      auto& c = active[i];
      auto revents = fds[i].revents;
      auto& result = results[c.index];
      if (!c.connected && (revents & (POLLOUT | POLLERR | POLLHUP))) {
        int error = 0;
        socklen_t length = sizeof(error);
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
          finish(i, ending::connect_failed);
          continue;
        }
        c.connected = true;
      }
      if (c.connected && !c.sending_done && (revents & POLLOUT)) {
        auto& input = inputs[c.index];
        if (c.sent < input.size()) {
          auto n = ::send(c.fd, input.data() + c.sent, input.size() - c.sent, MSG_NOSIGNAL);
          if (n > 0)
            c.sent += static_cast<std::size_t>(n);
          else if (n < 0 && errno != EAGAIN && errno != EINTR)
            c.sending_done = true;  // the server closed; read what it said
        }
        if (c.sent == input.size() && !c.sending_done) {
          c.sending_done = true;
          if (options.half_close)
            ::shutdown(c.fd, SHUT_WR);
        }
      }
      if (c.connected && (revents & (POLLIN | POLLHUP | POLLERR))) {
        auto n = ::recv(c.fd, buf, sizeof(buf), 0);
        if (n > 0) {
          result.received_bytes += static_cast<std::size_t>(n);
          auto keep = std::min<std::size_t>(static_cast<std::size_t>(n),
                                            options.max_received_bytes - std::min(
                                              options.max_received_bytes, result.received.size()));
          result.received.append(buf, keep);
        } else if (n == 0) {
          finish(i, ending::eof);
          continue;
        } else if (errno != EAGAIN && errno != EINTR) {
          finish(i, ending::reset);
          continue;
        }
      }
      if (now - c.started > options.case_deadline)
        finish(i, ending::deadline);
    }
  }
  for (std::size_t i = active.size(); i-- > 0;)
    finish(i, ending::deadline);
  return results;
}

} // namespace warren::test
