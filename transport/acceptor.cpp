#include "transport/acceptor.hpp"

#include "transport/readiness.hpp"
#include "transport/tcp_stream.hpp"

#include <caf/actor_control_block.hpp>

#include <cerrno>
#include <sys/socket.h>

namespace warren::transport {

asio::ip::address listen_address(asio::io_context& io, std::string_view host,
                                 asio::error_code& ec) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);  // "[::1]", as in a URL
  auto address = asio::ip::make_address(std::string{host}, ec);
  if (!ec)
    return address;
  // A name: resolved once, at start-up (blocking is fine here); its first address is used.
  asio::ip::tcp::resolver resolver{io};
  auto found =
    resolver.resolve(std::string{host}, "", asio::ip::resolver_base::address_configured, ec);
  if (ec)
    return {};
  if (found.empty()) {
    ec = asio::error::host_not_found;
    return {};
  }
  return found.begin()->endpoint().address();
}

acceptor::acceptor(asio::io_context& io, const std::string& host, std::uint16_t port,
                   int backlog, std::error_code& ec)
  : protocol_(asio::ip::tcp::v4()), socket_(io.get_executor()) {
  asio::error_code aec;
  auto address = listen_address(io, host, aec);
  if (aec) {
    ec = aec;
    return;
  }
  asio::ip::tcp::endpoint endpoint{address, port};
  protocol_ = endpoint.protocol();
  // Each step runs only while the previous ones succeeded.
  socket_.open(protocol_, aec);
  if (!aec)
    socket_.set_option(asio::socket_base::reuse_address{true}, aec);
  if (!aec)
    socket_.bind(endpoint, aec);
  if (!aec)
    tcp_stream::set_connection_options(socket_.native_handle());  // accepted sockets inherit
  if (!aec)
    socket_.listen(backlog, aec);
  if (!aec)
    socket_.non_blocking(true, aec);
  if (aec) {
    ec = aec;
    close();
  }
}

accept_result acceptor::accept_one() noexcept {
  for (;;) {
    int fd = ::accept4(socket_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0)
      return {accept_result::accepted, fd};
    switch (errno) {
      case EINTR:
        continue;
      case EAGAIN:
#if EAGAIN != EWOULDBLOCK
      case EWOULDBLOCK:
#endif
        return {accept_result::would_block};
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        return {accept_result::out_of_descriptors, -1, errno};
      default:
        return {accept_result::failed, -1, errno};
    }
  }
}

void acceptor::wait_readable(const caf::strong_actor_ptr& owner) {
  socket_.async_wait(asio::socket_base::wait_read, [owner](const asio::error_code& ec) {
    if (ec != asio::error::operation_aborted)
      notify_readable(owner);
  });
}

asio::ip::tcp::endpoint acceptor::local_endpoint() const {
  asio::error_code ignored;
  return socket_.local_endpoint(ignored);
}

void acceptor::close() noexcept {
  asio::error_code ignored;
  socket_.close(ignored);
}

} // namespace warren::transport
