#pragma once

#include "actors/http_connection.hpp"

#include <caf/result.hpp>

#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace warren {

/// What a router handler returns: a response to send now, or anything a
/// `caf::result<http::response>` holds (a response promise or delegation that answers later, an
/// error that becomes a 500). A response returned as such reaches the connection as it is;
/// one returned inside a `caf::result` has been packed into a message first.
class http_reply {
public:
  http_reply(http::response response) : answer_(std::move(response)) {}

  template <class T,
            class = std::enable_if_t<!std::is_same<std::decay_t<T>, http::response>::value
                                     && std::is_constructible<caf::result<http::response>,
                                                              T&&>::value>>
  http_reply(T&& later) : answer_(caf::result<http::response>{std::forward<T>(later)}) {}

  /// The response to send now; null when the answer is a `caf::result`.
  http::response* response() noexcept { return std::get_if<http::response>(&answer_); }

  /// The answer as a `caf::result` (a response is packed into a message).
  caf::result<http::response> to_result() &&;

private:
  std::variant<http::response, caf::result<http::response>> answer_;
};

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
/// routes have other methods gets 405 with `Allow`, or for OPTIONS (unless routed) 204 with
/// `Allow`. `OPTIONS *` gets 204 with every method routed anywhere in `Allow`. Paths are
/// compared as sent (still percent-encoded); handlers decode what they use.
class http_router {
public:
  /// Answers one request: a response now, or a promise / delegation (see http_connection).
  using handler = std::function<http_reply(http_connection* self, const http::request& req)>;

  /// Routes `method` requests for exactly `path`.
  http_router& route(std::string method, std::string path, handler h);

  /// Routes `method` requests whose path starts with `prefix`.
  http_router& route_prefix(std::string method, std::string prefix, handler h);

  /// Finds the handler for `req` and runs it.
  http_reply dispatch(http_connection* self, const http::request& req) const;

  /// A behaviour factory for engine::serve_http sharing a copy of this router. A response a
  /// handler returns goes to the connection without being packed into a message.
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
