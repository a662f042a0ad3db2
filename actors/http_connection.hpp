#pragma once

#include "actors/connection_actor.hpp"
#include "protocols/http/parser_limits.hpp"
#include "protocols/http/request.hpp"
#include "protocols/http/request_parser.hpp"
#include "protocols/http/response.hpp"
#include "protocols/http/response_writer.hpp"
#include "protocols/http/status.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/behavior.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

// Requests and responses travel between local actors only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warren::http::request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warren::http::response)
// The opaque token a body source reads from (see http_body_source).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<const void>)

namespace warren {

class http_connection;

/// Makes the behaviour of one HTTP connection; called once per connection, on its actor.
using http_behavior_factory = std::function<caf::behavior(http_connection*)>;

/// HTTP limits and deadlines, defaults in one place (see http_config for the options).
struct http_settings {
  http::parser_limits limits;
  /// A request whose header section is not complete this long after its first byte gets
  /// 408 and the connection closes (slowloris).
  std::chrono::milliseconds header_timeout{10000};
  /// A handler that has not answered (through a promise) this long gets 503 and a close.
  std::chrono::milliseconds handler_timeout{30000};
  /// After this many requests on one connection the response says `Connection: close`.
  std::size_t max_keepalive_requests = 10000;
};

/// Where a streamed response body comes from: an actor answering
/// `(pull_atom, token, offset, max_bytes)` with the next `std::string` piece (1..max_bytes
/// bytes; an error or empty piece ends the connection, since the length was announced).
struct http_body_source {
  caf::actor reader;
  std::shared_ptr<const void> token;  ///< what to read (e.g. an open file)
  std::uint64_t offset = 0;           ///< where the body starts
};

/// A response body of `length` bytes pulled from `source` piece by piece: the connection
/// asks for the next piece only when its output has drained, so memory stays bounded.
http::streamed_body make_streamed_body(http_body_source source, std::uint64_t length);

/// What every HTTP connection of one server shares.
struct http_context {
  http_settings settings;
  http_behavior_factory factory;
};

using http_context_ptr = std::shared_ptr<const http_context>;

/// A connection speaking HTTP/1.1 (RFC 9112), running a behaviour the user writes.
///
/// Each request is handed to the user's behaviour as an `http::request`, in order. The
/// handler returns an `http::response`, or makes a response promise
/// (`self->make_response_promise<http::response>()`), asks other actors and delivers later;
/// `delegate` works too. Responses go out in request order (pipelining). Persistent
/// connections follow HTTP/1.1 and 1.0 rules; `Expect: 100-continue` gets `100 Continue`;
/// HEAD gets no body; every response has Content-Length and carries Date and Server.
///
/// Bad input gets its status (400, 413, 431, 501, 505) and a close; a handler that throws, or
/// returns something other than a response, gives that request a 500 and closes the
/// connection; a response with CR/LF in a header is refused (500). Other connections are
/// untouched.
class http_connection : public connection_actor {
public:
  http_connection(caf::actor_config& cfg, std::unique_ptr<transport::stream> stream,
                  connection_context_ptr context, http_context_ptr http);

  const http_settings& http_config() const noexcept { return http_->settings; }

protected:
  std::size_t consume(const char* data, std::size_t size) override;
  caf::behavior make_protocol_behavior() override;
  std::optional<clock_type::time_point> protocol_deadline() const override;
  void on_protocol_tick(clock_type::time_point now) override;
  void on_peer_eof() override;
  bool busy() const override { return !pending_.empty() || stream_ != nullptr; }
  bool peer_may_send_more() const override;
  /// Between requests (no parser held): a client without pipelining now awaits the response.
  bool peer_awaits_reply() const override { return !parser_; }
  void on_output_flushed() override;

private:
  friend class http_router;

  /// Answers the request whose handler is running now with `response`, without packing it
  /// into a message (http_router's handlers return responses this way). Outside a handler
  /// call it does nothing.
  void answer_inline(http::response&& response);

  /// A response waiting for the ones before it (pipelining) or for its handler.
  struct slot {
    bool ready = false;
    std::optional<close_reason> close;  ///< close after this response, for this reason
    http::response_context context;
    http::response response;
    clock_type::time_point deadline = clock_type::time_point::max();  ///< for its handler
  };

  /// True while too much is outstanding to take another request.
  bool backlogged() const noexcept;
  void resume_if_drained();

  /// Requests answered but not yet written (or still being answered) before the
  /// connection takes no more: bounds what one pipelining peer can make the server hold.
  static constexpr std::size_t max_outstanding_responses = 32;
  /// File ranges queued for the peer (each keeps a descriptor open) before it takes no more.
  static constexpr std::size_t max_queued_files = 16;

  void dispatch(http::request& req);
  void answer(std::uint64_t seq, http::response response,
              std::optional<close_reason> close = std::nullopt);
  void answer_now(http::response& response, const http::response_context& context,
                  std::optional<close_reason> close);
  void refuse(int status);
  void drain_ready();
  slot* find_slot(std::uint64_t seq);
  void start_stream(const http::streamed_body& body, std::optional<close_reason> close);
  void pull_next_piece();
  void finish_stream();

  /// The streamed body being sent; later responses wait until it is complete.
  struct active_stream {
    std::shared_ptr<const http_body_source> source;
    std::uint64_t sent = 0;
    std::uint64_t length = 0;
    std::optional<close_reason> close;  ///< close once the body is out
    bool pulling = false;               ///< a pull is in flight
    bool waiting_for_drain = false;     ///< pull again once the output drained
  };

  http_context_ptr http_;
  std::unique_ptr<active_stream> stream_;
  /// Exists while a request is being parsed; an idle connection has none.
  std::unique_ptr<http::request_parser> parser_;
  /// Where answer_inline puts its response while dispatch runs the behaviour; null otherwise.
  std::optional<http::response>* inline_answer_ = nullptr;
  /// Responses not written yet, for requests next_to_write_ .. next_seq_-1 (empty when every
  /// request so far was answered at once).
  std::vector<slot> pending_;
  std::uint64_t next_seq_ = 0;       ///< sequence number of the next request
  std::uint64_t next_to_write_ = 0;  ///< sequence number of the next response to write
  /// The header section of the request being parsed must be complete by then (max: none).
  clock_type::time_point header_deadline_ = clock_type::time_point::max();
  std::size_t requests_seen_ = 0;
  bool no_more_requests_ = false;  ///< close-after response, error or limit: parse no more
  bool peer_done_ = false;         ///< EOF from the peer: close once every answer is out
  /// A request was refused (its rest may still be on the way) or bytes came after the last
  /// request: the close lingers.
  bool peer_may_send_more_ = false;
};

} // namespace warren
