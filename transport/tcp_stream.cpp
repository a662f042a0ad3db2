#include "transport/tcp_stream.hpp"

#include "transport/readiness.hpp"

#include <caf/actor_control_block.hpp>

#include <cerrno>
#include <climits>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

namespace warren::transport {

tcp_stream::tcp_stream(asio::io_context& io, const asio::ip::tcp& protocol, int fd,
                       std::error_code& ec)
  : socket_(io.get_executor()), edge_wait_(io) {
  asio::error_code aec;
  socket_.assign(protocol, fd, aec);
  if (aec) {
    ::close(fd);
    ec = aec;
    return;
  }
  // The descriptor came from accept4(SOCK_NONBLOCK); tell asio so it never toggles it.
  socket_.non_blocking(true, aec);
  ec = aec;
}

tcp_stream::~tcp_stream() {
  close();
}

io_result tcp_stream::read_bytes(char* data, std::size_t size, bool report_drained) {
  iovec buffer{data, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &buffer;
  msg.msg_iovlen = 1;
  for (;;) {
    // The TCP_INQ count comes only with recvmsg's control data, which costs the kernel a
    // message header to copy in and a control message to copy out: asked for only when used.
    ssize_t n;
    if (report_drained) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      n = ::recvmsg(socket_.native_handle(), &msg, 0);
    } else {
      n = ::recv(socket_.native_handle(), data, size, 0);
    }
    if (n > 0)
      return {io_result::ok, static_cast<std::size_t>(n), 0,
              report_drained && unread_hint(msg) == 0};
    if (n == 0)
      return {io_result::eof};
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return {io_result::would_block};
    return {io_result::failed, 0, errno};
  }
}

int tcp_stream::unread_hint(msghdr& msg) noexcept {
  // TCP_INQ: the bytes left in the receive queue after this read, or 1 when none are left but
  // the peer's FIN is (the kernel's own rule, so that a caller reads on to the EOF).
  for (auto* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) {
      int unread;
      std::memcpy(&unread, CMSG_DATA(c), sizeof(unread));
      return unread;
    }
  }
  return -1;  // no hint (the option is off): unknown
}

io_result tcp_stream::write_buffers(const iovec* buffers, std::size_t count, bool more_follows) {
  auto fd = socket_.native_handle();
  int flags = MSG_NOSIGNAL | (more_follows ? MSG_MORE : 0);
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(buffers);
  msg.msg_iovlen = std::min<std::size_t>(count, IOV_MAX);
  for (;;) {
    // One buffer (a coalesced burst of replies, the usual case) goes out with send(): the
    // kernel then copies in no message header and no iovec array.
    auto n = count == 1 ? ::send(fd, buffers[0].iov_base, buffers[0].iov_len, flags)
                        : ::sendmsg(fd, &msg, flags);
    if (n >= 0)
      return {io_result::ok, static_cast<std::size_t>(n)};
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return {io_result::would_block};
    return {io_result::failed, 0, errno};
  }
}

io_result tcp_stream::send_file(int fd, std::uint64_t offset, std::size_t count) {
  for (;;) {
    auto position = static_cast<off_t>(offset);
    auto n = ::sendfile(socket_.native_handle(), fd, &position, count);
    if (n > 0)
      return {io_result::ok, static_cast<std::size_t>(n)};
    if (n == 0)  // the file is shorter than announced (truncated while being sent)
      return {io_result::failed, 0, EIO};
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return {io_result::would_block};
    return {io_result::failed, 0, errno};
  }
}

void tcp_stream::wait_readable(const caf::strong_actor_ptr& owner) {
  socket_.async_wait(asio::socket_base::wait_read,
                     [owner, reader = reader_](const asio::error_code& ec) {
                       if (ec != asio::error::operation_aborted)
                         notify_readable(owner, reader);
                     });
}

void tcp_stream::wait_readable_after_drain(const caf::strong_actor_ptr& owner) {
  edge_wait_.start(socket_, owner, reader_);
}

void tcp_stream::wait_writable(const caf::strong_actor_ptr& owner) {
  socket_.async_wait(asio::socket_base::wait_write, [owner](const asio::error_code& ec) {
    if (ec != asio::error::operation_aborted)
      notify_writable(owner);
  });
}

std::size_t tcp_stream::unsent_bytes() noexcept {
  int queued = 0;
  if (::ioctl(socket_.native_handle(), SIOCOUTQ, &queued) != 0 || queued < 0)
    return 0;
  return static_cast<std::size_t>(queued);
}

std::size_t tcp_stream::unread_bytes() noexcept {
  int waiting = 0;
  if (::ioctl(socket_.native_handle(), FIONREAD, &waiting) != 0 || waiting < 0)
    return 0;
  return static_cast<std::size_t>(waiting);
}

int tcp_stream::connect_result() noexcept {
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_ERROR, &error, &length) != 0)
    return errno;
  return error;
}

int tcp_stream::start_connect(const asio::ip::tcp::endpoint& endpoint, int& error) noexcept {
  int fd = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  set_connection_options(fd);
  int rc;
  do
    rc = ::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size()));
  while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) {
    error = errno;
    ::close(fd);
    return -1;
  }
  return fd;
}

void tcp_stream::shutdown_write() noexcept {
  if (socket_.is_open())
    ::shutdown(socket_.native_handle(), SHUT_WR);
}

void tcp_stream::close() noexcept {
  asio::error_code ignored;
  socket_.close(ignored);
}

void tcp_stream::set_connection_options(int fd) noexcept {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ::setsockopt(fd, IPPROTO_TCP, TCP_INQ, &one, sizeof(one));
}

} // namespace warren::transport
