#include "actors/framed_connection.hpp"

#include "actors/atoms.hpp"
#include "protocols/framing/decoder.hpp"


namespace warren {

framed_connection::framed_connection(caf::actor_config& cfg,
                                     std::unique_ptr<transport::stream> stream,
                                     connection_context_ptr context,
                                     framed_behavior_factory_ptr factory)
  : connection_actor(cfg, std::move(stream), std::move(context)), factory_(std::move(factory)) {}

void framed_connection::write(std::string_view payload) {
  char header[framing::header_size];
  framing::write_length(header, static_cast<std::uint32_t>(payload.size()));
  write_bytes(std::string_view{header, sizeof(header)}, payload);
  stats().frames_out.fetch_add(1, std::memory_order_relaxed);
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
    if (!dispatch(step.payload))
      break;
  }
  return used;
}

caf::message framed_connection::frame_message(std::string_view payload) {
  // One message per worker thread, refilled in place for every frame up to 64 KiB. A handler
  // that keeps the message (forwards it, stores a copy) shares it; the next frame then gets a
  // fresh one, so what the handler kept never changes under it.
  constexpr std::size_t reuse_limit = 64 * 1024;
  if (payload.size() > reuse_limit)
    return caf::make_message(frame{std::string{payload}});
  static thread_local caf::message reusable;
  if (!reusable.cvals() || !reusable.cvals()->unique())
    reusable = caf::make_message(frame{});
  auto& bytes = static_cast<frame*>(reusable.get_mutable(0))->payload;
  if (bytes.capacity() > reuse_limit)
    bytes = std::string{};  // a handler grew it: give the memory back
  bytes.assign(payload.data(), payload.size());
  return reusable;
}

bool framed_connection::dispatch(std::string_view payload) {
  stats().frames_in.fetch_add(1, std::memory_order_relaxed);
  if (bhvr_stack().empty()) {
    close_now(close_reason::handler_error);
    return false;
  }
  caf::optional<caf::message> result;
  try {
    auto msg = frame_message(payload);
    result = bhvr_stack().back()(msg);  // the current behaviour: become() is honoured
  } catch (...) {
    close_now(close_reason::handler_error);
    return false;
  }
  if (!result) {  // the behaviour has no handler for frames: they would be lost silently
    close_now(close_reason::handler_error);
    return false;
  }
  if (closing())
    return false;
  auto& reply = *result;
  if (reply.match_elements<frame>())
    write(reply.get_as<frame>(0));
  else if (reply.match_elements<std::string>())
    write(std::string_view{reply.get_as<std::string>(0)});
  else if (reply.match_elements<caf::error>())
    close_now(close_reason::handler_error);
  return !closing();
}

} // namespace warren
