#include "actors/engine.hpp"

#include "actors/atoms.hpp"

#include <caf/all.hpp>

#include <asio/signal_set.hpp>

#include <csignal>
#include <pthread.h>
#include <thread>

namespace warren {

connection_settings connection_settings::from(const config& cfg) {
  connection_settings s;
  s.idle_timeout = std::chrono::milliseconds(cfg.idle_timeout_ms);
  s.write_timeout = std::chrono::milliseconds(cfg.write_timeout_ms);
  s.shutdown_timeout = std::chrono::milliseconds(cfg.shutdown_timeout_ms);
  s.output_high_water_bytes = cfg.output_high_water_bytes;
  s.max_output_bytes = cfg.max_output_bytes;
  s.max_frame_size = static_cast<std::uint32_t>(cfg.max_frame_size);
  return s;
}

engine::engine(caf::actor_system& sys, const config& cfg) : sys_(sys), cfg_(cfg) {
  std::signal(SIGPIPE, SIG_IGN);  // a peer that vanished is an error code, not a signal
  auto context = std::make_shared<connection_context>();
  context->settings = connection_settings::from(cfg);
  context->stats = std::make_shared<engine_stats>();
  context->timers = std::make_shared<timer_wheel>();
  context_ = std::move(context);
  reactors_ = std::make_unique<transport::reactor_pool>(
    sys, cfg.reactor_threads, std::chrono::microseconds{cfg.reactor_spin_us});
}

engine::~engine() {
  shutdown();
  reactors_->stop();
  context_->timers->stop();
}

caf::expected<server_info> engine::serve_framed(framed_behavior_factory factory) {
  return serve_framed(cfg_.host, cfg_.port, std::move(factory));
}

caf::expected<server_info> engine::serve_framed(const std::string& host, std::uint16_t port,
                                                framed_behavior_factory factory) {
  auto shared_factory = std::make_shared<const framed_behavior_factory>(std::move(factory));
  auto context = context_;
  return serve(host, port,
               [shared_factory, context](caf::local_actor& spawner,
                                         std::unique_ptr<transport::stream> stream) {
                 return spawner.spawn<framed_connection>(std::move(stream), context,
                                                         shared_factory);
               });
}

caf::expected<server_info> engine::serve_http(http_behavior_factory factory,
                                              http_settings settings) {
  return serve_http(cfg_.host, cfg_.port, std::move(factory), std::move(settings));
}

caf::expected<server_info> engine::serve_http(const std::string& host, std::uint16_t port,
                                              http_behavior_factory factory,
                                              http_settings settings) {
  auto http = std::make_shared<http_context>();
  http->settings = std::move(settings);
  http->factory = std::move(factory);
  auto context = context_;
  return serve(host, port,
               [http = http_context_ptr{std::move(http)}, context](
                 caf::local_actor& spawner, std::unique_ptr<transport::stream> stream) {
                 return spawner.spawn<http_connection>(std::move(stream), context, http);
               });
}

http_settings http_settings_from(const http_config& cfg) {
  http_settings s;
  s.limits.max_header_bytes = cfg.max_header_bytes;
  s.limits.max_header_count = cfg.max_header_count;
  s.limits.max_body_bytes = cfg.max_body_bytes;
  s.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
  s.handler_timeout = std::chrono::milliseconds(cfg.handler_timeout_ms);
  s.max_keepalive_requests = cfg.max_keepalive_requests;
  return s;
}

caf::expected<server_info> engine::serve(const std::string& host, std::uint16_t port,
                                         connection_spawner spawner) {
  std::error_code ec;
  auto acceptor = std::make_unique<transport::acceptor>(reactors_->next().context(), host, port,
                                                        cfg_.backlog, ec);
  if (ec)
    return caf::make_error(caf::sec::cannot_open_port,
                           "cannot listen on " + host + ":" + std::to_string(port) + ": "
                             + ec.message());
  auto bound = acceptor->local_endpoint();
  auto bound_port = bound.port();
  auto bound_address = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                               : bound.address().to_string();
  auto listener = sys_.spawn<listener_actor>(std::move(acceptor), reactors_.get(),
                                             std::move(spawner), context_,
                                             cfg_.max_connections);
  listeners_.push_back(listener);
  return server_info{listener, host, bound_port,
                     bound_address + ":" + std::to_string(bound_port)};
}

caf::actor engine::attach_framed(std::unique_ptr<transport::stream> stream,
                                 framed_behavior_factory factory) {
  return attach_framed(std::move(stream),
                       std::make_shared<const framed_behavior_factory>(std::move(factory)));
}

caf::actor engine::attach_framed(std::unique_ptr<transport::stream> stream,
                                 framed_behavior_factory_ptr factory) {
  return sys_.spawn<framed_connection>(std::move(stream), context_, std::move(factory));
}

int engine::run_until_signal() {
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGINT);
  sigaddset(&wanted, SIGTERM);
  sigset_t blocked;
  pthread_sigmask(SIG_BLOCK, nullptr, &blocked);
  if (sigismember(&blocked, SIGINT) == 1 && sigismember(&blocked, SIGTERM) == 1) {
    // run_main blocked them in every thread: collect one (possibly pending since start-up).
    int signal = 0;
    while (sigwait(&wanted, &signal) != 0) {
    }
  } else {
    asio::io_context signals_io;
    asio::signal_set signals{signals_io, SIGINT, SIGTERM};
    signals.async_wait([](const asio::error_code&, int) {});
    signals_io.run_one();
  }
  shutdown();
  return 0;
}

void engine::shutdown() {
  if (shut_down_)
    return;
  shut_down_ = true;
  context_->start_shutdown_clock(connection_context::clock_type::now()
                                 + context_->settings.shutdown_timeout);
  caf::scoped_actor self{sys_};
  for (auto& listener : listeners_) {
    self->monitor(listener);
    self->send(listener, shutdown_atom::value);
  }
  // Each connection closes by itself at its shutdown deadline; allow for that plus slack.
  auto deadline = context_->shutdown_deadline() + std::chrono::seconds(5);
  for (size_t pending = listeners_.size(); pending > 0;) {
    auto left = deadline - connection_context::clock_type::now();
    if (left <= connection_context::clock_type::duration::zero())
      break;
    self->receive([&](caf::down_msg&) { --pending; },
                  caf::after(std::chrono::duration_cast<std::chrono::milliseconds>(left)) >>
                    [&] { pending = 0; });
  }
  listeners_.clear();
  // Connections outside any listener (e.g. an HTTP client's) may still be closing: the
  // reactors must outlive them, so wait for them as well, up to the same deadline.
  while (context_->stats->open.load() > 0
         && connection_context::clock_type::now() < context_->shutdown_deadline())
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void send_frame(const caf::actor& connection, frame f) {
  caf::anon_send(connection, write_atom::value, std::move(f));
}

} // namespace warren
