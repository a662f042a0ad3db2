#include "transport/read_edge_wait.hpp"

#include "transport/readiness.hpp"

#include <caf/actor_control_block.hpp>

#include <asio/detail/reactor_op.hpp>

#include <cerrno>
#include <sys/socket.h>
#include <utility>

namespace warren::transport {

namespace {

/// True while read_edge_wait::start hands an operation to asio on this thread.
thread_local bool starting = false;

/// The wait as an asio reactor operation. `done_and_exhausted` completes it and tells asio that
/// the socket counts as empty again from here on (the owner reads it until EAGAIN before its
/// next wait).
class edge_op final : public asio::detail::reactor_op {
public:
  edge_op(int fd, caf::strong_actor_ptr owner, const inline_reader* reader)
    : reactor_op(asio::error_code{}, &edge_op::perform_wait, &edge_op::complete_wait),
      fd_(fd), owner_(std::move(owner)), reader_(reader) {}

private:
  /// On an event: ready, no I/O needed. When started while asio has seen an event since the
  /// last completed wait: that event's bytes are usually the ones the owner has read since
  /// (a busy connection reads again before it waits). A one-byte peek tells, for far less
  /// than a readable message, an extra turn and a read that finds nothing; bytes that arrive
  /// after the peek bring a new event, which completes the queued wait.
  static status perform_wait(reactor_op* base) {
    if (starting) {
      char byte;
      auto n = ::recv(static_cast<edge_op*>(base)->fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return not_done;
    }
    return done_and_exhausted;
  }

  /// `io` is null when asio destroys the operation unrun (io_context shutdown).
  static void complete_wait(void* io, asio::detail::scheduler_operation* base,
                            const asio::error_code&, std::size_t) {
    auto* op = static_cast<edge_op*>(base);
    auto owner = std::move(op->owner_);
    auto reader = op->reader_;
    auto aborted = op->ec_ == asio::error::operation_aborted;  // the socket was closed
    delete op;
    if (io != nullptr && !aborted)
      notify_readable(owner, reader);
  }

  int fd_;
  caf::strong_actor_ptr owner_;
  const inline_reader* reader_;
};

/// basic_socket keeps its implementation protected; a member pointer taken through a derived
/// class reads it without touching anything else.
struct socket_internals : read_edge_wait::socket_type {
  static constexpr auto implementation = &socket_internals::impl_;
};

} // namespace

read_edge_wait::read_edge_wait(asio::io_context& io)
  : reactor_(&asio::use_service<asio::detail::reactor>(io)) {}

void read_edge_wait::start(socket_type& socket, const caf::strong_actor_ptr& owner,
                           const inline_reader* reader) {
  auto& impl = (socket.*socket_internals::implementation).get_implementation();
  auto* op = new edge_op(impl.socket_, owner, reader);
  starting = true;
  reactor_->start_op(asio::detail::reactor::read_op, impl.socket_, impl.reactor_data_, op,
                     /*is_continuation=*/false, /*allow_speculative=*/true);
  starting = false;
}

} // namespace warren::transport
