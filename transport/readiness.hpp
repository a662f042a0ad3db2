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

/// Lets a reactor poll run an owner's read on the polling worker, without a message: what the
/// owner's kind provides (one object per kind, told to the stream; see
/// stream::set_inline_reader).
class inline_reader {
public:
  /// Handles "readable" for `owner` now, on the worker `unit`, if nothing else runs or is due
  /// to run it (its mailbox is idle); false, having done nothing, otherwise (then the
  /// `readable_atom` message goes out as usual).
  virtual bool read_now(caf::abstract_actor* owner, caf::execution_unit* unit) const = 0;

protected:
  ~inline_reader() = default;
};

/// Sends `readable_atom` to `owner`. Safe from any thread. Inside a reactor poll the message
/// waits in the thread's poll_batch until the poll ends; elsewhere it goes out at once,
/// through the scheduler's queue. With a `reader`, a poll that may run owners inline (see
/// poll_batch::schedule_on) asks it first.
void notify_readable(const caf::strong_actor_ptr& owner, const inline_reader* reader = nullptr);

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
  /// Delivers everything added since the last call, in the order found: with `run_inline`,
  /// each readable owner that has an inline_reader and is idle reads right here; every other
  /// owner gets its message, scheduled on `unit` (the polling worker) so that it runs before
  /// anything else queued there. `run_inline` suits a single worker: on several, owners left
  /// in the queue can be taken by the others, owners run inline cannot.
  void schedule_on(caf::execution_unit* unit, bool run_inline = false);

  /// Queues one readiness; used by notify_readable/notify_writable.
  void add(const caf::strong_actor_ptr& owner, bool readable, const inline_reader* reader) {
    found_.push_back(entry{owner, reader, readable});
  }

private:
  struct entry {
    caf::strong_actor_ptr owner;
    const inline_reader* reader;
    bool readable;
  };
  std::vector<entry> found_;
};

/// The batch collecting this thread's readiness while a reactor poll runs on it (null
/// elsewhere). Set only by the reactor; read by the notify functions.
poll_batch*& current_poll_batch();

} // namespace warren::transport
