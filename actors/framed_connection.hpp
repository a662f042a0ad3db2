#pragma once

#include "actors/connection_actor.hpp"
#include "protocols/framing/frame.hpp"

#include <caf/behavior.hpp>

#include <cstdint>
#include <functional>
#include <string_view>

namespace warren {

class framed_connection;

/// Makes the behaviour of one framed connection; called once per connection, on its actor.
using framed_behavior_factory = std::function<caf::behavior(framed_connection*)>;

/// One factory shared by all connections of a listener.
using framed_behavior_factory_ptr = std::shared_ptr<const framed_behavior_factory>;

/// A connection speaking length-prefixed framing, running a behaviour the user writes.
///
/// - Each frame from the peer is handed to the user's behaviour as a `warren::frame`
///   message, in order, on this actor. If the handler returns a `frame` (or a
///   `std::string` payload), it is sent back to the peer; returning nothing sends nothing.
///   Handlers may also call write() at any time, e.g. after asking other actors.
/// - Any actor may send `(write_atom, frame)` to the connection to send a frame to the peer,
///   or `close_atom` to close it after pending output; other messages go to the user's
///   behaviour as for any CAF actor.
/// - A frame announcing more than max-frame-size bytes closes the connection (protocol error).
/// - A handler that throws, or a behaviour that has no handler for `frame`, closes this
///   connection only (handler error).
class framed_connection : public connection_actor {
public:
  framed_connection(caf::actor_config& cfg, std::unique_ptr<transport::stream> stream,
                    connection_context_ptr context, framed_behavior_factory_ptr factory);

  /// Sends one frame to the peer (after everything written before).
  void write(std::string_view payload);

  /// Sends one frame to the peer (after everything written before).
  void write(const frame& f) { write(std::string_view{f.payload}); }

  /// Flushes pending output, then closes the connection.
  void close() { close_after_flush(close_reason::closed_by_user); }

protected:
  std::size_t consume(const char* data, std::size_t size) override;
  caf::behavior make_protocol_behavior() override;
  bool handle_protocol_message(const caf::type_erased_tuple& content) override;

private:
  friend class frame_reply_writer;

  /// Runs the user's behaviour on one frame from the peer and sends its reply, if any;
  /// false if the connection closed. Adds to `replies` the frames it sent.
  bool dispatch(std::string_view payload, std::uint64_t& replies);
  /// Payloads up to this size go to handlers in a message reused from frame to frame.
  static constexpr std::size_t reusable_payload_limit = 64 * 1024;
  /// A message holding `frame{payload}`, reused across frames where no handler kept it.
  static caf::message& reusable_frame_message(std::string_view payload);
  /// Takes back the buffer of a sent reply for the reused message, if a handler moved the
  /// message's payload out (`[](frame& f) { return std::move(f); }`): the next frame then
  /// needs no allocation.
  static void recycle_payload(std::string& sent);
  /// Queues one frame for the peer without counting it in the engine's statistics.
  void write_uncounted(std::string_view payload);

  framed_behavior_factory_ptr factory_;  ///< released once the behaviour is made
};

} // namespace warren
