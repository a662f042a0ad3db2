#pragma once

#include <caf/actor_control_block.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <vector>

/// How the transport tells a connection actor that its stream is ready: one message carrying no
/// bytes. This is the only part of CAF the transport knows (actor handles, not behaviours).
namespace warren::transport {

/// The stream may be read without blocking (or has failed: the read says how).
using readable_atom = caf::atom_constant<caf::atom("readable")>;
/// The stream may take more output (or has failed: the write says how).
using writable_atom = caf::atom_constant<caf::atom("writable")>;

/// Sends `readable_atom` to `owner`. Safe from any thread. Inside a reactor poll the message
/// waits in the thread's poll_batch until the poll ends; elsewhere it goes out at once,
/// through the scheduler's queue.
void notify_readable(const caf::strong_actor_ptr& owner);

/// Sends `writable_atom` to `owner`, like notify_readable.
void notify_writable(const caf::strong_actor_ptr& owner);

/// The readiness one reactor poll found on a scheduler worker, delivered when the poll ends.
///
/// CAF puts a job scheduled from a worker at the front of that worker's queue, so owners
/// scheduled one by one as the poll finds them would run last-found first, and the socket that
/// has waited longest would wait for the whole batch. schedule_on() keeps the kernel's order
/// (oldest readiness first), as an epoll loop serves it.
class poll_batch {
public:
  /// Sends every message added since the last call, scheduling the owners on `unit` (the
  /// polling worker) so they run before anything else queued there, in the order found.
  void schedule_on(caf::execution_unit* unit);

  /// Queues one readiness message; used by notify_readable/notify_writable.
  void add(const caf::strong_actor_ptr& owner, bool readable) {
    found_.push_back(entry{owner, readable});
  }

private:
  struct entry {
    caf::strong_actor_ptr owner;
    bool readable;
  };
  std::vector<entry> found_;
};

/// The batch collecting this thread's readiness while a reactor poll runs on it (null
/// elsewhere). Set only by the reactor; read by the notify functions.
poll_batch*& current_poll_batch();

} // namespace warren::transport
