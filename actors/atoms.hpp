#pragma once

#include <caf/atom.hpp>

/// Message tags of warren's actors. Users need write_atom and close_atom; the rest are
/// internal to the connection and listener actors.
namespace warren {

/// `(write_atom, frame)` to a framed connection: send that frame to its peer.
using write_atom = caf::atom_constant<caf::atom("write")>;
/// `(close_atom)` to a connection: flush pending output, then close.
using close_atom = caf::atom_constant<caf::atom("close")>;
/// `(abort_atom)` to a connection: close at once, dropping pending output (no linger).
using abort_atom = caf::atom_constant<caf::atom("abort")>;
/// `(shutdown_atom)`: stop accepting / reading, flush, then close (graceful shutdown).
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
/// A connection's timer: checks the idle and write-stall deadlines.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// The listener resumes accepting after running out of file descriptors.
using resume_atom = caf::atom_constant<caf::atom("resume")>;
/// `(pull_atom, token, offset, max_bytes)`: asks a body source for the next piece (HTTP).
using pull_atom = caf::atom_constant<caf::atom("pull")>;
/// `(open_atom, relative_path)`: asks a file reader to open a file (HTTP /dynamic).
using open_atom = caf::atom_constant<caf::atom("open")>;
/// `(idle_atom, key, connection)`: an HTTP client connection may be reused.
using idle_atom = caf::atom_constant<caf::atom("idle")>;
/// `(count_atom)` to a listener: answers the number of open connections.
using count_atom = caf::atom_constant<caf::atom("count")>;

} // namespace warren
