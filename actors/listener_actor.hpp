#pragma once

#include "actors/connection_context.hpp"
#include "transport/acceptor.hpp"
#include "transport/reactor_pool.hpp"
#include "transport/stream.hpp"

#include <caf/event_based_actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <unordered_map>

namespace warren {

/// Spawns the actor for one accepted connection. Called on the listener actor, which
/// monitors the result.
using connection_spawner =
  std::function<caf::actor(caf::local_actor& spawner, std::unique_ptr<transport::stream>)>;

/// Owns a listening socket: accepts until it would block, spawns one connection actor per
/// connection and keeps the live count through monitoring. Beyond max-connections a new
/// connection is closed at once (counted as refused). When the process runs out of file
/// descriptors it pauses accepting briefly instead of spinning (counted as accept_paused);
/// existing connections are untouched.
///
/// Messages: `shutdown_atom` stops accepting and shuts every connection down gracefully; the
/// listener quits once the last connection is gone. `count_atom` answers the live count.
class listener_actor : public caf::event_based_actor {
public:
  listener_actor(caf::actor_config& cfg, std::unique_ptr<transport::acceptor> acceptor,
                 transport::reactor_pool* reactors, connection_spawner spawner,
                 connection_context_ptr context, std::size_t max_connections);

protected:
  caf::behavior make_behavior() override;
  void on_exit() override;

private:
  void accept_batch();
  void take(int fd);
  void begin_shutdown();

  /// How long to pause accepting after EMFILE/ENFILE.
  static constexpr std::chrono::milliseconds accept_pause{100};
  /// Accepts per message before yielding to other messages (e.g. down messages).
  static constexpr int max_accepts_per_turn = 128;

  std::unique_ptr<transport::acceptor> acceptor_;
  transport::reactor_pool* reactors_;
  connection_spawner spawner_;
  connection_context_ptr context_;
  std::size_t max_connections_;
  std::unordered_map<caf::actor_addr, caf::actor> connections_;
  bool paused_ = false;
  bool shutting_down_ = false;
};

} // namespace warren
