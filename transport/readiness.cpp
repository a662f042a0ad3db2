#include "transport/readiness.hpp"

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

void send_now(const caf::strong_actor_ptr& owner, bool readable, caf::execution_unit* unit) {
  owner->enqueue(nullptr, caf::make_message_id(),
                 readable ? readable_message() : writable_message(), unit);
}

/// Inside a reactor poll: into the poll's batch; elsewhere: out at once.
void notify(const caf::strong_actor_ptr& owner, bool readable) {
  if (auto batch = current_poll_batch())
    batch->add(owner, readable);
  else
    send_now(owner, readable, nullptr);
}

} // namespace

void poll_batch::schedule_on(caf::execution_unit* unit) {
  // Each owner goes to the front of the worker's queue: the last sent runs first, so send
  // the newest first.
  for (auto i = found_.rbegin(); i != found_.rend(); ++i)
    send_now(i->owner, i->readable, unit);
  found_.clear();
}

poll_batch*& current_poll_batch() {
  thread_local poll_batch* batch = nullptr;
  return batch;
}

void notify_readable(const caf::strong_actor_ptr& owner) {
  notify(owner, true);
}

void notify_writable(const caf::strong_actor_ptr& owner) {
  notify(owner, false);
}

} // namespace warren::transport
