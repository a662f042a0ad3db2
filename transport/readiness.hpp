#pragma once

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

/// How the transport tells a connection actor that its stream is ready: one message carrying no
/// bytes. This is the only part of CAF the transport knows (actor handles, not behaviours).
namespace warren::transport {

/// The stream may be read without blocking (or has failed: the read says how).
using readable_atom = caf::atom_constant<caf::atom("readable")>;
/// The stream may take more output (or has failed: the write says how).
using writable_atom = caf::atom_constant<caf::atom("writable")>;

/// Sends `readable_atom` to `owner`. Safe from any thread; from inside a reactor poll it
/// schedules the owner on the polling worker, otherwise through the scheduler's queue.
void notify_readable(const caf::strong_actor_ptr& owner);

/// Sends `writable_atom` to `owner`, like notify_readable.
void notify_writable(const caf::strong_actor_ptr& owner);

/// The scheduler worker running a reactor poll on this thread (null elsewhere).
/// Set only by the reactor; read by the notify functions.
caf::execution_unit*& current_execution_unit();

} // namespace warren::transport
