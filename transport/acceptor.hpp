#pragma once

#include <caf/fwd.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace warren::transport {

/// What one non-blocking accept produced.
struct accept_result {
  enum status_t {
    /// `fd` is a new connected socket (non-blocking, close-on-exec).
    accepted,
    /// No connection is waiting; wait for readiness.
    would_block,
    /// The process or system is out of file descriptors (EMFILE/ENFILE/ENOBUFS/ENOMEM): the
    /// connection stays in the backlog; pause accepting for a while instead of spinning.
    out_of_descriptors,
    /// Another error; `error` holds errno. Transient ones (ECONNABORTED, EPROTO) mean: go on.
    failed,
  };
  status_t status;
  int fd = -1;
  int error = 0;
};

/// The address to listen on for `host`: an IPv4 or IPv6 literal (brackets allowed, "[::1]"),
/// else a name resolved now (its first address). Sets `ec` when there is none.
asio::ip::address listen_address(asio::io_context& io, std::string_view host,
                                 asio::error_code& ec);

/// A listening TCP socket. Accepts without blocking; readiness arrives as a message.
/// @warning Not thread-safe: only the owning listener actor uses it.
class acceptor {
public:
  /// Binds and listens on host:port (port 0: ephemeral) with SO_REUSEADDR.
  acceptor(asio::io_context& io, const std::string& host, std::uint16_t port, int backlog,
           std::error_code& ec);

  /// Accepts one waiting connection, if any.
  accept_result accept_one() noexcept;

  /// Sends one `readable_atom` to `owner` once a connection is waiting.
  void wait_readable(const caf::strong_actor_ptr& owner);

  /// The bound address; the actual port when asked for port 0.
  asio::ip::tcp::endpoint local_endpoint() const;

  /// The protocol (v4 or v6) accepted sockets use.
  asio::ip::tcp protocol() const { return protocol_; }

  /// Stops listening. Idempotent.
  void close() noexcept;

  bool is_open() const { return socket_.is_open(); }

private:
  asio::ip::tcp protocol_;
  asio::basic_socket_acceptor<asio::ip::tcp, asio::io_context::executor_type> socket_;
};

} // namespace warren::transport
