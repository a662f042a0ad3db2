#pragma once

#include "actors/http_client.hpp"
#include "config/config.hpp"

#include <caf/actor_system.hpp>

#include <csignal>
#include <iostream>
#include <sstream>
#include <pthread.h>
#include <type_traits>

namespace warren {

/// A program's main: parses the command line and config file (`--config-file=PATH`, CAF's
/// default `caf-application.ini` in the working directory; config/warren.ini is the commented
/// default) into `Config`, answers `--help`, refuses invalid options with exit code 2, then
/// runs `body(sys, cfg)` and returns its exit code.
/// Unlike CAF_MAIN, the body decides the exit code (e.g. 1 when the port is taken).
template <class Config = config, class Body>
int run_main(int argc, char** argv, Body body) {
  static_assert(std::is_base_of<config, Config>::value, "Config must derive from warren::config");
  Config cfg;
  cfg.add_error_category(caf::atom("http_cli"), render_http_client_error);
  if (auto problem = config::check_integer_arguments(argc, argv); !problem.empty()) {
    std::cerr << argv[0] << ": " << problem << " (see --help)" << std::endl;
    return 2;
  }
  // CAF prints --help, --long-help and --dump-config to stdout while it parses, describing
  // its own options as printing "to STDERR": caught here and said right.
  std::ostringstream printed;
  auto* stdout_buffer = std::cout.rdbuf(printed.rdbuf());
  auto err = cfg.parse(argc, argv);
  std::cout.rdbuf(stdout_buffer);
  auto text = printed.str();
  for (auto at = text.find(" to STDERR"); at != std::string::npos; at = text.find(" to STDERR"))
    text.erase(at, 10);
  std::cout << text;
  if (err) {
    std::cerr << argv[0] << ": invalid option or config file: "
              << caf::actor_system_config::render(err) << " (see --help)" << std::endl;
    return 2;
  }
  if (cfg.cli_helptext_printed) {
    if (text.find("global options:") != std::string::npos)  // not after --dump-config
      std::cout << "scheduler options (all of them with --long-help):\n"
                   "  --scheduler.max-threads=<uint64>   : worker threads running all actors "
                   "(default: cores - 1, at least 1)\n"
                   "  --scheduler.policy=<atom>          : 'stealing' (default) or 'sharing'\n"
                   "long options take their value after '=' (--port=8080; -p 8080 also works)\n"
                   "config file: every option above can also be set in an INI file; "
                   "config/warren.ini is the commented default\n";
    return 0;
  }
  if (auto problem = cfg.check_config_file(); !problem.empty()) {
    std::cerr << argv[0] << ": " << problem << " (see --help)" << std::endl;
    return 2;
  }
  if (!cfg.remainder.empty()) {
    std::cerr << argv[0] << ": unexpected argument '" << cfg.remainder.front()
              << "' (see --help)" << std::endl;
    return 2;
  }
  if (auto problem = cfg.validate(); !problem.empty()) {
    std::cerr << argv[0] << ": " << problem << std::endl;
    return 2;
  }
  // Block SIGINT/SIGTERM before any thread exists: every thread inherits the mask, so a
  // signal that arrives while the server starts stays pending (it never kills the process
  // half-started) and engine::run_until_signal collects it with sigwait.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGINT);
  sigaddset(&shutdown_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);
  caf::actor_system sys{cfg};
  return body(sys, static_cast<const Config&>(cfg));
}

} // namespace warren
