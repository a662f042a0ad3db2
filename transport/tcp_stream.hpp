#pragma once

#include "transport/read_edge_wait.hpp"
#include "transport/stream.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <sys/socket.h>

namespace warren::transport {

/// A connected TCP socket in non-blocking mode, registered with one reactor's io_context.
/// Reads and writes are direct system calls; asio is used only for readiness (async_wait, and
/// read_edge_wait after a read that drained the socket).
class tcp_stream final : public stream {
public:
  using socket_type = read_edge_wait::socket_type;

  /// Takes ownership of the connected descriptor `fd`. On failure (for example when the reactor
  /// cannot register it) `ec` is set and the descriptor is closed.
  tcp_stream(asio::io_context& io, const asio::ip::tcp& protocol, int fd, std::error_code& ec);

  ~tcp_stream() override;

  io_result send_file(int fd, std::uint64_t offset, std::size_t count) override;
  void wait_readable(const caf::strong_actor_ptr& owner) override;
  void wait_readable_after_drain(const caf::strong_actor_ptr& owner) override;
  void wait_writable(const caf::strong_actor_ptr& owner) override;
  void set_inline_reader(const inline_reader* reader) noexcept override { reader_ = reader; }
  int connect_result() noexcept override;
  std::size_t unsent_bytes() noexcept override;
  std::size_t unread_bytes() noexcept override;
  void shutdown_write() noexcept override;
  void close() noexcept override;

  /// Starts a non-blocking connect to `endpoint`; returns the descriptor (connect in
  /// progress or done: wait until writable, then ask connect_result), or -1 with `error` set.
  static int start_connect(const asio::ip::tcp::endpoint& endpoint, int& error) noexcept;

  /// Sets the options every connection needs: TCP_NODELAY (every response goes out at once; no
  /// Nagle/delayed-ACK stalls) and TCP_INQ (each read reports what is left unread, so
  /// read_some can tell a drained socket without a read that returns EAGAIN). Set on a
  /// listening socket, both carry over to every connection it accepts (Linux copies the
  /// listener's TCP options into each accepted socket).
  static void set_connection_options(int fd) noexcept;

protected:
  io_result read_bytes(char* data, std::size_t size, bool report_drained) override;
  io_result write_buffers(const iovec* buffers, std::size_t count, bool more_follows) override;

private:
  /// The TCP_INQ count a recvmsg reported in `msg`'s control data; -1 when there is none.
  static int unread_hint(msghdr& msg) noexcept;

  socket_type socket_;
  read_edge_wait edge_wait_;
  const inline_reader* reader_ = nullptr;  ///< see set_inline_reader
};

} // namespace warren::transport
