#include "actors/listener_actor.hpp"

#include "actors/atoms.hpp"
#include "transport/readiness.hpp"
#include "transport/tcp_stream.hpp"

#include <caf/send.hpp>

#include <unistd.h>

namespace warren {

listener_actor::listener_actor(caf::actor_config& cfg,
                               std::unique_ptr<transport::acceptor> acceptor,
                               transport::reactor_pool* reactors, connection_spawner spawner,
                               connection_context_ptr context, std::size_t max_connections)
  : caf::event_based_actor(cfg),
    acceptor_(std::move(acceptor)),
    reactors_(reactors),
    spawner_(std::move(spawner)),
    context_(std::move(context)),
    max_connections_(max_connections) {}

caf::behavior listener_actor::make_behavior() {
  set_down_handler([this](caf::down_msg& down) {
    connections_.erase(down.source);
    if (shutting_down_ && connections_.empty())
      quit();
  });
  acceptor_->wait_readable(ctrl());
  return {
    [this](transport::readable_atom) { accept_batch(); },
    [this](resume_atom) {
      paused_ = false;
      accept_batch();
    },
    [this](shutdown_atom) { begin_shutdown(); },
    [this](count_atom) { return connections_.size(); },
  };
}

void listener_actor::on_exit() {
  acceptor_.reset();
  connections_.clear();
}

void listener_actor::accept_batch() {
  if (paused_ || shutting_down_)
    return;
  for (int i = 0; i < max_accepts_per_turn; ++i) {
    auto result = acceptor_->accept_one();
    switch (result.status) {
      case transport::accept_result::accepted:
        take(result.fd);
        continue;
      case transport::accept_result::would_block:
        acceptor_->wait_readable(ctrl());
        return;
      case transport::accept_result::out_of_descriptors:
        // The connection stays in the backlog; retrying now would spin.
        context_->stats->accept_paused.fetch_add(1, std::memory_order_relaxed);
        paused_ = true;
        delayed_send(this, accept_pause, resume_atom::value);
        return;
      case transport::accept_result::failed:
        continue;  // ECONNABORTED and the like concern one connection only
    }
  }
  send(this, transport::readable_atom::value);  // more may wait: continue after others
}

void listener_actor::take(int fd) {
  auto& stats = *context_->stats;
  if (connections_.size() >= max_connections_) {
    ::close(fd);
    stats.refused.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::error_code ec;
  auto stream = std::make_unique<transport::tcp_stream>(reactors_->next().context(),
                                                        acceptor_->protocol(), fd, ec);
  if (ec) {
    stats.count_close(close_reason::io_error);
    return;
  }
  auto connection = spawner_(*this, std::move(stream));
  monitor(connection);
  connections_.emplace(connection.address(), std::move(connection));
  stats.accepted.fetch_add(1, std::memory_order_relaxed);
}

void listener_actor::begin_shutdown() {
  if (shutting_down_)
    return;
  shutting_down_ = true;
  acceptor_->close();
  for (auto& entry : connections_)
    send(entry.second, shutdown_atom::value);
  if (connections_.empty())
    quit();
}

} // namespace warren
