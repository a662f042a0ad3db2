#pragma once

#include <caf/actor_system_config.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace warren {

/// Every option of the engine with its default, in one place.
/// Each can be set in the config file (`[global]` section, or none) or on the command line
/// (`--port=8080`); `--help` lists them all. The scheduler's own options
/// (`--scheduler.max-threads=N`, `[scheduler] max-threads=N`) scale the engine.
class config : public caf::actor_system_config {
public:
  /// Address to listen on.
  std::string host = "127.0.0.1";
  /// TCP port to listen on; 0 picks an ephemeral port.
  std::uint16_t port = 7000;
  /// asio reactors (each one io_context with its own parked waiter thread).
  std::size_t reactor_threads = 1;
  /// After the last ready event, how long (microseconds) a reactor keeps polling on its worker
  /// before it parks with its waiter thread (0: park at once). See transport::reactor.
  std::size_t reactor_spin_us = 100;
  /// listen(2) backlog.
  int backlog = 1024;
  /// Open connections beyond this are closed at once and counted as refused.
  std::size_t max_connections = 10000;
  /// Largest announced frame payload; a larger one closes the connection (protocol error).
  /// A command-line option only in framed_config (it means nothing to HTTP servers).
  std::size_t max_frame_size = 1u << 20;
  /// Close a connection after this long without traffic (0: never).
  std::size_t idle_timeout_ms = 60000;
  /// Close a connection whose peer reads none of its pending output for this long (0: never).
  std::size_t write_timeout_ms = 30000;
  /// Stop reading from a connection while more than this many output bytes are pending.
  std::size_t output_high_water_bytes = 1u << 20;
  /// Close a framed connection when more than this many bytes that other actors sent it are
  /// pending (0: no limit). A command-line option only in framed_config.
  std::size_t max_output_bytes = 8u << 20;
  /// On SIGINT/SIGTERM, how long connections may flush pending output before they are cut.
  std::size_t shutdown_timeout_ms = 5000;

  config();

  /// Checks values that CAF's parser cannot (ranges, relations); empty on success.
  std::string validate() const;

  /// The longest timeout an option accepts (about 31 years, "never" in practice): larger
  /// values would overflow the clock's arithmetic. 0 still means never where documented.
  static constexpr std::size_t max_timeout_ms = 1'000'000'000'000;

  /// "--NAME must be at most ..." when `value_ms` is over max_timeout_ms, else empty.
  static std::string check_timeout(std::size_t value_ms, const char* name);

  /// Checks the config file that parse() read, if any: CAF skips a value of the wrong type
  /// or out of range (e.g. `port=70000`) and unknown keys without a word, leaving the
  /// default in place. Returns the first such entry as a message; empty when all is well.
  std::string check_config_file() const;

  /// Refuses `--name=DIGITS` arguments past the largest signed 64-bit integer, which CAF's
  /// parser would silently turn into 0, and an empty `--config-file=` (CAF would take the
  /// next argument for its value); empty when there are none. Call before parse().
  static std::string check_integer_arguments(int argc, char** argv);
};

/// The engine's options plus those of length-prefixed framing (`--max-frame-size`,
/// `--max-output-bytes`).
class framed_config : public config {
public:
  framed_config();
};

} // namespace warren
