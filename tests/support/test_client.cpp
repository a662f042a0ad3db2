#include "tests/support/test_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace warren::test {

test_client::test_client(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw std::runtime_error("socket failed");
  if (receive_buffer > 0)  // before connect, so the window offered to the server stays small
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect failed: " + std::to_string(errno));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

test_client::~test_client() {
  if (fd_ >= 0)
    ::close(fd_);
}

test_client::test_client(test_client&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

// A peer that closes the connection while we are still sending (say, on an oversize frame)
// resets it: the rest cannot be sent, and the reads that follow observe the close. That is
// not a send failure: with short writes (tests/fault) a send often straddles the close.
void test_client::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EPIPE || errno == ECONNRESET)
        return;
      throw std::runtime_error("send failed: " + std::to_string(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void test_client::send_frame(std::string_view payload) {
  send_all(encode_frame(payload));
}

bool test_client::wait_readable(std::chrono::steady_clock::time_point until) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
    if (left.count() < 0)
      return false;
    pollfd pfd{fd_, POLLIN, 0};
    auto r = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (r > 0)
      return true;
    if (r < 0 && errno != EINTR)
      return false;
  }
}

std::optional<std::string> test_client::read_exact(std::size_t n,
                                                   std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  std::string out;
  out.resize(n);
  std::size_t got = 0;
  while (got < n) {
    if (!wait_readable(until))
      return std::nullopt;
    auto r = ::recv(fd_, out.data() + got, n - got, 0);
    if (r == 0)
      return std::nullopt;
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return std::nullopt;
    }
    got += static_cast<std::size_t>(r);
  }
  return out;
}

std::optional<std::string> test_client::read_frame(std::chrono::milliseconds deadline) {
  auto header = read_exact(4, deadline);
  if (!header)
    return std::nullopt;
  auto b = reinterpret_cast<const unsigned char*>(header->data());
  std::size_t length = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16)
                       | (std::size_t{b[2]} << 8) | std::size_t{b[3]};
  if (length == 0)
    return std::string{};
  return read_exact(length, deadline);
}

std::string test_client::read_until_eof(std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  std::string out;
  char buf[65536];
  while (wait_readable(until)) {
    auto r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r <= 0) {
      if (r < 0 && errno == EINTR)
        continue;
      break;
    }
    out.append(buf, static_cast<std::size_t>(r));
  }
  return out;
}

bool test_client::wait_closed(std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  char buf[4096];
  while (wait_readable(until)) {
    auto r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r == 0)
      return true;
    if (r < 0 && errno != EINTR && errno != EAGAIN)
      return true;  // reset counts as closed
  }
  return false;
}

void test_client::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

std::string encode_frame(std::string_view payload) {
  std::string out(4, '\0');
  auto n = static_cast<std::uint32_t>(payload.size());
  out[0] = static_cast<char>(n >> 24);
  out[1] = static_cast<char>(n >> 16);
  out[2] = static_cast<char>(n >> 8);
  out[3] = static_cast<char>(n);
  out.append(payload.data(), payload.size());
  return out;
}

} // namespace warren::test
