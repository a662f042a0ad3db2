// warren-echo: a length-prefixed echo server. Every frame a client sends comes back to it.
//
//   warren-echo --host=127.0.0.1 --port=7000 [--scheduler.max-threads=N] [--help]

#include "actors/engine.hpp"
#include "actors/run_main.hpp"

#include <iostream>
#include <utility>

/// Runs the server until SIGINT/SIGTERM; returns the exit code.
int serve(caf::actor_system& sys, const warren::framed_config& cfg) {
  warren::engine engine{sys, cfg};
  auto server = engine.serve_framed([](warren::framed_connection*) -> caf::behavior {
    return {
      [](warren::frame& f) { return std::move(f); },  // moved: no copy of the payload
    };
  });
  if (!server) {
    std::cerr << "warren-echo: " << sys.render(server.error()) << std::endl;
    return 1;
  }
  std::cout << "warren-echo listening on " << server->address
            << std::endl;
  return engine.run_until_signal();
}

int main(int argc, char** argv) {
  return warren::run_main<warren::framed_config>(argc, argv, serve);
}
