#pragma once

#include "actors/connection_actor.hpp"
#include "protocols/http/client_response.hpp"
#include "protocols/http/header_list.hpp"
#include "protocols/http/response_parser.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>

#include <chrono>
#include <string>

namespace warren {

class engine;

/// One request for the HTTP client.
struct http_client_request {
  std::string method = "GET";
  std::string url;              ///< http://host[:port]/path?query
  http::header_list headers;    ///< besides Host, User-Agent and Content-Length
  std::string body;
};

/// Why the HTTP client could not produce a response.
enum class http_client_error : std::uint8_t {
  bad_url = 1,       ///< not an http:// URL the client understands
  bad_request,       ///< a header or the method would break the request
  resolve_failed,    ///< the host name did not resolve
  connect_failed,    ///< the connection was refused or could not be made
  connection_lost,   ///< the server closed or reset before the whole response came
  bad_response,      ///< the server's bytes are not a valid HTTP/1.1 response
  timeout,           ///< no complete response within the client's timeout
};

/// The caf::error for `code` (category atom "http_client"); see render_http_client_error.
caf::error make_error(http_client_error code, std::string context = {});

/// Text for http_client errors, for actor_system_config::add_error_category.
std::string render_http_client_error(std::uint8_t code, caf::atom_value, const caf::message&);

/// The client's limits and timeouts.
struct http_client_settings {
  /// Idle keep-alive connections kept per host:port for reuse.
  std::size_t max_idle_per_host = 8;
  /// Time for a whole response, from sending the request.
  std::chrono::milliseconds request_timeout{30000};
  http::response_limits limits;
};

/// Spawns an HTTP/1.1 client actor on `eng`'s reactors:
///
///     auto client = warren::spawn_http_client(engine);
///     self->request(client, caf::infinite, warren::http_client_request{"GET", url})
///       .then([](warren::http::client_response& r) { ... },
///             [](caf::error& e) { ... });
///
/// It keeps connections alive and reuses them per host:port; a request that finds a reused
/// connection already closed by the server is sent again once on a new connection. Host
/// names are resolved off the scheduler's threads. Each connection is an actor (one request
/// at a time); the client actor only routes.
caf::actor spawn_http_client(engine& eng, http_client_settings settings = {});

} // namespace warren

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warren::http_client_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warren::http::client_response)
