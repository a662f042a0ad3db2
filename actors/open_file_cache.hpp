#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace warren {

/// An open descriptor, closed when its last user (cache entry, response, queued file range)
/// lets go of it.
struct file_descriptor {
  explicit file_descriptor(int value) noexcept : fd(value) {}
  ~file_descriptor();
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  int fd;
};

/// A regular file as it was opened: its descriptor and what fstat said then.
struct opened_file {
  std::shared_ptr<file_descriptor> file;
  std::uint64_t size = 0;
  std::time_t mtime = 0;
};

/// Opens `relative` (already checked by http::safe_relative_path) as a regular file below the
/// directory `root_fd`, never resolving outside it (openat2 RESOLVE_BENEATH, so a symlink
/// pointing out is refused too). Returns 0 with `out` filled, or the HTTP status to answer:
/// 404 missing or not a regular file, 503 out of descriptors, 403 for a path that would leave
/// the root or is not readable.
int open_beneath(int root_fd, const std::string& relative, opened_file& out);

/// Files a static-file handler opened recently, by path below its root, shared by every
/// thread that runs the handler. An entry serves requests for `valid_for` after the file was
/// opened, saving the open and close of each request for a busy file; a file replaced or
/// deleted on disk is seen once its entry expires (nginx's open_file_cache works the same
/// way). A file changed in place is the same open file: users fstat the cached descriptor for
/// its current size and date (static_files does). At most `capacity` descriptors are held.
/// While entries exist, a hidden actor closes the expired ones once per validity period, so
/// an idle server holds no descriptor for much longer than two periods.
///
/// Thread-safe. Make it with std::make_shared (the sweeper holds a weak reference).
class open_file_cache : public std::enable_shared_from_this<open_file_cache> {
public:
  using clock_type = std::chrono::steady_clock;

  static constexpr std::size_t capacity = 64;

  explicit open_file_cache(std::chrono::milliseconds valid_for) : valid_for_(valid_for) {}

  /// The entry for `relative`, if it has not expired at `now`.
  std::optional<opened_file> find(const std::string& relative, clock_type::time_point now);

  /// Adds (or replaces) the entry for `relative`, opened at `now`; evicts the oldest entry
  /// when full. Starts the sweeper on `sys` if none runs.
  void put(caf::actor_system& sys, const std::string& relative, opened_file file,
           clock_type::time_point now);

  /// Closes every cached descriptor (for when the process runs out of them).
  void clear();

  /// Entries held, expired or not.
  std::size_t size() const;

private:
  struct entry {
    opened_file file;
    clock_type::time_point expires;
  };

  /// Closes the entries expired at `now`; false (and the sweeper stops) when none remain.
  bool sweep(clock_type::time_point now);

  const std::chrono::milliseconds valid_for_;
  mutable std::mutex mtx_;
  std::unordered_map<std::string, entry> entries_;
  bool sweeper_running_ = false;
};

} // namespace warren
