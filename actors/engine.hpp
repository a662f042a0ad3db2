#pragma once

#include "actors/connection_context.hpp"
#include "actors/framed_connection.hpp"
#include "actors/http_connection.hpp"
#include "actors/listener_actor.hpp"
#include "config/config.hpp"
#include "config/http_config.hpp"
#include "transport/reactor_pool.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace warren {

/// A listening server started by the engine.
struct server_info {
  caf::actor listener;  ///< the listener actor (accepts `count_atom`, `shutdown_atom`)
  std::string host;     ///< as asked for (an address or a name)
  std::uint16_t port;   ///< the bound port (the real one when 0 was asked for)
  std::string address;  ///< the bound address and port, e.g. "127.0.0.1:7000", "[::1]:7000"
};

/// What users call: starts reactors, opens listeners whose connections are actors running
/// the user's behaviour, and shuts everything down gracefully.
///
///     warren::engine eng{sys, cfg};
///     auto srv = eng.serve_framed([](warren::framed_connection*) -> caf::behavior {
///       return {[](const warren::frame& f) { return f; }};  // echo
///     });
///     return eng.run_until_signal();
///
/// @warning Create, use and destroy the engine on one thread (typically caf_main's), and
///          destroy it before the actor system.
class engine {
public:
  engine(caf::actor_system& sys, const config& cfg);
  ~engine();

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Listens on the configured host and port; each connection runs `factory`'s behaviour.
  caf::expected<server_info> serve_framed(framed_behavior_factory factory);

  /// Listens on `host`:`port` (0: ephemeral); each connection runs `factory`'s behaviour.
  caf::expected<server_info> serve_framed(const std::string& host, std::uint16_t port,
                                          framed_behavior_factory factory);

  /// Listens for HTTP on the configured host and port; each connection runs `factory`'s
  /// behaviour (see http_connection, http_router).
  caf::expected<server_info> serve_http(http_behavior_factory factory,
                                        http_settings settings = {});

  /// Listens for HTTP on `host`:`port` (0: ephemeral).
  caf::expected<server_info> serve_http(const std::string& host, std::uint16_t port,
                                        http_behavior_factory factory,
                                        http_settings settings = {});

  /// Listens on `host`:`port`; `spawner` makes each connection's actor (any protocol).
  caf::expected<server_info> serve(const std::string& host, std::uint16_t port,
                                   connection_spawner spawner);

  /// Runs a framed connection over any stream (e.g. an in-memory one) without a listener.
  /// The caller keeps track of the returned actor.
  caf::actor attach_framed(std::unique_ptr<transport::stream> stream,
                           framed_behavior_factory factory);

  /// Like attach_framed, sharing one factory among many connections.
  caf::actor attach_framed(std::unique_ptr<transport::stream> stream,
                           framed_behavior_factory_ptr factory);

  /// Blocks until SIGINT or SIGTERM, then shuts down gracefully. Returns the exit code (0).
  int run_until_signal();

  /// Stops accepting, lets every connection flush its output (up to shutdown-timeout-ms),
  /// and waits until all are closed. Idempotent.
  void shutdown();

  engine_stats& stats() noexcept { return *context_->stats; }

  const connection_context_ptr& context() const noexcept { return context_; }

  caf::actor_system& system() noexcept { return sys_; }

  /// The reactors new sockets register with (thread-safe).
  transport::reactor_pool& reactors() noexcept { return *reactors_; }

  const config& cfg() const noexcept { return cfg_; }

private:
  caf::actor_system& sys_;
  const config& cfg_;
  connection_context_ptr context_;
  std::unique_ptr<transport::reactor_pool> reactors_;
  std::vector<caf::actor> listeners_;
  bool shut_down_ = false;
};

/// The HTTP settings an http_config describes.
http_settings http_settings_from(const http_config& cfg);

/// Sends `f` to the peer of framed connection `connection`, from anywhere.
void send_frame(const caf::actor& connection, frame f);

} // namespace warren
