// connection_actor: how it runs on its worker. Engine messages (readiness, ticks, shutdown,
// close) are handled here without behaviours; a busy connection's reread needs no message.
// Reading and writing are in connection_actor.cpp, deadlines and closing in
// connection_closing.cpp.
#include "actors/connection_actor.hpp"

#include "actors/atoms.hpp"
#include "transport/readiness.hpp"

#include <caf/mailbox_element.hpp>
#include <caf/type_erased_tuple.hpp>

#include <utility>

namespace warren {

caf::invoke_message_result connection_actor::consume(caf::mailbox_element& x) {
  auto& content = x.content();
  if (content.size() == 1 && content.match_element<caf::atom_value>(0)) {
    switch (static_cast<std::uint64_t>(content.get_as<caf::atom_value>(0))) {
      case static_cast<std::uint64_t>(caf::atom_value{transport::readable_atom::value}):
        handle_readable();
        return caf::invoke_message_result::consumed;
      case static_cast<std::uint64_t>(caf::atom_value{transport::writable_atom::value}):
        handle_writable();
        return caf::invoke_message_result::consumed;
      case static_cast<std::uint64_t>(caf::atom_value{tick_atom::value}):
        handle_tick();
        return caf::invoke_message_result::consumed;
      case static_cast<std::uint64_t>(caf::atom_value{shutdown_atom::value}):
        begin_shutdown();
        return caf::invoke_message_result::consumed;
      case static_cast<std::uint64_t>(caf::atom_value{close_atom::value}):
        close_after_flush(close_reason::closed_by_user);
        return caf::invoke_message_result::consumed;
      case static_cast<std::uint64_t>(caf::atom_value{abort_atom::value}):
        close_now(close_reason::closed_by_user);
        return caf::invoke_message_result::consumed;
      default:
        break;
    }
  } else if (content.size() > 1 && content.match_element<caf::atom_value>(0)) {
    if (handle_protocol_message(content))
      return caf::invoke_message_result::consumed;
  }
  return caf::event_based_actor::consume(x);
}

caf::resumable::resume_result connection_actor::resume(caf::execution_unit* unit, size_t) {
  // A busy connection reads, answers, yields to the other actors on its worker, then reads
  // again. That reread needs no message: this actor returned `resume_later`, so it sits in
  // its worker's queue with an unblocked mailbox and nobody else can schedule it, and it
  // reads here directly. Messages that arrived meanwhile go first; the reread then waits
  // behind them as a readable message.
  if (reread_pending_) {
    reread_pending_ = false;
    if (mailbox().empty())
      return reread_directly(unit);
    transport::notify_readable(ctrl());
  }
  return resume_with_messages(unit);
}

bool& connection_actor::reread_wanted() noexcept {
  thread_local bool wanted = false;
  return wanted;
}

caf::resumable::resume_result connection_actor::resume_with_messages(caf::execution_unit* unit) {
  // One message per turn, then back of the worker's queue: no connection holds its worker
  // through a long mailbox.
  reread_wanted() = false;
  auto result = caf::event_based_actor::resume(unit, 1);
  if (!std::exchange(reread_wanted(), false) || result == done)
    return result;
  if (result == resume_later) {  // more mail: still queued and ours
    reread_pending_ = true;
    return resume_later;
  }
  // CAF blocked the empty mailbox. Unblocking it succeeds only if no message came since,
  // i.e. nobody scheduled this actor: then it is ours again and goes back in the queue.
  // Otherwise it runs (or will) elsewhere, and the reread follows as a message.
  if (mailbox().try_unblock()) {
    reread_pending_ = true;
    return resume_later;
  }
  transport::notify_readable(ctrl());
  return result;
}

caf::resumable::resume_result connection_actor::reread_directly(caf::execution_unit* unit) {
  // What CAF's resume provides around a handler: the execution unit (for sends) and a
  // current message, an anonymous one as the readable message is, since handlers may ask
  // for the sender or make a response promise.
  context(unit);
  thread_local caf::mailbox_element_ptr anonymous =
    caf::make_mailbox_element(nullptr, caf::make_message_id(), {}, caf::make_message());
  anonymous->mid = caf::make_message_id();  // a handler may have marked it answered
  current_element_ = anonymous.get();
  reread_wanted() = false;
  try {
    handle_readable();
  } catch (...) {
    close_now(close_reason::handler_error);  // what the exception handler does
  }
  current_element_ = nullptr;
  bhvr_stack().cleanup();  // behaviours a handler replaced (become) are destroyed now
  if (finalize())  // closed (quit), or the user's behaviour ended: clean up as CAF would
    return done;
  set_receive_timeout();  // a user's `after` timeout restarts with every handled input
  if (std::exchange(reread_wanted(), false)) {
    reread_pending_ = true;
    return resume_later;
  }
  // Nothing more to read now (readiness is armed) or reading stopped. With no mail, block the
  // mailbox here, as CAF's resume would on finding it empty (it then does nothing else);
  // otherwise run the mail that arrived meanwhile.
  if (mailbox().try_block())
    return awaiting_message;
  return resume_with_messages(unit);
}

/// Runs a connection's read inside the reactor poll that found its stream readable.
class connection_inline_reader final : public transport::inline_reader {
public:
  bool read_now(caf::abstract_actor* owner, caf::execution_unit* unit) const override {
    // Only connection actors hand this reader to their stream (see the constructor).
    return static_cast<connection_actor*>(owner)->read_inline(unit);
  }
};

const transport::inline_reader* connection_actor::poll_reader() noexcept {
  static const connection_inline_reader reader;
  return &reader;
}

bool connection_actor::read_inline(caf::execution_unit* unit) {
  // An idle actor's mailbox is blocked. Unblocking it makes this worker the actor's runner,
  // exactly as a message would have (a sender that finds the mailbox unblocked schedules
  // nothing), so the read runs here as it would in a turn of its own. It fails while the
  // actor runs, is queued or has mail: then the readable message queues behind that mail.
  if (!mailbox().try_unblock())
    return false;
  switch (reread_directly(unit)) {
    case resume_later:
      // It wants another turn (a reread, or mail that came meanwhile): queue it, as CAF
      // queues an actor it schedules, with the scheduler's reference.
      intrusive_ptr_add_ref(ctrl());
      unit->exec_later(this);
      break;
    default:
      // awaiting_message: idle again (mailbox blocked); done: it ended. Either way nothing
      // else holds it for the scheduler.
      break;
  }
  return true;
}

bool connection_actor::handle_protocol_message(const caf::type_erased_tuple&) {
  return false;
}

} // namespace warren
