#pragma once

#include "actors/http_connection.hpp"

#include <caf/result.hpp>

#include <functional>
#include <string>
#include <vector>

namespace warren {

/// Maps method + path to handlers and makes the behaviour of HTTP connections from them.
///
///     warren::http_router router;
///     router.route("GET", "/hello", [](warren::http_connection*, const warren::http::request&) {
///       return warren::http::response{200, "hi\n"};
///     });
///     engine.serve_http(router.factory());
///
/// Exact paths win over prefixes; among prefixes the longest wins. HEAD falls back to the
/// GET handler (the connection drops the body). A path with no route gets 404; a path whose
/// routes have other methods gets 405 with `Allow`. `OPTIONS *` gets 204 with every method
/// routed anywhere in `Allow`. Paths are compared as sent (still
/// percent-encoded); handlers decode what they use.
class http_router {
public:
  /// Answers one request: a response now, or a promise / delegation (see http_connection).
  using handler =
    std::function<caf::result<http::response>(http_connection* self, const http::request& req)>;

  /// Routes `method` requests for exactly `path`.
  http_router& route(std::string method, std::string path, handler h);

  /// Routes `method` requests whose path starts with `prefix`.
  http_router& route_prefix(std::string method, std::string prefix, handler h);

  /// Finds the handler for `req` and runs it.
  caf::result<http::response> dispatch(http_connection* self, const http::request& req) const;

  /// A behaviour factory for engine::serve_http sharing a copy of this router.
  http_behavior_factory factory() const;

private:
  struct entry {
    std::string method;
    std::string path;
    bool prefix;
    handler h;
  };

  /// The answer to `OPTIONS *`: what the server as a whole allows.
  http::response server_options() const;

  const entry* find(std::string_view method, std::string_view path, bool& path_known,
                    std::string& allow) const;

  std::vector<entry> entries_;
};

} // namespace warren
