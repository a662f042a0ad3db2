#include "transport/readiness.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/message_id.hpp>

namespace warren::transport {

namespace {

// Readiness messages hold no data, so one immutable message of each kind is shared.
const caf::message& readable_message() {
  static const caf::message msg = caf::make_message(readable_atom::value);
  return msg;
}

const caf::message& writable_message() {
  static const caf::message msg = caf::make_message(writable_atom::value);
  return msg;
}

} // namespace

caf::execution_unit*& current_execution_unit() {
  thread_local caf::execution_unit* unit = nullptr;
  return unit;
}

void notify_readable(const caf::strong_actor_ptr& owner) {
  owner->enqueue(nullptr, caf::make_message_id(), readable_message(), current_execution_unit());
}

void notify_writable(const caf::strong_actor_ptr& owner) {
  owner->enqueue(nullptr, caf::make_message_id(), writable_message(), current_execution_unit());
}

} // namespace warren::transport
