#pragma once

#include "actors/http_router.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace warren {

/// A small pool of blocking-I/O actors, each on its own thread (`caf::detached`), that open
/// and read files under one root. HTTP connections ask them instead of touching the disk, so
/// neither the reactor nor the scheduler's threads ever wait for it; a response body is
/// pulled from them in 64 KiB pieces as the peer takes it (bounded memory per download).
///
/// Chosen over asio's io_uring file support: that backend replaces the epoll reactor the
/// engine's readiness design relies on (async_wait), and needs liburing, which no engine
/// dependency brings.
class file_readers {
public:
  /// Spawns `count` reader actors serving files under `root` (opened once; throws
  /// std::system_error if it is not a readable directory).
  static file_readers start(caf::actor_system& sys, const std::string& root, std::size_t count);

  /// An HTTP handler for GET/HEAD below `mount` (e.g. "/dynamic/"): 200 with the whole file
  /// (Content-Type, Last-Modified), 403 for paths that could leave the root, 404 for missing
  /// or non-regular files, 503 when out of file descriptors.
  http_router::handler handler(std::string mount) const;

  /// Ends the reader actors.
  void stop();

private:
  std::vector<caf::actor> readers_;
  std::shared_ptr<std::atomic<std::size_t>> next_;
};

} // namespace warren
