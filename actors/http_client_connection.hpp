#pragma once

#include "actors/connection_actor.hpp"
#include "actors/http_client.hpp"

#include <caf/typed_response_promise.hpp>

#include <optional>

namespace warren {

/// One request, already checked and resolved, for a client connection.
struct http_client_job {
  std::string method;
  std::string target;
  std::string host_header;
  http::header_list headers;
  std::string body;
};

/// An outbound HTTP/1.1 connection, one request at a time, owned by the client actor.
/// It answers each `http_client_job` with an `http::client_response` (or an error), then
/// tells its owner `(idle_atom, key, self)` when the connection may be reused.
class http_client_connection : public connection_actor {
public:
  http_client_connection(caf::actor_config& cfg, std::unique_ptr<transport::stream> stream,
                         connection_context_ptr context, caf::actor owner, std::string key,
                         http::response_limits limits);

protected:
  std::size_t consume(const char* data, std::size_t size) override;
  caf::behavior make_protocol_behavior() override;
  void on_peer_eof() override;
  void on_closing(close_reason reason) override;
  void on_connect_failed(int error) override;
  bool busy() const override { return current_.has_value(); }

private:
  void complete();
  void fail(http_client_error code, const char* why);

  caf::actor owner_;
  std::string key_;
  http::response_parser parser_;
  std::optional<caf::typed_response_promise<http::client_response>> current_;
  bool got_bytes_ = false;  ///< some of the current response arrived
};

} // namespace warren

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warren::http_client_job)
