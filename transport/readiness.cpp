#include "transport/readiness.hpp"

#include <caf/actor_cast.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/message_id.hpp>

#include <cstddef>

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
void notify(const caf::strong_actor_ptr& owner, bool readable, const inline_reader* reader) {
  if (auto batch = current_poll_batch())
    batch->add(owner, readable, reader);
  else
    send_now(owner, readable, nullptr);
}

} // namespace

void poll_batch::schedule_on(caf::execution_unit* unit, bool run_inline) {
  if (run_inline) {
    // Oldest readiness first, as an epoll loop serves it. Readiness of owners that cannot
    // read here stays in the batch, in order. (No readiness is added meanwhile: this batch
    // collects only while the poll itself runs.)
    std::size_t kept = 0;
    for (std::size_t i = 0; i < found_.size(); ++i) {
      auto& found = found_[i];
      if (found.readable && found.reader != nullptr
          && found.reader->read_now(caf::actor_cast<caf::abstract_actor*>(found.owner), unit))
        continue;
      if (kept != i)
        found_[kept] = std::move(found);
      ++kept;
    }
    found_.erase(found_.begin() + static_cast<std::ptrdiff_t>(kept), found_.end());
  }
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

void notify_readable(const caf::strong_actor_ptr& owner, const inline_reader* reader) {
  notify(owner, true, reader);
}

void notify_writable(const caf::strong_actor_ptr& owner) {
  notify(owner, false, nullptr);
}

} // namespace warren::transport
