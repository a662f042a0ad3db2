#pragma once

#include <cstdint>
#include <optional>

namespace warren::test {

/// What /proc says about another process (a server under attack). Linux only; every reader
/// returns nothing when the process is gone or the file cannot be read.

/// Resident set size (VmRSS) in KiB.
std::optional<std::uint64_t> rss_kib(int pid);

/// CPU time used so far (user + system), in seconds.
std::optional<double> cpu_seconds(int pid);

/// Open file descriptors.
std::optional<std::size_t> open_fds(int pid);

/// Open sockets (listeners and connections; not the descriptors a server creates for itself
/// after it reported listening, such as its signal pipe).
std::optional<std::size_t> open_sockets(int pid);

/// Open descriptors of files with a path (regular files, devices; not sockets or pipes).
std::optional<std::size_t> open_files(int pid);

/// True while the process exists and is not a zombie.
bool process_alive(int pid);

} // namespace warren::test
