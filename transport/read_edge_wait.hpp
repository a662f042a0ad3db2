#pragma once

#include <asio/detail/reactor.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <caf/fwd.hpp>

#include "transport/readiness.hpp"

namespace warren::transport {

/// Waits for the next readiness edge of a socket the caller has just read empty, without the
/// epoll_ctl that asio's async_wait costs on every call.
///
/// asio registers each socket once, edge-triggered, and remembers per socket whether an event
/// came since it last learned that the socket was empty. async_wait cannot use that memory
/// (it has no read of its own to prove the socket empty), so it re-arms the descriptor with
/// epoll_ctl: up to one extra system call per HTTP request. A caller whose own read just
/// returned EAGAIN, or reported nothing left (TCP_INQ), has that proof: new bytes now cause a
/// new edge. So the wait is queued with asio's speculative path, as asio's own reads are: if an
/// event came since the last edge this wait consumed, it completes at once (possibly for bytes
/// already read: a harmless extra read); otherwise the next edge completes it.
///
/// `owner` gets one `readable_atom`, or `reader` runs it (see readiness.hpp); closing the socket cancels a queued
/// wait (see stream::wait_readable).
/// @pre After the last readiness it was told of, the caller read the socket until EAGAIN, or
///      until a read whose TCP_INQ count said that no byte and no FIN was left (the kernel
///      raises a new edge for whatever arrives after that read).
///      Anywhere else (input paused with bytes left unread, a new socket) use async_wait.
class read_edge_wait {
public:
  using socket_type = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;

  explicit read_edge_wait(asio::io_context& io);

  void start(socket_type& socket, const caf::strong_actor_ptr& owner,
             const inline_reader* reader = nullptr);

private:
  asio::detail::reactor* reactor_;  ///< the io_context's reactor, looked up once
};

} // namespace warren::transport
