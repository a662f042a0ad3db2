#include "actors/open_file_cache.hpp"

#include "actors/atoms.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace warren {

file_descriptor::~file_descriptor() {
  if (fd >= 0)
    ::close(fd);
}

int open_beneath(int root_fd, const std::string& relative, opened_file& out) {
  open_how how{};
  // O_NONBLOCK: opening a FIFO (or a device) must not wait for a peer on a scheduler thread;
  // such files are refused below, and reads of regular files ignore the flag.
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof(how)));
  if (fd < 0) {
    switch (errno) {
      case ENOENT:
      case ENOTDIR:
        return 404;
      case EMFILE:
      case ENFILE:
        return 503;
      case EXDEV:  // resolution would leave the root (e.g. a symlink pointing outside)
      case ELOOP:
      case EACCES:
      case EPERM:
        return 403;
      default:
        return 404;
    }
  }
  auto file = std::make_shared<file_descriptor>(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return 404;
  out.file = std::move(file);
  out.size = static_cast<std::uint64_t>(st.st_size);
  out.mtime = st.st_mtime;
  return 0;
}

std::optional<opened_file> open_file_cache::find(const std::string& relative,
                                                 clock_type::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(relative);
  if (i == entries_.end() || now >= i->second.expires)
    return std::nullopt;
  return i->second.file;
}

void open_file_cache::put(caf::actor_system& sys, const std::string& relative, opened_file file,
                          clock_type::time_point now) {
  std::shared_ptr<file_descriptor> evicted;  // closed outside the lock
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = entries_.find(relative);
    if (i != entries_.end()) {
      evicted = std::move(i->second.file.file);
      entries_.erase(i);
    } else if (entries_.size() >= capacity) {
      auto oldest = entries_.begin();
      for (auto j = entries_.begin(); j != entries_.end(); ++j)
        if (j->second.expires < oldest->second.expires)
          oldest = j;
      evicted = std::move(oldest->second.file.file);
      entries_.erase(oldest);
    }
    entries_.emplace(relative, entry{std::move(file), now + valid_for_});
    if (sweeper_running_)
      return;
    sweeper_running_ = true;
  }
  // Hidden: the actor system does not wait for it at shutdown. It holds the cache weakly,
  // so a handler that is gone takes its cache (and descriptors) with it.
  auto period = valid_for_;
  sys.spawn<caf::hidden>(
    [weak = weak_from_this(), period](caf::event_based_actor* self) -> caf::behavior {
      self->delayed_send(self, period, tick_atom::value);
      return {
        [=](tick_atom) {
          auto cache = weak.lock();
          if (cache && cache->sweep(clock_type::now()))
            self->delayed_send(self, period, tick_atom::value);
          else
            self->quit();
        },
      };
    });
}

bool open_file_cache::sweep(clock_type::time_point now) {
  std::unordered_map<std::string, entry> expired;  // closed outside the lock
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto i = entries_.begin(); i != entries_.end();) {
    if (now >= i->second.expires) {
      expired.insert(entries_.extract(i++));
    } else {
      ++i;
    }
  }
  if (entries_.empty())
    sweeper_running_ = false;
  return sweeper_running_;
}

void open_file_cache::clear() {
  std::unordered_map<std::string, entry> dropped;
  std::lock_guard<std::mutex> guard{mtx_};
  dropped.swap(entries_);
}

std::size_t open_file_cache::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return entries_.size();
}

} // namespace warren
