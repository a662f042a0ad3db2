#include "actors/framed_connection.hpp"

#include "actors/atoms.hpp"
#include "protocols/framing/decoder.hpp"

#include <caf/detail/invoke_result_visitor.hpp>
#include <caf/match_case.hpp>

namespace warren {

framed_connection::framed_connection(caf::actor_config& cfg,
                                     std::unique_ptr<transport::stream> stream,
                                     connection_context_ptr context,
                                     framed_behavior_factory_ptr factory)
  : connection_actor(cfg, std::move(stream), std::move(context)), factory_(std::move(factory)) {}

void framed_connection::write(std::string_view payload) {
  write_uncounted(payload);
  stats().frames_out.fetch_add(1, std::memory_order_relaxed);
  check_pushed_output();
}

void framed_connection::write_uncounted(std::string_view payload) {
  char header[framing::header_size];
  framing::write_length(header, static_cast<std::uint32_t>(payload.size()));
  write_bytes(std::string_view{header, sizeof(header)}, payload);
}

caf::behavior framed_connection::make_protocol_behavior() {
  auto behavior = (*factory_)(this);
  factory_.reset();
  return behavior;
}

bool framed_connection::handle_protocol_message(const caf::type_erased_tuple& content) {
  if (content.match_elements<write_atom, frame>()) {
    write(content.get_as<frame>(1));
    return true;
  }
  return false;
}

std::size_t framed_connection::consume(const char* data, std::size_t size) {
  std::size_t used = 0;
  std::uint64_t frames = 0;
  std::uint64_t replies = 0;
  while (!closing()) {
    auto step = framing::next_frame(data + used, size - used, settings().max_frame_size);
    if (step.status == framing::decode_step::need_more)
      break;
    if (step.status == framing::decode_step::oversize) {
      // Replies to the frames before it still go out; then the connection closes.
      close_after_flush(close_reason::protocol_error);
      break;
    }
    used += step.consumed;
    ++frames;
    if (!dispatch(step.payload, replies))
      break;
  }
  // Counted once per batch: a shared counter bumped per 16-byte frame costs as much as the
  // frame's decoding.
  if (frames > 0)
    stats().frames_in.fetch_add(frames, std::memory_order_relaxed);
  if (replies > 0)
    stats().frames_out.fetch_add(replies, std::memory_order_relaxed);
  return used;
}

namespace {

/// One message per worker thread, refilled in place for every frame. A handler that keeps
/// the message (forwards it, stores a copy) shares it; the next frame then gets a fresh one,
/// so what the handler kept never changes under it.
struct reusable_message {
  caf::message message;
  frame* content = nullptr;  ///< the frame inside `message`, writable while it is unique

  bool writable() const { return message.cvals() && message.cvals()->unique(); }
};

thread_local reusable_message reusable;

} // namespace

caf::message& framed_connection::reusable_frame_message(std::string_view payload) {
  if (!reusable.writable()) {
    reusable.message = caf::make_message(frame{});
    reusable.content = static_cast<frame*>(reusable.message.get_mutable(0));
  }
  auto& bytes = reusable.content->payload;
  if (bytes.capacity() > reusable_payload_limit)
    bytes = std::string{};  // a handler grew it: give the memory back
  bytes.assign(payload.data(), payload.size());
  return reusable.message;
}

void framed_connection::recycle_payload(std::string& sent) {
  if (!reusable.writable())
    return;  // a handler kept the message: it is not ours to refill
  auto& bytes = reusable.content->payload;
  if (bytes.capacity() < sent.capacity() && sent.capacity() <= reusable_payload_limit)
    bytes.swap(sent);
}

/// Receives what the user's frame handler returned: a `frame` or `std::string` goes to the
/// peer; nothing (void, an empty optional, a response promise) sends nothing; an error closes
/// the connection. A returned `frame` comes straight to send() (see frame.hpp); other values
/// arrive wrapped in a message.
class frame_reply_writer final : public caf::detail::invoke_result_visitor {
public:
  frame_reply_writer(framed_connection& self, std::uint64_t& replies)
    : self_(self), replies_(replies), outer_(std::exchange(active, this)) {}
  ~frame_reply_writer() override { active = outer_; }

  frame_reply_writer(const frame_reply_writer&) = delete;
  frame_reply_writer& operator=(const frame_reply_writer&) = delete;

  using caf::detail::invoke_result_visitor::operator();

  void operator()() override {}
  void operator()(const caf::none_t&) override {}
  void operator()(caf::error&) override { failed = true; }
  void operator()(caf::message& reply) override {
    if (reply.match_elements<frame>())
      send(reply.get_as<frame>(0).payload);
    else if (reply.match_elements<std::string>())
      send(reply.get_as<std::string>(0));
    else if (reply.match_elements<caf::error>())
      failed = true;
  }

  /// Sends one reply frame, unless the handler closed the connection.
  void send(std::string_view payload) {
    if (self_.closing())
      return;  // the handler closed the connection: nothing more goes out
    self_.write_uncounted(payload);
    ++replies_;
  }

  /// Sends a returned frame, then offers its buffer to the next frame's message.
  void send(frame& reply) {
    send(reply.payload);
    framed_connection::recycle_payload(reply.payload);
  }

  /// The writer collecting the reply of the frame handler running on this thread, if any.
  static thread_local frame_reply_writer* active;

  bool failed = false;

private:
  framed_connection& self_;
  std::uint64_t& replies_;
  frame_reply_writer* outer_;  ///< `active` before this one, restored when this one ends
};

thread_local frame_reply_writer* frame_reply_writer::active = nullptr;

bool framed_connection::dispatch(std::string_view payload, std::uint64_t& replies) {
  if (bhvr_stack().empty()) {
    close_now(close_reason::handler_error);
    return false;
  }
  frame_reply_writer reply{*this, replies};
  auto outcome = caf::match_case::no_match;
  try {
    // The current behaviour: become() is honoured.
    if (payload.size() <= reusable_payload_limit) {
      outcome = bhvr_stack().back()(reply, reusable_frame_message(payload));
    } else {  // a message of its own, released right after
      auto large = caf::make_message(frame{std::string{payload}});
      outcome = bhvr_stack().back()(reply, large);
    }
  } catch (...) {
    close_now(close_reason::handler_error);
    return false;
  }
  if (outcome != caf::match_case::match || reply.failed) {
    // No handler for frames (they would be lost silently), or the handler failed.
    close_now(close_reason::handler_error);
    return false;
  }
  return !closing();
}

} // namespace warren

namespace caf::detail {

/// A frame returned to a framed connection's reply writer goes to the peer at once: wrapping
/// it in a message, as the generic visitor does, costs an allocation, a free and a type check
/// per frame (about 6% of the echo benchmark's throughput). Any other visitor gets the generic
/// behaviour.
template <>
void invoke_result_visitor::operator()<warren::frame>(warren::frame& reply) {
  if (auto writer = warren::frame_reply_writer::active; writer == this) {
    writer->send(reply);
    return;
  }
  auto wrapped = make_message(std::move(reply));
  (*this)(wrapped);
}

} // namespace caf::detail
