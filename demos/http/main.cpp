// warren-http: the HTTP demo server.
//
//   /              a canned HTML page from memory
//   /plaintext     "Hello, World!" as text/plain (the benchmark route)
//   /static/...    files under --static-root, sent with sendfile (Range, 304, path checks)
//   /dynamic/...   the same files read by blocking-I/O actors off the reactor and the
//                  scheduler's threads, streamed in bounded chunks
//   /stats         engine counters as JSON
//
//   warren-http --host=127.0.0.1 --port=8080 --static-root=DIR [--help]

#include "actors/engine.hpp"
#include "actors/file_readers.hpp"
#include "actors/http_router.hpp"
#include "actors/run_main.hpp"
#include "actors/static_files.hpp"

#include <iostream>
#include <system_error>

namespace {

struct http_demo_config : warren::http_config {
  std::string static_root = "demos/http/static";
  std::size_t io_actors = 2;
  std::size_t file_cache_ms = warren::default_file_cache.count();
  http_demo_config() {
    opt_group{custom_options_, "global"}
      .add(static_root, "static-root",
           "directory served under /static/ and /dynamic/ (default demos/http/static)")
      .add(io_actors, "io-actors",
           "blocking-I/O actors (own threads) reading files for /dynamic/ (default 2)")
      .add(file_cache_ms, "file-cache-ms",
           "reuse a file opened for /static/ this long, 0 = open it for every request "
           "(default 1000)");
  }

  std::string validate() const {
    if (auto problem = http_config::validate(); !problem.empty())
      return problem;
    if (io_actors < 1 || io_actors > 256)
      return "--io-actors must be between 1 and 256";
    return check_timeout(file_cache_ms, "file-cache-ms");
  }
};

constexpr const char* home_page = R"(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>warren</title></head>
<body>
<h1>warren</h1>
<p>An actor-model connection engine: every connection is a CAF actor.</p>
<ul>
<li><a href="/plaintext">/plaintext</a></li>
<li><a href="/static/index.html">/static/index.html</a> (sendfile)</li>
<li><a href="/dynamic/index.html">/dynamic/index.html</a> (read off the reactor)</li>
<li><a href="/stats">/stats</a></li>
</ul>
</body>
</html>
)";

} // namespace

int main(int argc, char** argv) {
  return warren::run_main<http_demo_config>(argc, argv, [](caf::actor_system& sys,
                                                           const http_demo_config& cfg) {
    warren::engine engine{sys, cfg};
    warren::http_router router;
    router.route("GET", "/", [](auto*, const auto&) {
      return warren::http::response{200, home_page, "text/html; charset=utf-8"};
    });
    router.route("GET", "/plaintext", [](auto*, const auto&) {
      return warren::http::response{200, "Hello, World!", "text/plain"};
    });
    router.route("GET", "/stats", [&engine](auto*, const auto&) {
      return warren::http::response{200, engine.stats().to_json(), "application/json"};
    });
    try {
      router.route_prefix("GET", "/static/", warren::static_files(
                                                 cfg.static_root, "/static/",
                                                 std::chrono::milliseconds{cfg.file_cache_ms}));
      auto readers = warren::file_readers::start(sys, cfg.static_root, cfg.io_actors);
      router.route_prefix("GET", "/dynamic/", readers.handler("/dynamic/"));
      auto server = engine.serve_http(router.factory(), warren::http_settings_from(cfg));
      if (!server) {
        std::cerr << "warren-http: " << sys.render(server.error()) << std::endl;
        return 1;
      }
      std::cout << "warren-http listening on " << server->address
                << std::endl;
      auto code = engine.run_until_signal();
      readers.stop();
      return code;
    } catch (const std::system_error& e) {
      std::cerr << "warren-http: " << e.what() << " (see --static-root)" << std::endl;
      return 1;
    }
  });
}
