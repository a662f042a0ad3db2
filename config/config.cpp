#include "config/config.hpp"

#include "protocols/framing/frame.hpp"

#include <caf/config_option_adder.hpp>

#include <fstream>
#include <string_view>
#include <thread>
#include <utility>

#include <sys/stat.h>

namespace warren {

config::config() {
  opt_group{custom_options_, "global"}
    .add(host, "host", "address (IPv4, IPv6) or host name to listen on (default 127.0.0.1)")
    .add(port, "port,p", "TCP port to listen on, 0 for an ephemeral one (default 7000)")
    .add(reactor_threads, "reactor-threads", "asio reactors, each with a waiter thread (default 1)")
    .add(reactor_spin_us, "reactor-spin-us",
         "microseconds to keep polling after the last ready socket before sleeping, 0 = sleep at once; "
         "after a longer stretch of activity, as long as it lasted, up to 10x this (default 100)")
    .add(backlog, "backlog", "listen(2) backlog (default 1024)")
    .add(max_connections, "max-connections",
         "open connections beyond this are closed at once (default 10000)")
    .add(idle_timeout_ms, "idle-timeout-ms",
         "close a connection idle this long, 0 = never (default 60000)")
    .add(write_timeout_ms, "write-timeout-ms",
         "close a connection whose peer reads nothing this long, 0 = never (default 30000)")
    .add(output_high_water_bytes, "output-high-water-bytes",
         "stop reading while this much output is pending (default 1048576)")
    .add(shutdown_timeout_ms, "shutdown-timeout-ms",
         "on SIGINT/SIGTERM, time allowed to deliver pending output to peers (default 5000)");
  // One worker fewer than the cores (at least one): the reactor's waiter thread, the kernel's
  // network processing and whatever shares the host (peers on loopback, a load generator)
  // need CPU too, and a worker preempted while actors wait in its queue delays them by a
  // whole time slice. Measured on 2 cores with wrk beside the server: 2 workers gave 0.84x
  // nginx's plaintext throughput with a 5 ms p99; 1 worker 1.04x with a 1.1 ms p99.
  auto cores = std::max(1u, std::thread::hardware_concurrency());
  set("scheduler.max-threads", static_cast<size_t>(std::max(1u, cores - 1)));
  // After its short spin, an idle worker sleeps on its condition variable (woken by new work)
  // instead of 500 rounds of 50 us naps: measured 10x less CPU under light load (50
  // sequential connections: 0.06 s instead of 0.63 s) and no loss under full load.
  set("work-stealing.moderate-poll-attempts", size_t{1});
  add_message_type<frame>("warren::frame");
}

framed_config::framed_config() {
  opt_group{custom_options_, "global"}
    .add(max_frame_size, "max-frame-size",
         "largest frame payload in bytes; larger closes the connection (default 1048576)")
    .add(max_output_bytes, "max-output-bytes",
         "close a connection when frames sent to it by other actors (e.g. a chat room) leave more "
         "than this pending for a peer that reads too slowly, 0 = no limit (default 8388608)");
}

std::string config::check_timeout(std::size_t value_ms, const char* name) {
  if (value_ms <= max_timeout_ms)
    return {};
  return std::string{"--"} + name + " must be at most " + std::to_string(max_timeout_ms)
         + " (about 31 years)";
}

namespace {

/// The first entry of `entries` (a config file's content, `category` its section) that
/// `options` does not know (in the global section) or whose value it refuses.
std::string first_bad_entry(const caf::config_option_set& options, const caf::settings& entries,
                            const std::string& category) {
  for (auto& [key, value] : entries) {
    if (auto section = caf::get_if<caf::settings>(&value)) {
      auto nested = category == "global" ? key : category + "." + key;
      if (auto problem = first_bad_entry(options, *section, nested); !problem.empty())
        return problem;
      continue;
    }
    auto name = category == "global" ? key : category + "." + key;
    auto option = options.qualified_name_lookup(category, key);
    if (option == nullptr)
      return "unknown option '" + name + "'";  // every option with an effect is registered
    if (option->check(value))
      return "invalid value for '" + name + "': " + caf::to_string(value);
  }
  return {};
}

} // namespace

std::string config::check_config_file() const {
  if (config_file_path.empty())
    return {};
  struct stat info{};
  if (::stat(config_file_path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    return "config file " + config_file_path + " is not a regular file";
  std::ifstream file{config_file_path};
  if (!file)
    return {};  // none (the default name is optional; an explicit one CAF has refused)
  auto entries = caf::actor_system_config::parse_config(file);
  if (!entries)
    return {};  // a syntax error: CAF's parse has refused the file already
  auto problem = first_bad_entry(custom_options_, *entries, "global");
  if (problem.empty())
    return {};
  return "config file " + config_file_path + ": " + problem;
}

std::string config::check_integer_arguments(int argc, char** argv) {
  constexpr std::string_view largest = "9223372036854775807";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto equals = arg.find('=');
    if (arg.substr(0, 2) != "--" || equals == std::string_view::npos)
      continue;
    auto value = arg.substr(equals + 1);
    if (value.empty() && arg.substr(0, equals) == "--config-file")
      return "--config-file needs a path";
    while (value.size() > 1 && value.front() == '0')
      value.remove_prefix(1);
    bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
    if (digits && (value.size() > largest.size() || (value.size() == largest.size() && value > largest)))
      return std::string{arg.substr(0, equals)} + " is out of range (at most " + std::string{largest}
             + ")";
  }
  return {};
}

std::string config::validate() const {
  if (host.empty())
    return "--host must not be empty";
  auto threads = caf::get_or(*this, "scheduler.max-threads", size_t{1});
  if (threads < 1 || threads > 1024)
    return "--scheduler.max-threads must be between 1 and 1024";
  auto policy = caf::get_or(*this, "scheduler.policy", caf::atom("stealing"));
  if (policy != caf::atom("stealing") && policy != caf::atom("sharing"))
    return "--scheduler.policy must be 'stealing' or 'sharing'";
  for (auto [value, name] : {std::pair{idle_timeout_ms, "idle-timeout-ms"},
                             std::pair{write_timeout_ms, "write-timeout-ms"},
                             std::pair{shutdown_timeout_ms, "shutdown-timeout-ms"}})
    if (auto problem = check_timeout(value, name); !problem.empty())
      return problem;
  if (reactor_threads < 1 || reactor_threads > 64)
    return "--reactor-threads must be between 1 and 64";
  if (reactor_spin_us > 100000)
    return "--reactor-spin-us must be at most 100000";
  if (backlog < 1)
    return "--backlog must be at least 1";
  if (max_connections < 1)
    return "--max-connections must be at least 1";
  if (max_frame_size > 0xFFFFFFFFu)
    return "--max-frame-size must fit in 32 bits (the frame header)";
  if (output_high_water_bytes < 1024)
    return "--output-high-water-bytes must be at least 1024";
  if (max_output_bytes != 0 && max_output_bytes < output_high_water_bytes)
    return "--max-output-bytes must be 0 (no limit) or at least --output-high-water-bytes";
  return {};
}

} // namespace warren
